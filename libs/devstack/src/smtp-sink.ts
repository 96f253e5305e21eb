import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { DevStackError } from './devstack-error';

/** One line of `<dir>/index.jsonl`: what the mailbox lists. */
export interface MailIndexEntry {
  id: string;
  /** The Message-ID header, with its angle brackets, as sent. */
  messageId?: string;
  from?: string;
  /** Envelope recipients (RCPT TO), so Bcc is visible too. */
  to: string[];
  subject?: string;
  /** The Date header (ISO), or the arrival time when absent. */
  date: string;
  receivedAt: string;
  /** File name of the raw message under the mail dir. */
  file: string;
  size: number;
}

export interface ReceivedMail extends MailIndexEntry {
  text?: string;
  html?: string;
  /** Header lines, lower-case names (first value when repeated). */
  headers: Record<string, string>;
}

/**
 * Faults for drills. Each applies until cleared; counts (`...Next`) run down one per transaction
 * and are deterministic, rates draw from Math.random.
 */
export interface SmtpFaults {
  /** Share (0..1) of MAIL FROM / RCPT TO / DATA commands answered `451` (try again later). */
  tempFailRate?: number;
  /** The next N transactions are answered `451` at MAIL FROM. */
  tempFailNext?: number;
  /** Refuse recipients with `550`: all of them, or those the predicate picks. */
  reject?: boolean | ((recipient: string) => boolean);
  /** After the message body arrives, close the connection without replying: always, or the next N times. */
  dropAfterData?: boolean | number;
  /**
   * The next N messages are stored (and announced by the 'message' event) but their `250` is held back for
   * `holdReplyMs` (default 3 s): the window in which the server has a message the client does not know was accepted.
   */
  holdReplyNext?: number;
  holdReplyMs?: number;
}

export interface SmtpSinkStats {
  accepted: number;
  tempFailed: number;
  rejected: number;
  dropped: number;
}

export interface SmtpSinkOptions {
  /** Where .eml files and index.jsonl are kept (created if missing; existing index is loaded). */
  dir: string;
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Largest accepted message, bytes (default 25 MB). */
  maxSize?: number;
  /**
   * `full` (default): every message is parsed as it arrives (text, HTML, decoded subject), as the mailbox page and
   * the tests read it. `headers`: only the header block is read (Message-ID, To, raw Subject and From); `read()`
   * parses the whole message from disk when asked. For benchmarks: a mail relay does not decode bodies, and a full
   * parse costs this process milliseconds per message on the cores the measured stack shares.
   */
  parse?: 'full' | 'headers';
}

interface SmtpConnectionInternals {
  id: string;
  _socket?: net.Socket;
}

/** One JSON line per message, appended: O(1) per message however much mail the sink holds. */
const INDEX_FILE = 'index.jsonl';
/** The index of earlier versions (one JSON array, rewritten per message): still read, never written. */
const LEGACY_INDEX_FILE = 'index.json';

/**
 * An in-process SMTP server that keeps every message as an .eml file plus a JSON index, and can
 * misbehave on purpose (451, 550, outage, dropped connection) for resilience drills.
 */
export class SmtpSink {
  readonly dir: string;
  readonly host: string;
  private port: number;
  private server: SMTPServer | undefined;
  private listening = false;
  private readonly entries: ReceivedMail[] = [];
  private readonly events = new EventEmitter();
  private faultState: SmtpFaults = {};
  private writeChain: Promise<void> = Promise.resolve();
  readonly stats: SmtpSinkStats = { accepted: 0, tempFailed: 0, rejected: 0, dropped: 0 };

  private constructor(private readonly options: SmtpSinkOptions) {
    this.dir = options.dir;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.events.setMaxListeners(0);
  }

