import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength, Validate } from 'class-validator';
import { IsTimeZoneConstraint } from '../../common/time-zone.validator';
import { Optional } from '../../common/validation';

export class CreateStateDto {
  @ApiProperty({ example: 'KG', description: 'ISO 3166-1 alpha-2 code' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be two capital letters (ISO 3166-1 alpha-2)' })
  code!: string;

  @ApiProperty({ example: 'Kyrgyzstan' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'Asia/Bishkek', description: 'IANA time zone' })
  @IsString()
  @Validate(IsTimeZoneConstraint)
  timeZone!: string;

  @ApiPropertyOptional({
    example: 'KG',
    description:
      'holiday calendar id (date-holidays country code, or a custom napflow calendar); defaults to the code. ' +
      'Refused (400) when napflow has no holiday data for it: deadlines count business days.',
  })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{2,32}$/, { message: '$property must be a calendar id such as "KG"' })
  holidayCalendar?: string;
}

export class StateDto {
  @ApiProperty({ example: 'KG' }) code!: string;
  @ApiProperty({ example: 'Kyrgyzstan' }) name!: string;
  @ApiProperty({ example: 'Asia/Bishkek' }) timeZone!: string;
  @ApiProperty({ example: 'KG', nullable: true, type: String }) holidayCalendar!: string | null;
}
