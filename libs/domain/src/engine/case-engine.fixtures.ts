// Test fixtures for the case engine specs: a Kyrgyz calendar, actors, start inputs and a small driver that
// threads state through the engine like the workflow shell does. Used by *.spec.ts only.
import type { Actor, CaseEvent, NotificationRequest, Role, StartCaseInput } from '../case/case.types';
import { localInstant } from '../calendar/business-calendar';
import { getShippedDefinition } from '../process/shipped-definitions';
import { applyCommand, nextWakeUp, onTime, startCase, toSnapshot } from './case-engine';
import type { CaseCommand, CaseState, EngineCalendar, EngineContext } from './engine.types';

/** Asia/Bishkek is UTC+6 all year; a few 2027 holidays. */
export const KG_CALENDAR: EngineCalendar = {
  timeZone: 'Asia/Bishkek',
  weekendDays: [6, 7],
  nonWorkingDates: [
    '2027-01-01',
    '2027-01-07',
    '2027-02-23',
    '2027-03-08',
    '2027-03-22',
    '2027-05-03',
    '2027-05-10',
  ],
};

export const WORKFLOW_ID = 'case:KG-NAP-2013:M-7';

/** Epoch ms of a Bishkek wall time. */
export function t(date: string, hour = 10, minute = 0): number {
  return localInstant(KG_CALENDAR, date, hour, minute);
}

export function ctx(now: number): EngineContext {
  return { now, calendar: KG_CALENDAR, workflowId: WORKFLOW_ID };
}

export function actor(agency: string, role: Role = 'focal_point', extra: Partial<Actor> = {}): Actor {
  return {
    personId: `p-${agency}-${role}`,
    name: `${role} of ${agency}`,
    agency,
    role,
    channel: 'dashboard',
    ...extra,
  };
}

export const COORDINATOR = actor('KG-MOE', 'coordinator');
export const ADMIN = actor('NAPFLOW', 'admin');

export function startInput(kind: string, overrides: Partial<StartCaseInput> = {}): StartCaseInput {
  return {
    planCode: 'KG-NAP-2013',
    caseCode: 'M-7',
    kind,
    title: `Test ${kind}`,
    stateCode: 'KG',
    timeZone: 'Asia/Bishkek',
    leadAgency: 'KG-MOE',
    supportingAgencies: ['KG-CUSTOMS', 'KG-BORDER'],
    participants: {
      justice: ['KG-MOJ'],
      handing_over: ['KG-CUSTOMS'],
      receiving: ['KG-BORDER'],
      state_a: ['KG-MOE'],
      state_b: ['TJ-MFA'],
    },
    dueOn: '2027-06-30',
    definition: getShippedDefinition(kind),
    startedBy: COORDINATOR,
    ...overrides,
  };
}

/** Threads the state through the engine and keeps everything it produced, like the workflow shell. */
export class CaseDriver {
  state: CaseState;
  events: CaseEvent[] = [];
  notifications: NotificationRequest[] = [];
  /** every notification with the engine clock it was produced at */
  log: { at: number; n: NotificationRequest }[] = [];
  now: number;

  constructor(input: StartCaseInput, now: number) {
    this.now = now;
    const r = startCase(input, ctx(now));
    this.state = r.state;
    this.events.push(...r.events);
    this.record(now, r.notifications);
  }

  private record(at: number, ns: NotificationRequest[]): void {
    this.notifications.push(...ns);
    for (const n of ns) this.log.push({ at, n });
  }

  /** Applies a command at `now` (default: the driver's clock), after running the timers due until then. */
  act(cmd: CaseCommand, now = this.now): this {
    this.advance(now);
    const r = applyCommand(this.state, cmd, ctx(now));
    this.state = r.state;
    this.events.push(...r.events);
    this.record(now, r.notifications);
    return this;
  }

  /** Wakes up at every nextWakeUp until `until`, like the workflow's timer loop. */
  advance(until: number): this {
    for (let wake = nextWakeUp(this.state); wake !== null && wake <= until; wake = nextWakeUp(this.state)) {
      const r = onTime(this.state, ctx(wake));
      this.state = r.state;
      this.events.push(...r.events);
      this.record(wake, r.notifications);
    }
    this.now = Math.max(this.now, until);
    return this;
  }

  /** Moves the clock to a Bishkek wall time, firing the timers due on the way. */
  at(date: string, hour = 10, minute = 0): this {
    return this.advance(t(date, hour, minute));
  }

  snapshot() {
    return toSnapshot(this.state);
  }

  step(key: string) {
    const s = this.snapshot().steps.find((x) => x.key === key);
    if (!s) throw new Error(`no step ${key}`);
    return s;
  }

  active(): string[] {
    return this.snapshot()
      .steps.filter((s) => s.status === 'active')
      .map((s) => s.key);
  }

  complete(
    stepKey: string,
    who: Actor,
    extra: Partial<Extract<CaseCommand, { type: 'complete' }>> = {},
  ): this {
    return this.act({
      type: 'complete',
      stepKey,
      actor: who,
      attachments: [{ id: 'f1', name: 'evidence.pdf' }],
      ...extra,
    });
  }

  decide(
    stepKey: string,
    who: Actor,
    decision: 'approve' | 'approve_with_comments' | 'request_changes' | 'reject',
    comment?: string,
  ): this {
    return this.act({ type: 'decide', stepKey, actor: who, decision, ...(comment ? { comment } : {}) });
  }

  milestone(stepKey: string, on: string, who: Actor = COORDINATOR): this {
    return this.act({ type: 'milestone', stepKey, actor: who, on });
  }
}
