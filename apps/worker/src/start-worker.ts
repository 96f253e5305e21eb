import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DefaultLogger, Runtime, type LogLevel as SdkLogLevel } from '@temporalio/worker';
import { nestLogLevels, type AppConfig } from '@app/config';
import { WorkerModule } from './worker.module';

export interface RunningWorker {
  app: INestApplicationContext;
  /** drains the worker (in-flight activities finish), closes connections */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

// The SDK's runtime must not take over SIGINT/SIGTERM: the process owner (main.ts, npm start, tests) decides.
function installRuntime(level: AppConfig['logLevel']): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(SDK_LEVELS[level]) });
  } catch {
    // already installed or instantiated by an earlier worker in this process: keep it
  }
  runtimeInstalled = true;
}

const SDK_LEVELS: Record<AppConfig['logLevel'], SdkLogLevel> = {
  silent: 'ERROR',
  fatal: 'ERROR',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
};

/** Starts the worker in this process: used by apps/worker/src/main.ts, `npm start`, tests and benchmarks. */
export async function startWorker(config: AppConfig): Promise<RunningWorker> {
  installRuntime(config.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: nestLogLevels(config.logLevel),
  });
  let stopped: Promise<void> | undefined;
  return {
    app,
    stop: () => (stopped ??= app.close()),
  };
}
