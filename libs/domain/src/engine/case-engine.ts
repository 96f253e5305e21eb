// The case engine: a pure reducer over CaseState that the case workflow calls. Commands (people acting) and time
// (ctx.now) go in; a new state, audit events and notification requests come out. Deterministic: no clock, no I/O,
// no randomness; the input state is never mutated.
import type {
  Actor,
  CaseSnapshot,
  NotificationKind,
  ScheduledNotice,
  StartCaseInput,
  StepAction,
  StepSnapshot,
  CaseEvent,
} from '../case/case.types';
import {
  assertBusinessCalendar,
  addBusinessDays,
  dueInstant,
  localDate,
  localInstant,
  nextBusinessDay,
  NOTICE_HOUR,
} from '../calendar/business-calendar';
import { formatDate, isValidDate, parseDate } from '../calendar/civil-date';
import { nextNotice, upcomingNotices, type NoticeSlot } from '../calendar/reminder-policy';
// Not definition-validation / process-definition.schema: they build the zod schemas, which each cached workflow
// would evaluate again (definition-reader.ts says why).
import { readDefinition } from '../process/definition-reader';
import { forwardReachable, resolveReminders, stepRoles } from '../process/definition-rules';
import type {
  ApprovalStepDefinition,
  ProcessDefinition,
  StepDefinition,
} from '../process/process-definition.schema';
import {
  CommandRefused,
  type CaseCommand,
  type CaseState,
  type EngineCalendar,
  type EngineContext,
  type EngineResult,
  type StepState,
} from './engine.types';

const SYSTEM = 'system';
/** The slot of a step assigned to the national coordinator when the case names no coordinator agency. */
export const COORDINATOR_SLOT = 'coordinator';
const MAX_TIMER_FIRINGS = 10_000;
const DECISIONS = ['approve', 'approve_with_comments', 'request_changes', 'reject'] as const;

const iso = (ms: number): string => new Date(ms).toISOString();
const isCoordinator = (actor: Actor): boolean => actor.role === 'coordinator' || actor.role === 'admin';

// ---------------------------------------------------------------------------------------------------------------
// Public API

/** Starts a case: parses input.definition (DefinitionError if invalid), resolves roles, activates the start steps. */
export function startCase(input: StartCaseInput, ctx: EngineContext): EngineResult {
  const definition = readDefinition(input.definition);
  const problems = startInputProblems(input, definition, ctx.calendar);
  if (problems.length) throw new CommandRefused('invalid', `cannot start the case: ${problems.join('; ')}`);
  const state: CaseState = {
    schema: 1,
    workflowId: ctx.workflowId,
    planCode: input.planCode,
    caseCode: input.caseCode,
    kind: input.kind,
    title: input.title,
    stateCode: input.stateCode,
    timeZone: ctx.calendar.timeZone,
    leadAgency: input.leadAgency,
    supportingAgencies: [...input.supportingAgencies],
    participants: JSON.parse(JSON.stringify(input.participants ?? {})) as Record<string, string[]>,
    dueOn: input.dueOn,
    definition,
    calendar: ctx.calendar,
    status: 'active',
    startedAt: ctx.now,
    closedAt: null,
    seq: 0,
    sent: {},
    steps: [],
    comments: [],
  };
  state.steps = definition.steps.map((def) => newStepState(state, def));
  const tx = new Tx(state, ctx.workflowId);
  tx.event(ctx.now, 'case_started', undefined, input.startedBy, {
    definitionKey: definition.key,
    definitionVersion: definition.version,
    title: input.title,
    dueOn: input.dueOn,
  });
  for (const key of definition.start) arrive(tx, key, null, ctx.now);
  maybeComplete(tx, ctx.now);
  sweep(tx, ctx.now, ctx.coalesceMissedNotices ?? true);
  return tx.result();
}

/** Throws CommandRefused when the command is not allowed now; never changes the state. */
export function validateCommand(state: CaseState, cmd: CaseCommand, ctx: EngineContext): void {
  const tx = new Tx(cloneState(state, ctx.calendar), ctx.workflowId);
  sweep(tx, ctx.now, ctx.coalesceMissedNotices ?? true);
  check(tx.s, cmd, ctx.now);
}

/** Validates and applies a command; returns the new state (the input is not mutated). */
export function applyCommand(state: CaseState, cmd: CaseCommand, ctx: EngineContext): EngineResult {
  const tx = new Tx(cloneState(state, ctx.calendar), ctx.workflowId);
  // Timers that fell due before this command take effect first (e.g. tacit consent at the due instant).
  sweep(tx, ctx.now, ctx.coalesceMissedNotices ?? true);
  check(tx.s, cmd, ctx.now);
  execute(tx, cmd, ctx.now);
  maybeComplete(tx, ctx.now);
  sweep(tx, ctx.now, ctx.coalesceMissedNotices ?? true);
  return tx.result();
}

/** Fires every timer-driven thing due at or before ctx.now, each once. */
export function onTime(state: CaseState, ctx: EngineContext): EngineResult {
  const tx = new Tx(cloneState(state, ctx.calendar), ctx.workflowId);
  sweep(tx, ctx.now, ctx.coalesceMissedNotices ?? true);
  return tx.result();
}

/** Epoch ms of the next timer-driven thing, null when nothing is scheduled (or the case is closed). */
export function nextWakeUp(state: CaseState): number | null {
  if (state.status !== 'active') return null;
  const item = earliestTimer(state);
  return item ? item.at : null;
}

