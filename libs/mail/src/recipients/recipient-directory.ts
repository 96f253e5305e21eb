import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { Language, NotificationRequest, Role } from '@app/domain/case/case.types';
import {
  AgenciesRepository,
  CasesRepository,
  PeopleRepository,
  PlansRepository,
  StatesRepository,
  type NotificationSubject,
  type PlanShare,
} from '@app/persistence';

export interface Recipient {
  personId: string;
  email: string;
  name: string;
  language: Language;
  agencyCode: string;
  role: Role;
  /** set when this person receives the message as the deputy of an absent one */
  onBehalfOf?: { personId: string; name: string; agencyCode: string };
}

/** What a notification is about, as the database knows it at send time. */
export interface NotificationContext {
  stateCode: string;
  timeZone: string;
  planCode: string | null;
  /** the case's id in the read model (dashboard URLs) */
  caseId: string | null;
  caseCode: string | null;
  caseTitle: string | null;
  /** the step as the read model holds it (null for digests, or when the read model lags) */
  step: NotificationSubject['step'];
  /** today in the state's time zone */
  today: string;
}

export class UnknownNotificationSubject extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownNotificationSubject';
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export interface RecipientRepositories {
  people: PeopleRepository;
  agencies: AgenciesRepository;
  plans: PlansRepository;
  cases: CasesRepository;
  states: StatesRepository;
}

/**
 * Who receives a notification, decided when it is sent: the focal points of each addressed agency (their deputy
 * while they are away), the state's coordinators for escalations; never anyone outside the case's state unless the
 * plan is shared with their agency or state. Reads through the persistence repositories.
 */
export class RecipientDirectory {
  constructor(private readonly repos: RecipientRepositories) {}

  static fromDataSource(ds: DataSource): RecipientDirectory {
    return new RecipientDirectory({
      people: new PeopleRepository(ds),
      agencies: new AgenciesRepository(ds),
      plans: new PlansRepository(ds),
      cases: new CasesRepository(ds),
      states: new StatesRepository(ds),
    });
  }

  async context(req: NotificationRequest, now: Date = new Date()): Promise<NotificationContext> {
    const data = req.data ?? {};
    let stateCode: string | null = null;
    let planCode = str(data.planCode);
    let caseId: string | null = null;
    let caseCode = str(data.caseCode);
    let caseTitle = str(data.caseTitle) ?? str(data.title);
    let step: NotificationContext['step'] = null;

    // the case, its step and its state's time zone in one statement (a digest and an import's list name no case)
    const c =
      req.kind === 'weekly_digest' || req.kind === 'steps_assigned'
        ? null
        : await this.repos.cases.notificationSubject(req.workflowId, req.stepKey ?? null);
    let stateTimeZone: string | null = null;
    if (c) {
      caseId = c.id;
      stateCode = c.stateCode;
      planCode = c.planCode;
      caseCode = c.code;
      caseTitle = caseTitle ?? c.title;
      step = c.step;
      stateTimeZone = c.stateTimeZone;
    }
    stateCode = stateCode ?? str(data.stateCode);
    if (!stateCode && planCode) stateCode = (await this.repos.plans.get(planCode))?.stateCode ?? null;
    if (!stateCode && req.kind === 'weekly_digest' && req.toAgencies.length === 1) {
      stateCode = (await this.repos.agencies.get(req.toAgencies[0]))?.stateCode ?? null;
    }
    if (!stateCode)
      throw new UnknownNotificationSubject(`cannot tell which state notification ${req.key} is about`);
    if (stateTimeZone === null) {
      const state = await this.repos.states.get(stateCode);
      if (!state)
        throw new UnknownNotificationSubject(`unknown state ${stateCode} for notification ${req.key}`);
      stateTimeZone = state.timeZone;
    }
    const timeZone = str(data.timeZone) ?? stateTimeZone;
    const today = DateTime.fromJSDate(now).setZone(timeZone).toISODate() as string;
    return { stateCode, timeZone, planCode, caseId, caseCode, caseTitle, step, today };
  }

  async recipients(req: NotificationRequest, ctx: NotificationContext): Promise<Recipient[]> {
    // the addressed agencies' states in one statement; others (a deputy's agency) when met
    const stateOf = await this.repos.agencies.statesOf(req.toAgencies);
    const agencyState = async (code: string): Promise<string | null> => {
      if (!stateOf.has(code))
        stateOf.set(code, (await this.repos.agencies.statesOf([code])).get(code) ?? null);
      return stateOf.get(code) ?? null;
    };
    // the plan's shares are read only for an agency outside the case's state
    let shares: PlanShare[] | undefined;
    // in the case's state, or shared with (the agency, or its whole state)
    const allowed = async (code: string): Promise<boolean> => {
      const st = await agencyState(code);
      if (st === ctx.stateCode) return true;
      if (!ctx.planCode) return false;
      shares ??= await this.repos.plans.shares(ctx.planCode);
      return shares.some((s) => s.agencyCode === code || (s.stateCode !== null && s.stateCode === st));
    };
    const agencies: string[] = [];
    for (const code of req.toAgencies) if (await allowed(code)) agencies.push(code);
    if (!agencies.length && !req.toCoordinators) return [];

    const found = await this.repos.people.recipients({
      agencies,
      coordinatorsOfStates: req.toCoordinators ? [ctx.stateCode] : [],
      on: ctx.today,
    });
    // the recipients' agencies' states came with them
    for (const r of found) if (!stateOf.has(r.agencyCode)) stateOf.set(r.agencyCode, r.agencyStateCode);
    const out: Recipient[] = [];
    for (const r of found) {
      let onBehalfOf: Recipient['onBehalfOf'];
      const absent = r.deputyFor ? await this.repos.people.findById(r.deputyFor) : null;
      if (absent) onBehalfOf = { personId: absent.id, name: absent.name, agencyCode: absent.agencyCode };
      if (!(await allowed(r.agencyCode))) {
        // a deputy from outside the case's state would leak the case: the absent focal point gets it instead
        if (absent && (await allowed(absent.agencyCode))) {
          out.push({
            personId: absent.id,
            email: absent.email.toLowerCase(),
            name: absent.name,
            language: absent.language,
            agencyCode: absent.agencyCode,
            role: absent.role,
          });
        }
        continue;
      }
      out.push({
        personId: r.personId,
        email: r.email.toLowerCase(),
        name: r.name,
        language: r.language,
        agencyCode: r.agencyCode,
        role: r.role,
        ...(onBehalfOf ? { onBehalfOf } : {}),
      });
    }
    const unique = new Map(out.map((r) => [r.email, r]));
    return [...unique.values()].sort((a, b) => a.email.localeCompare(b.email));
  }
}
