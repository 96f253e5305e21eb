import fc from 'fast-check';
import { type BusinessCalendar, isBusinessDay, localDate, localInstant } from './business-calendar';
import { AT_2027, KG_2027 } from './calendar.fixtures';
import {
  DEFAULT_REMINDER_POLICY,
  nextNotice,
  type NoticeSlot,
  type ReminderPolicy,
  reminderPolicyProblems,
  upcomingNotices,
} from './reminder-policy';

const iso = (ms: number) => new Date(ms).toISOString();
const show = (slots: NoticeSlot[]) => slots.map((s) => `${s.kind}#${s.n} L${s.level} ${iso(s.at)}`);
const at = (isoString: string) => Date.parse(isoString);

describe('DEFAULT_REMINDER_POLICY', () => {
  it('is 14/7/1, due today, overdue every 5, escalation after 5 and 10 more, and frozen', () => {
    expect(DEFAULT_REMINDER_POLICY).toEqual({
      beforeBusinessDays: [14, 7, 1],
      dueToday: true,
      overdueNotice: true,
      repeatOverdueEveryBusinessDays: 5,
      escalateAfterBusinessDaysOverdue: 5,
      secondEscalationAfterBusinessDays: 10,
    });
    expect(Object.isFrozen(DEFAULT_REMINDER_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REMINDER_POLICY.beforeBusinessDays)).toBe(true);
  });
});

describe('upcomingNotices', () => {
  // Started 4 January 2027, 09:00 Bishkek; due Wednesday 31 March 2027.
  const step = { startedAt: at('2027-01-04T03:00:00Z'), dueOn: '2027-03-31' };

  it('schedules every notice of a Bishkek step at 09:00 local (03:00Z) on business days', () => {
    expect(show(upcomingNotices(KG_2027, DEFAULT_REMINDER_POLICY, step, step.startedAt, 13))).toEqual([
      'reminder#14 L14 2027-03-11T03:00:00.000Z', // 14 business days before, over 8-9 March
      'reminder#7 L7 2027-03-22T03:00:00.000Z', // Monday after Nooruz (a Sunday)
      'reminder#1 L1 2027-03-30T03:00:00.000Z',
      'due_today#0 L0 2027-03-31T03:00:00.000Z',
      'overdue#1 L0 2027-04-01T03:00:00.000Z', // overdue day 1
      'escalation#1 L1 2027-04-07T03:00:00.000Z', // overdue day 5
      'overdue#2 L0 2027-04-08T03:00:00.000Z', // day 6
      'overdue#3 L0 2027-04-15T03:00:00.000Z', // day 11
      'escalation#2 L2 2027-04-21T03:00:00.000Z', // day 15
      'overdue#4 L0 2027-04-22T03:00:00.000Z', // day 16
      'overdue#5 L0 2027-04-29T03:00:00.000Z', // day 21
      'overdue#6 L0 2027-05-13T03:00:00.000Z', // day 26, after the 1-9 May holidays
      'overdue#7 L0 2027-05-20T03:00:00.000Z', // day 31
    ]);
  });

  it('returns nothing more when the policy has no overdue series', () => {
    const quiet: ReminderPolicy = {
      ...DEFAULT_REMINDER_POLICY,
      overdueNotice: false,
      repeatOverdueEveryBusinessDays: null,
      escalateAfterBusinessDaysOverdue: null,
    };
    expect(show(upcomingNotices(KG_2027, quiet, step, at('2027-03-30T03:00:00Z'), 10))).toEqual([
      'due_today#0 L0 2027-03-31T03:00:00.000Z',
    ]);
  });

  it('follows Vienna summer and winter time to the minute', () => {
    // Due Wednesday 7 April 2027: the 14- and 7-day reminders fall in CET (UTC+1), the rest in CEST (UTC+2).
    const spring = { startedAt: at('2027-02-01T08:00:00Z'), dueOn: '2027-04-07' };
    expect(show(upcomingNotices(AT_2027, DEFAULT_REMINDER_POLICY, spring, 0, 5))).toEqual([
      'reminder#14 L14 2027-03-17T08:00:00.000Z',
      'reminder#7 L7 2027-03-26T08:00:00.000Z', // Friday before the change and Easter Monday
      'reminder#1 L1 2027-04-06T07:00:00.000Z',
      'due_today#0 L0 2027-04-07T07:00:00.000Z',
      'overdue#1 L0 2027-04-08T07:00:00.000Z',
    ]);
    // Due Wednesday 3 November 2027: the 7-day reminder in CEST, the rest in CET after 31 October.
    const autumn = { startedAt: at('2027-09-01T07:00:00Z'), dueOn: '2027-11-03' };
    expect(
      show(upcomingNotices(AT_2027, DEFAULT_REMINDER_POLICY, autumn, at('2027-10-15T00:00:00Z'), 4)),
    ).toEqual([
      'reminder#7 L7 2027-10-21T07:00:00.000Z', // skips the National Day (26 October)
      'reminder#1 L1 2027-11-02T08:00:00.000Z', // skips All Saints (1 November)
      'due_today#0 L0 2027-11-03T08:00:00.000Z',
      'overdue#1 L0 2027-11-04T08:00:00.000Z',
    ]);
    for (const s of upcomingNotices(AT_2027, DEFAULT_REMINDER_POLICY, autumn, 0, 40)) {
      expect(iso(s.at)).toBe(iso(localInstant(AT_2027, localDate(AT_2027, s.at), 9)));
      expect(isBusinessDay(AT_2027, localDate(AT_2027, s.at))).toBe(true);
    }
  });

  it('treats a due date on a holiday as due at the end of the next business day', () => {
    // 3 May 2027 is inside the Kyrgyz May holidays: effectively due Monday 10 May.
    const onHoliday = { startedAt: at('2027-04-01T03:00:00Z'), dueOn: '2027-05-03' };
    expect(show(upcomingNotices(KG_2027, DEFAULT_REMINDER_POLICY, onHoliday, 0, 5))).toEqual([
      'reminder#14 L14 2027-04-13T03:00:00.000Z',
      'reminder#7 L7 2027-04-22T03:00:00.000Z',
      'reminder#1 L1 2027-04-30T03:00:00.000Z',
      'due_today#0 L0 2027-05-10T03:00:00.000Z',
      'overdue#1 L0 2027-05-11T03:00:00.000Z',
    ]);
  });

  it('lets an escalation replace an overdue notice that falls on the same day', () => {
    const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, repeatOverdueEveryBusinessDays: 2 };
    expect(show(upcomingNotices(KG_2027, policy, step, at('2027-03-31T12:00:00Z'), 5))).toEqual([
      'overdue#1 L0 2027-04-01T03:00:00.000Z', // day 1
      'overdue#2 L0 2027-04-05T03:00:00.000Z', // day 3
      'escalation#1 L1 2027-04-07T03:00:00.000Z', // day 5 (no overdue#3)
      'overdue#4 L0 2027-04-09T03:00:00.000Z', // day 7
      'overdue#5 L0 2027-04-13T03:00:00.000Z', // day 9
    ]);
  });
});

