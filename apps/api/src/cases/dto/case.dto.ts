import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  AGENCY_CODE_MESSAGE,
  AGENCY_CODE_PATTERN,
  CODE_MESSAGE,
  CODE_PATTERN,
  IsLocalDate,
  Optional,
} from '../../common/validation';
import { CASE_SORT_KEYS, type CaseSort } from '@app/persistence';
import { AreaDto } from './create-case.dto';
import { AttachmentRefDto } from './step-action.dto';
import { StepTitlesDto } from './step-titles.dto';

export const CASE_STATUSES = ['active', 'completed', 'rejected', 'withdrawn'] as const;
export const STEP_STATUSES = ['pending', 'active', 'done', 'skipped', 'withdrawn'] as const;

/** Accepted values of `sort`: each column, ascending or (with a leading "-") descending. */
export const CASE_SORTS: readonly CaseSort[] = CASE_SORT_KEYS.flatMap((k) => [k, `-${k}` as const]);

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CaseListQueryDto {
  @ApiPropertyOptional({ description: 'plan code' })
  @Optional()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  plan?: string;

  @ApiPropertyOptional({ description: 'state code' })
  @Optional()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be two capital letters' })
  state?: string;

  @ApiPropertyOptional({ description: 'agency code: lead, supporting, or assigned to an open step' })
  @Optional()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  agency?: string;

  @ApiPropertyOptional({ description: 'process definition key' })
  @Optional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: '$property must be a process definition key' })
  kind?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @Optional()
  @IsIn(CASE_STATUSES)
  status?: (typeof CASE_STATUSES)[number];

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: active cases past their own due date or with an open step past its deadline; false: all others',
  })
  @Optional()
  @Transform(toBool)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ example: '2015-12-31' })
  @Optional()
  @IsLocalDate()
  dueBefore?: string;

  @ApiPropertyOptional({ example: '2015-01-01' })
  @Optional()
  @IsLocalDate()
  dueAfter?: string;

  @ApiPropertyOptional({ description: 'operative paragraph or weapon type, e.g. OP3(d) or chemical' })
  @Optional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ description: 'free text in code and title' })
  @Optional()
  @IsString()
  @MaxLength(200)
  text?: string;

  @ApiPropertyOptional({
    enum: CASE_SORTS,
    default: 'dueOn',
    description:
      'order of the list: a column, with a leading "-" for descending; nulls last, ties by case id. Default dueOn.',
  })
  @Optional()
  @IsIn(CASE_SORTS, { message: `$property must be one of ${CASE_SORTS.join(', ')}` })
  sort?: CaseSort;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class StepActionDto {
  @ApiProperty({ description: 'person id, or "system"' }) by!: string;
  @ApiPropertyOptional() byName?: string;
  @ApiProperty({ nullable: true, type: String }) agency!: string | null;
  @ApiProperty({ example: 'complete' }) action!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['dashboard', 'api', 'email', 'system'] }) channel!: string;
  @ApiPropertyOptional({ description: 'person id of the absent colleague a deputy acted for' })
  onBehalfOf?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional() date?: string;
  @ApiPropertyOptional({
    type: [AttachmentRefDto],
    description: 'evidence cited by a completion (download at /cases/{id}/attachments/{attachmentId})',
  })
  attachments?: AttachmentRefDto[];
}

export class StepDto {
  @ApiProperty({ example: 'implement' }) key!: string;
  @ApiProperty({ description: 'the name the read model keeps (English)' }) title!: string;
  @ApiPropertyOptional({
    type: StepTitlesDto,
    description:
      "the name in each language of the case's process definition; absent when the definition or step is unknown",
  })
  titles?: StepTitlesDto;
  @ApiProperty({ enum: ['task', 'approval', 'milestone', 'wait'] }) kind!: string;
  @ApiProperty({ enum: STEP_STATUSES }) status!: string;
  @ApiProperty({ type: [String], description: 'agency codes that must act' }) assignees!: string[];
  @ApiProperty({ nullable: true, type: String }) dueOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) dueAt?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) startedAt?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) completedAt?: string | null;
  @ApiProperty({ type: [StepActionDto] }) actions!: StepActionDto[];
  @ApiPropertyOptional({ description: 'approval steps: mode, quorum and decisions so far' })
  approval?: Record<string, unknown>;
}

