// Every shipped definition driven from start to close through the engine, including every return-for-rework path.
import { nextWakeUp } from './case-engine';
import { actor, CaseDriver, COORDINATOR, startInput, t } from './case-engine.fixtures';

const nextWakeUpOf = (d: CaseDriver) => nextWakeUp(d.state);

const MOE = actor('KG-MOE');
const CUSTOMS = actor('KG-CUSTOMS');
const BORDER = actor('KG-BORDER');
const MOJ = actor('KG-MOJ');
const TJ = actor('TJ-MFA');

function start(kind: string, overrides = {}): CaseDriver {
  return new CaseDriver(startInput(kind, overrides), t('2027-03-01', 10));
}

function stepStatuses(d: CaseDriver): Record<string, string> {
  return Object.fromEntries(d.snapshot().steps.map((s) => [s.key, s.status]));
}

describe('shipped definitions through the engine', () => {
  describe('measure', () => {
    it('runs lead work and supporting contributions in parallel, then head and coordinator approval', () => {
      const d = start('measure');
      expect(d.active()).toEqual(['execute', 'contribute']);
      d.at('2027-03-02').complete('contribute', CUSTOMS);
      expect(d.step('contribute').status).toBe('active');
      expect(d.step('contribute').assignees).toEqual(['KG-BORDER']);
      d.complete('contribute', BORDER);
      d.at('2027-03-03').complete('execute', MOE);
      expect(d.active()).toEqual(['head_approval']);
      d.decide('head_approval', MOE, 'approve');
      expect(d.active()).toEqual(['coordinator_approval']);
      expect(d.snapshot().progress).toBeCloseTo(2 / 3);
      d.decide('coordinator_approval', COORDINATOR, 'approve_with_comments', 'well done');
      const snap = d.snapshot();
      expect(snap.status).toBe('completed');
      expect(snap.progress).toBe(1);
      expect(d.events.at(-1)?.type).toBe('case_closed');
      expect(d.notifications.at(-1)?.key).toBe('case:KG-NAP-2013:M-7:-:case_closed:1:1');
    });

    it('waits for the join: head approval starts only when both branches are done', () => {
      const d = start('measure');
      d.complete('execute', MOE);
      expect(d.active()).toEqual(['contribute']);
      d.complete('contribute', CUSTOMS).complete('contribute', BORDER);
      expect(d.active()).toEqual(['head_approval']);
    });

    it('skips the contribution step when there are no supporting agencies', () => {
      const d = start('measure', { supportingAgencies: [] });
      expect(d.step('contribute').status).toBe('skipped');
      d.complete('execute', MOE)
        .decide('head_approval', MOE, 'approve')
        .decide('coordinator_approval', COORDINATOR, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });

    it.each([
      ['head_approval', 'request_changes'],
      ['head_approval', 'reject'],
      ['coordinator_approval', 'request_changes'],
    ] as const)('%s %s returns to execute; contributions already made still count', (step, decision) => {
      const d = start('measure');
      d.complete('contribute', CUSTOMS).complete('contribute', BORDER).complete('execute', MOE);
      if (step === 'coordinator_approval') d.decide('head_approval', MOE, 'approve');
      d.decide(step, step === 'head_approval' ? MOE : COORDINATOR, decision, 'please add the annex');
      expect(d.active()).toEqual(['execute']);
      expect(d.step('execute').occurrence).toBe(2);
      expect(d.step('contribute').status).toBe('done');
      expect(stepStatuses(d).head_approval).toBe('pending');
      const rework = d.notifications.filter((n) => n.kind === 'returned_for_rework');
      expect(rework).toHaveLength(1);
      expect(rework[0].toAgencies).toEqual(['KG-MOE']);
      expect(d.events.some((e) => e.type === 'returned_for_rework' && e.data.returnTo === 'execute')).toBe(
        true,
      );
      d.complete('execute', MOE);
      expect(d.active()).toEqual(['head_approval']);
      expect(d.step('head_approval').occurrence).toBe(2);
      d.decide('head_approval', MOE, 'approve').decide('coordinator_approval', COORDINATOR, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });

    it('coordinator rejection ends the case as rejected', () => {
      const d = start('measure', { supportingAgencies: [] });
      d.complete('execute', MOE)
        .decide('head_approval', MOE, 'approve')
        .decide('coordinator_approval', COORDINATOR, 'reject');
      expect(d.snapshot().status).toBe('rejected');
      expect(d.snapshot().closedAt).not.toBeNull();
    });
  });

  describe('draft_law', () => {
    const throughAdoption = (d: CaseDriver) => {
      d.milestone('government_adoption', '2027-03-05')
        .milestone('first_reading', '2027-03-05')
        .milestone('second_reading', '2027-03-05')
        .milestone('third_reading', '2027-03-05')
        .milestone('signature_publication', '2027-03-05')
        .milestone('entry_into_force', '2027-03-05');
    };

    it('drafting → consultation → legal review → adoption → three readings → publication → entry into force', () => {
      const d = start('draft_law');
      d.complete('drafting', MOE);
      expect(d.active()).toEqual(['consultation']);
      d.decide('consultation', CUSTOMS, 'approve').decide(
        'consultation',
        BORDER,
        'approve_with_comments',
        'minor edits',
      );
      expect(d.active()).toEqual(['legal_review']);
      d.decide('legal_review', MOJ, 'approve');
      d.at('2027-03-05');
      throughAdoption(d);
      expect(d.snapshot().status).toBe('completed');
      expect(d.step('first_reading').actions.find((a) => a.action === 'milestone')?.date).toBe('2027-03-05');
    });

    it.each([
      ['consultation', 'request_changes'],
      ['consultation', 'reject'],
      ['legal_review', 'request_changes'],
      ['legal_review', 'reject'],
    ] as const)('%s %s returns the draft to drafting', (step, decision) => {
      const d = start('draft_law');
      d.complete('drafting', MOE);
      if (step === 'legal_review')
        d.decide('consultation', CUSTOMS, 'approve').decide('consultation', BORDER, 'approve');
      d.decide(step, step === 'legal_review' ? MOJ : CUSTOMS, decision, 'objection');
      expect(d.active()).toEqual(['drafting']);
      if (step === 'consultation') {
        // The other open approval of the step was withdrawn.
        const actions = d.step('consultation').actions;
        expect(actions.some((a) => a.action === 'withdrawn' && a.agency === 'KG-BORDER')).toBe(true);
      }
      d.complete('drafting', MOE);
      d.decide('consultation', CUSTOMS, 'approve')
        .decide('consultation', BORDER, 'approve')
        .decide('legal_review', MOJ, 'approve');
      d.at('2027-03-05');
      throughAdoption(d);
      expect(d.snapshot().status).toBe('completed');
      expect(d.step('drafting').occurrence).toBe(2);
    });
  });

  describe('government_decision', () => {
    it('drafting → consultation → adoption by the Government', () => {
      const d = start('government_decision');
      d.complete('drafting', MOE)
        .decide('consultation', CUSTOMS, 'approve')
        .decide('consultation', BORDER, 'approve');
      d.at('2027-03-02').milestone('government_adoption', '2027-03-02');
      expect(d.snapshot().status).toBe('completed');
    });

    it.each(['request_changes', 'reject'] as const)('consultation %s returns to drafting', (decision) => {
      const d = start('government_decision');
      d.complete('drafting', MOE).decide('consultation', BORDER, decision);
      expect(d.active()).toEqual(['drafting']);
      d.complete('drafting', MOE)
        .decide('consultation', CUSTOMS, 'approve')
        .decide('consultation', BORDER, 'approve');
      d.milestone('government_adoption', '2027-03-01');
      expect(d.snapshot().status).toBe('completed');
    });
  });

  describe('assistance_request', () => {
    const afterApproval = (d: CaseDriver) => {
      d.at('2027-03-10').milestone('submitted_to_committee', '2027-03-10');
      expect(d.active()).toEqual(['offer_accepted']);
      d.at('2027-09-01').milestone('offer_accepted', '2027-08-30');
      d.at('2027-10-01').milestone('delivery_started', '2027-10-01');
      d.at('2027-12-01').milestone('delivery_completed', '2027-11-30');
      d.complete('completion_report', MOE);
    };

    it('drafting → coordinator → submitted → offer (with follow-ups every 60 days) → delivery → completion report', () => {
      const d = start('assistance_request');
      d.complete('drafting', MOE).decide('coordinator_approval', COORDINATOR, 'approve');
      afterApproval(d);
      expect(d.snapshot().status).toBe('completed');
      const followUps = d.notifications.filter(
        (n) => n.stepKey === 'offer_accepted' && n.kind === 'reminder',
      );
      // 2027-03-10 + 60 d = 05-09 (Sun) → Tue 05-11 (05-10 is a holiday); + 120 d = 07-08; + 180 d = 09-06 is after acceptance.
      expect(followUps.map((n) => n.data.followUp)).toEqual([1, 2]);
      expect(followUps.map((n) => n.key)).toEqual([
        'case:KG-NAP-2013:M-7:offer_accepted:reminder:1:1',
        'case:KG-NAP-2013:M-7:offer_accepted:reminder:1:2',
      ]);
    });

    it('coordinator request for changes returns to drafting', () => {
      const d = start('assistance_request');
      d.complete('drafting', MOE).decide(
        'coordinator_approval',
        COORDINATOR,
        'request_changes',
        'split by subject area',
      );
      expect(d.active()).toEqual(['drafting']);
      d.complete('drafting', MOE).decide('coordinator_approval', COORDINATOR, 'approve');
      afterApproval(d);
      expect(d.snapshot().status).toBe('completed');
    });

    it('coordinator rejection ends the request', () => {
      const d = start('assistance_request');
      d.complete('drafting', MOE).decide('coordinator_approval', COORDINATOR, 'reject');
      expect(d.snapshot().status).toBe('rejected');
    });
  });

  describe('handover', () => {
    it('training → wait for the handover date → handover → confirmation by both agencies', () => {
      const d = start('handover', { dueOn: '2027-06-30' });
      d.complete('training', CUSTOMS);
      expect(d.active()).toEqual(['handover_date']);
      expect(d.step('handover_date').dueAt).toBe(new Date(t('2027-06-30', 0)).toISOString());
      d.at('2027-06-29', 23, 59);
      expect(d.active()).toEqual(['handover_date']);
      d.at('2027-06-30', 0);
      expect(d.active()).toEqual(['handover']);
      d.complete('handover', CUSTOMS);
      d.decide('confirmation', CUSTOMS, 'approve').decide('confirmation', BORDER, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });

    it('without a case deadline: no due date on deadline-relative steps, and the wait passes at once', () => {
      const d = start('handover', { dueOn: null });
      expect(d.step('training')).toMatchObject({ dueOn: null, dueAt: null, nextNotices: [] });
      expect(nextWakeUpOf(d)).toBeNull();
      d.complete('training', CUSTOMS);
      expect(d.active()).toEqual(['handover']);
      expect(d.step('handover_date').status).toBe('done');
    });

    it('confirmation: request for changes returns to the handover, rejection to the training', () => {
      const d = start('handover', { dueOn: '2027-06-30' });
      d.complete('training', CUSTOMS).at('2027-06-30', 8).complete('handover', CUSTOMS);
      d.decide('confirmation', BORDER, 'request_changes', 'act incomplete');
      expect(d.active()).toEqual(['handover']);
      d.complete('handover', CUSTOMS)
        .decide('confirmation', CUSTOMS, 'approve')
        .decide('confirmation', BORDER, 'reject', 'officers not trained');
      expect(d.active()).toEqual(['training']);
      // The deadline has passed: the wait ends at once when training is done again.
      d.at('2027-07-05').complete('training', CUSTOMS);
      expect(d.active()).toEqual(['handover']);
      d.complete('handover', CUSTOMS)
        .decide('confirmation', CUSTOMS, 'approve')
        .decide('confirmation', BORDER, 'approve');
      expect(d.snapshot().status).toBe('completed');
    });
  });

  describe('peer_review', () => {
    it('launch → visits → joint report → both states approve → shared with the Committee', () => {
      const d = start('peer_review');
      d.at('2027-03-03').milestone('launch_meeting', '2027-03-03');
      d.at('2027-04-20').milestone('visit_state_a', '2027-04-20');
      d.at('2027-06-15').milestone('visit_state_b', '2027-06-15');
      d.complete('joint_report', TJ);
      d.decide('states_approval', MOE, 'approve');
      d.decide('states_approval', TJ, 'request_changes', 'add practices');
      expect(d.active()).toEqual(['joint_report']);
      d.complete('joint_report', MOE).decide('states_approval', TJ, 'reject');
      expect(d.active()).toEqual(['joint_report']);
      d.complete('joint_report', MOE)
        .decide('states_approval', TJ, 'approve')
        .decide('states_approval', MOE, 'approve');
      d.milestone('shared_with_committee', '2027-06-15');
      expect(d.snapshot().status).toBe('completed');
    });
  });

  describe('matrix_revision', () => {
    it('draft received → every agency reviews its rows → coordinator (rework twice) → returned to the Committee', () => {
      const d = start('matrix_revision');
      d.milestone('draft_received', '2027-03-01');
      expect(d.step('agency_review').assignees).toEqual(['KG-MOE', 'KG-CUSTOMS', 'KG-BORDER']);
      const reviewAll = () =>
        d.complete('agency_review', MOE).complete('agency_review', CUSTOMS).complete('agency_review', BORDER);
      reviewAll();
      d.decide('coordinator_approval', COORDINATOR, 'request_changes', 'row 3(c) lacks the legal source');
      expect(d.active()).toEqual(['agency_review']);
      reviewAll();
      d.decide('coordinator_approval', COORDINATOR, 'reject');
      expect(d.active()).toEqual(['agency_review']);
      reviewAll();
      d.decide('coordinator_approval', COORDINATOR, 'approve').milestone(
        'returned_to_committee',
        '2027-03-01',
      );
      expect(d.snapshot().status).toBe('completed');
      expect(d.step('agency_review').occurrence).toBe(3);
    });
  });
});
