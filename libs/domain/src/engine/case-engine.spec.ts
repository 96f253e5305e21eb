import type { ProcessDefinitionInput } from '../process/process-definition.schema';
import {
  applyCommand,
  isClosed,
  nextWakeUp,
  onTime,
  startCase,
  toSnapshot,
  validateCommand,
} from './case-engine';
import {
  actor,
  ADMIN,
  CaseDriver,
  COORDINATOR,
  ctx,
  startInput,
  t,
  WORKFLOW_ID,
} from './case-engine.fixtures';
import { CommandRefused, type CaseCommand, type CaseState } from './engine.types';

const MOE = actor('KG-MOE');
const CUSTOMS = actor('KG-CUSTOMS');
const BORDER = actor('KG-BORDER');
const MOJ = actor('KG-MOJ');
const title = (en: string) => ({ ru: en, en });
const isoAt = (date: string, hour: number, minute = 0) => new Date(t(date, hour, minute)).toISOString();

/** work → panel approval (configurable quorum) → end; panel = participants.panel. */
function panelDefinition(approval: Record<string, unknown>): ProcessDefinitionInput {
  return {
    key: 'panel_review',
    version: 1,
    title: title('Panel review'),
    start: ['work'],
    steps: [
      {
        key: 'work',
        kind: 'task',
        title: title('Work'),
        assignee: 'lead',
        due: { type: 'after_start', businessDays: 5 },
        on: { done: { to: ['panel'] } },
      },
      {
        key: 'panel',
        kind: 'approval',
        title: title('Panel'),
        approvers: ['panel'],
        mode: 'all',
        order: 'parallel',
        due: { type: 'after_start', businessDays: 5 },
        on: {
          approve: { end: 'completed' },
          request_changes: { returnTo: 'work' },
          reject: { end: 'rejected' },
        },
        ...approval,
      } as ProcessDefinitionInput['steps'][number],
    ],
  };
}

function panelCase(approval: Record<string, unknown>): CaseDriver {
  const d = new CaseDriver(
    startInput('panel_review', {
      definition: panelDefinition(approval),
      participants: { panel: ['KG-CUSTOMS', 'KG-BORDER', 'KG-MOJ'] },
    }),
    t('2027-03-01', 10),
  );
  return d.complete('work', MOE);
}

function refusal(state: CaseState, cmd: CaseCommand, now: number): CommandRefused {
  const before = JSON.parse(JSON.stringify({ ...state, calendar: null }));
  let validatorError: unknown;
  try {
    validateCommand(state, cmd, ctx(now));
  } catch (e) {
    validatorError = e;
  }
  let applyError: unknown;
  try {
    applyCommand(state, cmd, ctx(now));
  } catch (e) {
    applyError = e;
  }
  expect(validatorError).toBeInstanceOf(CommandRefused);
  expect(applyError).toBeInstanceOf(CommandRefused);
  expect((applyError as CommandRefused).code).toBe((validatorError as CommandRefused).code);
  // Nothing changed.
  expect(JSON.parse(JSON.stringify({ ...state, calendar: null }))).toEqual(before);
  return applyError as CommandRefused;
}

