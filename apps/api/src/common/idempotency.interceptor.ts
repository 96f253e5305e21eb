import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  type Type,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, concatMap, mergeMap } from 'rxjs/operators';
import { IdempotencyRepository } from '@app/persistence';
import { DomainErrorCode, DomainException, statusOf } from './domain.exception';
import { IdempotentReplay } from './idempotent-replay';
import type { ApiRequest } from './principal';
import { Idempotent } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Metadata of upload routes (IdempotentUpload): their body is read by a FileInterceptor, after the global one. */
export const IDEMPOTENT_UPLOAD = 'napflow:idempotent-upload';
/** Metadata of routes whose answer holds a secret shown once (SecretResponse): the key keeps no copy of it. */
export const SECRET_RESPONSE = 'napflow:secret-response';
/** What the key keeps instead of such an answer. */
const SECRET_NOT_KEPT = { secretNotKept: true } as const;
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** how long a second request waits for the first one with the same key before answering 409 */
const WAIT_FOR_FIRST_MS = 60_000;
const POLL_MS = 50;

/**
 * Writes with an Idempotency-Key act once. The key is claimed by a unique insert before the handler runs, so of
 * two concurrent requests only one acts; the other waits for its answer and returns it. Client errors (4xx) are
 * stored like successes (the same request gets the same refusal); a server error releases the key for a retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly problems = new ProblemDetailsFilter();

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined || !WRITE_METHODS.has(req.method) || !req.principal) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new DomainException(
        DomainErrorCode.ValidationFailed,
        'Idempotency-Key must be 1-200 visible ASCII characters',
        {
          errors: [{ field: 'Idempotency-Key', message: 'must be 1-200 visible ASCII characters' }],
        },
      );
    }
    // An upload's body (fields and file) is read by the route's FileInterceptor, which runs after this global
    // interceptor: the route lists this interceptor again after it, and that second pass does the work, with the
    // file's bytes in the request hash (the same key with another file is refused, not answered with the first).
    if (this.reflector.get<boolean>(IDEMPOTENT_UPLOAD, ctx.getHandler()) && !req.idempotencyAfterUpload) {
      req.idempotencyAfterUpload = true;
      return next.handle();
    }
    const personId = req.principal.personId;
    const path = req.originalUrl.split('?')[0];
    // The fingerprint is kept with the key: a password in the body is left out of it (a fast hash of a body that is
    // otherwise known, stored in the database, would let whoever copies the database guess the password at sha256
    // speed instead of argon2's). The same key with another password then counts as the same request.
    const hash = createHash('sha256').update(
      `${req.method}\n${req.originalUrl}\n${JSON.stringify(withoutPassword(req.body ?? null))}`,
    );
    if (req.file?.buffer) hash.update('\n').update(req.file.buffer);
    const requestHash = hash.digest('hex');
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const secret = this.reflector.get<boolean>(SECRET_RESPONSE, ctx.getHandler()) === true;

    return from(this.claimOrReplay(personId, key, req.method, path, requestHash, secret)).pipe(
      mergeMap((claimed) => {
        if (!claimed) throw new Error('unreachable: replay is thrown');
        // Temporal deduplicates updates by id too: the key travels as the update id
        req.idempotencyKey = createHash('sha256').update(`${personId}\n${key}`).digest('hex').slice(0, 40);
        return next.handle().pipe(
          concatMap((body) =>
            from(
              this.keys.complete(personId, key, successStatus, secret ? SECRET_NOT_KEPT : (body ?? null)),
            ).pipe(mergeMap(() => of(body))),
          ),
          catchError((err: unknown) =>
            from(this.settleError(personId, key, path, err)).pipe(mergeMap(() => Promise.reject(err))),
          ),
        );
      }),
    );
  }

  private async claimOrReplay(
    personId: string,
    key: string,
    method: string,
    path: string,
    hash: string,
    secret: boolean,
  ): Promise<true> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claim = await this.keys.claim({ personId, key, method, path, requestHash: hash });
      if (claim.outcome === 'claimed') return true;
      if (claim.outcome === 'mismatch') {
        throw new DomainException(
          DomainErrorCode.IdempotencyKeyReused,
          `Idempotency-Key "${key}" was first used for another request (method, path or body differ)`,
        );
      }
      if (claim.outcome === 'replay') {
        if (secret && claim.status < 400 && isSecretNotKept(claim.response)) {
          throw new DomainException(
            DomainErrorCode.Duplicate,
            'The first request with this Idempotency-Key succeeded; its answer held a secret that is shown only ' +
              'once and is not kept. If it was lost, revoke what was created and create it again with a new key.',
          );
        }
        throw new IdempotentReplay(claim.status, claim.response);
      }
      if (Date.now() > deadline) {
        throw new DomainException(
          DomainErrorCode.IdempotencyKeyInFlight,
          'The first request with this key is still running',
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async settleError(personId: string, key: string, path: string, err: unknown): Promise<void> {
    const status =
      err instanceof DomainException
        ? statusOf(err.code)
        : err instanceof HttpException
          ? err.getStatus()
          : 500;
    const storable = status >= 400 && status < 500 && status !== 429;
    try {
      if (storable) {
        const problem = { ...this.problems.toProblem(err), instance: path };
        await this.keys.complete(personId, key, problem.status, problem);
      } else {
        await this.keys.release(personId, key);
      }
    } catch {
      // the original error matters more than the bookkeeping: a stale claim expires with the key's retention
    }
  }
}

/** The body with a top-level `password` (people's routes) replaced by a marker; nested fields are left as they are. */
function withoutPassword(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('password' in body)) return body;
  return { ...body, password: '[password]' };
}

function isSecretNotKept(response: unknown): boolean {
  return (
    typeof response === 'object' &&
    response !== null &&
    (response as { secretNotKept?: unknown }).secretNotKept === true
  );
}

/**
 * A write whose answer holds a secret shown only once (a calendar feed's address): with an Idempotency-Key it still
 * acts once, but the key keeps no copy of the answer (stored keys would keep the secret in clear), so a repeat gets
 * 409 instead of the answer again.
 */
export function SecretResponse(): MethodDecorator {
  return SetMetadata(SECRET_RESPONSE, true);
}

/**
 * An upload route with Idempotency-Key: its FileInterceptor, then this interceptor again, so that the key is
 * claimed once the file is read and the file's bytes are part of the request hash.
 */
export function IdempotentUpload(fileInterceptor: Type<NestInterceptor>): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_UPLOAD, true),
    UseInterceptors(fileInterceptor, IdempotencyInterceptor),
    Idempotent(),
  );
}
