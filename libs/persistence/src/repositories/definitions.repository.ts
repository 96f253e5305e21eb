import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlreadyExistsError, isUniqueViolation } from '../persistence.errors';
import { iso } from '../sql-params';

export interface StoredDefinition {
  key: string;
  version: number;
  definition: unknown;
  publishedBy: string | null;
  publishedAt: string;
}

interface DefinitionRow {
  key: string;
  version: number;
  definition: unknown;
  published_by: string | null;
  published_at: Date;
}

const SELECT = `SELECT key, version, definition, published_by, published_at FROM process_definitions`;

/** Versioned process definitions. A published version never changes; running cases keep theirs. */
@Injectable()
export class DefinitionsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Publishes a definition (validated by the caller). Without `version` it becomes the next one of its key;
   * an explicit version that exists is refused with AlreadyExistsError.
   */
  async publish(input: {
    key: string;
    definition: unknown;
    publishedBy: string | null;
    version?: number;
  }): Promise<StoredDefinition> {
    return this.dataSource.transaction(async (m) => {
      // serialise publications of one key so "next version" is never taken twice
      await m.query(`SELECT pg_advisory_xact_lock(1540, hashtext($1))`, [input.key]);
      let version = input.version;
      if (version === undefined) {
        const rows = await m.query<{ v: number }[]>(
          `SELECT coalesce(max(version), 0) + 1 AS v FROM process_definitions WHERE key = $1`,
          [input.key],
        );
        version = rows[0].v;
      }
      try {
        const rows = await m.query<DefinitionRow[]>(
          `INSERT INTO process_definitions (key, version, definition, published_by) VALUES ($1, $2, $3::jsonb, $4)
           RETURNING key, version, definition, published_by, published_at`,
          [input.key, version, JSON.stringify(input.definition), input.publishedBy],
        );
        return toDefinition(rows[0]);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AlreadyExistsError('process definition', `${input.key}@${version}`);
        throw err;
      }
    });
  }

  /** Publishes `version` of `key` unless it exists (shipped definitions at start-up); returns whether it was inserted. */
  async publishIfMissing(input: {
    key: string;
    version: number;
    definition: unknown;
    publishedBy: string | null;
  }): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO process_definitions (key, version, definition, published_by) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (key, version) DO NOTHING RETURNING key`,
      [input.key, input.version, JSON.stringify(input.definition), input.publishedBy],
    );
    return rows.length > 0;
  }

  async get(key: string, version: number): Promise<StoredDefinition | null> {
    const rows = await this.dataSource.query<DefinitionRow[]>(`${SELECT} WHERE key = $1 AND version = $2`, [
      key,
      version,
    ]);
    return rows[0] ? toDefinition(rows[0]) : null;
  }

  async latest(key: string): Promise<StoredDefinition | null> {
    const rows = await this.dataSource.query<DefinitionRow[]>(
      `${SELECT} WHERE key = $1 ORDER BY version DESC LIMIT 1`,
      [key],
    );
    return rows[0] ? toDefinition(rows[0]) : null;
  }

  async versions(key: string): Promise<Omit<StoredDefinition, 'definition'>[]> {
    const rows = await this.dataSource.query<DefinitionRow[]>(
      `SELECT key, version, NULL AS definition, published_by, published_at FROM process_definitions WHERE key = $1 ORDER BY version`,
      [key],
    );
    return rows.map((r) => {
      const { definition: _definition, ...rest } = toDefinition(r);
      return rest;
    });
  }

  /** The latest version of every key. */
  async listLatest(): Promise<StoredDefinition[]> {
    const rows = await this.dataSource.query<DefinitionRow[]>(
      `SELECT DISTINCT ON (key) key, version, definition, published_by, published_at FROM process_definitions
       ORDER BY key, version DESC`,
    );
    return rows.map(toDefinition);
  }
}

function toDefinition(r: DefinitionRow): StoredDefinition {
  return {
    key: r.key,
    version: r.version,
    definition: r.definition,
    publishedBy: r.published_by,
    publishedAt: iso(r.published_at) as string,
  };
}
