import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AGENCY_CODE_MESSAGE, AGENCY_CODE_PATTERN, IsLocalDate, Optional } from '../../common/validation';

export const DECISIONS = ['approve', 'approve_with_comments', 'request_changes', 'reject'] as const;

export class AttachmentRefDto {
  @ApiProperty({ description: 'attachment id' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  id!: string;

  @ApiProperty({ example: 'draft-law-v2.pdf' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional({ description: 'SHA-256 of the content, hex' })
  @Optional()
  @Matches(/^[a-f0-9]{64}$/, { message: '$property must be 64 lowercase hex characters' })
  sha256?: string;
}

export class CompleteStepDto {
  @ApiPropertyOptional({ maxLength: 5000 })
  @Optional()
  @IsString()
  @MaxLength(5000)
  note?: string;

  @ApiPropertyOptional({ type: [AttachmentRefDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentRefDto)
  attachments?: AttachmentRefDto[];
}

export class DecisionDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS)
  decision!: (typeof DECISIONS)[number];

  @ApiPropertyOptional({ maxLength: 5000 })
  @Optional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class MilestoneDto {
  @ApiProperty({ example: '2014-04-02', description: 'the local date the milestone happened' })
  @IsLocalDate()
  on!: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @Optional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class DueDateDto {
  @ApiProperty({ example: '2015-06-30' })
  @IsLocalDate()
  dueOn!: string;

  @ApiProperty({ example: 'The Government session moved to June' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class ReassignDto {
  @ApiProperty({ example: 'KG-BS', description: 'agency code that takes the step over' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  agency!: string;

  @ApiProperty({ example: 'Radiation portal monitors handed to the Border Service' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class CommentDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  text!: string;

  @ApiPropertyOptional({ description: 'the step the comment is about' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: '$property must be a step key' })
  stepKey?: string;
}

export class WithdrawDto {
  @ApiProperty({ example: 'Superseded by the revised plan' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}
