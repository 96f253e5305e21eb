// `--pg-statements`: where PostgreSQL's time goes in each scenario, statement by statement, from pg_stat_statements
// (nested statements of functions and triggers included, planning time apart from execution time). Off by default:
// the extension itself costs a little on every statement.
import type { ScenarioResult } from './report';
import type { PgPool } from './pg';

/** Server settings that load the extension (the embedded cluster only: a DATABASE_URL server must have them). */
export const PG_STATEMENTS_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
};

export interface PgStatement {
  calls: number;
  /** execution time in ms, all calls (a caller's includes what its nested statements spent) */
  execMs: number;
  /** planning time in ms, all calls */
  planMs: number;
  rows: number;
  /** sent by a client (true) or run inside a function or trigger (false) */
  toplevel: boolean;
  query: string;
}

/** Creates the extension, or says why it cannot (then the scenarios run without it). */
export async function enablePgStatements(pg: PgPool): Promise<string | undefined> {
  try {
    await pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await pg.query('SELECT pg_stat_statements_reset()');
    return undefined;
  } catch (err) {
    return `pg_stat_statements is not available (${err instanceof Error ? err.message : String(err)}): the server needs shared_preload_libraries=pg_stat_statements`;
  }
}

export async function resetPgStatements(pg: PgPool): Promise<void> {
  await pg.query('SELECT pg_stat_statements_reset()');
}

/** The statements that took the most time (execution plus planning) since the last reset. */
export async function topPgStatements(pg: PgPool, limit = 40): Promise<PgStatement[]> {
  const { rows } = await pg.query<{
    calls: string;
    exec_ms: number;
    plan_ms: number;
    rows: string;
    toplevel: boolean;
    query: string;
  }>(
    `SELECT calls, total_exec_time AS exec_ms, total_plan_time AS plan_ms, rows, toplevel,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 400) AS query
       FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time + total_plan_time DESC
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    calls: Number(r.calls),
    execMs: Math.round(r.exec_ms * 10) / 10,
    planMs: Math.round(r.plan_ms * 10) / 10,
    rows: Number(r.rows),
    toplevel: r.toplevel,
    query: r.query,
  }));
}

/** Adds the statements to the scenario's JSON and prints the first few, with the split between planning and execution. */
export function attachPgStatements(result: ScenarioResult, statements: PgStatement[]): void {
  const top = statements.filter((s) => s.toplevel);
  const nested = statements.filter((s) => !s.toplevel);
  const sum = (xs: PgStatement[], f: (s: PgStatement) => number) => xs.reduce((a, s) => a + f(s), 0);
  result.figures = { ...result.figures, pgStatements: statements };
  const line =
    `PostgreSQL, the ${statements.length} costliest statements: clients' statements executed ${sum(top, (s) => s.execMs).toFixed(0)} ms ` +
    `(nested planning ${sum(nested, (s) => s.planMs).toFixed(0)} ms included) and planned ${sum(top, (s) => s.planMs).toFixed(0)} ms`;
  result.notes = [...(result.notes ?? []), line];
  console.log(`  ${line}`);
  console.log('   calls   exec ms/call  plan ms/call  level   statement');
  for (const s of statements.slice(0, 12))
    console.log(
      `  ${String(s.calls).padStart(6)}  ${(s.execMs / s.calls).toFixed(3).padStart(12)}  ${(s.planMs / s.calls).toFixed(3).padStart(12)}  ${s.toplevel ? 'client' : 'nested'}  ${s.query.slice(0, 90)}`,
    );
}