describe('case engine', () => {
  describe('startCase', () => {
    it('records the start, activates the start steps and asks the assignees', () => {
      const r = startCase(startInput('draft_law'), ctx(t('2027-03-01', 10)));
      expect(r.events.map((e) => [e.seq, e.type, e.stepKey])).toEqual([
        [1, 'case_started', undefined],
        [2, 'step_started', 'drafting'],
      ]);
      expect(r.notifications).toEqual([
        expect.objectContaining({
          key: `${WORKFLOW_ID}:drafting:step_assigned:1:1`,
          kind: 'step_assigned',
          toAgencies: ['KG-MOE'],
          toCoordinators: false,
        }),
      ]);
      const snap = toSnapshot(r.state);
      expect(snap.seq).toBe(2);
      expect(snap.steps[0]).toMatchObject({
        key: 'drafting',
        status: 'active',
        dueOn: '2027-05-28',
        occurrence: 1,
      });
      // 60 business days from Mon 1 March 2027, skipping 8 March, 22 March, 3 and 10 May.
      expect(snap.steps[0].dueAt).toBe(isoAt('2027-05-28', 18));
      expect(snap.steps[0].nextNotices.map((n) => [n.kind, n.at])).toEqual([
        ['reminder', isoAt('2027-05-07', 9)],
        ['reminder', isoAt('2027-05-19', 9)],
        ['reminder', isoAt('2027-05-27', 9)],
        ['due_today', isoAt('2027-05-28', 9)],
      ]);
    });

    it('refuses a definition that does not validate, and roles that name no agency', () => {
      expect(() =>
        startCase(startInput('draft_law', { definition: { key: 'x' } }), ctx(t('2027-03-01'))),
      ).toThrow(/invalid process definition/);
      expect(() => startCase(startInput('draft_law', { participants: {} }), ctx(t('2027-03-01')))).toThrow(
        expect.objectContaining({ code: 'invalid', message: expect.stringMatching(/legal_review.*justice/) }),
      );
    });
  });

  describe('quorum', () => {
    it('n of m: settles when n approve and withdraws the open approval; a late decision is refused', () => {
      const d = panelCase({ mode: 'n_of_m', n: 2 });
      d.decide('panel', CUSTOMS, 'approve').decide('panel', BORDER, 'reject');
      expect(d.active()).toEqual(['panel']);
      d.decide('panel', MOJ, 'approve_with_comments', 'fine');
      expect(d.snapshot().status).toBe('completed');
      const d2 = panelCase({ mode: 'n_of_m', n: 2 });
      d2.decide('panel', CUSTOMS, 'approve').decide('panel', BORDER, 'approve');
      expect(d2.snapshot().status).toBe('completed');
      const panel = d2.step('panel');
      expect(panel.actions.filter((a) => a.action === 'withdrawn').map((a) => a.agency)).toEqual(['KG-MOJ']);
      expect(panel.approval).toMatchObject({
        mode: 'n_of_m',
        required: 2,
        decisions: { 'KG-CUSTOMS': 'approve', 'KG-BORDER': 'approve' },
      });
      expect(
        refusal(d2.state, { type: 'decide', stepKey: 'panel', actor: MOJ, decision: 'approve' }, d2.now).code,
      ).toBe('case_closed');
    });

    it('n of m: made impossible by rejections follows the reject outcome', () => {
      const d = panelCase({ mode: 'n_of_m', n: 2 });
      d.decide('panel', CUSTOMS, 'reject');
      expect(d.active()).toEqual(['panel']);
      d.decide('panel', BORDER, 'reject');
      expect(d.snapshot().status).toBe('rejected');
      expect(d.step('panel').actions.some((a) => a.action === 'withdrawn' && a.agency === 'KG-MOJ')).toBe(
        true,
      );
    });

    it('a late decision on a step that closed while the case goes on is refused', () => {
      const def = panelDefinition({ mode: 'any' });
      (def.steps[1] as { on: unknown }).on = {
        approve: { to: ['final'] },
        request_changes: { returnTo: 'work' },
        reject: { end: 'rejected' },
      };
      def.steps.push({
        key: 'final',
        kind: 'task',
        title: title('Final'),
        assignee: 'lead',
        due: { type: 'none' },
        on: { done: { end: 'completed' } },
      });
      const d = new CaseDriver(
        startInput('panel_review', { definition: def, participants: { panel: ['KG-CUSTOMS', 'KG-BORDER'] } }),
        t('2027-03-01'),
      );
      d.complete('work', MOE).decide('panel', BORDER, 'approve');
      expect(d.active()).toEqual(['final']);
      expect(
        refusal(d.state, { type: 'decide', stepKey: 'panel', actor: CUSTOMS, decision: 'approve' }, d.now)
          .code,
      ).toBe('step_not_active');
      expect(
        refusal(d.state, { type: 'decide', stepKey: 'panel', actor: BORDER, decision: 'reject' }, d.now).code,
      ).toBe('step_not_active');
    });

    it('any of: one rejection leaves the others their say; all rejecting ends it', () => {
      const d = panelCase({ mode: 'any' });
      d.decide('panel', CUSTOMS, 'reject').decide('panel', BORDER, 'reject');
      expect(d.active()).toEqual(['panel']);
      d.decide('panel', MOJ, 'reject');
      expect(d.snapshot().status).toBe('rejected');
    });

    it('all of: a request for changes returns at once and withdraws the other open approvals', () => {
      const d = panelCase({ mode: 'all' });
      d.decide('panel', CUSTOMS, 'approve').decide('panel', BORDER, 'request_changes', 'fix section 2');
      expect(d.active()).toEqual(['work']);
      expect(
        d
          .step('panel')
          .actions.filter((a) => a.action === 'withdrawn')
          .map((a) => a.agency),
      ).toEqual(['KG-MOJ']);
      expect(d.events.find((e) => e.type === 'step_withdrawn')?.data).toMatchObject({
        approvals: ['KG-MOJ'],
      });
      // Decisions start afresh in the next round.
      d.complete('work', MOE);
      expect(d.step('panel').approval?.decisions).toEqual({});
      expect(d.step('panel').occurrence).toBe(2);
    });

    it('sequential order: only the approver whose turn it is may decide, and is asked in turn', () => {
      const d = panelCase({ mode: 'all', order: 'sequential' });
      expect(d.notifications.filter((n) => n.kind === 'decision_requested').map((n) => n.toAgencies)).toEqual(
        [['KG-CUSTOMS']],
      );
      expect(
        refusal(d.state, { type: 'decide', stepKey: 'panel', actor: BORDER, decision: 'approve' }, d.now)
          .code,
      ).toBe('out_of_turn');
      d.decide('panel', CUSTOMS, 'approve');
      expect(
        d.notifications.filter((n) => n.kind === 'decision_requested').map((n) => [n.key, n.toAgencies]),
      ).toEqual([
        [`${WORKFLOW_ID}:panel:decision_requested:1:1`, ['KG-CUSTOMS']],
        [`${WORKFLOW_ID}:panel:decision_requested:1:2`, ['KG-BORDER']],
      ]);
      d.decide('panel', BORDER, 'approve').decide('panel', MOJ, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });
  });

  describe('refusals leave the state unchanged', () => {
    const lawAtConsultation = () =>
      new CaseDriver(startInput('draft_law'), t('2027-03-01', 10)).complete('drafting', MOE);

    it.each<[string, (d: CaseDriver) => CaseCommand, string]>([
      [
        'wrong agency',
        () => ({ type: 'decide', stepKey: 'consultation', actor: MOJ, decision: 'approve' }),
        'wrong_agency',
      ],
      [
        'step not active',
        () => ({ type: 'decide', stepKey: 'legal_review', actor: MOJ, decision: 'approve' }),
        'step_not_active',
      ],
      [
        'unknown step',
        () => ({ type: 'decide', stepKey: 'nope', actor: MOJ, decision: 'approve' }),
        'unknown_step',
      ],
      [
        'an observer acting',
        () => ({
          type: 'decide',
          stepKey: 'consultation',
          actor: actor('KG-CUSTOMS', 'observer'),
          decision: 'approve',
        }),
        'not_allowed_for_role',
      ],
      [
        'a focal point recording a milestone',
        () => ({ type: 'milestone', stepKey: 'government_adoption', actor: MOE, on: '2027-03-01' }),
        'not_allowed_for_role',
      ],
      [
        'a focal point extending a due date',
        () => ({
          type: 'extend_due_date',
          stepKey: 'consultation',
          actor: MOE,
          dueOn: '2027-04-30',
          reason: 'x',
        }),
        'not_allowed_for_role',
      ],
      [
        'a focal point reassigning',
        () => ({
          type: 'reassign',
          stepKey: 'consultation',
          actor: MOE,
          agency: 'KG-FIRE',
          fromAgency: 'KG-BORDER',
          reason: 'x',
        }),
        'not_allowed_for_role',
      ],
      [
        'a focal point withdrawing the case',
        () => ({ type: 'withdraw', actor: MOE, reason: 'x' }),
        'not_allowed_for_role',
      ],
      [
        'a due date in the past',
        () => ({
          type: 'extend_due_date',
          stepKey: 'consultation',
          actor: COORDINATOR,
          dueOn: '2027-02-26',
          reason: 'x',
        }),
        'date_in_past',
      ],
      [
        'a due date without a reason',
        () => ({
          type: 'extend_due_date',
          stepKey: 'consultation',
          actor: COORDINATOR,
          dueOn: '2027-04-30',
          reason: ' ',
        }),
        'invalid',
      ],
      [
        'a reassignment that does not say whom it replaces',
        () => ({
          type: 'reassign',
          stepKey: 'consultation',
          actor: COORDINATOR,
          agency: 'KG-FIRE',
          reason: 'x',
        }),
        'invalid',
      ],
      [
        'completing an approval',
        () => ({ type: 'complete', stepKey: 'consultation', actor: CUSTOMS }),
        'invalid',
      ],
      ['an empty comment', () => ({ type: 'comment', actor: CUSTOMS, text: '' }), 'invalid'],
    ])('%s', (_name, cmd, code) => {
      const d = lawAtConsultation();
      expect(refusal(d.state, cmd(d), d.now).code).toBe(code);
    });

    it('a second decision by the same agency', () => {
      const d = lawAtConsultation().decide('consultation', CUSTOMS, 'approve');
      const r = refusal(
        d.state,
        { type: 'decide', stepKey: 'consultation', actor: CUSTOMS, decision: 'reject' },
        d.now,
      );
      expect(r.code).toBe('already_decided');
      expect(r.message).toMatch(/KG-CUSTOMS has already acted/);
    });

    it('completing a task without the evidence it requires, a milestone dated in the future', () => {
      const d = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10));
      expect(refusal(d.state, { type: 'complete', stepKey: 'drafting', actor: MOE }, d.now).code).toBe(
        'invalid',
      );
      const p = new CaseDriver(startInput('peer_review'), t('2027-03-01', 10));
      expect(
        refusal(
          p.state,
          { type: 'milestone', stepKey: 'launch_meeting', actor: COORDINATOR, on: '2027-03-02' },
          p.now,
        ).code,
      ).toBe('invalid');
    });

    it('anything on a closed case', () => {
      const d = lawAtConsultation().act({ type: 'withdraw', actor: COORDINATOR, reason: 'superseded' });
      expect(isClosed(d.state)).toBe(true);
      expect(
        refusal(
          d.state,
          { type: 'decide', stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' },
          d.now,
        ).code,
      ).toBe('case_closed');
      expect(refusal(d.state, { type: 'comment', actor: CUSTOMS, text: 'hello' }, d.now).code).toBe(
        'case_closed',
      );
    });

    it('request for changes on a step that has no such transition', () => {
      const def = panelDefinition({});
      delete (def.steps[1] as { on: { request_changes?: unknown } }).on.request_changes;
      const d = new CaseDriver(
        startInput('panel_review', { definition: def, participants: { panel: ['KG-CUSTOMS'] } }),
        t('2027-03-01'),
      ).complete('work', MOE);
      expect(
        refusal(
          d.state,
          { type: 'decide', stepKey: 'panel', actor: CUSTOMS, decision: 'request_changes' },
          d.now,
        ).code,
      ).toBe('invalid');
    });
  });

  describe('coordinator actions', () => {
    it('an admin acts as coordinator; a deputy action records whom it stands in for', () => {
      const d = new CaseDriver(startInput('measure', { supportingAgencies: [] }), t('2027-03-01', 10));
      const deputy = actor('KG-MOE', 'focal_point', { personId: 'p-deputy', onBehalfOf: 'p-absent' });
      d.complete('execute', deputy, { note: 'done by the deputy' });
      expect(d.step('execute').actions.find((a) => a.action === 'complete')).toMatchObject({
        by: 'p-deputy',
        onBehalfOf: 'p-absent',
        note: 'done by the deputy',
      });
      expect(
        d.events.find((e) => e.type === 'step_completed' && e.stepKey === 'execute')?.actor?.onBehalfOf,
      ).toBe('p-absent');
      d.decide('head_approval', MOE, 'approve').decide('coordinator_approval', ADMIN, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });

    it('reassigns a step: the new agency is asked, the old one may no longer act', () => {
      const d = new CaseDriver(startInput('measure', { supportingAgencies: [] }), t('2027-03-01', 10));
      d.act({
        type: 'reassign',
        stepKey: 'execute',
        actor: COORDINATOR,
        agency: 'KG-FIRE',
        reason: 'restructuring',
      });
      expect(d.step('execute').assignees).toEqual(['KG-FIRE']);
      expect(d.notifications.at(-1)).toMatchObject({
        kind: 'step_assigned',
        toAgencies: ['KG-FIRE'],
        key: `${WORKFLOW_ID}:execute:step_assigned:1:2`,
      });
      expect(refusal(d.state, { type: 'complete', stepKey: 'execute', actor: MOE }, d.now).code).toBe(
        'wrong_agency',
      );
      d.complete('execute', actor('KG-FIRE'));
      expect(d.active()).toEqual(['head_approval']);
    });

    it('withdraws the case: open steps are withdrawn, everyone is told', () => {
      const d = new CaseDriver(startInput('measure'), t('2027-03-01', 10));
      d.act({ type: 'withdraw', actor: COORDINATOR, reason: 'measure dropped from the plan' });
      const snap = d.snapshot();
      expect(snap.status).toBe('withdrawn');
      expect(snap.steps.filter((s) => s.status === 'withdrawn').map((s) => s.key)).toEqual([
        'execute',
        'contribute',
      ]);
      expect(d.events.at(-1)).toMatchObject({
        type: 'case_withdrawn',
        data: { status: 'withdrawn', reason: 'measure dropped from the plan' },
      });
      expect(d.notifications.at(-1)).toMatchObject({
        kind: 'case_closed',
        toAgencies: ['KG-MOE', 'KG-CUSTOMS', 'KG-BORDER'],
        toCoordinators: true,
      });
      expect(nextWakeUp(d.state)).toBeNull();
    });

    it('records comments with their event sequence', () => {
      const d = new CaseDriver(startInput('measure'), t('2027-03-01', 10));
      d.act({ type: 'comment', actor: CUSTOMS, text: 'we will send data on Friday', stepKey: 'contribute' });
      const snap = d.snapshot();
      expect(snap.comments).toEqual([
        {
          seq: snap.seq,
          by: CUSTOMS.personId,
          byName: CUSTOMS.name,
          agency: 'KG-CUSTOMS',
          at: isoAt('2027-03-01', 10),
          text: 'we will send data on Friday',
          stepKey: 'contribute',
          channel: 'dashboard',
        },
      ]);
    });
  });

  describe('time', () => {
    const measureAlone = () =>
      new CaseDriver(
        startInput('measure', { supportingAgencies: [], dueOn: '2027-06-30' }),
        t('2027-03-01', 10),
      );
    const executeNotices = (d: CaseDriver) =>
      d.log
        .filter((l) => l.n.stepKey === 'execute' && l.n.kind !== 'step_assigned')
        .map((l) => [l.n.kind, new Date(l.at).toISOString(), l.n.key]);

    it('reminders, due-today, overdue, repeats and escalations at 09:00 Bishkek on business days, each once', () => {
      const d = measureAlone();
      d.at('2027-07-23', 12);
      const k = (kind: string, n: number) => `${WORKFLOW_ID}:execute:${kind}:1:${n}`;
      expect(executeNotices(d)).toEqual([
        ['reminder', isoAt('2027-06-10', 9), k('reminder', 1)],
        ['reminder', isoAt('2027-06-21', 9), k('reminder', 2)],
        ['reminder', isoAt('2027-06-29', 9), k('reminder', 3)],
        ['due_today', isoAt('2027-06-30', 9), k('due_today', 1)],
        ['overdue', isoAt('2027-07-01', 9), k('overdue', 1)],
        ['escalation', isoAt('2027-07-07', 9), k('escalation', 1)],
        ['overdue', isoAt('2027-07-08', 9), k('overdue', 2)],
        ['overdue', isoAt('2027-07-15', 9), k('overdue', 3)],
        ['escalation', isoAt('2027-07-21', 9), k('escalation', 2)],
        ['overdue', isoAt('2027-07-22', 9), k('overdue', 4)],
      ]);
      const escalations = d.notifications.filter((n) => n.kind === 'escalation');
      expect(escalations.map((n) => [n.data.level, n.toCoordinators, n.toAgencies])).toEqual([
        [1, true, ['KG-MOE']],
        [2, true, ['KG-MOE']],
      ]);
      expect(d.events.filter((e) => e.type === 'escalated').map((e) => e.data.level)).toEqual([1, 2]);
      // Firing again at the same instant sends nothing twice.
      const again = onTime(d.state, ctx(d.now));
      expect(again.notifications).toEqual([]);
      expect(again.events).toEqual([]);
    });

    it('sends nothing for a step once it is done', () => {
      const d = measureAlone();
      d.at('2027-06-21', 12).complete('execute', MOE);
      const before = executeNotices(d).length;
      expect(before).toBe(2);
      d.at('2027-12-31', 12);
      expect(executeNotices(d)).toHaveLength(before);
      expect(d.step('execute').nextNotices).toEqual([]);
    });

    it('onTime called late sends only the latest missed notice of a step, not every one it missed', () => {
      const d = measureAlone();
      const r = onTime(d.state, ctx(t('2027-07-02', 12)));
      // three reminders and the due-today notice were missed: the overdue notice alone goes out
      expect(r.notifications.map((n) => n.kind)).toEqual(['overdue']);
      expect(nextWakeUp(r.state)).toBe(t('2027-07-07', 9));
      // nothing missed is sent later either
      expect(onTime(r.state, ctx(t('2027-07-02', 13))).notifications).toEqual([]);
    });

    it('without coalescing (runs started before that rule) fires every missed notice once, in order', () => {
      const d = measureAlone();
      const r = onTime(d.state, { ...ctx(t('2027-07-02', 12)), coalesceMissedNotices: false });
      expect(r.notifications.map((n) => n.kind)).toEqual([
        'reminder',
        'reminder',
        'reminder',
        'due_today',
        'overdue',
      ]);
      expect(nextWakeUp(r.state)).toBe(t('2027-07-07', 9));
    });

    it('onTime called years late sends one overdue notice and records each escalation once', () => {
      const d = measureAlone();
      const r = onTime(d.state, ctx(t('2037-07-02', 12)));
      const kinds = r.notifications.map((n) => n.kind);
      expect(kinds.filter((k) => k === 'escalation')).toHaveLength(2);
      expect(kinds.filter((k) => k !== 'escalation')).toEqual(['overdue']);
      expect(r.events.filter((e) => e.type === 'escalated').map((e) => e.data.level)).toEqual([1, 2]);
    });

    it('a due-date extension re-arms the reminders from the new date', () => {
      const d = measureAlone();
      d.at('2027-06-22', 11).act({
        type: 'extend_due_date',
        stepKey: 'execute',
        actor: COORDINATOR,
        dueOn: '2027-07-30',
        reason: 'waiting for the customs data',
      });
      expect(d.step('execute')).toMatchObject({ dueOn: '2027-07-30', dueAt: isoAt('2027-07-30', 18) });
      expect(d.events.at(-1)).toMatchObject({
        type: 'due_date_changed',
        data: { from: '2027-06-30', to: '2027-07-30', reason: 'waiting for the customs data' },
      });
      d.at('2027-08-02', 12);
      expect(executeNotices(d).map((x) => [x[0], x[1]])).toEqual([
        ['reminder', isoAt('2027-06-10', 9)],
        ['reminder', isoAt('2027-06-21', 9)],
        ['reminder', isoAt('2027-07-12', 9)],
        ['reminder', isoAt('2027-07-21', 9)],
        ['reminder', isoAt('2027-07-29', 9)],
        ['due_today', isoAt('2027-07-30', 9)],
        ['overdue', isoAt('2027-08-02', 9)],
      ]);
      // Keys stay unique across the re-arming.
      const keys = d.notifications.map((n) => n.key);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('tacit consent: silent agencies agree at the due instant, after a warning', () => {
      const d = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10)).complete('drafting', MOE);
      expect(d.step('consultation')).toMatchObject({ dueOn: '2027-03-16', dueAt: isoAt('2027-03-16', 18) });
      d.decide('consultation', CUSTOMS, 'approve');
      d.at('2027-03-16', 17, 59);
      expect(d.active()).toEqual(['consultation']);
      const warnings = d.log.filter(
        (l) => l.n.stepKey === 'consultation' && ['reminder', 'due_today'].includes(l.n.kind),
      );
      expect(
        warnings.map((l) => [l.n.kind, new Date(l.at).toISOString(), l.n.toAgencies, l.n.data.tacitConsent]),
      ).toEqual([
        ['reminder', isoAt('2027-03-09', 9), ['KG-BORDER'], true],
        ['reminder', isoAt('2027-03-15', 9), ['KG-BORDER'], true],
        ['due_today', isoAt('2027-03-16', 9), ['KG-BORDER'], true],
      ]);
      expect(nextWakeUp(d.state)).toBe(t('2027-03-16', 18));
      d.at('2027-03-16', 18);
      expect(d.active()).toEqual(['legal_review']);
      const consultation = d.step('consultation');
      expect(consultation.approval?.decisions).toEqual({
        'KG-CUSTOMS': 'approve',
        'KG-BORDER': 'tacit_consent',
      });
      expect(consultation.actions.find((a) => a.action === 'tacit_consent')).toMatchObject({
        by: 'system',
        agency: 'KG-BORDER',
        at: isoAt('2027-03-16', 18),
      });
      expect(d.events.find((e) => e.type === 'tacit_consent')?.data).toMatchObject({
        agencies: ['KG-BORDER'],
      });
      // No overdue notice for a step settled by silence.
      d.at('2027-04-01');
      expect(d.notifications.filter((n) => n.stepKey === 'consultation' && n.kind === 'overdue')).toEqual([]);
    });

    it('tacit consent does not override an objection, and a decision arriving after the due instant is refused', () => {
      const d = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10)).complete('drafting', MOE);
      d.decide('consultation', BORDER, 'request_changes', 'conflicts with the customs code');
      expect(d.active()).toEqual(['drafting']);
      const e = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10)).complete('drafting', MOE);
      // The workflow has not woken yet, but the silence procedure has ended.
      expect(
        refusal(
          e.state,
          { type: 'decide', stepKey: 'consultation', actor: CUSTOMS, decision: 'reject' },
          t('2027-03-16', 18, 1),
        ).code,
      ).toBe('step_not_active');
    });
  });

  describe('determinism and continue-as-new', () => {
    const scenario = (roundTrip: boolean) => {
      const d = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10));
      const carry = () => {
        if (roundTrip) d.state = JSON.parse(JSON.stringify(d.state)) as CaseState;
      };
      d.complete('drafting', MOE);
      carry();
      d.at('2027-03-10').decide('consultation', CUSTOMS, 'request_changes');
      carry();
      d.at('2027-06-01').complete('drafting', MOE);
      carry();
      d.at('2027-07-30').decide('legal_review', MOJ, 'approve');
      carry();
      d.at('2027-12-01');
      return {
        snapshot: d.snapshot(),
        events: d.events,
        notifications: d.notifications,
        wake: nextWakeUp(d.state),
      };
    };

    it('the same inputs give the same outputs, with or without a JSON round trip of the state', () => {
      const a = scenario(false);
      expect(scenario(false)).toEqual(a);
      expect(scenario(true)).toEqual(a);
      expect(a.events.map((e) => e.seq)).toEqual(a.events.map((_, i) => i + 1));
      expect(a.snapshot.seq).toBe(a.events.length);
    });

    it('never mutates its input', () => {
      const d = new CaseDriver(startInput('draft_law'), t('2027-03-01', 10));
      const frozen = JSON.stringify({ ...d.state, calendar: null });
      applyCommand(
        d.state,
        { type: 'complete', stepKey: 'drafting', actor: MOE, attachments: [{ id: 'a', name: 'draft.docx' }] },
        ctx(t('2027-03-02')),
      );
      onTime(d.state, ctx(t('2027-12-01')));
      toSnapshot(d.state);
      expect(JSON.stringify({ ...d.state, calendar: null })).toBe(frozen);
    });
  });
});
