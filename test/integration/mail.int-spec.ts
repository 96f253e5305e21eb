// Delivery of notifications against real services: PostgreSQL (a database of this file, real migrations), the
// in-process SMTP sink with its fault modes, and the Temporal dev server for the retry-policy and schedule tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import {
  createDigestActivitiesFromDataSource,
  DigestScheduleKeeper,
  ensureDigestSchedules,
} from '@app/activities/digest.activities';
import { createNotifyActivities, SMTP_TEMPORARY_FAILURE } from '@app/activities/notify.activities';
import { getShippedDefinition, type ProcessDefinition } from '@app/domain';
import type { NotificationRequest } from '@app/domain/case/case.types';
import { SmtpSink, type ReceivedMail } from '@app/devstack';
import {
  deliveryKey,
  EmailOutboxRepository,
  FileSentJournal,
  LINK_TOKEN_PLACEHOLDER,
  messageIdFor,
  RecipientDirectory,
  sha256Hex,
  SmtpMailer,
} from '@app/mail';
import {
  AgenciesRepository,
  caseIdForWorkflow,
  connectDataSource,
  DefinitionsRepository,
  PeopleRepository,
  PlansRepository,
  ReadModelRepository,
  runMigrations,
} from '@app/persistence';
import { caseEvent, caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { bundleNapflowWorkflows } from '@app/temporal';
import { digestKey } from '@app/workflows/digest.workflow';

const PUBLIC_URL = 'https://napflow.example.org';
jest.setTimeout(120_000);
const WORKFLOW_ID = 'case:KG-NAP-2013:RPM-HANDOVER';
const today = DateTime.now().setZone('Asia/Bishkek');

let db: TemporaryDatabase;
let ds: DataSource;
let sink: SmtpSink;
let mailer: SmtpMailer;
let outbox: EmailOutboxRepository;
let journal: FileSentJournal;
let notify: (req: NotificationRequest) => ReturnType<ReturnType<typeof createNotifyActivities>['notify']>;
let notifyAll: ReturnType<typeof createNotifyActivities>['notifyAll'];
const people: Record<string, string> = {};
let seq = 0;

function request(
  kind: NotificationRequest['kind'],
  patch: Partial<NotificationRequest> = {},
): NotificationRequest {
  seq += 1;
  const stepKey = patch.stepKey ?? 'handover';
  return {
    key: `${WORKFLOW_ID}:${stepKey}:${kind}:0:${seq}`,
    kind,
    workflowId: WORKFLOW_ID,
    stepKey,
    toAgencies: ['KG-SCS'],
    toCoordinators: false,
    data: {},
    ...patch,
  };
}

const withKey = (key: string) => (m: ReceivedMail) => m.headers['x-napflow-notification'] === key;

async function receivedFor(key: string): Promise<ReceivedMail[]> {
  const all = await Promise.all(sink.messages().map((m) => sink.read(m.id)));
  return all.filter((m): m is ReceivedMail => m !== undefined && withKey(key)(m));
}

async function outboxRows(key: string) {
  return ds.query<
    Array<{
      recipient_email: string;
      status: string;
      attempts: number;
      last_error: string | null;
      html: string;
      text_body: string;
      message_id: string;
    }>
  >(`SELECT * FROM email_outbox WHERE notification_key = $1 ORDER BY recipient_email`, [key]);
}

beforeAll(async () => {
  db = await createTemporaryDatabase();
  await runMigrations(db.url);
  ds = await connectDataSource(db.url, { poolSize: 4, applicationName: 'napflow-mail-test' });
  await seedReference(ds);
  const repo = new PeopleRepository(ds);
  const add = async (key: string, p: Parameters<PeopleRepository['create']>[0]) =>
    (people[key] = (await repo.create(p)).id);
  await add('scs', {
    email: 'aigul@scs.kg.example.org',
    name: 'Айгуль Осмонова',
    language: 'ru',
    agencyCode: 'KG-SCS',
    role: 'focal_point',
    passwordHash: null,
  });
  // the deputy works elsewhere in the ministry structure: they get the mail only while the focal point is away
  await add('bsDeputy', {
    email: 'deputy@moe.kg.example.org',
    name: 'Bakyt Deputy',
    language: 'en',
    agencyCode: 'KG-MOE',
    role: 'focal_point',
    passwordHash: null,
  });
  await add('bs', {
    email: 'nurlan@bs.kg.example.org',
    name: 'Нурлан Асанов',
    language: 'ru',
    agencyCode: 'KG-BS',
    role: 'focal_point',
    passwordHash: null,
    deputyId: people.bsDeputy,
    awayFrom: today.minus({ days: 2 }).toISODate(),
    awayUntil: today.plus({ days: 2 }).toISODate(),
  });
  await add('coord', {
    email: 'coordinator@moe.kg.example.org',
    name: 'Coordinator KG',
    language: 'en',
    agencyCode: 'KG-MOE',
    role: 'coordinator',
    passwordHash: null,
  });
  await add('tj', {
    email: 'focal@cs.tj.example.org',
    name: 'TJ Focal',
    language: 'ru',
    agencyCode: 'TJ-CS',
    role: 'focal_point',
    passwordHash: null,
  });
  await add('osce', {
    email: 'observer@osce.example.org',
    name: 'OSCE Observer',
    language: 'en',
    agencyCode: 'OSCE-CPC',
    role: 'focal_point',
    passwordHash: null,
  });
  await new AgenciesRepository(ds).insertMissing([
    { code: 'KG-FIRE', name: 'State Firefighter Service', stateCode: 'KG' },
  ]);
  await add('fire', {
    email: 'fire@fire.kg.example.org',
    name: 'Fire Focal',
    language: 'en',
    agencyCode: 'KG-FIRE',
    role: 'focal_point',
    passwordHash: null,
    deputyId: people.tj,
    awayFrom: today.minus({ days: 1 }).toISODate(),
    awayUntil: today.plus({ days: 1 }).toISODate(),
  });
  await add('refused', {
    email: 'refused@moj.kg.example.org',
    name: 'Refused Recipient',
    language: 'en',
    agencyCode: 'KG-MOJ',
    role: 'focal_point',
    passwordHash: null,
  });

  await new ReadModelRepository(ds).recordTransition(
    caseSnapshot({
      planCode: 'KG-NAP-2013',
      caseCode: 'RPM-HANDOVER',
      workflowId: WORKFLOW_ID,
      title: 'Radiation portal monitors handed to the Border Service',
      steps: [
        stepSnapshot('handover', {
          title: 'Hand over the monitors',
          kind: 'task',
          status: 'active',
          assignees: ['KG-SCS'],
          dueOn: '2030-01-15',
          dueAt: '2030-01-15T12:00:00.000Z',
        }),
        stepSnapshot('accept', {
          title: 'Accept the monitors',
          kind: 'approval',
          status: 'active',
          assignees: ['KG-BS'],
          dueOn: today.plus({ days: 1 }).toISODate(),
        }),
      ],
    }),
    [caseEvent(1)],
  );

  sink = await SmtpSink.start({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-mail-')) });
  mailer = new SmtpMailer({
    url: sink.url,
    from: 'napflow <napflow@napflow.example.org>',
    poolSize: 2,
    connectionTimeoutMs: 3000,
    socketTimeoutMs: 5000,
  });
  outbox = new EmailOutboxRepository(ds, 60_000);
  journal = new FileSentJournal(fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-sent-journal-')));
  ({ notify, notifyAll } = createNotifyActivities({
    outbox,
    mailer,
    directory: RecipientDirectory.fromDataSource(ds),
    publicUrl: PUBLIC_URL,
    linkTtlHours: 48,
    journal,
  }));
});

afterAll(async () => {
  mailer?.close();
  await sink?.stop();
  await ds?.destroy();
  await db?.drop();
});

afterEach(() => sink?.clearFaults());

describe('notify', () => {
  it('sends one email per recipient, in Russian, with a Message-ID derived from the key; a retry sends nothing more', async () => {
    const req = request('step_assigned');
    await expect(notify(req)).resolves.toEqual({ key: req.key, status: 'sent', recipients: 1 });
    await expect(notify(req)).resolves.toEqual({ key: req.key, status: 'already_sent', recipients: 1 });
    const mails = await receivedFor(req.key);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.to).toEqual(['aigul@scs.kg.example.org']);
    expect(mail.messageId).toBe(messageIdFor(deliveryKey(req.key, 'aigul@scs.kg.example.org')));
    expect(mail.subject).toBe('Новый этап для вашего ведомства: Hand over the monitors (RPM-HANDOVER)');
    expect(mail.text).toContain('Здравствуйте, Айгуль Осмонова!');
    expect(mail.text?.replace(/\s+/g, ' ')).toContain('Срок выполнения: вторник, 15 января 2030 г.');
    expect(mail.html).toContain('<html lang="ru">');
    expect(mail.headers['references']).toContain('@napflow>');
  });

  it("names the step in each recipient's language when the workflow sends the definition's title", async () => {
    const req = request('step_assigned', {
      toCoordinators: true,
      data: { stepTitle: { ru: 'Передача мониторов', en: 'Handover of the monitors' } },
    });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent', recipients: 2 });
    const subjects = Object.fromEntries((await receivedFor(req.key)).map((m) => [m.to[0], m.subject]));
    expect(subjects).toEqual({
      'aigul@scs.kg.example.org': expect.stringContaining('Передача мониторов (RPM-HANDOVER)'),
      'coordinator@moe.kg.example.org': expect.stringContaining('Handover of the monitors (RPM-HANDOVER)'),
    });
  });

  it('puts a single-use link in task emails whose token exists in the database only as a hash', async () => {
    const req = request('reminder', { data: { level: 3 } });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    const [mail] = await receivedFor(req.key);
    const token = /\/email-links\/([A-Za-z0-9_-]+)\?choice=complete/.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();
    const [row] = await outboxRows(req.key);
    expect(row.html).toContain('__NAPFLOW_LINK_TOKEN__');
    expect(row.html).not.toContain(token);
    const links = await ds.query(
      `SELECT l.step_key, l.person_id, l.choices FROM email_link_tokens t JOIN email_links l ON l.id = t.link_id WHERE t.token_hash = $1`,
      [sha256Hex(token as string)],
    );
    expect(links).toEqual([{ step_key: 'handover', person_id: people.scs, choices: ['complete'] }]);
    const raw = await ds.query(`SELECT count(*)::int AS n FROM email_link_tokens WHERE token_hash = $1`, [
      token,
    ]);
    expect(raw[0].n).toBe(0);
  });

  it('sends to the deputy, in English, while the focal point is away, and offers the four decisions', async () => {
    const req = request('decision_requested', { stepKey: 'accept', toAgencies: ['KG-BS'] });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent', recipients: 1 });
    const [mail] = await receivedFor(req.key);
    expect(mail.to).toEqual(['deputy@moe.kg.example.org']);
    expect(mail.subject).toBe('Your decision is requested: Accept the monitors (RPM-HANDOVER)');
    const text = (mail.text ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('You receive this message as the deputy of Нурлан Асанов');
    for (const c of ['approve', 'approve_with_comments', 'request_changes', 'reject'])
      expect(text).toContain(`?choice=${c}`);
  });

  it('escalates to the coordinators of the case state and to nobody outside it unless the plan is shared', async () => {
    const req = request('escalation', {
      toAgencies: ['KG-SCS', 'TJ-CS', 'OSCE-CPC'],
      toCoordinators: true,
      data: { level: 1 },
    });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent', recipients: 2 });
    expect((await receivedFor(req.key)).flatMap((m) => m.to).sort()).toEqual([
      'aigul@scs.kg.example.org',
      'coordinator@moe.kg.example.org',
    ]);

    await new PlansRepository(ds).share('KG-NAP-2013', { agencyCode: 'OSCE-CPC' });
    const shared = request('escalation', {
      toAgencies: ['KG-SCS', 'TJ-CS', 'OSCE-CPC'],
      toCoordinators: true,
    });
    await expect(notify(shared)).resolves.toMatchObject({ status: 'sent', recipients: 3 });
    expect((await receivedFor(shared.key)).flatMap((m) => m.to)).toContain('observer@osce.example.org');
    expect((await receivedFor(shared.key)).flatMap((m) => m.to)).not.toContain('focal@cs.tj.example.org');
    await new PlansRepository(ds).unshare('KG-NAP-2013', { agencyCode: 'OSCE-CPC' });
  });

  it('never hands a case to a deputy from another state: the absent focal point gets it', async () => {
    const req = request('overdue', { toAgencies: ['KG-FIRE'] });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent', recipients: 1 });
    expect((await receivedFor(req.key)).flatMap((m) => m.to)).toEqual(['fire@fire.kg.example.org']);
  });

  it('answers no_recipients when nobody may receive it', async () => {
    const req = request('overdue', { toAgencies: ['TJ-CS'] });
    await expect(notify(req)).resolves.toEqual({ key: req.key, status: 'no_recipients', recipients: 0 });
  });

  it('throws a retryable failure on 451 and delivers once on the retry', async () => {
    const req = request('due_today');
    sink.setFaults({ tempFailNext: 1 });
    const first = await notify(req).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect(first).toMatchObject({ type: SMTP_TEMPORARY_FAILURE, nonRetryable: false });
    expect(await outboxRows(req.key)).toMatchObject([
      { status: 'pending', attempts: 1, last_error: expect.stringContaining('451') },
    ]);
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    expect(await receivedFor(req.key)).toHaveLength(1);
    expect(await outboxRows(req.key)).toMatchObject([{ status: 'sent', attempts: 2 }]);
  });

  it('records a 550 refusal as failed, returns failed_permanently and never retries it', async () => {
    const req = request('overdue', { toAgencies: ['KG-MOJ'] });
    sink.setFaults({ reject: (rcpt) => rcpt === 'refused@moj.kg.example.org' });
    await expect(notify(req)).resolves.toEqual({ key: req.key, status: 'failed_permanently', recipients: 1 });
    const refusedBefore = sink.stats.rejected;
    sink.clearFaults();
    await expect(notify(req)).resolves.toMatchObject({ status: 'failed_permanently' });
    expect(sink.stats.rejected).toBe(refusedBefore);
    expect(await outboxRows(req.key)).toMatchObject([
      { status: 'failed', attempts: 1, last_error: expect.stringContaining('550') },
    ]);
    expect((await outbox.failedFor('KG')).map((r) => r.notificationKey)).toContain(req.key);
    expect(await receivedFor(req.key)).toHaveLength(0);
  });

  it('delivers once after the server dropped the connection after DATA (no reply, message not kept)', async () => {
    const req = request('step_assigned');
    sink.setFaults({ dropAfterData: 1 });
    await expect(notify(req)).rejects.toMatchObject({ type: SMTP_TEMPORARY_FAILURE });
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    expect(await receivedFor(req.key)).toHaveLength(1);
  });

  it('a first attempt for a key already stored (a workflow reset) sends only what is unsent, never a second copy', async () => {
    const req = request('step_assigned');
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent', recipients: 1 });
    // inside an activity's first attempt the stored copies are not looked up before rendering
    const env = new MockActivityEnvironment({ attempt: 1 });
    await expect(env.run(notify, req)).resolves.toEqual({
      key: req.key,
      status: 'already_sent',
      recipients: 1,
    });
    expect(await receivedFor(req.key)).toHaveLength(1);
    expect(await outboxRows(req.key)).toHaveLength(1);
  });

  it('two attempts at once (a retry racing a slow first attempt) send one copy', async () => {
    const req = request('step_assigned');
    const results = await Promise.allSettled([notify(req), notify(req), notify(req)]);
    expect(results.filter((r) => r.status === 'fulfilled')).not.toHaveLength(0);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ type: SMTP_TEMPORARY_FAILURE });
    await expect(notify(req)).resolves.toMatchObject({ status: 'already_sent' });
    expect(await receivedFor(req.key)).toHaveLength(1);
  });

  /** The notify activity as the worker builds it, over another outbox (one whose database misbehaves). */
  const notifyThrough = (o: EmailOutboxRepository, extra: { ackPatienceMs?: number } = {}) =>
    createNotifyActivities({
      outbox: o,
      mailer,
      directory: RecipientDirectory.fromDataSource(ds),
      publicUrl: PUBLIC_URL,
      linkTtlHours: 48,
      journal,
      ...extra,
    }).notify;

  /**
   * What a worker does up to the server's 250 and its journal entry, then "dies" before the database hears of it:
   * the row stays claimed ('sending') by a holder that will never come back.
   */
  async function dieAfterAcceptance(req: NotificationRequest, withJournal: boolean) {
    // the first attempt renders and stores, then fails its SMTP transaction (so the row exists, pending)
    sink.setFaults({ tempFailNext: 1 });
    await expect(notify(req)).rejects.toMatchObject({ type: SMTP_TEMPORARY_FAILURE });
    const [row] = await outbox.rowsFor(req.key);
    const claim = await outbox.claim(row.id);
    if (claim.outcome !== 'claimed') throw new Error('expected to claim the row');
    const sent = await mailer.send({
      to: row.recipientEmail,
      subject: row.subject,
      html: row.html,
      text: row.textBody,
      messageId: row.messageId,
      headers: { 'X-Napflow-Notification': req.key },
    });
    if (withJournal)
      await journal.record(row.id, {
        messageId: row.messageId,
        response: sent.response,
        acceptedAt: new Date().toISOString(),
      });
    // the activity's retry while the dead attempt's claim is fresh: retried later, nothing sent
    await expect(notify(req)).rejects.toMatchObject({
      type: SMTP_TEMPORARY_FAILURE,
      message: expect.stringContaining('another attempt'),
    });
    expect(await receivedFor(req.key)).toHaveLength(1);
    // the lease runs out: the holder is presumed dead and the next retry takes the claim over
    await ds.query(`UPDATE email_outbox SET claimed_at = now() - interval '2 minutes' WHERE id = $1`, [
      row.id,
    ]);
    return row;
  }

  it('worker killed between SMTP acceptance and the acknowledgement: the takeover reads the sent journal and records the copy, exactly one email', async () => {
    const req = request('step_assigned');
    const row = await dieAfterAcceptance(req, true);
    expect(await journal.find(row.id)).toMatchObject({ messageId: row.messageId });

    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    await expect(notify(req)).resolves.toMatchObject({ status: 'already_sent' });
    const copies = await receivedFor(req.key);
    expect(copies).toHaveLength(1);
    expect(copies[0].messageId).toBe(row.messageId);
    const [after] = await outbox.rowsFor(req.key);
    expect(after.status).toBe('sent');
    expect(after.smtpResponse).toMatch(/^250 .*\(recovered from the sent journal\)$/);
    expect(await journal.find(row.id)).toBeNull();
  });

  it('the same death seen from a worker without that journal (another host): one resend, with the same Message-ID', async () => {
    const req = request('step_assigned');
    const row = await dieAfterAcceptance(req, false);
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    const copies = await receivedFor(req.key);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((m) => m.messageId))).toEqual(new Set([row.messageId]));
  });

  it('the database away when the server accepts: the acknowledgement is retried, never released for a second send', async () => {
    const req = request('step_assigned');
    // the database refuses the first three "sent" records, as during an outage, then answers again
    let refusals = 3;
    const flaky = Object.create(outbox) as EmailOutboxRepository;
    flaky.markSent = async (...args: Parameters<EmailOutboxRepository['markSent']>) => {
      if (refusals > 0) {
        refusals -= 1;
        throw new Error('Connection terminated unexpectedly');
      }
      return outbox.markSent(...args);
    };
    const notifyDuringOutage = notifyThrough(flaky);
    await expect(notifyDuringOutage(req)).resolves.toMatchObject({ status: 'sent' });
    expect(refusals).toBe(0);
    const copies = await receivedFor(req.key);
    expect(copies).toHaveLength(1);
    const [row] = await outbox.rowsFor(req.key);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await journal.find(row.id)).toBeNull();
  });

  it('the database away for longer than the acknowledgement patience: the copy stays claimed, and the takeover records it from the journal without sending', async () => {
    const req = request('step_assigned');
    const flaky = Object.create(outbox) as EmailOutboxRepository;
    flaky.markSent = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const notifyDuringOutage = notifyThrough(flaky, { ackPatienceMs: 0 });
    await expect(notifyDuringOutage(req)).rejects.toMatchObject({ name: 'UnacknowledgedSend' });
    const [held] = await outbox.rowsFor(req.key);
    expect(held.status).toBe('sending');
    expect(await journal.find(held.id)).toMatchObject({ messageId: held.messageId });
    expect(await receivedFor(req.key)).toHaveLength(1);

    await ds.query(`UPDATE email_outbox SET claimed_at = now() - interval '2 minutes' WHERE id = $1`, [
      held.id,
    ]);
    await expect(notify(req)).resolves.toMatchObject({ status: 'sent' });
    expect(await receivedFor(req.key)).toHaveLength(1);
    expect((await outbox.rowsFor(req.key))[0].status).toBe('sent');
  });
  it('a copy stored claimed but not reached when the attempt stops is released at once, not left until its lease ends', async () => {
    // two recipients: the first copy is accepted, its acknowledgement fails for good (the database away), the
    // attempt stops before the second copy
    const req = request('escalation', { toAgencies: ['KG-SCS'], toCoordinators: true });
    const flaky = Object.create(outbox) as EmailOutboxRepository;
    flaky.markSent = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    await expect(notifyThrough(flaky, { ackPatienceMs: 0 })(req)).rejects.toMatchObject({
      name: 'UnacknowledgedSend',
    });
    const rows = await outboxRows(req.key);
    expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'sending']);
    // the accepted copy stays claimed (its journal entry settles it); the other is free for the retry right away
    expect(rows.find((r) => r.status === 'pending')?.last_error).toBe('not sent: the attempt stopped first');
    expect((await receivedFor(req.key)).length).toBe(1);
  });
});

