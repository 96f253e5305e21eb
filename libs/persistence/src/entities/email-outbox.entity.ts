import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Language, NotificationKind } from '@app/domain/case/case.types';

export type EmailOutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One recipient's copy of one notification, unique by (notification key, recipient). Rendered once when the row is
 * created; the sender claims the row (pending → sending) before talking SMTP and records the outcome.
 */
@Entity({ name: 'email_outbox' })
export class EmailOutboxEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'notification_key', type: 'text' })
  notificationKey!: string;

  /** lower-cased */
  @Column({ name: 'recipient_email', type: 'text' })
  recipientEmail!: string;

  @Column({ type: 'text' })
  kind!: NotificationKind;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ name: 'step_key', type: 'text', nullable: true })
  stepKey!: string | null;

  @Column({ name: 'state_code', type: 'text', nullable: true })
  stateCode!: string | null;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  /** the absent focal point this recipient stands in for */
  @Column({ name: 'on_behalf_of', type: 'uuid', nullable: true })
  onBehalfOf!: string | null;

  @Column({ type: 'text' })
  language!: Language;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  html!: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  status!: EmailOutboxStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  @Column({ name: 'claim_id', type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'smtp_response', type: 'text', nullable: true })
  smtpResponse!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
