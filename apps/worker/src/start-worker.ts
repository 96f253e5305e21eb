import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Runtime } from '@temporalio/worker';
import { nestLogLevels, type AppConfig } from '@app/config';
import { workerRuntimeOptions } from './metrics/worker-telemetry';
import { WorkerModule } from './worker.module';

export interface RunningWorker {
  app: INestApplicationContext;
  /** drains the worker (in-flight activities finish), closes connections */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

// The SDK's runtime must not take over SIGINT/SIGTERM: the process owner (main.ts, npm start, tests) decides.
// Its logs go through pino as JSON lines; the SDK's metrics are exported when an address is configured.
function installRuntime(config: AppConfig): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install(
      workerRuntimeOptions({ logLevel: config.logLevel, metricsAddress: config.workerMetricsAddress }),
    );
  } catch {
    // already installed or instantiated by an earlier worker in this process: keep it
  }
  runtimeInstalled = true;
}

/** Starts the worker in this process: used by apps/worker/src/main.ts, `npm start`, tests and benchmarks. */
export async function startWorker(config: AppConfig): Promise<RunningWorker> {
  installRuntime(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: nestLogLevels(config.logLevel),
  });
  let stopped: Promise<void> | undefined;
  return {
    app,
    stop: () => (stopped ??= app.close()),
  };
}
