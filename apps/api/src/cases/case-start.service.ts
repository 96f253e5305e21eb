import { Injectable } from '@nestjs/common';
import type { Actor, StartCaseInput } from '@app/domain/case/case.types';
import {
  AgenciesRepository,
  CasesRepository,
  type Plan,
  PlansRepository,
  StatesRepository,
  type Weapon,
} from '@app/persistence';
import { CaseWorkflowClient } from '@app/temporal';
import { DefinitionsService } from '../admin/definitions.service';
import { DomainErrorCode, DomainException, type FieldError, invalid } from '../common/domain.exception';
import { TemporalCalls } from '../common/temporal-calls.service';

export interface CaseStartRequest {
  kind: string;
  code: string;
  title: string;
  leadAgency: string;
  supportingAgencies?: string[];
  dueOn: string | null;
  area?: { paragraph?: string; weaponType?: string };
  definitionVersion?: number;
  participants?: Record<string, string[]>;
}

export interface StartedCaseView {
  id: string;
  workflowId: string;
  status: string;
}

/** What is wrong with a case before anything is written: each problem with its field (used by create and import). */
export interface CaseCheck {
  errors: FieldError[];
  input?: Omit<StartCaseInput, 'startedBy'> & { area: { paragraph: string | null; weapon: Weapon | null } };
}

/**
 * Creating a case: reserve its row (the business key is unique), then start its workflow (whose id is the same
 * business key). A second create answers 409 with the existing case and starts nothing.
 */
