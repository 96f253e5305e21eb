// Recognising "the service is down" (503) as opposed to a bug (500), for errors that reach the filter untranslated.
// By shape, not by `instanceof Error`: errors of Node's `net` module come from another realm under jest's module
// sandbox (and from any vm context), and a refused connection there must still answer 503.

/** An Error by shape: a string message (and maybe a name, a code, a cause), from whichever realm. */
export function isErrorLike(e: unknown): e is Error {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

export function isDatabaseDown(e: unknown): boolean {
  if (!isErrorLike(e)) return false;
  const err = e as Error & { code?: unknown; driverError?: unknown };
  if (typeof err.code === 'string' && NETWORK_CODES.has(err.code)) return true;
  // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions
  if (typeof err.code === 'string' && (/^08/.test(err.code) || err.code === '57P01' || err.code === '57P03'))
    return true;
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(
      err.message,
    )
  )
    return true;
  if (err.name === 'CannotConnectError' || err.name === 'ConnectionNotFoundError') return true;
  if (err.driverError) return isDatabaseDown(err.driverError);
  return false;
}

export function isTemporalDown(e: unknown): boolean {
  if (!isErrorLike(e)) return false;
  const err = e as Error & { code?: unknown; cause?: unknown };
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4), wrapped by the SDK in a ServiceError
  const grpcCode = typeof err.code === 'number' ? err.code : undefined;
  if (
    (err.name === 'ServiceError' || err.name === 'TransportError') &&
    (grpcCode === 14 || grpcCode === 4 || grpcCode === undefined)
  )
    return true;
  if (err.name === 'TemporalUnavailableError') return true;
  if (isErrorLike(err.cause) && err.cause !== e)
    return isTemporalDown(err.cause) && err.name !== 'QueryFailedError';
  return false;
}
