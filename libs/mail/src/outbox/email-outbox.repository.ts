import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Language, NotificationKind } from '@app/domain/case/case.types';
import { EmailOutboxEntity, returnedRows, type EmailLinkChoice } from '@app/persistence';
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

/** What enqueueAndClaim stored: every row of the notification, and the claims it holds on the copies it inserted. */
export interface EnqueuedAndClaimed {
  rows: EmailOutboxEntity[];
  /** by row id: the claim on a copy inserted by this call, with its link token (null: the copy has no link) */
  claims: Map<string, HeldClaim>;
}

/** A claim taken when its copy was stored: confirm it (EmailOutboxRepository.confirm) before sending the copy. */
export interface HeldClaim {
  claimId: string;
  linkToken: string | null;
  /** when the claim was taken (this process's clock, ms) */
  since: number;
}

export type ClaimResult =
  /** linkToken: the raw token of the row's approve-by-email link, issued with the claim (null: no link) */
  | { outcome: 'claimed'; row: EmailOutboxEntity; claimId: string; linkToken: string | null }
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
   * Inserts the rendered copies of a notification with their approve-by-email links, in one statement (all or
   * nothing); copies that exist already are kept as they are (first render wins, a retry never re-renders). Returns
   * every row of the notification, by recipient.
   */
  async enqueue(n: OutboxNotification, drafts: OutboxDraft[]): Promise<EmailOutboxEntity[]> {
    return (await this.insert(n, drafts, false)).rows;
  }

  /**
   * enqueue, with every copy it inserts claimed by the caller in the same statement (as `claim` would: sending,
   * attempts 1, a fresh link token): the first attempt of a notification sends what it stored without a claim
   * statement per copy. `claims` holds the copies inserted now; copies that existed already (a retry racing this
   * one, a workflow reset) are returned as stored, unclaimed, for the caller to claim as usual.
   */
  async enqueueAndClaim(n: OutboxNotification, drafts: OutboxDraft[]): Promise<EnqueuedAndClaimed> {
    return this.insert(n, drafts, true);
  }

  private async insert(
    n: OutboxNotification,
    drafts: OutboxDraft[],
    claim: boolean,
  ): Promise<EnqueuedAndClaimed> {
    if (!drafts.length) return { rows: await this.rowsFor(n.key), claims: new Map() };
    const claimId = claim ? randomUUID() : null;
    const tokens = new Map<string, string>();
    const copies = drafts.map((d) => {
      const id = randomUUID();
      let tokenHash: string | null = null;
      if (claim && d.link) {
        const token = randomBytes(32).toString('base64url');
        tokens.set(id, token);
        tokenHash = sha256Hex(token);
      }
      return {
        id,
        recipient_email: d.recipientEmail.toLowerCase(),
        person_id: d.personId,
        on_behalf_of: d.onBehalfOf,
        language: d.language,
        subject: d.subject,
        html: d.html,
        text_body: d.text,
        message_id: d.messageId,
        link: d.link
          ? {
              id: randomUUID(),
              step_key: d.link.stepKey,
              occurrence: d.link.occurrence,
              person_id: d.link.personId,
              choices: d.link.choices,
              expires_at: d.link.expiresAt.toISOString(),
            }
          : null,
        token_hash: tokenHash,
      };
    });
    const inserted = await this.ds.query<Array<Record<string, unknown>>>(
      `WITH d AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, recipient_email text, person_id uuid,
           on_behalf_of uuid, language text, subject text, html text, text_body text, message_id text, link jsonb,
           token_hash text)
       ), o AS (
         INSERT INTO email_outbox (id, notification_key, recipient_email, kind, workflow_id, step_key, state_code,
                                   person_id, on_behalf_of, language, subject, html, text_body, message_id,
                                   status, claim_id, claimed_at, attempts)
         SELECT d.id, $2, d.recipient_email, $3, $4, $5, $6, d.person_id, d.on_behalf_of, d.language, d.subject,
                d.html, d.text_body, d.message_id,
                -- claimed by the caller (migration Mail: sending if and only if claimed)
                CASE WHEN $7::uuid IS NULL THEN 'pending' ELSE 'sending' END, $7::uuid,
                CASE WHEN $7::uuid IS NULL THEN NULL ELSE now() END, CASE WHEN $7::uuid IS NULL THEN 0 ELSE 1 END
           FROM d
         ON CONFLICT (notification_key, recipient_email) DO NOTHING
         RETURNING *
       ), l AS (
         INSERT INTO email_links (id, outbox_id, workflow_id, step_key, occurrence, person_id, on_behalf_of, choices,
                                  expires_at)
         SELECT (d.link->>'id')::uuid, o.id, $4, d.link->>'step_key', (d.link->>'occurrence')::int,
                (d.link->>'person_id')::uuid, d.on_behalf_of,
                ARRAY(SELECT jsonb_array_elements_text(d.link->'choices')), (d.link->>'expires_at')::timestamptz
           FROM o JOIN d ON d.id = o.id
          WHERE d.link IS NOT NULL
       ), t AS (
         INSERT INTO email_link_tokens (token_hash, link_id)
         SELECT d.token_hash, (d.link->>'id')::uuid
           FROM o JOIN d ON d.id = o.id
          WHERE d.link IS NOT NULL AND d.token_hash IS NOT NULL
       )
       SELECT * FROM o`,
      [JSON.stringify(copies), n.key, n.kind, n.workflowId, n.stepKey, n.stateCode, claimId],
    );
    const claims = new Map<string, HeldClaim>();
    if (claimId) {
      const since = Date.now();
      for (const raw of inserted) {
        const id = raw.id as string;
        claims.set(id, { claimId, linkToken: tokens.get(id) ?? null, since });
      }
    }
    // a copy already there (a concurrent or earlier attempt): read the notification's rows as they are
    if (inserted.length !== drafts.length) return { rows: await this.rowsFor(n.key), claims };
    const rows = inserted
      .map((raw) => this.entity(raw))
      .sort((a, b) =>
        a.recipientEmail < b.recipientEmail ? -1 : a.recipientEmail > b.recipientEmail ? 1 : 0,
      );
    return { rows, claims };
  }

  /** An email_outbox row as RETURNING * gives it (column names), as the entity TypeORM would have read. */
  private entity(raw: Record<string, unknown>): EmailOutboxEntity {
    const row = new EmailOutboxEntity();
    const target = row as unknown as Record<string, unknown>;
    for (const column of this.ds.getMetadata(EmailOutboxEntity).columns)
      target[column.propertyName] = raw[column.databaseName];
    return row;
  }

  /**
   * pending (or sending with an expired lease) → sending, atomically; one attempt wins. The winner also gets a fresh
   * secret token for the row's approve-by-email link (stored as its sha256 only; null when the row has no link), in
   * the same statement: the claim holder is the one about to send. A takeover that finds the copy already sent (in
   * the sent journal) leaves its token unused: nobody ever sees it.
   */
  async claim(rowId: string): Promise<ClaimResult> {
    const claimId = randomUUID();
    const token = randomBytes(32).toString('base64url');
    const claimed = returnedRows<Record<string, unknown> & { link_token_issued: boolean }>(
      await this.ds.query(
        `WITH c AS (
           UPDATE email_outbox
              SET status = 'sending', claim_id = $2, claimed_at = now(), attempts = attempts + 1, updated_at = now()
            WHERE id = $1
              AND (status = 'pending' OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3::double precision / 1000)))
            RETURNING *
         ), t AS (
           INSERT INTO email_link_tokens (token_hash, link_id)
           SELECT $4, l.id FROM email_links l JOIN c ON l.outbox_id = c.id
           RETURNING link_id
         )
         SELECT c.*, EXISTS (SELECT 1 FROM t) AS link_token_issued FROM c`,
        [rowId, claimId, this.leaseMs, sha256Hex(token)],
      ),
    );
    if (claimed.length === 1) {
      const [raw] = claimed;
      return {
        outcome: 'claimed',
        row: this.entity(raw),
        claimId,
        linkToken: raw.link_token_issued ? token : null,
      };
    }
    const row = (await this.findById(rowId)) as EmailOutboxEntity;
    return row.status === 'sending' ? { outcome: 'busy', row } : { outcome: 'done', row };
  }

  /**
   * A claim taken when its copy was stored, checked before the copy is sent: its lease runs from the insert, and the
   * copies of a notification go out one after another (each up to the SMTP timeout, an acknowledgement up to its
   * patience), so a late one could otherwise be sent under a lease that has run out and been taken over. A young
   * claim (under a sixth of the lease) is used as is, without a statement; an older one is renewed if it is still
   * ours. False: it is not (taken over): the copy is another attempt's.
   */
  async confirm(rowId: string, claim: HeldClaim, now: number = Date.now()): Promise<boolean> {
    if (now - claim.since < this.leaseMs / 6) return true;
    const r = await this.ds.query<[unknown[], number]>(
      `UPDATE email_outbox SET claimed_at = now(), updated_at = now()
        WHERE id = $1 AND claim_id = $2 AND status = 'sending'`,
      [rowId, claim.claimId],
    );
    return r[1] === 1;
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
