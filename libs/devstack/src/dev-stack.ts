import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevStackError } from './devstack-error';
import { type DevStackLog } from './dev-stack.types';
import { startPostgres, type PostgresService } from './embedded-postgres';
import { redactUrl } from './pg-client';
import { projectRoot } from './project-root';
import { startSmtp, type SmtpService } from './smtp-service';
import { startTemporal, type TemporalService } from './temporal-dev-server';

export interface StartDevStackOptions {
  /** Where service data lives; default `.data/` in the checkout, or a fresh temp dir when ephemeral. */
  dataDir?: string;
  /** Throwaway services for tests: in-memory Temporal, unsynced PostgreSQL, temp dir removed on stop. */
  ephemeral?: boolean;
  log?: DevStackLog;
  env?: NodeJS.ProcessEnv;
  /** Run once PostgreSQL answers (migrations), before startDevStack resolves. */
  afterPostgresStart?: (databaseUrl: string) => Promise<void>;
  /** Server settings for an embedded PostgreSQL (e.g. the benchmarks' pg_stat_statements). */
  postgresSettings?: Record<string, string>;
  /** Temporal web UI (default: on unless ephemeral). */
  temporalUi?: boolean;
  /** Mailbox page port (default: a free port). */
  mailboxPort?: number;
  /** How the embedded SMTP sink reads each message (default `full`; the benchmarks use `headers`). */
  smtpSinkParse?: 'full' | 'headers';
  /**
   * On SIGINT/SIGTERM/SIGHUP with no other listener: stop everything, then exit (default true). When
   * the caller listens to the signal itself, it owns shutdown and must call `stop()`.
   */
  handleSignals?: boolean;
}

export interface DevStack {
  dataDir: string;
  temporal: { address: string; namespace: string; uiUrl?: string; source: 'env' | 'embedded' };
  databaseUrl: string;
  smtp: Omit<SmtpService, 'stop' | 'startMs'>;
  /** Milliseconds each service took to be ready. */
  timings: { temporal: number; postgres: number; smtp: number; total: number };
  /** Environment variables a child process (API, worker, test) needs to reach these services. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Provides Temporal, PostgreSQL and SMTP, each from the environment when set, else embedded, and
 * says on the console which one it used. Starts them in parallel; on any failure stops the others
 * and throws a DevStackError that says what to set or install.
 */
export async function startDevStack(options: StartDevStackOptions = {}): Promise<DevStack> {
  const log = options.log ?? ((line: string) => console.log(`[napflow] ${line}`));
  const env = options.env ?? process.env;
  const ephemeral = options.ephemeral ?? false;
  const started = Date.now();
  const ownsDataDir = ephemeral && !options.dataDir;
  const dataDir = options.dataDir ?? (ephemeral ? makeTempDir() : path.join(projectRoot(), '.data'));
  fs.mkdirSync(dataDir, { recursive: true });

  const [temporalResult, postgresResult, smtpResult] = await Promise.allSettled([
    startTemporal({
      dataDir: ephemeral ? undefined : path.join(dataDir, 'temporal'),
      ui: options.temporalUi ?? !ephemeral,
      env,
      log,
    }),
    startPostgres({
      dataDir,
      ephemeral,
      env,
      log,
      afterStart: options.afterPostgresStart,
      settings: options.postgresSettings,
    }),
    startSmtp({ dataDir, env, mailboxPort: options.mailboxPort, sinkParse: options.smtpSinkParse }),
  ]);

  const services = [temporalResult, postgresResult, smtpResult];
  const running = services.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(running.map((s) => s.stop()));
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const failures = services.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    await stopAll();
    const [first, ...others] = failures;
    if (others.length === 0 && first instanceof DevStackError) throw first;
    throw new DevStackError(
      'devstack',
      `${failures.length} service(s) failed to start`,
      'see each service below',
      failures.map((f) => (f instanceof DevStackError ? f.describe() : String(f))).join('\n'),
      'services',
    );
  }

  const temporal = (temporalResult as PromiseFulfilledResult<TemporalService>).value;
  const postgres = (postgresResult as PromiseFulfilledResult<PostgresService>).value;
  const smtp = (smtpResult as PromiseFulfilledResult<SmtpService>).value;

  log(
    temporal.source === 'env'
      ? `temporal: TEMPORAL_ADDRESS ${temporal.address}, namespace ${temporal.namespace}`
      : `temporal: embedded dev server at ${temporal.address}, namespace ${temporal.namespace}, ` +
          `${ephemeral ? 'in memory' : `data ${path.join(dataDir, 'temporal', 'temporal.sqlite')}`}` +
          `${temporal.uiUrl ? `, UI ${temporal.uiUrl}` : ''} (${secs(temporal.startMs)})`,
  );
  log(
    postgres.source === 'env'
      ? `postgres: DATABASE_URL ${redactUrl(postgres.databaseUrl)}`
      : `postgres: embedded at ${redactUrl(postgres.databaseUrl)}, data ${path.join(dataDir, 'pg')} (${secs(postgres.startMs)})`,
  );
  log(
    smtp.source === 'env'
      ? `smtp: SMTP_URL ${redactUrl(smtp.url)}`
      : `smtp: embedded sink at ${smtp.url}, mail in ${smtp.mailDir}` +
          `${smtp.mailboxUrl ? `, mailbox ${smtp.mailboxUrl}` : ''} (${secs(smtp.startMs)})`,
  );

  let stopping: Promise<void> | undefined;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => {
    // Someone else (npm start, jest) handles this signal too: let it drive shutdown and call stop();
    // children still end through their 'exit' hooks if it never does.
    if (process.listenerCount(signal) > 0) return;
    log(`${signal}: stopping services`);
    void stop().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 1)));
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const signal of signals) process.removeListener(signal, onSignal);
      await stopAll();
    })();
    return stopping;
  };
  if (options.handleSignals !== false)
    for (const signal of signals) process.prependOnceListener(signal, onSignal);

  const { sink, mailDir, mailboxUrl, url, source } = smtp;
  const stackEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    DATABASE_URL: postgres.databaseUrl,
    SMTP_URL: url,
    ...(mailDir ? { NAPFLOW_MAIL_DIR: mailDir } : {}),
    ...(mailboxUrl ? { NAPFLOW_MAILBOX_URL: mailboxUrl } : {}),
    ...(temporal.uiUrl ? { NAPFLOW_TEMPORAL_UI_URL: temporal.uiUrl } : {}),
  };
  return {
    dataDir,
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace,
      uiUrl: temporal.uiUrl,
      source: temporal.source,
    },
    databaseUrl: postgres.databaseUrl,
    smtp: { url, mailboxUrl, mailDir, sink, source },
    timings: {
      temporal: temporal.startMs,
      postgres: postgres.startMs,
      smtp: smtp.startMs,
      total: Date.now() - started,
    },
    env: stackEnv,
    stop,
  };
}

function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-devstack-'));
  // The postgres OS user (when we run as root) must be able to walk into it.
  fs.chmodSync(dir, 0o711);
  return dir;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
