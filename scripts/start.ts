// `npm start`: napflow on one machine with embedded defaults. Resolves Temporal, PostgreSQL and SMTP (from the
// environment or embedded), applies migrations, runs the worker and the API in this process, creates the
// administrator and the demo data on first start, prints the URLs and stops everything cleanly on Ctrl-C.
import 'reflect-metadata';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '@app/config';
import { startDevStack } from '@app/devstack';
import { runMigrations } from '@app/persistence';
import { createApiApp, ensureAdmin, loadDemoData } from '../apps/api/src/bootstrap';
import { startWorker } from '../apps/worker/src/start-worker';

function log(msg: string): void {
  console.log(`[napflow] ${msg}`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  // The console of `npm start` is for people: warnings and napflow's own lines. NAPFLOW_LOG_LEVEL=info shows more.
  process.env.NAPFLOW_LOG_LEVEL ??= 'warn';
  const base = loadConfig(process.env, { requireServices: false });
  const dataDir = path.resolve(base.dataDir);
  log(`data directory ${dataDir}`);

  const stack = await startDevStack({ dataDir, ephemeral: false, log });
  process.env.DATABASE_URL = stack.databaseUrl;
  process.env.TEMPORAL_ADDRESS = stack.temporal.address;
  process.env.TEMPORAL_NAMESPACE = stack.temporal.namespace;
  process.env.SMTP_URL = stack.smtp.url;
  const config = loadConfig(process.env);

  const stoppers: Array<() => Promise<void>> = [() => stack.stop()];
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping (API, worker, services) ...`);
    for (const stop of stoppers.reverse()) {
      await stop().catch((err: unknown) => console.error(`[napflow] while stopping: ${String(err)}`));
    }
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

  try {
    log('applying database migrations ...');
    await runMigrations(config.databaseUrl);

    log('starting the worker ...');
    const worker = await startWorker(config);
    stoppers.push(() => worker.stop());

    log('starting the API ...');
    const api = await createApiApp(config);
    await api.listen(config.http.port, config.http.host);
    stoppers.push(() => api.close());

    const admin = await ensureAdmin(api, config);
    if (admin.created) {
      log(`administrator created: ${admin.email}`);
      if (admin.generatedPassword) log(`  generated password (shown once): ${admin.generatedPassword}`);
    }
    if (config.demo) {
      log('loading the demo data (NAPFLOW_DEMO=false skips it) ...');
      const demo = await loadDemoData(api, config, log);
      log(`demo data: ${demo.summary}`);
      if (demo.demoPassword) log(`demo people sign in with password: ${demo.demoPassword} (shown once)`);
    }

    const url = config.http.publicUrl;
    console.log(
      [
        '',
        `napflow is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s):`,
        `  dashboard        ${url}/`,
        `  API docs         ${url}/docs`,
        `  health           ${url}/health`,
        `  Temporal UI      ${stack.temporal.uiUrl ?? '(external Temporal: see its own UI)'}`,
        `  mailbox          ${stack.smtp.mailboxUrl ?? '(external SMTP server)'}`,
        `  sign in as       ${config.admin.email}`,
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (err) {
    console.error(`[napflow] start failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start failed', 1);
  }
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError ? err.message : `[napflow] ${err instanceof Error ? err.stack : String(err)}`,
  );
  process.exit(1);
});
