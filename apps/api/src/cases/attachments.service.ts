import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ATTACHMENT_STORE,
  type AttachmentMeta,
  type AttachmentStore,
  AttachmentsRepository,
  AuditRepository,
  type CaseDetail,
} from '@app/persistence';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException, forbidden, invalid, notFound } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import { UUID, acceptedContentType } from './attachment-types';
import { CasesService } from './cases.service';
import type { AttachmentDto, AttachmentListItemDto } from './dto/attachment.dto';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface UploadedEvidence {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
  size: number;
}

/** Evidence files of a case: bytes in the ATTACHMENT_STORE, metadata in `attachments`, an audit event per upload. */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly cases: CasesService,
    private readonly attachments: AttachmentsRepository,
    private readonly audit: AuditRepository,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async upload(
    p: Principal,
    caseId: string,
    file: UploadedEvidence | undefined,
    req?: ApiRequest,
  ): Promise<AttachmentDto> {
    const row = await this.cases.visible(p, caseId);
    assertMayAttach(p, row);
    if (!file) throw invalid([{ field: 'file', message: 'a file is required (multipart field "file")' }]);
    if (file.size === 0 || file.buffer.length === 0)
      throw invalid([{ field: 'file', message: 'the file is empty' }]);
    const name = cleanName(file.originalname);
    const contentType = acceptedContentType(file.mimetype, name);
    if (!contentType) {
      throw new DomainException(
        DomainErrorCode.UnsupportedMediaType,
        `Files of type ${file.mimetype || 'unknown'} cannot be attached; accepted: PDF, office documents, images, text, CSV, ZIP`,
        { contentType: file.mimetype },
      );
    }
    const sha256 = createHash('sha256').update(file.buffer).digest('hex');
    const stored = await this.store.put(file.buffer);
    if (stored.sha256 !== sha256) throw new Error('attachment store returned a different hash');
    // the metadata and its audit entry are written together or not at all (the bytes stored above without a row
    // are never served: every read goes through the metadata)
    const meta = await this.dataSource.transaction(async (m) => {
      const created = await this.attachments.create(
        {
          caseId: row.id,
          name,
          contentType,
          size: stored.size,
          sha256,
          storageKey: stored.key,
          uploadedBy: p.personId,
        },
        m,
      );
      await this.audit.append(
        [
          {
            ...auditEntry(p, req, 'attachment_uploaded', {
              attachmentId: created.id,
              name,
              contentType,
              size: created.size,
              sha256,
            }),
            // API-level entries carry no workflow sequence (the table requires workflow_id and seq together)
            caseId: row.id,
          },
        ],
        m,
      );
      return created;
    });
    return toDto(meta);
  }

  async list(p: Principal, caseId: string): Promise<AttachmentListItemDto[]> {
    const row = await this.cases.visible(p, caseId);
    const all = await this.attachments.listByCase(row.id);
    return all.map((m) => ({ ...toDto(m), uploadedBy: m.uploadedBy, at: m.at }));
  }

  async download(
    p: Principal,
    caseId: string,
    attachmentId: string,
  ): Promise<{ meta: AttachmentMeta; content: Readable }> {
    const row = await this.cases.visible(p, caseId);
    const meta = UUID.test(attachmentId) ? await this.attachments.get(attachmentId.toLowerCase()) : null;
    if (!meta || meta.caseId !== row.id) throw notFound(`Attachment ${attachmentId}`);
    const content = await this.store.get(meta.storageKey).catch(() => {
      throw notFound(`The content of attachment ${attachmentId}`);
    });
    return { meta, content };
  }
}

/**
 * Who may add evidence: administrators, coordinators of the case's state, focal points of an agency on the case
 * (lead, supporting, or assigned a step) and, in a plan shared with them, focal points of another state while a step
 * waits on their agency (the evidence that step asks for). Observers never. The case is already visible (else 404).
 */
function assertMayAttach(p: Principal, row: CaseDetail): void {
  switch (p.role) {
    case 'admin':
      return;
    case 'observer':
      throw forbidden('Observers have read-only access');
    case 'coordinator':
      if (row.stateCode !== p.stateCode) throw forbidden('Coordinators act only on cases of their own state');
      return;
    case 'focal_point': {
      const steps = row.snapshot?.steps ?? row.steps;
      if (row.stateCode !== p.stateCode) {
        // a partner state's evidence goes with the step that waits on its agency now
        if (steps.some((s) => s.status === 'active' && s.assignees.includes(p.agencyCode))) return;
        throw forbidden(
          'Focal points act only on cases of their own state, or on steps assigned to their agency',
        );
      }
      const onCase =
        steps.some((s) => s.assignees.includes(p.agencyCode)) ||
        row.leadAgency === p.agencyCode ||
        row.supportingAgencies.includes(p.agencyCode);
      if (!onCase) throw forbidden(`${p.agencyCode} is not an agency of this case`);
      return;
    }
    default: {
      const never: never = p.role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

function cleanName(name: string | undefined): string {
  // keep the base name only, without control characters; the database stores at most what a file system would
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = Array.from(base)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 255);
  return cleaned || 'attachment';
}

function toDto(m: AttachmentMeta): AttachmentDto {
  return { id: m.id, name: m.name, size: m.size, contentType: m.contentType, sha256: m.sha256 };
}
