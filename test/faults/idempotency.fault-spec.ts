// Drill: one hundred concurrent identical writes with one Idempotency-Key act once.
import { randomUUID } from 'node:crypto';
import {
  createMeasure,
  eventually,
  expectMailExactlyOnce,
  type FaultStack,
  LEADS,
  type Seeded,
  seedDrill,
  startFaultStack,
} from './support/fault-stack';

describe('Idempotency-Key under concurrency', () => {
  let stack: FaultStack;
  let s: Seeded;

  beforeAll(async () => {
    stack = await startFaultStack({ worker: 'in-process' });
    s = await seedDrill(stack.baseUrl);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates one case and one workflow when 100 identical creates share a key', async () => {
    const key = randomUUID();
    const body = {
      kind: 'measure',
      code: 'IDEM-1',
      title: 'Idempotent create',
      leadAgency: LEADS[0],
      dueOn: '2031-06-30',
    };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        s.coordinator.send('POST', `/plans/${s.plan}/cases`, body, { 'Idempotency-Key': key }),
      ),
    );
    const statuses = [...new Set(answers.map((a) => a.status))];
    expect(statuses).toEqual([201]);
    const ids = new Set(answers.map((a) => (a.body as { id: string }).id));
    expect(ids.size).toBe(1);

    const [id] = [...ids];
    await eventually('the case to be projected', async () => {
      const rows = await stack.query<{ seq: number }>(`SELECT seq::int AS seq FROM cases WHERE id = $1`, [
        id,
      ]);
      return rows[0]?.seq >= 0;
    });
    expect(
      await stack.query(`SELECT id FROM cases WHERE plan_code = $1 AND code = 'IDEM-1'`, [s.plan]),
    ).toHaveLength(1);
    const started = await stack.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'case_started'`,
      [id],
    );
    expect(started[0].n).toBe(1);
    await expectMailExactlyOnce(stack);
  });

  it('applies one decision when 100 identical decisions share a key', async () => {
    const id = await createMeasure(s, 'IDEM-2', LEADS[0], stack);
    const done = await s.focal[LEADS[0]].send('POST', `/cases/${id}/steps/execute/complete`, {
      note: 'done',
    });
    expect(done.status).toBe(200);

    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        s.focal[LEADS[0]].send(
          'POST',
          `/cases/${id}/steps/head_approval/decision`,
          { decision: 'approve' },
          { 'Idempotency-Key': key },
        ),
      ),
    );
    expect([...new Set(answers.map((a) => a.status))]).toEqual([200]);
    // every answer is the first answer
    // the replays come from the stored first answer (jsonb: key order may differ): equal as JSON values
    for (const a of answers) expect(a.body).toEqual(answers[0].body);

    await eventually('the decision to reach the audit trail', async () => {
      const rows = await stack.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'decision' AND step_key = 'head_approval'`,
        [id],
      );
      return rows[0].n >= 1;
    });
    const decisions = await stack.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'decision'`,
      [id],
    );
    expect(decisions[0].n).toBe(1);
    const steps = await stack.query<{ key: string; status: string }>(
      `SELECT key, status FROM case_steps WHERE case_id = $1 ORDER BY position`,
      [id],
    );
    expect(steps.find((x) => x.key === 'head_approval')?.status).toBe('done');
    expect(steps.find((x) => x.key === 'coordinator_approval')?.status).toBe('active');
    await expectMailExactlyOnce(stack);
  });

  it('answers 422/409 without acting when the same key comes with another body', async () => {
    const key = randomUUID();
    const first = await s.coordinator.send(
      'POST',
      `/plans/${s.plan}/cases`,
      { kind: 'measure', code: 'IDEM-3', title: 'A', leadAgency: LEADS[0], dueOn: '2031-06-30' },
      { 'Idempotency-Key': key },
    );
    expect(first.status).toBe(201);
    const second = await s.coordinator.send(
      'POST',
      `/plans/${s.plan}/cases`,
      { kind: 'measure', code: 'IDEM-4', title: 'B', leadAgency: LEADS[0], dueOn: '2031-06-30' },
      { 'Idempotency-Key': key },
    );
    expect(second.status).toBeGreaterThanOrEqual(400);
    expect(second.status).toBeLessThan(500);
    expect(
      await stack.query(`SELECT id FROM cases WHERE plan_code = $1 AND code = 'IDEM-4'`, [s.plan]),
    ).toHaveLength(0);
  });
});
