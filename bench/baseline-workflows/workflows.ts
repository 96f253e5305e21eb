// Baseline workflows with no napflow code: what the benchmarks compare napflow against. Bundled on their own.
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

export const approveUpdate = defineUpdate<{ approvals: number }, [{ by: string; decision: string }]>(
  'approve',
);
export const finishSignal = defineSignal('finish');
export const readyQuery = defineQuery<boolean>('ready');

/** Bulk-start baseline: starts and completes at once. */
export async function noopWorkflow(): Promise<void> {
  return;
}

/** Approval baseline: one Update that records a decision and returns the new state; ends on a signal. */
export async function minimalUpdateWorkflow(): Promise<void> {
  let approvals = 0;
  let done = false;
  setHandler(approveUpdate, ({ decision }) => {
    if (decision) approvals += 1;
    return { approvals };
  });
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
}

/** Memory baseline: waits (a pending timer, like a case waiting for its due date) until signalled. */
export async function trivialWaitingWorkflow(): Promise<void> {
  let done = false;
  setHandler(readyQuery, () => true);
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done, '365 days');
}

/**
 * Reminder storm through napflow's worker (worker-memory scenario): schedules napflow's `notify` activity, by name,
 * on napflow's task queue, once per request and all at once, as N case timers firing together would. No napflow
 * code here: the requests are plain data and the activity runs in napflow's worker.
 */
export async function notifyStormWorkflow(requests: unknown[], taskQueue: string): Promise<number> {
  const { notify } = proxyActivities<{ notify(request: unknown): Promise<unknown> }>({
    taskQueue,
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
  });
  await Promise.all(requests.map((r) => notify(r)));
  return requests.length;
}