  static async start(options: SmtpSinkOptions): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    fs.mkdirSync(sink.dir, { recursive: true });
    sink.loadIndex();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://${this.host}:${this.port}`;
  }

  get boundPort(): number {
    return this.port;
  }

  get isUp(): boolean {
    return this.listening;
  }

  /** Messages in arrival order (those loaded from an earlier run carry index fields only). */
  messages(): ReceivedMail[] {
    return [...this.entries];
  }

  /** A message with its text/HTML parts, read from disk when not in memory. */
  async read(id: string): Promise<ReceivedMail | undefined> {
    const entry = this.entries.find((m) => m.id === id);
    if (!entry) return undefined;
    if (entry.text !== undefined || entry.html !== undefined) return entry;
    const parsed = await parseMail(fs.readFileSync(path.join(this.dir, entry.file)));
    return { ...entry, ...parsed };
  }

  rawPath(id: string): string | undefined {
    const entry = this.entries.find((m) => m.id === id);
    return entry ? path.join(this.dir, entry.file) : undefined;
  }

  /** The first message (already here or arriving) that satisfies `predicate`, within `timeoutMs`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    const found = this.entries.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMessage = (mail: ReceivedMail): void => {
        if (!predicate(mail)) return;
        cleanup();
        resolve(mail);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.entries
          .map((m) => `${m.subject ?? '(no subject)'} → ${m.to.join(', ')}`)
          .slice(-10);
        reject(
          new Error(
            `no matching email within ${timeoutMs} ms; ${this.entries.length} received` +
              (seen.length ? `, latest: ${seen.join(' | ')}` : ''),
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.removeListener('message', onMessage);
      };
      this.events.on('message', onMessage);
    });
  }

  onMessage(listener: (mail: ReceivedMail) => void): () => void {
    this.events.on('message', listener);
    return () => this.events.removeListener('message', listener);
  }

  setFaults(faults: SmtpFaults): void {
    this.faultState = { ...faults };
  }

  clearFaults(): void {
    this.faultState = {};
  }

  get faults(): Readonly<SmtpFaults> {
    return this.faultState;
  }

  /** Outage: stop listening and cut every open session; the port stays ours to come back on. */
  async goDown(): Promise<void> {
    const server = this.server;
    if (!server || !this.listening) return;
    this.listening = false;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
    destroyConnections(server);
    await closed;
  }

  /** End of the outage: listen again on the same port. */
  async comeBack(): Promise<void> {
    if (this.listening) return;
    await this.listen();
  }

  async stop(): Promise<void> {
    await this.goDown();
    await this.writeChain;
    this.events.removeAllListeners();
  }

  private async listen(): Promise<void> {
    const server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(
          new DevStackError(
            'smtp',
            `the SMTP sink could not listen on ${this.host}:${this.port}: ${err.message}`,
            err.code === 'EADDRINUSE'
              ? `port ${this.port} is in use: stop what holds it, or set SMTP_URL to a server you run`
              : 'set SMTP_URL to an SMTP server you run',
          ),
        );
      };
      server.server.once('error', onError);
      server.server.listen(this.port, this.host, () => {
        server.server.removeListener('error', onError);
        resolve();
      });
    });
    // Errors after start (a client resetting) are not fatal to a sink.
    server.on('error', () => undefined);
    const address = server.server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
    this.listening = true;
  }

  private createServer(): SMTPServer {
    return new SMTPServer({
      banner: 'napflow SMTP sink',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      logger: false,
      size: this.options.maxSize ?? 25 * 1024 * 1024,
      closeTimeout: 1000,
      // No DNS for 127.0.0.1 clients: it costs ~200 ms per connection.
      disableReverseLookup: true,
      onMailFrom: (_address, _session, callback) => {
        const faults = this.faultState;
        if (faults.tempFailNext && faults.tempFailNext > 0) {
          faults.tempFailNext -= 1;
          return callback(this.tempFailure());
        }
        if (this.draw()) return callback(this.tempFailure());
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        const reject = this.faultState.reject;
        if (reject === true || (typeof reject === 'function' && reject(address.address))) {
          this.stats.rejected += 1;
          return callback(
            smtpError(550, `5.1.1 <${address.address}>: recipient refused (napflow sink drill)`),
          );
        }
        if (this.draw()) return callback(this.tempFailure());
        callback();
      },
      onData: (stream, session, callback) => {
        void this.receive(stream, session).then(
          (outcome) => {
            if (outcome === 'drop') return; // no reply at all: the client sees the connection close
            if (outcome instanceof Error) return callback(outcome);
            callback(null, `Queued as ${outcome}`);
          },
          (err: unknown) =>
            callback(smtpError(451, `4.3.0 sink could not store the message: ${String(err)}`)),
        );
      },
    });
  }

  private async receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
  ): Promise<string | Error | 'drop'> {
    const raw = await readAll(stream);
    if (stream.sizeExceeded) return smtpError(552, '5.3.4 message too big');
    const faults = this.faultState;
    if (
      faults.dropAfterData === true ||
      (typeof faults.dropAfterData === 'number' && faults.dropAfterData > 0)
    ) {
      if (typeof faults.dropAfterData === 'number') faults.dropAfterData -= 1;
      this.stats.dropped += 1;
      this.dropSession(session.id);
      return 'drop';
    }
    if (this.draw()) return this.tempFailure();

    const parsed = this.options.parse === 'headers' ? parseHeaderBlock(raw) : await parseMail(raw);
    const receivedAt = new Date();
    const id = `${receivedAt.getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
    const file = `${receivedAt.toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
    const mail: ReceivedMail = {
      id,
      messageId: parsed.headers['message-id'],
      from: parsed.from ?? envelopeFrom,
      to: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject,
      date: parsed.date ?? receivedAt.toISOString(),
      receivedAt: receivedAt.toISOString(),
      file,
      size: raw.length,
      text: parsed.text,
      html: parsed.html,
      headers: parsed.headers,
    };
    // Reply only once the message is on disk: a client that got 250 finds it in the mail dir.
    await this.persist(mail, raw);
    this.entries.push(mail);
    this.stats.accepted += 1;
    this.events.emit('message', mail);
    if (faults.holdReplyNext && faults.holdReplyNext > 0) {
      faults.holdReplyNext -= 1;
      await new Promise((r) => setTimeout(r, faults.holdReplyMs ?? 3000));
    }
    return id;
  }

  private persist(mail: ReceivedMail, raw: Buffer): Promise<void> {
    const run = async (): Promise<void> => {
      await fs.promises.writeFile(path.join(this.dir, mail.file), raw);
      await fs.promises.appendFile(
        path.join(this.dir, INDEX_FILE),
        `${JSON.stringify(toIndexEntry(mail))}\n`,
      );
    };
    // appends in arrival order
    const next = this.writeChain.then(run);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private loadIndex(): void {
    for (const entry of readMailIndex(this.dir)) this.entries.push({ ...entry, headers: {} });
    // a line cut short by a crash: end it, so the next append starts a line of its own
    const file = path.join(this.dir, INDEX_FILE);
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      if (text.length > 0 && !text.endsWith('\n')) fs.appendFileSync(file, '\n');
    }
  }

  private draw(): boolean {
    const rate = this.faultState.tempFailRate ?? 0;
    return rate > 0 && Math.random() < rate;
  }

  private tempFailure(): Error {
    this.stats.tempFailed += 1;
    return smtpError(451, '4.3.0 try again later (napflow sink drill)');
  }

  private dropSession(sessionId: string): void {
    const connections = (this.server as unknown as { connections?: Set<SmtpConnectionInternals> } | undefined)
      ?.connections;
    for (const connection of connections ?? []) {
      if (connection.id === sessionId) connection._socket?.destroy();
    }
  }
}

