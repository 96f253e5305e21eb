// Paths that carry a bearer secret: an approve-by-email link (whoever holds it acts for its recipient) and a calendar
// feed (whoever holds it reads an agency's deadlines). Logs are read by more people, and kept longer, than mailboxes.
// (also in the absolute form a client may send: GET http://host/email-links/<token>)
const SECRET_IN_PATH = /^((?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/(?:email-links|calendar-feeds)\/)[^/?#]+/i;

/** The URL or path as logs may show it: the secret segment of an email-link or calendar-feed path replaced. */
export function logSafeUrl(url: string): string;
export function logSafeUrl(url: string | undefined): string | undefined;
export function logSafeUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_IN_PATH, '$1[redacted]');
}
