// The hand-written reader the case workflow uses must give what the zod parser gives: the same definition (same
// keys, key order, trimmed strings, absent and undefined fields) when it answers, the same error otherwise.
import fc from 'fast-check';
import type * as ReaderModule from './definition-reader';
import { readDefinition, readPlainDefinition } from './definition-reader';
import { parseDefinition } from './definition-validation';
import { processDefinitionSchema } from './process-definition.schema';
import { SHIPPED_DEFINITIONS } from './shipped-definitions';

/** A value with its key order and undefined fields made visible to toEqual. */
function exact(value: unknown): unknown {
  if (value === undefined) return { undefined: true };
  if (Array.isArray(value)) return { array: value.map(exact) };
  if (typeof value === 'object' && value !== null)
    return { entries: Object.entries(value).map(([k, v]) => [k, exact(v)]) };
  return value;
}

function outcome(fn: () => unknown): unknown {
  try {
    return { value: exact(fn()) };
  } catch (error) {
    const e = error as Error & { issues?: unknown };
    return { error: e.constructor.name, message: e.message, issues: e.issues };
  }
}

const shipped = (): unknown[] => SHIPPED_DEFINITIONS.map((d) => structuredClone(d));

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  '  Spaced title  ',
  'x',
  'Bad Key',
  'snake_key',
  'execute',
  'head_approval',
  0,
  -0,
  -1,
  1,
  2,
  1.5,
  365,
  366,
  3650,
  3651,
  Number.NaN,
  true,
  false,
  [],
  ['lead'],
  ['lead', 'lead'],
  ['execute', 'contribute'],
  {},
  { to: ['execute'] },
  { to: [] },
  { end: 'completed' },
  { end: 'rejected' },
  { returnTo: 'execute' },
  { ru: ' Текст ', en: ' Text ' },
  { type: 'date', on: '2031-02-29' },
  { type: 'date', on: '2032-02-29' },
  { type: 'after_start', businessDays: 5 },
  { type: 'after_start', days: 5, businessDays: 5 },
  { type: 'none' },
  'task',
  'approval',
  'milestone',
  'wait',
  'any',
  'all',
  'n_of_m',
  'parallel',
  'sequential',
];

type Path = Array<string | number>;

/** Every object/array position in a value, with the keys an edit may touch there. */
function positions(
  value: unknown,
  at: Path = [],
  out: Array<{ path: Path; keys: Array<string | number> }> = [],
) {
  if (Array.isArray(value)) {
    out.push({ path: at, keys: value.map((_, i) => i) });
    value.forEach((v, i) => positions(v, [...at, i], out));
  } else if (typeof value === 'object' && value !== null) {
    out.push({ path: at, keys: Object.keys(value) });
    for (const [k, v] of Object.entries(value)) positions(v, [...at, k], out);
  }
  return out;
}

function at(root: unknown, path: Path): Record<string | number, unknown> {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as Record<
    string | number,
    unknown
  >;
}

interface Edit {
  where: number;
  key: number;
  op: 'set' | 'delete' | 'add' | 'pad' | 'omit';
  value: number;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  where: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom('set' as const, 'delete' as const, 'add' as const, 'pad' as const, 'omit' as const),
  value: fc.nat({ max: ODD_VALUES.length - 1 }),
});

/** Fields a definition may leave out (omitting one keeps it valid, so the reader must answer). */
const OPTIONAL = new Set([
  'description',
  'reminders',
  'required',
  'skipIfUnassigned',
  'join',
  'completion',
  'evidence',
  'tacitConsent',
  'request_changes',
  'beforeDue',
  'dueToday',
  'overdue',
  'repeatOverdueEvery',
  'escalateAfter',
  'secondEscalationAfter',
  'followUpEveryDays',
]);

/**
 * Up to three edits at random places: a value replaced, a field deleted or added, a text padded with spaces, an
 * optional field left out or set to undefined.
 */
function mutate(definition: unknown, edits: Edit[]): unknown {
  for (const e of edits) {
    const all = positions(definition);
    const { path, keys } = all[e.where % all.length];
    const target = at(definition, path);
    const key = keys.length ? keys[e.key % keys.length] : 0;
    const value = structuredClone(ODD_VALUES[e.value]);
    if (e.op === 'set') target[key] = value;
    else if (e.op === 'delete' && !Array.isArray(target)) delete target[key];
    else if (e.op === 'add' && !Array.isArray(target)) target[`extra_${e.key % 3}`] = value;
    else if (e.op === 'omit') {
      const optional = Object.keys(target).filter((k) => OPTIONAL.has(k));
      if (optional.length && e.value % 2) delete target[optional[e.value % optional.length]];
      else if (optional.length) target[optional[e.value % optional.length]] = undefined;
    } else if (typeof target[key] === 'string') target[key] = `  ${String(target[key])}\t`;
    else target[key] = value;
  }
  return definition;
}

