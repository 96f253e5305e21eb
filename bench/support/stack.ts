// The real stack a benchmark runs against: the dev stack (Temporal dev server on a SQLite file, embedded
// PostgreSQL with the migrations, the in-process SMTP sink), napflow's worker and API as child processes (as in
// production), and the baseline worker as a third child. Also the HTTP client the scenarios use.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type DevStack, freePort, startDevStack } from '@app/devstack';
import { AgenciesRepository, connectDataSource, PeopleRepository, runMigrations } from '@app/persistence';
import { WORKFLOW_STACK_TRACES_ENV } from '@app/temporal';
import { hashPassword } from '../../apps/api/src/auth/password';
import { cpuSnapshot, type CpuSnapshot } from './cpu';
import { createPgPool, type PgPool } from './pg';
import { waitUntil } from './stats';

const fromSources = path.extname(__filename) === '.ts';
/** The checkout root, from bench/support (sources) or dist/bench/support (build). */
export const ROOT = path.resolve(__dirname, fromSources ? '../..' : '../../..');
const DIST = path.join(ROOT, 'dist');
const REGISTER = path.join(ROOT, 'test/faults/support/swc-register.js');

export const ADMIN = { email: 'bench-admin@napflow.example.org', password: 'bench-admin-password-1540' };

export interface BenchStack {
  dev: DevStack;
  apiUrl: string;
  pg: PgPool;
  temporal: Client;
  connection: Connection;
  namespace: string;
  taskQueue: string;
  persistence: string;
  /** while this file exists the API child logs its SQL to `<file>.sql` (bench/support/capture-sql.js) */
  sqlCaptureFlag: string;
  worker: ManagedProcess;
  api: ManagedProcess;
  baselineWorker: ManagedProcess;
  /** CPU seconds so far of each part of the stack (bench/support/cpu.ts) */
  cpu(): CpuSnapshot;
  /** restarts the napflow worker (fresh process, empty cache) */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface ManagedProcess {
  readonly pid: number;
  readonly name: string;
  rssMb(): number;
  stop(): Promise<void>;
}

/** An entry point as a command: the built .js under dist/, or the .ts source through the swc require hook. */
function entry(sourceTs: string): string[] {
  if (fromSources) return ['-r', REGISTER, path.join(ROOT, sourceTs)];
  return [path.join(DIST, sourceTs.replace(/\.ts$/, '.js'))];
}

export function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): ManagedProcess {
  const out = fs.openSync(logFile, 'a');
  // e.g. NAPFLOW_BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the API and the workers
  const nodeArgs = (process.env.NAPFLOW_BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  // a benchmark that crashes (an uncaught error, process.exit) must not leave its API and workers running
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exit.then(() => process.removeListener('exit', killOnExit));
  return {
    pid: child.pid as number,
    name,
    rssMb: () => readRssMb(child.pid as number),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exit;
      clearTimeout(t);
    },
  };
}

/** Resident set size of a process, from /proc (Linux). */
export function readRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}

export async function taskQueueHasPoller(
  client: Client,
  namespace: string,
  taskQueue: string,
): Promise<boolean> {
  const r = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1,
  });
  return (r.pollers ?? []).length > 0;
}

