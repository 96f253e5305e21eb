// Case runs whose histories are saved for the replay test: each drives a case through the time-skipping server
// with fake activities, then returns the histories of its runs. Open (unfinished) cases matter most: those are
// the histories a deployment replays when the worker restarts with new code.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor, StartCaseInput } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain/process/shipped-definitions';
import { caseWorkflow } from '@app/workflows/case.workflow';
import {
  addCommentSignal,
  caseWorkflowId,
  completeStepUpdate,
  decideUpdate,
  extendDueDateUpdate,
  getStateQuery,
  recordMilestoneUpdate,
} from '@app/workflows/definitions';
import { importFinishedSignal, importNoticesWorkflowId } from '@app/workflows/import-notices.definitions';
import { importNoticesWorkflow } from '@app/workflows/import-notices.workflow';
import {
  advanceTo,
  FakeCaseActivities,
  local,
  waitFor,
  withTimeSkippingWorker,
} from '../support/workflow-testing';
import { historyToJson, type SavedHistory } from './replay-histories';

const taskQueue = 'replay-recording';

/** A person of `agency` acting on a case (a focal point unless said). */
export function actor(agency: string, role: Actor['role'] = 'focal_point'): Actor {
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
const COORDINATOR = actor('KG-MOE', 'coordinator');

/** A case of the shipped definition `kind` in the KG plan, led by KG-MOE. */
export function input(
  kind: string,
  caseCode: string,
  overrides: Partial<StartCaseInput> = {},
): StartCaseInput {
  return {
    planCode: 'KG-NAP-2013',
    caseCode,
    kind,
    title: `Replay ${kind} ${caseCode}`,
    stateCode: 'KG',
    timeZone: 'Asia/Bishkek',
    leadAgency: 'KG-MOE',
    supportingAgencies: ['KG-CUSTOMS', 'KG-BORDER'],
    participants: { justice: ['KG-MOJ'] },
    dueOn: null,
    definition: getShippedDefinition(kind),
    startedBy: COORDINATOR,
    ...overrides,
  };
}

interface Recorded {
  name: string;
  description: string;
  workflowId: string;
  firstRunId: string;
}

async function saveRuns(
  env: TestWorkflowEnvironment,
  recorded: Recorded,
): Promise<{ name: string; saved: SavedHistory }[]> {
  const out: { name: string; saved: SavedHistory }[] = [];
  let runId: string | undefined = recorded.firstRunId;
  let n = 1;
  while (runId) {
    const history = await env.client.workflow.getHandle(recorded.workflowId, runId).fetchHistory();
    out.push({
      name: n === 1 ? recorded.name : `${recorded.name}-run${n}`,
      saved: {
        description: n === 1 ? recorded.description : `${recorded.description} (run ${n})`,
        workflowId: recorded.workflowId,
        runId,
        recordedAt: new Date().toISOString(),
        sdkVersion: '1.24.0',
        history: historyToJson(history),
      },
    });
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    n++;
  }
  // of a long chain, the first run, the first continued one and the last (open) one are enough
  return out.length <= 3 ? out : [out[0], out[1], out[out.length - 1]];
}

/** Runs every scenario on one time-skipping server and returns their histories, named for their files. */
export async function recordScenarioHistories(
  bundle: WorkflowBundleWithSourceMap,
): Promise<{ name: string; saved: SavedHistory }[]> {
  const fake = new FakeCaseActivities();
  return withTimeSkippingWorker({ bundle, activities: fake.activities, taskQueue }, async (env) => {
    const recorded: Recorded[] = [];
    const start = (args: StartCaseInput) =>
      env.client.workflow.start(caseWorkflow, {
        taskQueue,
        workflowId: caseWorkflowId(args.planCode, args.caseCode),
        args: [args],
      });
    const evidence = [{ id: 'doc-1', name: 'draft.docx' }];

    await advanceTo(env, local('2040-03-05 10:00'));
    // 1. a measure that runs to completion: reminders, due today, overdue, approvals, closed
    const measure = await start(input('measure', 'R-MEASURE', { dueOn: '2040-04-30' }));
    // 2. a draft law left open in its third consultation: objection, extension, comment, tacit consent pending
    const law = await start(input('draft_law', 'R-LAW'));
    // 3. a measure that continues as new every ~40 events, left open
    const long = await start(
      input('measure', 'R-LONG', {
        dueOn: '2040-05-31',
        supportingAgencies: [],
        continueAsNewAfterEvents: 40,
      }),
    );
    // 4. an imported measure: its start's notices handed to the import's notices workflow, which emails its agencies
    const notices = await env.client.workflow.start(importNoticesWorkflow, {
      taskQueue,
      workflowId: importNoticesWorkflowId('KG-NAP-2013', 'replay'),
      args: [{ planCode: 'KG-NAP-2013', stateCode: 'KG' }],
    });
    const imported = await start(
      input('measure', 'R-IMPORTED', { dueOn: '2040-06-29', announceNewStepsTo: notices.workflowId }),
    );
    await notices.signal(importFinishedSignal, { started: 1 });
    await waitFor(async () => ((await notices.describe()).status.name === 'COMPLETED' ? true : undefined));
    await waitFor(() => law.query(getStateQuery));
    await waitFor(() => measure.query(getStateQuery));

    await advanceTo(env, local('2040-03-20 10:00'));
    await law.executeUpdate(completeStepUpdate, {
      args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
    });
    await measure.executeUpdate(completeStepUpdate, {
      args: [{ stepKey: 'contribute', actor: CUSTOMS }],
      updateId: 'r-contribute',
    });
    await measure.executeUpdate(completeStepUpdate, { args: [{ stepKey: 'contribute', actor: BORDER }] });
    await advanceTo(env, local('2040-03-26 11:00'));
    await law.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'consultation', actor: BORDER, decision: 'request_changes', comment: 'scope' }],
    });
    await law.signal(addCommentSignal, {
      actor: MOE,
      text: 'Redrafting with the Border Service',
      stepKey: 'drafting',
    });
    await law.executeUpdate(extendDueDateUpdate, {
      args: [{ stepKey: 'drafting', actor: COORDINATOR, dueOn: '2040-08-31', reason: 'summer recess' }],
    });
    // a refused update leaves no trace, but a history with one around it is worth replaying
    await law
      .executeUpdate(recordMilestoneUpdate, {
        args: [{ stepKey: 'government_adoption', actor: COORDINATOR, on: '2040-03-26' }],
      })
      .catch(() => undefined);

    await advanceTo(env, local('2040-05-02 11:00'));
    await measure.executeUpdate(completeStepUpdate, { args: [{ stepKey: 'execute', actor: MOE }] });
    await measure.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'head_approval', actor: MOE, decision: 'approve' }],
    });
    await measure.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'coordinator_approval', actor: COORDINATOR, decision: 'approve' }],
    });
    await waitFor(async () => ((await measure.describe()).status.name === 'COMPLETED' ? true : undefined));

    await advanceTo(env, local('2040-08-28 10:00'));
    await law.executeUpdate(completeStepUpdate, {
      args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
    });
    await law.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' }],
    });
    await advanceTo(env, local('2040-09-03 10:00'));
    await law.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'consultation', actor: BORDER, decision: 'reject', comment: 'still the scope' }],
    });
    await law.executeUpdate(completeStepUpdate, {
      args: [{ stepKey: 'drafting', actor: MOE, attachments: evidence }],
    });
    await law.executeUpdate(decideUpdate, {
      args: [{ stepKey: 'consultation', actor: CUSTOMS, decision: 'approve' }],
    });
    await advanceTo(env, local('2040-09-10 10:00'));
    await long.executeUpdate(completeStepUpdate, { args: [{ stepKey: 'execute', actor: MOE }] });

    recorded.push(
      {
        name: 'measure-completed',
        description: 'measure due 30 April 2040: reminders, overdue, completed and approved',
        workflowId: measure.workflowId,
        firstRunId: measure.firstExecutionRunId,
      },
      {
        name: 'draft-law-open',
        description: 'draft law with an objection, an extension and a comment, open in consultation',
        workflowId: law.workflowId,
        firstRunId: law.firstExecutionRunId,
      },
      {
        name: 'measure-continued',
        description: 'measure continuing as new every ~40 events, open in head approval',
        workflowId: long.workflowId,
        firstRunId: long.firstExecutionRunId,
      },
      {
        name: 'measure-imported',
        description:
          "imported measure whose start's notices went to the import's notices workflow, left open",
        workflowId: imported.workflowId,
        firstRunId: imported.firstExecutionRunId,
      },
      {
        name: 'import-notices',
        description: "an import's notices workflow: one imported case heard from, its agencies emailed",
        workflowId: notices.workflowId,
        firstRunId: notices.firstExecutionRunId,
      },
    );
    const all: { name: string; saved: SavedHistory }[] = [];
    for (const r of recorded) all.push(...(await saveRuns(env, r)));
    return all;
  });
}
