// How workflows send notices: one notifyAll activity per batch, retried while the mail relay is away; a notice the
// activity refuses for good (the request itself is wrong) is logged, never retried. Deterministic: no I/O here.
import { ActivityFailure, log, type ActivityOptions } from '@temporalio/workflow';
import type { CaseActivities } from '@app/activities/contracts';
import type { NotificationRequest } from '@app/domain/case/case.types';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from './definitions';

export const NOTIFY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  // the activity heartbeats while it sends: an attempt on a killed worker is retried after 30 s, not 2 min
  // (scheduling options are not part of replay's determinism check: histories saved without it still replay)
  heartbeatTimeout: '30 seconds',
  // A mail relay can be down for hours: keep trying, at most every 10 minutes. Permanent refusals come back
  // as a result (failed_permanently), not as an error.
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ACTIVITY_ERRORS],
  },
};

/**
 * A batch of notices in one attempt, their copies sharing the SMTP pool: more time than one notice has (an attempt
 * that times out keeps running beside its retry); the heartbeat still finds a killed worker in 30 s.
 */
export const NOTIFY_ALL_OPTIONS: ActivityOptions = { ...NOTIFY_OPTIONS, startToCloseTimeout: '10 minutes' };

/** Sends `batch` through `notifyAll` (a proxy with NOTIFY_ALL_OPTIONS); nothing it refuses is retried. */
export async function sendTogether(
  notifyAll: CaseActivities['notifyAll'],
  batch: NotificationRequest[],
): Promise<void> {
  try {
    for (const outcome of await notifyAll(batch)) {
      // only a request that is itself wrong is refused: resending cannot help
      if (outcome.status === 'refused')
        log.error('notification dropped', { key: outcome.key, error: outcome.reason });
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.error('notifications dropped', { keys: batch.map((r) => r.key), error: error.cause?.message });
  }
}
