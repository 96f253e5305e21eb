// The case workflow in the time-skipping test server: fake activities record what the workflow asked for and at
// which simulated instant; the clock jumps to exact local times in Asia/Bishkek. Tests run serially (time
// skipping is global to a server; each test has its own server).
import { WorkflowUpdateFailedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor, CaseSnapshot, StartCaseInput } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain/process/shipped-definitions';
import { bundleNapflowWorkflows } from '@app/temporal/workflow-bundle';
import {
  advanceTo,
  FakeCaseActivities,
  KG_FIXED_HOLIDAYS,
  historyLength,
  local,
  waitFor,
  localMinute,
  withTimeSkippingWorker,
} from '../test/support/workflow-testing';
import { caseWorkflow } from './case.workflow';
import {
  addCommentSignal,
  caseWorkflowId,
  completeStepUpdate,
  decideUpdate,
  extendDueDateUpdate,
  getStateQuery,
  reassignStepUpdate,
  recordMilestoneUpdate,
  withdrawCaseUpdate,
} from './definitions';

const taskQueue = 'case-workflow-spec';
const LEGAL_DECISION_DAY = '2041-03-22';
const TIMED = ['reminder', 'due_today', 'overdue', 'escalation'];

function actor(agency: string, role: Actor['role'] = 'focal_point'): Actor {
  return {
    personId: `p-${agency}-${role}`,
    name: `${role} of ${agency}`,
    agency,
    role,
    channel: 'dashboard',
  };
}
const MOE = actor('KG-MOE');
const CUSTOMS = actor('KG-CUSTOMS');
const BORDER = actor('KG-BORDER');
const MOJ = actor('KG-MOJ');
const COORDINATOR = actor('KG-MOE', 'coordinator');

function caseInput(kind: string, overrides: Partial<StartCaseInput> = {}): StartCaseInput {
  return {
    planCode: 'KG-NAP-2013',
    caseCode: 'M-1',
    kind,
    title: `Test ${kind}`,
    stateCode: 'KG',
    timeZone: 'Asia/Bishkek',
    leadAgency: 'KG-MOE',
    supportingAgencies: ['KG-CUSTOMS'],
    participants: { justice: ['KG-MOJ'] },
    dueOn: null,
    definition: getShippedDefinition(kind),
    startedBy: COORDINATOR,
    ...overrides,
  };
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleNapflowWorkflows();
}, 120_000);

function run<T>(fake: FakeCaseActivities, fn: Parameters<typeof withTimeSkippingWorker<T>>[1]): Promise<T> {
  return withTimeSkippingWorker({ bundle, activities: fake.activities, taskQueue }, fn);
}

type CaseHandle = WorkflowHandleWithFirstExecutionRunId<typeof caseWorkflow>;

const MEASURE_TIMELINE = [
  'step_assigned contribute 2040-03-05 Mon 10:00',
  'step_assigned execute 2040-03-05 Mon 10:00',
  // contribute is due 10 business days before the deadline (Fri 15 June): only its 14-day reminder fires
  'reminder contribute 2040-05-28 Mon 09:00',
  // execute is due on the deadline, Fri 29 June: 14, 7 and 1 business days before, the day itself, then overdue
  'reminder execute 2040-06-11 Mon 09:00',
  'reminder execute 2040-06-20 Wed 09:00',
  'reminder execute 2040-06-28 Thu 09:00',
  'due_today execute 2040-06-29 Fri 09:00',
  'overdue execute 2040-07-02 Mon 09:00',
  'decision_made head_approval 2040-07-02 Mon 11:00',
  'decision_requested coordinator_approval 2040-07-02 Mon 11:00',
  'decision_requested head_approval 2040-07-02 Mon 11:00',
  'case_closed - 2040-07-03 Tue 15:30',
  'decision_made coordinator_approval 2040-07-03 Tue 15:30',
];

/** Waits until the case has started and no activity is pending (the start's notices went out). */
async function settled(handle: CaseHandle): Promise<void> {
  await waitFor(() => handle.query(getStateQuery));
  await waitFor(async () => ((await handle.describe()).raw.pendingActivities?.length ? undefined : true));
}

