import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Language, Role } from '@app/domain/case/case.types';
import { PersonEntity } from '../entities/person.entity';
import { translateWriteError } from '../persistence.errors';

export interface NewPerson {
  id?: string;
  email: string;
  name: string;
  language: Language;
  agencyCode: string;
  role: Role;
  passwordHash: string | null;
  deputyId?: string | null;
  awayFrom?: string | null;
  awayUntil?: string | null;
  active?: boolean;
}

export type PersonPatch = Partial<Omit<NewPerson, 'id' | 'email'>>;

/** A person as the rest of napflow sees them: never the password hash. */
export interface Person {
  id: string;
  email: string;
  name: string;
  language: Language;
  agencyCode: string;
  stateCode: string | null;
  role: Role;
  deputyId: string | null;
  awayFrom: string | null;
  awayUntil: string | null;
  active: boolean;
}

export interface Recipient {
  personId: string;
  email: string;
  name: string;
  language: Language;
  agencyCode: string;
  /** the state of the recipient's agency (null: an international organisation) */
  agencyStateCode: string | null;
  role: Role;
  /** set when the recipient stands in for an absent focal point */
  deputyFor: string | null;
}

export interface PersonRow {
  id: string;
  email: string;
  name: string;
  language: Language;
  agency_code: string;
  state_code: string | null;
  role: Role;
  deputy_id: string | null;
  away_from: string | null;
  away_until: string | null;
  active: boolean;
  password_hash?: string | null;
}

/** The columns of a PersonRow, from `people p JOIN agencies a ON a.code = p.agency_code`. */
export const PERSON_COLUMNS = `p.id, p.email, p.name, p.language, p.agency_code, a.state_code, p.role, p.deputy_id,
         p.away_from::text AS away_from, p.away_until::text AS away_until, p.active`;

