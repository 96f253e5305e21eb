import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { StepTitlesDto } from '../cases/dto/step-titles.dto';
import { Optional } from '../common/validation';

export class InboxQueryDto {
  @ApiProperty({ required: false, default: 1 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ApiProperty({ required: false, default: 50, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class InboxItemDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseCode!: string;
  @ApiProperty() caseTitle!: string;
  @ApiProperty() caseKind!: string;
  @ApiProperty() planCode!: string;
  @ApiProperty() stateCode!: string;
  @ApiProperty() stepKey!: string;
  @ApiProperty({ description: 'the name the read model keeps (English)' }) stepTitle!: string;
  @ApiPropertyOptional({
    type: StepTitlesDto,
    description:
      "the step's name in each language of the case's process definition; absent when the definition or step is unknown",
  })
  stepTitles?: StepTitlesDto;
  @ApiProperty({ enum: ['task', 'approval', 'milestone', 'wait'] }) stepKind!: string;
  @ApiProperty({ type: [String] }) assignees!: string[];
  @ApiProperty({ nullable: true, type: String }) dueOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
}

export class InboxDto {
  @ApiProperty({ type: [InboxItemDto] }) items!: InboxItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
