import type { EmailOutboxEntity } from '@app/persistence';
import type { OutgoingEmail } from '../mail.types';
import { SmtpSendError } from '../smtp-mailer';
import {
  LINK_TOKEN_PLACEHOLDER,
  type ClaimResult,
  type EmailOutboxRepository,
  type EnqueuedAndClaimed,
} from './email-outbox.repository';
import type { SentJournal } from './sent-journal';

export interface MailSender {
  send(mail: OutgoingEmail): Promise<{ response: string }>;
}

export interface DeliveryReport {
  /** copies this call handed to SMTP and recorded as sent */
  sent: number;
  /** copies an earlier, interrupted attempt handed to SMTP (found in the sent journal): recorded, not sent again */
  recovered: number;
  /** copies found sent by an earlier attempt */
  alreadySent: number;
  /** copies refused permanently (this call or earlier) */
  failed: number;
  /** temporary failures of this call, and copies another attempt is holding: the caller must retry */
  retry: Array<{ recipient: string; reason: string }>;
}

export interface DeliveryDeps {
  outbox: EmailOutboxRepository;
  mailer: MailSender;
  from?: string;
  headers?: (row: EmailOutboxEntity) => Record<string, string>;
  /** the worker's record of copies the server accepted; without it a takeover after a crash sends again */
  journal?: SentJournal;
  /**
   * How long to keep trying to record a copy the server accepted as sent while the database is away, before giving
   * up this attempt (the copy stays claimed; the journal, or failing it the lease, settles it later). Default 10 min.
   */
  ackPatienceMs?: number;
  log?: { warn(msg: string, meta?: object): void };
  /** test seam: waits between acknowledgement attempts */
  sleep?: (ms: number) => Promise<void>;
}

