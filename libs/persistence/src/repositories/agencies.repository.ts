import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AgencyEntity, type AgencyKind } from '../entities/agency.entity';
import { translateWriteError } from '../persistence.errors';

export interface NewAgency {
  code: string;
  name: string;
  nameRu?: string | null;
  /** null for international organisations */
  stateCode: string | null;
  kind?: AgencyKind;
}

@Injectable()
export class AgenciesRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async create(input: NewAgency): Promise<AgencyEntity> {
    const repo = this.dataSource.getRepository(AgencyEntity);
    try {
      await repo.insert(this.row(input));
    } catch (err) {
      translateWriteError(err, 'agency', input.code);
    }
    return repo.findOneByOrFail({ code: input.code });
  }

  /** Inserts the agencies that do not exist yet; returns how many were inserted. */
  async insertMissing(agencies: NewAgency[]): Promise<number> {
    if (agencies.length === 0) return 0;
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AgencyEntity)
      .values(agencies.map((a) => this.row(a)))
      .orIgnore()
      .returning('code')
      .execute();
    return (result.raw as unknown[]).length;
  }

  get(code: string): Promise<AgencyEntity | null> {
    return this.dataSource.getRepository(AgencyEntity).findOneBy({ code });
  }

  list(filter: { stateCode?: string; kind?: AgencyKind } = {}): Promise<AgencyEntity[]> {
    return this.dataSource.getRepository(AgencyEntity).find({
      where: {
        ...(filter.stateCode ? { stateCode: filter.stateCode } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
      },
      order: { code: 'ASC' },
    });
  }

  /** The state of each agency among `codes` that exists (null for international organisations), in one statement. */
  async statesOf(codes: string[]): Promise<Map<string, string | null>> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ code: string; state_code: string | null }>>(
      `SELECT code, state_code FROM agencies WHERE code = ANY($1::text[])`,
      [unique],
    );
    return new Map(rows.map((r) => [r.code, r.state_code]));
  }

  /** The codes among `codes` that name no agency (for validating imports and case input). */
  async missing(codes: string[]): Promise<string[]> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) return [];
    const found = await this.dataSource
      .getRepository(AgencyEntity)
      .find({ select: { code: true }, where: { code: In(unique) } });
    const known = new Set(found.map((a) => a.code));
    return unique.filter((c) => !known.has(c));
  }

  async update(code: string, patch: Partial<Omit<NewAgency, 'code'>>): Promise<AgencyEntity | null> {
    const repo = this.dataSource.getRepository(AgencyEntity);
    if (Object.keys(patch).length > 0) {
      try {
        await repo.update({ code }, patch);
      } catch (err) {
        translateWriteError(err, 'agency', code);
      }
    }
    return repo.findOneBy({ code });
  }

  private row(a: NewAgency): Partial<AgencyEntity> {
    return {
      code: a.code,
      name: a.name,
      nameRu: a.nameRu ?? null,
      stateCode: a.stateCode,
      kind: a.kind ?? (a.stateCode === null ? 'international' : 'agency'),
    };
  }
}
