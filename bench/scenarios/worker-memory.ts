// Scenario 5, worker memory: RSS of the napflow worker process holding N open cases, beside the baseline worker
// process holding N trivial waiting workflows (a pending timer each).
import { randomUUID } from 'node:crypto';
import { BASELINE_TASK_QUEUE } from '../baseline-workflows/baseline-worker';
import { readyQuery } from '../baseline-workflows/workflows';
import { compare, endProgress, progress, type ScenarioResult } from '../support/report';
import type { BenchStack } from '../support/stack';
import { pooled, round, waitUntil } from '../support/stats';
import { BULK_PLAN } from './bulk-start';
import { countByMessageId, reminderRequests } from './reminder-storm';

/** requests per driver workflow (its history stays far below Temporal's event limit) */
const REQUESTS_PER_DRIVER = 1000;

interface StormFigures {
  sent: number;
  requests: number;
  drivers: number;
  ms: number;
  rate: number;
  rssPeak: number;
  rssAfter: number;
  duplicates: number;
  missing: number;
}

/** One reminder per open case of the bulk start, sent by napflow's worker; its RSS during and after. */
async function stormThroughTheWorker(stack: BenchStack, n: number, tag: string): Promise<StormFigures> {
  const sink = stack.dev.smtp.sink;
  if (!sink) throw new Error('the storm needs the in-process SMTP sink (unset SMTP_URL)');
  const { rows } = await stack.pg.query<{ workflow_id: string; lead_agency: string }>(
    `SELECT workflow_id, lead_agency FROM cases WHERE plan_code = $1 AND status = 'active' ORDER BY code LIMIT $2`,
    [BULK_PLAN, n],
  );
  const run = randomUUID().slice(0, 8);
  const requests = reminderRequests(rows, `storm-${run}`);
  const from = sink.messages().length;
  let peak = stack.worker.rssMb();
  const sampler = setInterval(() => (peak = Math.max(peak, stack.worker.rssMb())), 250);
  const s0 = Date.now();
  const drivers: Promise<number>[] = [];
  try {
    for (let off = 0; off < requests.length; off += REQUESTS_PER_DRIVER) {
      drivers.push(
        stack.temporal.workflow.execute('notifyStormWorkflow', {
          taskQueue: BASELINE_TASK_QUEUE,
          workflowId: `storm-${run}-${off}`,
          args: [requests.slice(off, off + REQUESTS_PER_DRIVER), stack.taskQueue],
        }),
      );
    }
    let done = false;
    const all = Promise.all(drivers).finally(() => (done = true));
    await waitUntil(
      'the storm through the worker to be sent',
      async () => {
        progress(tag, `storm through the worker: ${sink.messages().length - from}/${requests.length} emails`);
        return done;
      },
      Math.max(600_000, n * 200),
      1000,
    );
    await all;
  } finally {
    clearInterval(sampler);
  }
  const ms = Date.now() - s0;
  const rssAfter = await settledRss(() => stack.worker.rssMb());
  const { rows: ids } = await stack.pg.query<{ message_id: string; notification_key: string }>(
    `SELECT message_id, notification_key FROM email_outbox WHERE notification_key = ANY($1::text[])`,
    [requests.map((r) => r.key)],
  );
  const expected = new Set(ids.map((r) => r.message_id));
  // a request without any outbox row (no recipient) counts as missing too
  const keysWithRows = new Set(ids.map((r) => r.notification_key)).size;
  const { unique, duplicates, missing } = countByMessageId(sink, from, expected);
  return {
    sent: unique,
    requests: requests.length,
    drivers: drivers.length,
    ms,
    rate: round(unique / (ms / 1000), 1),
    rssPeak: peak,
    rssAfter,
    duplicates,
    missing: missing + (requests.length - keysWithRows),
  };
}

function requestsNote(s: StormFigures): string {
  return `${s.requests} reminders for the open cases (${s.sent} emails: one per focal point of the lead agency)`;
}

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
  const storm = await stormThroughTheWorker(stack, openCases, tag);
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
      compare(`RSS after a storm of ${storm.requests}`, 'MB', round(storm.rssAfter), round(baseline), {
        ratio: 1.5,
        higherIsBetter: false,
      }),
      compare('RSS peak during the storm', 'MB', round(storm.rssPeak), round(baseline)),
      compare('storm duplicates / missing', 'count', storm.duplicates + storm.missing, 0, {
        higherIsBetter: false,
        absolute: { max: 0 },
      }),
    ],
    figures: {
      napflowRssRightAfterBulkStart: rssAfterStart,
      baselineIdleRss: idleBaseline,
      stormThroughTheWorker: storm,
    },
    notes: [
      'napflow figure: the worker process (Nest, TypeORM, nodemailer, the Temporal worker) after the bulk start and the approval/storm scenarios; its open cases are those of the bulk start.',
      `Storm through the worker: ${requestsNote(storm)}, napflow's notify activity scheduled on its task queue all at once by ${storm.drivers} driver workflow(s) of the baseline worker (as N timers firing together would), run by napflow's worker (outbox, rendering, SMTP to the sink) in ${round(storm.ms / 1000, 1)} s (${storm.rate} msg/s); RSS sampled every 250 ms during it (peak) and settled after it.`,
    ],
    durationMs: Date.now() - t0,
  };
}