@Injectable()
export class CaseStartService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly agencies: AgenciesRepository,
    private readonly plans: PlansRepository,
    private readonly states: StatesRepository,
    private readonly definitions: DefinitionsService,
    private readonly workflows: CaseWorkflowClient,
    private readonly calls: TemporalCalls,
  ) {}

  /**
   * Why each of `codes` cannot take part in a case of `plan`, if it cannot: no such agency, or an agency of another
   * state (or an international organisation) the plan is not shared with, which would see neither the case nor its
   * emails, so its steps would wait for ever. Codes absent from the map may take part.
   */
  async unreachable(plan: Pick<Plan, 'code' | 'stateCode'>, codes: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const stateOf = await this.agencies.statesOf(codes);
    const outside = [...stateOf].filter(([, state]) => state !== plan.stateCode);
    const shares = outside.length > 0 ? await this.plans.shares(plan.code) : [];
    for (const code of new Set(codes)) {
      if (!stateOf.has(code)) {
        out.set(code, `unknown agency ${code}`);
        continue;
      }
      const state = stateOf.get(code) ?? null;
      if (state === plan.stateCode) continue;
      const shared = shares.some((s) => s.agencyCode === code || (state !== null && s.stateCode === state));
      if (!shared) {
        out.set(
          code,
          `${code} (${state ?? 'an international organisation'}) cannot see plan ${plan.code}: share the plan ` +
            `with ${state === null ? 'the organisation' : 'the agency or its state'} first`,
        );
      }
    }
    return out;
  }

  /** Checks one request (see prepare). */
  async check(plan: Plan, r: CaseStartRequest): Promise<CaseCheck> {
    return (await this.prepare(plan, [r]))[0];
  }

  /** Checks many requests of one plan with a handful of queries (imports): each result lists its own problems. */
  async prepare(plan: Plan, requests: CaseStartRequest[]): Promise<CaseCheck[]> {
    const state = await this.states.get(plan.stateCode);
    const referenced = requests.flatMap((r) => [
      r.leadAgency,
      ...(r.supportingAgencies ?? []),
      ...Object.values(r.participants ?? {}).flatMap((l) =>
        Array.isArray(l) ? l.filter((a) => typeof a === 'string') : [],
      ),
    ]);
    const unreachable = await this.unreachable(plan, referenced);
    const definitions = new Map<string, Awaited<ReturnType<DefinitionsService['resolve']>>>();
    for (const r of requests) {
      const k = `${r.kind}@${r.definitionVersion ?? ''}`;
      if (!definitions.has(k))
        definitions.set(k, await this.definitions.resolve(r.kind, r.definitionVersion));
    }
    return requests.map((r) => {
      const errors: FieldError[] = [];
      const definition = definitions.get(`${r.kind}@${r.definitionVersion ?? ''}`);
      if (!definition) {
        errors.push(
          r.definitionVersion === undefined
            ? { field: 'kind', message: `no process definition "${r.kind}"` }
            : { field: 'definitionVersion', message: `no version ${r.definitionVersion} of "${r.kind}"` },
        );
      }
      const supporting = [...new Set(r.supportingAgencies ?? [])];
      const participants = r.participants ?? {};
      for (const [name, list] of Object.entries(participants)) {
        if (!/^[a-z][a-z0-9_]*$/.test(name))
          errors.push({ field: `participants.${name}`, message: 'must be a snake_case role name' });
        if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) {
          errors.push({ field: `participants.${name}`, message: 'must be a list of agency codes' });
          continue;
        }
        for (const a of list) {
          const why = unreachable.get(a);
          if (why) errors.push({ field: `participants.${name}`, message: why });
        }
      }
      const leadWhy = unreachable.get(r.leadAgency);
      if (leadWhy) errors.push({ field: 'leadAgency', message: leadWhy });
      supporting.forEach((a, i) => {
        const why = unreachable.get(a);
        if (why) errors.push({ field: `supportingAgencies.${i}`, message: why });
      });
      if (supporting.includes(r.leadAgency))
        errors.push({ field: 'supportingAgencies', message: 'must not contain the lead agency' });
      if (!state)
        errors.push({ field: 'planCode', message: `the plan's state ${plan.stateCode} does not exist` });
      if (errors.length || !definition || !state) return { errors };
      return {
        errors,
        input: {
          planCode: plan.code,
          caseCode: r.code,
          kind: r.kind,
          title: r.title,
          stateCode: plan.stateCode,
          timeZone: state.timeZone,
          leadAgency: r.leadAgency,
          supportingAgencies: supporting,
          participants,
          dueOn: r.dueOn,
          definition,
          area: {
            paragraph: r.area?.paragraph?.toUpperCase() ?? null,
            weapon: (r.area?.weaponType as Weapon | undefined) ?? null,
          },
        },
      };
    });
  }

  /** Checks, reserves and starts; throws 400 on bad input, 409 naming the existing case on a duplicate. */
  async start(plan: Plan, r: CaseStartRequest, actor: Actor): Promise<StartedCaseView> {
    const checked = await this.check(plan, r);
    if (!checked.input) throw invalid(checked.errors);
    return this.startChecked(checked.input, actor);
  }

  async startChecked(input: NonNullable<CaseCheck['input']>, actor: Actor): Promise<StartedCaseView> {
    const { area, ...start } = input;
    const workflowId = CaseWorkflowClient.workflowId(start.planCode, start.caseCode);
    const definition = start.definition as { key: string; version: number };
    const reserved = await this.cases.reserve({
      planCode: start.planCode,
      stateCode: start.stateCode,
      kind: start.kind,
      code: start.caseCode,
      workflowId,
      title: start.title,
      leadAgency: start.leadAgency,
      supportingAgencies: start.supportingAgencies,
      areaParagraph: area.paragraph,
      areaWeapon: area.weapon,
      dueOn: start.dueOn,
      timeZone: start.timeZone,
      definitionKey: definition.key,
      definitionVersion: definition.version,
    });
    if (!reserved.created) throw duplicate(reserved.case);
    let started;
    try {
      started = await this.calls.run(() => this.workflows.start({ ...start, startedBy: actor }), 30_000);
    } catch (err) {
      // nothing half-written: the reservation goes when the workflow could not start
      await this.cases.releaseReservation(reserved.case.id).catch(() => undefined);
      throw err;
    }
    if (started.alreadyStarted) throw duplicate(reserved.case);
    return { id: reserved.case.id, workflowId, status: 'active' };
  }
}

function duplicate(existing: {
  id: string;
  workflowId: string;
  code: string;
  planCode: string;
  status: string;
}): DomainException {
  return new DomainException(
    DomainErrorCode.Duplicate,
    `Case ${existing.code} already exists in plan ${existing.planCode}`,
    { existing: { id: existing.id, workflowId: existing.workflowId, status: existing.status } },
  );
}