/** In lists: the step a case waits on (its active step due first). */
export class CurrentStepDto extends PickType(StepDto, [
  'key',
  'title',
  'titles',
  'assignees',
  'dueOn',
] as const) {}

export class CommentViewDto {
  @ApiProperty() seq!: number;
  @ApiProperty() by!: string;
  @ApiPropertyOptional() byName?: string;
  @ApiProperty({ nullable: true, type: String }) agency!: string | null;
  @ApiProperty() at!: string;
  @ApiProperty() text!: string;
  @ApiPropertyOptional() stepKey?: string;
}

export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid', description: 'case id (derived from the workflow id)' }) id!: string;
  @ApiProperty({ example: 'case:KG-NAP-2013:M-01' }) workflowId!: string;
  @ApiProperty({ example: 'KG-NAP-2013' }) planCode!: string;
  @ApiProperty({ example: 'M-01' }) code!: string;
  @ApiProperty({ example: 'measure' }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'KG' }) stateCode!: string;
  @ApiProperty({ example: 'KG-MOE' }) leadAgency!: string;
  @ApiProperty({ type: [String] }) supportingAgencies!: string[];
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) dueOn!: string | null;
  @ApiProperty({ description: '0..1' }) progress!: number;
  @ApiProperty() overdue!: boolean;
  @ApiPropertyOptional({ type: AreaDto, nullable: true }) area?: AreaDto | null;
  @ApiPropertyOptional({
    type: CurrentStepDto,
    nullable: true,
    description: 'in lists: the active step due first (null when none is active)',
  })
  currentStep?: CurrentStepDto | null;
}

export class CaseListDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items!: CaseSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty({ example: 'measure' }) definitionKey!: string;
  @ApiProperty({ example: 1 }) definitionVersion!: number;
  @ApiProperty({ example: 'Asia/Bishkek' }) timeZone!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ description: 'event sequence of this state' }) seq!: number;
  @ApiProperty({ type: [StepDto] }) steps!: StepDto[];
  @ApiProperty({ type: [CommentViewDto] }) comments!: CommentViewDto[];
  @ApiProperty({
    enum: ['workflow', 'read_model'],
    description:
      '"workflow": live from Temporal; "read_model": Temporal was unreachable, this is the last projection',
  })
  source!: 'workflow' | 'read_model';
  @ApiPropertyOptional({ description: 'set when source is read_model' }) stale?: boolean;
}

export class HistoryEntryDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'step_completed' }) type!: string;
  @ApiPropertyOptional() stepKey?: string;
  @ApiPropertyOptional({ description: 'person id' }) by?: string;
  @ApiPropertyOptional() byName?: string;
  @ApiPropertyOptional() agency?: string;
  @ApiPropertyOptional() role?: string;
  @ApiPropertyOptional({ enum: ['dashboard', 'api', 'email', 'system'] }) channel?: string;
  @ApiPropertyOptional() onBehalfOf?: string;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
}

export const EMAIL_STATUSES = ['sent', 'pending', 'failed'] as const;

export class CaseEmailDto {
  @ApiProperty({ format: 'uuid', description: 'outbox row id' }) id!: string;
  @ApiProperty({ example: 'step_assigned', description: 'notification kind' }) kind!: string;
  @ApiProperty({ nullable: true, type: String, example: 'execute' }) stepKey!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'focal.point@customs.gov.kg',
    description:
      "null for callers outside the case's state (observers, a partner state): they see that, not to whom",
  })
  recipient!: string | null;
  @ApiProperty({ enum: ['ru', 'en'] }) language!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({
    enum: EMAIL_STATUSES,
    description:
      '"pending" also while a send is in progress; "failed" when the SMTP server refused it for good',
  })
  status!: (typeof EMAIL_STATUSES)[number];
  @ApiProperty({ description: 'the Message-ID header' }) messageId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
  @ApiPropertyOptional({ description: "failed emails: the SMTP server's refusal" }) error?: string;
}
