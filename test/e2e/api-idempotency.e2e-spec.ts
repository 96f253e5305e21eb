// Idempotency-Key: the same request twice, also concurrently, acts once and both get the first answer.
import { DataSource } from 'typeorm';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

jest.setTimeout(180_000);

describe('API idempotency', () => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const body = (code: string) => ({
    kind: 'measure',
    code,
    title: `Measure ${code}`,
    leadAgency: w.agencies.lead,
    dueOn: '2031-12-31',
  });

  it('creates a case once for concurrent requests with the same key; both get the same 201', async () => {
    const send = () =>
      h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(auth(w.tokens.coordinator))
        .set('Idempotency-Key', `create-${h.tag}`)
        .send(body('K-01'));
    const results = await Promise.all([send(), send(), send()]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    for (const r of results) expect(r.body).toEqual(results[0].body);
    const list = await h.http().get(`/cases?plan=${w.plan}&text=K-01`).set(auth(w.tokens.coordinator));
    expect((list.body as { total: number }).total).toBe(1);
  });

  it('completes a step once for concurrent identical requests; a later repeat replays the answer', async () => {
    const created = await h
      .http()
      .post(`/plans/${w.plan}/cases`)
      .set(auth(w.tokens.coordinator))
      .send(body('K-02'));
    const id = (created.body as { id: string }).id;
    await eventually(async () => {
      const r = await h.http().get(`/cases/${id}`).set(auth(w.tokens.lead));
      return (r.body as { steps?: { key: string; status: string }[] }).steps?.some(
        (s) => s.key === 'execute' && s.status === 'active',
      )
        ? true
        : undefined;
    }, 'the execute step');
    const send = () =>
      h
        .http()
        .post(`/cases/${id}/steps/execute/complete`)
        .set(auth(w.tokens.lead))
        .set('Idempotency-Key', `complete-${h.tag}`)
        .send({ note: 'done' });
    const results = await Promise.all([send(), send(), send(), send()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const r of results) expect(r.body).toEqual(results[0].body);
    const later = await send();
    expect(later.status).toBe(200);
    expect(later.body).toEqual(results[0].body);

    const view = await h.http().get(`/cases/${id}`).set(auth(w.tokens.lead));
    const completes = (view.body as { steps: { key: string; actions: { action: string }[] }[] }).steps
      .find((s) => s.key === 'execute')
      ?.actions.filter((a) => a.action === 'complete');
    expect(completes).toHaveLength(1);
    const events = await h.app
      .get(DataSource)
      .query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_events WHERE case_id = $1 AND type = 'step_completed' AND step_key = 'execute'`,
        [id],
      );
    expect(events[0].n).toBe(1);

    // without the key, a second completion is a conflict: the step is no longer open
    const noKey = await h
      .http()
      .post(`/cases/${id}/steps/execute/complete`)
      .set(auth(w.tokens.lead))
      .send({ note: 'done' });
    expect(noKey.status).toBe(409);
  });

  it('refuses a key reused for another request, and replays a refusal as it was', async () => {
    const first = await h
      .http()
      .post(`/plans/${w.plan}/cases`)
      .set(auth(w.tokens.coordinator))
      .set('Idempotency-Key', `reuse-${h.tag}`)
      .send(body('K-03'));
    expect(first.status).toBe(201);
    const other = await h
      .http()
      .post(`/plans/${w.plan}/cases`)
      .set(auth(w.tokens.coordinator))
      .set('Idempotency-Key', `reuse-${h.tag}`)
      .send(body('K-04'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });

    const bad = () =>
      h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(auth(w.tokens.coordinator))
        .set('Idempotency-Key', `bad-${h.tag}`)
        .send({ ...body('K-05'), dueOn: '2015-02-30' });
    const a = await bad();
    const b = await bad();
    expect([a.status, b.status]).toEqual([400, 400]);
    expect(b.body).toEqual(a.body);
    expect(b.headers['content-type']).toMatch(/problem\+json/);

    expect(
      (
        await h
          .http()
          .post(`/plans/${w.plan}/cases`)
          .set(auth(w.tokens.coordinator))
          .set('Idempotency-Key', 'has spaces')
          .send(body('K-06'))
      ).status,
    ).toBe(400);
  });
});
