import { ApplicationFailure } from '@temporalio/common';
import { createCalendarActivities } from './calendar.activities';

function activities(
  over: { zone?: string; holidayCalendar?: string; extra?: { date: string }[]; fail?: Error } = {},
) {
  const calls: string[] = [];
  const acts = createCalendarActivities({
    nonWorkingDays: async (stateCode) => {
      calls.push(`nonWorkingDays:${stateCode}`);
      if (over.fail) throw over.fail;
      return over.extra ?? [];
    },
    settingsOf: async (stateCode) => {
      calls.push(`settingsOf:${stateCode}`);
      return { timeZone: over.zone ?? 'Asia/Bishkek', holidayCalendar: over.holidayCalendar ?? stateCode };
    },
  });
  return { ...acts, calls };
}

describe('createCalendarActivities', () => {
  describe('resolveCalendar', () => {
    it('returns the holidays and the administrator days of the span', async () => {
      const { resolveCalendar, calls } = activities({
        extra: [{ date: '2027-03-10' }, { date: '2026-12-31' }, { date: '2027-03-08' }],
      });
      const cal = await resolveCalendar({ stateCode: 'KG', fromYear: 2027, toYear: 2027 });
      expect(cal).toEqual({
        stateCode: 'KG',
        timeZone: 'Asia/Bishkek',
        nonWorkingDates: expect.arrayContaining(['2027-03-08', '2027-03-09', '2027-03-10', '2027-05-16']),
        weekendDays: [6, 7],
        fromYear: 2027,
        toYear: 2027,
      });
      expect(cal.nonWorkingDates).not.toContain('2026-12-31');
      expect(cal.nonWorkingDates).toEqual([...new Set(cal.nonWorkingDates)].sort());
      expect(calls.sort()).toEqual(['nonWorkingDays:KG', 'settingsOf:KG']);
    });

    it("takes the public holidays from the state's holiday calendar when it is not the state's code", async () => {
      const kg = await activities().resolveCalendar({ stateCode: 'KG', fromYear: 2027, toYear: 2027 });
      // a state whose code has no holiday data of its own, on Kyrgyzstan's calendar
      const onKg = await activities({ holidayCalendar: 'KG' }).resolveCalendar({
        stateCode: 'QQ',
        fromYear: 2027,
        toYear: 2027,
      });
      expect(onKg).toEqual({ ...kg, stateCode: 'QQ' });
      // Kyrgyzstan on Tajikistan's calendar: Navruz on 21-24 March, not Kyrgyzstan's 21-22 (+ transfers)
      const onTj = await activities({ holidayCalendar: 'TJ' }).resolveCalendar({
        stateCode: 'KG',
        fromYear: 2027,
        toYear: 2027,
      });
      const tj = await activities({ zone: 'Asia/Dushanbe' }).resolveCalendar({
        stateCode: 'TJ',
        fromYear: 2027,
        toYear: 2027,
      });
      expect(onTj.nonWorkingDates).toEqual(tj.nonWorkingDates);
      expect(onTj.nonWorkingDates).not.toEqual(kg.nonWorkingDates);
    });

    it('fails for good on an unknown state, a bad zone or a bad stored date', async () => {
      const cases = [
        [activities(), 'XX', 'UnknownState'],
        [activities({ holidayCalendar: 'XX' }), 'KG', 'UnknownState'],
        [activities({ zone: 'Asia/Atlantis' }), 'KG', 'InvalidCalendar'],
        [activities({ extra: [{ date: '2027-02-30' }] }), 'KG', 'InvalidCalendar'],
      ] as const;
      for (const [acts, stateCode, type] of cases) {
        const error = await acts
          .resolveCalendar({ stateCode, fromYear: 2027, toYear: 2027 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApplicationFailure);
        expect(error).toMatchObject({ nonRetryable: true, type });
      }
      const onUnknown = await activities({ holidayCalendar: 'XX' })
        .resolveCalendar({ stateCode: 'KG', fromYear: 2027, toYear: 2027 })
        .catch((e: unknown) => e);
      expect((onUnknown as Error).message).toMatch(/^state KG: holiday calendar XX: no holiday data/);
    });

    it('lets a database failure through unchanged, so the retry policy retries it', async () => {
      const down = new Error('connection refused');
      await expect(
        activities({ fail: down }).resolveCalendar({ stateCode: 'KG', fromYear: 2027, toYear: 2027 }),
      ).rejects.toBe(down);
    });
  });
});
