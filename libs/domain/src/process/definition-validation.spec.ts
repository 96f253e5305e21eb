import {
  checkDefinition,
  DefinitionError,
  parseDefinition,
  type DefinitionIssue,
} from './definition-validation';
import type { ProcessDefinitionInput } from './process-definition.schema';

const title = (en: string) => ({ ru: en, en });

function valid(): ProcessDefinitionInput {
  return {
    key: 'sample',
    version: 1,
    title: title('Sample'),
    start: ['work'],
    steps: [
      {
        key: 'work',
        kind: 'task',
        title: title('Work'),
        assignee: 'lead',
        due: { type: 'after_start', businessDays: 5 },
        on: { done: { to: ['check'] } },
      },
      {
        key: 'check',
        kind: 'approval',
        title: title('Check'),
        approvers: ['coordinator'],
        mode: 'all',
        order: 'parallel',
        due: { type: 'after_start', businessDays: 5 },
        on: {
          approve: { end: 'completed' },
          request_changes: { returnTo: 'work' },
          reject: { end: 'rejected' },
        },
      },
    ],
  };
}

function issuesOf(json: unknown): DefinitionIssue[] {
  try {
    parseDefinition(json);
  } catch (e) {
    expect(e).toBeInstanceOf(DefinitionError);
    return (e as DefinitionError).issues;
  }
  throw new Error('expected a DefinitionError');
}

