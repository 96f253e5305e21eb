// What tests use to reach the services test/support/global-setup.ts started (or took from the env).
import fs from 'node:fs';
import path from 'node:path';
import { type MailIndexEntry, parseMail, readMailIndex, type ReceivedMail } from '@app/devstack';

export interface TestServices {
  databaseUrl: string;
  temporal: { address: string; namespace: string };
  smtp: { url: string; mailDir?: string; mailboxUrl?: string };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run this test in the jest "integration" or "e2e" project, whose global setup ` +
        '(test/support/global-setup.ts) starts the services',
    );
  }
  return value;
}

export function testServices(): TestServices {
  return {
    databaseUrl: required('DATABASE_URL'),
    temporal: { address: required('TEMPORAL_ADDRESS'), namespace: required('TEMPORAL_NAMESPACE') },
    smtp: {
      url: required('SMTP_URL'),
      mailDir: process.env.NAPFLOW_MAIL_DIR,
      mailboxUrl: process.env.NAPFLOW_MAILBOX_URL,
    },
  };
}

function mailDir(): string {
  const dir = process.env.NAPFLOW_MAIL_DIR;
  if (!dir) {
    throw new Error(
      'NAPFLOW_MAIL_DIR is not set: received mail is only readable with the built-in SMTP sink (unset SMTP_URL)',
    );
  }
  return dir;
}

/** Everything the SMTP sink received so far, in arrival order (index fields only). */
export function receivedMails(): MailIndexEntry[] {
  return readMailIndex(mailDir());
}

const parsedCache = new Map<string, ReceivedMail>();

/** One received message with its text, HTML and headers. */
export async function readMail(entry: MailIndexEntry): Promise<ReceivedMail> {
  const cached = parsedCache.get(entry.id);
  if (cached) return cached;
  const parsed = await parseMail(fs.readFileSync(path.join(mailDir(), entry.file)));
  const mail: ReceivedMail = { ...entry, text: parsed.text, html: parsed.html, headers: parsed.headers };
  parsedCache.set(entry.id, mail);
  return mail;
}

/**
 * The first received message matching `predicate` (already there or arriving within `timeoutMs`).
 * The sink answers 250 only after the message is on disk, so this polls files, not a network.
 */
export async function waitForMail(
  predicate: (mail: ReceivedMail) => boolean,
  timeoutMs = 15_000,
): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const entry of receivedMails()) {
      const mail = await readMail(entry);
      if (predicate(mail)) return mail;
    }
    if (Date.now() >= deadline) {
      const seen = receivedMails()
        .slice(-10)
        .map((m) => `${m.subject ?? '(no subject)'} → ${m.to.join(', ')}`);
      throw new Error(`no matching email within ${timeoutMs} ms; received: ${seen.join(' | ') || 'nothing'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