async function completed(handle: CaseHandle): Promise<void> {
  await waitFor(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
}

/**
 * Measure M-1, due Fri 29 June 2040, started Mon 5 March 10:00: the supporting agency delivers early (30 May), the
 * lead agency completes after its first overdue notice (2 July 11:00), both approvals follow; then half a year of
 * silence. Returns the handle of the (completed) case.
 */
async function runMeasureScenario(
  env: TestWorkflowEnvironment,
  input: StartCaseInput,
  retriedInRun: string[] = [],
): Promise<CaseHandle> {
  await advanceTo(env, local('2040-03-05 10:00'));
  const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
    taskQueue,
    workflowId: caseWorkflowId(input.planCode, input.caseCode),
    args: [input],
  });
  const started = await waitFor(() => handle.query(getStateQuery));
  expect(step(started, 'execute')).toMatchObject({
    status: 'active',
    dueOn: '2040-06-29',
    assignees: ['KG-MOE'],
  });

  // the supporting agency delivers early: its later reminders never go out
  await advanceTo(env, local('2040-05-30 10:00'));
  await handle.executeUpdate(completeStepUpdate, {
    args: [{ stepKey: 'contribute', actor: CUSTOMS, note: 'customs curriculum' }],
    updateId: 'contribute-1',
  });
  retriedInRun.push((await handle.describe()).runId);

  // the lead agency is late: it completes after the first overdue notice, before the escalation
  await advanceTo(env, local('2040-07-02 11:00'));
  // a retried request (same update id) is applied once, even after the case continued as new
  retriedInRun.push((await handle.describe()).runId);
  const retried = await handle.executeUpdate(completeStepUpdate, {
    args: [{ stepKey: 'contribute', actor: CUSTOMS, note: 'customs curriculum' }],
    updateId: 'contribute-1',
  });
  expect(step(retried, 'contribute').status).toBe('done');
  await handle.executeUpdate(completeStepUpdate, {
    args: [{ stepKey: 'execute', actor: MOE, attachments: [{ id: 'a1', name: 'report.pdf' }] }],
  });
  await handle.executeUpdate(decideUpdate, {
    args: [{ stepKey: 'head_approval', actor: MOE, decision: 'approve' }],
  });
  await advanceTo(env, local('2040-07-03 15:30'));
  const closed = await handle.executeUpdate(decideUpdate, {
    args: [{ stepKey: 'coordinator_approval', actor: COORDINATOR, decision: 'approve' }],
  });
  expect(closed.status).toBe('completed');
  expect(closed.closedAt && localMinute(closed.closedAt)).toBe('2040-07-03 Tue 15:30');
  // (handle.result() would unlock time skipping and let the server's clock run on)
  await completed(handle);
  const count = (await handle.query(getStateQuery)).seq;
  await advanceTo(env, local('2041-01-31 12:00'));
  expect((await handle.query(getStateQuery)).seq).toBe(count);
  return handle;
}

/** The kinds of the events after the first `from` in the handle's run, named by their attributes field. */
async function eventTypesSince(handle: CaseHandle, from: number): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .slice(from)
    .map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k as keyof typeof e]) ?? '?');
}

interface RunStats {
  runId: string;
  events: number;
  bytes: number;
}

/** Every run of a workflow, first to last, with its number of history events and their size. */
async function runChain(env: TestWorkflowEnvironment, handle: CaseHandle): Promise<RunStats[]> {
  const runs: RunStats[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const current: string = runId;
    const run = env.client.workflow.getHandle(handle.workflowId, current);
    const history = await run.fetchHistory();
    const events = history.events ?? [];
    // (the time-skipping server reports no history size: measure the encoded history)
    const bytes = temporal.api.history.v1.History.encode(history).finish().byteLength;
    runs.push({ runId: current, events: events.length, bytes });
    const next: string | null | undefined =
      events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    runId = next ?? undefined;
  }
  return runs;
}

/** Every timed notice at 09:00 Bishkek time on a working day of the fake calendar. */
function expectBusinessMornings(fake: FakeCaseActivities): void {
  for (const n of fake.notifications.filter((x) => TIMED.includes(x.request.kind))) {
    const when = localMinute(n.at);
    expect(when).toMatch(/^\d{4}-\d{2}-\d{2} (Mon|Tue|Wed|Thu|Fri) 09:00$/);
    expect(KG_FIXED_HOLIDAYS).not.toContain(when.slice(5, 10));
  }
}

