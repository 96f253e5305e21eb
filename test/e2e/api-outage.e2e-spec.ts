// When Temporal cannot be reached: reads fall back to the read model (marked stale), writes answer 503 with a clear
// message and leave nothing behind, /health says which service is down.
import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { loadConfig } from '@app/config';
import { createApiApp } from '../../apps/api/src/app.module';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

jest.setTimeout(180_000);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('API outages', () => {
  let h: Harness;
  let w: World;
  let cut: INestApplication;
  let caseId: string;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
      kind: 'measure',
      code: 'O-01',
      title: 'Outage',
      leadAgency: w.agencies.lead,
      dueOn: '2031-12-31',
    });
    caseId = (created.body as { id: string }).id;
    // the read model has the first snapshot
    await eventually(async () => {
      const r = await h.http().get(`/cases?plan=${w.plan}`).set(auth(w.tokens.coordinator));
      const rows = await h.app
        .get((await import('typeorm')).DataSource)
        .query<{ seq: number }[]>(`SELECT seq::int AS seq FROM cases WHERE id = $1`, [caseId]);
      return r.status === 200 && rows[0]?.seq >= 0 ? true : undefined;
    }, 'the first projection');
    // a second API whose Temporal is unreachable, on the same database
    cut = await createApiApp(
      loadConfig({
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}`,
        NAPFLOW_LOG_LEVEL: 'silent',
      }),
    );
    await cut.init();
  }, 180_000);

  afterAll(async () => {
    await cut?.close();
    await h?.close();
  }, 60_000);

  const http = () => request(cut.getHttpServer() as App);

  it('reports Temporal down on /health', async () => {
    const res = await http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'degraded', database: 'up', temporal: 'down' });
  });

  it('answers GET /cases/{id} from the read model, marked as such', async () => {
    const res = await http().get(`/cases/${caseId}`).set(auth(w.tokens.coordinator));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: caseId, source: 'read_model', stale: true, status: 'active' });
    expect((res.body as { steps: { key: string }[] }).steps.map((s) => s.key)).toContain('execute');
  });

  it('answers 503 for writes that need the workflow and leaves nothing behind', async () => {
    const create = await http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
      kind: 'measure',
      code: 'O-02',
      title: 'Never started',
      leadAgency: w.agencies.lead,
      dueOn: '2031-12-31',
    });
    expect(create.status).toBe(503);
    expect(create.body).toMatchObject({ code: 'temporal_unavailable' });
    expect(create.headers['content-type']).toMatch(/problem\+json/);
    const list = await http().get(`/cases?plan=${w.plan}&text=O-02`).set(auth(w.tokens.coordinator));
    expect((list.body as { total: number }).total).toBe(0);

    const complete = await http()
      .post(`/cases/${caseId}/steps/execute/complete`)
      .set(auth(w.tokens.lead))
      .send({});
    expect(complete.status).toBe(503);
    const withdraw = await http()
      .post(`/cases/${caseId}/withdraw`)
      .set(auth(w.tokens.coordinator))
      .send({ reason: 'x' });
    expect(withdraw.status).toBe(503);
    // the real API still sees the case untouched
    const live = await h.http().get(`/cases/${caseId}`).set(auth(w.tokens.coordinator));
    expect(live.body).toMatchObject({ source: 'workflow', status: 'active' });
  });
});
