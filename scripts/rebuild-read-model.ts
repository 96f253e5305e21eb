// Rebuilds the read model of every case from its workflow (query getState), for recovery after a lost or
// restored database. Case rows come from PostgreSQL and, with --from-temporal, from Temporal's list of case
// workflows as well. Each case is written like recordTransition writes it: newer snapshots win, nothing doubles.
// Audit events are not rebuilt (the query returns the state, not the history); they stay as they are.
//
//   node dist/scripts/rebuild-read-model.js [--from-temporal] [--concurrency 8]
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { CaseSnapshot } from '@app/domain/case/case.types';
import { CasesRepository, ReadModelRepository } from '@app/persistence';

export interface RebuildDeps {
  dataSource: DataSource;
  /** the workflow's state (query getState); throws when the workflow does not exist */
  getState: (workflowId: string) => Promise<CaseSnapshot>;
  /** extra workflow ids to rebuild besides the case rows (e.g. listed by Temporal) */
  listWorkflowIds?: () => AsyncIterable<string>;
  /** true when the error means "no such workflow" (the row is reported as missing, not as failed) */
  isNotFound?: (err: unknown) => boolean;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface RebuildReport {
  total: number;
  updated: number;
  unchanged: number;
  missing: string[];
  failed: { workflowId: string; error: string }[];
}

/** Rebuilds every case; returns what happened to each. */
export async function rebuildReadModel(deps: RebuildDeps): Promise<RebuildReport> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const cases = new CasesRepository(deps.dataSource);
  const readModel = new ReadModelRepository(deps.dataSource);

  const ids = new Set<string>();
  for (let after: string | null = null; ;) {
    const page = await cases.workflowIds(after, 1000);
    if (page.length === 0) break;
    page.forEach((p) => ids.add(p.workflowId));
    after = page[page.length - 1].id;
  }
  if (deps.listWorkflowIds) for await (const id of deps.listWorkflowIds()) ids.add(id);

  const queue = [...ids].sort();
  const report: RebuildReport = { total: queue.length, updated: 0, unchanged: 0, missing: [], failed: [] };
  log(`[rebuild] ${queue.length} case workflows to rebuild`);
  let done = 0;
  let lastLogged = Date.now();
  const progress = (force = false) => {
    if (!force && Date.now() - lastLogged < 1000 && done % 100 !== 0) return;
    lastLogged = Date.now();
    const pct = report.total === 0 ? 100 : Math.floor((done / report.total) * 100);
    log(
      `[rebuild] ${done}/${report.total} (${pct}%) updated ${report.updated}, unchanged ${report.unchanged}, ` +
        `missing ${report.missing.length}, failed ${report.failed.length}`,
    );
  };

  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const snapshot = await deps.getState(id);
        const result = await readModel.recordTransition(snapshot, []);
        if (result.snapshotApplied) report.updated += 1;
        else report.unchanged += 1;
      } catch (err) {
        if (deps.isNotFound?.(err)) report.missing.push(id);
        else report.failed.push({ workflowId: id, error: err instanceof Error ? err.message : String(err) });
      }
      done += 1;
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 8) }, worker));
  progress(true);
  report.missing.sort();
  return report;
}

/** Workflow ids of every case workflow Temporal knows (each id once, whatever its runs). */
export async function* caseWorkflowIdsFromTemporal(client: Client): AsyncIterable<string> {
  const seen = new Set<string>();
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'caseWorkflow'` })) {
    if (seen.has(wf.workflowId)) continue;
    seen.add(wf.workflowId);
    yield wf.workflowId;
  }
}

async function main(argv: string[]): Promise<number> {
  const { ConfigError, loadConfig } = await import('@app/config');
  const { connectDataSource } = await import('@app/persistence');
  const { CaseWorkflowClient, CaseWorkflowNotFound, createTemporalClient } = await import('@app/temporal');
  const fromTemporal = argv.includes('--from-temporal');
  const ci = argv.indexOf('--concurrency');
  const concurrency = ci >= 0 ? Number(argv[ci + 1]) : 8;

  const config = loadConfig(process.env, { requireServices: false });
  const problems = [
    ...(config.databaseUrl ? [] : ['DATABASE_URL: not set (the database to rebuild)']),
    ...(config.temporal.address
      ? []
      : ['TEMPORAL_ADDRESS: not set (the Temporal server holding the case workflows)']),
    ...(Number.isInteger(concurrency) && concurrency > 0
      ? []
      : ['--concurrency: must be a positive integer']),
  ];
  if (problems.length) throw new ConfigError(problems);

  const dataSource = await connectDataSource(config.databaseUrl, {
    poolSize: Math.min(concurrency + 1, 20),
    applicationName: 'napflow-rebuild',
  });
  const temporal = createTemporalClient(config);
  try {
    const caseClient = new CaseWorkflowClient(temporal.client, config.temporal.taskQueue);
    console.log('[rebuild] queries need a running worker on task queue ' + config.temporal.taskQueue);
    const report = await rebuildReadModel({
      dataSource,
      getState: (id) => caseClient.getState(id),
      isNotFound: (err) => err instanceof CaseWorkflowNotFound,
      listWorkflowIds: fromTemporal ? () => caseWorkflowIdsFromTemporal(temporal.client) : undefined,
      concurrency,
    });
    for (const id of report.missing) console.log(`[rebuild] no workflow for case row ${id} (left as it is)`);
    for (const f of report.failed) console.error(`[rebuild] ${f.workflowId}: ${f.error}`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await temporal.connection.close().catch(() => undefined);
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        err instanceof Error && err.name === 'ConfigError'
          ? err.message
          : `[rebuild] failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    },
  );
}
