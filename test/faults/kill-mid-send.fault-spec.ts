// Drill: the worker SIGKILLed in the middle of a send, at the worst moment: the SMTP server has stored the message
// and its 250 is on the way, the database is out of reach so the acknowledgement cannot be written. A new worker
// (same disk) takes the claim over once its lease has run out and must not send the copy again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReceivedMail } from '@app/devstack';
import {
  createMeasure,
  eventually,
  expectMailExactlyOnce,
  LEADS,
  useWorkerChildDrill,
} from './support/fault-stack';

describe('worker killed in the middle of a send', () => {
  const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-drill-journal-'));
  const drill = useWorkerChildDrill({
    databaseProxy: true,
    workerEnv: () => ({
      NAPFLOW_OUTBOX_JOURNAL_DIR: journalDir,
      // the shortest lease allowed, so the takeover comes 30 s after the claim rather than 3 min
      NAPFLOW_OUTBOX_LEASE_SECONDS: '30',
    }),
  });

  const journalEntries = () => fs.readdirSync(journalDir).filter((f) => f.endsWith('.json'));

  it('sends the copy the server accepted exactly once, recorded from the sent journal after the restart', async () => {
    const { stack, s } = drill;
    const id = await createMeasure(s, 'MID-1', LEADS[0], stack);
    await expectMailExactlyOnce(stack);
    const lead = s.focal[LEADS[0]];

    // the next message is stored by the server, but its 250 is held back for 4 s
    stack.sink.setFaults({ holdReplyNext: 1, holdReplyMs: 4000 });
    const stored = new Promise<ReceivedMail>((resolve) => {
      const off = stack.sink.onMessage((m) => (off(), resolve(m)));
    });
    expect((await lead.send('POST', `/cases/${id}/steps/execute/complete`, { note: 'done' })).status).toBe(
      200,
    );
    const held = await stored;
    // while the reply is held: the database goes away, so the acknowledgement cannot be written
    await stack.proxy?.down();
    await eventually(
      'the worker to journal the accepted copy',
      async () => journalEntries().length > 0,
      15_000,
      50,
    );
    const [entry] = journalEntries();
    const journaled = JSON.parse(fs.readFileSync(path.join(journalDir, entry), 'utf8')) as {
      messageId: string;
    };
    expect(journaled.messageId).toBe(held.messageId);
    await drill.worker?.kill('SIGKILL');
    await stack.proxy?.up();

    const rowId = entry.replace(/\.json$/, '');
    const [claimed] = await stack.query<{ status: string; message_id: string }>(
      `SELECT status, message_id FROM email_outbox WHERE id = $1`,
      [rowId],
    );
    // the dead worker's claim: the database never heard that the server accepted the copy
    expect(claimed).toEqual({ status: 'sending', message_id: held.messageId });

    await drill.startWorker();
    await eventually(
      'the claimed copy to be recorded as sent',
      async () =>
        (await stack.query<{ status: string }>(`SELECT status FROM email_outbox WHERE id = $1`, [rowId]))[0]
          ?.status === 'sent',
      180_000,
    );
    await expectMailExactlyOnce(stack, 120_000);
    const [row] = await stack.query<{ smtp_response: string; attempts: number }>(
      `SELECT smtp_response, attempts FROM email_outbox WHERE id = $1`,
      [rowId],
    );
    expect(row.smtp_response).toMatch(/\(recovered from the sent journal\)$/);
    expect(row.attempts).toBe(2);
    expect(stack.sink.messages().filter((m) => m.messageId === held.messageId)).toHaveLength(1);
    expect(journalEntries()).toEqual([]);
  });
});
