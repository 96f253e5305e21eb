// Business-day arithmetic and local wall times for one state's calendar. Pure and deterministic: it runs inside
// the Temporal workflow sandbox (no Date.now(), no I/O); time-zone offsets come from Intl through luxon.
import { IANAZone } from 'luxon';
import { formatDate, isoWeekday, parseDate } from './civil-date';

/** A state's working calendar. Treat it as immutable once used: compiled lookups are memoised by reference. */
export interface BusinessCalendar {
  /** IANA time zone, e.g. Asia/Bishkek */
  timeZone: string;
  /** local dates (YYYY-MM-DD) that are not working days besides the weekend */
  nonWorkingDates: string[];
  /** ISO weekday numbers of the weekend, 6 = Saturday, 7 = Sunday */
  weekendDays: number[];
}

/** Reminders, due-today, overdue and escalation notices go out at this local hour. */
export const NOTICE_HOUR = 9;
/** A due date falls due at this local hour of its (effective) business day. */
export const END_OF_BUSINESS_HOUR = 18;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const INSTANT_CACHE_LIMIT = 4096;

interface CompiledCalendar {
  readonly nonWorkingRef: readonly string[];
  readonly nonWorkingLength: number;
  readonly weekendRef: readonly number[];
  readonly timeZone: string;
  readonly zone: IANAZone;
  /** weekend[isoWeekday] */
  readonly weekend: readonly boolean[];
  readonly workdaysPerWeek: number;
  readonly nonWorking: ReadonlySet<number>;
  /** non-working day numbers that fall on working weekdays, ascending (for counting in O(log n)) */
  readonly weekdayHolidays: readonly number[];
  readonly instants: Map<string, number>;
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(cal: BusinessCalendar): CompiledCalendar {
  if (!cal || typeof cal !== 'object') throw new TypeError('a business calendar is required');
  const weekendDays = cal.weekendDays ?? [6, 7];
  const nonWorkingDates = cal.nonWorkingDates ?? [];
  const zone = IANAZone.create(String(cal.timeZone));
  if (!zone.isValid)
    throw new RangeError(`calendar.timeZone: unknown IANA time zone ${JSON.stringify(cal.timeZone)}`);
  const weekend: boolean[] = new Array<boolean>(8).fill(false);
  for (const d of weekendDays) {
    if (!Number.isInteger(d) || d < 1 || d > 7) {
      throw new RangeError(
        `calendar.weekendDays: ${JSON.stringify(d)} is not an ISO weekday (1 = Monday ... 7 = Sunday)`,
      );
    }
    weekend[d] = true;
  }
  const workdaysPerWeek = weekend.slice(1).filter((w) => !w).length;
  if (workdaysPerWeek === 0) throw new RangeError('calendar.weekendDays: every weekday is a weekend day');
  const nonWorking = new Set<number>();
  for (const date of nonWorkingDates) nonWorking.add(parseDate(date));
  const weekdayHolidays = [...nonWorking].filter((n) => !weekend[isoWeekday(n)]).sort((a, b) => a - b);
  return {
    nonWorkingRef: nonWorkingDates,
    nonWorkingLength: nonWorkingDates.length,
    weekendRef: weekendDays,
    timeZone: cal.timeZone,
    zone,
    weekend,
    workdaysPerWeek,
    nonWorking,
    weekdayHolidays,
    instants: new Map(),
  };
}

/** The compiled form of a calendar, built once per calendar object (rebuilt if its arrays were replaced). */
export function compiledCalendar(cal: BusinessCalendar): CompiledCalendar {
  const c = compiled.get(cal);
  if (
    c &&
    c.nonWorkingRef === cal.nonWorkingDates &&
    c.nonWorkingLength === cal.nonWorkingDates.length &&
    c.weekendRef === cal.weekendDays &&
    c.timeZone === cal.timeZone
  ) {
    return c;
  }
  const fresh = compile(cal);
  compiled.set(cal, fresh);
  return fresh;
}

/** Throws a RangeError naming the bad field when the calendar cannot be used. */
export function assertBusinessCalendar(cal: BusinessCalendar): void {
  compiledCalendar(cal);
}

// ---- day-number primitives (exported for the reminder scheduler in this folder) ----

export function isBusinessDayN(c: CompiledCalendar, day: number): boolean {
  return !c.weekend[isoWeekday(day)] && !c.nonWorking.has(day);
}

export function nextBusinessDayN(c: CompiledCalendar, day: number): number {
  let d = day;
  while (!isBusinessDayN(c, d)) d++;
  return d;
}

/** `n` business days from `day` (from a non-business day: counted from the next business day). */
export function addBusinessDaysN(c: CompiledCalendar, day: number, n: number): number {
  let d = nextBusinessDayN(c, day);
  let left = Math.abs(n);
  const step = n < 0 ? -1 : 1;
  while (left > 0) {
    d += step;
    if (isBusinessDayN(c, d)) left--;
  }
  return d;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Business days in the half-open range [from, to), from <= to, in O(log holidays). */
function countBusinessDays(c: CompiledCalendar, from: number, to: number): number {
  const days = to - from;
  const weeks = Math.floor(days / 7);
  let count = weeks * c.workdaysPerWeek;
  for (let d = from + weeks * 7; d < to; d++) if (!c.weekend[isoWeekday(d)]) count++;
  return count - (lowerBound(c.weekdayHolidays, to) - lowerBound(c.weekdayHolidays, from));
}

/** Signed business-day distance between the effective (next business) days of `from` and `to`. */
export function businessDaysBetweenN(c: CompiledCalendar, from: number, to: number): number {
  const a = nextBusinessDayN(c, from);
  const b = nextBusinessDayN(c, to);
  return a <= b ? countBusinessDays(c, a, b) : -countBusinessDays(c, b, a);
}

export function localDayN(c: CompiledCalendar, epochMs: number): number {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a finite epoch millisecond value: ${epochMs}`);
  return Math.floor((epochMs + c.zone.offset(epochMs) * MINUTE_MS) / DAY_MS);
}

/**
 * Epoch ms of a local wall time. Resolution is that of the Temporal API's "compatible" disambiguation:
 * a wall time that does not exist (spring-forward gap) is moved forward by the gap's length (02:30 -> 03:30),
 * and a wall time that exists twice (autumn overlap) resolves to the earlier instant (the first 02:30).
 */
export function localInstantN(c: CompiledCalendar, day: number, hour: number, minute = 0): number {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23)
    throw new RangeError(`hour must be an integer 0..23: ${hour}`);
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`minute must be an integer 0..59: ${minute}`);
  }
  const key = `${day}:${hour}:${minute}`;
  const cached = c.instants.get(key);
  if (cached !== undefined) return cached;
  const wall = day * DAY_MS + hour * 3_600_000 + minute * MINUTE_MS;
  // Offsets a day either side bracket at most one transition (true for every IANA zone in use).
  const before = c.zone.offset(wall - DAY_MS);
  const after = c.zone.offset(wall + DAY_MS);
  const candidates = (before === after ? [before] : [before, after])
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((t) => wall - c.zone.offset(t) * MINUTE_MS === t);
  // No candidate: a gap, so read the wall time with the offset in force before it (moves it forward).
  const instant = candidates.length > 0 ? Math.min(...candidates) : wall - before * MINUTE_MS;
  if (c.instants.size >= INSTANT_CACHE_LIMIT) c.instants.clear();
  c.instants.set(key, instant);
  return instant;
}

// ---- public API on YYYY-MM-DD strings ----

export function isBusinessDay(cal: BusinessCalendar, date: string): boolean {
  return isBusinessDayN(compiledCalendar(cal), parseDate(date));
}

/** `date` itself if it is a business day, else the first business day after it. */
export function nextBusinessDay(cal: BusinessCalendar, date: string): string {
  return formatDate(nextBusinessDayN(compiledCalendar(cal), parseDate(date)));
}

/** The last business day on or before `date`. */
export function previousBusinessDay(cal: BusinessCalendar, date: string): string {
  const c = compiledCalendar(cal);
  let d = parseDate(date);
  while (!isBusinessDayN(c, d)) d--;
  return formatDate(d);
}

/**
 * `n` business days after `date` (before it when negative). A non-business `date` counts from the next
 * business day, so addBusinessDays(cal, saturday, 0) is the Monday and addBusinessDays(cal, saturday, -1) the Friday.
 */
export function addBusinessDays(cal: BusinessCalendar, date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`business days must be an integer: ${n}`);
  return formatDate(addBusinessDaysN(compiledCalendar(cal), parseDate(date), n));
}

/**
 * The inverse of addBusinessDays: addBusinessDays(cal, from, businessDaysBetween(cal, from, to)) is
 * nextBusinessDay(cal, to). Positive when `to` is later, 0 for the same effective business day.
 */
export function businessDaysBetween(cal: BusinessCalendar, from: string, to: string): number {
  return businessDaysBetweenN(compiledCalendar(cal), parseDate(from), parseDate(to));
}

/** The calendar's local date (YYYY-MM-DD) at an instant. */
export function localDate(cal: BusinessCalendar, epochMs: number): string {
  return formatDate(localDayN(compiledCalendar(cal), epochMs));
}

/** Epoch ms of a local wall time on `date` (DST gaps move forward, overlaps take the earlier instant). */
export function localInstant(cal: BusinessCalendar, date: string, hour: number, minute = 0): number {
  return localInstantN(compiledCalendar(cal), parseDate(date), hour, minute);
}

/**
 * The business day a due date effectively falls on: the date itself, or, when it is a weekend day or holiday,
 * the next business day (as civil law counts the last day of a period that ends on a non-working day).
 */
export function effectiveDueDate(cal: BusinessCalendar, dueOn: string): string {
  return nextBusinessDay(cal, dueOn);
}

/** The instant a step due on `dueOn` becomes overdue: END_OF_BUSINESS_HOUR local on its effective due date. */
export function dueInstant(cal: BusinessCalendar, dueOn: string): number {
  const c = compiledCalendar(cal);
  return localInstantN(c, nextBusinessDayN(c, parseDate(dueOn)), END_OF_BUSINESS_HOUR);
}
