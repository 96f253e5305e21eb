import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import type { RuntimeOptions } from '@temporalio/worker';
import pino from 'pino';

// Structured logs and metrics of the worker process: the Temporal SDK's logger (worker, workflow and activity logs,
// which carry workflowId / runId / activityType in their metadata) goes through pino as JSON lines, and the SDK's
// own metrics (workflow and activity task latencies, schedule-to-start, sticky cache, failures) are served by the
// Rust core's Prometheus exporter when NAPFLOW_WORKER_METRICS_ADDRESS is set (e.g. 0.0.0.0:9464).

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The SDK Logger interface, written to pino. `caseId`-like fields are lifted to the top of each line. */
export class PinoTemporalLogger implements Logger {
  constructor(private readonly pinoLogger: pino.Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const fields: Record<string, unknown> = { ...(meta ?? {}) };
    // workflow ids are case business keys (case:<plan>:<code>): make them searchable as such
    if (typeof fields.workflowId === 'string' && fields.workflowId.startsWith('case:'))
      fields.caseWorkflowId = fields.workflowId;
    this.pinoLogger[PINO_LEVEL[level] ?? 'info'](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

export interface WorkerTelemetryOptions {
  /** pino level: fatal, error, warn, info, debug, trace, silent */
  logLevel?: string;
  /** host:port for the SDK's Prometheus exporter; unset = no exporter */
  metricsAddress?: string;
}

export function createWorkerPinoLogger(level = 'info'): pino.Logger {
  return pino({ level, base: { service: 'napflow-worker' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * Options for `Runtime.install(...)` in the worker process: pino logs, SDK metrics to Prometheus, and no signal
 * handling of its own (Nest's shutdown hooks drain the worker).
 */
export function workerRuntimeOptions(options: WorkerTelemetryOptions = {}): RuntimeOptions {
  const level = options.logLevel ?? 'info';
  const logger = new PinoTemporalLogger(createWorkerPinoLogger(level));
  return {
    shutdownSignals: [],
    logger,
    telemetryOptions: {
      logging: {
        filter: { core: level === 'debug' || level === 'trace' ? 'DEBUG' : 'WARN', other: 'ERROR' },
        forward: {},
      },
      ...(options.metricsAddress
        ? {
            metrics: {
              prometheus: { bindAddress: options.metricsAddress },
              metricPrefix: 'temporal_',
              globalTags: { service: 'napflow-worker' },
            },
          }
        : {}),
    },
  };
}
