// readDefinition: parseDefinition for the case workflow, without zod unless the input needs it.
//
// Every case workflow the worker keeps cached evaluates its own copy of each module it imports (the SDK's reusable
// V8 context isolates module state per workflow). The zod schemas of process-definition.schema.ts cost about 1 MB
// of heap per cached case, most of the worker's memory at 1,000 open cases. A definition that reaches the
// workflow was already validated by the API, so the reader below checks it by hand, mirroring the schema field by
// field, and returns exactly what zod would (same keys, same key order, strings trimmed). Anything it is not sure
// of (a missing or unknown field, a wrong type, an odd object) goes to the real parseDefinition, loaded only then,
// so a bad definition fails with the same error, word for word. definition-reader.spec.ts holds the two together.
import type * as FullParser from './definition-validation';
import { DefinitionError, graphIssues, ISO_DATE, isRealDate, KEY } from './definition-rules';
import type { ProcessDefinition } from './process-definition.schema';

/** Same result and same errors as parseDefinition (definition-validation.ts). */
export function readDefinition(json: unknown): ProcessDefinition {
  const definition = readPlainDefinition(json);
  if (definition === undefined) return fullParser().parseDefinition(json);
  const issues = graphIssues(definition);
  if (issues.length) throw new DefinitionError(issues);
  return definition;
}

/** What processDefinitionSchema.parse would return, or undefined when the input is not plainly valid. */
export function readPlainDefinition(json: unknown): ProcessDefinition | undefined {
  try {
    return definition(json) as ProcessDefinition;
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

function fullParser(): typeof FullParser {
  // Required here, not imported at the top: its module builds the zod schemas as it loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./definition-validation') as typeof FullParser;
}

type Obj = Record<string, unknown>;
type Read = (value: unknown) => unknown;

const UNSURE = new Error('not plainly valid: left to the schema');

function unsure(): never {
  throw UNSURE;
}

/**
 * A plain object, JSON's kind: its prototype is an Object.prototype (of any realm: jest's, the sandbox's) or none.
 * zod takes any non-array object; class instances and other odd ones are left to it.
 */
function plain(value: unknown): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) unsure();
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) unsure();
  return value as Obj;
}

/**
 * Copies the fields in the schema's order, as zod builds its output: a required field must be there; an optional
 * one that is absent stays absent, one present as undefined is copied as undefined.
 */
function shape(value: unknown, fields: ReadonlyArray<[string, Read, 'optional'?]>): Obj {
  const input = plain(value);
  // z.strictObject: no field outside the shape (for...in, as zod looks for them)
  for (const name in input) if (!fields.some(([known]) => known === name)) unsure();
  const out: Obj = {};
  for (const [name, read, optional] of fields) {
    if (!(name in input)) {
      if (optional) continue;
      unsure();
    }
    const field = input[name];
    out[name] = optional && field === undefined ? undefined : read(field);
  }
  return out;
}

const string = (value: unknown): string => (typeof value === 'string' ? value : unsure());
const key: Read = (value) => (KEY.test(string(value)) ? value : unsure());
const text: Read = (value) => {
  const trimmed = string(value).trim();
  return trimmed.length >= 1 ? trimmed : unsure();
};
const localDate: Read = (value) =>
  ISO_DATE.test(string(value)) && isRealDate(value as string) ? value : unsure();
