// An import's notices: each case the import starts hands over its first steps (newStepsSignal) instead of emailing
// each agency once per measure; when every case has (importFinishedSignal says how many there are), or when none has
// for five minutes (the input's quietMs), each agency gets one email listing its new steps. A case that finds this workflow finished
// sends its own notices, so no step goes unannounced. Deterministic: workflow time only.
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { NotificationRequest } from '@app/domain/case/case.types';
import type { CaseActivities } from '@app/activities/contracts';
import {
  importFinishedSignal,
  newStepsSignal,
  type ImportNoticesInput,
  type ImportNoticesResult,
  type ImportNoticesState,
  type NewStepItem,
} from './import-notices.definitions';
import { NOTIFY_ALL_OPTIONS, sendTogether } from './send-notices';

/** Without word from the API, the list goes out this long after the last case was heard from. */
export const IMPORT_QUIET_MS = 5 * 60_000;
/** An email lists at most this many steps and says how many there are (as the weekly digest does). */
export const MAX_LISTED_STEPS = 50;

const { notifyAll } = proxyActivities<CaseActivities>(NOTIFY_ALL_OPTIONS);

/** By code point, not by locale: the order does not depend on the ICU data of the Node that runs it. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byDueDate(a: NewStepItem, b: NewStepItem): number {
  return (
    compare(a.dueOn ?? '9999-12-31', b.dueOn ?? '9999-12-31') ||
    compare(a.caseCode, b.caseCode) ||
    compare(a.stepKey, b.stepKey)
  );
}

export async function importNoticesWorkflow(input: ImportNoticesInput): Promise<ImportNoticesResult> {
  const s: ImportNoticesState = {
    byAgency: {},
    received: 0,
    lastHeardAt: Date.now(),
    round: 0,
    emails: 0,
  };

  setHandler(newStepsSignal, (announced) => {
    s.received += 1;
    s.lastHeardAt = Date.now();
    for (const { agencies, ...item } of announced.steps) {
      for (const agency of new Set(agencies)) {
        const list = (s.byAgency[agency] ??= { items: [], total: 0 });
        list.total += 1;
        list.items.push({ ...item, workflowId: announced.workflowId });
        list.items.sort(byDueDate);
        if (list.items.length > MAX_LISTED_STEPS) list.items.length = MAX_LISTED_STEPS;
      }
    }
  });
  setHandler(importFinishedSignal, ({ started }) => {
    s.started = started;
  });

  const everyCaseHeard = () => s.started !== undefined && s.received >= s.started;
  const quietMs =
    typeof input.quietMs === 'number' && Number.isFinite(input.quietMs) && input.quietMs > 0
      ? input.quietMs
      : IMPORT_QUIET_MS;

  for (;;) {
    // until every case has handed its steps over, or none has for a while
    for (;;) {
      if (everyCaseHeard()) break;
      const quietLeft = s.lastHeardAt + quietMs - Date.now();
      if (quietLeft <= 0) break;
      await condition(everyCaseHeard, quietLeft);
    }
    const agencies = Object.keys(s.byAgency).sort();
    if (agencies.length === 0) break;
    s.round += 1;
    const batch: NotificationRequest[] = agencies.map((agency) => ({
      key: `${workflowInfo().workflowId}:-:steps_assigned:${s.round}:${agency}`,
      kind: 'steps_assigned',
      workflowId: workflowInfo().workflowId,
      toAgencies: [agency],
      toCoordinators: false,
      data: { planCode: input.planCode, stateCode: input.stateCode, newSteps: s.byAgency[agency] },
    }));
    // what is heard from while this round is sent goes out in the next one
    s.byAgency = {};
    await sendTogether(notifyAll, batch);
    s.emails += batch.length;
  }
  return { cases: s.received, emails: s.emails, rounds: s.round };
}
