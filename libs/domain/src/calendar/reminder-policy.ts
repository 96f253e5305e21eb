// When a step's reminders, due-today, overdue and escalation notices go out. Pure: the workflow asks for the next
// notice after "now" and sleeps until it; after any change (done, new due date) it simply asks again.
import {
  addBusinessDaysN,
  type BusinessCalendar,
  businessDaysBetweenN,
  compiledCalendar,
  END_OF_BUSINESS_HOUR,
  localDayN,
  localInstantN,
  nextBusinessDayN,
  NOTICE_HOUR,
} from './business-calendar';
import { parseDate } from './civil-date';

export interface ReminderPolicy {
  /** reminders this many business days before the (effective) due date, e.g. [14, 7, 1] */
  beforeBusinessDays: number[];
  /** a notice at NOTICE_HOUR on the due date */
  dueToday: boolean;
  /** a notice at NOTICE_HOUR on the first business day after the due instant */
  overdueNotice: boolean;
  /** repeat the overdue notice every N business days while overdue (null: never) */
  repeatOverdueEveryBusinessDays: number | null;
  /** escalation level 1 on the N-th business day after the due date (null: never) */
  escalateAfterBusinessDaysOverdue: number | null;
  /** escalation level 2 this many business days after level 1 (null: never; needs level 1) */
  secondEscalationAfterBusinessDays: number | null;
}

/**
 * Reminders 14, 7 and 1 business days before the due date; a due-today notice; an overdue notice the next business
 * day, repeated every 5 business days (overdue days 1, 6, 11, ...); escalation to level 1 on the 5th business day
 * overdue and to level 2 ten business days later (the 15th).
 */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze({
  beforeBusinessDays: Object.freeze([14, 7, 1]) as number[],
  dueToday: true,
  overdueNotice: true,
  repeatOverdueEveryBusinessDays: 5,
  escalateAfterBusinessDaysOverdue: 5,
  secondEscalationAfterBusinessDays: 10,
});

export type NoticeKind = 'reminder' | 'due_today' | 'overdue' | 'escalation';

export interface NoticeSlot {
  kind: NoticeKind;
  /** epoch ms */
  at: number;
  /** escalation: 1 or 2; reminder: business days before the due date; otherwise 0 */
  level: number;
  /**
   * Stable ordinal within the kind, for idempotency keys (key on step + dueOn + kind + n): reminder = business
   * days before, due_today = 0, overdue = occurrence (1 = first notice, 2 = first repeat, ...), escalation = level.
   */
  n: number;
}

export interface StepTiming {
  /** epoch ms the step became active */
  startedAt: number;
  /** local due date, YYYY-MM-DD */
  dueOn: string;
}

/** Every problem of a policy, each naming its field; empty when valid. */
export function reminderPolicyProblems(policy: ReminderPolicy): string[] {
  const problems: string[] = [];
  const positive = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!Array.isArray(policy?.beforeBusinessDays)) {
    problems.push('beforeBusinessDays: must be an array of positive integers');
  } else {
    policy.beforeBusinessDays.forEach((v, i) => {
      if (!positive(v))
        problems.push(`beforeBusinessDays[${i}]: ${JSON.stringify(v)} is not a positive integer`);
    });
  }
  if (typeof policy?.dueToday !== 'boolean') problems.push('dueToday: must be a boolean');
  if (typeof policy?.overdueNotice !== 'boolean') problems.push('overdueNotice: must be a boolean');
  for (const field of [
    'repeatOverdueEveryBusinessDays',
    'escalateAfterBusinessDaysOverdue',
    'secondEscalationAfterBusinessDays',
  ] as const) {
    const v = policy?.[field];
    if (v !== null && !positive(v))
      problems.push(`${field}: ${JSON.stringify(v)} is neither null nor a positive integer`);
  }
  return problems;
}

const validPolicies = new WeakSet<ReminderPolicy>();

function assertPolicy(policy: ReminderPolicy): void {
  if (validPolicies.has(policy)) return;
  const problems = reminderPolicyProblems(policy);
  if (problems.length > 0) throw new RangeError(`invalid reminder policy: ${problems.join('; ')}`);
  validPolicies.add(policy);
}

type Compiled = ReturnType<typeof compiledCalendar>;