describe('readPlainDefinition', () => {
  it('reads every shipped definition exactly as the zod schema does', () => {
    for (const definition of shipped()) {
      const read = readPlainDefinition(definition);
      expect(read).toBeDefined();
      expect(exact(read)).toEqual(exact(processDefinitionSchema.parse(definition)));
    }
  });

  it('trims texts and keeps a field present as undefined, like zod', () => {
    const definition = shipped()[0] as Record<string, unknown>;
    definition.title = { ru: '  Мера ', en: '\tMeasure  ' };
    definition.description = undefined;
    const read = readPlainDefinition(definition);
    expect(read?.title).toEqual({ ru: 'Мера', en: 'Measure' });
    expect(Object.keys(read ?? {})).toContain('description');
    expect(exact(read)).toEqual(exact(processDefinitionSchema.parse(definition)));
  });

  it('leaves to the schema what it is not sure of', () => {
    const [definition] = shipped() as Array<Record<string, unknown>>;
    expect(readPlainDefinition({ ...definition, extra: 1 })).toBeUndefined();
    expect(readPlainDefinition(JSON.stringify(definition))).toBeUndefined();
    expect(readPlainDefinition(Object.assign(new (class Odd {})(), definition))).toBeUndefined();
    expect(readPlainDefinition({ ...definition, version: 1.5 })).toBeUndefined();
  });

  it('answers only with what zod answers, for definitions edited at random', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SHIPPED_DEFINITIONS.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (i, edits) => {
          const definition = mutate(shipped()[i], edits);
          const read = readPlainDefinition(definition);
          if (read === undefined) return;
          const parsed = processDefinitionSchema.safeParse(definition);
          expect(parsed.success).toBe(true);
          expect(exact(read)).toEqual(exact(parsed.data));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('readDefinition', () => {
  it('returns what parseDefinition returns, or throws the same error, for definitions edited at random', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SHIPPED_DEFINITIONS.length - 1 }),
        fc.array(edit, { maxLength: 3 }),
        (i, edits) => {
          const definition = mutate(shipped()[i], edits);
          expect(outcome(() => readDefinition(structuredClone(definition)))).toEqual(
            outcome(() => parseDefinition(structuredClone(definition))),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports graph problems of a well-formed definition as parseDefinition does', () => {
    const definition = shipped()[0] as { start: string[] };
    definition.start = ['no_such_step'];
    expect(outcome(() => readDefinition(definition))).toEqual(outcome(() => parseDefinition(definition)));
    expect(() => readDefinition(definition)).toThrow(/start step "no_such_step" does not exist/);
  });

  it('parses JSON text through the full parser', () => {
    const [definition] = shipped();
    expect(exact(readDefinition(JSON.stringify(definition)))).toEqual(
      exact(parseDefinition(JSON.stringify(definition))),
    );
  });
});

describe('zod in the case workflow', () => {
  // jest's registry stands in for the workflow sandbox's per-workflow module cache: what is required is evaluated.
  function withZodWatched(fn: (loaded: () => boolean) => void): void {
    let zodLoaded = false;
    jest.isolateModules(() => {
      jest.doMock('zod', () => {
        zodLoaded = true;
        return jest.requireActual('zod');
      });
      fn(() => zodLoaded);
    });
    jest.dontMock('zod');
  }

  it('is not loaded by the case engine, nor to start a case with a valid definition', () => {
    const [definition] = shipped();
    withZodWatched((loaded) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../engine/case-engine');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const reader = require('./definition-reader') as typeof ReaderModule;
      reader.readDefinition(definition);
      expect(loaded()).toBe(false);
    });
  });

  it('is loaded for a definition the reader cannot vouch for, which then fails as parseDefinition fails', () => {
    const definition = { ...(shipped()[0] as object), version: 0 };
    withZodWatched((loaded) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const reader = require('./definition-reader') as typeof ReaderModule;
      const error = outcome(() => reader.readDefinition(definition)) as { message: string };
      expect(loaded()).toBe(true);
      expect(error.message).toBe((outcome(() => parseDefinition(definition)) as { message: string }).message);
    });
  });
});
