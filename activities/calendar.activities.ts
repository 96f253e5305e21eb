// resolveCalendar: a state's business calendar for a span of years, resolved outside the workflow (date-holidays is
// large and the administrator's days live in the database); the result is recorded in history, so replay is exact.
import { ApplicationFailure } from '@temporalio/common';
import { assertBusinessCalendar, isValidDate } from '@app/domain';
import { holidaysFor, UnknownStateError } from '@app/domain/holidays';
import type { CalendarData, CaseActivities } from './contracts';

export interface CalendarActivityDeps {
  /** Non-working days an administrator added for the state (any years). */
  nonWorkingDays(stateCode: string): Promise<{ date: string }[]>;
  /**
   * The state's IANA time zone (e.g. Asia/Bishkek) and the holiday calendar its public holidays come from: a
   * date-holidays country code or a custom napflow calendar, the state's own code unless an administrator set another.
   */
  settingsOf(stateCode: string): Promise<{ timeZone: string; holidayCalendar: string }>;
}

/** Saturday and Sunday: the weekend of every state napflow serves so far. */
const WEEKEND_DAYS = [6, 7];

export function createCalendarActivities(
  deps: CalendarActivityDeps,
): Pick<CaseActivities, 'resolveCalendar'> {
  return {
    async resolveCalendar({ stateCode, fromYear, toYear }): Promise<CalendarData> {
      // Database failures propagate as they are: the workflow's retry policy retries them.
      const [{ timeZone, holidayCalendar }, extra] = await Promise.all([
        deps.settingsOf(stateCode),
        deps.nonWorkingDays(stateCode),
      ]);
      // Bad input never heals by retrying: fail for good, with the reason.
      try {
        const bad = extra.filter((d) => !isValidDate(d.date)).map((d) => d.date);
        if (bad.length > 0)
          throw new RangeError(`invalid non-working dates for ${stateCode}: ${bad.join(', ')}`);
        const inSpan = extra
          .map((d) => d.date)
          .filter((date) => {
            const year = Number(date.slice(0, 4));
            return year >= fromYear && year <= toYear;
          });
        const calendar: CalendarData = {
          stateCode,
          timeZone,
          nonWorkingDates: holidaysFor(holidayCalendar, fromYear, toYear, inSpan),
          weekendDays: [...WEEKEND_DAYS],
          fromYear,
          toYear,
        };
        assertBusinessCalendar(calendar);
        return calendar;
      } catch (e) {
        if (e instanceof UnknownStateError) {
          const of =
            holidayCalendar === stateCode ? '' : `state ${stateCode}: holiday calendar ${holidayCalendar}: `;
          throw ApplicationFailure.nonRetryable(`${of}${e.message}`, 'UnknownState');
        }
        if (e instanceof RangeError || e instanceof TypeError) {
          throw ApplicationFailure.nonRetryable(e.message, 'InvalidCalendar');
        }
        throw e;
      }
    },
  };
}
