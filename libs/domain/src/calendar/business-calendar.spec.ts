import fc from 'fast-check';
import {
  addBusinessDays,
  assertBusinessCalendar,
  type BusinessCalendar,
  businessDaysBetween,
  dueInstant,
  effectiveDueDate,
  isBusinessDay,
  localDate,
  localInstant,
  nextBusinessDay,
  previousBusinessDay,
} from './business-calendar';
import { KG_2027 } from './calendar.fixtures';
import { formatDate, isoWeekday, parseDate } from './civil-date';

const iso = (ms: number) => new Date(ms).toISOString();

describe('civil dates', () => {
  it('round-trips day numbers and knows weekdays', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(formatDate(parseDate('2027-03-31'))).toBe('2027-03-31');
    expect(isoWeekday(parseDate('2027-03-31'))).toBe(3); // Wednesday
    expect(isoWeekday(parseDate('1969-12-28'))).toBe(7); // Sunday, before the epoch
    expect(formatDate(parseDate('2028-02-29'))).toBe('2028-02-29');
  });

  it('refuses impossible dates', () => {
    for (const bad of ['2015-02-30', '2027-13-01', '2027-3-1', '2027-03-31T00:00', '', '2027-02-29']) {
      expect(() => parseDate(bad)).toThrow(RangeError);
    }
  });
});

describe('isBusinessDay', () => {
  it('follows the Kyrgyz 2027 calendar around 8 and 21 March', () => {
    expect(isBusinessDay(KG_2027, '2027-03-05')).toBe(true); // Friday
    expect(isBusinessDay(KG_2027, '2027-03-06')).toBe(false); // Saturday
    expect(isBusinessDay(KG_2027, '2027-03-08')).toBe(false); // Women's Day, Monday
    expect(isBusinessDay(KG_2027, '2027-03-09')).toBe(false); // Orozo Ait
    expect(isBusinessDay(KG_2027, '2027-03-10')).toBe(true);
    expect(isBusinessDay(KG_2027, '2027-03-21')).toBe(false); // Nooruz, a Sunday
    expect(isBusinessDay(KG_2027, '2027-03-22')).toBe(true); // no transfer under the 2025 Labour Code
    expect(isBusinessDay(KG_2027, '2027-02-23')).toBe(true); // a holiday, but a working day since 2025
  });

  it('sees a date added to the calendar array (memoised lookups are rebuilt)', () => {
    const cal: BusinessCalendar = { timeZone: 'Asia/Bishkek', weekendDays: [6, 7], nonWorkingDates: [] };
    expect(isBusinessDay(cal, '2027-06-01')).toBe(true);
    cal.nonWorkingDates.push('2027-06-01');
    expect(isBusinessDay(cal, '2027-06-01')).toBe(false);
    cal.nonWorkingDates = [];
    expect(isBusinessDay(cal, '2027-06-01')).toBe(true);
  });

  it('supports other weekends (Friday and Saturday)', () => {
    const cal: BusinessCalendar = { timeZone: 'Asia/Riyadh', weekendDays: [5, 6], nonWorkingDates: [] };
    expect(isBusinessDay(cal, '2027-03-05')).toBe(false); // Friday
    expect(isBusinessDay(cal, '2027-03-07')).toBe(true); // Sunday
    expect(addBusinessDays(cal, '2027-03-04', 1)).toBe('2027-03-07');
  });
});

describe('nextBusinessDay', () => {
  it('returns the date itself or the first business day after it', () => {
    expect(nextBusinessDay(KG_2027, '2027-03-10')).toBe('2027-03-10');
    expect(nextBusinessDay(KG_2027, '2027-03-06')).toBe('2027-03-10');
    expect(nextBusinessDay(KG_2027, '2027-05-01')).toBe('2027-05-10');
    expect(nextBusinessDay(KG_2027, '2027-01-01')).toBe('2027-01-08');
    expect(previousBusinessDay(KG_2027, '2027-05-09')).toBe('2027-04-30');
  });
});

describe('addBusinessDays', () => {
  it('counts forwards and backwards over weekends and holidays', () => {
    expect(addBusinessDays(KG_2027, '2027-03-05', 1)).toBe('2027-03-10');
    expect(addBusinessDays(KG_2027, '2027-03-10', -1)).toBe('2027-03-05');
    expect(addBusinessDays(KG_2027, '2027-03-31', -1)).toBe('2027-03-30');
    expect(addBusinessDays(KG_2027, '2027-03-31', -7)).toBe('2027-03-22');
    expect(addBusinessDays(KG_2027, '2027-03-31', -14)).toBe('2027-03-11');
    expect(addBusinessDays(KG_2027, '2027-04-30', 1)).toBe('2027-05-10');
    expect(addBusinessDays(KG_2027, '2027-05-10', -1)).toBe('2027-04-30');
    expect(addBusinessDays(KG_2027, '2027-03-31', 0)).toBe('2027-03-31');
  });

  it('counts from the next business day when it starts on a non-business day', () => {
    expect(addBusinessDays(KG_2027, '2027-03-06', 0)).toBe('2027-03-10');
    expect(addBusinessDays(KG_2027, '2027-03-06', 1)).toBe('2027-03-11');
    expect(addBusinessDays(KG_2027, '2027-03-06', -1)).toBe('2027-03-05');
    expect(addBusinessDays(KG_2027, '2027-03-08', -2)).toBe('2027-03-04');
  });

  it('refuses a fractional count', () => {
    expect(() => addBusinessDays(KG_2027, '2027-03-05', 1.5)).toThrow(RangeError);
  });
});