/** The first overdue-grid slot (k = business days after the effective due date) with instant > t. */
function firstGridSlot(c: Compiled, policy: ReminderPolicy, due: number, t: number): NoticeSlot | null {
  const repeat = policy.repeatOverdueEveryBusinessDays;
  const esc1 = policy.escalateAfterBusinessDaysOverdue;
  const esc2 =
    esc1 !== null && policy.secondEscalationAfterBusinessDays !== null
      ? esc1 + policy.secondEscalationAfterBusinessDays
      : null;
  if (!policy.overdueNotice && repeat === null && esc1 === null) return null;

  const at = (k: number) => localInstantN(c, addBusinessDaysN(c, due, k), NOTICE_HOUR);
  let kMin = Math.max(1, businessDaysBetweenN(c, due, localDayN(c, t)));
  if (at(kMin) <= t) kMin++;

  // Smallest k >= kMin of each series; an escalation supersedes an overdue notice on the same day.
  const options: { k: number; slot: (k: number) => NoticeSlot }[] = [];
  if (esc1 !== null && esc1 >= kMin)
    options.push({ k: esc1, slot: (k) => ({ kind: 'escalation', at: at(k), level: 1, n: 1 }) });
  if (esc2 !== null && esc2 >= kMin)
    options.push({ k: esc2, slot: (k) => ({ kind: 'escalation', at: at(k), level: 2, n: 2 }) });
  const overdueK = (k: number): number | null => {
    // overdue series: k = 1 (if overdueNotice) and k = 1 + j * repeat (j >= 1)
    if (policy.overdueNotice && k <= 1) return 1;
    if (repeat === null) return null;
    const j = Math.max(1, Math.ceil((k - 1) / repeat));
    return 1 + j * repeat;
  };
  let k = overdueK(kMin);
  while (k !== null && (k === esc1 || k === esc2)) k = overdueK(k + 1);
  if (k !== null) {
    const n = k === 1 ? 1 : (k - 1) / (repeat as number) + 1;
    options.push({ k, slot: (kk) => ({ kind: 'overdue', at: at(kk), level: 0, n }) });
  }
  if (options.length === 0) return null;
  const best = options.reduce((a, b) => (b.k < a.k ? b : a));
  return best.slot(best.k);
}

/**
 * The first notice strictly after `after` (epoch ms), or null when none remains. Notices never fall at or before
 * the step's start: reminders whose time passed before the step started are skipped, not sent late. A step that
 * starts already past its due instant gets its first overdue notice (n = 1) at the first NOTICE_HOUR on a
 * business day after it starts, unless another overdue or escalation notice falls at that same instant.
 */
export function nextNotice(
  cal: BusinessCalendar,
  policy: ReminderPolicy,
  step: StepTiming,
  after: number,
): NoticeSlot | null {
  assertPolicy(policy);
  if (!Number.isFinite(step.startedAt))
    throw new RangeError(`step.startedAt: not a finite instant: ${step.startedAt}`);
  if (!Number.isFinite(after)) throw new RangeError(`after: not a finite instant: ${after}`);
  const c = compiledCalendar(cal);
  const due = nextBusinessDayN(c, parseDate(step.dueOn));
  const dueAt = localInstantN(c, due, END_OF_BUSINESS_HOUR);
  const t = Math.max(after, step.startedAt);
  let best: NoticeSlot | null = null;
  const consider = (slot: NoticeSlot) => {
    if (slot.at > t && (best === null || slot.at < best.at)) best = slot;
  };

  // Reminders and due-today all come before the due instant: look at them only while it is ahead.
  if (t < dueAt) {
    for (const b of policy.beforeBusinessDays) {
      consider({
        kind: 'reminder',
        at: localInstantN(c, addBusinessDaysN(c, due, -b), NOTICE_HOUR),
        level: b,
        n: b,
      });
    }
    if (policy.dueToday)
      consider({ kind: 'due_today', at: localInstantN(c, due, NOTICE_HOUR), level: 0, n: 0 });
    if (best !== null) return best;
  }

  const grid = firstGridSlot(c, policy, due, t);
  if (grid !== null) consider(grid);

  // Catch-up overdue notice for a step that started after its first overdue notice would have gone out.
  if (policy.overdueNotice && step.startedAt >= dueAt) {
    const firstOverdue = localInstantN(c, addBusinessDaysN(c, due, 1), NOTICE_HOUR);
    if (firstOverdue <= step.startedAt) {
      const catchUp = firstGridSlot(
        c,
        { ...policy, repeatOverdueEveryBusinessDays: 1, escalateAfterBusinessDaysOverdue: null },
        due,
        step.startedAt,
      );
      const clash = catchUp !== null && firstGridSlot(c, policy, due, catchUp.at - 1)?.at === catchUp.at;
      if (catchUp !== null && !clash) consider({ kind: 'overdue', at: catchUp.at, level: 0, n: 1 });
    }
  }
  return best;
}

/** Up to `max` notices strictly after `after`, in time order (instants are unique per step). */
export function upcomingNotices(
  cal: BusinessCalendar,
  policy: ReminderPolicy,
  step: StepTiming,
  after: number,
  max: number,
): NoticeSlot[] {
  const out: NoticeSlot[] = [];
  let t = after;
  while (out.length < max) {
    const slot = nextNotice(cal, policy, step, t);
    if (slot === null) break;
    out.push(slot);
    t = slot.at;
  }
  return out;
}
