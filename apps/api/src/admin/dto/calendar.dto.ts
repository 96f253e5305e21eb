import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsLocalDate, Optional } from '../../common/validation';

export class AddNonWorkingDayDto {
  @ApiProperty({ example: '2025-03-21', description: 'local date in the state' })
  @IsLocalDate()
  date!: string;

  @ApiPropertyOptional({ example: 'Nooruz (extra day off by government decree)' })
  @Optional()
  @IsString()
  @MaxLength(300)
  reason?: string;
}

export class HolidayDto {
  @ApiProperty() date!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'a day off moved from a holiday on a weekend' }) substitute!: boolean;
}

export class NonWorkingDayDto {
  @ApiProperty() date!: string;
  @ApiProperty() reason!: string;
}

export class CalendarDto {
  @ApiProperty({ example: 'KG' }) stateCode!: string;
  @ApiProperty({ example: 'Asia/Bishkek' }) timeZone!: string;
  @ApiProperty({ example: 2025 }) year!: number;
  @ApiProperty({ type: [Number], example: [6, 7], description: 'ISO weekdays of the weekend' })
  weekendDays!: number[];
  @ApiProperty({ type: [HolidayDto], description: 'public holidays (from the holiday calendar)' })
  holidays!: HolidayDto[];
  @ApiProperty({ type: [NonWorkingDayDto], description: 'days an administrator added' })
  nonWorkingDays!: NonWorkingDayDto[];
  @ApiPropertyOptional({ description: 'set when the holiday calendar of the state is unknown' })
  warning?: string;
}
