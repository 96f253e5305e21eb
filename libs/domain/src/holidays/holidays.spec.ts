import { AT_2027, KG_2027 } from '../calendar/calendar.fixtures';
import {
  CUSTOM_COUNTRIES,
  defaultTimeZone,
  holidayCalendarOf,
  holidaysFor,
  isSupportedState,
  publicHolidays,
  UnknownStateError,
} from '@app/domain/holidays';

describe('holidaysFor', () => {
  it('resolves Kyrgyzstan 2027 under the Labour Code in force since 2025', () => {
    expect(holidaysFor('KG', 2027, 2027)).toEqual(KG_2027.nonWorkingDates);
    const names = Object.fromEntries(publicHolidays('KG', 2027, 2027).map((h) => [h.date, h.name]));
    expect(names['2027-03-09']).toBe('Orozo Ait'); // 1 Shawwal 1448
    expect(names['2027-05-16']).toBe('Kurman Ait'); // 10 Dhu al-Hijjah 1448
    // Holidays that are working days since 2025: not in the list (observances).
    for (const working of ['2027-02-23', '2027-04-07', '2027-11-08']) expect(names[working]).toBeUndefined();
  });

  it('places Orozo Ait and Kurman Ait by the Hijri calendar (2024: the days Kyrgyzstan observed)', () => {
    const kg = (y: number) => publicHolidays('KG', y, y).map((h) => `${h.date} ${h.name}`);
    expect(kg(2024)).toEqual(expect.arrayContaining(['2024-04-10 Orozo Ait', '2024-06-16 Kurman Ait']));
    expect(kg(2026)).toEqual(expect.arrayContaining(['2026-03-20 Orozo Ait', '2026-05-27 Kurman Ait']));
  });

  it('applies the pre-2025 Kyrgyz rules: more days off, and weekend holidays moved to the next working day', () => {
    expect(holidaysFor('KG', 2015, 2015)).toEqual(
      expect.arrayContaining(['2015-02-23', '2015-04-07', '2015-05-11', '2015-11-09', '2015-11-10']),
    );
    const moved = publicHolidays('KG', 2024, 2024).filter((h) => h.substitute);
    expect(moved.map((h) => h.date)).toEqual([
      '2024-01-08',
      '2024-04-08',
      '2024-05-06',
      '2024-06-17',
      '2024-09-02',
    ]);
  });

  it('resolves Tajikistan with its weekend transfer, also across a four-day Navruz', () => {
    expect(holidaysFor('TJ', 2027, 2027)).toEqual([
      '2027-01-01',
      '2027-03-08',
      '2027-03-09', // Idi Ramazon
      '2027-03-21',
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25', // moved from Sunday 21 March
      '2027-05-09',
      '2027-05-10', // moved from Sunday 9 May
      '2027-05-16', // Idi Qurbon
      '2027-05-17', // moved from Sunday 16 May
      '2027-06-27',
      '2027-06-28',
      '2027-09-09',
      '2027-11-06',
      '2027-11-08',
    ]);
    // 2015: Navruz began on a Saturday, so 25 and 26 March were days off too.
    expect(holidaysFor('TJ', 2015, 2015)).toEqual(expect.arrayContaining(['2015-03-25', '2015-03-26']));
    // 1 January 2028 is a Saturday: Monday 3 January is off.
    expect(holidaysFor('TJ', 2028, 2028)[0]).toBe('2028-01-01');
    expect(holidaysFor('TJ', 2028, 2028)).toContain('2028-01-03');
  });

  it('resolves countries date-holidays knows, public holidays only', () => {
    expect(holidaysFor('AT', 2027, 2027)).toEqual(AT_2027.nonWorkingDates);
    expect(holidaysFor('KZ', 2027, 2027)).toEqual(
      expect.arrayContaining(['2027-03-21', '2027-03-22', '2027-03-23']),
    );
    expect(holidaysFor('AT-9', 2027, 2027)).toEqual(expect.arrayContaining(['2027-12-25']));
  });

  it('merges administrator days, sorted and unique, over several years', () => {
    const dates = holidaysFor('KG', 2027, 2028, ['2027-12-31', '2027-03-08', '2027-03-10']);
    expect(dates).toEqual([...new Set(dates)].sort());
    expect(dates).toEqual(expect.arrayContaining(['2027-03-10', '2027-12-31', '2028-01-01', '2028-08-31']));
    expect(dates.filter((d) => d === '2027-03-08')).toHaveLength(1);
    expect(() => holidaysFor('KG', 2027, 2027, ['2027-02-30'])).toThrow(RangeError);
  });

  it('refuses unknown states and bad year spans', () => {
    expect(() => holidaysFor('XX', 2027, 2027)).toThrow(UnknownStateError);
    expect(() => holidaysFor('KG-GB', 2027, 2027)).toThrow(UnknownStateError);
    expect(() => holidaysFor('AT-99', 2027, 2027)).toThrow(UnknownStateError);
    expect(() => holidaysFor('KG', 2028, 2027)).toThrow(RangeError);
    expect(() => holidaysFor('KG', 2027, 2090)).toThrow(RangeError);
    expect(isSupportedState('kg')).toBe(true);
    expect(isSupportedState('XX')).toBe(false);
  });
});

describe('holidayCalendarOf', () => {
  it("is the state's calendar when napflow has data for it, else the state's own code", () => {
    expect(holidayCalendarOf({ code: 'QQ', holidayCalendar: 'KG' })).toBe('KG');
    expect(holidayCalendarOf({ code: 'KG', holidayCalendar: 'KG' })).toBe('KG');
    expect(holidayCalendarOf({ code: 'KG', holidayCalendar: null })).toBe('KG');
    // an unknown id stored before ids were checked must not fail the state's cases
    expect(holidayCalendarOf({ code: 'KG', holidayCalendar: 'KGZ' })).toBe('KG');
  });
});

describe('defaultTimeZone', () => {
  it('names the state capital zone', () => {
    expect(defaultTimeZone('KG')).toBe('Asia/Bishkek');
    expect(defaultTimeZone('TJ')).toBe('Asia/Dushanbe');
    expect(defaultTimeZone('AT')).toBe('Europe/Vienna');
    expect(Object.keys(CUSTOM_COUNTRIES)).toEqual(['KG', 'TJ']);
  });
});
