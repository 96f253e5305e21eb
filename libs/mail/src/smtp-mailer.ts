import * as nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { OutgoingEmail } from './mail.types';

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://… */
  url: string;
  from: string;
  poolSize?: number;
  tls?: {
    rejectUnauthorized?: boolean;
    servername?: string;
    minVersion?: 'TLSv1.2' | 'TLSv1.3';
    ca?: string;
  };
  /** ms; a send that takes longer is a temporary failure the workflow retries */
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export type SmtpFailureKind = 'temporary' | 'permanent';

/** A failed send, classified: temporary → retry (the workflow's retry policy), permanent → record and stop. */
export class SmtpSendError extends Error {
  constructor(
    public readonly kind: SmtpFailureKind,
    message: string,
    public readonly responseCode?: number,
    public readonly code?: string,
  ) {
    super(message);
    this.name = 'SmtpSendError';
  }
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

/**
 * 5xx replies to the envelope or the message are permanent refusals. Everything else is temporary: 4xx replies
 * (greylisting, 451 local error), connection refused / lost / timed out, TLS trouble, and authentication
 * failures (a configuration problem that an administrator fixes; the mail must wait for it, not be dropped).
 */
export function classifySmtpError(err: unknown): SmtpSendError {
  if (err instanceof SmtpSendError) return err;
  const e = (err ?? {}) as NodemailerError;
  const message = e.message ?? String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent =
    responseCode !== undefined && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH';
  return new SmtpSendError(permanent ? 'permanent' : 'temporary', message, responseCode, code);
}

/**
 * nodemailer behind one small interface. Pooled connections; the pool's own re-queueing of a message whose
 * connection dropped is off (maxRequeues 0), so exactly one layer retries: the workflow, through the outbox.
 */
export class SmtpMailer {
  private readonly transport: nodemailer.Transporter<SMTPPool.SentMessageInfo>;

  constructor(private readonly options: SmtpMailerOptions) {
    const url = new URL(options.url);
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      pool: true,
      host: url.hostname,
      port: Number(url.port || (secure ? 465 : 587)),
      secure,
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      maxConnections: options.poolSize ?? 5,
      maxRequeues: 0,
      connectionTimeout: options.connectionTimeoutMs ?? 30_000,
      greetingTimeout: options.connectionTimeoutMs ?? 30_000,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      tls: {
        rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
        servername: options.tls?.servername,
        minVersion: options.tls?.minVersion ?? 'TLSv1.2',
        ca: options.tls?.ca,
      },
      // the local sink and Mailpit speak plain SMTP; STARTTLS is used whenever the server offers it
      ignoreTLS: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    } as SMTPPool.Options);
  }

  get from(): string {
    return this.options.from;
  }

  /** Sends one message; resolves with the server's reply, or throws a classified SmtpSendError. */
  async send(mail: OutgoingEmail): Promise<{ response: string; messageId: string }> {
    try {
      const info = await this.transport.sendMail({
        from: mail.from ?? this.options.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length > 0 && (info.accepted ?? []).length === 0) {
        throw classifySmtpError(
          Object.assign(new Error(`Recipient refused: ${info.response}`), { responseCode: 550 }),
        );
      }
      return { response: info.response, messageId: info.messageId };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  close(): void {
    this.transport.close();
  }

  /** Nest calls this on providers at shutdown: the pool's sockets must not keep the process alive. */
  onApplicationShutdown(): void {
    this.close();
  }
}
