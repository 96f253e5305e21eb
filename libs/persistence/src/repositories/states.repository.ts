import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StateEntity } from '../entities/state.entity';
import { translateWriteError } from '../persistence.errors';
import { returnedRows } from '../sql-params';

export interface NewState {
  code: string;
  name: string;
  nameRu?: string | null;
  timeZone: string;
  holidayCalendar?: string | null;
}

export interface NonWorkingDay {
  stateCode: string;
  date: string;
  reason: string;
}

@Injectable()
export class StatesRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async create(input: NewState): Promise<StateEntity> {
    const repo = this.dataSource.getRepository(StateEntity);
    try {
      await repo.insert({
        code: input.code,
        name: input.name,
        nameRu: input.nameRu ?? null,
        timeZone: input.timeZone,
        holidayCalendar: input.holidayCalendar ?? null,
      });
    } catch (err) {
      translateWriteError(err, 'state', input.code);
    }
    return repo.findOneByOrFail({ code: input.code });
  }

  /** Inserts the states that do not exist yet; returns how many were inserted. */
  async insertMissing(states: NewState[]): Promise<number> {
    let inserted = 0;
    for (const s of states) {
      const rows = await this.dataSource.query<unknown[]>(
        `INSERT INTO states (code, name, name_ru, time_zone, holiday_calendar) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO NOTHING RETURNING code`,
        [s.code, s.name, s.nameRu ?? null, s.timeZone, s.holidayCalendar ?? null],
      );
      inserted += rows.length;
    }
    return inserted;
  }

  get(code: string): Promise<StateEntity | null> {
    return this.dataSource.getRepository(StateEntity).findOneBy({ code });
  }

  list(): Promise<StateEntity[]> {
    return this.dataSource.getRepository(StateEntity).find({ order: { code: 'ASC' } });
  }

  async update(code: string, patch: Partial<Omit<NewState, 'code'>>): Promise<StateEntity | null> {
    const repo = this.dataSource.getRepository(StateEntity);
    if (Object.keys(patch).length > 0) await repo.update({ code }, patch);
    return repo.findOneBy({ code });
  }

  /** Administrator-added non-working days of a state (public holidays come from libs/domain calendars). */
  async nonWorkingDays(
    stateCode: string,
    range?: { fromYear: number; toYear: number },
  ): Promise<NonWorkingDay[]> {
    const params: unknown[] = [stateCode];
    let where = 'state_code = $1';
    if (range) {
      params.push(`${range.fromYear}-01-01`, `${range.toYear}-12-31`);
      where += ' AND date BETWEEN $2::date AND $3::date';
    }
    const rows = await this.dataSource.query<{ state_code: string; date: string; reason: string }[]>(
      `SELECT state_code, date::text AS date, reason FROM non_working_days WHERE ${where} ORDER BY date`,
      params,
    );
    return rows.map((r) => ({ stateCode: r.state_code, date: r.date, reason: r.reason }));
  }

  async addNonWorkingDay(day: NonWorkingDay): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO non_working_days (state_code, date, reason) VALUES ($1, $2::date, $3)
         ON CONFLICT (state_code, date) DO UPDATE SET reason = EXCLUDED.reason`,
        [day.stateCode, day.date, day.reason],
      );
    } catch (err) {
      translateWriteError(err, 'non-working day', `${day.stateCode} ${day.date}`);
    }
  }

  /** Returns whether a day was removed. */
  async removeNonWorkingDay(stateCode: string, date: string): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        `DELETE FROM non_working_days WHERE state_code = $1 AND date = $2::date RETURNING date`,
        [stateCode, date],
      ),
    );
    return rows.length > 0;
  }
}
