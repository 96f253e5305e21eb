// Database refusals the callers map to their own errors (409, 404, 422) without knowing SQL states.

export class AlreadyExistsError extends Error {
  constructor(
    public readonly entity: string,
    public readonly key: string,
  ) {
    super(`${entity} "${key}" already exists`);
    this.name = 'AlreadyExistsError';
  }
}

export class ReferenceNotFoundError extends Error {
  constructor(
    public readonly entity: string,
    public readonly detail: string,
  ) {
    super(`${entity}: ${detail}`);
    this.name = 'ReferenceNotFoundError';
  }
}

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
  driverError?: PgError;
}

function pgError(err: unknown): PgError {
  const e = (err ?? {}) as PgError;
  return e.driverError ?? e;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgError(err).code === '23503';
}

/** Re-throws unique and foreign-key violations as AlreadyExistsError / ReferenceNotFoundError. */
export function translateWriteError(err: unknown, entity: string, key: string): never {
  if (isUniqueViolation(err)) throw new AlreadyExistsError(entity, key);
  if (isForeignKeyViolation(err))
    throw new ReferenceNotFoundError(entity, pgError(err).detail ?? 'a referenced row does not exist');
  throw err;
}
