import { Controller, Get, Param, Post, Req, Res, StreamableFile, UploadedFile } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../common/decorators';
import { IdempotentUpload } from '../common/idempotency.interceptor';
import { ProblemResponses } from '../common/openapi';
import type { ApiRequest, Principal } from '../common/principal';
import { contentDisposition } from './attachment-types';
import { AttachmentsService, MAX_ATTACHMENT_BYTES, type UploadedEvidence } from './attachments.service';
import { AttachmentDto, AttachmentListItemDto } from './dto/attachment.dto';

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller('cases/:id/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @IdempotentUpload(
    FileInterceptor('file', {
      limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5 },
      defParamCharset: 'utf8',
    }),
  )
  @ApiOperation({
    summary: 'Upload evidence to a case (multipart field `file`, at most 20 MB)',
    description:
      'Accepted: PDF, office documents (Word, Excel, PowerPoint, OpenDocument, RTF), images (PNG, JPEG, GIF, ' +
      'WebP, TIFF), plain text, CSV, ZIP; anything else is 415. Administrators, coordinators of the case state ' +
      'and focal points of an agency on the case may upload. Cite the returned `{id, name, sha256}` in ' +
      '`attachments` when completing a step.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'the evidence file' } },
    },
  })
  @ApiCreatedResponse({ type: AttachmentDto })
  @ProblemResponses(400, 401, 403, 404, 413, 415)
  upload(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @UploadedFile() file: UploadedEvidence | undefined,
    @Req() req: ApiRequest,
  ): Promise<AttachmentDto> {
    return this.attachments.upload(p, id, file, req);
  }

  @Get()
  @ApiOperation({ summary: 'The evidence files of a case, oldest first (whoever may read the case)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [AttachmentListItemDto] })
  @ProblemResponses(401, 404)
  list(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<AttachmentListItemDto[]> {
    return this.attachments.list(p, id);
  }

  @Get(':attachmentId')
  @ApiOperation({
    summary: 'Download an evidence file (as an attachment, with its stored content type)',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'attachmentId', format: 'uuid' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the bytes', schema: { type: 'string', format: 'binary' } })
  @ProblemResponses(401, 404)
  async download(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { meta, content } = await this.attachments.download(p, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(content, {
      type: meta.contentType,
      length: meta.size,
      disposition: contentDisposition(meta.name),
    });
  }
}
