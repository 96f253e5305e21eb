// Drill: the Temporal dev server (file-backed: --db-filename on a SQLite file in a temp dir, fixed port) is
// stopped with SIGTERM in the middle of a bulk start of 30 measure cases and started again on the same file and
// port after a 12 s outage, while the napflow worker (in this process) stays up. The starts that fail during the
// outage are retried by the loop until they succeed (counted; a retry may find its abandoned attempt already
// landed). After the restart every started case — before, during and after the outage — answers getState (its
// pending timers and activities survived), is listed by visibility and has its read-model row.
//
// What the file-backed dev server (temporal CLI `server start-dev --db-filename`) did on restart, over the runs
// made while writing this drill: SIGTERM ends it cleanly (exit 0 in ~1.2 s); it comes back on the same file and
// port in 1.6-8.4 s (slower than the ~1 s first start); no workflow, visibility record or timer was lost; the worker
// reconnected by itself. During the outage the SDK client retries UNAVAILABLE internally, so a start blocks rather
// than failing: a short outage (2-3 s) needed no retry by the caller at all. Upstream weaknesses seen:
// - after the restart the server logged `level=ERROR msg="failed to set query completion state to succeeded" ...
//   error="query does not exist"` for a getState query; the query itself was answered (harmless noise).
// - a start attempt abandoned by the caller keeps being retried inside the SDK (grpc-retry); closing the
//   Connection before it settles throws "Channel has been shut down" from a timer (an uncaught error that failed
//   one run), so the drill awaits every abandoned attempt before closing.
// Not covered: "every timer fires" — no shipped definition has a timer seconds away (the earliest is the overdue
// notice at the next 09:00 slot), so pending timers are only shown to survive (the cases stay queryable, active).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import type { Actor, StartCaseInput } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain';
import { freePorts, resolveTemporalCli, NAPFLOW_NAMESPACE, searchAttributeArgs } from '@app/devstack';
import { ManagedChild } from '@app/devstack/child-process';
import {
  AgenciesRepository,
  CasesRepository,
  connectDataSource,
  PeopleRepository,
  PlansRepository,
  StatesRepository,
} from '@app/persistence';
import { CaseWorkflowClient } from '@app/temporal';
import { startWorker, type RunningWorker } from '../../apps/worker/src/start-worker';
import { bounded, eventually } from './support/fault-stack';

const N = 30;
/** Longer than one start attempt, so the SDK's own retries of UNAVAILABLE give up and the loop must retry. */
const OUTAGE_MS = 12_000;
/** One start attempt's bound: an attempt abandoned here may still land, and its retry then finds it started. */
const ATTEMPT_MS = 4_000;
const run = randomUUID().slice(0, 8).toUpperCase();
const plan = `KG-NAP-TR-${run}`;
const MOE = `KG-MOE-TR-${run}`;
const COORD = `KG-NCC-TR-${run}`;

