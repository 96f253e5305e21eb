// The rules of a process definition that need no schema library: the field patterns, reminder resolution, the
// graph rules (references, reachability, loops) and the error they raise. Zod-free on purpose: the case workflow
// imports this, and every cached workflow evaluates its own copy of each module it imports (the zod schemas cost
// about 1 MB per cached case). process-definition.schema.ts and definition-validation.ts build on it.
import {
  DEFAULT_REMINDER_POLICY,
  type ReminderPolicy as CalendarReminderPolicy,
} from '../calendar/reminder-policy';
import type { ProcessDefinition, ReminderRules, StepDefinition } from './process-definition.schema';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const KEY = /^[a-z][a-z0-9_]*$/;

export function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

/** A step's effective reminder rules, in the calendar module's terms, plus the follow-up cadence. */
export interface ResolvedReminders {
  policy: CalendarReminderPolicy;
  followUpEveryDays: number | null;
}

/** The step's effective reminder rules: step fields over definition fields over the calendar's defaults. */
export function resolveReminders(definition: ProcessDefinition, step: StepDefinition): ResolvedReminders {
  const d = DEFAULT_REMINDER_POLICY;
  const merged: Required<{ [K in keyof ReminderRules]-?: Exclude<ReminderRules[K], undefined> }> = {
    beforeDue: d.beforeBusinessDays,
    dueToday: d.dueToday,
    overdue: d.overdueNotice,
    repeatOverdueEvery: d.repeatOverdueEveryBusinessDays,
    escalateAfter: d.escalateAfterBusinessDaysOverdue,
    secondEscalationAfter: d.secondEscalationAfterBusinessDays,
    followUpEveryDays: null,
  };
  for (const layer of [definition.reminders, step.reminders]) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    }
  }
  return {
    policy: {
      beforeBusinessDays: [...new Set(merged.beforeDue)].sort((a, b) => b - a),
      dueToday: merged.dueToday,
      overdueNotice: merged.overdue,
      repeatOverdueEveryBusinessDays: merged.repeatOverdueEvery,
      escalateAfterBusinessDaysOverdue: merged.escalateAfter,
      secondEscalationAfterBusinessDays: merged.escalateAfter === null ? null : merged.secondEscalationAfter,
    },
    followUpEveryDays: merged.followUpEveryDays,
  };
}

/** Role names of who acts on a step: task/milestone assignees, approval approvers. */
export function stepRoles(step: StepDefinition): string[] {
  switch (step.kind) {
    case 'approval':
      return step.approvers;
    case 'task':
      return typeof step.assignee === 'string' ? [step.assignee] : step.assignee;
    case 'milestone':
      return step.assignee === undefined
        ? ['coordinator']
        : typeof step.assignee === 'string'
          ? [step.assignee]
          : step.assignee;
    case 'wait':
      return [];
  }
}

export interface DefinitionIssue {
  /** e.g. `steps[2].approvers` */
  path: string;
  message: string;
}

