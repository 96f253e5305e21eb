import { DateTime } from 'luxon';
import type { Language } from '@app/domain/case/case.types';

const LOCALE: Record<Language, string> = { ru: 'ru', en: 'en-GB' };

/** A local date (YYYY-MM-DD) of the state, written out the way people of that language write it. */
export function formatLocalDate(isoDate: string, language: Language, timeZone: string): string {
  const d = DateTime.fromISO(isoDate, { zone: timeZone });
  if (!d.isValid) return isoDate;
  return d.setLocale(LOCALE[language]).toLocaleString(DateTime.DATE_HUGE);
}

/** An instant, shown in the state's time zone with the zone named, so nobody guesses whose 09:00 it is. */
export function formatInstant(iso: string, language: Language, timeZone: string): string {
  const d = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);
  if (!d.isValid) return iso;
  return `${d.setLocale(LOCALE[language]).toLocaleString(DateTime.DATETIME_MED)} (${timeZone})`;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** Wraps plain text at 76 columns on spaces, for text-only clients; long words (URLs) stay whole. */
export function wrapText(text: string, width = 76): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const indent = /^\s*(?:[-*] )?/.exec(line)?.[0].replace(/[-*]/, ' ') ?? '';
      const words = line.split(' ');
      const out: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && cur.length + 1 + w.length > width) {
          out.push(cur);
          cur = indent + w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      if (cur) out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}
