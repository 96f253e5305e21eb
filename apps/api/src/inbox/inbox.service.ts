import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { stepTitlesOf } from '@app/domain';
import { PeopleRepository, StepsRepository } from '@app/persistence';
import { DefinitionsService } from '../admin/definitions.service';
import { AccessScopeService } from '../common/access-scope.service';
import { type Principal, todayOf } from '../common/principal';
import type { InboxDto } from './inbox.dto';

/** How long a deputy assignment may take to show in (or leave) the deputy's inbox. */
export const DEPUTIES_TTL_MS = 5_000;

interface DeputiesKey {
  personId: string;
  stateCode: string;
  today: string;
}

@Injectable()
export class InboxService {
  // Who stands in for whom only widens the inbox within the caller's own scope (the inbox query applies it), so a
  // few seconds of staleness never shows anything the caller may not read; acting as a deputy is checked afresh
  // (CasesService). Keyed by the day, so a new day never reuses yesterday's absences.
  // lru-cache: at most 10,000 callers, each entry DEPUTIES_TTL_MS at most; concurrent requests of one caller share
  // one lookup, and a failed lookup is not kept.
  private readonly deputies = new LRUCache<string, string[], DeputiesKey>({
    max: 10_000,
    ttl: DEPUTIES_TTL_MS,
    // the wall clock rather than lru-cache's default performance.now(): the same clock as `today` in the key
    perf: { now: () => Date.now() },
    fetchMethod: (_key, _stale, { context }) =>
      this.people.agenciesDeputisedBy(context.personId, context.stateCode, context.today),
  });

  constructor(
    private readonly steps: StepsRepository,
    private readonly people: PeopleRepository,
    private readonly scopes: AccessScopeService,
    private readonly definitions: DefinitionsService,
  ) {}

  /**
   * The open steps waiting on the caller's agency, on the agencies of the colleagues they stand in for today and,
   * for coordinators, on the coordinator.
   */
  async inbox(p: Principal, page: number, pageSize: number): Promise<InboxDto> {
    if (p.role === 'observer') return { items: [], total: 0, page, pageSize };
    const agencies = new Set([p.agencyCode]);
    // the national coordinator's steps: a coordinator's of their own state (none without one: an international
    // organisation's), an administrator's of every state
    const coordinatorOf =
      p.role === 'admin'
        ? { stateCode: null }
        : p.role === 'coordinator' && p.stateCode !== null
          ? { stateCode: p.stateCode }
          : undefined;
    if (p.stateCode) {
      const today = todayOf(p);
      const key: DeputiesKey = { personId: p.personId, stateCode: p.stateCode, today };
      const deputised = await this.deputies.fetch(`${key.personId}|${key.stateCode}|${key.today}`, {
        context: key,
      });
      for (const agency of deputised ?? []) agencies.add(agency);
    }
    const result = await this.steps.inbox(
      [...agencies],
      await this.scopes.of(p),
      { limit: pageSize, offset: (page - 1) * pageSize },
      undefined,
      coordinatorOf,
    );
    // the step's name in every language of its case's definition: one lookup per (key, version) on the page
    const definitions = await this.definitions.namedBy(result.items);
    return {
      items: result.items.map((i) => {
        const stepTitles = stepTitlesOf(i, definitions);
        return {
          caseId: i.caseId,
          caseCode: i.caseCode,
          caseTitle: i.caseTitle,
          caseKind: i.caseKind,
          planCode: i.planCode,
          stateCode: i.stateCode,
          stepKey: i.stepKey,
          stepTitle: i.stepTitle,
          ...(stepTitles ? { stepTitles } : {}),
          stepKind: i.stepKind,
          assignees: i.assignees,
          dueOn: i.dueOn,
          dueAt: i.dueAt,
          overdue: i.overdue,
          startedAt: i.startedAt,
        };
      }),
      total: result.total,
      page,
      pageSize,
    };
  }
}
