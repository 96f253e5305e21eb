// Every refusal the API can give, as a code. Services throw DomainException; the one filter maps each code to
// an HTTP status through an exhaustive switch, so a new code cannot ship without its status.
export enum DomainErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedBody = 'malformed_body',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Duplicate = 'duplicate',
  StepNotOpen = 'step_not_open',
  AlreadyActed = 'already_acted',
  CaseClosed = 'case_closed',
  IdempotencyKeyInFlight = 'idempotency_key_in_flight',
  IdempotencyKeyReused = 'idempotency_key_reused',
  ProcessRefused = 'process_refused',
  InvalidDefinition = 'invalid_definition',
  ImportRejected = 'import_rejected',
  TooManyRequests = 'too_many_requests',
  DatabaseUnavailable = 'database_unavailable',
  TemporalUnavailable = 'temporal_unavailable',
}

export interface FieldError {
  /** dotted path of the offending field, e.g. "dueOn" or "supportingAgencies.1" */
  field: string;
  message: string;
  /** some problems also as a code and its facts, for a client to word in its reader's language */
  code?: string;
  params?: Record<string, string | number>;
}

export class DomainException extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; [extra: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export const notFound = (what: string): DomainException =>
  new DomainException(DomainErrorCode.NotFound, `${what} not found`);

export const forbidden = (message: string): DomainException =>
  new DomainException(DomainErrorCode.Forbidden, message);

export const invalid = (errors: FieldError[]): DomainException =>
  new DomainException(
    DomainErrorCode.ValidationFailed,
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors },
  );

export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case DomainErrorCode.ValidationFailed:
    case DomainErrorCode.MalformedBody:
    case DomainErrorCode.InvalidDefinition:
      return 400;
    case DomainErrorCode.Unauthenticated:
      return 401;
    case DomainErrorCode.Forbidden:
      return 403;
    case DomainErrorCode.NotFound:
      return 404;
    case DomainErrorCode.Duplicate:
    case DomainErrorCode.StepNotOpen:
    case DomainErrorCode.AlreadyActed:
    case DomainErrorCode.CaseClosed:
    case DomainErrorCode.IdempotencyKeyInFlight:
      return 409;
    case DomainErrorCode.PayloadTooLarge:
      return 413;
    case DomainErrorCode.UnsupportedMediaType:
      return 415;
    case DomainErrorCode.IdempotencyKeyReused:
    case DomainErrorCode.ProcessRefused:
    case DomainErrorCode.ImportRejected:
      return 422;
    case DomainErrorCode.TooManyRequests:
      return 429;
    case DomainErrorCode.DatabaseUnavailable:
    case DomainErrorCode.TemporalUnavailable:
      return 503;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped error code ${String(unreachable)}`);
    }
  }
}

export function titleOf(code: DomainErrorCode): string {
  switch (code) {
    case DomainErrorCode.ValidationFailed:
      return 'The request has invalid fields';
    case DomainErrorCode.MalformedBody:
      return 'The request body cannot be read';
    case DomainErrorCode.PayloadTooLarge:
      return 'The request body is too large';
    case DomainErrorCode.UnsupportedMediaType:
      return 'Unsupported media type';
    case DomainErrorCode.Unauthenticated:
      return 'Authentication required';
    case DomainErrorCode.Forbidden:
      return 'Not allowed';
    case DomainErrorCode.NotFound:
      return 'Not found';
    case DomainErrorCode.Duplicate:
      return 'Already exists';
    case DomainErrorCode.StepNotOpen:
      return 'The step is not open';
    case DomainErrorCode.AlreadyActed:
      return 'The action was already taken';
    case DomainErrorCode.CaseClosed:
      return 'The case is closed';
    case DomainErrorCode.IdempotencyKeyInFlight:
      return 'A request with this Idempotency-Key is still being processed';
    case DomainErrorCode.IdempotencyKeyReused:
      return 'This Idempotency-Key was used for a different request';
    case DomainErrorCode.ProcessRefused:
      return 'The process refuses this action';
    case DomainErrorCode.InvalidDefinition:
      return 'The process definition is invalid';
    case DomainErrorCode.ImportRejected:
      return 'The import has errors; nothing was created';
    case DomainErrorCode.TooManyRequests:
      return 'Too many requests';
    case DomainErrorCode.DatabaseUnavailable:
      return 'The database is unavailable';
    case DomainErrorCode.TemporalUnavailable:
      return 'The workflow engine is unavailable';
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped error code ${String(unreachable)}`);
    }
  }
}
