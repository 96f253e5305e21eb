import { ApiProperty } from '@nestjs/swagger';

export class I18nTitleDto {
  @ApiProperty() ru!: string;
  @ApiProperty() en!: string;
}

export class DefinitionVersionDto {
  @ApiProperty({ example: 'measure' }) key!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ type: I18nTitleDto }) title!: I18nTitleDto;
  @ApiProperty({ enum: ['shipped', 'uploaded'] }) source!: 'shipped' | 'uploaded';
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt!: string | null;
}
