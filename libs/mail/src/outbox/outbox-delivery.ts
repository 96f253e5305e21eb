import type { EmailOutboxEntity } from '@app/persistence';
import type { OutgoingEmail } from '../mail.types';
import { SmtpSendError } from '../smtp-mailer';
import { LINK_TOKEN_PLACEHOLDER, type EmailOutboxRepository } from './email-outbox.repository';

export interface MailSender {
  send(mail: OutgoingEmail): Promise<{ response: string }>;
}

export interface DeliveryReport {
  /** copies this call handed to SMTP and recorded as sent */
  sent: number;
  /** copies found sent by an earlier attempt */
  alreadySent: number;
  /** copies refused permanently (this call or earlier) */
  failed: number;
  /** temporary failures of this call, and copies another attempt is holding: the caller must retry */
  retry: Array<{ recipient: string; reason: string }>;
}

/**
 * Sends every unsent copy of a notification, once each:
 * 1. claim the row (pending → sending, atomic; a fresh claim held elsewhere means "retry later", not "send too");
 * 2. issue the link token, put it into the stored HTML/text (the only per-send change; nothing is re-rendered);
 * 3. SMTP; 4. record sent / failed, or release the claim on a temporary failure.
 *
 * Residual window, honestly: if the process dies after the server accepted the message (250) and before step 4
 * commits, the claim expires and the copy is sent again. The resend has the same Message-ID, so clients and
 * archives that deduplicate by Message-ID show it once; this is at-least-once with a window of one DB round trip.
 */
export async function deliverRows(
  rows: EmailOutboxEntity[],
  deps: {
    outbox: EmailOutboxRepository;
    mailer: MailSender;
    from?: string;
    headers?: (row: EmailOutboxEntity) => Record<string, string>;
  },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, alreadySent: 0, failed: 0, retry: [] };
  for (const initial of rows) {
    if (initial.status === 'sent') {
      report.alreadySent += 1;
      continue;
    }
    if (initial.status === 'failed') {
      report.failed += 1;
      continue;
    }
    const claim = await deps.outbox.claim(initial.id);
    if (claim.outcome === 'busy') {
      report.retry.push({
        recipient: initial.recipientEmail,
        reason: 'another attempt is sending this copy',
      });
      continue;
    }
    if (claim.outcome === 'done') {
      if (claim.row.status === 'sent') report.alreadySent += 1;
      else report.failed += 1;
      continue;
    }
    const { row, claimId } = claim;
    try {
      const token = await deps.outbox.issueLinkToken(row.id);
      const fill = (s: string) => (token ? s.split(LINK_TOKEN_PLACEHOLDER).join(token) : s);
      const result = await deps.mailer.send({
        to: row.recipientEmail,
        from: deps.from,
        subject: row.subject,
        html: fill(row.html),
        text: fill(row.textBody),
        messageId: row.messageId,
        headers: deps.headers?.(row),
      });
      await deps.outbox.markSent(row.id, claimId, result.response ?? '');
      report.sent += 1;
    } catch (err) {
      const e =
        err instanceof SmtpSendError
          ? err
          : new SmtpSendError('temporary', err instanceof Error ? err.message : String(err));
      const reason = `${e.responseCode ?? e.code ?? 'error'}: ${e.message}`;
      if (e.kind === 'permanent') {
        await deps.outbox.markFailed(row.id, claimId, reason);
        report.failed += 1;
      } else {
        await deps.outbox.release(row.id, claimId, reason);
        report.retry.push({ recipient: row.recipientEmail, reason });
      }
    }
  }
  return report;
}