export function isClosed(state: CaseState): boolean {
  return state.status !== 'active';
}

export function toSnapshot(state: CaseState): CaseSnapshot {
  const defs = new Map(state.definition.steps.map((d) => [d.key, d]));
  const required = state.steps.filter((st) => defs.get(st.key)?.required !== false);
  const done = required.filter((st) => st.status === 'done' || st.status === 'skipped').length;
  return {
    workflowId: state.workflowId,
    planCode: state.planCode,
    caseCode: state.caseCode,
    kind: state.kind,
    definitionKey: state.definition.key,
    definitionVersion: state.definition.version,
    title: state.title,
    stateCode: state.stateCode,
    timeZone: state.timeZone,
    leadAgency: state.leadAgency,
    supportingAgencies: [...state.supportingAgencies],
    status: state.status,
    dueOn: state.dueOn,
    startedAt: iso(state.startedAt),
    closedAt: state.closedAt === null ? null : iso(state.closedAt),
    seq: state.seq,
    progress:
      state.status === 'completed' || required.length === 0
        ? state.status === 'completed'
          ? 1
          : 0
        : done / required.length,
    steps: state.steps.map((st) => stepSnapshot(state, st, defs.get(st.key) as StepDefinition)),
    comments: state.comments.map((c) => ({ ...c })),
  };
}

