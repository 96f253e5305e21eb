// Evidence attachments through HTTP: upload, list, download (bytes and hash intact), cite them when completing a
// step; who may upload, size and type limits, and a foreign attachment refused on completion.
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

interface Uploaded {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
}

interface CaseView {
  steps: {
    key: string;
    status: string;
    actions: { action: string; attachments?: { id: string; name: string; sha256?: string }[] }[];
  }[];
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

jest.setTimeout(120_000);
describe('API attachments', () => {
  let h: Harness;
  let w: World;
  let caseId: string;
  let otherCaseId: string;
  let foreignCaseId: string;

  const attachmentCount = async (id: string): Promise<number> => {
    const rows = await h.app
      .get(DataSource)
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM attachments WHERE case_id = $1`, [id]);
    return rows[0].n;
  };

  const createCase = async (token: string, plan: string, code: string, lead: string): Promise<string> => {
    const res = await h
      .http()
      .post(`/plans/${plan}/cases`)
      .set(auth(token))
      .send({ kind: 'measure', code, title: `Measure ${code}`, leadAgency: lead, dueOn: '2030-04-02' });
    if (res.status !== 201) throw new Error(`case ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  };

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
    caseId = await createCase(w.tokens.coordinator, w.plan, 'ATT-01', w.agencies.lead);
    otherCaseId = await createCase(w.tokens.coordinator, w.plan, 'ATT-02', w.agencies.lead);
    // a case of another state (TJ), created by the TJ coordinator
    const tjPlan = `TJ-NAP-${h.tag}`;
    const plan = await h
      .http()
      .post('/plans')
      .set(auth(w.tokens.foreignCoordinator))
      .send({ code: tjPlan, title: 'Plan of Tajikistan', stateCode: 'TJ', adoptedOn: '2015-01-01' });
    expect(plan.status).toBe(201);
    foreignCaseId = await createCase(w.tokens.foreignCoordinator, tjPlan, 'ATT-TJ', `TJ-${h.tag}-MOE`);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('uploads, lists and downloads evidence; the completion cites it', async () => {
    const lead = auth(w.tokens.lead);
    const bytes = Buffer.from('%PDF-1.4\n% evidence of adoption, постановление №12\n%%EOF\n', 'utf8');
    const up = await h
      .http()
      .post(`/cases/${caseId}/attachments`)
      .set(lead)
      .attach('file', bytes, { filename: 'постановление-12.pdf', contentType: 'application/pdf' });
    expect(up.status).toBe(201);
    const a = up.body as Uploaded;
    expect(a).toEqual({
      id: expect.any(String),
      name: 'постановление-12.pdf',
      size: bytes.length,
      contentType: 'application/pdf',
      sha256: sha(bytes),
    });

    const list = await h.http().get(`/cases/${caseId}/attachments`).set(auth(w.tokens.coordinator));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ ...a, uploadedBy: w.people.lead.id, at: expect.any(String) }),
    ]);
    // observers of a shared plan read the case, so they read its evidence list too
    const observed = await h.http().get(`/cases/${caseId}/attachments`).set(auth(w.tokens.observer));
    expect(observed.status).toBe(200);

