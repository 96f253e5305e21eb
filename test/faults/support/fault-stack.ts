// What every fault drill runs against: its own database (migrated) on the PostgreSQL the jest global setup
// started, its own SMTP sink (so faults can be injected in-process), the shared Temporal dev server with a task
// queue of its own, the API in this process and the worker in this process or as a child that can be killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { type AppConfig, loadConfig } from '@app/config';
import { freePort, SmtpSink } from '@app/devstack';
import { AgenciesRepository, connectDataSource, PeopleRepository, runMigrations } from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { createApiApp, ensureAdmin } from '../../../apps/api/src/bootstrap';
import { hashPassword } from '../../../apps/api/src/auth/password';
import { type RunningWorker, startWorker } from '../../../apps/worker/src/start-worker';
import { TcpProxy } from './tcp-proxy';

const ROOT = path.resolve(__dirname, '../../..');
export const ADMIN = { email: 'drill-admin@napflow.example.org', password: 'drill-admin-password-1540' };
export const PASSWORD = 'drill-password-1540-ok';

export interface FaultStack {
  config: AppConfig;
  env: Record<string, string>;
  db: TemporaryDatabase;
  sink: SmtpSink;
  api?: INestApplication;
  apiChild?: ApiChild;
  baseUrl: string;
  worker?: RunningWorker;
  /** set with `databaseProxy`: cut it to simulate a PostgreSQL outage */
  proxy?: TcpProxy;
  /** the SQL a check needs, on the drill's own database */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: run the drills with \`npm run test:faults\` (jest global setup starts the services)`,
    );
  return v;
}

