// Scenario 6: one case over five simulated years in the time-skipping test server (the real case workflow, fake
// activities): a comment every month and a due-date extension every month, so reminders re-arm all along. Counts
// the history events of every run (continue-as-new) — with the server's suggestion alone, and with a small
// configured threshold that forces several continue-as-new hops across the five years.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import type { CaseActivities } from '@app/activities/contracts';
import type { Actor, CaseSnapshot } from '@app/domain/case/case.types';
import { getShippedDefinition } from '@app/domain';
import { bundleNapflowWorkflows } from '@app/temporal';
import { addCommentSignal, extendDueDateUpdate, getStateQuery } from '@app/workflows/definitions';
import { compare, endProgress, progress, type ScenarioResult } from '../support/report';
import { ROOT } from '../support/stack';

const MONTHS = 60;
const coordinator: Actor = {
  personId: 'bench-coordinator',
  name: 'Coordinator',
  agency: 'KG-MOE',
  role: 'coordinator',
  channel: 'api',
};

const fakeActivities: CaseActivities = {
  resolveCalendar: async (input) => ({
    ...input,
    timeZone: 'Asia/Bishkek',
    nonWorkingDates: [],
    weekendDays: [6, 7],
  }),
  recordTransition: async () => undefined,
  notify: async (r) => ({ key: r.key, status: 'sent', recipients: 1 }),
  notifyAll: async (rs) => rs.map((r) => ({ key: r.key, status: 'sent', recipients: 1 })),
  // no import here: the case is started by itself
  openImportHandover: async () => undefined,
  countImportHandover: async () => ({ cases: 0, lastRecordedAt: null }),
  closeImportHandover: async () => ({ cases: 0, byAgency: {} }),
};

interface Chain {
  runs: number;
  eventsPerRun: number[];
  final: CaseSnapshot;
}

function testServer(): string {
  const p = process.env.TEMPORAL_TEST_SERVER ?? path.join(ROOT, '.tools/python/bin/temporal-test-server');
  if (!fs.existsSync(p))
    throw new Error(`temporal-test-server not found at ${p}: run node scripts/install-tools.js`);
  return p;
}

async function simulate(
  env: TestWorkflowEnvironment,
  workflowId: string,
  continueAsNewAfterEvents: number | undefined,
  tag: string,
): Promise<Chain> {
  const client = env.client;
  const start = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'Asia/Bishkek' });
  const handle = await client.workflow.start('caseWorkflow', {
    taskQueue: 'bench-history',
    workflowId,
    args: [
      {
        planCode: 'KG-NAP-2013',
        caseCode: workflowId,
        kind: 'measure',
        title: 'A measure followed for five years',
        stateCode: 'KG',
        timeZone: 'Asia/Bishkek',
        leadAgency: 'KG-SCS',
        supportingAgencies: [],
        participants: {},
        dueOn: start.plus({ months: 2 }).toISODate(),
        definition: getShippedDefinition('measure'),
        startedBy: coordinator,
        ...(continueAsNewAfterEvents ? { continueAsNewAfterEvents } : {}),
      },
    ],
  });
  const firstRunId = handle.firstExecutionRunId;
  for (let month = 1; month <= MONTHS; month++) {
    await env.sleep('30 days');
    const latest = client.workflow.getHandle(workflowId);
    await latest.signal(addCommentSignal, { actor: coordinator, text: `Monthly follow-up ${month}` });
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'Asia/Bishkek' });
    await latest.executeUpdate(extendDueDateUpdate, {
      args: [
        {
          actor: coordinator,
          stepKey: 'execute',
          dueOn: now.plus({ days: 45 }).toISODate() as string,
          reason: `extension ${month}`,
        },
      ],
    });
    if (month % 6 === 0) progress(tag, `${month}/${MONTHS} simulated months`);
  }
  const final = await client.workflow.getHandle(workflowId).query(getStateQuery);
  const eventsPerRun: number[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    eventsPerRun.push(events.length);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { runs: eventsPerRun.length, eventsPerRun, final };
}

export async function longHistory(): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = 'history';
  const bundlePath = path.join(ROOT, 'dist/workflow-bundle.js');
  const workflowBundle =
    path.extname(__filename) === '.js' && fs.existsSync(bundlePath)
      ? { code: fs.readFileSync(bundlePath, 'utf8') }
      : await bundleNapflowWorkflows();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // a runtime exists already in this process: keep it
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer() } },
  });
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-history',
      workflowBundle,
      activities: fakeActivities,
    });
    const [suggested, forced] = await worker.runUntil(async () => {
      const a = await simulate(env, 'five-years-default', undefined, `${tag}:default`);
      const b = await simulate(env, 'five-years-can-1000', 1000, `${tag}:can-1000`);
      return [a, b] as const;
    });
    endProgress();
    const max = (c: Chain) => Math.max(...c.eventsPerRun);
    return {
      scenario: 'long-history',
      title: `one case over ${MONTHS / 12} simulated years (monthly comment + due-date extension) in the time-skipping server`,
      parameters: { months: MONTHS },
      comparisons: [
        compare('max events per run (server suggestion only)', 'events', max(suggested), 10_240, {
          higherIsBetter: false,
          absolute: { max: 10_000 },
        }),
        compare('max events per run (continue-as-new at 1,000)', 'events', max(forced), 10_240, {
          higherIsBetter: false,
          absolute: { max: 10_000 },
        }),
      ],
      figures: {
        serverSuggestion: {
          runs: suggested.runs,
          eventsPerRun: suggested.eventsPerRun,
          comments: suggested.final.comments.length,
          status: suggested.final.status,
        },
        continueAsNewAt1000: {
          runs: forced.runs,
          eventsPerRun: forced.eventsPerRun,
          comments: forced.final.comments.length,
          status: forced.final.status,
        },
      },
      notes: [
        'The "baseline" column is the server\'s history warning threshold (10,240 events), not a measured workflow.',
        'The case state (all comments, the open step) survives every continue-as-new: the final query shows every monthly comment.',
      ],
      durationMs: Date.now() - t0,
    };
  } finally {
    await env.teardown();
  }
}