/** The copy was accepted by the SMTP server but its acknowledgement could not be recorded in time. */
export class UnacknowledgedSend extends Error {
  constructor(
    readonly rowId: string,
    cause: unknown,
  ) {
    super(
      `outbox row ${rowId}: the SMTP server accepted the copy but the database could not record it: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.name = 'UnacknowledgedSend';
  }
}

/**
 * Sends every unsent copy of a notification, once each:
 * 1. claim the row (pending → sending, atomic; a fresh claim held elsewhere means "retry later", not "send too"),
 *    unless the caller holds its claim already (the copies it has just stored, claimed, with enqueueAndClaim);
 *    a claim taken over from a dead holder first reads the sent journal: a copy the server accepted is recorded as
 *    sent, not sent again;
 * 2. put the link token issued with the claim into the stored HTML/text (the only per-send change; nothing is
 *    re-rendered);
 * 3. SMTP; on the server's 250, write the sent journal;
 * 4. record sent (retried with backoff while the database is away: an accepted copy is never released to be sent
 *    again), or failed, or release the claim on a temporary SMTP failure.
 *
 * Residual window, honestly: the server has stored the message but its 250 never reached us (connection lost
 * after the data, or the worker killed within that round trip): SMTP gives the client no way to tell, so the copy
 * goes again, with the same Message-ID. Without a journal (or from another host), the window is the whole time
 * between the 250 and the database's commit.
 */
export async function deliverRows(
  rows: EmailOutboxEntity[],
  deps: DeliveryDeps,
  /** claims the caller holds already (enqueueAndClaim): those copies are sent without a claim statement */
  held?: EnqueuedAndClaimed['claims'],
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, recovered: 0, alreadySent: 0, failed: 0, retry: [] };
  // held copies not yet handed to SMTP when something throws are released, not left claimed until their lease ends
  const handedOver = new Set<string>();
  try {
    await deliverEach(rows, deps, report, handedOver, held);
  } finally {
    for (const [rowId, claim] of held ?? []) {
      if (!handedOver.has(rowId))
        await deps.outbox
          .release(rowId, claim.claimId, 'not sent: the attempt stopped first')
          .catch(() => undefined);
    }
  }
  return report;
}

async function deliverEach(
  rows: EmailOutboxEntity[],
  deps: DeliveryDeps,
  report: DeliveryReport,
  handedOver: Set<string>,
  held: EnqueuedAndClaimed['claims'] | undefined,
): Promise<void> {
  for (const initial of rows) {
    if (initial.status === 'sent') {
      report.alreadySent += 1;
      continue;
    }
    if (initial.status === 'failed') {
      report.failed += 1;
      continue;
    }
    const ours = held?.get(initial.id);
    let claim: ClaimResult;
    if (!ours) claim = await deps.outbox.claim(initial.id);
    else if (await deps.outbox.confirm(initial.id, ours))
      claim = { outcome: 'claimed', row: initial, claimId: ours.claimId, linkToken: ours.linkToken };
    else claim = { outcome: 'busy', row: initial };
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
    const { row, claimId, linkToken: token } = claim;
    // only a row found 'sending' can have been accepted by a dead holder: a journalled copy is never released
    const journaled =
      deps.journal && !ours && initial.status === 'sending' ? await deps.journal.find(row.id) : null;
    if (journaled) {
      await acknowledge(deps, row.id, claimId, `${journaled.response} (recovered from the sent journal)`);
      report.recovered += 1;
      continue;
    }
    let response: string;
    try {
      const fill = (s: string) => (token ? s.split(LINK_TOKEN_PLACEHOLDER).join(token) : s);
      // from here the copy may reach the server: never released by the finally above
      handedOver.add(row.id);
      const result = await deps.mailer.send({
        to: row.recipientEmail,
        from: deps.from,
        subject: row.subject,
        html: fill(row.html),
        text: fill(row.textBody),
        messageId: row.messageId,
        headers: deps.headers?.(row),
      });
      response = result.response ?? '';
    } catch (err) {
      const e =
        err instanceof SmtpSendError
          ? err
          : new SmtpSendError('temporary', err instanceof Error ? err.message : String(err));
      const reason = `${e.responseCode ?? e.code ?? 'error'}: ${e.message}`;
      if (e.kind === 'permanent') {
        await persist(deps, row.id, 'failed', () => deps.outbox.markFailed(row.id, claimId, reason));
        report.failed += 1;
      } else {
        await persist(deps, row.id, 'pending', () => deps.outbox.release(row.id, claimId, reason));
        report.retry.push({ recipient: row.recipientEmail, reason });
      }
      continue;
    }
    // From here on the copy is out: nothing may release it to be sent again.
    if (deps.journal) {
      try {
        await deps.journal.record(row.id, {
          messageId: row.messageId,
          response,
          acceptedAt: new Date().toISOString(),
        });
      } catch (err) {
        deps.log?.warn('sent journal not written; only the database acknowledgement protects this copy', {
          rowId: row.id,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    await acknowledge(deps, row.id, claimId, response);
    report.sent += 1;
  }
}

/** Records an accepted copy as sent (see `persist`), then drops its journal entry. */
async function acknowledge(deps: DeliveryDeps, rowId: string, claimId: string, response: string) {
  await persist(
    deps,
    rowId,
    'sent',
    () => deps.outbox.markSent(rowId, claimId, response),
    UnacknowledgedSend,
  );
  await deps.journal?.forget(rowId).catch(() => undefined);
}

/**
 * Writes a row's outcome, retrying with backoff while the database is away (up to `ackPatienceMs`), so that a
 * short outage delays the outcome instead of leaving the row claimed until its lease expires. A `false` from the
 * write means our claim is gone (recorded already, or taken over after our lease): nothing to add.
 */
async function persist(
  deps: DeliveryDeps,
  rowId: string,
  outcome: 'sent' | 'failed' | 'pending',
  write: () => Promise<unknown>,
  GiveUp: new (rowId: string, cause: unknown) => Error = OutcomeNotRecorded,
) {
  const patience = deps.ackPatienceMs ?? 10 * 60_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const giveUpAt = Date.now() + patience;
  let wait = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (Date.now() + wait > giveUpAt) throw new GiveUp(rowId, err);
      if (attempt === 1)
        deps.log?.warn(`the database is not answering: retrying to record the copy as ${outcome}`, {
          rowId,
          error: err instanceof Error ? err.message : String(err),
        });
      await sleep(wait);
      wait = Math.min(wait * 2, 5_000);
    }
  }
}

/** A release or a refusal could not be recorded in time: the row stays claimed until its lease expires. */
class OutcomeNotRecorded extends Error {
  constructor(rowId: string, cause: unknown) {
    super(
      `outbox row ${rowId}: outcome not recorded, the database is away: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.name = 'OutcomeNotRecorded';
  }
}
