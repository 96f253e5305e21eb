import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { definitionId, definitionsNamedBy, type StepOfDefinition } from '@app/domain';
import { checkDefinition } from '@app/domain/process/definition-validation';
import type { ProcessDefinition } from '@app/domain/process/process-definition.schema';
import { getShippedDefinition, SHIPPED_DEFINITIONS } from '@app/domain/process/shipped-definitions';
import { AlreadyExistsError, AuditRepository, DefinitionsRepository } from '@app/persistence';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { DefinitionVersionDto } from './dto/definition.dto';

/**
 * Process definitions: the shipped ones (code) and versions uploaded by administrators (database). A case keeps
 * the version it started with: the full definition travels in its start input.
 */
@Injectable()
export class DefinitionsService {
  // A published version never changes (DefinitionsRepository inserts only, one row per key and version; shipped
  // versions are code), so a version once found is kept: lists name the same few versions on every request. A miss
  // is not kept (the version may be published next), nor is "the latest" (it moves). lru-cache: at most 200 versions;
  // concurrent lookups of one version share one query.
  private readonly versions = new LRUCache<string, ProcessDefinition, { key: string; version: number }>({
    max: 200,
    fetchMethod: (_id, _stale, { context }) => this.load(context.key, context.version),
  });

  constructor(
    private readonly stored: DefinitionsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The definition of a kind: the given version, or the latest of shipped and uploaded. */
  async resolve(key: string, version?: number): Promise<ProcessDefinition | undefined> {
    if (version === undefined) return this.load(key);
    return this.versions.fetch(definitionId(key, version), { context: { key, version } });
  }

  /**
   * The definitions `steps` name, each (key, version) resolved once, by DefinitionRef id: what stepTitlesOf reads.
   * Unknown versions map to undefined.
   */
  async namedBy(steps: readonly StepOfDefinition[]): Promise<Map<string, ProcessDefinition | undefined>> {
    const refs = definitionsNamedBy(steps);
    const found = await Promise.all(refs.map((d) => this.resolve(d.key, d.version)));
    return new Map(refs.map((d, i) => [d.id, found[i]]));
  }

  private async load(key: string, version?: number): Promise<ProcessDefinition | undefined> {
    const uploaded =
      version === undefined ? await this.stored.latest(key) : await this.stored.get(key, version);
    const shipped = getShippedDefinition(key, version);
    const candidates = [uploaded?.definition as ProcessDefinition | undefined, shipped].filter(
      (d): d is ProcessDefinition => d !== undefined,
    );
    return candidates.sort((a, b) => b.version - a.version)[0];
  }

  async upload(p: Principal, body: unknown, req?: ApiRequest): Promise<DefinitionVersionDto> {
    const check = checkDefinition(body);
    if (!check.ok) {
      throw new DomainException(
        DomainErrorCode.InvalidDefinition,
        check.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '),
        { errors: check.issues.map((i) => ({ field: i.path || '(root)', message: i.message })) },
      );
    }
    const def = check.definition;
    const latest = await this.resolve(def.key);
    if (getShippedDefinition(def.key, def.version) || (latest && def.version <= latest.version)) {
      throw new DomainException(
        DomainErrorCode.Duplicate,
        `Version ${def.version} of "${def.key}" exists; the next version is ${(latest?.version ?? 0) + 1}`,
      );
    }
    try {
      const row = await this.stored.publish({
        key: def.key,
        version: def.version,
        definition: def,
        publishedBy: p.personId,
      });
      await this.audit.append([
        auditEntry(p, req, 'definition_published', { key: def.key, version: def.version }),
      ]);
      return {
        key: def.key,
        version: def.version,
        title: def.title,
        source: 'uploaded',
        publishedAt: iso(row.publishedAt),
      };
    } catch (err) {
      if (err instanceof AlreadyExistsError) {
        throw new DomainException(DomainErrorCode.Duplicate, `Version ${def.version} of "${def.key}" exists`);
      }
      throw err;
    }
  }

  async list(key?: string): Promise<DefinitionVersionDto[]> {
    const shipped: DefinitionVersionDto[] = SHIPPED_DEFINITIONS.filter((d) => !key || d.key === key).map(
      (d) => ({
        key: d.key,
        version: d.version,
        title: d.title,
        source: 'shipped',
        publishedAt: null,
      }),
    );
    const keys = key ? [key] : (await this.stored.listLatest()).map((d) => d.key);
    const uploaded: DefinitionVersionDto[] = [];
    for (const k of keys) {
      for (const v of await this.stored.versions(k)) {
        // shipped definitions may also be stored (published at start-up): list them once, as shipped
        if (shipped.some((s) => s.key === v.key && s.version === v.version)) continue;
        const full = await this.stored.get(v.key, v.version);
        uploaded.push({
          key: v.key,
          version: v.version,
          title: (full?.definition as ProcessDefinition | undefined)?.title ?? { ru: v.key, en: v.key },
          source: 'uploaded',
          publishedAt: iso(v.publishedAt),
        });
      }
    }
    return [...shipped, ...uploaded].sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
  }

  async get(key: string, version: number): Promise<ProcessDefinition> {
    const shipped = getShippedDefinition(key, version);
    if (shipped) return shipped;
    const row = await this.stored.get(key, version);
    if (!row)
      throw new DomainException(DomainErrorCode.NotFound, `No version ${version} of definition "${key}"`);
    return row.definition as ProcessDefinition;
  }
}

function iso(d: Date | string | null | undefined): string | null {
  if (!d) return null;
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}
