import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { startWorker } from './start-worker';

// The worker process: a Nest application context (no HTTP) hosting the Temporal Worker.
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const worker = await startWorker(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing in-flight activities, then stopping`);
    worker
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error('[worker] shutdown failed', err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
