import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DevStackError } from './devstack-error';
import { ManagedChild } from './child-process';
import { freePorts } from './ports';
import { NAPFLOW_NAMESPACE, NAPFLOW_SEARCH_ATTRIBUTES, searchAttributeArgs } from './search-attributes';
import { resolveTemporalCli } from './temporal-binaries';
import { type DevStackLog } from './dev-stack.types';

export interface TemporalService {
  address: string;
  namespace: string;
  uiUrl?: string;
  source: 'env' | 'embedded';
  /** Milliseconds from start to the namespace answering. */
  startMs: number;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  /** SQLite file goes to `<dataDir>/temporal.sqlite`; omit for an in-memory server (tests). */
  dataDir?: string;
  /** Serve the web UI (default true). */
  ui?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: DevStackLog;
  /** Bound on waiting for the namespace to answer (default 60 s: two shared cores can be slow). */
  readyTimeoutMs?: number;
}

/**
 * TEMPORAL_ADDRESS if set (checked: the namespace must answer), else `temporal server start-dev`
 * as our child on free ports with napflow's namespace and search attributes.
 */
export async function startTemporal(options: StartTemporalOptions = {}): Promise<TemporalService> {
  const env = options.env ?? process.env;
  const started = Date.now();
  const namespace = env.TEMPORAL_NAMESPACE || NAPFLOW_NAMESPACE;
  const timeoutMs = options.readyTimeoutMs ?? 60_000;

  if (env.TEMPORAL_ADDRESS) {
    const address = env.TEMPORAL_ADDRESS;
    // A server someone runs is up or not: no need for the long start-up bound.
    await waitForNamespace(address, namespace, options.readyTimeoutMs ?? 15_000, () => undefined).catch(
      (err: unknown) => {
        throw new DevStackError(
          'temporal',
          `TEMPORAL_ADDRESS=${address} does not answer for namespace ${namespace}: ${errorText(err)}`,
          `start that server and create the namespace (\`temporal operator namespace create ${namespace}\`), ` +
            'or unset TEMPORAL_ADDRESS to let napflow start the Temporal dev server',
        );
      },
    );
    await warnOnMissingSearchAttributes(address, namespace, options.log);
    return { address, namespace, source: 'env', startMs: Date.now() - started, stop: async () => undefined };
  }

  const cli = resolveTemporalCli({ env });
  const [port, uiPort, httpPort, metricsPort] = await freePorts(4);
  const args = [
    'server',
    'start-dev',
    '--namespace',
    namespace,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--log-level',
    'warn',
    ...searchAttributeArgs(),
  ];
  if (options.ui === false) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    args.push(
      '--db-filename',
      path.join(options.dataDir, 'temporal.sqlite'),
      '--sqlite-pragma',
      'journal_mode=WAL',
    );
  }

  let child: ManagedChild;
  try {
    child = await ManagedChild.spawn(cli.path, args, { cwd: options.dataDir ?? process.cwd() });
  } catch (err) {
    throw new DevStackError(
      'temporal',
      `could not run ${cli.path}: ${errorText(err)}`,
      'run `node scripts/install-tools.js`, or set TEMPORAL_CLI to a working Temporal CLI, or TEMPORAL_ADDRESS to a running server',
    );
  }
  const address = `127.0.0.1:${port}`;
  try {
    await waitForNamespace(address, namespace, timeoutMs, () => {
      if (!child.running) throw new Error(`the dev server ${child.describeExit()}`);
    });
  } catch (err) {
    await child.stop(2000);
    const tail = child.tail.toString();
    throw new DevStackError(
      'temporal',
      `the Temporal dev server (${cli.path}) did not become ready on ${address}: ${errorText(err)}`,
      /address already in use/i.test(tail)
        ? 'a port was taken between choosing and binding it: start again'
        : /database is locked|SQLITE_BUSY/i.test(tail) && options.dataDir
          ? `another Temporal dev server uses ${options.dataDir}/temporal.sqlite: stop it first`
          : 'read the output below; set TEMPORAL_ADDRESS to use a server you run yourself',
      tail.split('\n').slice(-15).join('\n'),
    );
  }
  const uiUrl = options.ui === false ? undefined : `http://127.0.0.1:${uiPort}`;
  return {
    address,
    namespace,
    uiUrl,
    source: 'embedded',
    startMs: Date.now() - started,
    stop: () => child.stop(),
  };
}

async function waitForNamespace(
  address: string,
  namespace: string,
  timeoutMs: number,
  check: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  let lastError: unknown;
  for (;;) {
    check();
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: Math.min(5000, timeoutMs) });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() + delay > deadline) {
      throw new Error(`no answer within ${timeoutMs} ms (last error: ${errorText(lastError)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
}

async function warnOnMissingSearchAttributes(
  address: string,
  namespace: string,
  log?: DevStackLog,
): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const res = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.keys(NAPFLOW_SEARCH_ATTRIBUTES).filter(
      (name) => !(name in (res.customAttributes ?? {})),
    );
    if (missing.length) {
      log?.(
        `temporal: warning: namespace ${namespace} lacks search attributes ${missing.join(', ')}; create them with ` +
          missing
            .map(
              (n) =>
                `\`temporal operator search-attribute create -n ${namespace} --name ${n} --type ${NAPFLOW_SEARCH_ATTRIBUTES[n as keyof typeof NAPFLOW_SEARCH_ATTRIBUTES]}\``,
            )
            .join(', '),
      );
    }
  } catch {
    // listing needs operator rights some deployments (Temporal Cloud) do not grant: not fatal
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
