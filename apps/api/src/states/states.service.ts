import { Injectable } from '@nestjs/common';
import { AlreadyExistsError, AuditRepository, StatesRepository } from '@app/persistence';
import { auditEntry } from '../common/audit';
import { isSupportedState } from '@app/domain/holidays';
import { DomainErrorCode, DomainException, invalid } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { CreateStateDto, StateDto } from './dto/state.dto';

@Injectable()
export class StatesService {
  constructor(
    private readonly states: StatesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(p: Principal, dto: CreateStateDto, req?: ApiRequest): Promise<StateDto> {
    // the state's deadlines count its holidays: a calendar napflow has no data for is refused, not stored (also the
    // state's own code when no calendar is named: its cases could not resolve their business days)
    if (dto.holidayCalendar !== undefined && !isSupportedState(dto.holidayCalendar)) {
      throw invalid([
        {
          field: 'holidayCalendar',
          message: `no holiday data for ${dto.holidayCalendar} (an ISO 3166 code such as KG, TJ, KZ, AT or AT-9)`,
        },
      ]);
    }
    if (dto.holidayCalendar === undefined && !isSupportedState(dto.code)) {
      throw invalid([
        {
          field: 'holidayCalendar',
          message:
            `no holiday data for ${dto.code}: name the holiday calendar whose public holidays the state keeps ` +
            `(an ISO 3166 code such as KG, TJ, KZ, AT or AT-9)`,
        },
      ]);
    }
    try {
      const s = await this.states.create({
        code: dto.code,
        name: dto.name,
        timeZone: dto.timeZone,
        holidayCalendar: dto.holidayCalendar ?? dto.code,
      });
      await this.audit.append([auditEntry(p, req, 'state_created', { code: s.code })]);
      return toDto(s);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        throw new DomainException(DomainErrorCode.Duplicate, `State ${dto.code} already exists`);
      throw err;
    }
  }

  async list(): Promise<StateDto[]> {
    return (await this.states.list()).map(toDto);
  }
}

function toDto(s: {
  code: string;
  name: string;
  timeZone: string;
  holidayCalendar: string | null;
}): StateDto {
  return { code: s.code, name: s.name, timeZone: s.timeZone, holidayCalendar: s.holidayCalendar };
}
