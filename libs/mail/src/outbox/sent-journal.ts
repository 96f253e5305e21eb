import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What the journal keeps of one copy the SMTP server accepted. */
export interface SentJournalEntry {
  messageId: string;
  /** the server's reply to DATA, e.g. "250 2.0.0 Ok: queued as ..." */
  response: string;
  /** ISO instant the reply arrived */
  acceptedAt: string;
}

/**
 * The worker's own record of "the SMTP server accepted this outbox row", written the moment the server answers 250
 * and before the database is told. It closes the window in which a copy the server accepted, whose acknowledgement
 * did not reach the database (the worker killed, the database away), would otherwise be sent again once its claim
 * expires: whoever takes the claim over reads the journal first and records the copy as sent without sending.
 */
export interface SentJournal {
  record(rowId: string, entry: SentJournalEntry): Promise<void>;
  find(rowId: string): Promise<SentJournalEntry | null>;
  /** the database holds the acknowledgement: the entry is no longer needed */
  forget(rowId: string): Promise<void>;
}

const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One small file per accepted-but-unacknowledged copy, in a directory on the worker's disk. Entries live only between
 * the server's 250 and the database's commit, so the directory stays nearly empty.
 *
 * Scope, honestly: it survives the worker process being killed (the page cache outlives the process) and a
 * database outage of any length. It does not survive the loss of the disk, nor help a worker on another host take
 * over: workers that share a task queue should share this directory (a volume), or a takeover from another host
 * sends the copy again, with the same Message-ID. `fsync: true` makes each entry survive a power loss too, at the
 * cost of a disk flush per email.
 */
export class FileSentJournal implements SentJournal {
  private ready: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly opts: { fsync?: boolean } = {},
  ) {}

  private file(rowId: string): string {
    if (!ROW_ID.test(rowId)) throw new Error(`sent journal: not an outbox row id: ${JSON.stringify(rowId)}`);
    return path.join(this.dir, `${rowId.toLowerCase()}.json`);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= fs.mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  async record(rowId: string, entry: SentJournalEntry): Promise<void> {
    await this.ensureDir();
    const target = this.file(rowId);
    // Straight to its name, no temporary file and rename: the file is written only after the server's 250, so even
    // a half-written one (the worker killed mid-write) means "accepted", which is how find() reads it.
    if (!this.opts.fsync) return fs.writeFile(target, JSON.stringify(entry));
    const handle = await fs.open(target, 'w');
    try {
      await handle.writeFile(JSON.stringify(entry));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async find(rowId: string): Promise<SentJournalEntry | null> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file(rowId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    // the file exists only after the server's 250: even an unreadable one means "accepted"
    let parsed: Partial<SentJournalEntry> = {};
    try {
      parsed = JSON.parse(raw) as Partial<SentJournalEntry>;
    } catch {
      parsed = {};
    }
    return {
      messageId: typeof parsed.messageId === 'string' ? parsed.messageId : '',
      response: typeof parsed.response === 'string' ? parsed.response : 'accepted (journal entry unreadable)',
      acceptedAt: typeof parsed.acceptedAt === 'string' ? parsed.acceptedAt : '',
    };
  }

  async forget(rowId: string): Promise<void> {
    // unlink, not rm: rm looks the path up (lstat) before removing it, a second system call per email sent
    try {
      await fs.unlink(this.file(rowId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
