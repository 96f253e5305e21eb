import { Injectable } from '@nestjs/common';
import {
  AgenciesRepository,
  AlreadyExistsError,
  AuditRepository,
  PeopleRepository,
  StatesRepository,
} from '@app/persistence';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException, invalid, notFound } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { AgencyDto, AgencyListItemDto, CreateAgencyDto, UpdateAgencyDto } from './dto/agency.dto';

@Injectable()
export class AgenciesService {
  constructor(
    private readonly agencies: AgenciesRepository,
    private readonly states: StatesRepository,
    private readonly audit: AuditRepository,
    private readonly people: PeopleRepository,
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
      const a = await this.agencies.create({
        code: dto.code,
        name: dto.name.trim(),
        nameRu: dto.nameRu?.trim() ?? null,
        stateCode,
        kind,
      });
      await this.audit.append([auditEntry(p, req, 'agency_created', { code: a.code })]);
      return toAgencyDto(a);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        throw new DomainException(DomainErrorCode.Duplicate, `Agency ${dto.code} already exists`);
      throw err;
    }
  }

  /** Renames an agency (English and/or Russian name); its code, state and kind never change. */
  async update(p: Principal, code: string, dto: UpdateAgencyDto, req?: ApiRequest): Promise<AgencyDto> {
    const patch = {
      ...(dto.name !== undefined ? { name: dto.name.trim() } : {}),
      ...(dto.nameRu !== undefined ? { nameRu: dto.nameRu === null ? null : dto.nameRu.trim() } : {}),
    };
    if (Object.keys(patch).length === 0)
      throw invalid([{ field: 'name', message: 'give name and/or nameRu to change' }]);
    const a = await this.agencies.update(code, patch);
    if (!a) throw notFound(`Agency ${code}`);
    await this.audit.append([auditEntry(p, req, 'agency_updated', { code, changed: Object.keys(patch) })]);
    return toAgencyDto(a);
  }

  async list(stateCode?: string): Promise<AgencyListItemDto[]> {
    const agencies = await this.agencies.list(stateCode ? { stateCode } : {});
    const focal = await this.people.focalPointCounts(agencies.map((a) => a.code));
    return agencies.map((a) => ({ ...toAgencyDto(a), focalPoints: focal.get(a.code) ?? 0 }));
  }
}

export function toAgencyDto(a: {
  code: string;
  name: string;
  nameRu?: string | null;
  stateCode: string | null;
  kind: string;
}): AgencyDto {
  return { code: a.code, name: a.name, nameRu: a.nameRu ?? null, stateCode: a.stateCode, kind: a.kind };
}
