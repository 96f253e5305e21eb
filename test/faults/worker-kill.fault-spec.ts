// Drills: the worker SIGKILLed between an accepted approval and its notification (SMTP is away, so the notification
// is still being retried), then restarted: the approval is applied once, every email goes out once. And the worker
// SIGKILLed while an import starts its cases: every case starts once, each agency gets its list of new steps once.
import {
  createMeasure,
  eventually,
  expectMailExactlyOnce,
  LEADS,
  useWorkerChildDrill,
  waitForCaseIdle,
} from './support/fault-stack';

describe('worker killed (SIGKILL)', () => {
  // a copy claimed by a killed worker is taken over once its lease has run out: 30 s here (the shortest allowed)
  const drill = useWorkerChildDrill({ workerEnv: () => ({ NAPFLOW_OUTBOX_LEASE_SECONDS: '30' }) });

  it('applies the approval once and sends each email once after a kill and a restart', async () => {
    const { stack, s } = drill;
    const id = await createMeasure(s, 'KILL-1', LEADS[0], stack);
    const wf = `case:${s.plan}:KILL-1`;
    await waitForCaseIdle(stack, drill.client, wf);
    await expectMailExactlyOnce(stack);
    const lead = s.focal[LEADS[0]];
    expect((await lead.send('POST', `/cases/${id}/steps/execute/complete`, { note: 'done' })).status).toBe(
      200,
    );
    await waitForCaseIdle(stack, drill.client, wf);
    await expectMailExactlyOnce(stack);

    await stack.sink.goDown();
    const sinkDownAt = new Date();
    const decision = await lead.send('POST', `/cases/${id}/steps/head_approval/decision`, {
      decision: 'approve',
    });
    expect(decision.status).toBe(200);
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

    // done means the case is idle: the decision's notices go out in batches, and the one after the restart's first
    // may wait on the dead worker's sticky queue before it is even stored
    await waitForCaseIdle(stack, drill.client, wf);
    // the approval's notices, each sent: the lead hears of the decision, the coordinator is asked for the next one
    const notices = await stack.query<{ kind: string; recipient_email: string; status: string }>(
      `SELECT kind, recipient_email, status FROM email_outbox
        WHERE workflow_id = $1 AND created_at >= $2 ORDER BY kind, recipient_email`,
      [wf, sinkDownAt],
    );
    expect(notices.map((n) => [n.kind, n.recipient_email, n.status])).toEqual([
      ['decision_made', 'coordinator@drill.napflow.example.org', 'sent'],
      ['decision_made', 'fp-kg-scs@drill.napflow.example.org', 'sent'],
      ['decision_requested', 'coordinator@drill.napflow.example.org', 'sent'],
    ]);
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

  it("starts every imported case once and sends each agency's list of new steps once after a kill mid-import", async () => {
    const { stack, s } = drill;
    const codes = Array.from({ length: 12 }, (_, i) => `IMP-${String(i + 1).padStart(2, '0')}`);
    const leadOf = (i: number) => LEADS[i % 2];
    const csv = [
      'code,title,leadAgency,dueOn',
      ...codes.map((c, i) => `${c},Imported measure ${c},${leadOf(i)},2031-0${1 + (i % 9)}-15`),
    ].join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'measures.csv');
    const answer = s.coordinator.send('POST', `/plans/${s.plan}/import`, form);
    // the worker goes as soon as the first case is reserved: the rest start while it is away
    await eventually(
      'the first imported case to be reserved',
      async () =>
        (
          await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE code = ANY($1)`, [
            codes,
          ])
        )[0].n > 0,
      30_000,
      5,
    );
    let answeredAt = 0;
    void answer.then(() => (answeredAt = Date.now()));
    await drill.worker?.kill('SIGKILL');
    const killedAt = Date.now();
    const report = await answer;
    expect({ status: report.status, body: report.body }).toMatchObject({
      status: 200,
      body: { created: 12, notices: 'per_agency' },
    });
    await drill.startWorker();

    const workflowIds = codes.map((c) => `case:${s.plan}:${c}`);
    await eventually(
      'every imported case to be projected',
      async () =>
        (
          await stack.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM cases WHERE workflow_id = ANY($1) AND seq >= 0`,
            [workflowIds],
          )
        )[0].n === 12,
      120_000,
    );
    const lists = () =>
      stack.query<{ recipient_email: string; status: string; text_body: string }>(
        `SELECT recipient_email, status, text_body FROM email_outbox
          WHERE kind = 'steps_assigned' AND workflow_id LIKE $1 ORDER BY recipient_email`,
        [`import-notices:${s.plan}:%`],
      );
    await eventually('each agency to have its list', async () => (await lists()).length === 2, 120_000);
    // the lists go out once the import has answered: answered before the kill (a fast import), the killed worker may
    // have begun sending them (rows claimed, taken over when their lease runs out)
    console.warn(`[worker-kill] import answered ${answeredAt - killedAt} ms after the kill`);
    await expectMailExactlyOnce(stack, 120_000);

    // one list per agency (one focal point each), sent, naming its six measures; no email per step
    const sent = await lists();
    expect(sent.map((r) => [r.recipient_email, r.status])).toEqual([
      ['fp-kg-bs@drill.napflow.example.org', 'sent'],
      ['fp-kg-scs@drill.napflow.example.org', 'sent'],
    ]);
    for (const [k, lead] of [
      [0, 'KG-BS'],
      [1, 'KG-SCS'],
    ] as const) {
      const named = codes.filter((c) => sent[k].text_body.includes(`(${c})`));
      expect({ lead, named }).toEqual({ lead, named: codes.filter((_, i) => leadOf(i) === lead) });
    }
    const perStep = await stack.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM email_outbox WHERE workflow_id = ANY($1)`,
      [workflowIds],
    );
    expect(perStep[0].n).toBe(0);
    // every case started once: one start in each audit trail
    const starts = await stack.query<{ code: string; n: number }>(
      `SELECT c.code, count(a.*)::int AS n FROM cases c
         LEFT JOIN audit_events a ON a.case_id = c.id AND a.type = 'case_started'
        WHERE c.workflow_id = ANY($1) GROUP BY c.code ORDER BY c.code`,
      [workflowIds],
    );
    expect(starts).toEqual(codes.map((code) => ({ code, n: 1 })));
  });
});
