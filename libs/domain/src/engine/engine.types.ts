// The case engine's contract with the workflow shell: commands in, new state + audit events + notification
// requests out. Pure data; CaseState is plain JSON so it can be carried through continue-as-new.
import type {
  Actor,
  AttachmentRef,
  CaseComment,
  CaseStatus,
  Decision,
  NotificationKind,
  NotificationRequest,
  CaseEvent,
  StepAction,
  StepStatus,
} from '../case/case.types';
import type { BusinessCalendar } from '../calendar/business-calendar';
import type { ProcessDefinition } from '../process/process-definition.schema';

/** The state's business calendar (same shape as the calendar module's BusinessCalendar and CalendarData). */
export type EngineCalendar = BusinessCalendar;

export interface EngineContext {
  /** epoch ms, from the workflow clock */
  now: number;
  calendar: EngineCalendar;
  workflowId: string;
  /**
   * When several notices of one step are due at once (a worker away for days, a step that starts long overdue),
   * send only the latest, not every one missed; escalations are always recorded. Default true. The workflow sets
   * it from patched() so that histories of cases started before this rule replay unchanged.
   */
  coalesceMissedNotices?: boolean;
}

export type CaseCommand =
  | { type: 'complete'; stepKey: string; actor: Actor; note?: string; attachments?: AttachmentRef[] }
  | { type: 'decide'; stepKey: string; actor: Actor; decision: Decision; comment?: string }
  | { type: 'milestone'; stepKey: string; actor: Actor; on: string; note?: string }
  | { type: 'extend_due_date'; stepKey: string; actor: Actor; dueOn: string; reason: string }
  /** fromAgency: which assignee to replace, needed only when the step has several open assignees */
  | { type: 'reassign'; stepKey: string; actor: Actor; agency: string; reason: string; fromAgency?: string }
  | { type: 'withdraw'; actor: Actor; reason: string }
  | { type: 'comment'; actor: Actor; text: string; stepKey?: string };

export type RefusalCode =
  | 'wrong_agency'
  | 'step_not_active'
  | 'already_decided'
  | 'out_of_turn'
  | 'date_in_past'
  | 'not_allowed_for_role'
  | 'case_closed'
  | 'unknown_step'
  | 'invalid';

/** A business refusal: the command is not allowed now; the state is unchanged. */
export class CommandRefused extends Error {
  constructor(
    public readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefused';
  }
}

export interface EngineResult {
  state: CaseState;
  events: CaseEvent[];
  notifications: NotificationRequest[];
}

/** Runtime of one step of the case (one entry per definition step, in definition order). */
export interface StepState {
  key: string;
  status: StepStatus;
  /** activations so far (rework loops); part of notification keys */
  occurrence: number;
  /** who must act: agency codes, or the literal 'coordinator' when no coordinator agency is named */
  slots: string[];
  /** slots that the national coordinator (or an admin) fills whatever their agency */
  coordinatorSlots: string[];
  dueOn: string | null;
  /** epoch ms: end of the local business day of dueOn (for a wait: when it ends) */
  dueAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  /** epoch ms from which notices are scheduled: activation or the last due-date change */
  armedAt: number | null;
  /** instant of the last notice fired in this arming (null: none yet) */
  noticeCursor: number | null;
  followUpsSent: number;
  /** this occurrence's decisions (approval) by slot */
  decisions: Record<string, Decision | 'tacit_consent'>;
  /** this occurrence's task completions by slot */
  completedSlots: string[];
  /** this occurrence's slots withdrawn (quorum settled without them) */
  withdrawnSlots: string[];
  /** join: predecessors that have led here */
  arrivals: string[];
  /** per notification kind, how many were sent in this occurrence (the `n` of notification keys) */
  sent: Partial<Record<NotificationKind, number>>;
  actions: StepAction[];
}

export interface CaseState {
  schema: 1;
  workflowId: string;
  planCode: string;
  caseCode: string;
  kind: string;
  title: string;
  stateCode: string;
  timeZone: string;
  leadAgency: string;
  supportingAgencies: string[];
  participants: Record<string, string[]>;
  dueOn: string | null;
  definition: ProcessDefinition;
  calendar: EngineCalendar;
  status: CaseStatus;
  startedAt: number;
  closedAt: number | null;
  seq: number;
  /** case-level notifications sent, per kind */
  sent: Partial<Record<NotificationKind, number>>;
  steps: StepState[];
  comments: CaseComment[];
}