export function toIndexEntry(mail: MailIndexEntry): MailIndexEntry {
  const { id, messageId, from, to, subject, date, receivedAt, file, size } = mail;
  return { id, messageId, from, to, subject, date, receivedAt, file, size };
}

/**
 * Reads the sink's index in `dir` (from any process): the legacy `index.json` array, then `index.jsonl`; empty
 * when nothing arrived yet. A damaged line (a crash mid-append) loses that line of the listing, not the mail.
 */
export function readMailIndex(dir: string): MailIndexEntry[] {
  const read = (file: string): string | null => {
    try {
      return fs.readFileSync(path.join(dir, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  const out: MailIndexEntry[] = [];
  const legacy = read(LEGACY_INDEX_FILE);
  if (legacy) {
    try {
      out.push(...(JSON.parse(legacy) as MailIndexEntry[]));
    } catch {
      // a damaged legacy index: its listing is lost, its .eml files stay
    }
  }
  for (const line of (read(INDEX_FILE) ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MailIndexEntry);
    } catch {
      continue;
    }
  }
  return out;
}

/** Parses a raw message into the parts the mailbox shows. */
export async function parseMail(raw: Buffer): Promise<{
  from?: string;
  subject?: string;
  date?: string;
  text?: string;
  html?: string;
  headers: Record<string, string>;
}> {
  const parsed = await simpleParser(raw, { skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) {
    const name = line.key.toLowerCase();
    if (!(name in headers)) headers[name] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  return {
    from: addressText(parsed.from),
    subject: parsed.subject,
    date: parsed.date?.toISOString(),
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    headers,
  };
}

/**
 * The header block alone, unfolded, first occurrence of each name (lower case): what a relay reads. Subject and From
 * stay as sent (RFC 2047 encoded words are not decoded); no text or HTML.
 */
export function parseHeaderBlock(raw: Buffer): {
  from?: string;
  subject?: string;
  date?: string;
  text?: undefined;
  html?: undefined;
  headers: Record<string, string>;
} {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const block = raw.toString('utf8', 0, end < 0 ? raw.length : end).replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  const date = headers.date ? new Date(headers.date) : undefined;
  return {
    from: headers.from,
    subject: headers.subject,
    date: date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined,
    headers,
  };
}

function addressText(address: AddressObject | AddressObject[] | undefined): string | undefined {
  if (!address) return undefined;
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function destroyConnections(server: SMTPServer): void {
  const connections = (server as unknown as { connections?: Set<SmtpConnectionInternals> }).connections;
  for (const connection of connections ?? []) connection._socket?.destroy();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
