import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';
import { type FieldError, invalid } from './domain.exception';

/** The pipe every route uses: unknown fields refused, types checked, each bad field named (as a DomainException). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => invalid(flatten(errors)),
  });
}

export function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      for (const message of Object.values(e.constraints)) {
        out.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'unknown field') });
      }
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * The field may be left out; when it is given, null included, it must pass the field's other validators. Use this,
 * not class-validator's IsOptional (which lets null through unchecked, to fail later as a 500 or a NOT NULL
 * violation), except where null means "clear it" and the field's type says `| null`.
 */
export const Optional = (): PropertyDecorator =>
  ValidateIf((_dto: object, value: unknown) => value !== undefined);

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The years napflow takes dates in. Public holiday data ends in 2080 (date-holidays' Hijri table) and a case's
 * calendar covers its latest due date's year and the next: a due date in 2080 or later would fail the case's
 * workflow for good, so no date outside these years is accepted anywhere.
 */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2079;
/** The years a date may fall in, as a refusal names them ("1990-2100"). */
export const YEARS = `${FIRST_YEAR}-${LAST_YEAR}`;

/** A real calendar date as YYYY-MM-DD in FIRST_YEAR..LAST_YEAR: "2015-02-30" is refused, as are times and other formats. */
export function isLocalDate(value: unknown): value is string {
  if (!isCalendarDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

/** A real calendar date as YYYY-MM-DD in any year (to name a stored row, e.g. one saved before the range applied). */
export function isCalendarDate(value: unknown): value is string {
  return (
    typeof value === 'string' && LOCAL_DATE.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid
  );
}

/** How a refused date is explained, after the field's name. */
export const LOCAL_DATE_RULE = `must be a real date as YYYY-MM-DD in ${YEARS}`;

export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isLocalDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property ${LOCAL_DATE_RULE}`, ...options },
      validator: { validate: (value: unknown) => isLocalDate(value) },
    });
  };
}

/** Codes of states, agencies, plans and cases: letters, digits, dot, dash, underscore; no spaces or colons. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CODE_MESSAGE = '$property must be 1-64 letters, digits, ".", "-" or "_"';

/** Agency codes as the database holds them: capitals, digits and dashes, e.g. KG-MOE. */
export const AGENCY_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
export const AGENCY_CODE_MESSAGE =
  '$property must be an agency code: 2-40 capitals, digits or "-", e.g. KG-MOE';
