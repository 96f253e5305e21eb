// Drill: deadlines across time zones and daylight-saving changes in the time-skipping server, correct to the
// minute. Three NAP measure cases start the same day (Mon 7 January 2041): two for a state in Europe/Vienna (the
// OSCE; CET = UTC+1, CEST = UTC+2) due just after each 2041 clock change, one in Asia/Bishkek (UTC+6, no daylight
// saving). The fake calendar has weekends (Sat, Sun) as its only non-working days: no public holidays, so the
// business-day arithmetic below is plain weekday counting. Every expected instant is derived by hand in the
// comments and hard-coded: nothing here asks the calendar code under test what the answer should be.
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { getShippedDefinition } from '@app/domain';
import type { Actor, CaseSnapshot, StartCaseInput } from '@app/domain/case/case.types';
import { bundleNapflowWorkflows } from '@app/temporal/workflow-bundle';
import { caseWorkflow } from '@app/workflows/case.workflow';
import { caseWorkflowId, getStateQuery } from '@app/workflows/definitions';
import { advanceTo, FakeCaseActivities, waitFor, withTimeSkippingWorker } from '../support/workflow-testing';

const taskQueue = 'dst-deadlines-drill';
const TIMED = ['reminder', 'due_today', 'overdue'];

// 2041 calendar facts (weekdays checked against an independent calendar, Python's `calendar.month(2041, m)`):
//   Mon 7 Jan; March: Mon 4/11/18/25, Sun 31 = last Sunday (EU clocks go forward 01:00Z: CET -> CEST);
//   April: Mon 1, Tue 2, Wed 3; October: Mon 7/14/21/28, Sun 27 = last Sunday (back at 01:00Z: CEST -> CET);
//   Tue 29, Wed 30.
//
// Vienna, due Tue 2041-04-02 (counting business days back, weekends skipped):
//   1 before:  Mon 04-01                                             (CEST) 09:00 -> 07:00Z
//   7 before:  Mon 04-01(1) Fri 03-29(2) Thu 28(3) Wed 27(4) Tue 26(5) Mon 25(6) Fri 22(7)
//                                                                    (CET)  09:00 -> 08:00Z
//   14 before: Thu 21(8) Wed 20(9) Tue 19(10) Mon 18(11) Fri 15(12) Thu 14(13) Wed 13(14)
//                                                                    (CET)  09:00 -> 08:00Z
//   due today: Tue 04-02 (CEST) 09:00 -> 07:00Z; overdue: next business day Wed 04-03 (CEST) 09:00 -> 07:00Z
//   due instant: Tue 04-02 18:00 CEST -> 16:00Z
const VIENNA_SPRING = {
  dueOn: '2041-04-02',
  dueAt: '2041-04-02T16:00:00.000Z',
  notices: [
    'reminder 2041-03-13T08:00Z',
    'reminder 2041-03-22T08:00Z',
    'reminder 2041-04-01T07:00Z',
    'due_today 2041-04-02T07:00Z',
    'overdue 2041-04-03T07:00Z',
  ],
};

// Vienna, due Tue 2041-10-29:
//   1 before:  Mon 10-28                                             (CET)  09:00 -> 08:00Z
//   7 before:  Mon 28(1) Fri 25(2) Thu 24(3) Wed 23(4) Tue 22(5) Mon 21(6) Fri 18(7)
//                                                                    (CEST) 09:00 -> 07:00Z
//   14 before: Thu 17(8) Wed 16(9) Tue 15(10) Mon 14(11) Fri 11(12) Thu 10(13) Wed 09(14)
//                                                                    (CEST) 09:00 -> 07:00Z
//   due today: Tue 10-29 (CET) 09:00 -> 08:00Z; overdue: Wed 10-30 (CET) 09:00 -> 08:00Z
//   due instant: Tue 10-29 18:00 CET -> 17:00Z
const VIENNA_AUTUMN = {
  dueOn: '2041-10-29',
  dueAt: '2041-10-29T17:00:00.000Z',
  notices: [
    'reminder 2041-10-09T07:00Z',
    'reminder 2041-10-18T07:00Z',
    'reminder 2041-10-28T08:00Z',
    'due_today 2041-10-29T08:00Z',
    'overdue 2041-10-30T08:00Z',
  ],
};

// Bishkek, due Tue 2041-04-02: the same business days as Vienna's spring case (same weekend-only calendar), but
// UTC+6 all year: 09:00 -> 03:00Z on both sides of Europe's clock change; due instant 18:00+06 -> 12:00Z.
const BISHKEK = {
  dueOn: '2041-04-02',
  dueAt: '2041-04-02T12:00:00.000Z',
  notices: [
    'reminder 2041-03-13T03:00Z',
    'reminder 2041-03-22T03:00Z',
    'reminder 2041-04-01T03:00Z',
    'due_today 2041-04-02T03:00Z',
    'overdue 2041-04-03T03:00Z',
  ],
};

// all three start the same day: Mon 2041-01-07 08:00Z (09:00 in Vienna, 14:00 in Bishkek)
const START = '2041-01-07T08:00:00.000Z';

const TIME_ZONES: Record<string, string> = { AT: 'Europe/Vienna', KG: 'Asia/Bishkek' };

