// '@app/domain/holidays': holiday resolution with date-holidays. Not part of '@app/domain' (workflow code must not
// bundle date-holidays): activities and apps import it by this deep path.
export {
  type PublicHoliday,
  UnknownStateError,
  publicHolidays,
  holidaysFor,
  defaultTimeZone,
  isSupportedState,
  holidayCalendarOf,
} from './holidays';
export { CUSTOM_COUNTRIES, type CustomCountry, type WeekendTransferRule } from './holiday-data';
