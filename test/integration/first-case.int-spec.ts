// The first case end to end below HTTP: the real worker (in this process) with its real activities, the
// Temporal dev server, embedded PostgreSQL and the SMTP sink. A NAP measure is started, its lead agency is
// told by email, completes it, the head and the coordinator approve, the case closes; the read model and the
// audit trail follow every step.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import type { Actor, StartCaseInput } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain';
import {
  AgenciesRepository,
  AuditRepository,
  CasesRepository,
  connectDataSource,
  PeopleRepository,
  PlansRepository,
  StatesRepository,
  ADMIN_SCOPE,
} from '@app/persistence';
import { CaseCommandRefused, CaseWorkflowClient } from '@app/temporal';
import { startWorker, type RunningWorker } from '../../apps/worker/src/start-worker';
import { testServices, waitForMail } from '../support/services';

const run = randomUUID().slice(0, 8).toUpperCase();
const plan = `KG-NAP-IT-${run}`;
const MOE = `KG-MOE-${run}`;
const COORD = `KG-NCC-${run}`;

async function eventually<T>(
  probe: () => Promise<T | undefined | null>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('first case, end to end (worker, Temporal, PostgreSQL, SMTP)', () => {
  let ds: DataSource;
  let worker: RunningWorker;
  let connection: Connection;
  let client: Client;
  let cases: CaseWorkflowClient;
  let focal: Actor;
  let coordinator: Actor;

  beforeAll(async () => {
    const services = testServices();
    const config = loadConfig({ ...process.env, NAPFLOW_LOG_LEVEL: 'warn' });
    ds = await connectDataSource(services.databaseUrl);
    await new StatesRepository(ds).insertMissing([
      { code: 'KG', name: 'Kyrgyzstan', timeZone: 'Asia/Bishkek' },
    ]);
    await new AgenciesRepository(ds).insertMissing([
      { code: MOE, name: 'Ministry of Economy', stateCode: 'KG', kind: 'ministry' },
      { code: COORD, name: 'National coordination', stateCode: 'KG', kind: 'agency' },
    ]);
    await new PlansRepository(ds).create({
      code: plan,
      stateCode: 'KG',
      title: "Kyrgyzstan's National Implementation Action Plan",
      adoptedOn: '2013-03-22',
    });
    const people = new PeopleRepository(ds);
    const fp = await people.create({
      email: `focal.${run.toLowerCase()}@moe.example.org`,
      name: 'Aibek Focal',
      language: 'en',
      agencyCode: MOE,
      role: 'focal_point',
      passwordHash: null,
    });
    const co = await people.create({
      email: `coordinator.${run.toLowerCase()}@ncc.example.org`,
      name: 'Gulnara Coordinator',
      language: 'ru',
      agencyCode: COORD,
      role: 'coordinator',
      passwordHash: null,
    });
    focal = { personId: fp.id, name: fp.name, agency: MOE, role: 'focal_point', channel: 'api' };
    coordinator = { personId: co.id, name: co.name, agency: COORD, role: 'coordinator', channel: 'api' };

    worker = await startWorker(config);
    connection = await Connection.connect({ address: services.temporal.address });
    client = new Client({ connection, namespace: services.temporal.namespace });
    cases = new CaseWorkflowClient(client, config.temporal.taskQueue);
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await ds?.destroy();
  });

  it('runs a measure from start to close, with emails, read model and audit trail', async () => {
    const dueOn = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const input: StartCaseInput = {
      planCode: plan,
      caseCode: 'M-1',
      kind: 'measure',
      title: 'National control list harmonised with the EU lists',
      stateCode: 'KG',
      timeZone: 'Asia/Bishkek',
      leadAgency: MOE,
      supportingAgencies: [],
      participants: { coordinator: [COORD] },
      dueOn,
      definition: getShippedDefinition('measure'),
      startedBy: coordinator,
    };
    const started = await cases.start(input);
    expect(started).toMatchObject({ workflowId: `case:${plan}:M-1`, alreadyStarted: false });
    // The worker runs with the SDK's workflow stack traces off (its default; patches/README.md).
    await expect(client.workflow.getHandle(started.workflowId).query('__stack_trace')).rejects.toThrow(
      /Workflow stack traces are not enabled on this worker/,
    );
    // The business key makes a second start a no-op.
    await expect(cases.start(input)).resolves.toMatchObject({ alreadyStarted: true });

    // The read model follows the workflow.
    const repo = new CasesRepository(ds);
    const row = await eventually(() => repo.findByWorkflowId(started.workflowId), 'the read-model row');
    expect(row).toMatchObject({ status: 'active', dueOn });

    // The lead agency's focal point is told by email, with a stable Message-ID.
    const assigned = await waitForMail((m) => m.to.includes(`focal.${run.toLowerCase()}@moe.example.org`));
    expect(assigned.subject).toBe('New step for your agency: Implementation by the lead agency (M-1)');
    expect(assigned.text).toContain('National control list harmonised with the EU lists');
    expect(assigned.messageId).toMatch(/^<[0-9a-f]+@napflow>$/);

    // The coordinator may not complete the lead agency's task; nothing changes.
    const before = await cases.getState(started.workflowId);
    await expect(
      cases.execute(started.workflowId, {
        type: 'complete',
        stepKey: 'execute',
        actor: { ...focal, agency: COORD },
      }),
    ).rejects.toBeInstanceOf(CaseCommandRefused);
    expect(await cases.getState(started.workflowId)).toEqual(before);

    let state = await cases.execute(started.workflowId, {
      type: 'complete',
      stepKey: 'execute',
      actor: focal,
      note: 'List adopted on 2 April 2014',
    });
    expect(state.steps.find((s) => s.key === 'execute')?.status).toBe('done');
    expect(state.steps.find((s) => s.key === 'head_approval')?.status).toBe('active');

    state = await cases.execute(started.workflowId, {
      type: 'decide',
      stepKey: 'head_approval',
      actor: focal,
      decision: 'approve',
    });
    // A second decision on a closed step is refused with a reason.
    await expect(
      cases.execute(started.workflowId, {
        type: 'decide',
        stepKey: 'head_approval',
        actor: focal,
        decision: 'approve',
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/step_not_active|already_decided/) });

    const coordinatorStep = state.steps.find((s) => s.status === 'active');
    expect(coordinatorStep).toBeDefined();
    state = await cases.execute(started.workflowId, {
      type: 'decide',
      stepKey: coordinatorStep!.key,
      actor: coordinator,
      decision: 'approve',
    });
    expect(state.status).toBe('completed');
    expect(state.progress).toBe(1);

    const closed = await eventually(async () => {
      const r = await repo.findByWorkflowId(started.workflowId);
      return r?.status === 'completed' ? r : undefined;
    }, 'the read model to show the case closed');
    expect(closed.status).toBe('completed');
    const detail = await repo.findById(closed.id, ADMIN_SCOPE);
    expect(detail?.steps?.map((s) => [s.key, s.status])).toEqual(
      expect.arrayContaining([
        ['execute', 'done'],
        ['head_approval', 'done'],
      ]),
    );

    // Every transition is in the audit trail exactly once, the hash chain intact.
    const audit = await new AuditRepository(ds).listByWorkflow(started.workflowId);
    const seqs = audit.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(audit.map((a) => a.type)).toEqual(
      expect.arrayContaining(['case_started', 'step_completed', 'decision', 'case_closed']),
    );
    await expect(new AuditRepository(ds).verifyChain()).resolves.toMatchObject({ ok: true });

    // The closing email reaches the lead agency.
    await waitForMail(
      (m) => m.to.includes(`focal.${run.toLowerCase()}@moe.example.org`) && m.id !== assigned.id,
    );
  });
});
