import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AGENCY_CODE_MESSAGE, AGENCY_CODE_PATTERN, Optional } from '../../common/validation';

export const AGENCY_KINDS = ['ministry', 'agency', 'international'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export class CreateAgencyDto {
  @ApiProperty({ example: 'KG-MOE' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'Ministry of Economy' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({
    example: 'Министерство экономики',
    description: 'the name in Russian emails and the Russian dashboard (the English name when absent)',
  })
  @Optional()
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(300)
  nameRu?: string;

  @ApiPropertyOptional({
    example: 'KG',
    description: 'the state the agency belongs to; omit for an international organisation',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be two capital letters' })
  stateCode?: string | null;

  @ApiPropertyOptional({ enum: AGENCY_KINDS, default: 'agency' })
  @Optional()
  @IsIn(AGENCY_KINDS)
  kind?: AgencyKind;
}

/** A new name of an agency (e.g. after a government reorganisation); null clears the Russian one. */
export class UpdateAgencyDto {
  @ApiPropertyOptional({ example: 'Ministry of Economy and Commerce' })
  @Optional()
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ example: 'Министерство экономики и коммерции', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(300)
  nameRu?: string | null;
}

export class AgencyDto {
  @ApiProperty({ example: 'KG-MOE' }) code!: string;
  @ApiProperty({ example: 'Ministry of Economy' }) name!: string;
  @ApiProperty({ example: 'Министерство экономики', nullable: true, type: String }) nameRu!: string | null;
  @ApiProperty({ example: 'KG', nullable: true, type: String }) stateCode!: string | null;
  @ApiProperty({ enum: AGENCY_KINDS }) kind!: string;
}

/** A row of GET /agencies: the agency and how many people there receive its steps' mail. */
export class AgencyListItemDto extends AgencyDto {
  @ApiProperty({
    example: 1,
    description:
      'active focal points of the agency: the people its steps are emailed to (0: nobody is told of them)',
  })
  focalPoints!: number;
}
