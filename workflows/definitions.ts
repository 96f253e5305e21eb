// The case workflow's messages: updates (people acting, validated), the comment signal and the state query,
// with their argument types. Shared by the workflow and the API's Temporal client; pure, no I/O.
import { defineQuery, defineSignal, defineUpdate, type LocalActivityOptions } from '@temporalio/workflow';
import type { CalendarData } from '@app/activities/contracts';
import type { CaseSnapshot, NotificationRequest, StartCaseInput } from '@app/domain/case/case.types';
import type { CaseCommand, CaseState } from '@app/domain/engine/engine.types';

/** The workflow id of a case: its business key, so creating the same case twice starts nothing new. */
export function caseWorkflowId(planCode: string, caseCode: string): string {
  return `case:${planCode}:${caseCode}`;
}

/** What a case carries into its next run when it continues as new. */
export interface ContinuedCaseState {
  state: CaseState;
  calendar: CalendarData;
  /** notifications requested but not yet sent (their keys make a resend harmless) */
  outbox: NotificationRequest[];
  /** update ids already applied, newest last: the server deduplicates update ids per run only */
  processedUpdateIds: string[];
  continueAsNewAfterEvents?: number;
  /** how many runs came before this one */
  run: number;
}

export type CaseWorkflowInput = StartCaseInput | { continued: ContinuedCaseState };

type CommandArgs<T extends CaseCommand['type']> = Omit<Extract<CaseCommand, { type: T }>, 'type'>;

export type CompleteStepArgs = CommandArgs<'complete'>;
export type DecideArgs = CommandArgs<'decide'>;
export type RecordMilestoneArgs = CommandArgs<'milestone'>;
export type ExtendDueDateArgs = CommandArgs<'extend_due_date'>;
export type ReassignStepArgs = CommandArgs<'reassign'>;
export type WithdrawCaseArgs = CommandArgs<'withdraw'>;
export type AddCommentArgs = CommandArgs<'comment'>;

// Every update returns the case as it stands after its effects were recorded.
export const completeStepUpdate = defineUpdate<CaseSnapshot, [CompleteStepArgs]>('completeStep');
export const decideUpdate = defineUpdate<CaseSnapshot, [DecideArgs]>('decide');
export const recordMilestoneUpdate = defineUpdate<CaseSnapshot, [RecordMilestoneArgs]>('recordMilestone');
export const extendDueDateUpdate = defineUpdate<CaseSnapshot, [ExtendDueDateArgs]>('extendDueDate');
export const reassignStepUpdate = defineUpdate<CaseSnapshot, [ReassignStepArgs]>('reassignStep');
export const withdrawCaseUpdate = defineUpdate<CaseSnapshot, [WithdrawCaseArgs]>('withdrawCase');

export const addCommentSignal = defineSignal<[AddCommentArgs]>('addComment');

export const getStateQuery = defineQuery<CaseSnapshot>('getState');

/**
 * Activity failure types the workflow does not retry: the request itself is wrong (the activities throw
 * `ApplicationFailure.nonRetryable(message, type)` with these; listed so a plain failure of that type stops too).
 */
export const NON_RETRYABLE_ACTIVITY_ERRORS = [
  'NapflowInvalidInput',
  'UnknownState',
  'InvalidCalendar',
] as const;

/** Nothing moves without the database (a case's calendar and record, an import's handover): retry until it is back. */
export const UNTIL_THE_DATABASE_IS_BACK: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ACTIVITY_ERRORS],
  },
};
