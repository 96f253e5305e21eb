import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { AGENCY_CODE_MESSAGE, AGENCY_CODE_PATTERN, IsLocalDate, Optional } from '../../common/validation';

export const ROLES = ['admin', 'coordinator', 'focal_point', 'observer'] as const;
export const LANGUAGES = ['ru', 'en'] as const;

export class CreatePersonDto {
  @ApiProperty({ example: 'focal.customs@kg.napflow.example.org' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Aibek Customs' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'KG-SCS' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  agencyCode!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: (typeof ROLES)[number];

  @ApiProperty({ enum: LANGUAGES })
  @IsIn(LANGUAGES)
  language!: (typeof LANGUAGES)[number];

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 256 })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password!: string;
}

export class UpdatePersonDto {
  @ApiPropertyOptional({
    example: 'Aibek Customs',
    description: 'a new display name (e.g. after a change of name)',
  })
  @Optional()
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @Optional()
  @IsIn(ROLES)
  role?: (typeof ROLES)[number];

  @ApiPropertyOptional({ example: 'KG-SCS' })
  @Optional()
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: AGENCY_CODE_MESSAGE })
  agencyCode?: string;

  @ApiPropertyOptional({ enum: LANGUAGES })
  @Optional()
  @IsIn(LANGUAGES)
  language?: (typeof LANGUAGES)[number];

  @ApiPropertyOptional({ description: 'false disables the account and revokes its tokens' })
  @Optional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ format: 'password', minLength: 12 })
  @Optional()
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password?: string;
}

export class SetDeputyDto {
  @ApiProperty({ format: 'uuid', description: 'the person who stands in during the absence' })
  @IsUUID()
  deputyId!: string;

  @ApiProperty({ example: '2025-07-01' })
  @IsLocalDate()
  from!: string;

  @ApiProperty({ example: '2025-07-31' })
  @IsLocalDate()
  until!: string;
}

export class DeputyDto {
  @ApiProperty({ format: 'uuid' }) deputyId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() until!: string;
}

export class PersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() agencyCode!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ enum: LANGUAGES }) language!: string;
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional({ type: DeputyDto, nullable: true }) deputy?: DeputyDto | null;
}
