// Calendars for tests (here and in other folders' specs). Not exported from '@app/domain'.
import type { BusinessCalendar } from './business-calendar';

/** Kyrgyzstan 2027 exactly as holidaysFor('KG', 2027, 2027) resolves it (the holidays spec checks the same list). */
export const KG_2027: BusinessCalendar = Object.freeze({
  timeZone: 'Asia/Bishkek',
  weekendDays: [6, 7],
  nonWorkingDates: [
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => `2027-01-${d}`),
    '2027-03-08', // International Women's Day
    '2027-03-09', // Orozo Ait (1 Shawwal 1448)
    '2027-03-21', // Nooruz (a Sunday: no transfer since 2025)
    ...['01', '02', '03', '04', '05', '06', '07', '08', '09'].map((d) => `2027-05-${d}`),
    '2027-05-16', // Kurman Ait (10 Dhu al-Hijjah 1448)
    '2027-08-31', // Independence Day
  ],
});

/** Austria 2027 (public holidays only), for the OSCE secretariat in Vienna, as holidaysFor('AT', 2027, 2027). */
export const AT_2027: BusinessCalendar = Object.freeze({
  timeZone: 'Europe/Vienna',
  weekendDays: [6, 7],
  nonWorkingDates: [
    '2027-01-01',
    '2027-01-06',
    '2027-03-29',
    '2027-05-01',
    '2027-05-06',
    '2027-05-17',
    '2027-05-27',
    '2027-08-15',
    '2027-10-26',
    '2027-11-01',
    '2027-12-08',
    '2027-12-25',
    '2027-12-26',
  ],
});
