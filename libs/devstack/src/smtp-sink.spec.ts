import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { readMailIndex, SmtpSink } from './smtp-sink';
import { startMailboxServer, type MailboxServer } from './mailbox-page';

describe(SmtpSink.name, () => {
  let dir: string;
  let sink: SmtpSink;
  let seq = 0;

  const send = async (overrides: Partial<nodemailer.SendMailOptions> = {}) => {
    const transport = nodemailer.createTransport(sink.url);
    try {
      return await transport.sendMail({
        from: 'noreply@napflow.example',
        to: 'focal.point@border.example.kg',
        subject: `probe ${++seq}`,
        text: 'hello',
        messageId: `<probe-${seq}-${Date.now()}@napflow.example>`,
        ...overrides,
      });
    } finally {
      transport.close();
    }
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the send to fail');
      },
      (err: { responseCode?: number; code?: string }) => err,
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-sink-spec-'));
    sink = await SmtpSink.start({ dir });
  });
  afterEach(async () => {
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its index as appended JSON lines, and still reads the index of earlier versions', async () => {
    await send({ subject: 'appended' });
    await sink.stop();
    const entry = (subject: string, id: string) => ({
      id,
      messageId: `<${id}@napflow>`,
      from: 'a@b',
      to: ['c@d'],
      subject,
      date: '2026-11-27T10:00:00.000Z',
      receivedAt: '2026-11-27T10:00:00.000Z',
      file: `${id}.eml`,
      size: 10,
    });
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify([entry('from the old index', 'old-1')]));
    // a line cut short by a crash mid-append loses that line of the listing only
    fs.appendFileSync(path.join(dir, 'index.jsonl'), '{"id":"cut-sh');
    expect(readMailIndex(dir).map((m) => m.subject)).toEqual(['from the old index', 'appended']);
    sink = await SmtpSink.start({ dir });
    expect(sink.messages().map((m) => m.subject)).toEqual(['from the old index', 'appended']);
    await send({ subject: 'after the restart' });
    expect(readMailIndex(dir).map((m) => m.subject)).toEqual([
      'from the old index',
      'appended',
      'after the restart',
    ]);
  });

  describe('receive', () => {
    it('stores the message as .eml and indexes it before answering 250', async () => {
      const info = await send({ subject: 'Проект закона', cc: 'observer@osce.example' });
      const index = readMailIndex(dir);
      expect(index).toHaveLength(1);
      expect(index[0]).toMatchObject({
        messageId: info.messageId,
        subject: 'Проект закона',
        to: ['focal.point@border.example.kg', 'observer@osce.example'],
      });
      expect(fs.readFileSync(path.join(dir, index[0].file), 'utf8')).toContain(
        `Message-ID: ${info.messageId}`,
      );
      expect(sink.messages()[0].text?.trim()).toBe('hello');
    });

    it('keeps earlier mail when started again on the same dir', async () => {
      await send({ subject: 'before restart' });
      await sink.stop();
      sink = await SmtpSink.start({ dir });
      expect(sink.messages().map((m) => m.subject)).toEqual(['before restart']);
      expect((await sink.read(sink.messages()[0].id))?.text?.trim()).toBe('hello');
    });
  });

  describe('headers only (the benchmarks)', () => {
    it('records Message-ID, recipients and the raw header fields without decoding the body, and reads it whole later', async () => {
      await sink.stop();
      sink = await SmtpSink.start({ dir, parse: 'headers' });
      const info = await send({
        subject: 'Проект закона',
        html: '<p>Согласование</p>',
        cc: 'observer@osce.example',
      });
      const [m] = sink.messages();
      expect(m).toMatchObject({
        messageId: info.messageId,
        to: ['focal.point@border.example.kg', 'observer@osce.example'],
        from: 'noreply@napflow.example',
      });
      // the encoded word as sent, not decoded; no body parsed
      expect(m.subject).toMatch(/^=\?UTF-8\?/i);
      expect(m.text).toBeUndefined();
      expect(m.html).toBeUndefined();
      expect(m.headers['message-id']).toBe(info.messageId);
      expect(Date.parse(m.date)).not.toBeNaN();
      const whole = await sink.read(m.id);
      expect(whole?.subject).toBe('Проект закона');
      expect(whole?.text?.trim()).toBe('hello');
      expect(whole?.html).toContain('Согласование');
    });
  });

  describe('waitFor', () => {
    it('resolves with a message that arrives later', async () => {
      const waiting = sink.waitFor((m) => m.subject === 'later', 5000);
      await send({ subject: 'later' });
      await expect(waiting).resolves.toMatchObject({ subject: 'later' });
    });

    it('rejects after the timeout, saying what did arrive', async () => {
      await send({ subject: 'something else' });
      await expect(sink.waitFor((m) => m.subject === 'never', 50)).rejects.toThrow(/something else/);
    });
  });

  describe('faults', () => {
    it('answers 451 to the next N transactions, then accepts', async () => {
      sink.setFaults({ tempFailNext: 2 });
      expect((await failure(send())).responseCode).toBe(451);
      expect((await failure(send())).responseCode).toBe(451);
      await send();
      expect(sink.stats).toMatchObject({ tempFailed: 2, accepted: 1 });
    });

    it('answers 451 to every command at a rate of 1, and to none at 0', async () => {
      sink.setFaults({ tempFailRate: 1 });
      expect((await failure(send())).responseCode).toBe(451);
      sink.setFaults({ tempFailRate: 0 });
      await send();
      expect(sink.messages()).toHaveLength(1);
    });

    it('refuses chosen recipients with 550 and delivers to the others', async () => {
      sink.setFaults({ reject: (rcpt) => rcpt.endsWith('@bounce.example') });
      const info = await send({ to: ['gone@bounce.example', 'ok@economy.example.kg'] });
      expect(info.rejected).toEqual(['gone@bounce.example']);
      expect(sink.messages()[0].to).toEqual(['ok@economy.example.kg']);
      sink.setFaults({ reject: true });
      expect((await failure(send())).responseCode).toBe(550);
    });

    it('drops the connection after DATA without replying, and stores nothing', async () => {
      sink.setFaults({ dropAfterData: 1 });
      const err = await failure(send());
      expect(err.responseCode).toBeUndefined();
      expect(sink.messages()).toHaveLength(0);
      await send();
      expect(sink.stats).toMatchObject({ dropped: 1, accepted: 1 });
    });

    it('goes down and comes back on the same port', async () => {
      const url = sink.url;
      await sink.goDown();
      expect(sink.isUp).toBe(false);
      expect((await failure(send())).code).toBe('ESOCKET');
      await sink.comeBack();
      expect(sink.url).toBe(url);
      await send();
      expect(sink.messages()).toHaveLength(1);
    });
  });
});