const boolean: Read = (value) => (typeof value === 'boolean' ? value : unsure());
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Read =>
  (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? value
      : unsure();
const nullable =
  (read: Read): Read =>
  (value) =>
    value === null ? null : read(value);
const oneOf =
  (...allowed: readonly unknown[]): Read =>
  (value) =>
    allowed.includes(value) ? value : unsure();
const array =
  (read: Read, minLength = 0): Read =>
  (value) => {
    if (!Array.isArray(value) || value.length < minLength) unsure();
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(read(value[i]));
    return out;
  };
/** The variant named by the discriminator field; zod's discriminatedUnion picks the same one. */
const byField =
  (field: string, variants: Record<string, Read>): Read =>
  (value) => {
    const tag = plain(value)[field];
    const read = typeof tag === 'string' && Object.hasOwn(variants, tag) ? variants[tag] : unsure();
    return read(value);
  };

const i18nText: Read = (value) =>
  shape(value, [
    ['ru', text],
    ['en', text],
  ]);

const businessDays = int(0, 3650);
const dueRule = byField('type', {
  date: (v) =>
    shape(v, [
      ['type', oneOf('date')],
      ['on', localDate],
    ]),
  after_start: (v) =>
    shape(v, [
      ['type', oneOf('after_start')],
      ['businessDays', businessDays, 'optional'],
      ['days', int(0, 3650), 'optional'],
    ]),
  case_deadline: (v) =>
    shape(v, [
      ['type', oneOf('case_deadline')],
      ['businessDaysBefore', businessDays],
    ]),
  none: (v) => shape(v, [['type', oneOf('none')]]),
});

const reminderRules: Read = (value) =>
  shape(value, [
    ['beforeDue', array(int(1, 365)), 'optional'],
    ['dueToday', boolean, 'optional'],
    ['overdue', boolean, 'optional'],
    ['repeatOverdueEvery', nullable(int(1, 365)), 'optional'],
    ['escalateAfter', nullable(int(1, 365)), 'optional'],
    ['secondEscalationAfter', nullable(int(1, 365)), 'optional'],
    ['followUpEveryDays', nullable(int(1, 3650)), 'optional'],
  ]);

// The unions' variants have disjoint required fields, so at most one can match: the one zod's union returns.
const forwardTarget: Read = (value) =>
  'to' in plain(value) ? shape(value, [['to', array(key, 1)]]) : shape(value, [['end', oneOf('completed')]]);
const returnTarget: Read = (value) => shape(value, [['returnTo', key]]);
const rejectTarget: Read = (value) =>
  'end' in plain(value) ? shape(value, [['end', oneOf('rejected')]]) : returnTarget(value);
const roleList: Read = (value) => (typeof value === 'string' ? key(value) : array(key)(value));

const stepBase: Array<[string, Read, 'optional'?]> = [
  ['key', key],
  ['title', i18nText],
  ['description', i18nText, 'optional'],
  ['due', dueRule],
  ['reminders', reminderRules, 'optional'],
  ['required', boolean, 'optional'],
  ['skipIfUnassigned', boolean, 'optional'],
  ['join', array(key, 2), 'optional'],
];

const step = byField('kind', {
  task: (v) =>
    shape(v, [
      ...stepBase,
      ['kind', oneOf('task')],
      ['assignee', roleList],
      ['completion', oneOf('any', 'all'), 'optional'],
      ['evidence', oneOf('none', 'optional', 'required'), 'optional'],
      ['on', (on) => shape(on, [['done', forwardTarget]])],
    ]),
  approval: (v) =>
    shape(v, [
      ...stepBase,
      ['kind', oneOf('approval')],
      ['approvers', array(key)],
      ['mode', oneOf('all', 'any', 'n_of_m')],
      ['n', int(1), 'optional'],
      ['order', oneOf('parallel', 'sequential')],
      ['tacitConsent', boolean, 'optional'],
      [
        'on',
        (on) =>
          shape(on, [
            ['approve', forwardTarget],
            ['request_changes', returnTarget, 'optional'],
            ['reject', rejectTarget],
          ]),
      ],
    ]),
  milestone: (v) =>
    shape(v, [
      ...stepBase,
      ['kind', oneOf('milestone')],
      ['assignee', roleList, 'optional'],
      ['on', (on) => shape(on, [['done', forwardTarget]])],
    ]),
  wait: (v) =>
    shape(v, [...stepBase, ['kind', oneOf('wait')], ['on', (on) => shape(on, [['done', forwardTarget]])]]),
});

const definition: Read = (value) =>
  shape(value, [
    ['key', key],
    ['version', int(1)],
    ['title', i18nText],
    ['description', i18nText, 'optional'],
    ['start', array(key, 1)],
    ['reminders', reminderRules, 'optional'],
    ['steps', array(step, 1)],
  ]);
