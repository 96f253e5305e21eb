import { Injectable } from '@nestjs/common';
import { AgenciesRepository, AlreadyExistsError, AuditRepository, StatesRepository } from '@app/persistence';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException, invalid } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { AgencyDto, CreateAgencyDto } from './dto/agency.dto';

@Injectable()
export class AgenciesService {
  constructor(
    private readonly agencies: AgenciesRepository,
    private readonly states: StatesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(p: Principal, dto: CreateAgencyDto, req?: ApiRequest): Promise<AgencyDto> {
    const stateCode = dto.stateCode ?? null;
    const kind = dto.kind ?? (stateCode === null ? 'international' : 'agency');
    if (stateCode === null && kind !== 'international') {
      throw invalid([
        { field: 'stateCode', message: 'stateCode is required unless kind is "international"' },
      ]);
    }
    if (stateCode !== null && !(await this.states.get(stateCode))) {
      throw invalid([{ field: 'stateCode', message: `no state ${stateCode}` }]);
    }
    try {
      const a = await this.agencies.create({ code: dto.code, name: dto.name, stateCode, kind });
      await this.audit.append([auditEntry(p, req, 'agency_created', { code: a.code })]);
      return toAgencyDto(a);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        throw new DomainException(DomainErrorCode.Duplicate, `Agency ${dto.code} already exists`);
      throw err;
    }
  }

  async list(stateCode?: string): Promise<AgencyDto[]> {
    return (await this.agencies.list(stateCode ? { stateCode } : {})).map(toAgencyDto);
  }
}

export function toAgencyDto(a: {
  code: string;
  name: string;
  stateCode: string | null;
  kind: string;
}): AgencyDto {
  return { code: a.code, name: a.name, stateCode: a.stateCode, kind: a.kind };
}
