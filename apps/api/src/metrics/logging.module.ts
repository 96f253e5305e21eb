import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { levels, type LevelWithSilent } from 'pino';
import type { AppConfig } from '@app/config';
import { logSafeUrl } from '../common/log-safe-url';

const CASE_ROUTE = /^\/cases\/([0-9a-f-]{36})(?:\/|$)/i;

/** pino-http's request serializer: id, method and the log-safe URL (no headers, no body). */
export function serializeRequest(req: { id: unknown; method: unknown; url: unknown }): {
  id: unknown;
  method: unknown;
  url: unknown;
} {
  return { id: req.id, method: req.method, url: typeof req.url === 'string' ? logSafeUrl(req.url) : req.url };
}

/** pino-http's options for the API (also used by the test that checks what a request line holds). */
export function apiHttpLogOptions(config: Pick<AppConfig, 'logLevel'>): PinoHttpOptions {
  const threshold = config.logLevel === 'silent' ? Infinity : levels.values[config.logLevel];
  return {
    level: config.logLevel,
    base: { service: 'napflow-api' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req: IncomingMessage) => {
      const m = CASE_ROUTE.exec((req.url ?? '').split('?')[0]);
      return m ? { caseId: m[1] } : {};
    },
    customLogLevel: (_req, res, err): LevelWithSilent => {
      const level = err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      // a line below the configured level would be dropped anyway; 'silent' also skips building it
      // (customProps and a child logger per request)
      return levels.values[level] >= threshold ? level : 'silent';
    },
    autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.body.password',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: serializeRequest,
      res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * Structured JSON logs (pino) for the API: one line per request with its id, route, status and latency, and the
 * case id when the route names a case. Secrets (authorization, cookies, passwords, the tokens in email-link and
 * calendar-feed paths) are redacted.
 * Use with `NestFactory.create(..., { bufferLogs: true })` and `app.useLogger(app.get(Logger))` (nestjs-pino).
 */
@Module({})
export class ApiLoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiLoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: apiHttpLogOptions(config) })],
    };
  }
}
