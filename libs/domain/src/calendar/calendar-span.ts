// The span of years a case's business calendar must cover, shared by the case workflow (which resolves the calendar
// through an activity) and the API's start preview (which resolves the same calendar before the case exists).

/** From last year (time zones) to two years after `now`'s year, and past the latest of `dates` (YYYY-MM-DD). */
export function calendarYearsNeeded(
  now: number,
  dates: ReadonlyArray<string | null>,
): { fromYear: number; toYear: number } {
  const year = new Date(now).getUTCFullYear();
  let toYear = year + 2;
  for (const date of dates) if (date) toYear = Math.max(toYear, Number(date.slice(0, 4)) + 1);
  return { fromYear: year - 1, toYear };
}
