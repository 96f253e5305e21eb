// parseDefinition: schema first, then the rules a schema cannot express (references, graph shape, approval
// quorum, tacit consent). Every problem is collected with its path, so an author fixes them all in one pass.
import type { z } from 'zod';
import {
  processDefinitionSchema,
  resolveReminders,
  type ProcessDefinition,
  type StepDefinition,
} from './process-definition.schema';

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

/** Parses and validates a definition (object or JSON text); throws DefinitionError listing every problem. */
export function parseDefinition(json: unknown): ProcessDefinition {
  const result = checkDefinition(json);
  if (!result.ok) throw new DefinitionError(result.issues);
  return result.definition;
}

export type DefinitionCheck =
  { ok: true; definition: ProcessDefinition } | { ok: false; issues: DefinitionIssue[] };

/** Like parseDefinition, without throwing. */
export function checkDefinition(json: unknown): DefinitionCheck {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json);
    } catch (e) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] };
    }
  }
  const parsed = processDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map(fromZodIssue) };
  const issues = graphIssues(parsed.data);
  return issues.length ? { ok: false, issues } : { ok: true, definition: parsed.data };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function fromZodIssue(issue: z.core.$ZodIssue): DefinitionIssue {
  if (issue.code === 'unrecognized_keys') {
    return { path: formatPath(issue.path), message: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_union' && last === 'reject') {
    // zod does not always apply a union's own message; say what a rejection may do.
    return {
      path: formatPath(issue.path),
      message: 'must be { "end": "rejected" } or { "returnTo": step key }',
    };
  }
  return { path: formatPath(issue.path), message: issue.message };
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

function graphIssues(def: ProcessDefinition): DefinitionIssue[] {
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