export async function startFaultStack(opts: {
  worker: 'in-process' | 'none';
  /** 'child': the API as its own process (outside jest's sandbox, as in production); default in this process */
  api?: 'in-process' | 'child';
  databaseProxy?: boolean;
  /** a Temporal server of the drill's own (e.g. one it stops and restarts); default the shared one (TEMPORAL_*) */
  temporal?: { address: string; namespace: string };
}): Promise<FaultStack> {
  const db = await createTemporaryDatabase(requireEnv('DATABASE_URL'), 'napflow_drill');
  await runMigrations(db.url);
  // the apps reach PostgreSQL through a proxy the drill can cut (the checks below use the direct URL)
  const direct = new URL(db.url);
  const proxy = opts.databaseProxy ? await TcpProxy.start(direct.hostname, Number(direct.port)) : undefined;
  const appDbUrl = new URL(db.url);
  if (proxy) {
    appDbUrl.hostname = '127.0.0.1';
    appDbUrl.port = String(proxy.listenPort);
  }
  const sink = await SmtpSink.start({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-drill-mail-')) });
  const env: Record<string, string> = {
    DATABASE_URL: appDbUrl.toString(),
    TEMPORAL_ADDRESS: opts.temporal?.address ?? requireEnv('TEMPORAL_ADDRESS'),
    TEMPORAL_NAMESPACE: opts.temporal?.namespace ?? requireEnv('TEMPORAL_NAMESPACE'),
    TEMPORAL_TASK_QUEUE: `drill-${randomBytes(4).toString('hex')}`,
    SMTP_URL: sink.url,
    NAPFLOW_ADMIN_EMAIL: ADMIN.email,
    NAPFLOW_ADMIN_PASSWORD: ADMIN.password,
    NAPFLOW_LOG_LEVEL: process.env.NAPFLOW_DRILL_LOG_LEVEL ?? 'silent',
    NAPFLOW_DEMO: 'false',
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: '10',
  };
  const config = loadConfig(env);
  const worker = opts.worker === 'in-process' ? await startWorker(config) : undefined;
  let api: INestApplication | undefined;
  let apiChild: ApiChild | undefined;
  let baseUrl: string;
  if (opts.api === 'child') {
    await createAdmin(db.url);
    const port = await freePort();
    apiChild = spawnApiChild({ ...env, PORT: String(port) });
    baseUrl = `http://127.0.0.1:${port}`;
    const url = baseUrl;
    await eventually(
      'the API child to answer',
      async () => (await fetch(`${url}/health/live`).catch(() => undefined))?.ok === true,
      120_000,
      250,
    );
  } else {
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    const address = api.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    await ensureAdmin(api, config);
  }
  const direct_ = await connectDataSource(db.url, { poolSize: 4, applicationName: 'napflow-drill-checks' });
  return {
    config,
    env,
    db,
    proxy,
    sink,
    api,
    apiChild,
    baseUrl,
    worker,
    query: <Row>(sql: string, params?: unknown[]) => direct_.query(sql, params) as Promise<Row[]>,
    async stop() {
      // every step bounded: a drill that broke something must still leave nothing running
      await proxy?.up();
      await bounded('API close', api?.close());
      await bounded('API child SIGTERM', apiChild?.kill('SIGTERM'), 20_000, () => apiChild?.kill('SIGKILL'));
      await bounded('worker stop', worker?.stop());
      await proxy?.stop();
      await bounded('checks connection', direct_.destroy());
      await bounded('SMTP sink', sink.stop());
      fs.rmSync(sink.dir, { recursive: true, force: true });
      await bounded('drop database', db.drop());
    },
  };
}

export type ApiChild = WorkerChild;

/** The API as a child process (apps/api/src/main.ts through the swc require hook). */
export function spawnApiChild(env: Record<string, string>): ApiChild {
  return spawnChild('apps/api/src/main.ts', {
    ...env,
    NAPFLOW_LOG_LEVEL: process.env.NAPFLOW_DRILL_LOG_LEVEL ?? 'warn',
  });
}

async function createAdmin(databaseUrl: string): Promise<void> {
  const ds = await connectDataSource(databaseUrl, { poolSize: 2 });
  try {
    await new AgenciesRepository(ds).insertMissing([
      { code: 'NAPFLOW', name: 'napflow operators', stateCode: null, kind: 'international' },
    ]);
    await new PeopleRepository(ds).create({
      email: ADMIN.email,
      name: 'Drill administrator',
      language: 'en',
      agencyCode: 'NAPFLOW',
      role: 'admin',
      passwordHash: await hashPassword(ADMIN.password),
    });
  } finally {
    await ds.destroy();
  }
}

/** The worker as a child process (so a drill can SIGKILL it), from the sources through the swc require hook. */
export interface WorkerChild {
  pid: number;
  kill(signal: NodeJS.Signals): Promise<number | string | null>;
  exited: Promise<number | string | null>;
  isAlive(): boolean;
  output(): string;
}

export function spawnWorkerChild(env: Record<string, string>): WorkerChild {
  return spawnChild('apps/worker/src/main.ts', { ...env, NAPFLOW_LOG_LEVEL: 'info' });
}

/**
 * The setup of the drills that kill or stop the worker: a fault stack without a worker of its own, a Temporal
 * client, the worker as a child process polling the stack's task queue, and the drill's seed data; all torn down
 * after the file. Registers the file's beforeAll and afterAll: call it in the describe block, read the fields in
 * tests.
 */
export interface WorkerChildDrill {
  stack: FaultStack;
  s: Seeded;
  client: Client;
  /** the current worker child (the one startWorker started last) */
  worker: WorkerChild | undefined;
  /** starts a worker child (with the drill's worker environment) and waits until that process polls */
  startWorker(): Promise<WorkerChild>;
}

export function useWorkerChildDrill(opts: {
  api?: 'in-process' | 'child';
  databaseProxy?: boolean;
  /** extra environment of every worker child the drill starts (read when it starts) */
  workerEnv?: () => Record<string, string>;
}): WorkerChildDrill {
  let connection: Connection | undefined;
  const drill = {
    worker: undefined,
    async startWorker() {
      drill.worker = await startPollingWorkerChild(drill.stack, drill.client, opts.workerEnv?.() ?? {});
      return drill.worker;
    },
  } as WorkerChildDrill;
  beforeAll(async () => {
    drill.stack = await startFaultStack({ worker: 'none', api: opts.api, databaseProxy: opts.databaseProxy });
    connection = await Connection.connect({ address: drill.stack.config.temporal.address });
    drill.client = new Client({ connection, namespace: drill.stack.config.temporal.namespace });
    await drill.startWorker();
    drill.s = await seedDrill(drill.stack.baseUrl);
  });
  afterAll(async () => {
    await drill.worker?.kill('SIGKILL');
    if (connection) await bounded('Temporal client connection close', connection.close(), 10_000);
    await drill.stack?.stop();
  });
  return drill;
}

/**
 * Spawns the worker as a child and waits until that very process polls the stack's task queue (a killed
 * predecessor stays listed among the pollers for a while, so "some poller" is not enough).
 */
export async function startPollingWorkerChild(
  stack: FaultStack,
  client: Client,
  extraEnv: Record<string, string> = {},
): Promise<WorkerChild> {
  const w = spawnWorkerChild({ ...stack.env, ...extraEnv });
  await eventually(
    'the worker child to poll its task queue',
    async () => {
      const r = await client.workflowService.describeTaskQueue({
        namespace: stack.config.temporal.namespace,
        taskQueue: { name: stack.config.temporal.taskQueue },
        taskQueueType: 1,
      });
      return (r.pollers ?? []).some((p) => (p.identity ?? '').startsWith(`${w.pid}@`));
    },
    180_000,
    250,
  );
  return w;
}

function spawnChild(entry: string, env: Record<string, string>): WorkerChild {
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'test/faults/support/swc-register.js'), path.join(ROOT, entry)],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let alive = true;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => ((alive = false), resolve(code ?? signal))),
  );
  return {
    pid: child.pid as number,
    exited,
    output: () => out,
    isAlive: () => alive,
    async kill(signal) {
      if (alive) child.kill(signal);
      return exited;
    },
  };
}