class FileBackedTemporal {
  private child: ManagedChild | undefined;
  constructor(
    readonly dir: string,
    readonly port: number,
    readonly httpPort: number,
    readonly metricsPort: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get exit(): string {
    return this.child?.describeExit() ?? 'never started';
  }

  get output(): string {
    return this.child?.tail.toString() ?? '';
  }

  async start(): Promise<number> {
    const started = Date.now();
    this.child = await ManagedChild.spawn(
      resolveTemporalCli().path,
      [
        'server',
        'start-dev',
        '--namespace',
        NAPFLOW_NAMESPACE,
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--http-port',
        String(this.httpPort),
        '--metrics-port',
        String(this.metricsPort),
        '--log-level',
        'warn',
        '--headless',
        '--db-filename',
        path.join(this.dir, 'temporal.sqlite'),
        '--sqlite-pragma',
        'journal_mode=WAL',
        ...searchAttributeArgs(),
      ],
      { cwd: this.dir },
    );
    const child = this.child;
    await eventually(
      'the file-backed dev server to answer',
      async () => {
        if (!child.running) throw new Error(`dev server ${child.describeExit()}: ${child.tail.toString()}`);
        const c = await Connection.connect({ address: this.address, connectTimeout: 2000 }).catch(
          () => undefined,
        );
        if (!c) return false;
        try {
          await c.workflowService.describeNamespace({ namespace: NAPFLOW_NAMESPACE });
          return true;
        } catch {
          return false;
        } finally {
          await c.close().catch(() => undefined);
        }
      },
      90_000,
      200,
    );
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    await this.child?.stop(15_000);
  }
}

describe('Temporal dev server restarted on its data file', () => {
  let temporal: FileBackedTemporal;
  let ds: DataSource;
  let worker: RunningWorker | undefined;
  let connection: Connection;
  let client: Client;
  let cases: CaseWorkflowClient;
  let coordinator: Actor;
  let taskQueue: string;
  /** start attempts the loop gave up on: the SDK keeps retrying them, so they must settle before closing */
  const abandoned: Promise<unknown>[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-temporal-restart-'));
    const [port, httpPort, metricsPort] = await freePorts(3);
    temporal = new FileBackedTemporal(dir, port, httpPort, metricsPort);
    await temporal.start();

    ds = await connectDataSource(process.env.DATABASE_URL as string);
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
      title: 'Temporal restart drill plan',
      adoptedOn: '2013-03-22',
    });
    const people = new PeopleRepository(ds);
    await people.create({
      email: `focal.tr.${run.toLowerCase()}@moe.example.org`,
      name: 'Focal',
      language: 'en',
      agencyCode: MOE,
      role: 'focal_point',
      passwordHash: null,
    });
    const co = await people.create({
      email: `coordinator.tr.${run.toLowerCase()}@ncc.example.org`,
      name: 'Coordinator',
      language: 'en',
      agencyCode: COORD,
      role: 'coordinator',
      passwordHash: null,
    });
    coordinator = { personId: co.id, name: co.name, agency: COORD, role: 'coordinator', channel: 'api' };

    taskQueue = `drill-tr-${run.toLowerCase()}`;
    const config = loadConfig({
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAPFLOW_NAMESPACE,
      TEMPORAL_TASK_QUEUE: taskQueue,
      NAPFLOW_LOG_LEVEL: process.env.NAPFLOW_DRILL_LOG_LEVEL ?? 'silent',
    });
    worker = await startWorker(config);
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: NAPFLOW_NAMESPACE });
    cases = new CaseWorkflowClient(client, taskQueue);
  });

  afterAll(async () => {
    await bounded('abandoned start attempts', Promise.all(abandoned), 60_000);
    await bounded('worker stop', worker?.stop());
    await bounded('connection close', connection?.close());
    await bounded('dev server stop', temporal?.stop());
    await bounded('data source', ds?.destroy());
    if (temporal) fs.rmSync(temporal.dir, { recursive: true, force: true });
  });

  it('lists every case started around a restart, each queryable with its read-model row', async () => {
    const dueOn = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const input = (i: number): StartCaseInput => ({
      planCode: plan,
      caseCode: `M-${i}`,
      kind: 'measure',
      title: `Measure ${i}`,
      stateCode: 'KG',
      timeZone: 'Asia/Bishkek',
      leadAgency: MOE,
      supportingAgencies: [],
      participants: { coordinator: [COORD] },
      dueOn,
      definition: getShippedDefinition('measure'),
      startedBy: coordinator,
    });

    const t0 = Date.now();
    const ids: string[] = [];
    let retriedAttempts = 0;
    let startsRetried = 0;
    let alreadyStartedOnRetry = 0;
    const errors = new Map<string, number>();
    let restarting: Promise<number> | undefined;
    let outageMs = 0;
    let stopMs = 0;
    let stopExit = '';
    for (let i = 1; i <= N; i++) {
      if (i === Math.floor(N / 2)) {
        // midway: stop the server (SIGTERM) and bring it back on the same file and port while the starts go on
        const down = Date.now();
        await temporal.stop();
        stopMs = Date.now() - down;
        stopExit = temporal.exit;
        restarting = (async () => {
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          const ms = await temporal.start();
          outageMs = Date.now() - down;
          return ms;
        })();
      }
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          let timer: NodeJS.Timeout | undefined;
          const attempt = cases.start(input(i));
          // an abandoned attempt goes on retrying inside the SDK: it must settle before the connection closes
          abandoned.push(attempt.catch(() => undefined));
          const started = await Promise.race([
            attempt,
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`start attempt took over ${ATTEMPT_MS} ms`)),
                ATTEMPT_MS,
              );
            }),
          ]).finally(() => clearTimeout(timer));
          if (attempts > 1 && started.alreadyStarted) alreadyStartedOnRetry++;
          ids.push(started.workflowId);
          break;
        } catch (err) {
          const msg = (err instanceof Error ? err.message : String(err)).slice(0, 120);
          errors.set(msg, (errors.get(msg) ?? 0) + 1);
          if (Date.now() - t0 > 180_000) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      if (attempts > 1) {
        startsRetried++;
        retriedAttempts += attempts - 1;
      }
    }
    const restartMs = await restarting;
    await Promise.all(abandoned);
    const startsMs = Date.now() - t0;

    expect(new Set(ids).size).toBe(N);
    // every case answers getState (its pending timers and activities survived the restart)
    for (const id of ids) {
      let state: Awaited<ReturnType<CaseWorkflowClient['getState']>> | undefined;
      await eventually(
        `${id} to answer getState`,
        async () => {
          state = await cases.getState(id).catch(() => undefined);
          return state !== undefined;
        },
        60_000,
        250,
      );
      expect(state?.status).toBe('active');
    }
    // every case is listed by visibility
    let listed = 0;
    await eventually(
      'every case to be listed',
      async () => {
        listed = 0;
        for await (const wf of client.workflow.list({
          query: `WorkflowType = "caseWorkflow" AND TaskQueue = "${taskQueue}"`,
        })) {
          if (ids.includes(wf.workflowId)) listed++;
        }
        return listed === N;
      },
      60_000,
      500,
    );
    // every case has its read-model row
    const repo = new CasesRepository(ds);
    await eventually(
      'every read-model row',
      async () => {
        for (const id of ids) if (!(await repo.findByWorkflowId(id))) return false;
        return true;
      },
      60_000,
      250,
    );
    const totalMs = Date.now() - t0;
    console.warn(
      `[temporal-restart] ${N} starts in ${startsMs} ms; outage ${outageMs} ms (SIGTERM: ${stopExit} after ${stopMs} ms; restart ready in ${restartMs} ms); ` +
        `${startsRetried} starts retried (${retriedAttempts} failed attempts, ${alreadyStartedOnRetry} already started ` +
        `on retry); all listed, queryable and projected after ${totalMs} ms; errors seen: ` +
        JSON.stringify([...errors.entries()]) +
        `; dev server output tail: ${temporal.output.split('\n').slice(-5).join(' | ')}`,
    );
    expect(startsRetried).toBeGreaterThan(0);
  });
});
