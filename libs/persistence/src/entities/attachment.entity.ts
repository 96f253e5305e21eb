import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericTransformer } from './column-transformers';

@Entity({ name: 'attachments' })
export class AttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ type: 'bigint', transformer: numericTransformer })
  size!: number;

  @Column({ type: 'text' })
  sha256!: string;

  /** where the AttachmentStore keeps the bytes */
  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