describe('notifyAll (the notices of one transition in one activity)', () => {
  it('sends every request once; a malformed one is refused without holding up the others', async () => {
    const a = request('step_assigned');
    const b = request('decision_requested', { toCoordinators: true });
    const bad = { ...request('step_assigned'), kind: 'no_such_kind' } as unknown as NotificationRequest;
    await expect(notifyAll([a, bad, b])).resolves.toEqual([
      { key: a.key, status: 'sent', recipients: 1 },
      { key: bad.key, status: 'refused', reason: expect.stringContaining('malformed notification request') },
      { key: b.key, status: 'sent', recipients: 2 },
    ]);
    expect(await receivedFor(a.key)).toHaveLength(1);
    expect(await receivedFor(b.key)).toHaveLength(2);
    expect(await outboxRows(bad.key)).toEqual([]);
  });

  it('a 451 on one copy: the others go out, the call fails retryably, and the retry sends only what waited', async () => {
    const a = request('step_assigned');
    const b = request('reminder', { data: { level: 3 } });
    sink.setFaults({ tempFailNext: 1 });
    const failure = await notifyAll([a, b]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: SMTP_TEMPORARY_FAILURE, nonRetryable: false });
    // reply codes and keys only: no address in what goes into the workflow's history
    expect((failure as Error).message).toMatch(/^1 of 2 notifications not delivered yet: .*451$/);
    expect((failure as Error).message).not.toContain('@');
    const first = (await receivedFor(a.key)).length + (await receivedFor(b.key)).length;
    expect(first).toBe(1);
    const retried = await notifyAll([a, b]);
    expect(retried.map((r) => r.status).sort()).toEqual(['already_sent', 'sent']);
    expect(await receivedFor(a.key)).toHaveLength(1);
    expect(await receivedFor(b.key)).toHaveLength(1);
  });

  it('refuses anything but a list, for good', async () => {
    await expect(notifyAll({} as unknown as NotificationRequest[])).rejects.toMatchObject({
      type: 'NapflowInvalidInput',
      nonRetryable: true,
    });
  });
});

