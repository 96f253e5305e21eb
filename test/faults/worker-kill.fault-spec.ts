// Drill: the worker SIGKILLed between an accepted approval and its notification (SMTP is away, so the notification
// is still being retried), then restarted: the approval is applied once, every email goes out once.
import {
  createMeasure,
  eventually,
  expectMailExactlyOnce,
  LEADS,
  useWorkerChildDrill,
} from './support/fault-stack';

describe('worker killed (SIGKILL)', () => {
  const drill = useWorkerChildDrill({});

  it('applies the approval once and sends each email once after a kill and a restart', async () => {
    const { stack, s } = drill;
    const id = await createMeasure(s, 'KILL-1', LEADS[0], stack);
    await expectMailExactlyOnce(stack);
    const lead = s.focal[LEADS[0]];
    expect((await lead.send('POST', `/cases/${id}/steps/execute/complete`, { note: 'done' })).status).toBe(
      200,
    );
    await expectMailExactlyOnce(stack);

    await stack.sink.goDown();
    const decision = await lead.send('POST', `/cases/${id}/steps/head_approval/decision`, {
      decision: 'approve',
    });
    expect(decision.status).toBe(200);
    const wf = `case:${s.plan}:KILL-1`;
    await eventually('the decision notifications to be waiting for SMTP', async () => {
      const rows = await stack.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM email_outbox WHERE workflow_id = $1 AND status = 'pending' AND attempts >= 1`,
        [wf],
      );
      return rows[0].n > 0;
    });

    await drill.worker?.kill('SIGKILL');
    await stack.sink.comeBack();
    await drill.startWorker();

    await eventually(
      'every notification to be sent',
      async () => {
        const rows = await stack.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM email_outbox WHERE workflow_id = $1 AND status <> 'sent'`,
          [wf],
        );
        return rows[0].n === 0;
      },
      120_000,
    );
    await expectMailExactlyOnce(stack);

    const decisions = await stack.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'decision'`,
      [id],
    );
    expect(decisions[0].n).toBe(1);
    const steps = await stack.query<{ key: string; status: string }>(
      `SELECT key, status FROM case_steps WHERE case_id = $1`,
      [id],
    );
    expect(Object.fromEntries(steps.map((x) => [x.key, x.status]))).toEqual(
      expect.objectContaining({ execute: 'done', head_approval: 'done', coordinator_approval: 'active' }),
    );
    // the same decision again is refused (already taken), not applied twice; a 503 right after the restart (the
    // update waited on the dead worker's sticky queue) means "try again shortly", which a client does
    let again = await lead.send('POST', `/cases/${id}/steps/head_approval/decision`, { decision: 'approve' });
    const transient: unknown[] = [];
    for (let i = 0; i < 10 && again.status === 503; i++) {
      transient.push(again.body);
      again = await lead.send('POST', `/cases/${id}/steps/head_approval/decision`, { decision: 'approve' });
    }
    expect({ status: again.status, transient503s: transient.length }).toEqual({
      status: 409,
      transient503s: expect.any(Number),
    });
    if (transient.length)
      console.warn(
        `duplicate decision answered 503 ${transient.length}× before 409: ${JSON.stringify(transient[0])}`,
      );
    const after = await stack.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'decision'`,
      [id],
    );
    expect(after[0].n).toBe(1);
  });
});
