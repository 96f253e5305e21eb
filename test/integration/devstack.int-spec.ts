// Proves the services the global setup provides are real: PostgreSQL answers SQL, Temporal answers the
// workflow service, mail sent over SMTP lands in the sink's maildir, and the sink's faults behave.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { NAPFLOW_SEARCH_ATTRIBUTES, pgQuery, SmtpSink } from '@app/devstack';
import { testServices, waitForMail } from '../support/services';

describe('devstack services', () => {
  const services = testServices();

  describe('PostgreSQL', () => {
    it('answers a query on the napflow database', async () => {
      const [row] = await pgQuery<{ db: string; version: string; sum: number }>(
        services.databaseUrl,
        'select current_database() as db, version() as version, $1::int + 1 as sum',
        [41],
      );
      expect(row.db).toBe('napflow');
      expect(row.version).toMatch(/^PostgreSQL \d+/);
      expect(row.sum).toBe(42);
    });

    it('keeps what a transaction commits', async () => {
      const table = `devstack_probe_${process.pid}`;
      await pgQuery(services.databaseUrl, `create table ${table} (id int primary key, note text)`);
      try {
        await pgQuery(services.databaseUrl, `insert into ${table} values (1, 'Бишкек')`);
        const rows = await pgQuery<{ note: string }>(
          services.databaseUrl,
          `select note from ${table} where id = 1`,
        );
        expect(rows).toEqual([{ note: 'Бишкек' }]);
      } finally {
        await pgQuery(services.databaseUrl, `drop table ${table}`);
      }
    });
  });

  describe('Temporal', () => {
    let connection: Connection;
    beforeAll(async () => {
      connection = await Connection.connect({ address: services.temporal.address });
    });
    afterAll(async () => {
      await connection.close();
    });

    it('describes the napflow namespace', async () => {
      const res = await connection.workflowService.describeNamespace({
        namespace: services.temporal.namespace,
      });
      expect(res.namespaceInfo?.name).toBe('napflow');
    });

    it('has the napflow search attributes registered', async () => {
      const res = await connection.operatorService.listSearchAttributes({
        namespace: services.temporal.namespace,
      });
      expect(Object.keys(res.customAttributes ?? {})).toEqual(
        expect.arrayContaining(Object.keys(NAPFLOW_SEARCH_ATTRIBUTES)),
      );
    });
  });

  describe('SMTP', () => {
    it('delivers a mail sent with nodemailer into the sink, with its Message-ID', async () => {
      const transport = nodemailer.createTransport(services.smtp.url);
      const messageId = `<devstack-${Date.now()}@napflow.example>`;
      try {
        const info = await transport.sendMail({
          from: 'napflow <noreply@napflow.example>',
          to: 'focal.point@customs.example.kg',
          subject: 'Напоминание: срок меры 1 января 2015',
          text: 'The radiation portal monitors handover is due.',
          html: '<p>The radiation portal monitors handover is <b>due</b>.</p>',
          messageId,
        });
        expect(info.rejected).toEqual([]);
      } finally {
        transport.close();
      }

      const mail = await waitForMail((m) => m.messageId === messageId, 10_000);
      expect(mail.to).toEqual(['focal.point@customs.example.kg']);
      expect(mail.subject).toBe('Напоминание: срок меры 1 января 2015');
      expect(mail.text).toContain('radiation portal monitors');
      expect(mail.html).toContain('<b>due</b>');

      if (services.smtp.mailboxUrl) {
        const res = await fetch(`${services.smtp.mailboxUrl}/api/messages`);
        const listed = (await res.json()) as Array<{ messageId?: string }>;
        expect(listed.map((m) => m.messageId)).toContain(messageId);
      }
    });
  });

  describe(SmtpSink.name, () => {
    let dir: string;
    let sink: SmtpSink;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-sink-'));
      sink = await SmtpSink.start({ dir });
    });
    afterAll(async () => {
      await sink.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('answers 451 once, then accepts the retried message exactly once', async () => {
      sink.setFaults({ tempFailNext: 1 });
      const transport = nodemailer.createTransport(sink.url);
      const messageId = `<retry-${Date.now()}@napflow.example>`;
      const message = {
        from: 'noreply@napflow.example',
        to: 'coordinator@economy.example.kg',
        subject: 'retry',
        text: 'x',
        messageId,
      };
      try {
        // What the outbox does: a 4xx is transient, so try again.
        const attempts: Array<number | 'ok'> = [];
        for (let attempt = 0; attempt < 3 && attempts.at(-1) !== 'ok'; attempt++) {
          try {
            await transport.sendMail(message);
            attempts.push('ok');
          } catch (err) {
            attempts.push((err as { responseCode: number }).responseCode);
          }
        }
        expect(attempts).toEqual([451, 'ok']);
      } finally {
        transport.close();
      }
      await sink.waitFor((m) => m.messageId === messageId, 5000);
      expect(sink.messages().filter((m) => m.messageId === messageId)).toHaveLength(1);
      expect(sink.stats.tempFailed).toBe(1);
    });
  });
});
