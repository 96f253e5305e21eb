import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A step's name in the languages of its case's process definition (the StepTitles of @app/domain). */
export class StepTitlesDto {
  @ApiProperty({ example: 'Implementation by the lead agency' }) en!: string;
  @ApiPropertyOptional({ example: 'Исполнение меры ведущим ведомством' }) ru?: string;
}
