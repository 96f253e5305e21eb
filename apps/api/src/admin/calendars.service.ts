import { Injectable } from '@nestjs/common';
import { holidayCalendarOf, publicHolidays, UnknownStateError } from '@app/domain/holidays';
import { AuditRepository, StatesRepository } from '@app/persistence';
import { auditEntry } from '../common/audit';
import { forbidden, invalid, notFound } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import { FIRST_YEAR, LAST_YEAR } from '../common/validation';
import type { AddNonWorkingDayDto, CalendarDto } from './dto/calendar.dto';

/**
 * A state's business calendar: public holidays (libs/domain) and the non-working days an administrator adds.
 * Running cases pick added days up when their workflow next resolves the calendar.
 */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly states: StatesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async get(stateCode: string, year: number): Promise<CalendarDto> {
    const state = await this.states.get(stateCode);
    if (!state) throw notFound(`State ${stateCode}`);
    let holidays: CalendarDto['holidays'] = [];
    let warning: string | undefined;
    const calendarId = holidayCalendarOf(state);
    if (state.holidayCalendar && state.holidayCalendar !== calendarId) {
      warning = `holiday calendar ${state.holidayCalendar} is unknown: the holidays of ${calendarId} are used`;
    }
    try {
      holidays = publicHolidays(calendarId, year, year);
    } catch (e) {
      if (!(e instanceof UnknownStateError)) throw e;
      warning = e.message;
    }
    const nonWorkingDays = (
      await this.states.nonWorkingDays(stateCode, { fromYear: year, toYear: year })
    ).map((d) => ({
      date: d.date,
      reason: d.reason,
    }));
    return {
      stateCode,
      timeZone: state.timeZone,
      year,
      weekendDays: [6, 7],
      holidays,
      nonWorkingDays,
      ...(warning ? { warning } : {}),
    };
  }

  async add(
    p: Principal,
    stateCode: string,
    dto: AddNonWorkingDayDto,
    req?: ApiRequest,
  ): Promise<CalendarDto> {
    this.assertMayEdit(p, stateCode);
    if (!(await this.states.get(stateCode))) throw notFound(`State ${stateCode}`);
    await this.states.addNonWorkingDay({ stateCode, date: dto.date, reason: dto.reason ?? '' });
    await this.audit.append([
      auditEntry(p, req, 'non_working_day_added', { stateCode, date: dto.date, reason: dto.reason ?? '' }),
    ]);
    return this.get(stateCode, Number(dto.date.slice(0, 4)));
  }

  async remove(p: Principal, stateCode: string, date: string, req?: ApiRequest): Promise<void> {
    this.assertMayEdit(p, stateCode);
    if (!(await this.states.get(stateCode))) throw notFound(`State ${stateCode}`);
    if (!(await this.states.removeNonWorkingDay(stateCode, date)))
      throw notFound(`Non-working day ${date} of ${stateCode}`);
    await this.audit.append([auditEntry(p, req, 'non_working_day_removed', { stateCode, date })]);
  }

  private assertMayEdit(p: Principal, stateCode: string): void {
    if (p.role === 'admin') return;
    if (p.role === 'coordinator' && p.stateCode === stateCode) return;
    throw forbidden('Only an administrator or the coordinator of the state edits its calendar');
  }
}

export function parseYear(value: string | undefined): number {
  if (value === undefined) return new Date().getUTCFullYear();
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < FIRST_YEAR || year > LAST_YEAR)
    throw invalid([{ field: 'year', message: `year must be between ${FIRST_YEAR} and ${LAST_YEAR}` }]);
  return year;
}
