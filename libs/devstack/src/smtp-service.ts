import path from 'node:path';
import nodemailer from 'nodemailer';
import { DevStackError } from './devstack-error';
import { startMailboxServer } from './mailbox-page';
import { redactUrl } from './pg-client';
import { SmtpSink } from './smtp-sink';

export interface SmtpService {
  url: string;
  /** The local mailbox page (embedded sink only). */
  mailboxUrl?: string;
  /** Where the embedded sink keeps .eml files and index.jsonl. */
  mailDir?: string;
  /** The embedded sink itself, for fault drills in-process. */
  sink?: SmtpSink;
  source: 'env' | 'embedded';
  startMs: number;
  stop(): Promise<void>;
}

export interface StartSmtpOptions {
  /** Mail goes to `<dataDir>/mail`. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Serve the mailbox page (default true); its port, 0 = free. */
  mailbox?: boolean;
  mailboxPort?: number;
  /** How the embedded sink reads each message (SmtpSinkOptions.parse; default full). */
  sinkParse?: 'full' | 'headers';
}

/** SMTP_URL if set (checked with EHLO), else the in-process SmtpSink plus its mailbox page. */
export async function startSmtp(options: StartSmtpOptions): Promise<SmtpService> {
  const env = options.env ?? process.env;
  const started = Date.now();
  if (env.SMTP_URL) {
    const url = env.SMTP_URL;
    const transport = nodemailer.createTransport(url);
    try {
      await transport.verify();
    } catch (err) {
      throw new DevStackError(
        'smtp',
        `SMTP_URL=${redactUrl(url)} does not answer: ${err instanceof Error ? err.message : String(err)}`,
        'start that SMTP server (or fix its credentials), or unset SMTP_URL to use the built-in sink',
      );
    } finally {
      transport.close();
    }
    return { url, source: 'env', startMs: Date.now() - started, stop: async () => undefined };
  }

  const mailDir = path.join(options.dataDir, 'mail');
  const sink = await SmtpSink.start({ dir: mailDir, parse: options.sinkParse });
  let mailboxUrl: string | undefined;
  let stopMailbox = async (): Promise<void> => undefined;
  if (options.mailbox !== false) {
    try {
      const mailbox = await startMailboxServer(sink, { port: options.mailboxPort ?? 0 });
      mailboxUrl = mailbox.url;
      stopMailbox = mailbox.stop;
    } catch (err) {
      await sink.stop();
      throw err;
    }
  }
  return {
    url: sink.url,
    mailboxUrl,
    mailDir,
    sink,
    source: 'embedded',
    startMs: Date.now() - started,
    stop: async () => {
      await Promise.all([stopMailbox(), sink.stop()]);
    },
  };
}
