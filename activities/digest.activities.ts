import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { definitionsNamedBy, getShippedDefinition, stepTitlesOf, type ProcessDefinition } from '@app/domain';
import type { DigestItem } from '@app/mail';
import {
  AgenciesRepository,
  DefinitionsRepository,
  StatesRepository,
  StepsRepository,
  type OpenStep,
} from '@app/persistence';

/** What the weekly digest of one agency lists; computed when the schedule fires. */
export interface AgencyDigest {
  agencyCode: string;
  agencyName: string;
  stateCode: string;
  timeZone: string;
  /** local date of the Monday of the digest's week */
  weekOf: string;
  dueThisWeek: DigestItem[];
  overdue: DigestItem[];
  awaitingDecision: DigestItem[];
}

export interface DigestActivities {
  /** The agency's open steps as of the scheduled time: overdue, waiting for its decision, due this week. */
  collectAgencyDigest(input: { agencyCode: string; scheduledFor: string }): Promise<AgencyDigest | null>;
}

export interface DigestActivityDeps {
  steps: StepsRepository;
  agencies: AgenciesRepository;
  states: StatesRepository;
  /** a version of a process definition (uploaded or shipped), whose step titles the items carry */
  definition(key: string, version: number): Promise<ProcessDefinition | undefined>;
}

/** Lists are cut at this length; the email says how many there are. */
const MAX_ITEMS = 50;

export function createDigestActivities(deps: DigestActivityDeps): DigestActivities {
  return {
    async collectAgencyDigest({ agencyCode, scheduledFor }) {
      const agency = await deps.agencies.get(agencyCode);
      if (!agency?.stateCode) return null;
      const state = await deps.states.get(agency.stateCode);
      if (!state) return null;
      const at = DateTime.fromISO(scheduledFor, { zone: 'utc' }).setZone(state.timeZone);
      const monday = at.startOf('week');
      const sunday = monday.plus({ days: 6 }).toISODate() as string;
      const open = await deps.steps.openStepsOf(
        [agencyCode],
        { agencyCode, stateCode: agency.stateCode },
        at.toJSDate(),
      );
      const overdue = open.filter((s) => s.overdue).slice(0, MAX_ITEMS);
      const awaiting = open.filter((s) => !s.overdue && s.stepKind === 'approval').slice(0, MAX_ITEMS);
      const dueThisWeek = open
        .filter((s) => !s.overdue && s.stepKind !== 'approval' && s.dueOn !== null && s.dueOn <= sunday)
        .slice(0, MAX_ITEMS);
      // each recipient reads the step titles in their language (notify): one definition per (key, version) listed
      const definitions = new Map<string, ProcessDefinition | undefined>();
      for (const d of definitionsNamedBy([...overdue, ...awaiting, ...dueThisWeek]))
        definitions.set(d.id, await deps.definition(d.key, d.version));
      const item = (s: OpenStep): DigestItem => {
        const stepTitles = stepTitlesOf(s, definitions);
        return {
          caseCode: s.caseCode,
          caseTitle: s.caseTitle,
          stepTitle: s.stepTitle,
          ...(stepTitles ? { stepTitles } : {}),
          dueOn: s.dueOn,
          caseId: s.caseId,
        };
      };
      return {
        agencyCode,
        agencyName: agency.name,
        stateCode: agency.stateCode,
        timeZone: state.timeZone,
        weekOf: monday.toISODate() as string,
        overdue: overdue.map(item),
        awaitingDecision: awaiting.map(item),
        dueThisWeek: dueThisWeek.map(item),
      };
    },
  };
}

export function createDigestActivitiesFromDataSource(ds: DataSource): DigestActivities {
  const definitions = new DefinitionsRepository(ds);
  return createDigestActivities({
    steps: new StepsRepository(ds),
    agencies: new AgenciesRepository(ds),
    states: new StatesRepository(ds),
    // as the API resolves a version (DefinitionsService.resolve): uploaded, else shipped (not always stored)
    definition: async (key, version) =>
      ((await definitions.get(key, version))?.definition as ProcessDefinition | undefined) ??
      getShippedDefinition(key, version),
  });
}

export interface DigestScheduleTarget {
  agencyCode: string;
  timeZone: string;
}

/** Every agency of a state (international organisations get no digest), with its state's time zone. */
export async function digestScheduleTargets(ds: DataSource): Promise<DigestScheduleTarget[]> {
  const rows = await ds.query<Array<{ code: string; time_zone: string }>>(
    `SELECT a.code, s.time_zone FROM agencies a JOIN states s ON s.code = a.state_code ORDER BY a.code`,
  );
  return rows.map((r) => ({ agencyCode: r.code, timeZone: r.time_zone }));
}

export const digestScheduleId = (agencyCode: string): string => `digest:${agencyCode}`;

/**
 * One Temporal Schedule per agency: Mondays 09:00 in the agency's state time zone, starting digestWorkflow.
 * Idempotent: a schedule that exists is updated to the current spec (a changed time zone takes effect).
 */
export async function ensureDigestSchedules(
  client: Client,
  agencies: DigestScheduleTarget[],
  opts: { taskQueue: string },
): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const a of agencies) {
    const scheduleId = digestScheduleId(a.agencyCode);
    const spec: ScheduleSpec = {
      calendars: [{ dayOfWeek: 'MONDAY', hour: 9, minute: 0, comment: 'weekly digest' }],
      timezone: a.timeZone,
    };
    const action: ScheduleOptionsAction = {
      type: 'startWorkflow',
      workflowType: 'digestWorkflow',
      taskQueue: opts.taskQueue,
      workflowId: scheduleId,
      args: [{ agencyCode: a.agencyCode }],
      workflowExecutionTimeout: '1 day',
    };
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action,
        // a digest that comes a day late is useless; one running still (SMTP down) is not doubled
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        memo: { agencyCode: a.agencyCode },
      });
      created.push(scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
      updated.push(scheduleId);
    }
  }
  return { created, updated };
}

/**
 * Keeps a digest schedule for every agency while the worker runs: the first pass ensures every agency (creates or
 * updates), each later pass only the agencies added since, or whose state's time zone changed. A pass that fails
 * leaves its agencies to the next one.
 */
export class DigestScheduleKeeper {
  /** agency code → the time zone its schedule was last ensured with */
  private readonly ensured = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly targets: () => Promise<DigestScheduleTarget[]>,
    private readonly opts: { taskQueue: string },
  ) {}

  async sync(): Promise<{ created: string[]; updated: string[] }> {
    const due = (await this.targets()).filter((t) => this.ensured.get(t.agencyCode) !== t.timeZone);
    const result = await ensureDigestSchedules(this.client, due, this.opts);
    for (const t of due) this.ensured.set(t.agencyCode, t.timeZone);
    return result;
  }
}
