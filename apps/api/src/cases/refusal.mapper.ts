import type { RefusalCode } from '@app/domain/engine/engine.types';
import { DomainErrorCode, DomainException } from '../common/domain.exception';

/** The workflow's refusal codes as API errors: 403 who, 409 when, 404 what, 422 why not. */
export function refusalToException(code: string, message: string): DomainException {
  const details = { reason: code };
  if (!isRefusalCode(code)) return new DomainException(DomainErrorCode.ProcessRefused, message, details);
  switch (code) {
    case 'wrong_agency':
    case 'not_allowed_for_role':
      return new DomainException(DomainErrorCode.Forbidden, message, details);
    case 'step_not_active':
      return new DomainException(DomainErrorCode.StepNotOpen, message, details);
    case 'already_decided':
      return new DomainException(DomainErrorCode.AlreadyActed, message, details);
    case 'case_closed':
      return new DomainException(DomainErrorCode.CaseClosed, message, details);
    case 'unknown_step':
      return new DomainException(DomainErrorCode.NotFound, message, details);
    case 'out_of_turn':
    case 'date_in_past':
    case 'invalid':
      return new DomainException(DomainErrorCode.ProcessRefused, message, details);
    default: {
      const never: never = code;
      return new DomainException(DomainErrorCode.ProcessRefused, message, { reason: String(never) });
    }
  }
}

/** Every refusal code the workflow gives (the dashboard words each: i18n `refusal.<code>`). */
export const REFUSAL_CODES: readonly RefusalCode[] = [
  'wrong_agency',
  'step_not_active',
  'already_decided',
  'out_of_turn',
  'date_in_past',
  'not_allowed_for_role',
  'case_closed',
  'unknown_step',
  'invalid',
];

function isRefusalCode(code: string): code is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(code);
}