function step(snapshot: CaseSnapshot, key: string) {
  const found = snapshot.steps.find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
}

/** The refusal an update failed with: its ApplicationFailure type (the engine's refusal code). */
async function refusalOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).nonRetryable).toBe(true);
  return (cause as ApplicationFailure).type ?? undefined;
}

describe(caseWorkflow.name, () => {
  describe('a NAP measure due months away', () => {
    it('requests each notice at the exact local time, closes on approval, and is silent after', async () => {
      const fake = new FakeCaseActivities();
      await run(fake, async (env) => {
        const handle = await runMeasureScenario(env, caseInput('measure', { dueOn: '2040-06-29' }));
        expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
      });
      expect(fake.timeline()).toEqual(MEASURE_TIMELINE);
      // one activity per transition's notices, never one per notice: the start (2 notices), six timers (1 each), the
      // lead's completion (1), the head's approval (2) and the coordinator's (2) are 10 activities for 13 notices
      expect(fake.activityCalls).toEqual({ notify: 0, notifyAll: 10 });
      expectBusinessMornings(fake);
      // 09:00 in Bishkek is 03:00 UTC (UTC+6, no daylight saving); the activity is scheduled within the minute
      const instants = fake.notifications.filter(
        (n) => n.request.stepKey === 'execute' && TIMED.includes(n.request.kind),
      );
      expect(instants.map((n) => n.at.slice(0, 16))).toEqual([
        '2040-06-11T03:00',
        '2040-06-20T03:00',
        '2040-06-28T03:00',
        '2040-06-29T03:00',
        '2040-07-02T03:00',
      ]);
      // the read model saw every transition, in order
      const seqs = fake.transitions.map((t) => t.snapshot.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(fake.lastSnapshot()?.status).toBe('completed');
    }, 60_000);
  });

  describe('a draft law over two years', () => {
    it('sends every notice on a business morning, through two objections, an extension and an escalation', async () => {
      const fake = new FakeCaseActivities();
      const milestones = [
        'government_adoption',
        'first_reading',
        'second_reading',
        'third_reading',
        'signature_publication',
        'entry_into_force',
      ];
      let final: CaseSnapshot | undefined;
      await run(fake, async (env) => {
        await advanceTo(env, local('2040-01-16 10:00'));
        const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId('KG-NAP-2013', 'DL-EXPORT'),
          args: [
            caseInput('draft_law', {
              caseCode: 'DL-EXPORT',
              supportingAgencies: ['KG-CUSTOMS', 'KG-BORDER'],
            }),
          ],
        });
        const evidence = [{ id: 'draft-1', name: 'draft-law.docx' }];
        await advanceTo(env, local('2040-04-10 11:00'));
        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
        });
        // objection 1: the Customs Service asks for changes; the Border Service's pending decision is withdrawn
        await advanceTo(env, local('2040-04-17 12:00'));
        await handle.executeUpdate(decideUpdate, {
          args: [
            {
              stepKey: 'consultation',
              actor: CUSTOMS,
              decision: 'request_changes',
              comment: 'align with the EU list',
            },
          ],
        });
        // the coordinator moves the second drafting's due date; reminders are re-armed from the new date
        await advanceTo(env, local('2040-06-20 10:00'));
        const extended = await handle.executeUpdate(extendDueDateUpdate, {
          args: [
            {
              stepKey: 'drafting',
              actor: COORDINATOR,
              dueOn: '2040-10-31',
              reason: 'waiting for the EU list update',
            },
          ],
        });
        expect(step(extended, 'drafting')).toMatchObject({ dueOn: '2040-10-31', occurrence: 2 });
        await advanceTo(env, local('2040-10-29 15:00'));
        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
        });
        // objection 2: the Border Service rejects, which also returns the draft to drafting
        await advanceTo(env, local('2040-11-02 10:00'));
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'consultation', actor: BORDER, decision: 'reject', comment: 'scope' }],
        });
        await advanceTo(env, local('2041-01-30 11:00'));
        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
        });
        // third consultation: Customs agrees, the Border Service stays silent and consents tacitly at the due instant
        await advanceTo(env, local('2041-02-05 10:00'));
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' }],
        });
        const review = await waitFor(async () => {
          await advanceTo(env, local('2041-02-14 10:00'));
          const s = await handle.query(getStateQuery);
          return step(s, 'legal_review').status === 'active' ? s : undefined;
        });
        expect(step(review, 'consultation').approval?.decisions).toEqual({
          'KG-CUSTOMS': 'approve',
          'KG-BORDER': 'tacit_consent',
        });
        // the Ministry of Justice is late: escalated on the 5th business day overdue, it approves that afternoon
        expect(step(review, 'legal_review').dueOn).toBe('2041-03-14');
        await advanceTo(env, local(`${LEGAL_DECISION_DAY} 14:00`));
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'legal_review', actor: MOJ, decision: 'approve' }],
        });
        // the coordinator records each milestone at noon on its due date
        for (const key of milestones) {
          const dueOn = step(await handle.query(getStateQuery), key).dueOn as string;
          await advanceTo(env, local(`${dueOn} 12:00`));
          final = await handle.executeUpdate(recordMilestoneUpdate, {
            args: [{ stepKey: key, actor: COORDINATOR, on: dueOn }],
          });
        }
        await completed(handle);
        const sent = fake.notifications.length;
        await advanceTo(env, local('2042-12-31 12:00'));
        expect(fake.notifications).toHaveLength(sent);
      });
      expect(final?.status).toBe('completed');
      expect(step(final as CaseSnapshot, 'drafting').occurrence).toBe(3);
      expect(localMinute(step(final as CaseSnapshot, 'entry_into_force').completedAt as string)).toBe(
        '2042-01-20 Mon 12:00',
      );
      // Each step occurrence: reminders 14, 7, 1 business days before (consultation: 5, 1), due-today, overdue the
      // next business day, escalation on the 5th business day overdue (Thu 21 March 2041, Nooruz, is skipped); none
      // once the step is done, none for the first drafting due date after the extension.
      expect(fake.timeline('Asia/Bishkek', TIMED)).toEqual([
        'reminder drafting 2040-03-23 Fri 09:00',
        'reminder drafting 2040-04-03 Tue 09:00',
        'reminder consultation 2040-04-17 Tue 09:00',
        'reminder drafting 2040-10-11 Thu 09:00',
        'reminder drafting 2040-10-22 Mon 09:00',
        'reminder drafting 2041-01-11 Fri 09:00',
        'reminder drafting 2041-01-22 Tue 09:00',
        'reminder drafting 2041-01-30 Wed 09:00',
        'reminder consultation 2041-02-06 Wed 09:00',
        'reminder consultation 2041-02-12 Tue 09:00',
        'due_today consultation 2041-02-13 Wed 09:00',
        'reminder legal_review 2041-02-21 Thu 09:00',
        'reminder legal_review 2041-03-04 Mon 09:00',
        'reminder legal_review 2041-03-13 Wed 09:00',
        'due_today legal_review 2041-03-14 Thu 09:00',
        'overdue legal_review 2041-03-15 Fri 09:00',
        'escalation legal_review 2041-03-22 Fri 09:00',
        'reminder government_adoption 2041-04-15 Mon 09:00',
        'reminder government_adoption 2041-04-24 Wed 09:00',
        'reminder government_adoption 2041-05-03 Fri 09:00',
        'due_today government_adoption 2041-05-06 Mon 09:00',
        'reminder first_reading 2041-07-10 Wed 09:00',
        'reminder first_reading 2041-07-19 Fri 09:00',
        'reminder first_reading 2041-07-29 Mon 09:00',
        'due_today first_reading 2041-07-30 Tue 09:00',
        'reminder second_reading 2041-09-04 Wed 09:00',
        'reminder second_reading 2041-09-13 Fri 09:00',
        'reminder second_reading 2041-09-23 Mon 09:00',
        'due_today second_reading 2041-09-24 Tue 09:00',
        'reminder third_reading 2041-10-30 Wed 09:00',
        'reminder third_reading 2041-11-12 Tue 09:00',
        'reminder third_reading 2041-11-20 Wed 09:00',
        'due_today third_reading 2041-11-21 Thu 09:00',
        'reminder signature_publication 2041-12-13 Fri 09:00',
        'reminder signature_publication 2041-12-24 Tue 09:00',
        'reminder signature_publication 2042-01-02 Thu 09:00',
        'due_today signature_publication 2042-01-03 Fri 09:00',
        'reminder entry_into_force 2042-01-09 Thu 09:00',
        'reminder entry_into_force 2042-01-17 Fri 09:00',
        'due_today entry_into_force 2042-01-20 Mon 09:00',
      ]);
      expectBusinessMornings(fake);
      const escalation = fake.notifications.find((n) => n.request.kind === 'escalation');
      expect(escalation?.request).toMatchObject({ stepKey: 'legal_review', toCoordinators: true });
      expect(new Set(fake.notifications.map((n) => n.request.key)).size).toBe(fake.notifications.length);
    }, 60_000);
  });

  describe('refusals', () => {
    it('rejects each refused update in its validator: the state and the history stay as they were', async () => {
      const fake = new FakeCaseActivities();
      const seen: string[] = [];
      await run(fake, async (env) => {
        await advanceTo(env, local('2040-02-06 10:00'));
        const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId('KG-NAP-2013', 'DL-BIO'),
          args: [
            caseInput('draft_law', { caseCode: 'DL-BIO', supportingAgencies: ['KG-CUSTOMS', 'KG-BORDER'] }),
          ],
        });
        await settled(handle);

        /** Sends a refused update and checks nothing moved: same state, same history length, no effects. */
        async function expectRefused(code: string, send: () => Promise<unknown>): Promise<void> {
          await settled(handle); // the notices of the previous update go out after it returned
          const before = await handle.query(getStateQuery);
          const events = await historyLength(handle);
          const effects = fake.transitions.length + fake.notifications.length;
          expect(await refusalOf(send())).toBe(code);
          expect(await handle.query(getStateQuery)).toEqual(before);
          // the real server drops the speculative workflow task of a rejected update; the time-skipping server
          // writes it down, so the check is: nothing but workflow-task events, and no update event
          for (const type of await eventTypesSince(handle, events))
            expect(type).toMatch(/^workflowTask(Scheduled|Started|Completed)EventAttributes$/);
          expect(fake.transitions.length + fake.notifications.length).toBe(effects);
          seen.push(code);
        }
        const evidence = [{ id: 'bio-1', name: 'biosecurity-draft.docx' }];

        await expectRefused('wrong_agency', () =>
          handle.executeUpdate(completeStepUpdate, {
            args: [{ stepKey: 'drafting', actor: CUSTOMS, attachments: evidence }],
          }),
        );
        await expectRefused('step_not_active', () =>
          handle.executeUpdate(decideUpdate, {
            args: [{ stepKey: 'legal_review', actor: MOJ, decision: 'approve' }],
          }),
        );
        await expectRefused('date_in_past', () =>
          handle.executeUpdate(extendDueDateUpdate, {
            args: [{ stepKey: 'drafting', actor: COORDINATOR, dueOn: '2040-02-03', reason: 'typo' }],
          }),
        );
        await expectRefused('not_allowed_for_role', () =>
          handle.executeUpdate(extendDueDateUpdate, {
            args: [{ stepKey: 'drafting', actor: MOE, dueOn: '2040-12-31', reason: 'more time' }],
          }),
        );
        await expectRefused('invalid', () =>
          handle.executeUpdate(completeStepUpdate, { args: [{ stepKey: 'drafting', actor: MOE }] }),
        );

        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
        });
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' }],
        });
        await expectRefused('already_decided', () =>
          handle.executeUpdate(decideUpdate, {
            args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'reject' }],
          }),
        );
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'consultation', actor: BORDER, decision: 'approve' }],
        });
        await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'legal_review', actor: MOJ, decision: 'approve' }],
        });
        await expectRefused('not_allowed_for_role', () =>
          handle.executeUpdate(recordMilestoneUpdate, {
            args: [{ stepKey: 'government_adoption', actor: MOE, on: '2040-02-06' }],
          }),
        );
        await expectRefused('step_not_active', () =>
          handle.executeUpdate(reassignStepUpdate, {
            args: [
              { stepKey: 'drafting', actor: COORDINATOR, agency: 'KG-MOJ', reason: 'the ministry leads now' },
            ],
          }),
        );

        // a comment is a signal: a refused one (empty text) is dropped, a valid one is recorded
        await handle.signal(addCommentSignal, { actor: MOE, text: '' });
        await handle.signal(addCommentSignal, {
          actor: MOE,
          text: 'The Government meets on Thursday',
          stepKey: 'government_adoption',
        });
        const commented = await waitFor(async () => {
          const s = await handle.query(getStateQuery);
          return s.comments.length > 0 ? s : undefined;
        });
        expect(commented.comments).toMatchObject([
          { text: 'The Government meets on Thursday', agency: 'KG-MOE' },
        ]);

        const withdrawn = await handle.executeUpdate(withdrawCaseUpdate, {
          args: [{ actor: COORDINATOR, reason: 'merged into DL-EXPORT' }],
        });
        expect(withdrawn.status).toBe('withdrawn');
        await completed(handle);
      });
      expect(seen).toEqual([
        'wrong_agency',
        'step_not_active',
        'date_in_past',
        'not_allowed_for_role',
        'invalid',
        'already_decided',
        'not_allowed_for_role',
        'step_not_active',
      ]);
    }, 60_000);
  });

  describe('concurrency and delivery', () => {
    it('serializes concurrent updates: the second of two equal decisions fails in its handler, not the workflow', async () => {
      const fake = new FakeCaseActivities();
      await run(fake, async (env) => {
        await advanceTo(env, local('2040-02-06 10:00'));
        const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId('KG-NAP-2013', 'GD-CWC'),
          args: [
            caseInput('government_decision', {
              caseCode: 'GD-CWC',
              dueOn: '2040-12-30',
              supportingAgencies: ['KG-CUSTOMS', 'KG-BORDER'],
            }),
          ],
        });
        await settled(handle);
        await handle.executeUpdate(completeStepUpdate, {
          args: [
            { stepKey: 'drafting', actor: MOE, attachments: [{ id: 'cwc', name: 'cwc-decision.docx' }] },
          ],
        });
        // both pass the validator against the same state; the lock applies the first, the second is refused after
        const decide = (id: string) =>
          handle.executeUpdate(decideUpdate, {
            args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' }],
            updateId: id,
          });
        const outcomes = await Promise.allSettled([decide('double-1'), decide('double-2')]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
        const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(await refusalOf(Promise.reject(rejected?.reason))).toBe('already_decided');
        const state = await handle.query(getStateQuery);
        expect(step(state, 'consultation').approval?.decisions).toEqual({ 'KG-CUSTOMS': 'approve' });
        // the workflow still answers
        const after = await handle.executeUpdate(decideUpdate, {
          args: [{ stepKey: 'consultation', actor: BORDER, decision: 'approve' }],
        });
        expect(step(after, 'government_adoption').status).toBe('active');
      });
    }, 60_000);

    it('does not hold an update while the mail relay fails, and retries the notice until it goes out once', async () => {
      const fake = new FakeCaseActivities();
      fake.notifyFailuresPerKey = 3;
      await run(fake, async (env) => {
        await advanceTo(env, local('2040-02-06 10:00'));
        const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId('KG-NAP-2013', 'M-SMTP'),
          args: [caseInput('measure', { caseCode: 'M-SMTP', supportingAgencies: [], dueOn: '2040-03-30' })],
        });
        await waitFor(() => handle.query(getStateQuery));
        const snapshot = await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'execute', actor: MOE }],
        });
        expect(step(snapshot, 'head_approval').status).toBe('active');
        expect(fake.transitions.at(-1)?.snapshot.seq).toBe(snapshot.seq); // recorded before the update returned
        // the retries back off 5 s, 10 s, 20 s (simulated): skip ahead until every notice went out, once each
        await waitFor(async () => {
          await env.sleep(10_000);
          return fake.timeline().length === 2 ? true : undefined;
        });
      });
      expect(fake.timeline()).toEqual([
        'decision_requested head_approval 2040-02-06 Mon 10:00',
        'step_assigned execute 2040-02-06 Mon 10:00',
      ]);
    }, 60_000);
  });

  describe('long life', () => {
    it('continues as new at a small history length, keeping its state, its update ids and its timers', async () => {
      const fake = new FakeCaseActivities();
      let runs: RunStats[] = [];
      const retriedInRun: string[] = [];
      await run(fake, async (env) => {
        const handle = await runMeasureScenario(
          env,
          caseInput('measure', { dueOn: '2040-06-29', continueAsNewAfterEvents: 40 }),
          retriedInRun,
        );
        runs = await runChain(env, handle);
      });
      expect(runs.length).toBeGreaterThan(3);
      // the retried update (same id) reached a later run than the first, and was not applied twice
      expect(retriedInRun[0]).not.toBe(retriedInRun[1]);
      expect(
        fake.transitions.filter((t) =>
          t.events.some((e) => e.type === 'step_completed' && e.stepKey === 'contribute'),
        ),
      ).toHaveLength(1);
      // a few events of slack: the run finishes the workflow task in which it crossed the limit
      for (const r of runs.slice(0, -1)) expect(r.events).toBeLessThan(40 + 30);
      // the same notices at the same instants as without continue-as-new, none sent twice
      expect(fake.timeline()).toEqual(MEASURE_TIMELINE);
      expect(new Set(fake.notifications.map((n) => n.request.key)).size).toBe(fake.notifications.length);
      // every audit event recorded once, in order, across the runs
      const eventSeqs = fake.transitions.flatMap((t) => t.events.map((e) => e.seq));
      expect(eventSeqs).toEqual(eventSeqs.map((_, i) => eventSeqs[0] + i));
      console.log(
        `measure with continueAsNewAfterEvents=40: ${runs.length} runs, events per run ${runs.map((r) => `${r.events} (${Math.round(r.bytes / 1024)} KiB)`).join(', ')}`,
      );
    }, 60_000);

    it('keeps a case overdue for five simulated years under 10,000 events per run', async () => {
      const fake = new FakeCaseActivities();
      let runs: RunStats[] = [];
      await run(fake, async (env) => {
        await advanceTo(env, local('2040-01-09 10:00'));
        const handle: CaseHandle = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId('KG-NAP-2013', 'M-LATE'),
          args: [caseInput('measure', { caseCode: 'M-LATE', supportingAgencies: [], dueOn: '2040-12-28' })],
        });
        await waitFor(() => handle.query(getStateQuery));
        await advanceTo(env, local('2045-01-09 10:00'));
        const state = await handle.query(getStateQuery);
        expect(step(state, 'execute').status).toBe('active');
        const done = await handle.executeUpdate(withdrawCaseUpdate, {
          args: [{ actor: COORDINATOR, reason: 'superseded by the 2045 plan' }],
        });
        expect(done.status).toBe('withdrawn');
        await completed(handle);
        runs = await runChain(env, handle);
      });
      // the calendar is resolved at start and again with each new year (at the first notice of the year)
      expect(
        fake.calendarCalls.map((c) => `${localMinute(c.at)} ${c.input.fromYear}-${c.input.toYear}`),
      ).toEqual([
        '2040-01-09 Mon 10:00 2039-2042',
        '2041-01-08 Tue 09:00 2040-2043',
        '2042-01-03 Fri 09:00 2041-2044',
        '2043-01-06 Tue 09:00 2042-2045',
        '2044-01-11 Mon 09:00 2043-2046',
        '2045-01-03 Tue 09:00 2044-2047',
      ]);
      const overdue = fake.notifications.filter((n) => n.request.kind === 'overdue');
      const escalations = fake.notifications.filter((n) => n.request.kind === 'escalation');
      expect(escalations.map((n) => localMinute(n.at))).toEqual([
        '2041-01-08 Tue 09:00',
        '2041-01-22 Tue 09:00',
      ]);
      expect(overdue.length).toBeGreaterThan(200);
      expectBusinessMornings(fake);
      for (const r of runs) expect(r.events).toBeLessThan(10_000);
      console.log(
        `five-year overdue measure: ${fake.notifications.length} notices, ${runs.length} run(s), events per run ${runs.map((r) => `${r.events} (${Math.round(r.bytes / 1024)} KiB)`).join(', ')}`,
      );
    }, 300_000);
  });
});
