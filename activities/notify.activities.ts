import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  NOTIFICATION_KINDS,
  type Decision,
  type NotificationKind,
  type NotificationRequest,
} from '@app/domain/case/case.types';
import {
  deliverRows,
  deliveryKey,
  LINK_TOKEN_PLACEHOLDER,
  messageIdFor,
  renderNotification,
  threadIdFor,
  UnknownNotificationSubject,
  type DigestItem,
  type EmailOutboxRepository,
  type EnqueuedAndClaimed,
  type LinkChoice,
  type MailSender,
  type NotificationContext,
  type NotificationFacts,
  type OutboxDraft,
  type Recipient,
  type RecipientDirectory,
  type SentJournal,
} from '@app/mail';
import { caseIdForWorkflow } from '@app/persistence';
import type { CaseActivities, NotifyOutcome, NotifyResult } from './contracts';

export interface NotifyActivityDeps {
  outbox: EmailOutboxRepository;
  mailer: MailSender;
  directory: RecipientDirectory;
  /** absolute base URL of the API (links in emails) */
  publicUrl: string;
  /** lifetime of approve-by-email links */
  linkTtlHours: number;
  from?: string;
  /** the worker's record of copies the SMTP server accepted (see FileSentJournal); strongly recommended */
  journal?: SentJournal;
  /** how long an accepted copy's acknowledgement is retried while the database is away (default 10 min) */
  ackPatienceMs?: number;
  log?: { info(msg: string, meta?: object): void; warn(msg: string, meta?: object): void };
  now?: () => Date;
}

/** The error type the workflow's retry policy retries: the SMTP server is away or deferring us. */
export const SMTP_TEMPORARY_FAILURE = 'SmtpTemporaryFailure';

const KINDS: ReadonlySet<NotificationKind> = new Set(NOTIFICATION_KINDS);
const DECISIONS: LinkChoice[] = ['approve', 'approve_with_comments', 'request_changes', 'reject'];
/** kinds that ask the recipient to act on the step, and so carry an approve-by-email link */
const ACTIONABLE: ReadonlySet<NotificationKind> = new Set([
  'step_assigned',
  'reminder',
  'due_today',
  'overdue',
  'decision_requested',
  'returned_for_rework',
]);

