import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/validation';

export class CreateCalendarFeedDto {
  @ApiProperty({
    enum: ['agency', 'person'],
    description: "an agency's open steps, or the caller's own (their agency and whom they deputise for)",
  })
  @IsIn(['agency', 'person'])
  scope!: 'agency' | 'person';

  @ApiPropertyOptional({
    description: "agency code for scope=agency (default: the caller's agency)",
    example: 'KG-MOE',
  })
  @Optional()
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/)
  agencyCode?: string;

  @ApiPropertyOptional({ description: 'a name to recognise the feed by, e.g. "Outlook at the office"' })
  @Optional()
  @IsString()
  @MaxLength(100)
  label?: string;
}

export class CalendarFeedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['agency', 'person'] }) scope!: 'agency' | 'person';
  @ApiPropertyOptional({ nullable: true }) agencyCode!: string | null;
  @ApiPropertyOptional({ nullable: true }) personId!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) revokedAt!: string | null;
  @ApiProperty({ description: 'whether the caller may revoke it (false once revoked)' }) canRevoke!: boolean;
}

export class CreatedCalendarFeedDto extends CalendarFeedDto {
  @ApiProperty({ description: 'the secret feed URL; shown once, subscribe to it in a calendar application' })
  url!: string;
}
