// Public holidays per state, as local dates. Pure computation, but it loads date-holidays (large): activities and
// apps import it as '@app/domain/holidays'; workflow code never does (it receives the resolved dates).
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { formatDate, isoWeekday, parseDate } from '../calendar/civil-date';
import { CUSTOM_COUNTRIES, type CustomCountry } from './holiday-data';

export interface PublicHoliday {
  /** local date, YYYY-MM-DD */
  date: string;
  name: string;
  /** a day off moved from a holiday that fell on a weekend day */
  substitute: boolean;
}

export class UnknownStateError extends Error {
  constructor(readonly stateCode: string) {
    super(
      `no holiday data for state ${JSON.stringify(stateCode)} (use an ISO 3166 code such as KG, TJ, KZ, AT or AT-9)`,
    );
    this.name = 'UnknownStateError';
  }
}

const DAY_MS = 86_400_000;
const WEEKEND: readonly number[] = [6, 7];
const MIN_YEAR = 1970;
const MAX_YEAR = 2080; // the end of date-holidays' Hijri table

interface Resolver {
  holidays: Holidays;
  custom: CustomCountry | null;
}

const resolvers = new Map<string, Resolver>();
let supported: Record<string, string> | null = null;

function resolver(stateCode: string): Resolver {
  const code = String(stateCode ?? '')
    .trim()
    .toUpperCase();
  const cached = resolvers.get(code);
  if (cached) return cached;
  const [country, state, ...rest] = code.split(/[-.]/);
  if (!/^[A-Z]{2}$/.test(country ?? '') || rest.length > 0) throw new UnknownStateError(stateCode);
  const custom = CUSTOM_COUNTRIES[country] ?? null;
  let holidays: Holidays;
  if (custom) {
    if (state) throw new UnknownStateError(stateCode);
    // date-holidays-parser reads custom data from opts.data (same grammar as its bundled countries); the
    // published Options type does not list it.
    const opts: HolidaysTypes.Options & { data: unknown } = {
      data: { holidays: { [country]: custom.data } },
      types: ['public'],
      languages: ['en'],
    };
    holidays = new Holidays(country, opts);
  } else {
    supported ??= new Holidays().getCountries('en');
    if (!supported[country]) throw new UnknownStateError(stateCode);
    holidays = state
      ? new Holidays(country, state.toLowerCase(), { types: ['public'], languages: ['en'] })
      : new Holidays(country, { types: ['public'], languages: ['en'] });
    if (state && !Object.keys(holidays.getStates(country) ?? {}).some((s) => s.toUpperCase() === state)) {
      throw new UnknownStateError(stateCode);
    }
  }
  const r = { holidays, custom };
  resolvers.set(code, r);
  return r;
}

function assertYears(fromYear: number, toYear: number): void {
  for (const [field, y] of [
    ['fromYear', fromYear],
    ['toYear', toYear],
  ] as const) {
    if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) {
      throw new RangeError(`${field}: ${y} is not a year in ${MIN_YEAR}..${MAX_YEAR}`);
    }
  }
  if (fromYear > toYear) throw new RangeError(`fromYear ${fromYear} is after toYear ${toYear}`);
}

/** ruleDays per resolver and year: the rules never change while the process runs, and every case start asks. */
const ruleDaysMemo = new WeakMap<Resolver, Map<number, readonly { day: number; name: string }[]>>();

/** Whole public-holiday days of one year, as the rules give them (before any weekend transfer). */
function ruleDays(r: Resolver, year: number): readonly { day: number; name: string }[] {
  let byYear = ruleDaysMemo.get(r);
  if (!byYear) ruleDaysMemo.set(r, (byYear = new Map()));
  const known = byYear.get(year);
  if (known) return known;
  const computed = computeRuleDays(r, year);
  byYear.set(year, computed);
  return computed;
}