/** A small JSON client over fetch. */
export class Http {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<Http> {
    const r = await fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (r.status !== 200 && r.status !== 201)
      throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
    return new Http(baseUrl, ((await r.json()) as { token: string }).token);
  }

  async send(
    method: string,
    urlPath: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown; text: string }> {
    const isRaw = typeof body === 'string' || body instanceof FormData || body instanceof Uint8Array;
    const r = await fetch(`${this.baseUrl}${urlPath}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isRaw ? (body as RequestInit['body']) : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, text };
  }
}

export interface Seeded {
  admin: Http;
  coordinator: Http;
  focal: Record<string, Http>;
  plan: string;
}

export const LEADS = ['KG-SCS', 'KG-BS'];

/** One state, a coordinator, one focal point per lead agency, one plan — through the API. */
export async function seedDrill(baseUrl: string): Promise<Seeded> {
  const admin = await Http.login(baseUrl, ADMIN.email, ADMIN.password);
  const ok = async (p: Promise<{ status: number; text: string }>) => {
    const r = await p;
    if (r.status >= 300 && r.status !== 409) throw new Error(`seed: ${r.status} ${r.text}`);
  };
  await ok(
    admin.send('POST', '/states', {
      code: 'KG',
      name: 'Kyrgyzstan',
      timeZone: 'Asia/Bishkek',
      holidayCalendar: 'KG',
    }),
  );
  for (const code of ['KG-MOE', ...LEADS])
    await ok(admin.send('POST', '/agencies', { code, name: `Agency ${code}`, stateCode: 'KG' }));
  const person = async (email: string, agencyCode: string, role: string) => {
    await ok(
      admin.send('POST', '/people', {
        email,
        name: email.split('@')[0],
        agencyCode,
        role,
        language: 'en',
        password: PASSWORD,
      }),
    );
    return Http.login(baseUrl, email, PASSWORD);
  };
  const coordinator = await person('coordinator@drill.napflow.example.org', 'KG-MOE', 'coordinator');
  const focal: Record<string, Http> = {};
  for (const a of LEADS)
    focal[a] = await person(`fp-${a.toLowerCase()}@drill.napflow.example.org`, a, 'focal_point');
  const plan = `DRILL-${randomBytes(3).toString('hex').toUpperCase()}`;
  await ok(
    admin.send('POST', '/plans', {
      code: plan,
      title: 'Drill plan',
      stateCode: 'KG',
      adoptedOn: '2013-03-22',
    }),
  );
  return { admin, coordinator, focal, plan };
}

/** Awaits `p` at most `ms`; says which step hung (and runs `onTimeout`) instead of hanging the suite. */
export async function bounded(
  label: string,
  p: Promise<unknown> | undefined,
  ms = 45_000,
  onTimeout?: () => unknown,
): Promise<void> {
  if (!p) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([
    p.then(
      () => 'done' as const,
      () => 'failed' as const,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    console.warn(`[fault-stack] ${label} did not finish within ${ms} ms`);
    await onTimeout?.();
  }
}

/** Polls `check` until it returns true, at most `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Counts of the rows a rejected request must not have written. */
export const ALL_WRITTEN_TABLES = [
  'cases',
  'case_steps',
  'audit_events',
  'email_outbox',
  'people',
  'agencies',
  'states',
  'action_plans',
];

export async function writtenRows(
  stack: FaultStack,
  tables: string[] = ALL_WRITTEN_TABLES,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t] = (await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
  return out;
}

/**
 * Waits until a case's workflow is idle (no activity pending, no workflow task pending) and every copy it stored is
 * sent. Its notices go out in batches, one after another: "every stored copy sent" alone can hold between two
 * batches, before the next one is even stored (the next may wait on a dead worker's sticky queue for 10 s).
 */
export async function waitForCaseIdle(
  stack: FaultStack,
  client: Client,
  workflowId: string,
  timeoutMs = 120_000,
): Promise<void> {
  await eventually(
    `case ${workflowId} to be idle with every notification sent`,
    async () => {
      const d = await client.workflow.getHandle(workflowId).describe();
      if ((d.raw.pendingActivities ?? []).length || d.raw.pendingWorkflowTask) return false;
      const rows = await stack.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM email_outbox WHERE workflow_id = $1 AND status <> 'sent'`,
        [workflowId],
      );
      return rows[0].n === 0;
    },
    timeoutMs,
  );
}

/**
 * The mail invariant: once the outbox has settled (nothing pending or sending), every sent copy is in the sink
 * exactly once by Message-ID, and the sink holds no napflow message that the outbox does not know.
 */
export async function expectMailExactlyOnce(
  stack: FaultStack,
  timeoutMs = 60_000,
): Promise<{ sent: number; failed: number }> {
  await eventually(
    'the outbox to settle',
    async () =>
      (
        await stack.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM email_outbox WHERE status IN ('pending', 'sending')`,
        )
      )[0].n === 0,
    timeoutMs,
  );
  const rows = await stack.query<{ message_id: string; status: string }>(
    `SELECT message_id, status FROM email_outbox`,
  );
  const sent = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.message_id));
  const counts = new Map<string, number>();
  for (const m of stack.sink.messages())
    if (m.messageId) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  const duplicates = [...counts.entries()].filter(([, n]) => n > 1);
  const missing = [...sent].filter((id) => !counts.has(id));
  const unknown = [...counts.keys()].filter((id) => !rows.some((r) => r.message_id === id));
  if (duplicates.length || missing.length || unknown.length) {
    // what was doubled, by whom and when: the outbox row and every copy's arrival
    const doubled = duplicates.slice(0, 3).map(([id]) => id);
    const detail = doubled.length
      ? await stack.query(
          `SELECT message_id, kind, workflow_id, recipient_email, status, attempts, smtp_response, last_error, created_at, sent_at, updated_at
             FROM email_outbox WHERE message_id = ANY($1)`,
          [doubled],
        )
      : [];
    const arrivals = stack.sink
      .messages()
      .filter((m) => m.messageId && doubled.includes(m.messageId))
      .map((m) => [m.messageId, m.receivedAt]);
    throw new Error(
      `mail invariant broken: ${duplicates.length} duplicated Message-IDs ${JSON.stringify(duplicates.slice(0, 3))}, ` +
        `${missing.length} sent but not received, ${unknown.length} received but unknown to the outbox; ` +
        `doubled rows ${JSON.stringify(detail)}, arrivals ${JSON.stringify(arrivals)}`,
    );
  }
  return { sent: sent.size, failed: rows.filter((r) => r.status === 'failed').length };
}

/** Creates a measure and waits until its workflow has projected it; returns its id. */
export async function createMeasure(
  s: Seeded,
  code: string,
  lead = LEADS[0],
  stack?: FaultStack,
): Promise<string> {
  const r = await s.coordinator.send('POST', `/plans/${s.plan}/cases`, {
    kind: 'measure',
    code,
    title: `Measure ${code}`,
    leadAgency: lead,
    dueOn: '2031-06-30',
  });
  if (r.status !== 201) throw new Error(`create ${code}: ${r.status} ${r.text}`);
  const id = (r.body as { id: string }).id;
  if (stack) {
    await eventually(`case ${code} to be projected`, async () => {
      const rows = await stack.query<{ seq: number }>(`SELECT seq::int AS seq FROM cases WHERE id = $1`, [
        id,
      ]);
      return rows.length === 1 && rows[0].seq >= 0;
    });
  }
  return id;
}
