// An import's notices in the time-skipping test server: the cases an import starts hand their first steps to the
// import's notices workflow, which emails each agency once; fake activities record what was sent and when.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor, NotificationRequest, StartCaseInput } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain/process/shipped-definitions';
import { bundleNapflowWorkflows } from '@app/temporal/workflow-bundle';
import {
  advanceTo,
  FakeCaseActivities,
  local,
  localMinute,
  waitFor,
  withTimeSkippingWorker,
} from '../test/support/workflow-testing';
import { caseWorkflow } from './case.workflow';
import { caseWorkflowId, getStateQuery } from './definitions';
import {
  importFinishedSignal,
  importNoticesWorkflowId,
  newStepsSignal,
  type NewStepItem,
} from './import-notices.definitions';
import { MAX_IMPORT_ROWS } from '../apps/api/src/plans/measure-file.parser';
import { importNoticesWorkflow, MAX_LISTED_STEPS } from './import-notices.workflow';

const taskQueue = 'import-notices-spec';
const COORDINATOR: Actor = {
  personId: 'p-coordinator',
  name: 'coordinator',
  agency: 'KG-MOE',
  role: 'coordinator',
  channel: 'api',
};

function measure(caseCode: string, leadAgency: string, supporting: string[], dueOn: string): StartCaseInput {
  return {
    planCode: 'KG-NAP-2040',
    caseCode,
    kind: 'measure',
    title: `Measure ${caseCode}`,
    stateCode: 'KG',
    timeZone: 'Asia/Bishkek',
    leadAgency,
    supportingAgencies: supporting,
    participants: {},
    dueOn,
    definition: getShippedDefinition('measure'),
    startedBy: COORDINATOR,
  };
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleNapflowWorkflows();
}, 120_000);

function run<T>(fake: FakeCaseActivities, fn: (env: TestWorkflowEnvironment) => Promise<T>): Promise<T> {
  return withTimeSkippingWorker({ bundle, activities: fake.activities, taskQueue }, fn);
}

async function startNotices(env: TestWorkflowEnvironment, importId: string, quietMs?: number) {
  return env.client.workflow.start(importNoticesWorkflow, {
    taskQueue,
    workflowId: importNoticesWorkflowId('KG-NAP-2040', importId),
    args: [{ planCode: 'KG-NAP-2040', stateCode: 'KG', ...(quietMs === undefined ? {} : { quietMs }) }],
  });
}

async function startCase(env: TestWorkflowEnvironment, input: StartCaseInput) {
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue,
    workflowId: caseWorkflowId(input.planCode, input.caseCode),
    args: [input],
  });
  await waitFor(() => handle.query(getStateQuery));
  return handle;
}

/** The event types of a workflow's history (its latest run). */
const { EventType } = temporal.api.enums.v1;

async function eventTypes(env: TestWorkflowEnvironment, workflowId: string): Promise<string[]> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => String(EventType[e.eventType ?? 0]));
}