function computeRuleDays(r: Resolver, year: number): { day: number; name: string }[] {
  const out: { day: number; name: string }[] = [];
  for (const h of r.holidays.getHolidays(year, 'en')) {
    if (h.type !== 'public') continue;
    // A holiday that starts in the afternoon (a half day) leaves a working morning: not a day off.
    if (h.date.slice(11, 19) !== '00:00:00') continue;
    const first = parseDate(h.date.slice(0, 10));
    const length = Math.max(1, Math.round((+h.end - +h.start) / DAY_MS));
    for (let i = 0; i < length; i++) out.push({ day: first + i, name: h.name });
  }
  return out;
}

function transferApplies(rule: CustomCountry['weekendTransfer'], year: number): boolean {
  return (
    !!rule &&
    (rule.fromYear === null || year >= rule.fromYear) &&
    (rule.toYear === null || year <= rule.toYear)
  );
}

/**
 * Public holidays (not observances) of a state for [fromYear, toYear], with the days off a state's weekend-transfer
 * rule adds. Sorted by date; one entry per date.
 */
export function publicHolidays(stateCode: string, fromYear: number, toYear: number): PublicHoliday[] {
  assertYears(fromYear, toYear);
  const r = resolver(stateCode);
  const first = parseDate(`${String(fromYear).padStart(4, '0')}-01-01`);
  const last = parseDate(`${String(toYear).padStart(4, '0')}-12-31`);
  const byDay = new Map<number, PublicHoliday>();
  // A holiday on the last weekend of the previous year can move a day off into this span.
  for (let y = Math.max(MIN_YEAR, fromYear - 1); y <= toYear; y++) {
    for (const { day, name } of ruleDays(r, y)) {
      if (!byDay.has(day)) byDay.set(day, { date: formatDate(day), name, substitute: false });
    }
  }
  if (r.custom?.weekendTransfer) {
    for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
      const holiday = byDay.get(day) as PublicHoliday;
      const year = Number(holiday.date.slice(0, 4));
      if (
        holiday.substitute ||
        !WEEKEND.includes(isoWeekday(day)) ||
        !transferApplies(r.custom.weekendTransfer, year)
      ) {
        continue;
      }
      let d = day + 1;
      while (WEEKEND.includes(isoWeekday(d)) || byDay.has(d)) d++;
      byDay.set(d, {
        date: formatDate(d),
        name: `${holiday.name} (day off moved from ${holiday.date})`,
        substitute: true,
      });
    }
  }
  return [...byDay.entries()]
    .filter(([day]) => day >= first && day <= last)
    .sort(([a], [b]) => a - b)
    .map(([, h]) => h);
}

/**
 * Sorted unique local dates that are not working days besides the weekend: the state's public holidays in
 * [fromYear, toYear] (with weekend transfers) plus `extraNonWorking` (days an administrator added; every one is
 * kept, even outside the span).
 */
export function holidaysFor(
  stateCode: string,
  fromYear: number,
  toYear: number,
  extraNonWorking: string[] = [],
): string[] {
  const days = new Set<number>(publicHolidays(stateCode, fromYear, toYear).map((h) => parseDate(h.date)));
  for (const date of extraNonWorking) days.add(parseDate(date));
  return [...days].sort((a, b) => a - b).map(formatDate);
}

/** The state's main time zone from the holiday data (KG: Asia/Bishkek, TJ: Asia/Dushanbe, AT: Europe/Vienna). */
export function defaultTimeZone(stateCode: string): string {
  const r = resolver(stateCode);
  const zone = r.custom ? r.custom.data.zones[0] : r.holidays.getTimezones()[0];
  if (!zone) throw new UnknownStateError(stateCode);
  return zone;
}

/**
 * The holiday calendar a state's cases use: the one set for the state when napflow has data for it, else the
 * state's own code. (An unknown id stored before ids were checked at creation must not fail the state's cases; the
 * calendar page says which one is used.)
 */
export function holidayCalendarOf(state: { code: string; holidayCalendar: string | null }): string {
  const set = state.holidayCalendar;
  return set && set !== state.code && isSupportedState(set) ? set : state.code;
}

/** Whether holidays can be resolved for this state code. */
export function isSupportedState(stateCode: string): boolean {
  try {
    resolver(stateCode);
    return true;
  } catch (e) {
    if (e instanceof UnknownStateError) return false;
    throw e;
  }
}
