// `pg` ships no type declarations here (no @types/pg); this is the little of it the dev stack uses.
export interface PgClient {
  connect(): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}

export interface PgClientConfig {
  connectionString: string;
  connectionTimeoutMillis?: number;
}

export function createPgClient(config: PgClientConfig): PgClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS module, typed above
  const pg = require('pg') as { Client: new (config: PgClientConfig) => PgClient };
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  return client;
}

/** Runs one query on a fresh connection. */
export async function pgQuery<Row = Record<string, unknown>>(
  connectionString: string,
  sql: string,
  params?: unknown[],
  connectionTimeoutMillis = 5000,
): Promise<Row[]> {
  const client = createPgClient({ connectionString, connectionTimeoutMillis });
  try {
    await client.connect();
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with its password replaced, for console lines. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
