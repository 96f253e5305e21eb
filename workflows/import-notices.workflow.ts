// An import's notices: each case the import starts hands over its first steps instead of emailing each agency once
// per measure: recorded in the database with its start, into this workflow's handover (cases of runs that began
// before that, and cases that find the handover not yet open or closed, signal them: newStepsSignal). When every
// case has (importFinishedSignal says how many there are), or when none has for five minutes (the input's quietMs),
// the handover is closed and each agency gets one email listing its new steps. A case that finds this workflow
// finished sends its own notices, so no step goes unannounced. Deterministic: workflow time only.
import {
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationRequest } from '@app/domain/case/case.types';
import type { CaseActivities } from '@app/activities/contracts';
import { UNTIL_THE_DATABASE_IS_BACK } from './definitions';
import {
  addToLists,
  importFinishedSignal,
  mergeLists,
  newStepsSignal,
  type ImportNoticesInput,
  type ImportNoticesResult,
  type ImportNoticesState,
} from './import-notices.definitions';
import { NOTIFY_ALL_OPTIONS, sendTogether } from './send-notices';

export { MAX_LISTED_STEPS } from './import-notices.definitions';

/** Without word from the API, the list goes out this long after the last case was heard from. */
export const IMPORT_QUIET_MS = 5 * 60_000;
/**
 * How often the handover is counted: once the API has said how many cases it started, after a second, then twice
 * as long each time nothing new was recorded, up to HANDOVER_COUNT_MAX_MS (also the interval before it has said).
 */
export const HANDOVER_COUNT_FIRST_MS = 1_000;
export const HANDOVER_COUNT_MAX_MS = 30_000;
/**
 * Guards the handover through the database in runs that began under it (runs that began earlier take signals only,
 * as their histories did).
 */
const IMPORT_HANDOVER = 'napflow-import-handover';

const { notifyAll } = proxyActivities<CaseActivities>(NOTIFY_ALL_OPTIONS);
const { openImportHandover, countImportHandover, closeImportHandover } =
  proxyLocalActivities<CaseActivities>(UNTIL_THE_DATABASE_IS_BACK);

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
    addToLists(s.byAgency, announced);
  });
  setHandler(importFinishedSignal, ({ started }) => {
    s.started = started;
  });

  const quietMs =
    typeof input.quietMs === 'number' && Number.isFinite(input.quietMs) && input.quietMs > 0
      ? input.quietMs
      : IMPORT_QUIET_MS;
  const importWorkflowId = workflowInfo().workflowId;
  // cases recorded in the handover, as last counted; closed once, when the first list goes out
  let recorded = 0;
  let handoverOpen = patched(IMPORT_HANDOVER);
  if (handoverOpen) await openImportHandover({ importWorkflowId });
  const everyCaseHeard = () => s.started !== undefined && s.received + recorded >= s.started;

  /** Counts the handover after `waitMs` (or as soon as every case is heard or the API says how many it started). */
  async function countAfter(waitMs: number): Promise<boolean> {
    const told = s.started !== undefined;
    await condition(() => everyCaseHeard() || (s.started !== undefined) !== told, waitMs);
    const count = await countImportHandover({ importWorkflowId });
    if (count.cases <= recorded) return false;
    recorded = count.cases;
    // the quiet period runs from the last case recorded (the database's clock), not from when it was counted
    s.lastHeardAt = Math.max(s.lastHeardAt, Math.min(count.lastRecordedAt ?? Date.now(), Date.now()));
    return true;
  }

  let countEvery = HANDOVER_COUNT_FIRST_MS;
  for (;;) {
    // until every case has handed its steps over, or none has for a while
    for (;;) {
      if (everyCaseHeard()) break;
      const quietLeft = s.lastHeardAt + quietMs - Date.now();
      if (quietLeft <= 0) break;
      if (!handoverOpen) {
        await condition(everyCaseHeard, quietLeft);
        continue;
      }
      const interval = s.started === undefined ? HANDOVER_COUNT_MAX_MS : countEvery;
      const more = await countAfter(Math.min(quietLeft, interval));
      countEvery = more ? HANDOVER_COUNT_FIRST_MS : Math.min(countEvery * 2, HANDOVER_COUNT_MAX_MS);
    }
    if (handoverOpen) {
      // closed before the list is made: a case recording after this signals, and goes into the next round
      const closed = await closeImportHandover({ importWorkflowId });
      handoverOpen = false;
      recorded = closed.cases;
      mergeLists(s.byAgency, closed.byAgency);
    }
    const agencies = Object.keys(s.byAgency).sort();
    if (agencies.length === 0) break;
    s.round += 1;
    const batch: NotificationRequest[] = agencies.map((agency) => ({
      key: `${importWorkflowId}:-:steps_assigned:${s.round}:${agency}`,
      kind: 'steps_assigned',
      workflowId: importWorkflowId,
      toAgencies: [agency],
      toCoordinators: false,
      data: { planCode: input.planCode, stateCode: input.stateCode, newSteps: s.byAgency[agency] },
    }));
    // what is heard from while this round is sent goes out in the next one
    s.byAgency = {};
    await sendTogether(notifyAll, batch);
    s.emails += batch.length;
  }
  return { cases: s.received + recorded, emails: s.emails, rounds: s.round };
}