export async function startBenchStack(opts: {
  inMemoryTemporal: boolean;
  log: (s: string) => void;
  /** embedded PostgreSQL server settings (`--pg-statements`) */
  postgresSettings?: Record<string, string>;
}): Promise<BenchStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-bench-'));
  fs.chmodSync(dataDir, 0o711);
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logDir);
  // NAPFLOW-owned env only: a DATABASE_URL etc. from the caller's shell still wins (devstack reads it).
  const dev = await startDevStack({
    dataDir,
    ephemeral: opts.inMemoryTemporal,
    temporalUi: false,
    // the sink reads each message's headers only (the Message-ID the scenarios count), as a relay would: a full
    // MIME parse cost this process ~1.5 ms a message on the two cores the measured stack shares
    smtpSinkParse: 'headers',
    handleSignals: true,
    log: (line) => opts.log(line),
    postgresSettings: opts.postgresSettings,
    afterPostgresStart: async (url) => {
      await runMigrations(url);
    },
  });
  const persistence =
    dev.temporal.source === 'env'
      ? `external Temporal at ${dev.temporal.address}`
      : opts.inMemoryTemporal
        ? 'Temporal CLI dev server, in-memory SQLite'
        : 'Temporal CLI dev server, SQLite file (WAL)';
  const namespace = dev.temporal.namespace;
  const taskQueue = 'napflow-cases';
  const bundle = path.join(DIST, 'workflow-bundle.js');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...dev.env,
    NODE_ENV: 'production',
    NAPFLOW_LOG_LEVEL: 'warn',
    NAPFLOW_DEMO: 'false',
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...(!fromSources && fs.existsSync(bundle) ? { NAPFLOW_WORKFLOW_BUNDLE: bundle } : {}),
  };

  await createAdmin(dev.databaseUrl);
  const connection = await Connection.connect({ address: dev.temporal.address });
  const temporal = new Client({ connection, namespace });

  const startWorker = async (): Promise<ManagedProcess> => {
    const w = startChild(
      'napflow-worker',
      entry('apps/worker/src/main.ts'),
      env,
      path.join(logDir, 'worker.log'),
    );
    await waitUntil(
      'the napflow worker to poll',
      () => taskQueueHasPoller(temporal, namespace, taskQueue),
      180_000,
      250,
    );
    return w;
  };
  let worker = await startWorker();

  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const sqlCaptureFlag = path.join(dataDir, 'capture-sql.on');
  const api = startChild(
    'napflow-api',
    ['-r', path.join(ROOT, 'bench/support/capture-sql.js'), ...entry('apps/api/src/main.ts')],
    {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: apiUrl,
      NAPFLOW_BENCH_SQL_CAPTURE: sqlCaptureFlag,
    },
    path.join(logDir, 'api.log'),
  );
  await waitUntil(
    'the API to answer /health',
    async () => {
      try {
        const r = await fetch(`${apiUrl}/health`);
        return r.ok && ((await r.json()) as { status: string }).status === 'ok';
      } catch {
        return false;
      }
    },
    120_000,
    250,
  );

  // the baseline is the SDK as shipped: napflow's switch for the patched SDK's stack traces never reaches it
  const { [WORKFLOW_STACK_TRACES_ENV]: _napflowOnly, ...baselineEnv } = env;
  const baselineWorker = startChild(
    'baseline-worker',
    entry('bench/baseline-workflows/baseline-worker.ts'),
    baselineEnv,
    path.join(logDir, 'baseline-worker.log'),
  );
  await waitUntil(
    'the baseline worker to poll',
    () => taskQueueHasPoller(temporal, namespace, 'bench-baseline'),
    180_000,
    250,
  );

  const pg = createPgPool(dev.databaseUrl, 12);
  opts.log(`logs of the child processes in ${logDir}`);
  const stack: BenchStack = {
    dev,
    apiUrl,
    pg,
    temporal,
    connection,
    namespace,
    taskQueue,
    persistence,
    sqlCaptureFlag,
    get worker() {
      return worker;
    },
    api,
    baselineWorker,
    cpu: () =>
      cpuSnapshot({
        [worker.pid]: 'napflow-worker',
        [api.pid]: 'napflow-api',
        [baselineWorker.pid]: 'baseline-worker',
      }),
    async restartWorker() {
      await worker.stop();
      worker = await startWorker();
    },
    async stop() {
      await Promise.allSettled([api.stop(), worker.stop(), baselineWorker.stop()]);
      await pg.end().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await dev.stop();
      if (!process.env.NAPFLOW_BENCH_KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

async function createAdmin(databaseUrl: string): Promise<void> {
  const ds = await connectDataSource(databaseUrl);
  try {
    await new AgenciesRepository(ds).insertMissing([
      { code: 'NAPFLOW', name: 'napflow operators', stateCode: null, kind: 'international' },
    ]);
    const people = new PeopleRepository(ds);
    if (!(await people.findByEmail(ADMIN.email))) {
      await people.create({
        email: ADMIN.email,
        name: 'Bench administrator',
        language: 'en',
        agencyCode: 'NAPFLOW',
        role: 'admin',
        passwordHash: await hashPassword(ADMIN.password),
      });
    }
  } finally {
    await ds.destroy();
  }
}

/** A small JSON client for the API; throws with the problem details on an unexpected status. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    const r = await fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!r.ok) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
    return new ApiClient(baseUrl, ((await r.json()) as { token: string }).token);
  }

  async request<T>(
    method: string,
    urlPath: string,
    body?: unknown,
    expect: number[] = [200, 201],
    headers: Record<string, string> = {},
  ): Promise<T> {
    const r = await this.raw(method, urlPath, body, headers);
    const text = await r.text();
    if (!expect.includes(r.status))
      throw new Error(`${method} ${urlPath}: ${r.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  raw(
    method: string,
    urlPath: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const isForm = body instanceof FormData;
    return fetch(`${this.baseUrl}${urlPath}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
  }
}
