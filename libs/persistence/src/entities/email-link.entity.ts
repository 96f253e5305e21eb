import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Decision } from '@app/domain/case/case.types';

export type EmailLinkChoice = Decision | 'complete';

/**
 * The grant behind an approve-by-email link: one step (and occurrence) of one case, one person, the choices offered,
 * an expiry, single use. The secret tokens that open it live in email_link_tokens, as sha256 hashes only.
 */
@Entity({ name: 'email_links' })
export class EmailLinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'outbox_id', type: 'uuid' })
  outboxId!: string;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ name: 'step_key', type: 'text' })
  stepKey!: string;

  @Column({ type: 'integer' })
  occurrence!: number;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'on_behalf_of', type: 'uuid', nullable: true })
  onBehalfOf!: string | null;

  @Column({ type: 'text', array: true })
  choices!: EmailLinkChoice[];

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'used_choice', type: 'text', nullable: true })
  usedChoice!: EmailLinkChoice | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
