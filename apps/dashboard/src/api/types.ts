// What the dashboard reads from the API. Mirrors libs/domain/src/case/case.types.ts (CaseSnapshot) and the
// issue-4 contract; fields the API may or may not send are optional, and the adapters tolerate both.

export type Role = 'admin' | 'coordinator' | 'focal_point' | 'observer';
export type Language = 'ru' | 'en';
export type StepKind = 'task' | 'approval' | 'milestone' | 'wait';
export type StepStatus = 'pending' | 'active' | 'done' | 'skipped' | 'withdrawn';
export type CaseStatus = 'active' | 'completed' | 'rejected' | 'withdrawn';
export type Decision = 'approve' | 'approve_with_comments' | 'request_changes' | 'reject';
/** The five buckets a coordinator reports on. */
export type Health = 'done' | 'on_track' | 'due_soon' | 'overdue' | 'blocked';
export const HEALTHS: Health[] = ['done', 'on_track', 'due_soon', 'overdue', 'blocked'];

export interface Me {
  id?: string;
  personId?: string;
  email: string;
  name: string;
  role: Role;
  agency?: string | null;
  agencyCode?: string | null;
  agencyName?: string | null;
  stateCode?: string | null;
  language?: Language;
}

export interface Plan {
  code: string;
  title: string;
  stateCode: string;
  adoptedOn?: string | null;
  version?: number;
  progress?: PlanProgress;
}

export type HealthCounts = Partial<Record<Health, number>> & { total?: number };

export interface PlanProgress {
  total?: number;
  byStatus?: HealthCounts;
  byHealth?: HealthCounts;
  byAgency?: Array<{ agency: string; name?: string } & HealthCounts> | Record<string, HealthCounts>;
  /** GET /plans/{code} sends `paragraph` and `weaponType` (both null: no area) */
  byArea?:
    | Array<{ area?: string; paragraph?: string | null; weaponType?: string | null } & HealthCounts>
    | Record<string, HealthCounts>;
  /** open steps past due, by the agency that must act (most first) */
  holdingUp?: Array<{ agency: string; steps: number }>;
  [extra: string]: unknown;
}

/** A step's name in the languages of its case's process definition (English always). */
export type StepTitles = { en: string } & Partial<Record<Language, string>>;

/** The body of POST /plans/{code}/cases. */
export interface NewCase {
  kind: string;
  code: string;
  title: string;
  leadAgency: string;
  supportingAgencies?: string[];
  dueOn: string;
  area?: { paragraph?: string; weaponType?: string };
  participants?: Record<string, string[]>;
}

/** The answer of POST /plans/{code}/cases. */
export interface CaseCreated {
  id: string;
  workflowId: string;
  status: string;
  warnings: StartWarning[];
}

/** What a case's start would do that a coordinator should know (create answer, import report rows). */
export interface StartWarning {
  code: 'deadline_passed' | 'step_overdue' | 'no_focal_point' | string;
  /** the API's English words, shown for a code this dashboard does not know */
  message: string;
  /** deadline_passed, step_overdue */
  dueOn?: string;
  step?: string;
  stepTitles?: StepTitles;
  /** step_overdue: who must act (empty: the national coordinator); no_focal_point: the agencies without one */
  assignees?: string[];
  notice?: { kind: string; at: string } | null;
}

export interface StepAction {
  action: string;
  by: string;
  byName?: string;
  agency: string | null;
  at: string;
  channel?: string;
  onBehalfOf?: string;
  note?: string;
  date?: string;
  attachments?: Array<{ id: string; name: string; sha256?: string }>;
}

export interface Step {
  key: string;
  /** the stored (English) title */
  title: string;
  /** the name in each language of the case's definition; absent when the API does not know it */
  titles?: StepTitles;
  kind: StepKind;
  status: StepStatus;
  assignees: string[];
  dueOn: string | null;
  dueAt?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  actions: StepAction[];
  approval?: { mode: string; required: number; tacitConsent: boolean; decisions: Record<string, string> };
}

export interface CaseComment {
  seq: number;
  by: string;
  byName?: string;
  agency: string | null;
  at: string;
  text: string;
  stepKey?: string;
}

/** A row of GET /cases/{id}/emails (one recipient's copy of one notification). */
export interface EmailSent {
  id?: string;
  to?: string | string[];
  recipient?: string | null;
  subject?: string;
  kind?: string;
  stepKey?: string | null;
  language?: Language;
  status?: 'sent' | 'pending' | 'failed' | string;
  messageId?: string;
  /** failed emails: the SMTP server's refusal */
  error?: string;
  sentAt?: string | null;
  createdAt?: string;
  publishedAt?: string | null;
  source?: string;
}

