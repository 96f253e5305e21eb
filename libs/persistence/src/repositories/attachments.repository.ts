import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { iso } from '../sql-params';

export interface AttachmentMeta {
  id: string;
  caseId: string | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  uploadedBy: string | null;
  at: string;
}

interface AttachmentRow {
  id: string;
  case_id: string | null;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string | null;
  at: Date;
}

const SELECT = `SELECT id, case_id, name, content_type, size::float8 AS size, sha256, storage_key, uploaded_by, at FROM attachments`;

/** Attachment metadata; the bytes live in an AttachmentStore under storageKey. */
@Injectable()
export class AttachmentsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Inserts the metadata; inside the caller's transaction when given its manager. */
  async create(
    input: Omit<AttachmentMeta, 'id' | 'at'> & { id?: string },
    manager?: EntityManager,
  ): Promise<AttachmentMeta> {
    const rows = await (manager ?? this.dataSource).query<AttachmentRow[]>(
      `INSERT INTO attachments (id, case_id, name, content_type, size, sha256, storage_key, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING id, case_id, name, content_type, size::float8 AS size, sha256, storage_key, uploaded_by, at`,
      [
        input.id ?? randomUUID(),
        input.caseId,
        input.name,
        input.contentType,
        input.size,
        input.sha256,
        input.storageKey,
        input.uploadedBy,
      ],
    );
    return toMeta(rows[0]);
  }

  async get(id: string): Promise<AttachmentMeta | null> {
    const rows = await this.dataSource.query<AttachmentRow[]>(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toMeta(rows[0]) : null;
  }

  async listByCase(caseId: string): Promise<AttachmentMeta[]> {
    const rows = await this.dataSource.query<AttachmentRow[]>(
      `${SELECT} WHERE case_id = $1 ORDER BY at, id`,
      [caseId],
    );
    return rows.map(toMeta);
  }
}

function toMeta(r: AttachmentRow): AttachmentMeta {
  return {
    id: r.id,
    caseId: r.case_id,
    name: r.name,
    contentType: r.content_type,
    size: r.size,
    sha256: r.sha256,
    storageKey: r.storage_key,
    uploadedBy: r.uploaded_by,
    at: iso(r.at) as string,
  };
}
