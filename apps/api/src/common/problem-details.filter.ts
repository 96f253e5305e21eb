import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { logSafeUrl } from './log-safe-url';
import { DomainErrorCode, DomainException, statusOf, titleOf } from './domain.exception';
import { IdempotentReplay } from './idempotent-replay';
import { isDatabaseDown, isErrorLike, isTemporalDown } from './infrastructure-errors';

/** RFC 9457 problem details, the only error shape the API answers with. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: { field: string; message: string; code?: string; params?: Record<string, string | number> }[];
  [extra: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://napflow.example.org/problems/';

/** One filter for everything: domain exceptions, framework HTTP errors, infrastructure outages, and the unexpected. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly log = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (exception instanceof IdempotentReplay) {
      res.status(exception.status);
      if (exception.status >= 400) res.type('application/problem+json').send(JSON.stringify(exception.body));
      else res.json(exception.body);
      return;
    }
    const problem = this.toProblem(exception);
    problem.instance = req.originalUrl?.split('?')[0];
    if (problem.status >= 500) {
      // the message only: stacks of driver errors can carry connection strings
      this.log.error(
        `${req.method} ${logSafeUrl(problem.instance)} -> ${problem.status} ${describe(exception)}`,
      );
    }
    if (res.headersSent) return;
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainException) return fromDomain(exception);
    if (exception instanceof HttpException) return fromHttp(exception);
    if (isTemporalDown(exception)) {
      return fromDomain(
        new DomainException(
          DomainErrorCode.TemporalUnavailable,
          'Temporal cannot be reached; try again shortly',
        ),
      );
    }
    if (isDatabaseDown(exception)) {
      return fromDomain(
        new DomainException(
          DomainErrorCode.DatabaseUnavailable,
          'PostgreSQL cannot be reached; try again shortly',
        ),
      );
    }
    const httpish = exception as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
    if (
      typeof httpish?.status === 'number' &&
      httpish.status >= 400 &&
      httpish.status < 500 &&
      httpish.expose
    ) {
      return fromHttpStatus(httpish.status, String(httpish.message ?? ''));
    }
    return {
      type: `${PROBLEM_TYPE_BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged',
      code: 'internal',
    };
  }
}

function fromDomain(e: DomainException): ProblemDetails {
  const status = statusOf(e.code);
  return {
    type: `${PROBLEM_TYPE_BASE}${e.code.replace(/_/g, '-')}`,
    title: titleOf(e.code),
    status,
    detail: e.message,
    code: e.code,
    ...e.details,
  };
}

function fromHttp(e: HttpException): ProblemDetails {
  const status = e.getStatus();
  const body = e.getResponse();
  let detail = e.message;
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const m = (body as { message: unknown }).message;
    detail = Array.isArray(m) ? m.join('; ') : String(m);
  }
  return fromHttpStatus(status, detail);
}

function fromHttpStatus(status: number, detail: string): ProblemDetails {
  const code = codeForStatus(status);
  if (code) {
    const message =
      code === DomainErrorCode.MalformedBody ? `The body is not valid JSON: ${detail}`.slice(0, 300) : detail;
    return fromDomain(new DomainException(code, message || titleOf(code)));
  }
  return { type: 'about:blank', title: detail || `HTTP ${status}`, status, detail, code: `http_${status}` };
}

function codeForStatus(status: number): DomainErrorCode | undefined {
  switch (status) {
    case 400:
      return DomainErrorCode.MalformedBody;
    case 401:
      return DomainErrorCode.Unauthenticated;
    case 403:
      return DomainErrorCode.Forbidden;
    case 404:
      return DomainErrorCode.NotFound;
    case 413:
      return DomainErrorCode.PayloadTooLarge;
    case 415:
      return DomainErrorCode.UnsupportedMediaType;
    case 429:
      return DomainErrorCode.TooManyRequests;
    default:
      return undefined;
  }
}

function describe(e: unknown): string {
  if (isErrorLike(e)) return `${e.name}: ${e.message}`.replace(/postgres(ql)?:\/\/[^\s]+/g, 'postgres://***');
  return String(e);
}
