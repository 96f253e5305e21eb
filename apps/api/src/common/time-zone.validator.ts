import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { IANAZone } from 'luxon';

@ValidatorConstraint({ name: 'isTimeZone' })
export class IsTimeZoneConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && IANAZone.isValidZone(value);
  }
  defaultMessage(): string {
    return '$property must be an IANA time zone such as Asia/Bishkek';
  }
}
