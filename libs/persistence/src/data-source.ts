import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';
import { preparingClientClass } from './prepared-statements';

export interface DataSourceOpts {
  /** connections in the pool (default 10) */
  poolSize?: number;
  /** shown in pg_stat_activity */
  applicationName?: string;
  /** log SQL (default false) */
  logging?: boolean;
  /** a TypeORM logger (tests use one to capture the SQL a repository runs) */
  logger?: Logger;
  /**
   * Send data statements as named prepared statements (prepared-statements.ts): parsed once per connection, planned
   * once when a generic plan serves. For the worker, whose statements are keyed by ids. Off behind a pooler that
   * cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

/** A PostgreSQL data source with every entity and migration. Not yet connected: call initialize(). Never synchronizes. */
export function createDataSource(url: string, opts: DataSourceOpts = {}): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: opts.logging ?? (opts.logger ? ['query'] : false),
    ...(opts.logger ? { logger: opts.logger } : {}),
    applicationName: opts.applicationName ?? 'napflow',
    poolSize: opts.poolSize ?? 10,
    ...(opts.preparedStatements ? { extra: { Client: preparingClientClass(pgClient()) } } : {}),
  };
  return new DataSource(options);
}

function pgClient() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- `pg` ships no types here; TypeORM loads the same module
  return (require('pg') as { Client: Parameters<typeof preparingClientClass>[0] }).Client;
}

/** createDataSource + initialize. */
export async function connectDataSource(url: string, opts: DataSourceOpts = {}): Promise<DataSource> {
  return createDataSource(url, opts).initialize();
}

async function withDataSource<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await connectDataSource(url, { poolSize: 2, applicationName: 'napflow-migrations' });
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Applies every pending migration; returns the names of those it ran. Safe to call concurrently from several processes. */
export async function runMigrations(url: string): Promise<string[]> {
  return withDataSource(url, async (ds) => {
    // Two processes starting at once (API and worker, or parallel test files) must not run the same migration twice.
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(1540, 1)');
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(1540, 1)').catch(() => undefined);
      await runner.release();
    }
  });
}

/** Reverts the last `count` migrations (all when count is omitted); returns the number reverted. */
export async function revertMigrations(url: string, count = Number.POSITIVE_INFINITY): Promise<number> {
  return withDataSource(url, async (ds) => {
    let reverted = 0;
    while (reverted < count) {
      const executed = await ds
        .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM migrations`)
        .catch(() => [{ n: 0 }]);
      if (executed[0].n === 0) break;
      await ds.undoLastMigration({ transaction: 'each' });
      reverted += 1;
    }
    return reverted;
  });
}
