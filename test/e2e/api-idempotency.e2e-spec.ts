// Idempotency-Key: the same request twice, also concurrently, acts once and both get the first answer.
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { HousekeepingService } from '../../apps/api/src/common/housekeeping.service';
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

  it('creates a calendar feed once per key, keeps no copy of its secret address, and answers a repeat 409', async () => {
    const send = () =>
      h
        .http()
        .post('/calendar-feeds')
        .set(auth(w.tokens.lead))
        .set('Idempotency-Key', `feed-${h.tag}`)
        .send({ scope: 'person', label: 'idempotent feed' });
    const first = await send();
    expect(first.status).toBe(201);
    const { url } = first.body as { url: string };
    const token = /\/calendar-feeds\/([^/]+)\/feed\.ics$/.exec(url)?.[1] as string;
    expect(token.length).toBeGreaterThan(20);
    const again = await send();
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'duplicate', detail: expect.stringMatching(/shown only once/) });
    const feeds = (await h.http().get('/calendar-feeds').set(auth(w.tokens.lead))).body as {
      label: string;
    }[];
    expect(feeds.filter((f) => f.label === 'idempotent feed')).toHaveLength(1);
    const stored = await h.app
      .get(DataSource)
      .query<{ response: unknown }[]>(`SELECT response FROM idempotency_keys WHERE key = $1`, [
        `feed-${h.tag}`,
      ]);
    expect(stored).toEqual([{ response: { secretNotKept: true } }]);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("forgets Idempotency-Keys after a day, long-expired sessions and imports' closed handovers after a week", async () => {
    const ds = h.app.get(DataSource);
    const send = (key: string, code: string) =>
      h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(auth(w.tokens.coordinator))
        .set('Idempotency-Key', key)
        .send(body(code));
    expect((await send(`old-${h.tag}`, 'K-OLD')).status).toBe(201);
    expect((await send(`new-${h.tag}`, 'K-NEW')).status).toBe(201);
    await ds.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [
      `old-${h.tag}`,
    ]);
    // two sessions just opened: one expired 8 days ago (deleted), the other 6 days ago (kept a while)
    for (let n = 0; n < 2; n++) {
      const login = await h
        .http()
        .post('/auth/login')
        .send({ email: w.people.lead.email, password: 'a-long-test-password' });
      expect(login.status).toBe(200);
    }
    const latest = await ds.query<{ token_hash: string }[]>(
      `SELECT token_hash FROM access_tokens ORDER BY created_at DESC, token_hash LIMIT 2`,
    );
    await ds.query(`UPDATE access_tokens SET expires_at = now() - interval '8 days' WHERE token_hash = $1`, [
      latest[0].token_hash,
    ]);
    await ds.query(`UPDATE access_tokens SET expires_at = now() - interval '6 days' WHERE token_hash = $1`, [
      latest[1].token_hash,
    ]);
    // imports' handovers: one closed 8 days ago (deleted with its steps), one 6 days ago and one open (kept)
    const handover = (n: number) => `import-notices:KG-NAP-2013:housekeeping-${h.tag}-${n}`;
    await ds.query(
      `INSERT INTO import_handovers (import_workflow_id, closed_at)
       VALUES ($1, now() - interval '8 days'), ($2, now() - interval '6 days'), ($3, NULL)`,
      [handover(1), handover(2), handover(3)],
    );
    await ds.query(
      `INSERT INTO import_handover_steps (import_workflow_id, case_workflow_id, steps) VALUES ($1, 'case:X:1', '[]')`,
      [handover(1)],
    );
    const old = async () =>
      (
        await ds.query<{ keys: number; tokens: number; handovers: number }[]>(
          `SELECT (SELECT count(*)::int FROM idempotency_keys WHERE created_at < now() - interval '24 hours') AS keys,
                  (SELECT count(*)::int FROM access_tokens WHERE expires_at < now() - interval '7 days') AS tokens,
                  (SELECT count(*)::int FROM import_handovers WHERE closed_at < now() - interval '7 days') AS handovers`,
        )
      )[0];
    const due = await old();
    expect(due.keys).toBeGreaterThanOrEqual(1);
    expect(due.tokens).toBeGreaterThanOrEqual(1);
    expect(due.handovers).toBeGreaterThanOrEqual(1);
    const done = await h.app.get(HousekeepingService).runOnce();
    expect(done).toEqual({ idempotencyKeys: due.keys, tokens: due.tokens, importHandovers: due.handovers });
    expect(await old()).toEqual({ keys: 0, tokens: 0, handovers: 0 });
    const handovers = await ds.query<{ import_workflow_id: string }[]>(
      `SELECT import_workflow_id FROM import_handovers WHERE import_workflow_id = ANY($1) ORDER BY 1`,
      [[handover(1), handover(2), handover(3)]],
    );
    expect(handovers.map((r) => r.import_workflow_id)).toEqual([handover(2), handover(3)]);
    expect(
      await ds.query(`SELECT count(*)::int AS n FROM import_handover_steps WHERE import_workflow_id = $1`, [
        handover(1),
      ]),
    ).toEqual([{ n: 0 }]);
    const keys = await ds.query<{ key: string }[]>(`SELECT key FROM idempotency_keys WHERE key = ANY($1)`, [
      [`old-${h.tag}`, `new-${h.tag}`],
    ]);
    expect(keys).toEqual([{ key: `new-${h.tag}` }]);
    const left = await ds.query<{ token_hash: string }[]>(
      `SELECT token_hash FROM access_tokens WHERE token_hash = ANY($1)`,
      [latest.map((t) => t.token_hash)],
    );
    expect(left).toEqual([{ token_hash: latest[1].token_hash }]);
    // the forgotten key acts again: a second case with the same code is refused as a duplicate, not replayed
    expect((await send(`old-${h.tag}`, 'K-OLD')).status).toBe(409);
  });

  it('keeps no fast hash of a password in the fingerprint it stores with a key', async () => {
    const email = `fingerprint-${h.tag.toLowerCase()}@napflow.example.org`;
    const person = await h.http().post('/people').set(auth(h.tokens.admin)).send({
      email,
      name: 'Fingerprint test',
      role: 'focal_point',
      agencyCode: w.agencies.lead,
      language: 'en',
      password: 'first-password-1234',
    });
    expect(person.status).toBe(201);
    const path = `/people/${(person.body as { id: string }).id}`;
    const send = () =>
      h
        .http()
        .patch(path)
        .set(auth(h.tokens.admin))
        .set('Idempotency-Key', `password-${h.tag}`)
        .send({ password: 'correct-horse-battery-staple' });
    const first = await send();
    expect(first.status).toBe(200);
    const [{ request_hash: stored }] = await h.app
      .get(DataSource)
      .query<{ request_hash: string }[]>(`SELECT request_hash FROM idempotency_keys WHERE key = $1`, [
        `password-${h.tag}`,
      ]);
    const sha = (body: unknown) =>
      createHash('sha256')
        .update(`PATCH\n${path}\n${JSON.stringify(body)}`)
        .digest('hex');
    expect(stored).not.toBe(sha({ password: 'correct-horse-battery-staple' }));
    expect(stored).toBe(sha({ password: '[password]' }));
    // the repeat is still recognised and answered as the first
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const relogin = await h
      .http()
      .post('/auth/login')
      .send({ email, password: 'correct-horse-battery-staple' });
    expect(relogin.status).toBe(200);
  });

  it('leaves out only a top-level password: a nested field named so still tells two requests apart', async () => {
    const send = (agency: string) =>
      h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(auth(w.tokens.coordinator))
        .set('Idempotency-Key', `nested-${h.tag}`)
        .send({ ...body('K-NESTED'), participants: { password: [agency] } });
    expect((await send(w.agencies.lead)).status).toBe(201);
    expect((await send(w.agencies.support)).status).toBe(422);
  });
});
