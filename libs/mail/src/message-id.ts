import { createHash } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The outbox row key of one recipient's copy of a notification. */
export function deliveryKey(notificationKey: string, recipientEmail: string): string {
  return `${notificationKey}|${recipientEmail.trim().toLowerCase()}`;
}

/**
 * `<sha256(key)@napflow>`. The key is the delivery key (notification key + recipient): each recipient's copy is its
 * own message (own language, own link), and every resend of that copy carries the same id, so a duplicate left by
 * a crash between SMTP acceptance and our acknowledgement is recognisable (and dropped by clients that dedupe).
 */
export function messageIdFor(key: string): string {
  return `<${sha256Hex(key)}@napflow>`;
}

/** All emails of one case share this thread root (References header), so mail clients group them. */
export function threadIdFor(workflowId: string): string {
  return `<${sha256Hex(`thread:${workflowId}`)}@napflow>`;
}
