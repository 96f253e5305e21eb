import { ApiProperty } from '@nestjs/swagger';

export class AttachmentDto {
  @ApiProperty({ format: 'uuid', description: 'the id to pass in `attachments` when completing a step' })
  id!: string;

  @ApiProperty({ example: 'draft-law-v2.pdf' })
  name!: string;

  @ApiProperty({ description: 'bytes', example: 48213 })
  size!: number;

  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ description: 'SHA-256 of the content, hex', example: 'e3b0c442…' })
  sha256!: string;
}

export class AttachmentListItemDto extends AttachmentDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'person who uploaded it' })
  uploadedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}