describe('parseDefinition', () => {
  it('returns the typed definition when valid (object or JSON text)', () => {
    expect(parseDefinition(valid()).steps.map((s) => s.key)).toEqual(['work', 'check']);
    expect(parseDefinition(JSON.stringify(valid())).key).toBe('sample');
  });

  it('refuses text that is not JSON', () => {
    expect(issuesOf('{nope')[0].message).toMatch(/not valid JSON/);
  });

  describe('schema errors name the bad field', () => {
    it.each([
      ['title.en', (d: ProcessDefinitionInput) => ({ ...d, title: { ru: 'x' } })],
      ['version', (d: ProcessDefinitionInput) => ({ ...d, version: 0 })],
      ['key', (d: ProcessDefinitionInput) => ({ ...d, key: 'Bad Key' })],
      [
        'steps[1].mode',
        (d: ProcessDefinitionInput) => ({ ...d, steps: [d.steps[0], { ...d.steps[1], mode: 'most' }] }),
      ],
      [
        'steps[0].due.businessDays',
        (d: ProcessDefinitionInput) => ({
          ...d,
          steps: [{ ...d.steps[0], due: { type: 'after_start', businessDays: -1 } }, d.steps[1]],
        }),
      ],
      [
        'steps[0].due.on',
        (d: ProcessDefinitionInput) => ({
          ...d,
          steps: [{ ...d.steps[0], due: { type: 'date', on: '2027-02-30' } }, d.steps[1]],
        }),
      ],
      [
        'steps[0].kind',
        (d: ProcessDefinitionInput) => ({ ...d, steps: [{ ...d.steps[0], kind: 'chore' }, d.steps[1]] }),
      ],
      [
        'steps[0].reminders.beforeDue[1]',
        (d: ProcessDefinitionInput) => ({
          ...d,
          steps: [{ ...d.steps[0], reminders: { beforeDue: [7, 0] } }, d.steps[1]],
        }),
      ],
      [
        'steps[1].on.reject',
        (d: ProcessDefinitionInput) => ({
          ...d,
          steps: [
            d.steps[0],
            { ...d.steps[1], on: { approve: { end: 'completed' }, reject: { to: ['work'] } } },
          ],
        }),
      ],
    ])('%s', (path, mutate) => {
      const issues = issuesOf(mutate(valid()) as unknown);
      expect(issues.map((i) => i.path)).toContain(path);
    });

    it('names unknown fields', () => {
      const issues = issuesOf({ ...valid(), colour: 'red' });
      expect(issues).toEqual([{ path: '', message: 'unknown field(s): colour' }]);
    });

    it('reports every schema problem at once', () => {
      const issues = issuesOf({ key: 'x', version: 'one', title: { ru: '', en: 'X' }, start: [], steps: [] });
      expect(issues.map((i) => i.path).sort()).toEqual(['start', 'steps', 'title.ru', 'version']);
    });
  });

  it('lists every graph problem with its path', () => {
    const broken = {
      key: 'broken',
      version: 1,
      title: title('Broken'),
      start: ['a', 'ghost_start'],
      steps: [
        {
          key: 'a',
          kind: 'task',
          title: title('A'),
          assignee: 'lead',
          due: { type: 'after_start', businessDays: 1 },
          on: { done: { to: ['b', 'missing'] } },
        },
        {
          key: 'b',
          kind: 'approval',
          title: title('B'),
          approvers: [],
          mode: 'n_of_m',
          order: 'sequential',
          tacitConsent: true,
          reminders: { beforeDue: [] },
          due: { type: 'none' },
          on: { approve: { to: ['c'] }, request_changes: { returnTo: 'island' }, reject: { returnTo: 'c' } },
        },
        {
          key: 'c',
          kind: 'milestone',
          title: title('C'),
          due: { type: 'after_start', businessDays: 2, days: 3 },
          on: { done: { to: ['d'] } },
        },
        {
          key: 'd',
          kind: 'task',
          title: title('D'),
          assignee: 'lead',
          due: { type: 'none' },
          on: { done: { to: ['c'] } },
        },
        {
          key: 'island',
          kind: 'task',
          title: title('Island'),
          assignee: 'lead',
          due: { type: 'none' },
          on: { done: { end: 'completed' } },
        },
        {
          key: 'a',
          kind: 'wait',
          title: title('Dup'),
          due: { type: 'none' },
          on: { done: { end: 'completed' } },
        },
        {
          key: 'j',
          kind: 'task',
          title: title('J'),
          assignee: [],
          join: ['a', 'nowhere'],
          due: { type: 'none' },
          on: { done: { end: 'completed' } },
        },
      ],
    };
    const issues = issuesOf(broken);
    const text = issues.map((i) => `${i.path}: ${i.message}`);
    const expectIssue = (path: string, pattern: RegExp) =>
      expect(
        issues.some((i) => i.path === path && pattern.test(i.message))
          ? 'found'
          : `missing ${path} ${pattern} in\n${text.join('\n')}`,
      ).toBe('found');
    expectIssue('steps[5].key', /duplicate step key "a"/);
    expectIssue('start[1]', /"ghost_start" does not exist/);
    expectIssue('steps[0].on.done.to[1]', /"missing", which does not exist/);
    expectIssue('steps[1].approvers', /needs at least one approver/);
    expectIssue('steps[1].n', /n_of_m needs n/);
    expectIssue('steps[1].tacitConsent', /parallel order/);
    expectIssue('steps[1].due', /tacit consent needs a due date/);
    expectIssue('steps[1].reminders.beforeDue', /warning reminder/);
    expectIssue('steps[1].on.request_changes.returnTo', /"island", which is not an earlier step/);
    expectIssue('steps[1].on.reject.returnTo', /"c", which is not an earlier step/);
    expectIssue('steps[2].due', /exactly one of businessDays or days/);
    expectIssue('steps[2]', /cycle without exit: c → d/);
    expectIssue('steps[2]', /forward transitions loop through c, d/);
    expectIssue('steps[6]', /"j" is unreachable/);
    expectIssue('steps[6].assignee', /has no assignee/);
    expectIssue('steps[6].join[0]', /joins "a", which has no transition to it/);
    expectIssue('steps[6].join[1]', /joins "nowhere", which does not exist/);
    // The error message lists them all, one per line.
    expect(() => parseDefinition(broken)).toThrow(/steps\[1\]\.approvers: .*\n/);
  });

  it('reports a dead end that is not a cycle', () => {
    const def = valid();
    const check = checkDefinition({
      ...def,
      steps: [
        { ...def.steps[0], on: { done: { to: ['check', 'loop_a'] } } },
        def.steps[1],
        {
          key: 'loop_a',
          kind: 'wait',
          title: title('L'),
          due: { type: 'after_start', days: 1 },
          on: { done: { to: ['loop_b'] } },
        },
        {
          key: 'loop_b',
          kind: 'wait',
          title: title('L'),
          due: { type: 'after_start', days: 1 },
          on: { done: { to: ['loop_a'] } },
        },
      ],
    });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.issues.filter((i) => /cycle without exit/.test(i.message))).toHaveLength(1);
  });

  it('accepts a wait step only with an end', () => {
    const def = valid();
    const issues = issuesOf({
      ...def,
      start: ['pause'],
      steps: [
        {
          key: 'pause',
          kind: 'wait',
          title: title('P'),
          due: { type: 'none' },
          on: { done: { to: ['work'] } },
        },
        ...def.steps,
      ],
    });
    expect(issues).toEqual([
      { path: 'steps[0].due', message: 'step "pause": a wait step needs a due rule (when it ends)' },
    ]);
  });
});

describe('schema messages', () => {
  it('say what a union accepts', () => {
    const d = valid();
    const issues = checkDefinition({
      ...d,
      steps: [
        { ...d.steps[0], kind: 'chore', due: { type: 'soon' } },
        { ...d.steps[1], due: { type: 'soon' }, on: { approve: { next: 'x' }, reject: { to: ['work'] } } },
      ],
    });
    expect(issues.ok ? [] : issues.issues).toEqual([
      { path: 'steps[0].kind', message: 'kind must be one of task, approval, milestone, wait' },
      { path: 'steps[1].due.type', message: 'type must be one of date, after_start, case_deadline, none' },
      { path: 'steps[1].on.approve', message: 'must be { "to": [step keys] } or { "end": "completed" }' },
      { path: 'steps[1].on.reject', message: 'must be { "end": "rejected" } or { "returnTo": step key }' },
    ]);
  });
});
