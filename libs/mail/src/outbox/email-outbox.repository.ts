import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Language, NotificationKind } from '@app/domain/case/case.types';
import {
  EmailLinkEntity,
  EmailLinkTokenEntity,
  EmailOutboxEntity,
  type EmailLinkChoice,
} from '@app/persistence';
import { sha256Hex } from '../message-id';

/** Where the raw link token goes in a rendered email; replaced at send time, never stored. */
export const LINK_TOKEN_PLACEHOLDER = '__NAPFLOW_LINK_TOKEN__';

export interface OutboxDraft {
  recipientEmail: string;
  personId: string | null;
  onBehalfOf: string | null;
  language: Language;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  link?: {
    stepKey: string;
    occurrence: number;
    choices: EmailLinkChoice[];
    expiresAt: Date;
    personId: string;
  };
}

export interface OutboxNotification {
  key: string;
  kind: NotificationKind;
  workflowId: string;
  stepKey: string | null;
  stateCode: string | null;
}

export type ClaimResult =
  | { outcome: 'claimed'; row: EmailOutboxEntity; claimId: string }
  /** another attempt holds a fresh claim: it may be sending right now */
  | { outcome: 'busy'; row: EmailOutboxEntity }
  | { outcome: 'done'; row: EmailOutboxEntity };

/**
 * The outbox table and its state machine, pending → sending → sent | failed (sending → pending again on a temporary
 * failure). The only code that writes email_outbox, email_links and email_link_tokens.
 */
export class EmailOutboxRepository {
  constructor(
    private readonly ds: DataSource,
    /** a claim older than this is taken over: its holder is presumed dead (must exceed the SMTP send timeout) */
    private readonly leaseMs = 3 * 60_000,
  ) {}

  rowsFor(notificationKey: string): Promise<EmailOutboxEntity[]> {
    return this.ds
      .getRepository(EmailOutboxEntity)
      .find({ where: { notificationKey }, order: { recipientEmail: 'ASC' } });
  }

  findById(id: string): Promise<EmailOutboxEntity | null> {
    return this.ds.getRepository(EmailOutboxEntity).findOneBy({ id });
  }

  /**
   * Inserts the rendered copies of a notification; copies that exist already are kept as they are (first render
   * wins, a retry never re-renders). Returns every row of the notification.
   */
  async enqueue(n: OutboxNotification, drafts: OutboxDraft[]): Promise<EmailOutboxEntity[]> {
    await this.ds.transaction(async (em) => {
      for (const d of drafts) {
        const id = randomUUID();
        const inserted = await em.query<Array<{ id: string }>>(
          `INSERT INTO email_outbox (id, notification_key, recipient_email, kind, workflow_id, step_key, state_code,
                                     person_id, on_behalf_of, language, subject, html, text_body, message_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (notification_key, recipient_email) DO NOTHING
           RETURNING id`,
          [
            id,
            n.key,
            d.recipientEmail.toLowerCase(),
            n.kind,
            n.workflowId,
            n.stepKey,
            n.stateCode,
            d.personId,
            d.onBehalfOf,
            d.language,
            d.subject,
            d.html,
            d.text,
            d.messageId,
          ],
        );
        if (inserted.length === 1 && d.link)
          await this.insertLink(em, id, n.workflowId, d.link, d.onBehalfOf);
      }
    });
    return this.rowsFor(n.key);
  }

  private async insertLink(
    em: EntityManager,
    outboxId: string,
    workflowId: string,
    link: NonNullable<OutboxDraft['link']>,
    onBehalfOf: string | null,
  ) {
    await em.query(
      `INSERT INTO email_links (id, outbox_id, workflow_id, step_key, occurrence, person_id, on_behalf_of, choices, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        outboxId,
        workflowId,
        link.stepKey,
        link.occurrence,
        link.personId,
        onBehalfOf,
        link.choices,
        link.expiresAt,
      ],
    );
  }

  /** pending (or sending with an expired lease) → sending, atomically; one attempt wins. */
  async claim(rowId: string): Promise<ClaimResult> {
    const claimId = randomUUID();
    const claimed = await this.ds.query<[Array<Record<string, unknown>>, number]>(
      `UPDATE email_outbox
          SET status = 'sending', claim_id = $2, claimed_at = now(), attempts = attempts + 1, updated_at = now()
        WHERE id = $1
          AND (status = 'pending' OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3::double precision / 1000)))
        RETURNING id`,
      [rowId, claimId, this.leaseMs],
    );
    const row = (await this.findById(rowId)) as EmailOutboxEntity;
    if (claimed[1] === 1 || (Array.isArray(claimed[0]) && claimed[0].length === 1))
      return { outcome: 'claimed', row, claimId };
    return row.status === 'sending' ? { outcome: 'busy', row } : { outcome: 'done', row };
  }

  /**
   * A fresh secret token for the row's approve-by-email link, stored as its sha256 only; null when the row has no
   * link. Called by the claim holder right before the SMTP transaction.
   */
  async issueLinkToken(outboxId: string): Promise<string | null> {
    const link = await this.ds.getRepository(EmailLinkEntity).findOneBy({ outboxId });
    if (!link) return null;
    const token = randomBytes(32).toString('base64url');
    await this.ds
      .getRepository(EmailLinkTokenEntity)
      .insert({ tokenHash: sha256Hex(token), linkId: link.id });
    return token;
  }

  async markSent(rowId: string, claimId: string, smtpResponse: string): Promise<boolean> {
    const r = await this.ds.query<[unknown[], number]>(
      `UPDATE email_outbox SET status = 'sent', sent_at = now(), smtp_response = $3, last_error = NULL,
              claim_id = NULL, updated_at = now()
        WHERE id = $1 AND claim_id = $2 AND status = 'sending'`,
      [rowId, claimId, smtpResponse.slice(0, 1000)],
    );
    return r[1] === 1;
  }

  /** A permanent refusal: the row stays failed, for the coordinator to see; nothing retries it. */
  async markFailed(rowId: string, claimId: string, error: string): Promise<boolean> {
    const r = await this.ds.query<[unknown[], number]>(
      `UPDATE email_outbox SET status = 'failed', failed_at = now(), last_error = $3, claim_id = NULL, updated_at = now()
        WHERE id = $1 AND claim_id = $2 AND status = 'sending'`,
      [rowId, claimId, error.slice(0, 2000)],
    );
    return r[1] === 1;
  }

  /** A temporary failure: back to pending, so the next attempt (the workflow's retry) claims it again. */
  async release(rowId: string, claimId: string, error: string): Promise<void> {
    await this.ds.query(
      `UPDATE email_outbox SET status = 'pending', last_error = $3, claim_id = NULL, claimed_at = NULL, updated_at = now()
        WHERE id = $1 AND claim_id = $2 AND status = 'sending'`,
      [rowId, claimId, error.slice(0, 2000)],
    );
  }

  /**
   * Every outbox row of one case (its workflow), oldest first, then by recipient: what the case detail shows as the
   * emails sent. Capped at `limit` rows.
   */
  forWorkflow(workflowId: string, limit = 500): Promise<EmailOutboxEntity[]> {
    return this.ds.getRepository(EmailOutboxEntity).find({
      where: { workflowId },
      order: { createdAt: 'ASC', recipientEmail: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /** Permanent failures of a state, newest first: what the coordinator's dashboard lists. */
  failedFor(stateCode: string, limit = 100): Promise<EmailOutboxEntity[]> {
    return this.ds.getRepository(EmailOutboxEntity).find({
      where: { stateCode, status: 'failed' },
      order: { failedAt: 'DESC' },
      take: limit,
    });
  }
}
