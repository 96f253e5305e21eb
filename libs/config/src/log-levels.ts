import type { LogLevel } from '@nestjs/common';
import type { AppConfig } from './config';

const NEST_LEVELS: Record<AppConfig['logLevel'], LogLevel[] | false> = {
  silent: false,
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** The Nest logger levels for NAPFLOW_LOG_LEVEL (the API and the worker use the same mapping). */
export function nestLogLevels(level: AppConfig['logLevel']): LogLevel[] | false {
  return NEST_LEVELS[level];
}