/** Problems that prevent starting a case with this input (empty when it can start). */
export function startInputProblems(
  input: StartCaseInput,
  definition: ProcessDefinition,
  calendar: EngineCalendar,
): string[] {
  const problems: string[] = [];
  try {
    assertBusinessCalendar(calendar);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (!input.leadAgency) problems.push('leadAgency: required');
  if (input.dueOn !== null && !isValidDate(input.dueOn))
    problems.push(`dueOn: not a valid date ${JSON.stringify(input.dueOn)}`);
  const probe = {
    leadAgency: input.leadAgency,
    supportingAgencies: input.supportingAgencies ?? [],
    participants: input.participants ?? {},
  };
  for (const def of definition.steps) {
    if (def.kind === 'wait') continue;
    const { slots } = resolveSlots(probe, def);
    if (slots.length === 0 && !def.skipIfUnassigned) {
      problems.push(
        `step "${def.key}": role(s) ${stepRoles(def).join(', ')} name no agency in this case (participants)`,
      );
    }
    if (def.kind === 'approval' && def.mode === 'n_of_m' && slots.length > 0 && (def.n ?? 1) > slots.length) {
      problems.push(
        `step "${def.key}": needs ${def.n} approvals but only ${slots.length} approver(s) resolve`,
      );
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction: a cloned state plus what happened to it

class Tx {
  readonly events: CaseEvent[] = [];
  readonly notifications: EngineResult['notifications'] = [];
  constructor(
    readonly s: CaseState,
    readonly workflowId: string,
  ) {}

  event(
    at: number,
    type: CaseEvent['type'],
    stepKey: string | undefined,
    actor: Actor | undefined,
    data: Record<string, unknown>,
  ): number {
    this.s.seq += 1;
    const e: CaseEvent = { seq: this.s.seq, at: iso(at), type, data };
    if (stepKey !== undefined) e.stepKey = stepKey;
    if (actor) e.actor = { ...actor };
    this.events.push(e);
    return this.s.seq;
  }

  notify(
    kind: NotificationKind,
    st: StepState | null,
    toAgencies: string[],
    toCoordinators: boolean,
    data: Record<string, unknown>,
  ): void {
    const counters = st ? st.sent : this.s.sent;
    const n = (counters[kind] ?? 0) + 1;
    counters[kind] = n;
    const occurrence = st ? st.occurrence : 1;
    const def = st ? stepDef(this.s, st.key) : null;
    this.notifications.push({
      key: `${this.workflowId}:${st ? st.key : '-'}:${kind}:${occurrence}:${n}`,
      kind,
      workflowId: this.workflowId,
      ...(st ? { stepKey: st.key } : {}),
      toAgencies: toAgencies.filter((a) => a !== COORDINATOR_SLOT),
      toCoordinators,
      data: {
        planCode: this.s.planCode,
        caseCode: this.s.caseCode,
        caseTitle: this.s.title,
        kind: this.s.kind,
        caseDueOn: this.s.dueOn,
        ...(st && def
          ? {
              stepTitle: def.title,
              stepKind: def.kind,
              occurrence,
              dueOn: st.dueOn,
              dueAt: st.dueAt === null ? null : iso(st.dueAt),
            }
          : {}),
        ...data,
      },
    });
  }

  result(): EngineResult {
    return { state: this.s, events: this.events, notifications: this.notifications };
  }
}

function cloneState(state: CaseState, calendar: EngineCalendar): CaseState {
  const copy = JSON.parse(JSON.stringify({ ...state, calendar: null })) as CaseState;
  // The calendar keeps its identity: the calendar module memoises its compiled form per object.
  copy.calendar = calendar;
  copy.timeZone = calendar.timeZone;
  return copy;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps, roles, due dates

function stepDef(s: CaseState, key: string): StepDefinition {
  const def = s.definition.steps.find((d) => d.key === key);
  if (!def)
    throw new CommandRefused(
      'unknown_step',
      `no step "${key}" in ${s.definition.key} v${s.definition.version}`,
    );
  return def;
}

function stepState(s: CaseState, key: string): StepState {
  const st = s.steps.find((x) => x.key === key);
  if (!st)
    throw new CommandRefused(
      'unknown_step',
      `no step "${key}" in ${s.definition.key} v${s.definition.version}`,
    );
  return st;
}

type RoleSource = Pick<CaseState, 'leadAgency' | 'supportingAgencies' | 'participants'>;

/** Agencies a role names in a case: participants[role] first, then lead / supporting / coordinator built-ins. */
function resolveRole(src: RoleSource, role: string): { agencies: string[]; coordinator: boolean } {
  const named = src.participants[role];
  if (role === 'coordinator') {
    return { agencies: named && named.length ? named : [COORDINATOR_SLOT], coordinator: true };
  }
  if (named && named.length) return { agencies: named, coordinator: false };
  if (role === 'lead') return { agencies: src.leadAgency ? [src.leadAgency] : [], coordinator: false };
  if (role === 'supporting') return { agencies: src.supportingAgencies, coordinator: false };
  return { agencies: [], coordinator: false };
}

function resolveSlots(src: RoleSource, def: StepDefinition): { slots: string[]; coordinatorSlots: string[] } {
  const slots: string[] = [];
  const coordinatorSlots: string[] = [];
  for (const role of stepRoles(def)) {
    const r = resolveRole(src, role);
    for (const a of r.agencies) {
      if (!slots.includes(a)) slots.push(a);
      if (r.coordinator && !coordinatorSlots.includes(a)) coordinatorSlots.push(a);
    }
  }
  return { slots, coordinatorSlots };
}

function newStepState(s: CaseState, def: StepDefinition): StepState {
  const { slots, coordinatorSlots } = resolveSlots(s, def);
  return {
    key: def.key,
    status: 'pending',
    occurrence: 0,
    slots,
    coordinatorSlots,
    dueOn: null,
    dueAt: null,
    startedAt: null,
    completedAt: null,
    armedAt: null,
    noticeCursor: null,
    followUpsSent: 0,
    decisions: {},
    completedSlots: [],
    withdrawnSlots: [],
    arrivals: [],
    sent: {},
    actions: [],
  };
}

function computeDueOn(s: CaseState, def: StepDefinition, startedAt: number): string | null {
  const rule = def.due;
  switch (rule.type) {
    case 'date':
      return rule.on;
    case 'after_start': {
      const start = localDate(s.calendar, startedAt);
      if (rule.days !== undefined) return formatDate(parseDate(start) + rule.days);
      return addBusinessDays(s.calendar, start, rule.businessDays ?? 0);
    }
    case 'case_deadline':
      if (s.dueOn === null) return null;
      return rule.businessDaysBefore === 0
        ? s.dueOn
        : addBusinessDays(s.calendar, s.dueOn, -rule.businessDaysBefore);
    case 'none':
      return null;
  }
}

/** When a step with this due date falls due; a wait step ends at the start of its local day instead. */
function dueAtOf(s: CaseState, def: StepDefinition, dueOn: string | null): number | null {
  if (dueOn === null) return null;
  return def.kind === 'wait' ? localInstant(s.calendar, dueOn, 0) : dueInstant(s.calendar, dueOn);
}

/** Slots still expected to act in this occurrence (a sequential approval: only the one whose turn it is). */
function openSlots(st: StepState, def: StepDefinition, turnOnly = false): string[] {
  const open = st.slots.filter(
    (slot) =>
      !(slot in st.decisions) && !st.completedSlots.includes(slot) && !st.withdrawnSlots.includes(slot),
  );
  if (turnOnly && def.kind === 'approval' && def.order === 'sequential') return open.slice(0, 1);
  return open;
}

function action(
  at: number,
  kind: StepAction['action'],
  actor: Actor | null,
  extra: Partial<StepAction> = {},
): StepAction {
  const a: StepAction = actor
    ? {
        action: kind,
        by: actor.personId,
        byName: actor.name,
        agency: actor.agency,
        at: iso(at),
        channel: actor.channel,
      }
    : { action: kind, by: SYSTEM, agency: null, at: iso(at), channel: 'system' };
  if (actor?.onBehalfOf) a.onBehalfOf = actor.onBehalfOf;
  return { ...a, ...extra };
}

// ---------------------------------------------------------------------------------------------------------------
// Flow: arrivals, activation, finishing, rework, closing

function arrive(tx: Tx, key: string, from: string | null, at: number): void {
  const st = stepState(tx.s, key);
  const def = stepDef(tx.s, key);
  if (def.join) {
    if (from !== null && !st.arrivals.includes(from)) st.arrivals.push(from);
    if (!def.join.every((p) => st.arrivals.includes(p))) return;
  }
  if (st.status === 'active') return;
  activate(tx, key, at, false);
}

function activate(tx: Tx, key: string, at: number, rework: boolean): void {
  const s = tx.s;
  const st = stepState(s, key);
  const def = stepDef(s, key);
  st.occurrence += 1;
  st.status = 'active';
  st.startedAt = at;
  st.completedAt = null;
  st.armedAt = at;
  st.noticeCursor = null;
  st.followUpsSent = 0;
  st.decisions = {};
  st.completedSlots = [];
  st.withdrawnSlots = [];
  st.sent = {};
  if (def.kind !== 'wait' && st.slots.length === 0) {
    // Only reachable with skipIfUnassigned (startCase refuses otherwise).
    st.status = 'skipped';
    st.completedAt = at;
    st.dueOn = null;
    st.dueAt = null;
    st.actions.push(action(at, 'started', null, { note: 'skipped: no agency holds this role in the case' }));
    tx.event(at, 'step_completed', key, undefined, { outcome: 'skipped', occurrence: st.occurrence });
    forward(tx, key, at);
    return;
  }
  st.dueOn = computeDueOn(s, def, at);
  st.dueAt = dueAtOf(s, def, st.dueOn);
  st.actions.push(action(at, 'started', null));
  tx.event(at, 'step_started', key, undefined, {
    kind: def.kind,
    occurrence: st.occurrence,
    dueOn: st.dueOn,
    dueAt: st.dueAt === null ? null : iso(st.dueAt),
    assignees: [...st.slots],
    rework,
  });
  if (def.kind === 'wait') {
    if (st.dueAt === null) finishStep(tx, key, at, 'done', {});
    return;
  }
  // A step re-opened for rework is announced by the returned_for_rework notice instead.
  if (!rework) announce(tx, st, def);
}

/** Tells whoever must act now that it is their turn. */
function announce(tx: Tx, st: StepState, def: StepDefinition, only?: string[]): void {
  const to = only ?? openSlots(st, def, true);
  if (to.length === 0) return;
  const toCoordinators = to.some((slot) => st.coordinatorSlots.includes(slot));
  if (def.kind === 'approval') {
    tx.notify('decision_requested', st, to, toCoordinators, {
      mode: def.mode,
      order: def.order,
      tacitConsent: !!def.tacitConsent,
    });
  } else {
    tx.notify('step_assigned', st, to, toCoordinators, {});
  }
}

function forward(tx: Tx, key: string, at: number): void {
  const def = stepDef(tx.s, key);
  const target = def.kind === 'approval' ? def.on.approve : def.on.done;
  if ('to' in target) for (const next of target.to) if (tx.s.status === 'active') arrive(tx, next, key, at);
}

type Outcome = 'done' | 'approve' | 'reject' | 'request_changes';

function finishStep(tx: Tx, key: string, at: number, outcome: Outcome, data: Record<string, unknown>): void {
  const st = stepState(tx.s, key);
  const def = stepDef(tx.s, key);
  st.status = 'done';
  st.completedAt = at;
  tx.event(at, 'step_completed', key, undefined, { outcome, occurrence: st.occurrence, ...data });
  if (outcome === 'done' || outcome === 'approve') {
    forward(tx, key, at);
  } else {
    const approval = def as ApprovalStepDefinition;
    const target = outcome === 'reject' ? approval.on.reject : approval.on.request_changes;
    if (!target || 'end' in target) closeCase(tx, 'rejected', at, undefined, `rejected at step "${key}"`);
    else returnForRework(tx, key, target.returnTo, at, outcome, data);
  }
  // Completion is checked by the caller once everything this step led to has started (see maybeComplete).
}

function returnForRework(
  tx: Tx,
  fromKey: string,
  target: string,
  at: number,
  outcome: Outcome,
  data: Record<string, unknown>,
): void {
  const s = tx.s;
  const downstream = forwardReachable(s.definition, target);
  for (const st of s.steps) {
    if (!downstream.has(st.key)) continue;
    if (st.status === 'active') withdrawStep(tx, st, at, `returned for rework to "${target}"`);
    else if (st.status === 'done' || st.status === 'skipped') st.status = 'pending';
    // Arrivals from the reworked part are void; those from parallel branches outside it still count.
    st.arrivals = st.arrivals.filter((p) => !downstream.has(p));
  }
  const from = stepState(s, fromKey);
  const to = stepState(s, target);
  tx.event(at, 'returned_for_rework', fromKey, undefined, { returnTo: target, decision: outcome, ...data });
  tx.notify('returned_for_rework', from, to.slots, to.coordinatorSlots.length > 0, {
    returnTo: target,
    returnToTitle: stepDef(s, target).title,
    decision: outcome,
    ...data,
  });
  activate(tx, target, at, true);
}

function withdrawStep(tx: Tx, st: StepState, at: number, reason: string): void {
  st.status = 'withdrawn';
  st.actions.push(action(at, 'withdrawn', null, { note: reason }));
  tx.event(at, 'step_withdrawn', st.key, undefined, { reason, occurrence: st.occurrence });
}

/** Withdraws the open approvals of a settled approval step. */
function withdrawOpenApprovals(tx: Tx, st: StepState, def: StepDefinition, at: number, reason: string): void {
  const open = openSlots(st, def);
  if (open.length === 0) return;
  for (const slot of open) {
    st.withdrawnSlots.push(slot);
    st.actions.push(action(at, 'withdrawn', null, { agency: slot, note: reason }));
  }
  tx.event(at, 'step_withdrawn', st.key, undefined, { approvals: open, reason, occurrence: st.occurrence });
}

/** Closes the case as completed when no step is active; called only after a whole transition has run. */
function maybeComplete(tx: Tx, at: number): void {
  if (tx.s.status !== 'active') return;
  if (tx.s.steps.some((st) => st.status === 'active')) return;
  closeCase(tx, 'completed', at);
}

function closeCase(
  tx: Tx,
  status: 'completed' | 'rejected' | 'withdrawn',
  at: number,
  actor?: Actor,
  reason?: string,
): void {
  const s = tx.s;
  for (const st of s.steps) if (st.status === 'active') withdrawStep(tx, st, at, reason ?? `case ${status}`);
  s.status = status;
  s.closedAt = at;
  tx.event(at, status === 'withdrawn' ? 'case_withdrawn' : 'case_closed', undefined, actor, {
    status,
    ...(reason ? { reason } : {}),
  });
  const involved = [s.leadAgency, ...s.supportingAgencies.filter((a) => a !== s.leadAgency)];
  tx.notify('case_closed', null, involved, true, { status, ...(reason ? { reason } : {}) });
}

/** Counts an approval step's decisions and moves on when its outcome is settled. */
function settleApproval(
  tx: Tx,
  st: StepState,
  def: ApprovalStepDefinition,
  at: number,
  data: Record<string, unknown>,
): void {
  const m = st.slots.length;
  const required = def.mode === 'all' ? m : def.mode === 'any' ? 1 : Math.min(def.n ?? 1, m);
  const values = Object.values(st.decisions);
  const approvals = values.filter(
    (d) => d === 'approve' || d === 'approve_with_comments' || d === 'tacit_consent',
  ).length;
  const rejections = values.filter((d) => d === 'reject').length;
  let outcome: Outcome | null = null;
  if (values.includes('request_changes')) outcome = 'request_changes';
  else if (approvals >= required) outcome = 'approve';
  else if (rejections > m - required) outcome = 'reject';
  if (outcome === null) {
    // Sequential order: the next approver's turn.
    if (def.order === 'sequential') announce(tx, st, def);
    return;
  }
  withdrawOpenApprovals(
    tx,
    st,
    def,
    at,
    outcome === 'approve' ? 'quorum reached' : `step settled: ${outcome}`,
  );
  finishStep(tx, st.key, at, outcome, { approvals, rejections, required, ...data });
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

function refuse(code: ConstructorParameters<typeof CommandRefused>[0], message: string): never {
  throw new CommandRefused(code, message);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function requireCoordinator(actor: Actor, what: string): void {
  if (!isCoordinator(actor))
    refuse('not_allowed_for_role', `only the national coordinator (or an administrator) may ${what}`);
}

function requireActive(st: StepState): void {
  if (st.status !== 'active')
    refuse('step_not_active', `step "${st.key}" is not active (it is ${st.status})`);
}

/** The open slot this actor fills on the step, or the reason they cannot act. */
function pickSlot(st: StepState, def: StepDefinition, actor: Actor): string {
  if (actor.role === 'observer') refuse('not_allowed_for_role', 'observers cannot act on steps');
  const matches = (slot: string) =>
    slot === actor.agency || (st.coordinatorSlots.includes(slot) && isCoordinator(actor));
  const mine = st.slots.filter(matches);
  if (mine.length === 0) refuse('wrong_agency', `agency ${actor.agency} is not assigned to step "${st.key}"`);
  const open = openSlots(st, def).filter(matches);
  if (open.length === 0) {
    const withdrawn = mine.every((slot) => st.withdrawnSlots.includes(slot));
    if (withdrawn)
      refuse('step_not_active', `the approval of ${actor.agency} on step "${st.key}" was withdrawn`);
    refuse('already_decided', `agency ${actor.agency} has already acted on step "${st.key}"`);
  }
  return open.includes(actor.agency) ? actor.agency : open[0];
}

function check(s: CaseState, cmd: CaseCommand, now: number): void {
  if (!cmd || typeof cmd !== 'object') refuse('invalid', 'no command');
  const actor = cmd.actor;
  if (!actor || !nonEmpty(actor.personId) || typeof actor.agency !== 'string' || !nonEmpty(actor.role)) {
    refuse('invalid', 'the command needs an actor with personId, agency and role');
  }
  if (s.status !== 'active') refuse('case_closed', `the case is ${s.status}`);
  const today = localDate(s.calendar, now);
  switch (cmd.type) {
    case 'complete': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      if (def.kind !== 'task')
        refuse(
          'invalid',
          `step "${def.key}" is a ${def.kind}: ${def.kind === 'approval' ? 'decide' : def.kind === 'milestone' ? 'record the milestone' : 'it ends by itself'}`,
        );
      requireActive(st);
      pickSlot(st, def, actor);
      if (def.evidence === 'required' && !(cmd.attachments && cmd.attachments.length > 0)) {
        refuse('invalid', `step "${def.key}" needs evidence: attach at least one file`);
      }
      if (cmd.attachments && !cmd.attachments.every((a) => a && nonEmpty(a.id) && nonEmpty(a.name))) {
        refuse('invalid', 'every attachment needs an id and a name');
      }
      return;
    }
    case 'decide': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      if (def.kind !== 'approval') refuse('invalid', `step "${def.key}" is a ${def.kind}, not an approval`);
      if (!(DECISIONS as readonly string[]).includes(cmd.decision))
        refuse('invalid', `unknown decision ${JSON.stringify(cmd.decision)}`);
      requireActive(st);
      const slot = pickSlot(st, def, actor);
      if (def.order === 'sequential' && openSlots(st, def, true)[0] !== slot) {
        refuse(
          'out_of_turn',
          `step "${def.key}" is decided in order; it is ${openSlots(st, def, true)[0]}'s turn`,
        );
      }
      if (cmd.decision === 'request_changes' && !def.on.request_changes) {
        refuse('invalid', `step "${def.key}" does not accept requests for changes`);
      }
      return;
    }
    case 'milestone': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      if (def.kind !== 'milestone') refuse('invalid', `step "${def.key}" is a ${def.kind}, not a milestone`);
      requireCoordinator(actor, 'record a milestone');
      requireActive(st);
      if (!isValidDate(cmd.on)) refuse('invalid', `on: not a valid date ${JSON.stringify(cmd.on)}`);
      if (cmd.on > today) refuse('invalid', `on: ${cmd.on} is in the future (today is ${today})`);
      return;
    }
    case 'extend_due_date': {
      const st = stepState(s, cmd.stepKey);
      requireCoordinator(actor, 'change a due date');
      requireActive(st);
      if (!isValidDate(cmd.dueOn)) refuse('invalid', `dueOn: not a valid date ${JSON.stringify(cmd.dueOn)}`);
      if (cmd.dueOn < today) refuse('date_in_past', `dueOn: ${cmd.dueOn} is in the past (today is ${today})`);
      if (!nonEmpty(cmd.reason)) refuse('invalid', 'reason: required');
      if (cmd.dueOn === st.dueOn) refuse('invalid', `dueOn: step "${st.key}" is already due on ${cmd.dueOn}`);
      return;
    }
    case 'reassign': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      requireCoordinator(actor, 'reassign a step');
      if (st.status !== 'active' && st.status !== 'pending')
        refuse('step_not_active', `step "${st.key}" is ${st.status}`);
      if (def.kind === 'wait') refuse('invalid', `step "${st.key}" is a wait: nobody is assigned`);
      if (!nonEmpty(cmd.agency)) refuse('invalid', 'agency: required');
      if (!nonEmpty(cmd.reason)) refuse('invalid', 'reason: required');
      reassignFrom(st, def, cmd.fromAgency, cmd.agency);
      return;
    }
    case 'withdraw':
      requireCoordinator(actor, 'withdraw a case');
      if (!nonEmpty(cmd.reason)) refuse('invalid', 'reason: required');
      return;
    case 'comment':
      if (!nonEmpty(cmd.text)) refuse('invalid', 'text: required');
      if (cmd.stepKey !== undefined) stepState(s, cmd.stepKey);
      return;
    default:
      refuse('invalid', `unknown command ${JSON.stringify((cmd as { type?: unknown }).type)}`);
  }
}

/** Which slot a reassignment replaces; refuses when it is ambiguous or pointless. */
function reassignFrom(
  st: StepState,
  def: StepDefinition,
  fromAgency: string | undefined,
  agency: string,
): string {
  const candidates = st.status === 'active' ? openSlots(st, def) : st.slots;
  let from = fromAgency;
  if (from === undefined) {
    if (candidates.length !== 1) {
      refuse(
        'invalid',
        `step "${st.key}" has ${candidates.length} open assignees (${candidates.join(', ')}): say which one (fromAgency)`,
      );
    }
    from = candidates[0];
  }
  if (!candidates.includes(from))
    refuse('invalid', `fromAgency: ${from} is not an open assignee of step "${st.key}"`);
  if (st.slots.includes(agency))
    refuse('invalid', `agency: ${agency} is already assigned to step "${st.key}"`);
  return from;
}

function execute(tx: Tx, cmd: CaseCommand, at: number): void {
  const s = tx.s;
  const actor = cmd.actor;
  switch (cmd.type) {
    case 'complete': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      const slot = pickSlot(st, def, actor);
      st.completedSlots.push(slot);
      st.actions.push(
        action(at, 'complete', actor, {
          ...(cmd.note ? { note: cmd.note } : {}),
          ...(cmd.attachments?.length ? { attachments: cmd.attachments.map((a) => ({ ...a })) } : {}),
        }),
      );
      const data = { by: slot, note: cmd.note ?? null, attachments: cmd.attachments ?? [] };
      const all = def.kind === 'task' && def.completion === 'all';
      const remaining = openSlots(st, def);
      if (!all || remaining.length === 0) {
        finishStepBy(tx, st.key, at, 'done', data, actor);
      } else {
        tx.event(at, 'step_completed', st.key, actor, {
          ...data,
          partial: true,
          remaining,
          occurrence: st.occurrence,
        });
      }
      return;
    }
    case 'decide': {
      const def = stepDef(s, cmd.stepKey) as ApprovalStepDefinition;
      const st = stepState(s, cmd.stepKey);
      const slot = pickSlot(st, def, actor);
      st.decisions[slot] = cmd.decision;
      st.actions.push(action(at, cmd.decision, actor, cmd.comment ? { note: cmd.comment } : {}));
      tx.event(at, 'decision', st.key, actor, {
        decision: cmd.decision,
        comment: cmd.comment ?? null,
        slot,
        occurrence: st.occurrence,
      });
      tx.notify('decision_made', st, [s.leadAgency], true, {
        decision: cmd.decision,
        comment: cmd.comment ?? null,
        by: slot,
      });
      settleApproval(tx, st, def, at, { comment: cmd.comment ?? null });
      return;
    }
    case 'milestone': {
      const st = stepState(s, cmd.stepKey);
      st.actions.push(
        action(at, 'milestone', actor, { date: cmd.on, ...(cmd.note ? { note: cmd.note } : {}) }),
      );
      tx.event(at, 'milestone_recorded', st.key, actor, { on: cmd.on, note: cmd.note ?? null });
      finishStepBy(tx, st.key, at, 'done', { on: cmd.on }, actor);
      return;
    }
    case 'extend_due_date': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      const from = st.dueOn;
      st.dueOn = cmd.dueOn;
      st.dueAt = dueAtOf(s, def, cmd.dueOn);
      // Reminders are re-armed from the new date: past slots are not sent late.
      st.armedAt = at;
      st.noticeCursor = null;
      st.actions.push(action(at, 'due_date_changed', actor, { date: cmd.dueOn, note: cmd.reason }));
      tx.event(at, 'due_date_changed', st.key, actor, { from, to: cmd.dueOn, reason: cmd.reason });
      return;
    }
    case 'reassign': {
      const def = stepDef(s, cmd.stepKey);
      const st = stepState(s, cmd.stepKey);
      const from = reassignFrom(st, def, cmd.fromAgency, cmd.agency);
      st.slots = st.slots.map((slot) => (slot === from ? cmd.agency : slot));
      st.coordinatorSlots = st.coordinatorSlots.filter((slot) => slot !== from);
      st.actions.push(action(at, 'reassigned', actor, { note: `${from} → ${cmd.agency}: ${cmd.reason}` }));
      tx.event(at, 'step_reassigned', st.key, actor, { from, to: cmd.agency, reason: cmd.reason });
      const turn = openSlots(st, def, true);
      if (st.status === 'active' && turn.includes(cmd.agency)) announce(tx, st, def, [cmd.agency]);
      return;
    }
    case 'withdraw':
      closeCase(tx, 'withdrawn', at, actor, cmd.reason);
      return;
    case 'comment': {
      const seq = tx.event(at, 'comment', cmd.stepKey, actor, { text: cmd.text });
      s.comments.push({
        seq,
        by: actor.personId,
        byName: actor.name,
        agency: actor.agency || null,
        at: iso(at),
        text: cmd.text,
        ...(cmd.stepKey !== undefined ? { stepKey: cmd.stepKey } : {}),
        channel: actor.channel,
      });
      return;
    }
  }
}

/** finishStep for a person's action: the step_completed event carries who did it. */
function finishStepBy(
  tx: Tx,
  key: string,
  at: number,
  outcome: Outcome,
  data: Record<string, unknown>,
  actor: Actor,
): void {
  const before = tx.events.length;
  finishStep(tx, key, at, outcome, data);
  const e = tx.events[before];
  if (e && e.type === 'step_completed') e.actor = { ...actor };
}

// ---------------------------------------------------------------------------------------------------------------
// Time

type TimerItem =
  | { at: number; step: number; rank: 0; type: 'notice'; slot: NoticeSlot }
  | { at: number; step: number; rank: 1; type: 'follow_up'; k: number }
  | { at: number; step: number; rank: 2; type: 'tacit_consent' }
  | { at: number; step: number; rank: 3; type: 'wait_end' };

function timersOf(s: CaseState, index: number): TimerItem[] {
  const st = s.steps[index];
  if (st.status !== 'active' || st.startedAt === null || st.armedAt === null) return [];
  const def = stepDef(s, st.key);
  if (def.kind === 'wait')
    return st.dueAt === null ? [] : [{ at: st.dueAt, step: index, rank: 3, type: 'wait_end' }];
  const items: TimerItem[] = [];
  const { policy, followUpEveryDays } = resolveReminders(s.definition, def);
  const tacit = def.kind === 'approval' && def.tacitConsent === true && st.dueAt !== null;
  if (st.dueOn !== null) {
    const slot = nextNotice(
      s.calendar,
      policy,
      { startedAt: st.armedAt, dueOn: st.dueOn },
      st.noticeCursor ?? st.armedAt,
    );
    // With tacit consent the step settles at its due instant: nothing after it.
    if (slot && !(tacit && slot.at >= (st.dueAt as number)))
      items.push({ at: slot.at, step: index, rank: 0, type: 'notice', slot });
  }
  if (followUpEveryDays !== null) {
    const k = st.followUpsSent + 1;
    const date = formatDate(parseDate(localDate(s.calendar, st.startedAt)) + k * followUpEveryDays);
    items.push({
      at: localInstant(s.calendar, nextBusinessDay(s.calendar, date), NOTICE_HOUR),
      step: index,
      rank: 1,
      type: 'follow_up',
      k,
    });
  }
  if (tacit) items.push({ at: st.dueAt as number, step: index, rank: 2, type: 'tacit_consent' });
  return items;
}

function earliestTimer(s: CaseState): TimerItem | null {
  let best: TimerItem | null = null;
  for (let i = 0; i < s.steps.length; i++) {
    for (const item of timersOf(s, i)) {
      if (
        !best ||
        item.at < best.at ||
        (item.at === best.at && (item.step < best.step || (item.step === best.step && item.rank < best.rank)))
      ) {
        best = item;
      }
    }
  }
  return best;
}

function sweep(tx: Tx, now: number, coalesce: boolean): void {
  for (let i = 0; i < MAX_TIMER_FIRINGS; i++) {
    if (tx.s.status !== 'active') return;
    const item = earliestTimer(tx.s);
    if (!item || item.at > now) return;
    if (
      coalesce &&
      item.type === 'notice' &&
      item.slot.kind !== 'escalation' &&
      laterNoticeAlsoDue(tx.s, item, now)
    ) {
      // Catch-up (a worker away for days, a step that starts long overdue): only the latest due notice of a step
      // goes out, not every reminder and overdue repeat it missed. Escalations are always recorded.
      tx.s.steps[item.step].noticeCursor = item.slot.at;
      continue;
    }
    fire(tx, item);
    maybeComplete(tx, item.at);
  }
  throw new Error(`case ${tx.workflowId}: more than ${MAX_TIMER_FIRINGS} timers due at once`);
}

function laterNoticeAlsoDue(s: CaseState, item: TimerItem & { type: 'notice' }, now: number): boolean {
  const st = s.steps[item.step];
  const saved = st.noticeCursor;
  st.noticeCursor = item.slot.at;
  try {
    for (const t of timersOf(s, item.step)) if (t.type === 'notice' && t.at <= now) return true;
    return false;
  } finally {
    st.noticeCursor = saved;
  }
}

function fire(tx: Tx, item: TimerItem): void {
  const s = tx.s;
  const st = s.steps[item.step];
  const def = stepDef(s, st.key);
  const at = item.at;
  switch (item.type) {
    case 'notice': {
      st.noticeCursor = item.slot.at;
      const to = openSlots(st, def, true);
      const escalation = item.slot.kind === 'escalation';
      if (escalation) {
        st.actions.push(action(at, 'escalated', null, { note: `level ${item.slot.level}` }));
        tx.event(at, 'escalated', st.key, undefined, {
          level: item.slot.level,
          dueOn: st.dueOn,
          waitingFor: to,
        });
      }
      tx.notify(item.slot.kind, st, to, escalation || to.some((slot) => st.coordinatorSlots.includes(slot)), {
        level: item.slot.level,
        ...(item.slot.kind === 'reminder' ? { businessDaysBefore: item.slot.level } : {}),
        ...(def.kind === 'approval' && def.tacitConsent ? { tacitConsent: true } : {}),
        waitingFor: to,
      });
      return;
    }
    case 'follow_up': {
      st.followUpsSent = item.k;
      const to = openSlots(st, def, true);
      tx.notify(
        'reminder',
        st,
        to,
        to.some((slot) => st.coordinatorSlots.includes(slot)),
        { followUp: item.k, waitingFor: to },
      );
      return;
    }
    case 'tacit_consent': {
      const silent = openSlots(st, def);
      for (const slot of silent) {
        st.decisions[slot] = 'tacit_consent';
        st.actions.push(action(at, 'tacit_consent', null, { agency: slot }));
      }
      if (silent.length)
        tx.event(at, 'tacit_consent', st.key, undefined, { agencies: silent, occurrence: st.occurrence });
      settleApproval(tx, st, def as ApprovalStepDefinition, at, {});
      return;
    }
    case 'wait_end':
      st.actions.push(action(at, 'complete', null, { note: 'wait ended' }));
      finishStep(tx, st.key, at, 'done', {});
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshot

function stepSnapshot(s: CaseState, st: StepState, def: StepDefinition): StepSnapshot {
  const snap: StepSnapshot = {
    key: st.key,
    title: def.title.en,
    kind: def.kind,
    status: st.status,
    assignees: st.status === 'active' ? openSlots(st, def) : [...st.slots],
    dueOn: st.dueOn,
    dueAt: st.dueAt === null ? null : iso(st.dueAt),
    startedAt: st.startedAt === null ? null : iso(st.startedAt),
    completedAt: st.completedAt === null ? null : iso(st.completedAt),
    occurrence: st.occurrence,
    actions: st.actions.map((a) => ({ ...a })),
    nextNotices: st.status === 'active' ? scheduledNotices(s, st, def) : [],
  };
  if (def.kind === 'approval') {
    const m = st.slots.length;
    snap.approval = {
      mode: def.mode,
      required: def.mode === 'all' ? m : def.mode === 'any' ? 1 : Math.min(def.n ?? 1, m),
      tacitConsent: def.tacitConsent === true,
      decisions: { ...st.decisions },
    };
  }
  return snap;
}

function scheduledNotices(s: CaseState, st: StepState, def: StepDefinition): ScheduledNotice[] {
  if (def.kind === 'wait' || st.armedAt === null || st.startedAt === null) return [];
  const { policy, followUpEveryDays } = resolveReminders(s.definition, def);
  const out: { kind: NotificationKind; at: number; level?: number }[] = [];
  if (st.dueOn !== null) {
    const tacitAt = def.kind === 'approval' && def.tacitConsent ? st.dueAt : null;
    for (const slot of upcomingNotices(
      s.calendar,
      policy,
      { startedAt: st.armedAt, dueOn: st.dueOn },
      st.noticeCursor ?? st.armedAt,
      4,
    )) {
      if (tacitAt !== null && slot.at >= tacitAt) break;
      out.push({ kind: slot.kind, at: slot.at, level: slot.level });
    }
  }
  if (followUpEveryDays !== null) {
    const date = formatDate(
      parseDate(localDate(s.calendar, st.startedAt)) + (st.followUpsSent + 1) * followUpEveryDays,
    );
    out.push({
      kind: 'reminder',
      at: localInstant(s.calendar, nextBusinessDay(s.calendar, date), NOTICE_HOUR),
    });
  }
  return out
    .sort((a, b) => a.at - b.at)
    .map((n) => ({ kind: n.kind, at: iso(n.at), ...(n.level !== undefined ? { level: n.level } : {}) }));
}
