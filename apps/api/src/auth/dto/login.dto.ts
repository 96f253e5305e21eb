import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'coordinator@kg.napflow.example.org' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class SessionPersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['admin', 'coordinator', 'focal_point', 'observer'] }) role!: string;
  @ApiProperty({ example: 'KG-MOE' }) agencyCode!: string;
  @ApiProperty({ nullable: true, type: String, example: 'KG' }) stateCode!: string | null;
  @ApiProperty({ enum: ['ru', 'en'] }) language!: string;
}

export class TokenDto {
  @ApiProperty({
    description: 'Bearer token for the Authorization header; also set as the HttpOnly session cookie',
  })
  token!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: SessionPersonDto })
  person!: SessionPersonDto;
}
