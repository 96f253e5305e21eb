import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  AGENCY_CODE_MESSAGE,
  AGENCY_CODE_PATTERN,
  CODE_MESSAGE,
  CODE_PATTERN,
  IsLocalDate,
  Optional,
} from '../../common/validation';
import { START_WARNING_CODES } from '../case-start.service';
import { StepTitlesDto } from './step-titles.dto';

export const WEAPON_TYPES = ['nuclear', 'chemical', 'biological', 'all'] as const;

export class AreaDto {
  @ApiPropertyOptional({ example: 'OP3(d)', description: 'operative paragraph of resolution 1540' })
  @Optional()
  @IsString()
  @Matches(/^(OP)?[1-9][0-9]?(\s?\(?[a-d]\)?)?$/i, {
    message: '$property must be an operative paragraph such as OP3(d)',
  })
  paragraph?: string;

  @ApiPropertyOptional({ enum: WEAPON_TYPES })
  @Optional()
  @IsIn(WEAPON_TYPES)
  weaponType?: (typeof WEAPON_TYPES)[number];
}

export class CreateCaseDto {
  @ApiProperty({
    example: 'measure',
    description: 'process definition key: measure, draft_law, government_decision, ...',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: '$property must be a process definition key such as "measure"',
  })
  kind!: string;

  @ApiProperty({ example: 'M-01' })
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'National control list harmonised with the EU lists' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @ApiProperty({ example: 'KG-MOE', description: 'agency code' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  leadAgency!: string;

  @ApiPropertyOptional({ type: [String], example: ['KG-SCS', 'KG-BS'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(AGENCY_CODE_PATTERN, { each: true, message: AGENCY_CODE_MESSAGE })
  supportingAgencies?: string[];

  @ApiProperty({ example: '2015-01-01', description: "local date in the state's time zone" })
  @IsLocalDate()
  dueOn!: string;

  @ApiPropertyOptional({ type: AreaDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;

  @ApiPropertyOptional({ example: 1, description: 'definition version; the latest when omitted' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100000)
  definitionVersion?: number;

  @ApiPropertyOptional({
    description: "named participants the definition's assignees refer to, e.g. { justice: ['KG-MOJ'] }",
    example: { justice: ['KG-MOJ'] },
  })
  @Optional()
  @IsObject()
  participants?: Record<string, string[]>;
}

export class StartNoticeDto {
  @ApiProperty({ example: 'overdue', description: 'notification kind' }) kind!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** Something a coordinator should know before a case starts: facts for any language, and English words. */
export class StartWarningDto {
  @ApiProperty({ enum: START_WARNING_CODES }) code!: string;
  @ApiProperty({ example: 'the deadline 2015-01-01 has already passed', description: 'in English' })
  message!: string;
  @ApiPropertyOptional({
    example: '2015-01-01',
    description: "deadline_passed: the passed deadline; step_overdue: the step's due date",
  })
  dueOn?: string;
  @ApiPropertyOptional({ example: 'execute', description: 'step_overdue, no_focal_point: the step' })
  step?: string;
  @ApiPropertyOptional({ type: StepTitlesDto }) stepTitles?: StepTitlesDto;
  @ApiPropertyOptional({
    type: [String],
    description:
      'step_overdue: agencies that must act (empty: the national coordinator); no_focal_point: the agencies the ' +
      'step waits on that have no active focal point',
  })
  assignees?: string[];
  @ApiPropertyOptional({
    type: StartNoticeDto,
    nullable: true,
    description: 'step_overdue: the first notice the step sends after the start',
  })
  notice?: StartNoticeDto | null;
}

export class CaseCreatedDto {
  @ApiProperty({ format: 'uuid', description: 'case id, used in /cases/{id}' }) id!: string;
  @ApiProperty({ example: 'case:KG-NAP-2013:M-01' }) workflowId!: string;
  @ApiProperty({ enum: ['active', 'completed', 'rejected', 'withdrawn'] }) status!: string;
  @ApiProperty({
    type: [StartWarningDto],
    description:
      'what the start did that the coordinator should know: a deadline already past, steps that started overdue ' +
      '(with the first notice their assignees get), steps that wait on an agency with no active focal point; ' +
      'empty when none',
  })
  warnings!: StartWarningDto[];
}