describe('outbox repository (one statement per enqueue, claim and link token)', () => {
  const draft = (email: string, link: boolean) => ({
    recipientEmail: email,
    personId: null,
    onBehalfOf: null,
    language: 'en' as const,
    subject: `Subject for ${email}`,
    html: `<p>${email} ${LINK_TOKEN_PLACEHOLDER}</p>`,
    text: `${email} ${LINK_TOKEN_PLACEHOLDER}`,
    messageId: messageIdFor(`outbox-repo:${email}`),
    ...(link
      ? {
          link: {
            stepKey: 'accept',
            occurrence: 2,
            choices: ['approve' as const, 'reject' as const],
            expiresAt: new Date('2030-01-01T10:00:00.000Z'),
            personId: people.scs,
          },
        }
      : {}),
  });
  const notification = (key: string) => ({
    key,
    kind: 'decision_requested' as const,
    workflowId: WORKFLOW_ID,
    stepKey: 'accept',
    stateCode: 'KG',
  });

  it('enqueue returns the stored rows exactly as a read gives them, and writes each link once', async () => {
    const n = notification(`outbox-repo-${Date.now()}`);
    // given out of order: the rows come back by recipient, like rowsFor
    const rows = await outbox.enqueue(n, [
      draft('zed@x.example.org', false),
      draft('Ann@X.example.org', true),
    ]);
    expect(rows.map((r) => r.recipientEmail)).toEqual(['ann@x.example.org', 'zed@x.example.org']);
    expect(rows).toEqual(await outbox.rowsFor(n.key));
    expect(rows[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      kind: 'decision_requested',
      stateCode: 'KG',
    });
    expect(rows[0].createdAt).toBeInstanceOf(Date);
    const links = await ds.query<Array<Record<string, unknown>>>(
      `SELECT outbox_id, workflow_id, step_key, occurrence, person_id, choices, expires_at FROM email_links
        WHERE outbox_id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
    expect(links).toEqual([
      {
        outbox_id: rows[0].id,
        workflow_id: WORKFLOW_ID,
        step_key: 'accept',
        occurrence: 2,
        person_id: people.scs,
        choices: ['approve', 'reject'],
        expires_at: new Date('2030-01-01T10:00:00.000Z'),
      },
    ]);

    // a second render (a racing attempt) keeps the first one's copies and adds only the new recipient
    const again = await outbox.enqueue(n, [
      { ...draft('ann@x.example.org', true), subject: 'second render' },
      draft('bob@x.example.org', false),
    ]);
    expect(again.map((r) => [r.recipientEmail, r.subject])).toEqual([
      ['ann@x.example.org', 'Subject for Ann@X.example.org'],
      ['bob@x.example.org', 'Subject for bob@x.example.org'],
      ['zed@x.example.org', 'Subject for zed@x.example.org'],
    ]);
    const [{ count }] = await ds.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM email_links l JOIN email_outbox o ON o.id = l.outbox_id
        WHERE o.notification_key = $1`,
      [n.key],
    );
    expect(count).toBe(1);
  });

  it('claim returns the claimed row as stored with a link token for a row with a link; a second claim is busy', async () => {
    const n = notification(`outbox-claim-${Date.now()}`);
    const [withLink, withoutLink] = await outbox.enqueue(n, [
      draft('a@x.example.org', true),
      draft('b@x.example.org', false),
    ]);
    const claim = await outbox.claim(withLink.id);
    if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${claim.outcome}`);
    expect(claim.row).toEqual(await outbox.findById(withLink.id));
    expect(claim.row).toMatchObject({ status: 'sending', attempts: 1, claimId: claim.claimId });
    await expect(outbox.claim(withLink.id)).resolves.toMatchObject({ outcome: 'busy' });

    expect(claim.linkToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await ds.query<Array<{ link_id: string }>>(
      `SELECT t.link_id FROM email_link_tokens t JOIN email_links l ON l.id = t.link_id
        WHERE t.token_hash = $1 AND l.outbox_id = $2`,
      [sha256Hex(claim.linkToken as string), withLink.id],
    );
    expect(stored).toHaveLength(1);
    const other = await outbox.claim(withoutLink.id);
    expect(other).toMatchObject({ outcome: 'claimed', linkToken: null });

    await expect(outbox.markSent(withLink.id, claim.claimId, '250 OK')).resolves.toBe(true);
    await expect(outbox.claim(withLink.id)).resolves.toMatchObject({ outcome: 'done' });
  });

  it('confirm: a young held claim as is, an older one renewed while it is ours, refused once taken over', async () => {
    const n = notification(`outbox-confirm-${Date.now()}`);
    const { rows, claims } = await outbox.enqueueAndClaim(n, [draft('a@x.example.org', false)]);
    const [row] = rows;
    const held = claims.get(row.id);
    if (!held) throw new Error('expected a held claim');
    const statements = jest.spyOn(ds, 'query');
    await expect(outbox.confirm(row.id, held, held.since + 1_000)).resolves.toBe(true);
    expect(statements).not.toHaveBeenCalled();
    statements.mockRestore();
    // older than a sixth of the lease (60 s here): renewed in the database
    await ds.query(`UPDATE email_outbox SET claimed_at = now() - interval '50 seconds' WHERE id = $1`, [
      row.id,
    ]);
    await expect(outbox.confirm(row.id, held, held.since + 50_000)).resolves.toBe(true);
    const [{ age }] = await ds.query<Array<{ age: number }>>(
      `SELECT extract(epoch FROM now() - claimed_at)::float8 AS age FROM email_outbox WHERE id = $1`,
      [row.id],
    );
    expect(age).toBeLessThan(5);
    // the lease ran out and another attempt took the copy over: not ours to send any more
    await ds.query(`UPDATE email_outbox SET claimed_at = now() - interval '2 minutes' WHERE id = $1`, [
      row.id,
    ]);
    await expect(outbox.claim(row.id)).resolves.toMatchObject({ outcome: 'claimed' });
    await expect(outbox.confirm(row.id, held, held.since + 120_000)).resolves.toBe(false);
  });

  it('enqueueAndClaim stores the copies claimed, as claim would, with their link tokens, in one statement', async () => {
    const n = notification(`outbox-enqueue-claimed-${Date.now()}`);
    const statements = jest.spyOn(ds, 'query');
    const { rows, claims } = await outbox.enqueueAndClaim(n, [
      draft('b@x.example.org', false),
      draft('a@x.example.org', true),
    ]);
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();
    expect(rows).toEqual(await outbox.rowsFor(n.key));
    const [withLink, withoutLink] = rows;
    const held = claims.get(withLink.id);
    expect(rows.map((r) => [r.recipientEmail, r.status, r.attempts, r.claimId])).toEqual([
      ['a@x.example.org', 'sending', 1, held?.claimId],
      ['b@x.example.org', 'sending', 1, held?.claimId],
    ]);
    expect(claims.get(withoutLink.id)).toEqual({
      claimId: held?.claimId,
      linkToken: null,
      since: held?.since,
    });
    expect(held?.linkToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await ds.query<Array<{ link_id: string }>>(
      `SELECT t.link_id FROM email_link_tokens t JOIN email_links l ON l.id = t.link_id
        WHERE t.token_hash = $1 AND l.outbox_id = $2`,
      [sha256Hex(held?.linkToken as string), withLink.id],
    );
    expect(stored).toHaveLength(1);
    // held: nobody else may claim them; the holder records its outcome with the claim
    await expect(outbox.claim(withLink.id)).resolves.toMatchObject({ outcome: 'busy' });
    await expect(outbox.markSent(withLink.id, held?.claimId as string, '250 OK')).resolves.toBe(true);

    // a racing attempt keeps the stored copies and claims only the copy it inserted (c)
    const again = await outbox.enqueueAndClaim(n, [
      draft('a@x.example.org', true),
      draft('c@x.example.org', false),
    ]);
    expect(again.rows.map((r) => [r.recipientEmail, r.status])).toEqual([
      ['a@x.example.org', 'sent'],
      ['b@x.example.org', 'sending'],
      ['c@x.example.org', 'sending'],
    ]);
    expect([...again.claims.keys()]).toEqual([again.rows[2].id]);
  });
});

describe('through Temporal (retry policy, digest, schedules)', () => {
  let connection: NativeConnection;
  let client: Client;
  let clientConnection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `napflow-mail-test-${process.pid}`;

  beforeAll(async () => {
    const address = process.env.TEMPORAL_ADDRESS as string;
    const namespace = process.env.TEMPORAL_NAMESPACE as string;
    connection = await NativeConnection.connect({ address });
    clientConnection = await Connection.connect({ address });
    client = new Client({ connection: clientConnection, namespace });
    worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      workflowBundle: await bundleNapflowWorkflows(),
      activities: { notify, ...createDigestActivitiesFromDataSource(ds) },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await clientConnection?.close();
  });

  it('SMTP down, then back: the weekly digest is delivered once, by the retry policy; a re-run of the same week sends nothing', async () => {
    const scheduledFor = today.startOf('week').set({ hour: 9 }).toUTC().toISO() as string;
    const key = digestKey('KG-BS', new Date(scheduledFor).toISOString());
    await sink.goDown();
    const run = client.workflow.execute('digestWorkflow', {
      taskQueue,
      workflowId: `digest-test:KG-BS:${Date.now()}`,
      args: [{ agencyCode: 'KG-BS', scheduledFor }],
    });
    // the first attempt failed against the closed port and was recorded on the outbox row
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await outboxRows(key);
      if (rows.length && rows[0].last_error) break;
      if (Date.now() > deadline) throw new Error('the digest never attempted delivery');
      await new Promise((r) => setImmediate(r));
    }
    await sink.comeBack();
    await expect(run).resolves.toMatchObject({ key, status: 'sent', recipients: 1 });
    const [mail] = await receivedFor(key);
    expect(mail.to).toEqual(['deputy@moe.kg.example.org']);
    expect(mail.subject).toMatch(/^Weekly summary for Border Service, week of /);
    expect(mail.text).toContain('Accept the monitors');
    expect((await outboxRows(key))[0].attempts).toBeGreaterThanOrEqual(2);

    const again = await client.workflow.execute('digestWorkflow', {
      taskQueue,
      workflowId: `digest-test:KG-BS:again:${Date.now()}`,
      args: [{ agencyCode: 'KG-BS', scheduledFor }],
    });
    expect(again).toMatchObject({ key, status: 'already_sent' });
    expect(await receivedFor(key)).toHaveLength(1);
  });

  it("names each step of the weekly digest in its recipient's language, from the case's definition (uploaded or shipped)", async () => {
    const agencyCode = 'KG-MOI';
    await new AgenciesRepository(ds).insertMissing([
      { code: agencyCode, name: 'Ministry of Internal Affairs', stateCode: 'KG' },
    ]);
    const repo = new PeopleRepository(ds);
    for (const [email, name, language] of [
      ['azamat@moi.kg.example.org', 'Азамат Токтогулов', 'ru'],
      ['elena@moi.kg.example.org', 'Elena Brandt', 'en'],
    ] as const)
      await repo.create({ email, name, language, agencyCode, role: 'focal_point', passwordHash: null });
    // version 1 of "measure" exists only in code, version 2 only as an upload that renames the head's approval
    const measure = getShippedDefinition('measure', 1) as ProcessDefinition;
    await new DefinitionsRepository(ds).publish({
      key: 'measure',
      version: 2,
      publishedBy: null,
      definition: {
        ...measure,
        version: 2,
        steps: measure.steps.map((st) =>
          st.key === 'head_approval'
            ? { ...st, title: { ru: 'Решение министра', en: 'Decision of the minister' } }
            : st,
        ),
      },
    });
    // the read model's titles differ from the definitions' English ones: an English reader gets the definition's too
    const monday = today.startOf('week');
    const model = new ReadModelRepository(ds);
    await model.recordTransition(
      caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'MOI-1',
        title: 'Police training',
        definitionVersion: 1,
        steps: [
          stepSnapshot('execute', {
            title: 'Implementation',
            status: 'active',
            assignees: [agencyCode],
            dueOn: monday.minus({ days: 3 }).toISODate(),
            dueAt: monday.minus({ days: 3 }).set({ hour: 18 }).toUTC().toISO(),
          }),
        ],
      }),
      [caseEvent(1)],
    );
    await model.recordTransition(
      caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'MOI-2',
        title: 'Border checks',
        definitionVersion: 2,
        steps: [
          stepSnapshot('head_approval', {
            title: 'Approval by the head of the lead agency',
            kind: 'approval',
            status: 'active',
            assignees: [agencyCode],
            dueOn: today.plus({ days: 5 }).toISODate(),
            dueAt: today.plus({ days: 5 }).set({ hour: 18 }).toUTC().toISO(),
          }),
        ],
      }),
      [caseEvent(1)],
    );

    const scheduledFor = monday.set({ hour: 9 }).toUTC().toISO() as string;
    const key = digestKey(agencyCode, new Date(scheduledFor).toISOString());
    await expect(
      client.workflow.execute('digestWorkflow', {
        taskQueue,
        workflowId: `digest-test:${agencyCode}:${Date.now()}`,
        args: [{ agencyCode, scheduledFor }],
      }),
    ).resolves.toMatchObject({ key, status: 'sent', recipients: 2 });
    const texts = Object.fromEntries(
      (await receivedFor(key)).map((m) => [m.to[0], (m.text ?? '').replace(/\s+/g, ' ')]),
    );
    const ru = texts['azamat@moi.kg.example.org'];
    expect(ru).toContain('Police training (MOI-1): Исполнение меры ведущим ведомством');
    expect(ru).toContain('Border checks (MOI-2): Решение министра');
    // each item links to its case
    expect(ru).toContain(`${PUBLIC_URL}/app/cases/${caseIdForWorkflow('case:KG-NAP-2013:MOI-1')}`);
    expect(ru).not.toMatch(/Implementation|Approval by the head/);
    const en = texts['elena@moi.kg.example.org'];
    expect(en).toContain('Police training (MOI-1): Implementation by the lead agency');
    expect(en).toContain('Border checks (MOI-2): Decision of the minister');
  });

  it('keeps schedules while the worker runs: a later pass ensures only the agencies added or moved since', async () => {
    const suffix = Date.now().toString(36).toUpperCase();
    const [a, b] = [`KG-KEEP-A-${suffix}`, `KG-KEEP-B-${suffix}`];
    const targets = [{ agencyCode: a, timeZone: 'Asia/Bishkek' }];
    const keeper = new DigestScheduleKeeper(client, () => Promise.resolve([...targets]), { taskQueue });
    try {
      await expect(keeper.sync()).resolves.toEqual({ created: [`digest:${a}`], updated: [] });
      await expect(keeper.sync()).resolves.toEqual({ created: [], updated: [] });
      targets.push({ agencyCode: b, timeZone: 'Asia/Bishkek' });
      await expect(keeper.sync()).resolves.toEqual({ created: [`digest:${b}`], updated: [] });
      targets[0] = { agencyCode: a, timeZone: 'Asia/Dushanbe' };
      await expect(keeper.sync()).resolves.toEqual({ created: [], updated: [`digest:${a}`] });
      expect((await client.schedule.getHandle(`digest:${a}`).describe()).spec.timezone).toBe('Asia/Dushanbe');
      await expect(keeper.sync()).resolves.toEqual({ created: [], updated: [] });
    } finally {
      for (const code of [a, b])
        await client.schedule
          .getHandle(`digest:${code}`)
          .delete()
          .catch(() => undefined);
    }
  });

  it('creates one schedule per agency, Mondays 09:00 in the state time zone, and updates it when it exists', async () => {
    // agency codes of this test alone: workers started by other suites ensure schedules for the shared agencies
    const suffix = Date.now().toString(36).toUpperCase();
    const [kg, tj] = [`KG-SCS-${suffix}`, `TJ-CS-${suffix}`];
    const targets = [
      { agencyCode: kg, timeZone: 'Asia/Bishkek' },
      { agencyCode: tj, timeZone: 'Asia/Dushanbe' },
    ];
    try {
      await expect(ensureDigestSchedules(client, targets, { taskQueue })).resolves.toEqual({
        created: [`digest:${kg}`, `digest:${tj}`],
        updated: [],
      });
      await expect(ensureDigestSchedules(client, targets, { taskQueue })).resolves.toEqual({
        created: [],
        updated: [`digest:${kg}`, `digest:${tj}`],
      });
      const d = await client.schedule.getHandle(`digest:${tj}`).describe();
      expect(d.spec.timezone).toBe('Asia/Dushanbe');
      expect(d.spec.calendars?.[0]).toMatchObject({
        hour: [{ start: 9, end: 9, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
      });
      expect(JSON.stringify(d.spec.calendars?.[0]?.dayOfWeek)).toContain('MONDAY');
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'digestWorkflow',
        workflowId: `digest:${tj}`,
        taskQueue,
      });
      const next = d.info.nextActionTimes[0];
      const local = DateTime.fromJSDate(next).setZone('Asia/Dushanbe');
      expect([local.weekday, local.hour, local.minute]).toEqual([1, 9, 0]);
    } finally {
      for (const t of targets)
        await client.schedule
          .getHandle(`digest:${t.agencyCode}`)
          .delete()
          .catch(() => undefined);
    }
  });
});
