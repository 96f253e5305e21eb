// Scenario 5, worker memory: RSS of the napflow worker process holding N open cases, beside the baseline worker
// process holding N trivial waiting workflows (a pending timer each).
import { randomUUID } from 'node:crypto';
import { BASELINE_TASK_QUEUE } from '../baseline-workflows/baseline-worker';
import { readyQuery } from '../baseline-workflows/workflows';
import { compare, endProgress, progress, type ScenarioResult } from '../support/report';
import type { BenchStack } from '../support/stack';
import { pooled, round } from '../support/stats';

async function settledRss(read: () => number): Promise<number> {
  // the highest of a few samples over two seconds: RSS after the work, not mid-GC
  let max = 0;
  for (let i = 0; i < 5; i++) {
    max = Math.max(max, read());
    await new Promise((r) => setTimeout(r, 400));
  }
  return max;
}

export async function workerMemory(
  stack: BenchStack,
  openCases: number,
  rssAfterStart: number,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = 'memory';
  const idleBaseline = await settledRss(() => stack.baselineWorker.rssMb());
  const run = randomUUID().slice(0, 8);
  const ids = Array.from({ length: openCases }, (_, i) => `waiting-${run}-${i}`);
  await pooled(openCases, 32, async (i) => {
    await stack.temporal.workflow.start('trivialWaitingWorkflow', {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: ids[i],
      args: [],
    });
  });
  // a query is answered only after the workflow's first task ran: every one is loaded in the worker
  let ready = 0;
  await pooled(openCases, 32, async (i) => {
    await stack.temporal.workflow.getHandle(ids[i]).query(readyQuery);
    if (++ready % 200 === 0) progress(tag, `baseline: ${ready}/${openCases} waiting workflows running`);
  });
  const baseline = await settledRss(() => stack.baselineWorker.rssMb());
  const napflow = await settledRss(() => stack.worker.rssMb());
  endProgress();
  return {
    scenario: 'worker-memory',
    title: `worker RSS with ${openCases} open cases vs ${openCases} trivial waiting workflows`,
    parameters: { openCases },
    comparisons: [
      compare(`RSS with ${openCases} open`, 'MB', round(napflow), round(baseline), {
        ratio: 1.5,
        higherIsBetter: false,
      }),
    ],
    figures: { napflowRssRightAfterBulkStart: rssAfterStart, baselineIdleRss: idleBaseline },
    notes: [
      'napflow figure: the worker process (Nest, TypeORM, nodemailer, the Temporal worker) after the bulk start and the approval/storm scenarios; its open cases are those of the bulk start.',
      'The reminder storm ran through the notify activity in the benchmark process, so "RSS after a storm" of the worker is not measured separately.',
    ],
    durationMs: Date.now() - t0,
  };
}
