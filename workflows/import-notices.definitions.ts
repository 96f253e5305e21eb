// The messages of an import's notices workflow (import-notices.workflow.ts), shared by the case workflow that sends
// them, the workflow that takes them and the API's Temporal client. Pure, no I/O.
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
  /** cases heard from */
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
  /** cases heard from */
  cases: number;
  /** notices sent: one per agency and round */
  emails: number;
  rounds: number;
}
