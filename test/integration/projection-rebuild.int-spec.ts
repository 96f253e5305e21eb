import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { getShippedDefinition } from '@app/domain';
import type { StartCaseInput } from '@app/domain/case/case.types';
import {
  AuditRepository,
  CasesRepository,
  connectDataSource,
  runMigrations,
  ADMIN_SCOPE,
} from '@app/persistence';
import { seedReference } from '@app/persistence/testing/fixtures';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import {
  CaseWorkflowClient,
  CaseWorkflowNotFound,
  createTemporalClient,
  type TemporalHandles,
} from '@app/temporal';
import { type RunningWorker, startWorker } from '../../apps/worker/src/start-worker';
import { caseWorkflowIdsFromTemporal, rebuildReadModel } from '../../scripts/rebuild-read-model';

/** Waits for `check` to hold, polling, for at most `ms`. */
async function eventually<T>(
  what: string,
  get: () => Promise<T>,
  check: (v: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (check(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(rebuildReadModel.name, () => {
  const run = randomBytes(4).toString('hex');
  const plan = 'KG-NAP-2013';
  let db: TemporaryDatabase;
  let ds: DataSource;
  let worker: RunningWorker;
  let temporal: TemporalHandles;
  let client: CaseWorkflowClient;
  const codes = [`RB-${run}-1`, `RB-${run}-2`];

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 6 });
    await seedReference(ds);
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_TASK_QUEUE: `rebuild-${run}`,
      NAPFLOW_LOG_LEVEL: 'error',
    });
    worker = await startWorker(config);
    temporal = createTemporalClient(config);
    client = new CaseWorkflowClient(temporal.client, config.temporal.taskQueue);
    const definition = getShippedDefinition('measure');
    for (const code of codes) {
      const input: StartCaseInput = {
        planCode: plan,
        caseCode: code,
        kind: 'measure',
        title: `Rebuild test ${code}`,
        stateCode: 'KG',
        timeZone: 'Asia/Bishkek',
        leadAgency: 'KG-MOE',
        supportingAgencies: ['KG-SCS'],
        participants: { coordinator: ['KG-MOE'] },
        dueOn: '2031-06-30',
        definition,
        startedBy: {
          personId: 'system',
          name: 'test',
          agency: 'KG-MOE',
          role: 'coordinator',
          channel: 'system',
        },
      };
      await client.start(input);
    }
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await temporal?.connection.close();
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  it('restores damaged case rows from the workflows and leaves the audit trail alone', async () => {
    const cases = new CasesRepository(ds);
    const wf = codes.map((c) => CaseWorkflowClient.workflowId(plan, c));
    // the workflows report through recordTransition: wait until both rows and their active steps exist
    const original = await eventually(
      'the read model of both cases',
      () => Promise.all(codes.map((c) => cases.findByCode(plan, c))),
      (rows) => rows.every((r) => r !== null && r.seq >= 0),
    );
    const detail = async (i: number) => cases.findById(original[i]!.id, ADMIN_SCOPE);
    const before = await eventually(
      'the steps of the first case',
      () => detail(0),
      (d) => (d?.steps.length ?? 0) > 0,
    );
    const auditBefore = await new AuditRepository(ds).listByWorkflow(wf[0]);

    // a restored old backup: the first case lost its state and its steps; a row whose workflow never existed
    await ds.query(
      `UPDATE cases SET status = 'withdrawn', progress = 0, seq = 0, snapshot = NULL WHERE id = $1`,
      [before!.id],
    );
    await ds.query(`DELETE FROM case_steps WHERE case_id = $1`, [before!.id]);
    await cases.reserve({
      planCode: plan,
      stateCode: 'KG',
      kind: 'measure',
      code: `RB-${run}-ghost`,
      workflowId: `case:${plan}:RB-${run}-ghost`,
      title: 'ghost',
      leadAgency: 'KG-MOE',
      dueOn: null,
      timeZone: 'Asia/Bishkek',
    });

    const lines: string[] = [];
    const report = await rebuildReadModel({
      dataSource: ds,
      getState: (id) => client.getState(id),
      isNotFound: (err) => err instanceof CaseWorkflowNotFound,
      log: (line) => lines.push(line),
      concurrency: 2,
    });
    expect(report.missing).toEqual([`case:${plan}:RB-${run}-ghost`]);
    expect(report.failed).toEqual([]);
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect(report.total).toBe(3);
    expect(lines.at(-1)).toMatch(/^\[rebuild\] 3\/3 \(100%\)/);

    const after = await detail(0);
    const live = await client.getState(wf[0]);
    expect(after).toMatchObject({ status: live.status, seq: live.seq, progress: live.progress });
    expect(after?.steps.map((s) => [s.key, s.status])).toEqual(live.steps.map((s) => [s.key, s.status]));
    expect(await new AuditRepository(ds).listByWorkflow(wf[0])).toEqual(
      expect.arrayContaining(auditBefore.map((e) => expect.objectContaining({ seq: e.seq, hash: e.hash }))),
    );

    // a second run finds nothing to change; Temporal's own list names the same case workflows
    const again = await rebuildReadModel({
      dataSource: ds,
      getState: (id) => client.getState(id),
      isNotFound: (err) => err instanceof CaseWorkflowNotFound,
      log: () => {},
    });
    expect(again.updated).toBe(0);
    expect(again.unchanged).toBe(2);
    const listed = await eventually(
      'the case workflows in Temporal visibility',
      async () => {
        const ids: string[] = [];
        for await (const id of caseWorkflowIdsFromTemporal(temporal.client)) ids.push(id);
        return ids;
      },
      (ids) => wf.every((id) => ids.includes(id)),
    );
    expect(listed).toEqual(expect.arrayContaining(wf));
  }, 120_000);
});
