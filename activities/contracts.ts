// The activities the case workflow calls. Workflows import this file's types only; the worker binds the
// implementations (built by create<X>Activities factories from Nest providers).
import type { CaseEvent, CaseSnapshot, NotificationRequest } from '@app/domain/case/case.types';
import type { ClosedHandover, NewStepsOfCase } from '@app/workflows/import-notices.definitions';

/** A state's business calendar for a span of years: resolved once by an activity, so workflow code stays pure. */
export interface CalendarData {
  stateCode: string;
  timeZone: string;
  /** local dates (YYYY-MM-DD) that are not working days besides the weekend: public holidays and days added by an administrator */
  nonWorkingDates: string[];
  /** ISO weekday numbers of the weekend, 6 = Saturday, 7 = Sunday */
  weekendDays: number[];
  fromYear: number;
  toYear: number;
}

export interface NotifyResult {
  key: string;
  status: 'sent' | 'already_sent' | 'failed_permanently' | 'no_recipients';
  recipients: number;
}

/** What notifyAll did with one request: its result, or why it was refused for good (resending cannot help). */
export type NotifyOutcome = NotifyResult | { key: string; status: 'refused'; reason: string };

export interface CaseActivities {
  /** Holidays and administrator non-working days of a state for [fromYear, toYear]. */
  resolveCalendar(input: { stateCode: string; fromYear: number; toYear: number }): Promise<CalendarData>;
  /**
   * Writes the case, its steps and the new audit events in one transaction; idempotent by (workflowId, seq). With a
   * handover (an imported case's start), the same statement records the case's first steps for the import's notices
   * workflow if its handover is open, and answers whether they are there; without one it answers nothing.
   */
  recordTransition(input: {
    snapshot: CaseSnapshot;
    events: CaseEvent[];
    handover?: { importWorkflowId: string; steps: NewStepsOfCase['steps'] };
  }): Promise<{ handedOver: boolean } | undefined>;
  /** Opens an import's handover: its cases record their first steps into it from now on (idempotent). */
  openImportHandover(input: { importWorkflowId: string }): Promise<void>;
  /** How many of the import's cases have recorded their steps, and when the last one did (epoch ms). */
  countImportHandover(input: {
    importWorkflowId: string;
  }): Promise<{ cases: number; lastRecordedAt: number | null }>;
  /**
   * Closes an import's handover (a case recording later finds it closed and signals) and returns what its cases
   * recorded, as the agencies' lists. Again after closing: the same answer.
   */
  closeImportHandover(input: { importWorkflowId: string }): Promise<ClosedHandover>;
  /**
   * Enqueues the notification in the outbox (idempotent by key), resolves recipients at send time, renders and
   * sends. A temporary SMTP failure throws (the workflow's retry policy retries); a permanent refusal is
   * recorded on the outbox row and returned as failed_permanently.
   */
  notify(input: NotificationRequest): Promise<NotifyResult>;
  /**
   * notify for every request of a transition in one activity (one scheduled task instead of one per notice), the
   * requests concurrently. A request refused for good (malformed) is returned as refused and does not hold up the
   * others; if any copy waits on a temporary failure the activity throws after the others are out, and its retry
   * sends only what is still unsent (every request is idempotent by its key).
   */
  notifyAll(input: NotificationRequest[]): Promise<NotifyOutcome[]>;
}
