import { Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { calendarYearsNeeded, CommandRefused, previewStart, type StartPreview } from '@app/domain';
import type { Actor, NotificationKind, StartCaseInput } from '@app/domain/case/case.types';
import type { StepTitles } from '@app/domain/process/step-titles';
import { holidayCalendarOf } from '@app/domain/holidays';
import { createCalendarActivities } from '@app/activities/calendar.activities';
import {
  AgenciesRepository,
  CasesRepository,
  PeopleRepository,
  type Plan,
  PlansRepository,
  type StateEntity,
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

/**
 * Something a coordinator should know before a case starts, as facts (for a reader's own language) and in English
 * words (`message`), like the API's problem details.
 */
export const START_WARNING_CODES = ['deadline_passed', 'step_overdue', 'no_focal_point'] as const;

export interface StartWarning {
  code: (typeof START_WARNING_CODES)[number];
  message: string;
  /** the passed deadline, or the overdue step's due date (not on no_focal_point) */
  dueOn?: string;
  /**
   * step_overdue: the step, its names, who must act (empty: the national coordinator) and its first notice;
   * no_focal_point: the step, its names, and the agencies it waits on that have no active focal point
   */
  step?: string;
  stepTitles?: StepTitles;
  assignees?: string[];
  notice?: { kind: NotificationKind; at: string } | null;
}

export interface StartedCaseView {
  id: string;
  workflowId: string;
  status: string;
  /** see CaseCheck.warnings */
  warnings: StartWarning[];
}

/** What is wrong with a case before anything is written: each problem with its field (used by create and import). */
/** Why an agency cannot take part in a case of a plan. */
export interface Unreachable {
  code: 'agency_unknown' | 'agency_not_shared';
  message: string;
}

/** A field's problem, and (for the import report's problems) what it is as a code and facts. */
export interface CheckError extends FieldError {
  problem?: { code: string; params: Record<string, string | number> };
}

export interface CaseCheck {
  errors: CheckError[];
  /** what the start would do that a coordinator should know first: a deadline already past, steps starting overdue */
  warnings: StartWarning[];
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
    private readonly people: PeopleRepository,
    private readonly definitions: DefinitionsService,
    private readonly workflows: CaseWorkflowClient,
    private readonly calls: TemporalCalls,
  ) {}

  /**
   * Why each of `codes` cannot take part in a case of `plan`, if it cannot: no such agency, or an agency of another
   * state (or an international organisation) the plan is not shared with, which would see neither the case nor its
   * emails, so its steps would wait for ever. Codes absent from the map may take part.
   */
  async unreachable(
    plan: Pick<Plan, 'code' | 'stateCode'>,
    codes: string[],
  ): Promise<Map<string, Unreachable>> {
    const out = new Map<string, Unreachable>();
    const stateOf = await this.agencies.statesOf(codes);
    const outside = [...stateOf].filter(([, state]) => state !== plan.stateCode);
    const shares = outside.length > 0 ? await this.plans.shares(plan.code) : [];
    for (const code of new Set(codes)) {
      if (!stateOf.has(code)) {
        out.set(code, { code: 'agency_unknown', message: `unknown agency ${code}` });
        continue;
      }
      const state = stateOf.get(code) ?? null;
      if (state === plan.stateCode) continue;
      const shared = shares.some((s) => s.agencyCode === code || (state !== null && s.stateCode === state));
      if (!shared) {
        out.set(code, {
          code: 'agency_not_shared',
          message:
            `${code} (${state ?? 'an international organisation'}) cannot see plan ${plan.code}: share the plan ` +
            `with ${state === null ? 'the organisation' : 'the agency or its state'} first`,
        });
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
    const checks = requests.map((r): CaseCheck => {
      const errors: CheckError[] = [];
      const unreachableAs = (field: string, agency: string): void => {
        const why = unreachable.get(agency);
        if (why)
          errors.push({
            field,
            message: why.message,
            problem: { code: why.code, params: { value: agency } },
          });
      };
      const definition = definitions.get(`${r.kind}@${r.definitionVersion ?? ''}`);
      if (!definition) {
        errors.push(
          r.definitionVersion === undefined
            ? {
                field: 'kind',
                message: `no process definition "${r.kind}"`,
                problem: { code: 'kind_unknown', params: { value: r.kind } },
              }
            : {
                field: 'definitionVersion',
                message: `no version ${r.definitionVersion} of "${r.kind}"`,
                problem: { code: 'version_unknown', params: { value: r.definitionVersion, kind: r.kind } },
              },
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
        for (const a of list) unreachableAs(`participants.${name}`, a);
      }
      unreachableAs('leadAgency', r.leadAgency);
      supporting.forEach((a, i) => unreachableAs(`supportingAgencies.${i}`, a));
      if (supporting.includes(r.leadAgency))
        errors.push({
          field: 'supportingAgencies',
          message: 'must not contain the lead agency',
          problem: { code: 'lead_supporting', params: { value: r.leadAgency } },
        });
      if (!state)
        errors.push({ field: 'planCode', message: `the plan's state ${plan.stateCode} does not exist` });
      if (errors.length || !definition || !state) return { errors, warnings: [] };
      return {
        errors,
        warnings: [],
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
    if (state) await this.preview(checks, state);
    return checks;
  }

  /**
   * Runs the engine's start for every checked input, on the state's business calendar, before anything is written:
   * what it refuses becomes an error of that input (instead of a workflow that fails once started), and a deadline
   * already past or a step starting overdue becomes a warning.
   */
  private async preview(checks: CaseCheck[], state: StateEntity): Promise<void> {
    const ready = checks.filter((c) => c.input);
    if (ready.length === 0) return;
    const now = Date.now();
    const stateCode = state.code;
    // the calendar the workflow resolves at its start, covering every input's due date
    const { resolveCalendar } = createCalendarActivities({
      nonWorkingDays: (code) => this.states.nonWorkingDays(code),
      settingsOf: () =>
        Promise.resolve({ timeZone: state.timeZone, holidayCalendar: holidayCalendarOf(state) }),
    });
    let calendar;
    try {
      calendar = await resolveCalendar({
        stateCode,
        ...calendarYearsNeeded(
          now,
          ready.map((c) => c.input?.dueOn ?? null),
        ),
      });
    } catch (e) {
      // no holiday data for the state (stored before states were checked for it): its cases could not start
      if (!(e instanceof ApplicationFailure)) throw e;
      for (const check of ready) {
        check.errors.push({
          field: 'planCode',
          message: `the business calendar of state ${stateCode} cannot be resolved: ${e.message}`,
        });
        delete check.input;
      }
      return;
    }
    const previews: Array<[CaseCheck, StartPreview]> = [];
    for (const [i, check] of ready.entries()) {
      // ~0.5 ms of CPU each: a file of 10,000 measures must not hold the event loop (other requests) for seconds
      if (i > 0 && i % PREVIEWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      const input = check.input as NonNullable<CaseCheck['input']>;
      const workflowId = CaseWorkflowClient.workflowId(input.planCode, input.caseCode);
      try {
        previews.push([
          check,
          previewStart({ ...input, startedBy: PREVIEW_ACTOR }, { now, calendar, workflowId }),
        ]);
      } catch (e) {
        if (!(e instanceof CommandRefused)) throw e;
        check.errors.push({ field: 'participants', message: e.message });
        delete check.input;
      }
    }
    // the agencies with someone to email about their steps, in one statement for every input
    const staffed = await this.people.agenciesWithFocalPoint(
      previews.flatMap(([, p]) => p.assignedSteps.flatMap((st) => st.agencies)),
    );
    for (const [check, preview] of previews)
      check.warnings.push(...startWarnings(preview, calendar.timeZone, staffed));
  }

  /** Checks, reserves and starts; throws 400 on bad input, 409 naming the existing case on a duplicate. */
  async start(plan: Plan, r: CaseStartRequest, actor: Actor): Promise<StartedCaseView> {
    const checked = await this.check(plan, r);
    if (!checked.input)
      throw invalid(
        checked.errors.map(({ field, message, problem }) => ({
          field,
          message,
          ...(problem ? { code: problem.code, params: problem.params } : {}),
        })),
      );
    return { ...(await this.startChecked(checked.input, actor)), warnings: checked.warnings };
  }

  /** `announceNewStepsTo`: an import's notices workflow (see PlanImportService), which emails the new steps. */
  async startChecked(
    input: NonNullable<CaseCheck['input']>,
    actor: Actor,
    announceNewStepsTo?: string,
  ): Promise<Omit<StartedCaseView, 'warnings'>> {
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
      started = await this.calls.run(
        () =>
          this.workflows.start({
            ...start,
            startedBy: actor,
            ...(announceNewStepsTo ? { announceNewStepsTo } : {}),
          }),
        30_000,
      );
    } catch (err) {
      // nothing half-written: the reservation goes when the workflow could not start
      await this.cases.releaseReservation(reserved.case.id).catch(() => undefined);
      throw err;
    }
    if (started.alreadyStarted) throw duplicate(reserved.case);
    return { id: reserved.case.id, workflowId, status: 'active' };
  }
}

/** Previews run between two turns of the event loop. */
const PREVIEWS_PER_TURN = 100;

/** Stands in for the person starting the case in a preview: the engine only records it in the start event. */
const PREVIEW_ACTOR: Actor = {
  personId: 'preview',
  name: 'preview',
  agency: 'preview',
  role: 'coordinator',
  channel: 'api',
};

const NOTICE_WORDS: Partial<Record<NotificationKind, string>> = {
  overdue: 'an overdue notice',
  escalation: 'an escalation',
  reminder: 'a reminder',
  due_today: 'a due-today notice',
};

/**
 * The preview as warnings, for the create answer and the import report. `staffed`: the agencies that have an active
 * focal point (a step waiting on any other agency is reported: nobody there is emailed about it).
 */
export function startWarnings(
  p: StartPreview,
  timeZone: string,
  staffed: ReadonlySet<string>,
): StartWarning[] {
  const out: StartWarning[] = [];
  if (p.caseDueOnPassed) {
    out.push({
      code: 'deadline_passed',
      message: `the deadline ${p.caseDueOnPassed} has already passed`,
      dueOn: p.caseDueOnPassed,
    });
  }
  for (const st of p.overdueSteps) {
    const notice = st.firstNotice ? { kind: st.firstNotice.kind, at: st.firstNotice.at } : null;
    const words = notice
      ? `; ${st.assignees.join(', ') || 'the coordinator'} will get ${NOTICE_WORDS[notice.kind] ?? `a ${notice.kind} notice`} at ${localTime(notice.at, timeZone)}`
      : '';
    out.push({
      code: 'step_overdue',
      message: `step "${st.key}" starts overdue (due ${st.dueOn})${words}`,
      dueOn: st.dueOn,
      step: st.key,
      stepTitles: st.titles,
      assignees: st.assignees,
      notice,
    });
  }
  for (const st of p.assignedSteps) {
    const unstaffed = st.agencies.filter((a) => !staffed.has(a));
    if (unstaffed.length === 0) continue;
    out.push({
      code: 'no_focal_point',
      message:
        `step "${st.key}" waits on ${unstaffed.join(', ')}, which ${unstaffed.length === 1 ? 'has' : 'have'} no ` +
        'active focal point: nobody there is emailed about it',
      step: st.key,
      stepTitles: st.titles,
      assignees: unstaffed,
    });
  }
  return out;
}

/** "2027-05-13 09:00 Asia/Bishkek" */
function localTime(iso: string, timeZone: string): string {
  return `${DateTime.fromISO(iso, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${timeZone}`;
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
