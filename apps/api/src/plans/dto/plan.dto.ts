import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { AGENCY_CODE_MESSAGE, AGENCY_CODE_PATTERN, CODE_MESSAGE, CODE_PATTERN, IsLocalDate } from '../../common/validation';

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
  @IsOptional()
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

export class PlanProgressDto {
  @ApiProperty() cases!: number;
  @ApiProperty() active!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() withdrawn!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() overdue!: number;
  @ApiProperty({ description: 'active cases due within 7 days and not overdue' }) dueSoon!: number;
  @ApiProperty({ description: 'mean progress of the cases, 0..1' }) progress!: number;
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

export class ImportRowDto {
  @ApiProperty({ description: '1-based line of the file (header is line 1)' }) line!: number;
  @ApiProperty({ nullable: true, type: String }) code!: string | null;
  @ApiProperty({ enum: ['create', 'exists', 'error'] }) outcome!: 'create' | 'exists' | 'error';
  @ApiProperty({ type: [String] }) errors!: string[];
  @ApiPropertyOptional({ description: 'case id, when created or already present' }) caseId?: string;
}

export class ImportReportDto {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: 'true when every row is valid (and, for a real import, everything was created)' })
  ok!: boolean;
  @ApiProperty() created!: number;
  @ApiProperty() existing!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ type: [ImportRowDto] }) rows!: ImportRowDto[];
  @ApiPropertyOptional({ type: [String], description: 'problems of the file as a whole' }) fileErrors?: string[];
  @ApiPropertyOptional({ type: [String], description: 'columns that were not recognised and ignored' })
  ignoredColumns?: string[];
}
