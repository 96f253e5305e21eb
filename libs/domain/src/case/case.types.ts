// The shapes every part of napflow agrees on: what a case workflow holds and reports (query, read model,
// API), the commands people send it and the events it records. Pure types, no runtime code.

export type Role = 'admin' | 'coordinator' | 'focal_point' | 'observer';
export type Channel = 'dashboard' | 'api' | 'email' | 'system';
export type Language = 'ru' | 'en';

/** Who acts. The API fills it from the authenticated person; the workflow validators re-check it. */
export interface Actor {
  personId: string;
  name: string;
  agency: string; // agency code, e.g. "KG-MOE"
  role: Role;
  channel: Channel;
  /** Set when a deputy acts for an absent focal point: the person id of the one they stand in for. */
  onBehalfOf?: string;
  /** The client address the request came from, for the audit trail (not set for timers). */
  ip?: string;
}

export type StepKind = 'task' | 'approval' | 'milestone' | 'wait';
export type StepStatus = 'pending' | 'active' | 'done' | 'skipped' | 'withdrawn';
export type CaseStatus = 'active' | 'completed' | 'rejected' | 'withdrawn';
export type Decision = 'approve' | 'approve_with_comments' | 'request_changes' | 'reject';

export type StepActionKind =
  | 'started'
  | 'complete'
  | Decision
  | 'tacit_consent'
  | 'milestone'
  | 'due_date_changed'
  | 'reassigned'
  | 'withdrawn'
  | 'escalated';

export interface StepAction {
  action: StepActionKind;
  /** person id, or "system" for timers (tacit consent, escalation) */
  by: string;
  byName?: string;
  agency: string | null;
  at: string; // ISO instant
  channel: Channel;
  onBehalfOf?: string;
  note?: string;
  /** milestone date / new due date, local ISO date */
  date?: string;
  attachments?: AttachmentRef[];
}

export interface AttachmentRef {
  id: string;
  name: string;
  sha256?: string;
}

/** Every kind of email napflow sends, in the order the templates list them. */
export const NOTIFICATION_KINDS = [
  'step_assigned',
  'reminder',
  'due_today',
  'overdue',
  'escalation',
  'decision_requested',
  'decision_made',
  'returned_for_rework',
  'case_closed',
  'weekly_digest',
  /** an import's new steps for one agency, in one email instead of one step_assigned each */
  'steps_assigned',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface ScheduledNotice {
  kind: NotificationKind;
  at: string; // ISO instant
  /** escalation level (1, 2) or reminder offset in business days */
  level?: number;
}

export interface StepSnapshot {
  key: string;
  title: string;
  kind: StepKind;
  status: StepStatus;
  /** agency codes that must act (approval: those still expected to decide) */
  assignees: string[];
  /** local date in the case's state time zone (YYYY-MM-DD) */
  dueOn: string | null;
  /** the instant the step becomes overdue: end of the local business day of dueOn */
  dueAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** how many times this step was activated (rework loops); part of notification keys */
  occurrence: number;
  actions: StepAction[];
  approval?: {
    mode: 'all' | 'any' | 'n_of_m';
    required: number;
    tacitConsent: boolean;
    decisions: Record<string, Decision | 'tacit_consent'>;
  };
  nextNotices: ScheduledNotice[];
}

export interface CaseComment {
  seq: number;
  by: string;
  byName?: string;
  agency: string | null;
  at: string;
  text: string;
  stepKey?: string;
  channel: Channel;
}

export interface CaseSnapshot {
  workflowId: string;
  planCode: string;
  caseCode: string;
  kind: string; // process definition key: measure, draft_law, ...
  definitionKey: string;
  definitionVersion: number;
  title: string;
  stateCode: string;
  timeZone: string;
  leadAgency: string;
  supportingAgencies: string[];
  status: CaseStatus;
  dueOn: string | null;
  startedAt: string;
  closedAt: string | null;
  /** monotonically increasing event sequence; the read model ignores snapshots older than it has */
  seq: number;
  /** 0..1, share of required steps done */
  progress: number;
  steps: StepSnapshot[];
  comments: CaseComment[];
}

/** One entry of the audit trail, produced by the workflow; idempotent by (workflowId, seq). */
export interface CaseEvent {
  seq: number;
  at: string;
  type:
    | 'case_started'
    | 'step_started'
    | 'step_completed'
    | 'decision'
    | 'tacit_consent'
    | 'milestone_recorded'
    | 'due_date_changed'
    | 'step_reassigned'
    | 'step_withdrawn'
    | 'returned_for_rework'
    | 'escalated'
    | 'comment'
    | 'case_closed'
    | 'case_withdrawn';
  stepKey?: string;
  actor?: Actor;
  data: Record<string, unknown>;
}

/** A notification the workflow asks to send. `key` makes it idempotent across retries, replays and continue-as-new. */
export interface NotificationRequest {
  /** `${workflowId}:${stepKey|'-'}:${kind}:${occurrence}:${n}` */
  key: string;
  kind: NotificationKind;
  workflowId: string;
  stepKey?: string;
  /** recipients are resolved at send time from these */
  toAgencies: string[];
  toCoordinators: boolean;
  /** facts the template needs: case title, step title, due date, decision, comment, ... */
  data: Record<string, unknown>;
}

/** The input that starts a case workflow. The full definition travels with it: a running case keeps its version. */
export interface StartCaseInput {
  planCode: string;
  caseCode: string;
  kind: string;
  title: string;
  stateCode: string;
  timeZone: string;
  leadAgency: string;
  supportingAgencies: string[];
  /** named participants the definition's assignees refer to, e.g. { justice: ['KG-MOJ'], government: ['KG-GOV'] } */
  participants: Record<string, string[]>;
  dueOn: string | null;
  /** the versioned process definition, validated by the API before start (type from libs/domain process module) */
  definition: unknown;
  startedBy: Actor;
  /** for tests: continue as new after this many history events instead of when the server suggests it */
  continueAsNewAfterEvents?: number;
  /**
   * Set by an import: the workflow id of the import's notices (workflows/import-notices.workflow.ts). The start's
   * step_assigned notices to agencies are handed to it, to go out as one email per agency; if it cannot take them
   * (it has finished), the case sends them itself.
   */
  announceNewStepsTo?: string;
}