describe('nextNotice', () => {
  const step = { startedAt: at('2027-01-04T03:00:00Z'), dueOn: '2027-03-31' };

  it('returns the first notice strictly after the given instant', () => {
    expect(nextNotice(KG_2027, DEFAULT_REMINDER_POLICY, step, at('2027-03-22T03:00:00Z'))).toEqual({
      kind: 'reminder',
      at: at('2027-03-30T03:00:00Z'),
      level: 1,
      n: 1,
    });
    expect(nextNotice(KG_2027, DEFAULT_REMINDER_POLICY, step, at('2027-03-22T02:59:59.999Z'))?.n).toBe(7);
  });

  it('does not flood a step that starts inside the reminder window: only future slots', () => {
    const late = { startedAt: at('2027-03-25T04:00:00Z'), dueOn: '2027-03-31' }; // Thursday 10:00 local
    expect(show(upcomingNotices(KG_2027, DEFAULT_REMINDER_POLICY, late, 0, 2))).toEqual([
      'reminder#1 L1 2027-03-30T03:00:00.000Z',
      'due_today#0 L0 2027-03-31T03:00:00.000Z',
    ]);
  });

  it('gives a step that starts already overdue one overdue notice at the next 09:00, then the grid', () => {
    const overdue = { startedAt: at('2027-04-20T00:00:00Z'), dueOn: '2027-03-31' }; // day 14, 06:00 local
    expect(show(upcomingNotices(KG_2027, DEFAULT_REMINDER_POLICY, overdue, 0, 3))).toEqual([
      'overdue#1 L0 2027-04-20T03:00:00.000Z',
      'escalation#2 L2 2027-04-21T03:00:00.000Z',
      'overdue#4 L0 2027-04-22T03:00:00.000Z',
    ]);
    // Started on the day of a grid slot, before 09:00: the grid slot alone.
    const onGrid = { startedAt: at('2027-04-22T00:00:00Z'), dueOn: '2027-03-31' };
    expect(show(upcomingNotices(KG_2027, DEFAULT_REMINDER_POLICY, onGrid, 0, 2))).toEqual([
      'overdue#4 L0 2027-04-22T03:00:00.000Z',
      'overdue#5 L0 2027-04-29T03:00:00.000Z',
    ]);
  });

  it('keeps n stable for the same step and due date, and re-arms from a new due date', () => {
    const now = at('2027-04-01T04:00:00Z');
    const a = nextNotice(KG_2027, DEFAULT_REMINDER_POLICY, step, now);
    const b = nextNotice(KG_2027, { ...DEFAULT_REMINDER_POLICY }, { ...step }, now);
    expect(a).toEqual(b);
    expect(a).toEqual({ kind: 'escalation', at: at('2027-04-07T03:00:00Z'), level: 1, n: 1 });
    // Extended to 30 April on 1 April: the 14-day reminder for the new date comes next.
    expect(nextNotice(KG_2027, DEFAULT_REMINDER_POLICY, { ...step, dueOn: '2027-04-30' }, now)).toEqual({
      kind: 'reminder',
      at: at('2027-04-12T03:00:00Z'),
      level: 14,
      n: 14,
    });
  });

  it('returns null when nothing remains', () => {
    const once: ReminderPolicy = {
      beforeBusinessDays: [],
      dueToday: true,
      overdueNotice: true,
      repeatOverdueEveryBusinessDays: null,
      escalateAfterBusinessDaysOverdue: null,
      secondEscalationAfterBusinessDays: null,
    };
    expect(nextNotice(KG_2027, once, step, at('2027-04-01T03:00:00Z'))).toBeNull();
  });

  it('refuses an invalid policy, naming every bad field', () => {
    const bad = {
      beforeBusinessDays: [7, 0, 1.5],
      dueToday: true,
      overdueNotice: 'yes',
      repeatOverdueEveryBusinessDays: 0,
      escalateAfterBusinessDaysOverdue: null,
      secondEscalationAfterBusinessDays: -1,
    } as unknown as ReminderPolicy;
    expect(reminderPolicyProblems(bad)).toEqual([
      'beforeBusinessDays[1]: 0 is not a positive integer',
      'beforeBusinessDays[2]: 1.5 is not a positive integer',
      'overdueNotice: must be a boolean',
      'repeatOverdueEveryBusinessDays: 0 is neither null nor a positive integer',
      'secondEscalationAfterBusinessDays: -1 is neither null nor a positive integer',
    ]);
    expect(() => nextNotice(KG_2027, bad, step, 0)).toThrow(/beforeBusinessDays\[1\]/);
    expect(reminderPolicyProblems(DEFAULT_REMINDER_POLICY)).toEqual([]);
  });

  it('agrees with the full schedule for any instant, policy and due date (property)', () => {
    const policyArb: fc.Arbitrary<ReminderPolicy> = fc.record({
      beforeBusinessDays: fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { maxLength: 4 }),
      dueToday: fc.boolean(),
      overdueNotice: fc.boolean(),
      repeatOverdueEveryBusinessDays: fc.option(fc.integer({ min: 1, max: 7 })),
      escalateAfterBusinessDaysOverdue: fc.option(fc.integer({ min: 1, max: 10 })),
      secondEscalationAfterBusinessDays: fc.option(fc.integer({ min: 1, max: 10 })),
    });
    const t0 = at('2027-01-10T00:00:00Z');
    const instant = fc.integer({ min: t0, max: t0 + 200 * 86_400_000 });
    const dueDay = fc.integer({ min: 0, max: 150 }).map((d) => localDate(KG_2027, t0 + d * 86_400_000));
    fc.assert(
      fc.property(policyArb, dueDay, instant, instant, (policy, dueOn, startedAt, after) => {
        const stepX = { startedAt, dueOn };
        const all = upcomingNotices(KG_2027, policy, stepX, startedAt, 40);
        for (let i = 1; i < all.length; i++) expect(all[i].at).toBeGreaterThan(all[i - 1].at);
        for (const s of all) {
          expect(s.at).toBeGreaterThan(startedAt);
          const day = localDate(KG_2027, s.at);
          expect(isBusinessDay(KG_2027, day)).toBe(true);
          expect(s.at).toBe(localInstant(KG_2027, day, 9));
        }
        const expected = all.find((s) => s.at > after);
        if (expected) expect(nextNotice(KG_2027, policy, stepX, after)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('stays correct over 10,000 calls', () => {
    const cal: BusinessCalendar = KG_2027;
    const schedule = upcomingNotices(cal, DEFAULT_REMINDER_POLICY, step, step.startedAt, 50);
    const span = schedule[schedule.length - 1].at - step.startedAt;
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) {
      const after = step.startedAt + Math.floor((span * i) / 10_000);
      const expected = schedule.find((s) => s.at > after);
      const got = nextNotice(cal, DEFAULT_REMINDER_POLICY, step, after);
      if (got?.at !== expected?.at || got?.kind !== expected?.kind || got?.n !== expected?.n) wrong++;
    }
    expect(wrong).toBe(0);
  });
});