export class DefinitionError extends Error {
  constructor(public readonly issues: DefinitionIssue[]) {
    super(
      `invalid process definition:\n${issues.map((i) => `- ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'DefinitionError';
  }
}

/** Forward transitions (the normal flow) of a step. */
export function forwardTargets(step: StepDefinition): string[] {
  const t = step.kind === 'approval' ? step.on.approve : step.on.done;
  return 'to' in t ? t.to : [];
}

/** Return-for-rework transitions of a step. */
export function returnTargets(step: StepDefinition): string[] {
  if (step.kind !== 'approval') return [];
  const out: string[] = [];
  if (step.on.request_changes) out.push(step.on.request_changes.returnTo);
  if ('returnTo' in step.on.reject) out.push(step.on.reject.returnTo);
  return out;
}

function endsCase(step: StepDefinition): boolean {
  const forward = step.kind === 'approval' ? step.on.approve : step.on.done;
  return 'end' in forward || (step.kind === 'approval' && 'end' in step.on.reject);
}

/** Steps reachable by forward transitions from `from` (inclusive). */
export function forwardReachable(definition: ProcessDefinition, from: string): Set<string> {
  const byKey = new Map(definition.steps.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const k = stack.pop() as string;
    if (seen.has(k) || !byKey.has(k)) continue;
    seen.add(k);
    for (const t of forwardTargets(byKey.get(k) as StepDefinition)) stack.push(t);
  }
  return seen;
}

/** The rules a schema cannot express: references, graph shape, approval quorum, tacit consent. */
export function graphIssues(def: ProcessDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.key))
      add(`steps[${i}].key`, `duplicate step key "${s.key}" (also steps[${index.get(s.key)}])`);
    else index.set(s.key, i);
  });
  const exists = (k: string) => index.has(k);

  def.start.forEach((k, i) => {
    if (!exists(k)) add(`start[${i}]`, `start step "${k}" does not exist`);
  });

  def.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    const name = `step "${step.key}"`;
    const fwdPath = step.kind === 'approval' ? `${at}.on.approve.to` : `${at}.on.done.to`;
    forwardTargets(step).forEach((t, j) => {
      if (!exists(t)) add(`${fwdPath}[${j}]`, `${name} leads to "${t}", which does not exist`);
      if (t === step.key) add(`${fwdPath}[${j}]`, `${name} leads to itself`);
    });
    if (step.kind === 'approval') {
      const returns: [string, string][] = [];
      if (step.on.request_changes)
        returns.push([`${at}.on.request_changes.returnTo`, step.on.request_changes.returnTo]);
      if ('returnTo' in step.on.reject) returns.push([`${at}.on.reject.returnTo`, step.on.reject.returnTo]);
      for (const [path, target] of returns) {
        if (!exists(target)) add(path, `${name} returns to "${target}", which does not exist`);
        else if (!forwardReachable(def, target).has(step.key) || target === step.key) {
          add(path, `${name} returns to "${target}", which is not an earlier step on its path`);
        }
      }
      if (step.approvers.length === 0)
        add(`${at}.approvers`, `${name}: an approval needs at least one approver`);
      const dup = step.approvers.filter((r, j) => step.approvers.indexOf(r) !== j);
      if (dup.length) add(`${at}.approvers`, `${name}: approver role(s) listed twice: ${dup.join(', ')}`);
      if (step.mode === 'n_of_m' && step.n === undefined) add(`${at}.n`, `${name}: mode n_of_m needs n`);
      if (step.mode !== 'n_of_m' && step.n !== undefined)
        add(`${at}.n`, `${name}: n is only for mode n_of_m`);
      if (step.tacitConsent) {
        if (step.order !== 'parallel')
          add(`${at}.tacitConsent`, `${name}: tacit consent needs parallel order`);
        if (step.due.type === 'none') add(`${at}.due`, `${name}: tacit consent needs a due date`);
        if (resolveReminders(def, step).policy.beforeBusinessDays.length === 0) {
          add(
            `${at}.reminders.beforeDue`,
            `${name}: tacit consent needs a warning reminder before the due date`,
          );
        }
      }
    } else if (step.kind !== 'wait') {
      const roles = step.kind === 'task' ? step.assignee : step.assignee;
      if (Array.isArray(roles) && roles.length === 0) add(`${at}.assignee`, `${name} has no assignee`);
    }
    if (step.kind === 'wait' && step.due.type === 'none')
      add(`${at}.due`, `${name}: a wait step needs a due rule (when it ends)`);
    if (
      step.due.type === 'after_start' &&
      (step.due.businessDays === undefined) === (step.due.days === undefined)
    ) {
      add(`${at}.due`, `${name}: after_start needs exactly one of businessDays or days`);
    }
    if (step.join) {
      step.join.forEach((p, j) => {
        const pi = index.get(p);
        if (pi === undefined) add(`${at}.join[${j}]`, `${name} joins "${p}", which does not exist`);
        else if (!forwardTargets(def.steps[pi]).includes(step.key)) {
          add(`${at}.join[${j}]`, `${name} joins "${p}", which has no transition to it`);
        }
      });
      if (def.start.includes(step.key)) add(`${at}.join`, `${name} is a start step and cannot be a join`);
    }
  });

  // Reachability from the start over every transition.
  const all = (k: string): string[] => {
    const s = def.steps[index.get(k) as number];
    return [...forwardTargets(s), ...returnTargets(s)].filter(exists);
  };
  const reached = new Set<string>();
  const stack = def.start.filter(exists);
  while (stack.length) {
    const k = stack.pop() as string;
    if (reached.has(k)) continue;
    reached.add(k);
    stack.push(...all(k));
  }
  def.steps.forEach((s, i) => {
    if (index.get(s.key) === i && !reached.has(s.key))
      add(`steps[${i}]`, `step "${s.key}" is unreachable from the start`);
  });

  // Steps from which no end can be reached: cycles without exit (or dead ends).
  const reachesEnd = new Set(def.steps.filter(endsCase).map((s) => s.key));
  for (let changed = true; changed;) {
    changed = false;
    for (const s of def.steps) {
      if (!reachesEnd.has(s.key) && all(s.key).some((t) => reachesEnd.has(t))) {
        reachesEnd.add(s.key);
        changed = true;
      }
    }
  }
  const stuck = [...index.keys()].filter((k) => !reachesEnd.has(k));
  const inStuckCycle = new Set<string>();
  for (const scc of stronglyConnected([...index.keys()], all)) {
    const cyclic = scc.length > 1 || all(scc[0]).includes(scc[0]);
    if (cyclic && scc.every((k) => !reachesEnd.has(k))) {
      scc.forEach((k) => inStuckCycle.add(k));
      add(
        `steps[${index.get(scc[0])}]`,
        `cycle without exit: ${scc.join(' → ')} never reach an end of the case`,
      );
    }
  }
  for (const k of stuck) {
    if (!inStuckCycle.has(k)) add(`steps[${index.get(k)}]`, `step "${k}" can never reach an end of the case`);
  }

  // Forward transitions must not loop: rework loops go through request_changes / reject returnTo.
  for (const scc of stronglyConnected([...index.keys()], (k) =>
    forwardTargets(def.steps[index.get(k) as number]).filter(exists),
  )) {
    if (scc.length > 1) {
      add(
        `steps[${index.get(scc[0])}]`,
        `forward transitions loop through ${scc.join(', ')}: a loop must be a request_changes or reject returnTo`,
      );
    }
  }
  return issues;
}

/** Tarjan's strongly connected components. */
function stronglyConnected(nodes: string[], edges: (k: string) => string[]): string[][] {
  let counter = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc.reverse());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}