describe('businessDaysBetween', () => {
  it('is the signed distance between effective business days', () => {
    expect(businessDaysBetween(KG_2027, '2027-03-05', '2027-03-10')).toBe(1);
    expect(businessDaysBetween(KG_2027, '2027-03-10', '2027-03-05')).toBe(-1);
    expect(businessDaysBetween(KG_2027, '2027-03-11', '2027-03-31')).toBe(14);
    expect(businessDaysBetween(KG_2027, '2027-03-06', '2027-03-09')).toBe(0);
    // 261 weekdays in 2027, 13 of them holidays: 248 business days from 8 January (the first) to 31 December.
    expect(businessDaysBetween(KG_2027, '2027-01-01', '2027-12-31')).toBe(247);
  });

  it('inverts addBusinessDays and matches a day-by-day count (property)', () => {
    const day = fc.integer({ min: parseDate('2026-10-01'), max: parseDate('2028-03-01') }).map(formatDate);
    fc.assert(
      fc.property(day, day, (a, b) => {
        const n = businessDaysBetween(KG_2027, a, b);
        expect(addBusinessDays(KG_2027, a, n)).toBe(nextBusinessDay(KG_2027, b));
        const [lo, hi] = [
          parseDate(nextBusinessDay(KG_2027, a)),
          parseDate(nextBusinessDay(KG_2027, b)),
        ].sort((x, y) => x - y);
        let brute = 0;
        for (let d = lo; d < hi; d++) if (isBusinessDay(KG_2027, formatDate(d))) brute++;
        expect(Math.abs(n)).toBe(brute);
      }),
      { numRuns: 300 },
    );
  });
});

describe('localDate and localInstant', () => {
  it('reads the Bishkek date (UTC+6) of an instant', () => {
    expect(localDate(KG_2027, Date.parse('2027-03-30T17:59:59.999Z'))).toBe('2027-03-30');
    expect(localDate(KG_2027, Date.parse('2027-03-30T18:00:00Z'))).toBe('2027-03-31');
    expect(iso(localInstant(KG_2027, '2027-03-31', 9))).toBe('2027-03-31T03:00:00.000Z');
    expect(iso(localInstant(KG_2027, '2027-03-31', 18, 30))).toBe('2027-03-31T12:30:00.000Z');
  });

  const vienna: BusinessCalendar = { timeZone: 'Europe/Vienna', weekendDays: [6, 7], nonWorkingDates: [] };

  it('keeps 09:00 Vienna exact on both sides of the March and October changes', () => {
    expect(iso(localInstant(vienna, '2027-03-26', 9))).toBe('2027-03-26T08:00:00.000Z'); // CET
    expect(iso(localInstant(vienna, '2027-03-29', 9))).toBe('2027-03-29T07:00:00.000Z'); // CEST
    expect(iso(localInstant(vienna, '2027-10-29', 9))).toBe('2027-10-29T07:00:00.000Z'); // CEST
    expect(iso(localInstant(vienna, '2027-11-02', 9))).toBe('2027-11-02T08:00:00.000Z'); // CET
    expect(localDate(vienna, Date.parse('2027-03-27T23:30:00Z'))).toBe('2027-03-28');
    expect(localDate(vienna, Date.parse('2027-10-30T22:30:00Z'))).toBe('2027-10-31');
  });

  it('moves a wall time in the spring gap forward and takes the first of an autumn overlap', () => {
    // 2027-03-28 02:30 does not exist in Vienna: 03:30 CEST.
    expect(iso(localInstant(vienna, '2027-03-28', 2, 30))).toBe('2027-03-28T01:30:00.000Z');
    // 2027-10-31 02:30 happens twice: the CEST one.
    expect(iso(localInstant(vienna, '2027-10-31', 2, 30))).toBe('2027-10-31T00:30:00.000Z');
    expect(iso(localInstant(vienna, '2027-10-31', 3, 0))).toBe('2027-10-31T02:00:00.000Z');
  });

  it('refuses hours and minutes out of range', () => {
    expect(() => localInstant(KG_2027, '2027-03-31', 24)).toThrow(RangeError);
    expect(() => localInstant(KG_2027, '2027-03-31', 9, 60)).toThrow(RangeError);
    expect(() => localDate(KG_2027, Number.NaN)).toThrow(RangeError);
  });
});

describe('dueInstant', () => {
  it('is 18:00 local on the due date', () => {
    expect(iso(dueInstant(KG_2027, '2027-03-31'))).toBe('2027-03-31T12:00:00.000Z');
  });

  it('rolls a due date on a holiday or weekend to the end of the next business day', () => {
    expect(effectiveDueDate(KG_2027, '2027-03-08')).toBe('2027-03-10');
    expect(iso(dueInstant(KG_2027, '2027-03-08'))).toBe('2027-03-10T12:00:00.000Z');
    expect(iso(dueInstant(KG_2027, '2027-03-21'))).toBe('2027-03-22T12:00:00.000Z');
  });
});

describe('assertBusinessCalendar', () => {
  it('names the bad field', () => {
    expect(() =>
      assertBusinessCalendar({ timeZone: 'Asia/Nowhere', weekendDays: [6, 7], nonWorkingDates: [] }),
    ).toThrow(/timeZone/);
    expect(() => assertBusinessCalendar({ timeZone: 'UTC', weekendDays: [0], nonWorkingDates: [] })).toThrow(
      /weekendDays/,
    );
    expect(() =>
      assertBusinessCalendar({ timeZone: 'UTC', weekendDays: [1, 2, 3, 4, 5, 6, 7], nonWorkingDates: [] }),
    ).toThrow(/every weekday/);
    expect(() =>
      assertBusinessCalendar({ timeZone: 'UTC', weekendDays: [6, 7], nonWorkingDates: ['2015-02-30'] }),
    ).toThrow(/2015-02-30/);
  });
});