/** `${workflowId}:${stepKey|'-'}:${kind}:${occurrence}:${n}`: the occurrence, read from the end (workflow ids hold colons). */
function occurrenceFromKey(key: string): number | null {
  const parts = key.split(':');
  const n = Number(parts[parts.length - 2]);
  return parts.length >= 5 && Number.isInteger(n) ? n : null;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** A definition's title ({ ru, en }) in the recipient's language (English when it has none), or a plain string. */
const titleIn = (v: unknown, language: Recipient['language']): string | undefined => {
  if (v === null || typeof v !== 'object') return s(v);
  const t = v as Partial<Record<string, unknown>>;
  return s(t[language]) ?? s(t.en);
};
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The digest as `language` reads it: each step named by the titles its item carries, else (a digest collected before
 * items carried them, replayed from a running workflow's history; an unknown definition) by the stored title.
 */
export function digestIn(
  digest: NotificationFacts['digest'] | undefined,
  language: Recipient['language'],
  caseUrl?: (caseId: string) => string,
): NotificationFacts['digest'] | undefined {
  if (!digest) return undefined;
  const items = (list: DigestItem[]): DigestItem[] =>
    list.map(({ stepTitles, ...i }) => ({
      ...i,
      stepTitle: titleIn(stepTitles, language) ?? i.stepTitle,
      ...(caseUrl && s(i.caseId) ? { caseUrl: caseUrl(i.caseId as string) } : {}),
    }));
  return {
    ...digest,
    dueThisWeek: items(digest.dueThisWeek),
    overdue: items(digest.overdue),
    awaitingDecision: items(digest.awaitingDecision),
  };
}

/**
 * An import's new steps (workflows/import-notices.workflow.ts) as `language` reads them, each linked to its case by
 * `caseUrl` (given the case's workflow id); anything else as absent.
 */
export function newStepsIn(
  value: unknown,
  language: Recipient['language'],
  caseUrl?: (workflowId: string) => string,
): NotificationFacts['newSteps'] {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { items?: unknown; total?: unknown };
  if (!Array.isArray(v.items)) return undefined;
  const items = v.items.map((raw): DigestItem => {
    const i = (raw ?? {}) as Record<string, unknown>;
    return {
      caseCode: s(i.caseCode) ?? '',
      caseTitle: s(i.caseTitle) ?? '',
      stepTitle: titleIn(i.stepTitle, language) ?? s(i.stepKey) ?? '',
      dueOn: s(i.dueOn) ?? null,
      ...(caseUrl && s(i.workflowId) ? { caseUrl: caseUrl(s(i.workflowId) as string) } : {}),
    };
  });
  return { items, total: Math.max(n(v.total) ?? 0, items.length) };
}

export function createNotifyActivities(
  deps: NotifyActivityDeps,
): Pick<CaseActivities, 'notify' | 'notifyAll'> {
  const now = deps.now ?? (() => new Date());

  function facts(req: NotificationRequest, ctx: NotificationContext, r: Recipient): NotificationFacts {
    const d = req.data ?? {};
    const actor = (d.actor ?? {}) as { name?: unknown; agency?: unknown };
    const digest = digestIn(
      d.digest as NotificationFacts['digest'] | undefined,
      r.language,
      (caseId) => `${deps.publicUrl}/app/cases/${caseId}`,
    );
    const newSteps = newStepsIn(
      d.newSteps,
      r.language,
      (workflowId) => `${deps.publicUrl}/app/cases/${caseIdForWorkflow(workflowId)}`,
    );
    return {
      kind: req.kind,
      language: r.language,
      recipientName: r.name,
      timeZone: ctx.timeZone,
      stateCode: ctx.stateCode,
      planCode: ctx.planCode ?? undefined,
      caseCode: ctx.caseCode ?? undefined,
      caseTitle: ctx.caseTitle ?? undefined,
      stepKey: req.stepKey,
      stepTitle: titleIn(d.stepTitle, r.language) ?? ctx.step?.title,
      dueOn: s(d.dueOn) ?? ctx.step?.dueOn ?? null,
      level: n(d.businessDaysBefore) ?? n(d.level),
      decision: s(d.decision) as Decision | 'tacit_consent' | undefined,
      comment: s(d.comment) ?? s(d.note) ?? s(d.reason),
      actorName: s(d.actorName) ?? s(d.byName) ?? s(actor.name),
      actorAgency: s(d.actorAgency) ?? s(actor.agency) ?? s(d.by),
      agencies: Array.isArray(d.agencies)
        ? (d.agencies as string[])
        : req.kind === 'escalation'
          ? Array.isArray(d.waitingFor)
            ? (d.waitingFor as string[])
            : req.toAgencies
          : undefined,
      outcome: s(d.outcome) ?? (req.kind === 'case_closed' ? s(d.status) : undefined),
      onBehalfOfName: r.onBehalfOf?.name,
      caseUrl: ctx.caseId ? `${deps.publicUrl}/app/cases/${ctx.caseId}` : undefined,
      digest,
      ...(newSteps ? { newSteps, inboxUrl: `${deps.publicUrl}/app/inbox` } : {}),
    };
  }

  /** The approve-by-email link a recipient gets, if the notification asks them to act on a step their agency holds. */
  function linkFor(
    req: NotificationRequest,
    ctx: NotificationContext,
    r: Recipient,
  ): OutboxDraft['link'] | undefined {
    const agency = r.onBehalfOf?.agencyCode ?? r.agencyCode;
    const forAgency =
      (r.role === 'focal_point' || r.onBehalfOf !== undefined) && req.toAgencies.includes(agency);
    // a step that waits on the national coordinator (toCoordinators on an actionable kind)
    const forCoordinator = r.role === 'coordinator' && req.toCoordinators;
    if (!req.stepKey || !ACTIONABLE.has(req.kind) || !(forAgency || forCoordinator)) return undefined;
    const stepKind =
      s(req.data?.stepKind) ?? ctx.step?.kind ?? (req.kind === 'decision_requested' ? 'approval' : undefined);
    const choices: LinkChoice[] | null =
      stepKind === 'approval' ? DECISIONS : stepKind === 'task' ? ['complete'] : null;
    const occurrence = n(req.data?.occurrence) ?? occurrenceFromKey(req.key) ?? ctx.step?.occurrence;
    if (!choices || occurrence === undefined || occurrence === null) return undefined;
    return {
      stepKey: req.stepKey,
      occurrence,
      choices,
      expiresAt: new Date(now().getTime() + deps.linkTtlHours * 3_600_000),
      personId: r.personId,
    };
  }

  async function render(
    req: NotificationRequest,
  ): Promise<{ stateCode: string; drafts: OutboxDraft[] } | null> {
    const ctx = await deps.directory.context(req, now());
    const recipients = await deps.directory.recipients(req, ctx);
    if (!recipients.length) return null;
    const drafts = recipients.map((r): OutboxDraft => {
      const link = linkFor(req, ctx, r);
      const f = facts(req, ctx, r);
      if (link)
        f.action = {
          url: `${deps.publicUrl}/email-links/${LINK_TOKEN_PLACEHOLDER}`,
          choices: link.choices,
          expiresAt: link.expiresAt.toISOString(),
        };
      const rendered = renderNotification(f);
      return {
        recipientEmail: r.email,
        personId: r.personId,
        onBehalfOf: r.onBehalfOf?.personId ?? null,
        language: r.language,
        ...rendered,
        messageId: messageIdFor(deliveryKey(req.key, r.email)),
        link,
      };
    });
    return { stateCode: ctx.stateCode, drafts };
  }

  return {
    async notify(req: NotificationRequest): Promise<NotifyResult> {
      // alive while it works (an SMTP send, an acknowledgement waiting for the database): a killed worker's attempt
      // is retried after the workflow's heartbeat timeout, not after the whole start-to-close timeout
      const stopHeartbeat = heartbeatWhileRunning();
      try {
        return await notifyOnce(req);
      } finally {
        stopHeartbeat();
      }
    },

    async notifyAll(requests: NotificationRequest[]): Promise<NotifyOutcome[]> {
      if (!Array.isArray(requests)) {
        throw ApplicationFailure.nonRetryable(
          'notifyAll takes a list of notification requests',
          'NapflowInvalidInput',
        );
      }
      const stopHeartbeat = heartbeatWhileRunning();
      try {
        const settled = await Promise.allSettled(requests.map((req) => notifyOnce(req)));
        const outcomes: NotifyOutcome[] = [];
        const waiting: string[] = [];
        let onlySmtp = true;
        settled.forEach((s, i) => {
          if (s.status === 'fulfilled') {
            outcomes.push(s.value);
          } else if (s.reason instanceof ApplicationFailure && s.reason.nonRetryable) {
            outcomes.push({ key: String(requests[i]?.key), status: 'refused', reason: s.reason.message });
          } else {
            if (!(s.reason instanceof ApplicationFailure && s.reason.type === SMTP_TEMPORARY_FAILURE))
              onlySmtp = false;
            waiting.push(
              `${String(requests[i]?.key)}: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`,
            );
          }
        });
        if (waiting.length) {
          // retried by the workflow's policy; what went out stays sent (each request is idempotent by its key)
          throw ApplicationFailure.retryable(
            `${waiting.length} of ${requests.length} notifications not delivered yet: ${waiting.join('; ')}`,
            onlySmtp ? SMTP_TEMPORARY_FAILURE : 'NotificationsIncomplete',
          );
        }
        return outcomes;
      } finally {
        stopHeartbeat();
      }
    },
  };

  async function notifyOnce(req: NotificationRequest): Promise<NotifyResult> {
    if (
      !req ||
      typeof req.key !== 'string' ||
      !req.key ||
      !KINDS.has(req.kind) ||
      typeof req.workflowId !== 'string'
    ) {
      throw ApplicationFailure.nonRetryable(
        `malformed notification request ${JSON.stringify(req?.key)}`,
        'NapflowInvalidInput',
      );
    }
    // The first attempt renders and stores every copy; later attempts (retries) only send what is unsent. A first
    // attempt does not look for stored copies first (one statement less per notification): should the key have been
    // stored already (a workflow reset), enqueue keeps the stored copies and returns them, and only those are sent.
    let rows = firstAttempt() ? [] : await deps.outbox.rowsFor(req.key);
    let held: EnqueuedAndClaimed['claims'] | undefined;
    if (!rows.length) {
      let rendered: Awaited<ReturnType<typeof render>>;
      try {
        rendered = await render(req);
      } catch (err) {
        if (err instanceof UnknownNotificationSubject)
          throw ApplicationFailure.nonRetryable(err.message, 'NapflowInvalidInput');
        throw err;
      }
      if (!rendered) {
        deps.log?.warn('notification has no recipients', {
          key: req.key,
          kind: req.kind,
          agencies: req.toAgencies,
        });
        return { key: req.key, status: 'no_recipients', recipients: 0 };
      }
      // stored claimed: the copies inserted now are sent without a claim statement each
      ({ rows, claims: held } = await deps.outbox.enqueueAndClaim(
        {
          key: req.key,
          kind: req.kind,
          workflowId: req.workflowId,
          stepKey: req.stepKey ?? null,
          stateCode: rendered.stateCode,
        },
        rendered.drafts,
      ));
    }
    const report = await deliverRows(
      rows,
      {
        outbox: deps.outbox,
        mailer: deps.mailer,
        from: deps.from,
        journal: deps.journal,
        ackPatienceMs: deps.ackPatienceMs,
        log: deps.log,
        headers: (row) => ({
          'X-Napflow-Notification': row.notificationKey,
          'X-Napflow-Kind': row.kind,
          References: threadIdFor(row.workflowId),
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
        }),
      },
      held,
    );
    deps.log?.info('notification delivery', { key: req.key, ...report, retry: report.retry.length });
    if (report.retry.length) {
      // the workflow's retry policy (backoff) retries; rows already sent stay sent. The message goes into Temporal's
      // history and logs: reply codes only (servers quote the recipient's address in their text, which stays in
      // email_outbox.last_error)
      throw ApplicationFailure.retryable(
        `${report.retry.length} of ${rows.length} copies not sent yet: ${report.retry.map((r) => replyCodeOf(r.reason)).join('; ')}`,
        SMTP_TEMPORARY_FAILURE,
      );
    }
    const status: NotifyResult['status'] =
      report.failed > 0 ? 'failed_permanently' : report.sent + report.recovered > 0 ? 'sent' : 'already_sent';
    return { key: req.key, status, recipients: rows.length };
  }
}

/** "451: 4.7.1 <x@y> try later" → "451"; a reason without a code ("another attempt is sending this copy") as is. */
export function replyCodeOf(reason: string): string {
  const i = reason.indexOf(': ');
  return i > 0 ? reason.slice(0, i) : reason;
}

/** True inside the first attempt of a Temporal activity; false on a retry, and when called directly (no context). */
function firstAttempt(): boolean {
  try {
    return Context.current().info.attempt === 1;
  } catch {
    return false;
  }
}

/**
 * Heartbeats every 5 s while inside a Temporal activity (the SDK throttles them); a no-op when called directly. None
 * at the start: the server counts the heartbeat timeout from the attempt's start, and most sends end within a
 * second, so an immediate heartbeat would only add a round trip to the server per notification.
 */
function heartbeatWhileRunning(): () => void {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return () => undefined;
  }
  const timer = setInterval(() => ctx.heartbeat(), 5_000);
  return () => clearInterval(timer);
}
