import type { Decision, Language, NotificationKind } from '@app/domain/case/case.types';
import type { StepTitles } from '@app/domain/process/step-titles';

/** One email as the transport sends it: rendered once, stored in the outbox, sent (and possibly resent) as is. */
export interface OutgoingEmail {
  to: string;
  from?: string;
  subject: string;
  html: string;
  text: string;
  /** `<…@napflow>`, stable for the (notification, recipient): a resend after a crash is recognisable as the same message */
  messageId: string;
  headers?: Record<string, string>;
}

/** What the approve-by-email link on an email lets its recipient do. */
export type LinkChoice = Decision | 'complete';

export interface DigestItem {
  caseCode: string;
  caseTitle: string;
  /** as the read model holds it (English) */
  stepTitle: string;
  /**
   * the step's name in each language of its case's process definition; each recipient reads theirs. Absent when the
   * definition is unknown, and in digests collected before items carried it (still in running workflows' histories).
   */
  stepTitles?: StepTitles;
  /** local date YYYY-MM-DD */
  dueOn: string | null;
  /** the case's id (weekly digests collected since its email links to the case) */
  caseId?: string;
  /** link to the case in the dashboard, set when the email is written */
  caseUrl?: string;
}

/** Everything a template may show. Absent facts are left out of the email, never printed as "undefined". */
export interface NotificationFacts {
  kind: NotificationKind;
  language: Language;
  recipientName: string;
  /** IANA zone of the state the notification is about */
  timeZone: string;
  stateCode?: string;
  planCode?: string;
  caseCode?: string;
  caseTitle?: string;
  stepKey?: string;
  stepTitle?: string;
  /** local date YYYY-MM-DD */
  dueOn?: string | null;
  /** reminder: business days left; escalation: level */
  level?: number;
  decision?: Decision | 'tacit_consent';
  comment?: string;
  actorName?: string;
  actorAgency?: string;
  /** agencies the step waits on (escalation) */
  agencies?: string[];
  /** case outcome for case_closed */
  outcome?: string;
  /** set when the recipient stands in for an absent focal point */
  onBehalfOfName?: string;
  /** link to the case in the dashboard */
  caseUrl?: string;
  /** approve-by-email: the page behind the link, and what it offers */
  action?: { url: string; choices: LinkChoice[]; expiresAt: string };
  /** steps_assigned: an import's new steps for the recipient's agency, the first by due date, and how many */
  newSteps?: { items: DigestItem[]; total: number };
  /** link to the recipient's inbox in the dashboard */
  inboxUrl?: string;
  digest?: {
    agencyName: string;
    /** local date of the Monday the digest is for */
    weekOf: string;
    dueThisWeek: DigestItem[];
    overdue: DigestItem[];
    awaitingDecision: DigestItem[];
  };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
