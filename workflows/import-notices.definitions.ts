// The messages of an import's notices workflow (import-notices.workflow.ts), shared by the case workflow that sends
// them, the workflow that takes them, the API's Temporal client and the handover activity (its lists). Pure, no I/O.
import { defineSignal } from '@temporalio/workflow';

/** One import of measures: its notices workflow's id. `importId` is new for every import request. */
export function importNoticesWorkflowId(planCode: string, importId: string): string {
  return `import-notices:${planCode}:${importId}`;
}

/** A new step of an imported case, as the agency's email lists it. */
export interface NewStepItem {
  caseCode: string;
  caseTitle: string;
  stepKey: string;
  /** the definition's title: a plain string, or one per language ({ en, ru }) */
  stepTitle: unknown;
  /** local date YYYY-MM-DD */
  dueOn: string | null;
  /** the case's workflow id (its email links to the case): set by the notices workflow from the signal */
  workflowId?: string;
}

/** What one case started by the import hands over: its start's new steps, each with the agencies it waits on. */
export interface NewStepsOfCase {
  /** the case workflow's id */
  workflowId: string;
  steps: Array<NewStepItem & { agencies: string[] }>;
}

/** An email lists at most this many steps and says how many there are (as the weekly digest does). */
export const MAX_LISTED_STEPS = 50;

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

/**
 * Adds one case's new steps to the agencies' lists (each agency once per step, the first MAX_LISTED_STEPS by due
 * date kept, all counted). Used by the notices workflow for a signalled case and by its handover activity for the
 * cases recorded in the database, so both lists come out the same.
 */
export function addToLists(lists: Record<string, AgencyNewSteps>, handed: NewStepsOfCase): void {
  for (const { agencies, ...item } of handed.steps) {
    for (const agency of new Set(agencies)) {
      const list = (lists[agency] ??= { items: [], total: 0 });
      list.total += 1;
      list.items.push({ ...item, workflowId: handed.workflowId });
      list.items.sort(byDueDate);
      if (list.items.length > MAX_LISTED_STEPS) list.items.length = MAX_LISTED_STEPS;
    }
  }
}

/** Merges lists built apart (the cases recorded in the database into the signalled ones). */
export function mergeLists(into: Record<string, AgencyNewSteps>, from: Record<string, AgencyNewSteps>): void {
  for (const [agency, more] of Object.entries(from)) {
    const list = (into[agency] ??= { items: [], total: 0 });
    list.total += more.total;
    list.items.push(...more.items);
    list.items.sort(byDueDate);
    if (list.items.length > MAX_LISTED_STEPS) list.items.length = MAX_LISTED_STEPS;
  }
}

/** What the cases recorded in an import's handover add up to when it closes (closeImportHandover). */
export interface ClosedHandover {
  /** cases recorded */
  cases: number;
  byAgency: Record<string, AgencyNewSteps>;
}

/** Sent by each case the import started, once its start is recorded. */
export const newStepsSignal = defineSignal<[NewStepsOfCase]>('newSteps');

/** Sent by the API when the import has stopped starting cases: how many it started with this workflow's id. */
export const importFinishedSignal = defineSignal<[{ started: number }]>('importFinished');

/**
 * No continue-as-new: an import starts at most MAX_IMPORT_ROWS (2,000) cases, so a run holds at most 2,000 signals
 * and, at worst, a workflow task for each: about 8,000 events and a megabyte, well under the server's hard limits
 * (51,200 events, 50 MB); the largest import's run held 2,038 events in its test. A continue-as-new is refused while
 * signals keep coming in during its task (tried: in the test server the run never continued, and each refusal
 * replays the run).
 */
export interface ImportNoticesInput {
  planCode: string;
  stateCode: string;
  /**
   * How long after the last case was heard from the lists go out without word from the API (ms). The API leaves it
   * out: IMPORT_QUIET_MS (5 min). A fault drill shortens it to see this timer fire across a Temporal restart.
   * Histories started without it behave as before, so no patch guards it.
   */
  quietMs?: number;
}

/** An agency's steps not emailed yet: the first by due date (at most the email's length), and how many there are. */
export interface AgencyNewSteps {
  items: NewStepItem[];
  total: number;
}

export interface ImportNoticesState {
  byAgency: Record<string, AgencyNewSteps>;
  /** cases heard from by signal (those recorded in the handover are counted apart) */
  received: number;
  /** set by importFinished */
  started?: number;
  /** workflow time (ms) of the last case heard from, or of the workflow's start */
  lastHeardAt: number;
  /** sending rounds so far (one, unless cases were heard from while it sent) */
  round: number;
  emails: number;
}

export interface ImportNoticesResult {
  /** cases heard from: signalled or recorded in the handover */
  cases: number;
  /** notices sent: one per agency and round */
  emails: number;
  rounds: number;
}
