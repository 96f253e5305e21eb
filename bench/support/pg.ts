// `pg` ships no type declarations here (no @types/pg): the little of its Pool the benchmarks use, typed.
export interface PgPool {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number | null }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}

export function createPgPool(connectionString: string, max = 10): PgPool {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS module, typed above
  const pg = require('pg') as { Pool: new (config: { connectionString: string; max: number }) => PgPool };
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
}
