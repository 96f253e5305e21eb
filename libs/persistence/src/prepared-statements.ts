import { createHash } from 'node:crypto';

// Named prepared statements for a pool's connections. node-postgres sends every statement TypeORM gives it unnamed,
// so PostgreSQL parses, analyses and plans it on every call; a named one is parsed once per connection and, after a
// few executions, keeps a generic plan when that plan is no costlier than the custom ones. Measured on the worker's
// hot path (`npm run bench -- --pg-statements`): planning was about as much PostgreSQL time as execution for a
// decision's statements (a case lookup planned in 0.4 ms and ran in 0.1). Only for pools whose statements are keyed by
// ids (the worker's); the API's dashboard queries, whose best plan depends on the filter values, stay unnamed.

/** Statements a connection prepares at most; later new ones go unnamed (a bound on the server's memory). */
export const MAX_PREPARED_PER_CONNECTION = 500;

const NAME_PREFIX = 'napflow_';

const DML = /^\s*(select|with|insert|update|delete)\b/i;

/** The name a statement is prepared under: the same text always gets the same name, on every connection. */
export function preparedStatementName(text: string): string {
  return `${NAME_PREFIX}${createHash('sha1').update(text).digest('base64url')}`;
}

/**
 * Whether a statement's text is one to prepare: one data statement (no transaction control, SET or DDL, and no
 * semicolon before its end: several statements in one text run only unnamed, by the simple query protocol).
 */
export function isPreparable(text: string): boolean {
  return DML.test(text) && !/;\s*\S/.test(text);
}

/** What PostgreSQL says when a connection lost its prepared statements (or holds another client's). */
const LOST_PREPARED = new Set(['26000', '42P05']);

export const POOLER_HINT =
  'the worker prepares its statements on each connection; behind a pooler that moves a session between ' +
  'server connections (PgBouncer in transaction mode before 1.21), set DATABASE_PREPARED_STATEMENTS=false';

/** PostgreSQL's SQLSTATE of an error node-postgres passed on. */
function sqlState(err: unknown): string | undefined {
  return err instanceof Error ? String((err as { code?: unknown }).code) : undefined;
}

/** A lost prepared statement's error, with what to do about it appended once. */
export function withPoolerHint(err: unknown): unknown {
  if (err instanceof Error && LOST_PREPARED.has(sqlState(err) ?? '')) {
    if (!err.message.includes(POOLER_HINT)) err.message = `${err.message} (${POOLER_HINT})`;
  }
  return err;
}

interface PgQueryConfig {
  name?: string;
  text: string;
  values?: unknown[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base constructor must take any[]
type PgClientClass = new (...args: any[]) => {
  query(config: unknown, values?: unknown, callback?: unknown): unknown;
};

/**
 * A node-postgres Client class (for the pool's `Client` option) that names the data statements it is given as text.
 * A statement PostgreSQL refused to parse is not remembered by node-postgres, so it is parsed again next time.
 */
export function preparingClientClass<C extends PgClientClass>(Client: C): C {
  return class PreparingClient extends Client {
    private readonly prepared = new Set<string>();

    override query(config: unknown, values?: unknown, callback?: unknown): unknown {
      if (typeof config === 'string' && isPreparable(config)) {
        const name = preparedStatementName(config);
        if (this.prepared.has(name) || this.prepared.size < MAX_PREPARED_PER_CONNECTION) {
          this.prepared.add(name);
          const named: PgQueryConfig = {
            name,
            text: config,
            ...(Array.isArray(values) ? { values: values as unknown[] } : {}),
          };
          // query(text, callback) and query(text, values, callback) both become query(config, callback)
          const cb = typeof values === 'function' ? values : callback;
          if (typeof cb === 'function')
            return super.query(named, (err: unknown, res: unknown) =>
              (cb as (e: unknown, r: unknown) => void)(this.lost(err), res),
            );
          return (super.query(named) as Promise<unknown>).catch((err: unknown) => {
            throw this.lost(err);
          });
        }
      }
      return super.query(config, values, callback);
    }

    /**
     * The server no longer holds a statement node-postgres believes prepared (DEALLOCATE ALL, DISCARD ALL, a pooler
     * that moved the session): this call fails, with what to do about it, and node-postgres forgets every statement
     * this class prepared on the connection, so the next calls prepare them again instead of failing in turn.
     */
    private lost(err: unknown): unknown {
      if (sqlState(err) === '26000') {
        const parsed = (this as { connection?: { parsedStatements?: Record<string, string> } }).connection
          ?.parsedStatements;
        for (const name of Object.keys(parsed ?? {}))
          if (name.startsWith(NAME_PREFIX)) delete (parsed as Record<string, string>)[name];
      }
      return withPoolerHint(err);
    }
  };
}