    const down = await h
      .http()
      .get(`/cases/${caseId}/attachments/${a.id}`)
      .set(auth(w.tokens.support))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(down.status).toBe(200);
    expect(down.headers['content-type']).toMatch(/^application\/pdf/);
    expect(down.headers['content-disposition']).toMatch(/^attachment;/);
    expect(down.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('постановление-12.pdf')}`,
    );
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    const got = down.body as Buffer;
    expect(got.equals(bytes)).toBe(true);
    expect(sha(got)).toBe(a.sha256);

    // the attachment of another case is not reachable through this one
    const crossed = await h.http().get(`/cases/${otherCaseId}/attachments/${a.id}`).set(lead);
    expect(crossed.status).toBe(404);

    await eventually(async () => {
      const r = await h.http().get(`/cases/${caseId}`).set(lead);
      const v = r.body as CaseView;
      return v.steps?.some((s) => s.key === 'execute' && s.status === 'active') ? true : undefined;
    }, 'the execute step to be active');
    const done = await h
      .http()
      .post(`/cases/${caseId}/steps/execute/complete`)
      .set(lead)
      .send({ note: 'Adopted', attachments: [{ id: a.id, name: a.name, sha256: a.sha256 }] });
    expect(done.status).toBe(200);
    const action = (done.body as CaseView).steps
      .find((s) => s.key === 'execute')
      ?.actions.find((x) => x.action === 'complete');
    expect(action?.attachments).toEqual([{ id: a.id, name: a.name, sha256: a.sha256 }]);

    const history = await h.http().get(`/cases/${caseId}/history`).set(auth(w.tokens.coordinator));
    expect(history.body as { type: string; data: { attachmentId?: string } }[]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'attachment_uploaded',
          data: expect.objectContaining({ attachmentId: a.id }),
        }),
      ]),
    );
  });

  it('refuses a focal point of an agency not on the case (403) and an observer, storing nothing', async () => {
    const before = await attachmentCount(otherCaseId);
    for (const who of ['other', 'observer'] as const) {
      const res = await h
        .http()
        .post(`/cases/${otherCaseId}/attachments`)
        .set(auth(w.tokens[who]))
        .attach('file', Buffer.from('not mine'), { filename: 'x.txt', contentType: 'text/plain' });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(await attachmentCount(otherCaseId)).toBe(before);
  });

  it('writes the metadata and its audit entry together: when the audit insert fails, no attachment is listed', async () => {
    const ds = h.app.get(DataSource);
    const before = await attachmentCount(otherCaseId);
    // the database refuses this one upload's audit entry (a trigger of this test, dropped below)
    await ds.query(`CREATE FUNCTION drill_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'attachment_uploaded' AND NEW.data->>'name' = 'refused-audit.txt' THEN
          RAISE EXCEPTION 'audit refused by the test';
        END IF;
        RETURN NEW;
      END $$`);
    await ds.query(
      `CREATE TRIGGER drill_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION drill_refuse_audit()`,
    );
    try {
      const res = await h
        .http()
        .post(`/cases/${otherCaseId}/attachments`)
        .set(auth(w.tokens.coordinator))
        .attach('file', Buffer.from('minutes'), { filename: 'refused-audit.txt', contentType: 'text/plain' });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    } finally {
      await ds.query(`DROP TRIGGER drill_refuse_audit ON audit_events`);
      await ds.query(`DROP FUNCTION drill_refuse_audit()`);
    }
    expect(await attachmentCount(otherCaseId)).toBe(before);
    const listed = await h.http().get(`/cases/${otherCaseId}/attachments`).set(auth(w.tokens.coordinator));
    expect((listed.body as { name: string }[]).map((a) => a.name)).not.toContain('refused-audit.txt');
  });

  it("answers 404 for another state's case", async () => {
    const res = await h
      .http()
      .post(`/cases/${foreignCaseId}/attachments`)
      .set(auth(w.tokens.coordinator))
      .attach('file', Buffer.from('hello'), { filename: 'x.txt', contentType: 'text/plain' });
    expect(res.status).toBe(404);
    const list = await h.http().get(`/cases/${foreignCaseId}/attachments`).set(auth(w.tokens.lead));
    expect(list.status).toBe(404);
    expect(await attachmentCount(foreignCaseId)).toBe(0);
  });

  it('refuses too big (413), unsupported types (415) and empty files (400)', async () => {
    const coord = auth(w.tokens.coordinator);
    const before = await attachmentCount(otherCaseId);
    const big = await h
      .http()
      .post(`/cases/${otherCaseId}/attachments`)
      .set(coord)
      .attach('file', Buffer.alloc(20 * 1024 * 1024 + 1, 1), {
        filename: 'big.pdf',
        contentType: 'application/pdf',
      });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413 });

    const exe = await h
      .http()
      .post(`/cases/${otherCaseId}/attachments`)
      .set(coord)
      .attach('file', Buffer.from('MZ'), { filename: 'tool.exe', contentType: 'application/x-msdownload' });
    expect(exe.status).toBe(415);
    expect((exe.body as { detail: string }).detail).toContain('application/x-msdownload');

    const svg = await h
      .http()
      .post(`/cases/${otherCaseId}/attachments`)
      .set(coord)
      .attach('file', Buffer.from('<svg/>'), { filename: 'a.svg', contentType: 'image/svg+xml' });
    expect(svg.status).toBe(415);

    const empty = await h
      .http()
      .post(`/cases/${otherCaseId}/attachments`)
      .set(coord)
      .attach('file', Buffer.alloc(0), { filename: 'empty.txt', contentType: 'text/plain' });
    expect(empty.status).toBe(400);

    const none = await h.http().post(`/cases/${otherCaseId}/attachments`).set(coord).field('x', '1');
    expect(none.status).toBe(400);
    expect(await attachmentCount(otherCaseId)).toBe(before);
  });

  it('refuses, on completion, an attachment of another case and an unknown id', async () => {
    const lead = auth(w.tokens.lead);
    const up = await h
      .http()
      .post(`/cases/${caseId}/attachments`)
      .set(lead)
      .attach('file', Buffer.from('a,b\n1,2\n'), { filename: 'data.csv', contentType: 'text/csv' });
    expect(up.status).toBe(201);
    const foreign = up.body as Uploaded;

    await eventually(async () => {
      const r = await h.http().get(`/cases/${otherCaseId}`).set(lead);
      const v = r.body as CaseView;
      return v.steps?.some((s) => s.key === 'execute' && s.status === 'active') ? true : undefined;
    }, 'the execute step of the other case to be active');
    const refused = await h
      .http()
      .post(`/cases/${otherCaseId}/steps/execute/complete`)
      .set(lead)
      .send({ attachments: [{ id: foreign.id, name: foreign.name }] });
    expect([400, 422]).toContain(refused.status);
    expect((refused.body as { detail: string }).detail).toContain(foreign.id);

    const unknown = '00000000-0000-4000-8000-000000000000';
    const refused2 = await h
      .http()
      .post(`/cases/${otherCaseId}/steps/execute/complete`)
      .set(lead)
      .send({ attachments: [{ id: unknown, name: 'x.pdf' }] });
    expect([400, 422]).toContain(refused2.status);
    expect((refused2.body as { detail: string }).detail).toContain(unknown);

    // the step is still open
    const still = await h.http().get(`/cases/${otherCaseId}`).set(lead);
    expect((still.body as CaseView).steps.find((s) => s.key === 'execute')?.status).toBe('active');
  });

  it('documents the routes in OpenAPI (multipart upload, binary download)', async () => {
    const res = await h.http().get('/docs/openapi.json');
    expect(res.status).toBe(200);
    const paths = (res.body as { paths: Record<string, Record<string, unknown>> }).paths;
    const upload = paths['/cases/{id}/attachments']?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({
      type: 'string',
      format: 'binary',
    });
    expect(paths['/cases/{id}/attachments']?.get).toBeDefined();
    expect(paths['/cases/{id}/attachments/{attachmentId}']?.get).toBeDefined();
  });

  it('uploads once per Idempotency-Key: a repeat, also concurrent, answers the first upload; another file is refused', async () => {
    const lead = auth(w.tokens.lead);
    const before = await attachmentCount(otherCaseId);
    const bytes = Buffer.from('%PDF-1.4\n% minutes of the inter-ministerial meeting\n%%EOF\n', 'utf8');
    const send = (file: Buffer) =>
      h
        .http()
        .post(`/cases/${otherCaseId}/attachments`)
        .set(lead)
        .set('Idempotency-Key', `upload-${h.tag}`)
        .attach('file', file, { filename: 'minutes.pdf', contentType: 'application/pdf' });
    const results = await Promise.all([send(bytes), send(bytes), send(bytes)]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    for (const r of results) expect(r.body).toEqual(results[0].body);
    expect((results[0].body as Uploaded).sha256).toBe(sha(bytes));
    expect(await attachmentCount(otherCaseId)).toBe(before + 1);

    const other = await send(Buffer.from('%PDF-1.4\n% another document\n%%EOF\n', 'utf8'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await attachmentCount(otherCaseId)).toBe(before + 1);
  });
});