/** A row of GET /cases. */
export interface CaseSummary {
  id: string;
  code?: string;
  caseCode?: string;
  planCode?: string;
  kind: string;
  title: string;
  status: CaseStatus;
  dueOn: string | null;
  leadAgency?: string;
  supportingAgencies?: string[];
  area?: string | null;
  progress?: number;
  health?: Health;
  overdue?: boolean;
  startedAt?: string;
  closedAt?: string | null;
  currentStep?: {
    key: string;
    title: string;
    titles?: StepTitles;
    assignees?: string[];
    dueOn?: string | null;
  } | null;
  steps?: Step[];
  stateCode?: string;
}

export interface CaseDetail extends CaseSummary {
  workflowId?: string;
  steps: Step[];
  comments: CaseComment[];
  emails?: EmailSent[];
  attachments?: Array<{ id: string; name: string; size?: number; sha256?: string; url?: string }>;
  allowedActions?: Array<{ stepKey: string; actions: string[] }> | Record<string, string[]>;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface HistoryEvent {
  seq: number;
  at: string;
  type: string;
  stepKey?: string;
  actor?: { name?: string; agency?: string; channel?: string } | null;
  actorName?: string;
  by?: string;
  byName?: string;
  onBehalfOf?: string;
  agency?: string | null;
  channel?: string;
  data?: Record<string, unknown>;
}

export interface InboxItem {
  caseId: string;
  caseCode?: string;
  caseTitle?: string;
  planCode?: string;
  stepKey: string;
  stepTitle?: string;
  stepTitles?: StepTitles;
  kind: StepKind;
  dueOn: string | null;
  assignees?: string[];
  overdue?: boolean;
}

export interface Agency {
  code: string;
  name: string;
  /** the name in the Russian dashboard and emails; null when the English name serves both */
  nameRu?: string | null;
  stateCode?: string | null;
  kind?: string;
  email?: string;
  /** GET /agencies: active focal points, the people its steps are emailed to */
  focalPoints?: number;
}

export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  agencyCode?: string;
  agency?: string;
  language?: Language;
  deputy?: {
    id?: string;
    deputyId?: string;
    name?: string;
    email?: string;
    from?: string;
    until?: string;
  } | null;
  deputyId?: string | null;
  deputyName?: string | null;
  deputyFrom?: string | null;
  deputyUntil?: string | null;
  active?: boolean;
}

export interface StateInfo {
  code: string;
  name: string;
  timeZone: string;
  holidayCalendar?: string | null;
  nonWorkingDays?: Array<string | { date: string; name?: string }>;
  workingDays?: Array<string | { date: string; name?: string }>;
}

export interface DefinitionStep {
  key: string;
  title?: string | { en?: string; ru?: string };
  kind: StepKind;
  assignees?: unknown;
  duration?: unknown;
  dueInBusinessDays?: number;
  [extra: string]: unknown;
}

export interface DefinitionVersion {
  key: string;
  version: number;
  title?: string | { en?: string; ru?: string };
  steps?: DefinitionStep[];
  definition?: { steps?: DefinitionStep[]; title?: string | { en?: string; ru?: string } };
  createdAt?: string;
  publishedAt?: string | null;
  source?: string;
}

export interface Calendar {
  stateCode: string;
  timeZone: string;
  year: number;
  weekendDays: number[];
  holidays: Array<{ date: string; name: string; substitute?: boolean }>;
  nonWorkingDays: Array<{ date: string; reason?: string }>;
  warning?: string;
}

/** An evidence file of a case (POST/GET /cases/{id}/attachments). */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
  uploadedBy?: string | null;
  at?: string;
}

/** A permanently refused email (GET /email-outbox/failed): the SMTP server answered 5xx, nothing retries it. */
export interface FailedEmail {
  notificationKey: string;
  kind: string;
  workflowId: string;
  /** null for emails about no case (digests) */
  caseId: string | null;
  caseCode: string | null;
  caseTitle: string | null;
  stepKey: string | null;
  recipient: string;
  subject: string;
  error: string;
  attempts: number;
  failedAt: string;
}

/** A calendar feed (GET /calendar-feeds); its secret URL is only in the answer that created it. */
export interface CalendarFeed {
  id: string;
  scope: 'agency' | 'person';
  agencyCode: string | null;
  personId: string | null;
  label: string;
  createdAt: string;
  revokedAt: string | null;
  canRevoke: boolean;
}

export interface CreatedCalendarFeed extends CalendarFeed {
  url: string;
}
