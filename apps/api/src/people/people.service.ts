import { Injectable } from '@nestjs/common';
import {
  AgenciesRepository,
  AlreadyExistsError,
  AuditRepository,
  PeopleRepository,
  type Person,
  TokensRepository,
} from '@app/persistence';
import { hashPassword } from '../auth/password';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException, invalid, notFound } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { CreatePersonDto, PersonDto, SetDeputyDto, UpdatePersonDto } from './dto/person.dto';

@Injectable()
export class PeopleService {
  constructor(
    private readonly people: PeopleRepository,
    private readonly agencies: AgenciesRepository,
    private readonly audit: AuditRepository,
    private readonly tokens: TokensRepository,
  ) {}

  async create(p: Principal, dto: CreatePersonDto, req?: ApiRequest): Promise<PersonDto> {
    await this.assertAgency(dto.agencyCode);
    const passwordHash = await hashPassword(dto.password);
    try {
      const person = await this.people.create({
        email: dto.email,
        name: dto.name,
        agencyCode: dto.agencyCode,
        role: dto.role,
        language: dto.language,
        passwordHash,
      });
      await this.audit.append([
        auditEntry(p, req, 'person_created', {
          personId: person.id,
          role: person.role,
          agency: person.agencyCode,
        }),
      ]);
      return toPersonDto(person);
    } catch (err) {
      if (err instanceof AlreadyExistsError) {
        throw new DomainException(
          DomainErrorCode.Duplicate,
          `A person with email ${dto.email.toLowerCase()} already exists`,
        );
      }
      throw err;
    }
  }

  async list(filter: { agencyCode?: string }): Promise<PersonDto[]> {
    return (await this.people.list(filter)).map(toPersonDto);
  }

  async get(id: string): Promise<PersonDto> {
    const person = await this.people.findById(id);
    if (!person) throw notFound(`Person ${id}`);
    return toPersonDto(person);
  }

  async update(p: Principal, id: string, dto: UpdatePersonDto, req?: ApiRequest): Promise<PersonDto> {
    if (!(await this.people.findById(id))) throw notFound(`Person ${id}`);
    if (dto.agencyCode) await this.assertAgency(dto.agencyCode);
    const patch = {
      ...(dto.name !== undefined ? { name: dto.name.trim() } : {}),
      ...(dto.role ? { role: dto.role } : {}),
      ...(dto.agencyCode ? { agencyCode: dto.agencyCode } : {}),
      ...(dto.language ? { language: dto.language } : {}),
      ...(dto.active !== undefined ? { active: dto.active } : {}),
      ...(dto.password ? { passwordHash: await hashPassword(dto.password) } : {}),
    };
    if (Object.keys(patch).length === 0) {
      throw invalid([
        { field: 'body', message: 'give at least one of name, role, agencyCode, language, active, password' },
      ]);
    }
    const updated = await this.people.update(id, patch);
    if (!updated) throw notFound(`Person ${id}`);
    // a new password or a disabled account ends the person's sessions (re-enabling does not bring them back); the
    // caller's own session survives a change of their own password
    if (dto.password || dto.active === false)
      await this.tokens.revokeAllFor(
        id,
        new Date(),
        id === p.personId && dto.active !== false ? p.tokenId : undefined,
      );
    const changed = Object.keys(patch).map((k) => (k === 'passwordHash' ? 'password' : k));
    await this.audit.append([auditEntry(p, req, 'person_updated', { personId: id, changed })]);
    return toPersonDto(updated);
  }

  /** Records who stands in for `id` while they are away. */
  async setDeputy(p: Principal, id: string, dto: SetDeputyDto, req?: ApiRequest): Promise<PersonDto> {
    if (dto.until < dto.from) throw invalid([{ field: 'until', message: 'until must not be before from' }]);
    if (dto.deputyId === id)
      throw invalid([{ field: 'deputyId', message: 'a person cannot deputise for themselves' }]);
    if (!(await this.people.findById(id))) throw notFound(`Person ${id}`);
    if (!(await this.people.findById(dto.deputyId)))
      throw invalid([{ field: 'deputyId', message: 'no such person' }]);
    const updated = await this.people.update(id, {
      deputyId: dto.deputyId,
      awayFrom: dto.from,
      awayUntil: dto.until,
    });
    await this.audit.append([
      auditEntry(p, req, 'deputy_set', {
        personId: id,
        deputyId: dto.deputyId,
        from: dto.from,
        until: dto.until,
      }),
    ]);
    return toPersonDto(updated as Person);
  }

  private async assertAgency(code: string): Promise<void> {
    if ((await this.agencies.missing([code])).length)
      throw invalid([{ field: 'agencyCode', message: `no agency ${code}` }]);
  }
}

export function toPersonDto(p: Person): PersonDto {
  return {
    id: p.id,
    email: p.email,
    name: p.name,
    agencyCode: p.agencyCode,
    role: p.role,
    language: p.language,
    active: p.active,
    deputy:
      p.deputyId && p.awayFrom && p.awayUntil
        ? { deputyId: p.deputyId, from: p.awayFrom, until: p.awayUntil }
        : null,
  };
}