async function completed(handle: WorkflowHandle): Promise<void> {
  await waitFor(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
}

/** `agency: CASE step due, …` of each steps_assigned notice, and its total. */
function lists(requests: NotificationRequest[]): Record<string, { items: string[]; total: number }> {
  const out: Record<string, { items: string[]; total: number }> = {};
  for (const r of requests) {
    const { items, total } = r.data.newSteps as { items: NewStepItem[]; total: number };
    out[r.toAgencies.join(',')] = {
      items: items.map((i) => `${i.caseCode} ${i.stepKey} ${i.dueOn}`),
      total,
    };
  }
  return out;
}

describe(importNoticesWorkflow.name, () => {
  it('emails each agency once, listing its new steps by due date, once every case of the import has handed them over', async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'one');
      const announceNewStepsTo = notices.workflowId;
      await startCase(env, { ...measure('M-1', 'KG-MOE', ['KG-CUSTOMS'], '2040-06-29'), announceNewStepsTo });
      await startCase(env, { ...measure('M-2', 'KG-CUSTOMS', [], '2040-04-30'), announceNewStepsTo });
      await startCase(env, { ...measure('M-3', 'KG-MOE', [], '2040-05-15'), announceNewStepsTo });
      await notices.signal(importFinishedSignal, { started: 3 });
      await completed(notices);

      // no email per step: one per agency, right away (at the minute the last case was heard from)
      expect(fake.notifications.filter((n) => n.request.kind === 'step_assigned')).toEqual([]);
      const sent = fake.notifications.filter((n) => n.request.kind === 'steps_assigned');
      expect(sent.map((n) => localMinute(n.at))).toEqual(['2040-03-05 Mon 10:00', '2040-03-05 Mon 10:00']);
      expect(lists(sent.map((n) => n.request))).toEqual({
        // the supporting agency's contribution is due 10 business days before the measure
        'KG-CUSTOMS': { items: ['M-2 execute 2040-04-30', 'M-1 contribute 2040-06-15'], total: 2 },
        'KG-MOE': { items: ['M-3 execute 2040-05-15', 'M-1 execute 2040-06-29'], total: 2 },
      });
      expect(sent.map((n) => n.request)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            key: `${notices.workflowId}:-:steps_assigned:1:KG-MOE`,
            workflowId: notices.workflowId,
            toCoordinators: false,
            data: expect.objectContaining({ planCode: 'KG-NAP-2040', stateCode: 'KG' }),
          }),
        ]),
      );
      expect(await notices.result()).toEqual({ cases: 3, emails: 2, rounds: 1 });
      // each case recorded its steps with its start, none signalled: the handover opened first, closed once
      expect([...(fake.handovers.get(notices.workflowId)?.cases.keys() ?? [])].sort()).toEqual([
        'case:KG-NAP-2040:M-1',
        'case:KG-NAP-2040:M-2',
        'case:KG-NAP-2040:M-3',
      ]);
      const calls = fake.handoverCalls.map((c) => c.call);
      expect(calls[0]).toBe('open');
      expect(calls.filter((c) => c === 'close')).toEqual(['close']);
      expect(calls.at(-1)).toBe('close');
      const caseEvents = await eventTypes(env, 'case:KG-NAP-2040:M-1');
      expect(caseEvents).not.toContain('EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
      // the one signal it took is the API's importFinished
      const signalled = (await eventTypes(env, notices.workflowId)).filter(
        (t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
      );
      expect(signalled).toHaveLength(1);
    });
  });

  it('lists the steps of cases that signalled (begun under earlier code, or before the handover opened) with those recorded', async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'mixed');
      const announceNewStepsTo = notices.workflowId;
      await notices.signal(newStepsSignal, {
        workflowId: 'case:KG-NAP-2040:S-1',
        steps: [
          {
            caseCode: 'S-1',
            caseTitle: 'Signalled 1',
            stepKey: 'execute',
            stepTitle: 'Implementation',
            dueOn: '2040-05-01',
            agencies: ['KG-MOE'],
          },
        ],
      });
      await startCase(env, { ...measure('M-1', 'KG-MOE', ['KG-CUSTOMS'], '2040-06-29'), announceNewStepsTo });
      await startCase(env, { ...measure('M-2', 'KG-MOE', [], '2040-04-30'), announceNewStepsTo });
      await notices.signal(importFinishedSignal, { started: 3 });
      await completed(notices);
      expect(lists(fake.notifications.map((n) => n.request))).toEqual({
        'KG-CUSTOMS': { items: ['M-1 contribute 2040-06-15'], total: 1 },
        'KG-MOE': {
          items: ['M-2 execute 2040-04-30', 'S-1 execute 2040-05-01', 'M-1 execute 2040-06-29'],
          total: 3,
        },
      });
      expect(await notices.result()).toEqual({ cases: 3, emails: 2, rounds: 1 });
    });
  });

  it('a case that finds the handover closed signals instead, and its steps are listed all the same', async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'late');
      // the handover is closed (as after a first round) while the workflow still waits for a case: it signals
      await waitFor(() => (fake.handovers.has(notices.workflowId) ? true : undefined));
      (fake.handovers.get(notices.workflowId) as { closed: boolean }).closed = true;
      await startCase(env, {
        ...measure('M-7', 'KG-MOE', [], '2040-06-29'),
        announceNewStepsTo: notices.workflowId,
      });
      await notices.signal(importFinishedSignal, { started: 1 });
      await completed(notices);
      expect(fake.handovers.get(notices.workflowId)?.cases.size).toBe(0);
      expect(await eventTypes(env, 'case:KG-NAP-2040:M-7')).toContain(
        'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
      );
      expect(lists(fake.notifications.map((n) => n.request))).toEqual({
        'KG-MOE': { items: ['M-7 execute 2040-06-29'], total: 1 },
      });
      expect(await notices.result()).toEqual({ cases: 1, emails: 1, rounds: 1 });
    });
  });

  it.each([
    // the API leaves the period out: five minutes, counted from the case heard from two minutes after the start
    { quietMs: undefined, heardAfterMs: 120_000, waitMs: 300_000 },
    // the period the input names (a drill's), counted from the case heard from five seconds after the start
    { quietMs: 20_000, heardAfterMs: 5_000, waitMs: 20_000 },
  ])(
    'without word from the import, sends its quiet period (input $quietMs, else five minutes) after the last case was heard from',
    async ({ quietMs, heardAfterMs, waitMs }) => {
      const fake = new FakeCaseActivities();
      await run(fake, async (env) => {
        const startedAt = Date.parse(local('2040-03-05 10:00'));
        await advanceTo(env, startedAt);
        const notices = await startNotices(env, `quiet-${waitMs}`, quietMs);
        const announceNewStepsTo = notices.workflowId;
        const heardAt = startedAt + heardAfterMs;
        await advanceTo(env, heardAt);
        await startCase(env, { ...measure('M-1', 'KG-MOE', [], '2040-06-29'), announceNewStepsTo });
        await advanceTo(env, heardAt + waitMs - 1_000);
        expect(fake.notifications).toEqual([]);
        await advanceTo(env, heardAt + waitMs);
        await completed(notices);
        // to the second: the simulated clock runs on in real time while the server is not skipping
        expect(
          fake.notifications.map((n) => [n.request.kind, Math.floor((Date.parse(n.at) - heardAt) / 1000)]),
        ).toEqual([['steps_assigned', waitMs / 1000]]);
        expect(lists(fake.notifications.map((n) => n.request))).toEqual({
          'KG-MOE': { items: ['M-1 execute 2040-06-29'], total: 1 },
        });
        expect(await notices.result()).toEqual({ cases: 1, emails: 1, rounds: 1 });
      });
    },
  );

  it('a case whose import notices workflow has finished sends its own step_assigned notices', async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'done');
      await notices.signal(importFinishedSignal, { started: 0 });
      // polled: awaiting the result lets the test server skip time (to the cancelled five-minute timer)
      await completed(notices);
      await startCase(env, {
        ...measure('M-9', 'KG-MOE', ['KG-CUSTOMS'], '2040-06-29'),
        announceNewStepsTo: notices.workflowId,
      });
      await waitFor(() => (fake.notifications.length === 2 ? true : undefined));
      expect(fake.timeline()).toEqual([
        'step_assigned contribute 2040-03-05 Mon 10:00',
        'step_assigned execute 2040-03-05 Mon 10:00',
      ]);
      expect(await notices.result()).toEqual({ cases: 0, emails: 0, rounds: 0 });
    });
  });

  it(`lists the first ${MAX_LISTED_STEPS} steps by due date and says how many there are`, async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'many');
      // 60 cases, latest due date first
      for (let i = 60; i >= 1; i--) {
        const dueOn = `2040-${String(4 + Math.floor((i - 1) / 28)).padStart(2, '0')}-${String(1 + ((i - 1) % 28)).padStart(2, '0')}`;
        await notices.signal(newStepsSignal, {
          workflowId: `case:KG-NAP-2040:C-${i}`,
          steps: [
            {
              caseCode: `C-${i}`,
              caseTitle: `Case ${i}`,
              stepKey: 'execute',
              stepTitle: { en: 'Implementation', ru: 'Выполнение' },
              dueOn,
              agencies: ['KG-MOE', 'KG-MOE'],
            },
          ],
        });
      }
      await notices.signal(importFinishedSignal, { started: 60 });
      await completed(notices);
      const [only] = fake.notifications.map((n) => n.request);
      expect(fake.notifications).toHaveLength(1);
      const { items, total } = only.data.newSteps as { items: NewStepItem[]; total: number };
      expect(total).toBe(60);
      expect(items.map((i) => i.caseCode)).toEqual(Array.from({ length: 50 }, (_, i) => `C-${i + 1}`));
      expect(items[0]).toEqual({
        caseCode: 'C-1',
        caseTitle: 'Case 1',
        stepKey: 'execute',
        stepTitle: { en: 'Implementation', ru: 'Выполнение' },
        dueOn: '2040-04-01',
        workflowId: 'case:KG-NAP-2040:C-1',
      });
    });
  });

  it(`hears from the largest import, ${MAX_IMPORT_ROWS} cases, in one run well under the history limits`, async () => {
    const fake = new FakeCaseActivities();
    await run(fake, async (env) => {
      await advanceTo(env, local('2040-03-05 10:00'));
      const notices = await startNotices(env, 'largest');
      const agencies = ['KG-MOE', 'KG-CUSTOMS', 'KG-BORDER', 'KG-MOJ'];
      // as cases started 16 at a time send them
      for (let from = 1; from <= MAX_IMPORT_ROWS; from += 16) {
        await Promise.all(
          Array.from({ length: Math.min(16, MAX_IMPORT_ROWS - from + 1) }, (_, k) => {
            const i = from + k;
            return notices.signal(newStepsSignal, {
              workflowId: `case:KG-NAP-2040:B-${i}`,
              steps: [
                {
                  caseCode: `B-${String(i).padStart(4, '0')}`,
                  caseTitle: `Measure ${i}`,
                  stepKey: 'execute',
                  stepTitle: {
                    en: 'Implementation by the lead agency',
                    ru: 'Исполнение меры ведущим ведомством',
                  },
                  dueOn: '2040-06-29',
                  agencies: [agencies[i % 4]],
                },
              ],
            });
          }),
        );
      }
      await notices.signal(importFinishedSignal, { started: MAX_IMPORT_ROWS });
      await completed(notices);
      const sent = lists(fake.notifications.map((n) => n.request));
      expect(Object.keys(sent).sort()).toEqual([...agencies].sort());
      for (const list of Object.values(sent)) expect(list).toMatchObject({ total: MAX_IMPORT_ROWS / 4 });
      expect(sent['KG-MOE'].items.slice(0, 2)).toEqual([
        'B-0004 execute 2040-06-29',
        'B-0008 execute 2040-06-29',
      ]);
      const history = await notices.fetchHistory();
      expect(history.events?.length).toBeLessThan(10_240);
      expect(await notices.result()).toEqual({ cases: MAX_IMPORT_ROWS, emails: 4, rounds: 1 });
    });
  }, 120_000);
});
