import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  AGENCY_CODE_MESSAGE,
  AGENCY_CODE_PATTERN,
  CODE_MESSAGE,
  CODE_PATTERN,
  IsLocalDate,
  Optional,
} from '../../common/validation';
import { StartWarningDto } from '../../cases/dto/create-case.dto';

export class CreatePlanDto {
  @ApiProperty({ example: 'KG-NAP-2013' })
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'National Implementation Action Plan of the Kyrgyz Republic (UNSCR 1540)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @ApiProperty({ example: 'KG' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be two capital letters' })
  stateCode!: string;

  @ApiProperty({ example: '2013-03-22' })
  @IsLocalDate()
  adoptedOn!: string;

  @ApiPropertyOptional({ example: 1, default: 1 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  version?: number;
}

export class SharePlanDto {
  @ApiProperty({ example: 'OSCE', description: 'organisation whose observers may read this plan' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  agencyCode!: string;
}

export class HealthCountsDto {
  @ApiProperty({ description: 'completed' }) done!: number;
  @ApiProperty({ description: 'active, nothing due within 14 days, not blocked' }) onTrack!: number;
  @ApiProperty({ description: 'active, the case or an open step due within 14 days' }) dueSoon!: number;
  @ApiProperty({ description: 'active, the case or an open step past its due date' }) overdue!: number;
  @ApiProperty({ description: 'rejected, or an open step sent back (request changes, reject) or escalated' })
  blocked!: number;
  @ApiProperty({ description: 'cases counted (withdrawn ones are not)' }) total!: number;
}

export class AgencyHealthDto extends HealthCountsDto {
  @ApiProperty({ example: 'KG-SCS', description: 'lead agency' }) agency!: string;
}

export class AreaHealthDto extends HealthCountsDto {
  @ApiProperty({ nullable: true, type: String, example: 'OP3(d)', description: 'operative paragraph' })
  paragraph!: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['nuclear', 'chemical', 'biological', 'all'] })
  weaponType!: string | null;
}

export class HoldingUpDto {
  @ApiProperty({ example: 'KG-SCS' }) agency!: string;
  @ApiProperty({ description: 'open steps past due that wait on this agency' }) steps!: number;
}

export class PlanProgressDto {
  @ApiProperty() cases!: number;
  @ApiProperty() active!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() withdrawn!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: "active cases past their own or an open step's due instant" }) overdue!: number;
  @ApiProperty({
    description: "active cases not overdue whose own or an open step's due instant is within 7 days",
  })
  dueSoon!: number;
  @ApiProperty({ description: 'mean progress of the cases, 0..1' }) progress!: number;
  @ApiProperty({
    type: HealthCountsDto,
    description: 'the cases in the five reporting buckets (each case in one; withdrawn cases in none)',
  })
  byHealth!: HealthCountsDto;
  @ApiProperty({ type: [AgencyHealthDto], description: 'the buckets by lead agency, most cases first' })
  byAgency!: AgencyHealthDto[];
  @ApiProperty({
    type: [AreaHealthDto],
    description: '1540 area (operative paragraph and weapon type; both null: no area), most cases first',
  })
  byArea!: AreaHealthDto[];
  @ApiProperty({
    type: [HoldingUpDto],
    description: 'the agencies holding up the most open steps past due (at most 20)',
  })
  holdingUp!: HoldingUpDto[];
}

export class PlanDto {
  @ApiProperty({ example: 'KG-NAP-2013' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'KG' }) stateCode!: string;
  @ApiProperty({ example: '2013-03-22' }) adoptedOn!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiPropertyOptional({ type: [String], description: 'organisations the plan is shared with (observers)' })
  sharedWith?: string[];
}

export class PlanWithProgressDto extends PlanDto {
  @ApiProperty({ type: PlanProgressDto }) progress!: PlanProgressDto;
}

export const IMPORT_PROBLEM_CODES = [
  'missing_column',
  'code_repeats',
  'empty',
  'kind_invalid',
  'code_invalid',
  'title_too_long',
  'agency_invalid',
  'date_invalid',
  'paragraph_invalid',
  'weapon_invalid',
  'version_invalid',
  'agency_unknown',
  'agency_not_shared',
  'kind_unknown',
  'version_unknown',
  'lead_supporting',
  /** any other problem with a field the file names: its English text only */
  'reference',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEM_CODES)[number];

/** One problem of a row, as a code and its facts (a client words it in its reader's language) and in English. */
export class ImportProblemDto {
  @ApiProperty({ enum: IMPORT_PROBLEM_CODES }) code!: ImportProblemCode;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'the facts the problem names: column, value, line, code, field, kind, max, allowed, years',
  })
  params!: Record<string, string | number>;
  @ApiProperty({ description: 'the problem in English (the same text as in errors)' }) message!: string;
}

export class ImportRowDto {
  @ApiProperty({ description: '1-based line of the file (header is line 1)' }) line!: number;
  @ApiProperty({ nullable: true, type: String }) code!: string | null;
  @ApiProperty({ enum: ['create', 'exists', 'error'] }) outcome!: 'create' | 'exists' | 'error';
  @ApiProperty({ type: [String] }) errors!: string[];
  @ApiProperty({
    type: [ImportProblemDto],
    description: 'the same problems as errors, one each, as codes and facts',
  })
  problems!: ImportProblemDto[];
  @ApiPropertyOptional({
    type: [StartWarningDto],
    description:
      'for a row that is (or would be) created: a deadline already past, steps that start overdue (with the first ' +
      'notice their assignees get); absent when none',
  })
  warnings?: StartWarningDto[];
  @ApiPropertyOptional({ description: 'case id, when created or already present' }) caseId?: string;
}

export class ImportReportDto {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({
    description: 'true when every row is valid (and, for a real import, everything was created)',
  })
  ok!: boolean;
  @ApiProperty() created!: number;
  @ApiProperty() existing!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'rows with warnings (see rows[].warnings)' }) warned!: number;
  @ApiProperty({
    enum: ['per_agency', 'per_step', 'none'],
    description:
      'how the new steps are (or, in a dry run, would be) announced: one email per agency listing its new steps ' +
      '(an import of 5 cases or more), one email per step, or none (nothing to create)',
  })
  notices!: 'per_agency' | 'per_step' | 'none';
  @ApiProperty({ type: [ImportRowDto] }) rows!: ImportRowDto[];
  @ApiPropertyOptional({ type: [String], description: 'problems of the file as a whole' })
  fileErrors?: string[];
  @ApiPropertyOptional({ type: [String], description: 'columns that were not recognised and ignored' })
  ignoredColumns?: string[];
}