function coordinator(agency: string): Actor {
  return {
    personId: `p-${agency}-coordinator`,
    name: `coordinator of ${agency}`,
    agency,
    role: 'coordinator',
    channel: 'dashboard',
  };
}

function measure(stateCode: 'AT' | 'KG', caseCode: string, dueOn: string): StartCaseInput {
  return {
    planCode: `${stateCode}-NAP-2041`,
    caseCode,
    kind: 'measure',
    title: `Measure ${caseCode} due ${dueOn}`,
    stateCode,
    timeZone: TIME_ZONES[stateCode],
    leadAgency: `${stateCode}-MOE`,
    supportingAgencies: [`${stateCode}-CUSTOMS`],
    participants: { justice: [`${stateCode}-MOJ`] },
    dueOn,
    definition: getShippedDefinition('measure'),
    startedBy: coordinator(`${stateCode}-MOE`),
  };
}

type CaseHandle = WorkflowHandleWithFirstExecutionRunId<typeof caseWorkflow>;

function executeStep(snapshot: CaseSnapshot) {
  const found = snapshot.steps.find((s) => s.key === 'execute');
  if (!found) throw new Error('no execute step');
  return found;
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleNapflowWorkflows();
}, 120_000);

describe('deadlines across time zones and daylight-saving changes (time-skipping)', () => {
  it('sends every reminder, due-today and overdue notice at 09:00 local, to the minute, across DST', async () => {
    // weekends only: no holidays in the fake calendar
    const fake = new FakeCaseActivities({ yearly: [], dates: [], weekendDays: [6, 7] });
    // the shared fake answers every state but TJ with Asia/Bishkek: give the Austrian state its own zone
    const activities = {
      ...fake.activities,
      resolveCalendar: async (input: Parameters<typeof fake.activities.resolveCalendar>[0]) => {
        const calendar = await fake.activities.resolveCalendar(input);
        return { ...calendar, timeZone: TIME_ZONES[input.stateCode] ?? calendar.timeZone };
      },
    };

    /** The execute step's timed notices of one case, as `kind instant-to-the-minute`, before `until`. */
    const noticesOf = (handle: CaseHandle, until: string): string[] =>
      fake.notifications
        .filter(
          (n) =>
            n.request.workflowId === handle.workflowId &&
            n.request.stepKey === 'execute' &&
            TIMED.includes(n.request.kind) &&
            n.at < until,
        )
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((n) => `${n.request.kind} ${n.at.slice(0, 16)}Z`);

    await withTimeSkippingWorker({ bundle, activities, taskQueue }, async (env) => {
      await advanceTo(env, START);
      const start = (input: StartCaseInput): Promise<CaseHandle> =>
        env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId: caseWorkflowId(input.planCode, input.caseCode),
          args: [input],
        });
      const spring = await start(measure('AT', 'M-SPRING', VIENNA_SPRING.dueOn));
      const autumn = await start(measure('AT', 'M-AUTUMN', VIENNA_AUTUMN.dueOn));
      const bishkek = await start(measure('KG', 'M-BISHKEK', BISHKEK.dueOn));

      // the due instant (end of the local business day, 18:00) through each snapshot's dueAt
      for (const [handle, expected] of [
        [spring, VIENNA_SPRING],
        [autumn, VIENNA_AUTUMN],
        [bishkek, BISHKEK],
      ] as const) {
        const snapshot = await waitFor(() => handle.query(getStateQuery));
        expect(executeStep(snapshot)).toMatchObject({ dueOn: expected.dueOn, dueAt: expected.dueAt });
      }

      // past the spring deadlines (Thu 4 April 00:00Z): both April cases have had their first overdue notice
      const afterSpring = '2041-04-04T00:00:00.000Z';
      await advanceTo(env, afterSpring);
      await waitFor(() => (noticesOf(spring, afterSpring).length >= 5 ? true : undefined));
      await waitFor(() => (noticesOf(bishkek, afterSpring).length >= 5 ? true : undefined));
      expect(noticesOf(spring, afterSpring)).toEqual(VIENNA_SPRING.notices);
      expect(noticesOf(bishkek, afterSpring)).toEqual(BISHKEK.notices);
      // nothing of the autumn case yet (its first reminder is in October)
      expect(noticesOf(autumn, afterSpring)).toEqual([]);

      // past the autumn deadline (Thu 31 October 00:00Z)
      const afterAutumn = '2041-10-31T00:00:00.000Z';
      await advanceTo(env, afterAutumn);
      await waitFor(() => (noticesOf(autumn, afterAutumn).length >= 5 ? true : undefined));
      expect(noticesOf(autumn, afterAutumn)).toEqual(VIENNA_AUTUMN.notices);

      // the due instants are unchanged after the months of timers (and any continue-as-new)
      expect(executeStep(await autumn.query(getStateQuery)).dueAt).toBe(VIENNA_AUTUMN.dueAt);
      expect(executeStep(await spring.query(getStateQuery)).dueAt).toBe(VIENNA_SPRING.dueAt);
    });

    // the Austrian calendar was asked for (and answered in Europe/Vienna)
    expect(fake.calendarCalls.map((c) => c.input.stateCode)).toEqual(expect.arrayContaining(['AT', 'KG']));
  });
});
