// Scenario 3, reminder storm: N open steps whose reminders are due at the same instant. napflow's notify activity
// (outbox enqueue, recipient resolution, rendering, claim, SMTP, mark sent) is driven directly for N reminder
// requests, as the worker's activity slots would run them, against the real PostgreSQL and the SMTP sink; the
// baseline is pooled nodemailer sending N messages to the same sink. Duplicates and missing counted by Message-ID.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { createNotifyActivities } from '@app/activities/notify.activities';
import type { NotificationRequest } from '@app/domain/case/case.types';
import { EmailOutboxRepository, FileSentJournal, RecipientDirectory, SmtpMailer } from '@app/mail';
import { connectDataSource } from '@app/persistence';
import type { SmtpSink } from '@app/devstack';
import { compare, endProgress, progress, type Comparison, type ScenarioResult } from '../support/report';
import type { BenchStack } from '../support/stack';
import { pooled, round } from '../support/stats';
import { DASH_PLAN } from './dashboard';

/** the worker's default number of concurrent activities */
const CONCURRENCY = 100;
const POOL_SIZE = 5;
/** retry backoff in this benchmark (the workflow's policy starts at 5 s: compressed so a run stays short) */
const RETRY_MS = 50;

interface Phase {
  ms: number;
  rate: number;
  unique: number;
  duplicates: number;
  missing: number;
  attempts: number;
}

/** One reminder of the `execute` step per open case, all due now; `run` keeps the keys unique to this run. */
export function reminderRequests(
  cases: Array<{ workflow_id: string; lead_agency: string }>,
  run: string,
): NotificationRequest[] {
  return cases.map((r) => ({
    key: `${r.workflow_id}:execute:reminder:1:${run}`,
    kind: 'reminder',
    workflowId: r.workflow_id,
    stepKey: 'execute',
    toAgencies: [r.lead_agency],
    toCoordinators: false,
    data: { daysBefore: 5 },
  }));
}

/** Messages the sink received since index `from` whose Message-ID is expected: unique, duplicated, missing. */
export function countByMessageId(
  sink: SmtpSink,
  from: number,
  expected: Set<string>,
): { unique: number; duplicates: number; missing: number } {
  const seen = new Map<string, number>();
  for (const m of sink.messages().slice(from)) {
    if (!m.messageId || !expected.has(m.messageId)) continue;
    seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const c of seen.values()) duplicates += c - 1;
  return { unique: seen.size, duplicates, missing: expected.size - seen.size };
}

