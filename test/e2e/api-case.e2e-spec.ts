// The first case end to end through HTTP: a plan and a measure, its workflow started once, the lead agency
// completes, approvals close it; the live state and the read model follow.
import { DataSource } from 'typeorm';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

interface CaseView {
  id: string;
  workflowId: string;
  status: string;
  source: string;
  steps: { key: string; status: string; assignees: string[]; actions: { action: string; agency: string | null; by: string; channel: string }[] }[];
}


jest.setTimeout(120_000);
describe('API first case', () => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 200_000);

  const measure = (code: string) => ({
    kind: 'measure',
    code,
    title: 'National control list harmonised with the EU lists',
    leadAgency: w.agencies.lead,
    dueOn: '2030-04-02',
    area: { paragraph: 'OP3(d)', weaponType: 'all' },
  });

  it('creates the case, starts its workflow once, and closes it after completion and approvals', async () => {
    const coord = auth(w.tokens.coordinator);
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(measure('M-01'));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), workflowId: `case:${w.plan}:M-01`, status: 'active' });
    const { id, workflowId } = created.body as { id: string; workflowId: string };

    // the same plan and code again: 409 naming the existing case, no second workflow
    const again = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(measure('M-01'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'duplicate', existing: { id, workflowId } });

    const live = await eventually(async () => {
      const r = await h.http().get(`/cases/${id}`).set(coord);
      const v = r.body as CaseView;
      return r.status === 200 && v.steps.some((s) => s.key === 'execute' && s.status === 'active') ? v : undefined;
    }, 'the execute step to be active');
    expect(live.source).toBe('workflow');
    expect(live.id).toBe(id);
    expect(live.steps.find((s) => s.key === 'execute')?.assignees).toEqual([w.agencies.lead]);

    const lead = auth(w.tokens.lead);
    const done = await h.http().post(`/cases/${id}/steps/execute/complete`).set(lead).send({ note: 'Adopted on 2 April 2014' });
    expect(done.status).toBe(200);
    const afterDone = done.body as CaseView;
    expect(afterDone.steps.find((s) => s.key === 'execute')?.status).toBe('done');
    const completeAction = afterDone.steps.find((s) => s.key === 'execute')?.actions.find((a) => a.action === 'complete');
    expect(completeAction).toMatchObject({ agency: w.agencies.lead, by: w.people.lead.id, channel: 'api' });

    // completing again: the step is no longer open
    const twice = await h.http().post(`/cases/${id}/steps/execute/complete`).set(lead).send({});
    expect(twice.status).toBe(409);

    const head = await h.http().post(`/cases/${id}/steps/head_approval/decision`).set(lead).send({ decision: 'approve' });
    expect(head.status).toBe(200);
    const final = await h.http().post(`/cases/${id}/steps/coordinator_approval/decision`).set(coord).send({ decision: 'approve', comment: 'Well done' });
    expect(final.status).toBe(200);
    expect((final.body as CaseView).status).toBe('completed');

    // the read model follows: list, row and history
    await eventually(async () => {
      const r = await h.http().get(`/cases?plan=${w.plan}&status=completed`).set(coord);
      const items = (r.body as { items: { id: string }[] }).items;
      return items.some((c) => c.id === id) ? true : undefined;
    }, 'the read model to show the case completed');
    const rows = await h.app.get(DataSource).query<{ status: string; seq: string }[]>(`SELECT status, seq FROM cases WHERE id = $1`, [id]);
    expect(rows[0].status).toBe('completed');
    const history = await h.http().get(`/cases/${id}/history`).set(coord);
    expect(history.status).toBe(200);
    const types = (history.body as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['case_started', 'step_completed', 'decision', 'case_closed']));

    const plan = await h.http().get(`/plans/${w.plan}`).set(coord);
    expect(plan.status).toBe(200);
    expect((plan.body as { progress: { completed: number } }).progress.completed).toBe(1);
  });

  it('lists cases with filters and pagination', async () => {
    const coord = auth(w.tokens.coordinator);
    for (const code of ['F-01', 'F-02', 'F-03']) {
      const r = await h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(coord)
        .send({ ...measure(code), dueOn: code === 'F-03' ? '2031-06-30' : '2030-06-30', area: code === 'F-02' ? { paragraph: 'OP2', weaponType: 'chemical' } : undefined });
      expect(r.status).toBe(201);
    }
    const q = async (query: string) => {
      const r = await h.http().get(`/cases?plan=${w.plan}&${query}`).set(coord);
      expect(r.status).toBe(200);
      return r.body as { items: { code: string }[]; total: number; page: number; pageSize: number };
    };
    expect((await q('text=F-0')).total).toBe(3);
    expect((await q('area=chemical')).items.map((c) => c.code)).toEqual(['F-02']);
    expect((await q('area=OP2')).items.map((c) => c.code)).toEqual(['F-02']);
    expect((await q('dueAfter=2031-01-01')).items.map((c) => c.code)).toEqual(['F-03']);
    expect((await q('dueBefore=2030-12-31&status=active&text=F-')).items.map((c) => c.code).sort()).toEqual(['F-01', 'F-02']);
    expect((await q(`agency=${w.agencies.lead}&kind=measure&state=KG&overdue=false&text=F-`)).total).toBe(3);
    const page2 = await q('text=F-&pageSize=2&page=2');
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);

    // the inbox of the lead agency has their execute steps
    const inbox = await eventually(async () => {
      const r = await h.http().get('/inbox').set(auth(w.tokens.lead));
      const items = (r.body as { items: { caseCode: string; stepKey: string }[] }).items;
      return items.filter((i) => i.caseCode.startsWith('F-')).length === 3 ? items : undefined;
    }, 'the inbox to list the three execute steps');
    expect(inbox.every((i) => i.stepKey === 'execute' || !i.caseCode.startsWith('F-'))).toBe(true);
    const otherInbox = await h.http().get('/inbox').set(auth(w.tokens.other));
    expect((otherInbox.body as { items: unknown[] }).items).toHaveLength(0);
  });
});