const SELECT_PERSON = `
  SELECT ${PERSON_COLUMNS}`;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class PeopleRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async create(input: NewPerson): Promise<Person> {
    const id = input.id ?? randomUUID();
    const email = normaliseEmail(input.email);
    try {
      await this.dataSource.getRepository(PersonEntity).insert({
        id,
        email,
        name: input.name,
        language: input.language,
        agencyCode: input.agencyCode,
        role: input.role,
        passwordHash: input.passwordHash,
        deputyId: input.deputyId ?? null,
        awayFrom: input.awayFrom ?? null,
        awayUntil: input.awayUntil ?? null,
        active: input.active ?? true,
        updatedAt: new Date(),
      });
    } catch (err) {
      translateWriteError(err, 'person', email);
    }
    return (await this.findById(id)) as Person;
  }

  async findById(id: string): Promise<Person | null> {
    const rows = await this.dataSource.query<PersonRow[]>(
      `${SELECT_PERSON} FROM people p JOIN agencies a ON a.code = p.agency_code WHERE p.id = $1`,
      [id],
    );
    return rows[0] ? toPerson(rows[0]) : null;
  }

  async findByEmail(email: string): Promise<Person | null> {
    const rows = await this.dataSource.query<PersonRow[]>(
      `${SELECT_PERSON} FROM people p JOIN agencies a ON a.code = p.agency_code WHERE p.email = $1`,
      [normaliseEmail(email)],
    );
    return rows[0] ? toPerson(rows[0]) : null;
  }

  /** For login only: the person and their password hash. */
  async findCredentials(email: string): Promise<{ person: Person; passwordHash: string | null } | null> {
    const rows = await this.dataSource.query<PersonRow[]>(
      `${SELECT_PERSON}, p.password_hash FROM people p JOIN agencies a ON a.code = p.agency_code WHERE p.email = $1`,
      [normaliseEmail(email)],
    );
    return rows[0] ? { person: toPerson(rows[0]), passwordHash: rows[0].password_hash ?? null } : null;
  }

  async list(filter: { agencyCode?: string; stateCode?: string; role?: Role } = {}): Promise<Person[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.agencyCode) where.push(`p.agency_code = $${params.push(filter.agencyCode)}`);
    if (filter.stateCode) where.push(`a.state_code = $${params.push(filter.stateCode)}`);
    if (filter.role) where.push(`p.role = $${params.push(filter.role)}`);
    const rows = await this.dataSource.query<PersonRow[]>(
      `${SELECT_PERSON} FROM people p JOIN agencies a ON a.code = p.agency_code
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.agency_code, p.email`,
      params,
    );
    return rows.map(toPerson);
  }

  /**
   * The agencies of the people of `stateCode` who are away on local date `on` and named `deputyId` as their deputy
   * (the inbox shows their steps to the deputy); active people only, as acting as their deputy requires.
   */
  async agenciesDeputisedBy(deputyId: string, stateCode: string, on: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ agency_code: string }[]>(
      `SELECT p.agency_code FROM people p JOIN agencies a ON a.code = p.agency_code
       WHERE p.deputy_id = $1 AND a.state_code = $2 AND p.active
         AND p.away_from <= $3::date AND (p.away_until IS NULL OR p.away_until >= $3::date)
       ORDER BY p.agency_code, p.email`,
      [deputyId, stateCode, on],
    );
    return rows.map((r) => r.agency_code);
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(PersonEntity).count();
  }

  async update(id: string, patch: PersonPatch): Promise<Person | null> {
    if (Object.keys(patch).length > 0) {
      try {
        await this.dataSource.getRepository(PersonEntity).update({ id }, { ...patch, updatedAt: new Date() });
      } catch (err) {
        translateWriteError(err, 'person', id);
      }
    }
    return this.findById(id);
  }

  /**
   * Those of `agencies` that have an active focal point: someone who receives their steps' mail and acts on them (an
   * away focal point's mail goes to their deputy, or to them when they have none).
   */
  async agenciesWithFocalPoint(agencies: string[]): Promise<Set<string>> {
    return new Set((await this.focalPointCounts(agencies)).keys());
  }

  /** How many active focal points each of `agencies` has; an agency with none is absent from the map. */
  async focalPointCounts(agencies: string[]): Promise<Map<string, number>> {
    if (agencies.length === 0) return new Map();
    const rows = await this.dataSource.query<{ agency_code: string; n: number }[]>(
      `SELECT agency_code, count(*)::int AS n FROM people
       WHERE active AND role = 'focal_point' AND agency_code = ANY($1::text[])
       GROUP BY agency_code`,
      [[...new Set(agencies)]],
    );
    return new Map(rows.map((r) => [r.agency_code, r.n]));
  }

  /**
   * Who receives mail for `agencies` on local date `on`: their active focal points, each replaced by their active
   * deputy while away; plus the coordinators of `coordinatorsOfStates`. Deduplicated by person.
   */
  async recipients(input: {
    agencies: string[];
    coordinatorsOfStates?: string[];
    on: string;
  }): Promise<Recipient[]> {
    const rows = await this.dataSource.query<
      {
        id: string;
        email: string;
        name: string;
        language: Language;
        agency_code: string;
        agency_state_code: string | null;
        role: Role;
        deputy_for: string | null;
      }[]
    >(
      `WITH focal AS (
         SELECT p.* FROM people p
         WHERE p.active AND p.role = 'focal_point' AND p.agency_code = ANY($1::text[])
       ), resolved AS (
         SELECT CASE WHEN away AND d.id IS NOT NULL THEN d.id ELSE f.id END AS id,
                CASE WHEN away AND d.id IS NOT NULL THEN f.id END AS deputy_for
         FROM (SELECT focal.*, (away_from IS NOT NULL AND away_from <= $3::date
                                AND (away_until IS NULL OR away_until >= $3::date)) AS away FROM focal) f
         LEFT JOIN people d ON d.id = f.deputy_id AND d.active
         UNION ALL
         SELECT p.id, NULL FROM people p JOIN agencies a ON a.code = p.agency_code
         WHERE p.active AND p.role = 'coordinator' AND a.state_code = ANY($2::text[])
       )
       SELECT DISTINCT ON (p.id) p.id, p.email, p.name, p.language, p.agency_code, a.state_code AS agency_state_code,
              p.role, r.deputy_for
       FROM resolved r JOIN people p ON p.id = r.id JOIN agencies a ON a.code = p.agency_code
       ORDER BY p.id, r.deputy_for NULLS FIRST`,
      [input.agencies, input.coordinatorsOfStates ?? [], input.on],
    );
    return rows.map((r) => ({
      personId: r.id,
      email: r.email,
      name: r.name,
      language: r.language,
      agencyCode: r.agency_code,
      agencyStateCode: r.agency_state_code,
      role: r.role,
      deputyFor: r.deputy_for,
    }));
  }
}

export function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    language: r.language,
    agencyCode: r.agency_code,
    stateCode: r.state_code,
    role: r.role,
    deputyId: r.deputy_id,
    awayFrom: r.away_from,
    awayUntil: r.away_until,
    active: r.active,
  };
}