describe(startMailboxServer.name, () => {
  let dir: string;
  let sink: SmtpSink;
  let mailbox: MailboxServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-mailbox-spec-'));
    sink = await SmtpSink.start({ dir });
    mailbox = await startMailboxServer(sink);
    const transport = nodemailer.createTransport(sink.url);
    for (const subject of ['first <b>', 'second']) {
      await transport.sendMail({
        from: 'noreply@napflow.example',
        to: 'coordinator@economy.example.kg',
        subject,
        text: `text of ${subject}`,
        html: `<p>html of ${subject}</p><script>alert(1)</script>`,
      });
    }
    transport.close();
  });
  afterAll(async () => {
    await mailbox.stop();
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists messages newest first in JSON', async () => {
    const list = (await (await fetch(`${mailbox.url}/api/messages`)).json()) as Array<{ subject: string }>;
    expect(list.map((m) => m.subject)).toEqual(['second', 'first <b>']);
  });

  it('escapes subjects on the list page', async () => {
    const page = await (await fetch(`${mailbox.url}/`)).text();
    expect(page).toContain('first &lt;b&gt;');
    expect(page.indexOf('second')).toBeLessThan(page.indexOf('first &lt;b&gt;'));
  });

  it('shows a message with its text and its HTML in a sandboxed iframe', async () => {
    const [latest] = sink.messages().reverse();
    const page = await (await fetch(`${mailbox.url}/messages/${latest.id}`)).text();
    expect(page).toContain('text of second');
    expect(page).toContain(`<iframe sandbox src="/messages/${latest.id}/html"`);
    const html = await fetch(`${mailbox.url}/messages/${latest.id}/html`);
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox/);
  });

  it('answers 404 for an unknown message', async () => {
    expect((await fetch(`${mailbox.url}/messages/nope`)).status).toBe(404);
  });
});
