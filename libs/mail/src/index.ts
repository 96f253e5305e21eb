// @app/mail: the nodemailer transport, the ru/en templates, the outbox and recipient resolution.
export type { OutgoingEmail, NotificationFacts, RenderedEmail, LinkChoice, DigestItem } from './mail.types';
export { sha256Hex, deliveryKey, messageIdFor, threadIdFor } from './message-id';
export {
  SmtpMailer,
  SmtpSendError,
  classifySmtpError,
  type SmtpMailerOptions,
  type SmtpFailureKind,
} from './smtp-mailer';
export { renderNotification } from './templates/render-notification';
export { formatLocalDate, formatInstant, escapeHtml } from './templates/format';
export {
  EmailOutboxRepository,
  LINK_TOKEN_PLACEHOLDER,
  type OutboxDraft,
  type OutboxNotification,
  type ClaimResult,
  type EnqueuedAndClaimed,
} from './outbox/email-outbox.repository';
export {
  deliverRows,
  UnacknowledgedSend,
  type DeliveryDeps,
  type DeliveryReport,
  type MailSender,
} from './outbox/outbox-delivery';
export { FileSentJournal, type SentJournal, type SentJournalEntry } from './outbox/sent-journal';
export {
  RecipientDirectory,
  UnknownNotificationSubject,
  type Recipient,
  type NotificationContext,
} from './recipients/recipient-directory';
export { EmailLinkRepository, type EmailLinkGrant } from './links/email-link.repository';
