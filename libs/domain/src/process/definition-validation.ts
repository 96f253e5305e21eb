// parseDefinition: schema first, then the rules a schema cannot express (definition-rules.ts: references, graph
// shape, approval quorum, tacit consent). Every problem is collected with its path, so an author fixes them all in
// one pass. The case workflow uses definition-reader.ts instead, which loads this (and zod) only when it must.
import type { z } from 'zod';
import { DefinitionError, type DefinitionIssue, graphIssues } from './definition-rules';
import { processDefinitionSchema, type ProcessDefinition } from './process-definition.schema';

export {
  DefinitionError,
  type DefinitionIssue,
  forwardReachable,
  forwardTargets,
  returnTargets,
} from './definition-rules';

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