async function retrying(fn: () => Promise<unknown>, onAttempt: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    onAttempt();
    try {
      await fn();
      return;
    } catch (err) {
      if (attempt > 200) throw err;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

export async function reminderStorm(
  stack: BenchStack,
  n: number,
  tempFailRate: number,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = `storm${tempFailRate ? '-451' : ''}`;
  const sink = stack.dev.smtp.sink;
  if (!sink) throw new Error('the reminder storm needs the in-process SMTP sink (unset SMTP_URL)');
  const ds = await connectDataSource(stack.dev.databaseUrl, {
    poolSize: 20,
    applicationName: 'napflow-bench',
  });
  const mailer = new SmtpMailer({
    url: stack.dev.smtp.url,
    from: 'napflow <napflow@napflow.example.org>',
    poolSize: POOL_SIZE,
  });
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sink.boundPort,
    maxConnections: POOL_SIZE,
    maxRequeues: 0,
  } as SMTPPool.Options);
  try {
    const { notify } = createNotifyActivities({
      outbox: new EmailOutboxRepository(ds),
      mailer,
      directory: RecipientDirectory.fromDataSource(ds),
      publicUrl: 'http://127.0.0.1:3000',
      linkTtlHours: 24,
      // as the worker runs it: each accepted copy is journalled until the database records it
      journal: new FileSentJournal(fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-bench-journal-'))),
    });
    const { rows } = await stack.pg.query<{ workflow_id: string; lead_agency: string }>(
      `SELECT c.workflow_id, c.lead_agency FROM cases c WHERE c.plan_code = $1 AND c.status = 'active' ORDER BY c.code LIMIT $2`,
      [DASH_PLAN, n],
    );
    if (rows.length < n) throw new Error(`only ${rows.length} open cases for a storm of ${n}`);
    const run = randomUUID().slice(0, 8);
    sink.setFaults(tempFailRate ? { tempFailRate } : {});

    // Baseline: pooled nodemailer, same count, same concurrency, same retry on a temporary failure.
    const baseIds = new Set(rows.map((_, i) => `<bench-${run}-${i}@baseline>`));
    const bFrom = sink.messages().length;
    let bAttempts = 0;
    let bSent = 0;
    const b0 = Date.now();
    await pooled(n, CONCURRENCY, async (i) => {
      await retrying(
        () =>
          transport.sendMail({
            from: 'baseline <baseline@napflow.example.org>',
            to: `fp-${i % 4}@bench.napflow.example.org`,
            subject: `Reminder: step due (baseline ${i})`,
            text: 'A step of your agency is due soon.',
            messageId: `<bench-${run}-${i}@baseline>`,
          }),
        () => (bAttempts += 1),
      );
      if (++bSent % 100 === 0) progress(tag, `baseline: ${bSent}/${n} sent`);
    });
    const bMs = Date.now() - b0;
    const base: Phase = {
      ms: bMs,
      rate: round(n / (bMs / 1000)),
      attempts: bAttempts,
      ...countByMessageId(sink, bFrom, baseIds),
    };

    // napflow: one reminder per open step, all due now.
    const requests = reminderRequests(rows, run);
    const nFrom = sink.messages().length;
    let nAttempts = 0;
    let nSent = 0;
    const n0 = Date.now();
    await pooled(n, CONCURRENCY, async (i) => {
      await retrying(
        () => notify(requests[i]),
        () => (nAttempts += 1),
      );
      if (++nSent % 100 === 0) progress(tag, `napflow: ${nSent}/${n} notifications sent`);
    });
    const nMs = Date.now() - n0;
    sink.clearFaults();
    const { rows: idRows } = await stack.pg.query<{ message_id: string }>(
      `SELECT message_id FROM email_outbox WHERE notification_key = ANY($1::text[])`,
      [requests.map((r) => r.key)],
    );
    const napIds = new Set(idRows.map((r) => r.message_id));
    const nap: Phase = {
      ms: nMs,
      rate: round(n / (nMs / 1000)),
      attempts: nAttempts,
      ...countByMessageId(sink, nFrom, napIds),
    };
    endProgress();

    const comparisons: Comparison[] = [
      compare('send rate', 'msg/s', nap.rate, base.rate, { ratio: 0.6, higherIsBetter: true }),
      compare('time to last email', 's', round(nap.ms / 1000), round(base.ms / 1000)),
      compare('duplicates (by Message-ID)', 'count', nap.duplicates, base.duplicates, {
        higherIsBetter: false,
        absolute: { max: 0 },
      }),
      compare('missing (by Message-ID)', 'count', nap.missing + (napIds.size - n), base.missing, {
        higherIsBetter: false,
        absolute: { max: 0 },
      }),
    ];
    return {
      scenario: tempFailRate ? 'reminder-storm-451' : 'reminder-storm',
      title: `${n} reminders due at once${tempFailRate ? `, ${tempFailRate * 100} % of SMTP commands answered 451` : ''}`,
      parameters: {
        n,
        concurrency: CONCURRENCY,
        smtpPool: POOL_SIZE,
        tempFailRate,
        retryBackoffMs: RETRY_MS,
      },
      comparisons,
      figures: { napflow: nap, baseline: base, outboxRows: napIds.size, sinkStats: { ...sink.stats } },
      notes: [
        'Driven through the notify activity directly (outbox path), not through timers: the workflow side of a reminder is a timer firing and one activity task.',
      ],
      durationMs: Date.now() - t0,
    };
  } finally {
    sink.clearFaults();
    mailer.close();
    transport.close();
    await ds.destroy();
  }
}
