// Role × action: every forbidden cell answers 403 and leaves the case (or the data) as it was; reads are scoped
// (another state's plans are invisible: 404 and absent from lists). The allowed cells act.
import { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import {
  auth,
  buildWorld,
  eventually,
  type Harness,
  login,
  PASSWORD,
  startHarness,
  type World,
} from './api-harness';

jest.setTimeout(180_000);

type Who = keyof World['tokens'];
interface CaseView {
  seq: number;
  status: string;
  steps: { key: string; status: string; dueOn: string | null; assignees: string[]; actions: unknown[] }[];
  comments: unknown[];
}

describe('API access control', () => {
  let h: Harness;
  let w: World;
  let caseId: string;
  let tjAgency: string;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
    tjAgency = `TJ-${h.tag}-MOE`;
    // the peer-review partner (Tajikistan's coordinator) may read the plan, never act on it
    const share = await h
      .http()
      .post(`/plans/${w.plan}/shares`)
      .set(auth(h.tokens.admin))
      .send({ agencyCode: tjAgency });
    expect(share.status).toBe(200);
    caseId = await createCase('A-01');
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  async function createCase(code: string): Promise<string> {
    const res = await h
      .http()
      .post(`/plans/${w.plan}/cases`)
      .set(auth(w.tokens.coordinator))
      .send({
        kind: 'measure',
        code,
        title: `Measure ${code}`,
        leadAgency: w.agencies.lead,
        supportingAgencies: [w.agencies.support],
        dueOn: '2031-12-31',
      });
    expect(res.status).toBe(201);
    const id = (res.body as { id: string }).id;
    await eventually(async () => {
      const r = await h.http().get(`/cases/${id}`).set(auth(w.tokens.coordinator));
      return (r.body as CaseView).steps?.some((s) => s.key === 'execute' && s.status === 'active')
        ? true
        : undefined;
    }, `case ${code} to start`);
    return id;
  }

  const view = async (id: string): Promise<CaseView> => {
    const r = await h.http().get(`/cases/${id}`).set(auth(h.tokens.admin));
    expect(r.status).toBe(200);
    const v = r.body as CaseView;
    return { seq: v.seq, status: v.status, steps: v.steps, comments: v.comments };
  };

  const CASE_ACTIONS: { name: string; path: string; body: object; forbidden: Who[] }[] = [
    {
      name: 'complete another agency’s step',
      path: 'steps/execute/complete',
      body: { note: 'x' },
      forbidden: ['support', 'other', 'observer', 'foreignCoordinator'],
    },
    {
      name: 'decide',
      path: 'steps/head_approval/decision',
      body: { decision: 'approve' },
      forbidden: ['support', 'other', 'observer', 'foreignCoordinator'],
    },
    {
      name: 'record a milestone',
      path: 'steps/execute/milestone',
      body: { on: '2025-01-10' },
      forbidden: ['support', 'other', 'observer', 'foreignCoordinator'],
    },
    {
      name: 'move a due date',
      path: 'steps/execute/due-date',
      body: { dueOn: '2032-01-31', reason: 'later' },
      forbidden: ['lead', 'support', 'other', 'observer', 'foreignCoordinator'],
    },
    {
      name: 'reassign',
      path: 'steps/execute/reassign',
      body: {},
      forbidden: ['lead', 'support', 'other', 'observer', 'foreignCoordinator'],
    },
    {
      name: 'comment',
      path: 'comments',
      body: { text: 'hello' },
      forbidden: ['observer', 'foreignCoordinator'],
    },
    {
      name: 'withdraw',
      path: 'withdraw',
      body: { reason: 'no longer needed' },
      forbidden: ['lead', 'support', 'other', 'observer', 'foreignCoordinator'],
    },
  ];

  describe('case actions', () => {
    for (const action of CASE_ACTIONS) {
      it(`refuses to ${action.name} with 403 for ${action.forbidden.join(', ')}, state unchanged`, async () => {
        const before = await view(caseId);
        for (const who of action.forbidden) {
          const body = action.path.endsWith('reassign')
            ? { agency: w.agencies.other, reason: 'handover' }
            : action.body;
          const res = await h
            .http()
            .post(`/cases/${caseId}/${action.path}`)
            .set(auth(w.tokens[who]))
            .send(body);
          expect({ who, status: res.status }).toEqual({ who, status: 403 });
          expect(res.headers['content-type']).toMatch(/problem\+json/);
        }
        expect(await view(caseId)).toEqual(before);
      });
    }
  });

  describe('creating and administering', () => {
    it('refuses case creation to focal points, observers and another state’s coordinator', async () => {
      for (const who of ['lead', 'other', 'observer', 'foreignCoordinator'] as Who[]) {
        const res = await h
          .http()
          .post(`/plans/${w.plan}/cases`)
          .set(auth(w.tokens[who]))
          .send({
            kind: 'measure',
            code: `X-${who}`,
            title: 'x',
            leadAgency: w.agencies.lead,
            dueOn: '2031-01-01',
          });
        expect({ who, status: res.status }).toEqual({ who, status: 403 });
      }
      const list = await h.http().get(`/cases?plan=${w.plan}&text=X-`).set(auth(h.tokens.admin));
      expect((list.body as { total: number }).total).toBe(0);
    });

    it('refuses plan creation in KG to focal points, observers and the TJ coordinator', async () => {
      for (const who of ['lead', 'observer', 'foreignCoordinator'] as Who[]) {
        const res = await h
          .http()
          .post('/plans')
          .set(auth(w.tokens[who]))
          .send({ code: `P-${who}-${h.tag}`, title: 'x', stateCode: 'KG', adoptedOn: '2020-01-01' });
        expect({ who, status: res.status }).toEqual({ who, status: 403 });
        expect((await h.http().get(`/plans/P-${who}-${h.tag}`).set(auth(h.tokens.admin))).status).toBe(404);
      }
    });

    it('keeps states, agencies, people and definitions to administrators', async () => {
      for (const who of ['coordinator', 'lead', 'observer'] as Who[]) {
        const t = auth(w.tokens[who]);
        const code = `KG-${h.tag}-NEW${who.length}`;
        expect(
          (await h.http().post('/states').set(t).send({ code: 'ZZ', name: 'x', timeZone: 'UTC' })).status,
        ).toBe(403);
        expect(
          (await h.http().post('/agencies').set(t).send({ code, name: 'x', stateCode: 'KG' })).status,
        ).toBe(403);
        expect(
          (
            await h
              .http()
              .post('/people')
              .set(t)
              .send({
                email: `x-${who}@x.example.org`,
                name: 'x',
                agencyCode: w.agencies.lead,
                role: 'admin',
                language: 'en',
                password: 'a-long-test-password',
              })
          ).status,
        ).toBe(403);
        expect((await h.http().get('/people').set(t)).status).toBe(403);
        expect((await h.http().post('/admin/definitions').set(t).send({ key: 'measure' })).status).toBe(403);
        const agencies = await h.http().get('/agencies?stateCode=KG').set(auth(h.tokens.admin));
        expect((agencies.body as { code: string }[]).map((a) => a.code)).not.toContain(code);
      }
      const states = await h.http().get('/states').set(auth(h.tokens.admin));
      expect((states.body as { code: string }[]).map((s) => s.code)).not.toContain('ZZ');
    });

    it('keeps calendars to administrators and the state’s coordinator', async () => {
      for (const who of ['lead', 'observer', 'foreignCoordinator'] as Who[]) {
        const res = await h
          .http()
          .post('/admin/calendars/KG/non-working-days')
          .set(auth(w.tokens[who]))
          .send({ date: '2031-03-20', reason: 'x' });
        expect({ who, status: res.status }).toEqual({ who, status: 403 });
      }
      const cal = await h.http().get('/admin/calendars/KG?year=2031').set(auth(w.tokens.lead));
      expect(
        (cal.body as { nonWorkingDays: { date: string }[] }).nonWorkingDays.map((d) => d.date),
      ).not.toContain('2031-03-20');
      const ok = await h
        .http()
        .post('/admin/calendars/KG/non-working-days')
        .set(auth(w.tokens.coordinator))
        .send({ date: '2031-03-20', reason: 'Extra day off' });
      expect(ok.status).toBe(200);
      expect((ok.body as { nonWorkingDays: { date: string }[] }).nonWorkingDays.map((d) => d.date)).toContain(
        '2031-03-20',
      );
      expect(
        (
          await h
            .http()
            .delete('/admin/calendars/KG/non-working-days/2031-03-20')
            .set(auth(w.tokens.coordinator))
        ).status,
      ).toBe(204);
    });

    it('refuses imports to focal points and observers', async () => {
      for (const who of ['lead', 'observer'] as Who[]) {
        const res = await h
          .http()
          .post(`/plans/${w.plan}/import?dryRun=true`)
          .set(auth(w.tokens[who]))
          .attach('file', Buffer.from('code,title,leadAgency,dueOn\nI-1,x,KG-X,2030-01-01\n'), 'm.csv');
        expect({ who, status: res.status }).toEqual({ who, status: 403 });
      }
    });
  });

  describe('reads', () => {
    it('shows another state’s unshared plan to nobody from outside it', async () => {
      const hidden = `KG-HIDDEN-${h.tag}`;
      const created = await h
        .http()
        .post('/plans')
        .set(auth(w.tokens.coordinator))
        .send({ code: hidden, title: 'not shared', stateCode: 'KG', adoptedOn: '2020-01-01' });
      expect(created.status).toBe(201);
      const c = await h.http().post(`/plans/${hidden}/cases`).set(auth(w.tokens.coordinator)).send({
        kind: 'measure',
        code: 'H-1',
        title: 'hidden',
        leadAgency: w.agencies.lead,
        dueOn: '2031-01-01',
      });
      expect(c.status).toBe(201);
      const id = (c.body as { id: string }).id;
      for (const who of ['observer', 'foreignCoordinator'] as Who[]) {
        const t = auth(w.tokens[who]);
        expect((await h.http().get(`/plans/${hidden}`).set(t)).status).toBe(404);
        expect((await h.http().get(`/cases/${id}`).set(t)).status).toBe(404);
        expect((await h.http().get(`/cases/${id}/history`).set(t)).status).toBe(404);
        expect((await h.http().post(`/cases/${id}/comments`).set(t).send({ text: 'x' })).status).toBe(404);
        const plans = await h.http().get('/plans').set(t);
        expect((plans.body as { code: string }[]).map((p) => p.code)).not.toContain(hidden);
        const cases = await h.http().get('/cases?text=H-1').set(t);
        expect((cases.body as { items: { id: string }[] }).items.map((x) => x.id)).not.toContain(id);
      }
      // focal points read their state's cases
      expect((await h.http().get(`/cases/${id}`).set(auth(w.tokens.other))).status).toBe(200);
    });

    it('lets observers and the partner state read a shared plan', async () => {
      for (const who of ['observer', 'foreignCoordinator'] as Who[]) {
        const t = auth(w.tokens[who]);
        expect((await h.http().get(`/plans/${w.plan}`).set(t)).status).toBe(200);
        expect((await h.http().get(`/cases/${caseId}`).set(t)).status).toBe(200);
      }
    });
  });

  describe('allowed actions', () => {
    it('lets the coordinator move a due date, reassign, comment and withdraw; each returns the new state', async () => {
      const id = await createCase('A-02');
      const coord = auth(w.tokens.coordinator);
      const moved = await h
        .http()
        .post(`/cases/${id}/steps/execute/due-date`)
        .set(coord)
        .send({ dueOn: '2032-01-30', reason: 'The Government session moved' });
      expect(moved.status).toBe(200);
      expect((moved.body as CaseView).steps.find((s) => s.key === 'execute')?.dueOn).toBe('2032-01-30');
      // a step handed to no agency, or to one that cannot see the plan, would wait for ever (was 200)
      const unshared = `TJ-${h.tag}-CUSTOMS`;
      expect(
        (
          await h
            .http()
            .post('/agencies')
            .set(auth(h.tokens.admin))
            .send({ code: unshared, name: 'Customs of Tajikistan', stateCode: 'TJ' })
        ).status,
      ).toBe(201);
      const organisation = `ORG-${h.tag}`;
      expect(
        (
          await h
            .http()
            .post('/agencies')
            .set(auth(h.tokens.admin))
            .send({ code: organisation, name: 'A regional organisation' })
        ).status,
      ).toBe(201);
      const before = await view(id);
      for (const [agency, reason] of [
        [`KG-${h.tag}-NOPE`, `unknown agency KG-${h.tag}-NOPE`],
        [
          unshared,
          `${unshared} (TJ) cannot see plan ${w.plan}: share the plan with the agency or its state first`,
        ],
        [
          organisation,
          `${organisation} (an international organisation) cannot see plan ${w.plan}: share the plan with the ` +
            `organisation first`,
        ],
      ]) {
        const refused = await h
          .http()
          .post(`/cases/${id}/steps/execute/reassign`)
          .set(coord)
          .send({ agency, reason: 'handover' });
        expect(refused.status).toBe(400);
        expect((refused.body as { errors: unknown[] }).errors).toEqual([
          { field: 'agency', message: reason },
        ]);
      }
      expect(await view(id)).toEqual(before);
      const elsewhere = await h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(coord)
        .send({ kind: 'measure', code: 'A-TJ', title: 'x', leadAgency: unshared, dueOn: '2031-12-31' });
      expect(elsewhere.status).toBe(400);
      expect((elsewhere.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
        'leadAgency',
      ]);
      // also as a code and facts, for the dashboard to word in its reader's language
      expect((elsewhere.body as { errors: unknown[] }).errors[0]).toMatchObject({
        code: 'agency_not_shared',
        params: { value: unshared },
      });
      const reassigned = await h
        .http()
        .post(`/cases/${id}/steps/execute/reassign`)
        .set(coord)
        .send({ agency: w.agencies.other, reason: 'handover' });
      expect(reassigned.status).toBe(200);
      expect((reassigned.body as CaseView).steps.find((s) => s.key === 'execute')?.assignees).toEqual([
        w.agencies.other,
      ]);
      // the former assignee can no longer complete; the new one can see it in the inbox
      expect(
        (await h.http().post(`/cases/${id}/steps/execute/complete`).set(auth(w.tokens.lead)).send({})).status,
      ).toBe(403);
      const commented = await h
        .http()
        .post(`/cases/${id}/comments`)
        .set(auth(w.tokens.support))
        .send({ text: 'We can help' });
      expect(commented.status).toBe(200);
      expect((commented.body as CaseView).comments).toHaveLength(1);
      // a comment on a step the case does not have was answered 200 and dropped by the workflow
      const onNoStep = await h
        .http()
        .post(`/cases/${id}/comments`)
        .set(coord)
        .send({ text: 'About the review', stepKey: 'no_such_step' });
      expect(onNoStep.status).toBe(404);
      expect((onNoStep.body as { detail: string }).detail).toContain('no step "no_such_step"');
      const onStep = await h
        .http()
        .post(`/cases/${id}/comments`)
        .set(coord)
        .send({ text: 'About the execution', stepKey: 'execute' });
      expect(onStep.status).toBe(200);
      expect((onStep.body as CaseView).comments).toHaveLength(2);
      const withdrawn = await h
        .http()
        .post(`/cases/${id}/withdraw`)
        .set(coord)
        .send({ reason: 'superseded' });
      expect(withdrawn.status).toBe(200);
      expect((withdrawn.body as CaseView).status).toBe('withdrawn');
      // a closed case takes no more actions
      expect(
        (await h.http().post(`/cases/${id}/steps/execute/complete`).set(auth(w.tokens.other)).send({}))
          .status,
      ).toBe(409);
    });

    it("lets the partner state's focal point do their part of a peer review, and nothing else", async () => {
      // the note the product grew from: a peer review between two states, the report approved by both
      const admin = auth(h.tokens.admin);
      const coord = auth(w.tokens.coordinator);
      const email = `tj-focal-${h.tag.toLowerCase()}@tj.napflow.example.org`;
      const person = await h
        .http()
        .post('/people')
        .set(admin)
        .send({
          email,
          name: `TJ focal ${h.tag}`,
          agencyCode: tjAgency,
          role: 'focal_point',
          language: 'ru',
          password: PASSWORD,
        });
      expect(person.status).toBe(201);
      const tj = auth(await login(h, email, PASSWORD));
      const created = await h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(coord)
        .send({
          kind: 'peer_review',
          code: 'PR-KG-TJ',
          title: 'Peer review of Kyrgyzstan and Tajikistan',
          leadAgency: w.agencies.lead,
          participants: { state_a: [w.agencies.lead], state_b: [tjAgency] },
          dueOn: '2031-12-31',
        });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      const stepOf = async (key: string) => (await view(id)).steps.find((st) => st.key === key);
      const today = DateTime.now().setZone('Asia/Bishkek').toISODate() as string;
      for (const key of ['launch_meeting', 'visit_state_a', 'visit_state_b']) {
        await eventually(
          async () => ((await stepOf(key))?.status === 'active' ? true : undefined),
          `${key} to be active`,
        );
        const done = await h
          .http()
          .post(`/cases/${id}/steps/${key}/milestone`)
          .set(coord)
          .send({ on: today });
        expect({ key, status: done.status }).toEqual({ key, status: 200 });
      }
      await eventually(
        async () => ((await stepOf('joint_report'))?.status === 'active' ? true : undefined),
        'joint_report to be active',
      );
      // the partner's evidence and completion of the joint report (both were 403: "own state only")
      const up = await h
        .http()
        .post(`/cases/${id}/attachments`)
        .set(tj)
        .attach('file', Buffer.from('%PDF-1.4\n% joint report\n%%EOF\n'), {
          filename: 'joint-report.pdf',
          contentType: 'application/pdf',
        });
      expect(up.status).toBe(201);
      const report = up.body as { id: string; name: string; sha256: string };
      const completed = await h
        .http()
        .post(`/cases/${id}/steps/joint_report/complete`)
        .set(tj)
        .send({
          note: 'Agreed text',
          attachments: [{ id: report.id, name: report.name, sha256: report.sha256 }],
        });
      expect(completed.status).toBe(200);
      // but no comment, no step of another agency, no coordinator's action
      const before = await view(id);
      expect((await h.http().post(`/cases/${id}/comments`).set(tj).send({ text: 'x' })).status).toBe(403);
      expect(
        (
          await h
            .http()
            .post(`/cases/${id}/steps/shared_with_committee/milestone`)
            .set(tj)
            .send({ on: today })
        ).status,
      ).toBe(403);
      expect(
        (
          await h
            .http()
            .post(`/cases/${id}/steps/states_approval/due-date`)
            .set(tj)
            .send({ dueOn: '2032-01-31', reason: 'later' })
        ).status,
      ).toBe(403);
      expect(await view(id)).toEqual(before);
      // both states approve: the report goes to the 1540 Committee
      for (const t of [tj, auth(w.tokens.lead)]) {
        const approved = await h
          .http()
          .post(`/cases/${id}/steps/states_approval/decision`)
          .set(t)
          .send({ decision: 'approve' });
        expect(approved.status).toBe(200);
      }
      await eventually(
        async () => ((await stepOf('shared_with_committee'))?.status === 'active' ? true : undefined),
        'shared_with_committee to be active',
      );
      // with nothing waiting on its agency any more, the partner adds no evidence
      const late = await h
        .http()
        .post(`/cases/${id}/attachments`)
        .set(tj)
        .attach('file', Buffer.from('%PDF-1.4\n% annex\n%%EOF\n'), {
          filename: 'annex.pdf',
          contentType: 'application/pdf',
        });
      expect(late.status).toBe(403);
    });

    it('answers 422 with the workflow’s reason for a valid request the process refuses', async () => {
      const res = await h
        .http()
        .post(`/cases/${caseId}/steps/head_approval/complete`)
        .set(auth(w.tokens.coordinator))
        .send({});
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'process_refused', reason: 'invalid' });
    });

    it('records a deputy acting for an absent focal point (onBehalfOf)', async () => {
      const id = await createCase('A-03');
      const today = new Date().toISOString().slice(0, 10);
      // the lead agency's focal point is away; the firefighter focal point stands in
      const set = await h
        .http()
        .put(`/people/${w.people.lead.id}/deputy`)
        .set(auth(h.tokens.admin))
        .send({ deputyId: w.people.other.id, from: today, until: '2079-12-31' });
      expect(set.status).toBe(200);
      const res = await h
        .http()
        .post(`/cases/${id}/steps/execute/complete`)
        .set(auth(w.tokens.other))
        .send({ note: 'as deputy' });
      expect(res.status).toBe(200);
      const action = (
        res.body as {
          steps: {
            key: string;
            actions: { action: string; by: string; agency: string; onBehalfOf?: string }[];
          }[];
        }
      ).steps
        .find((s) => s.key === 'execute')
        ?.actions.find((a) => a.action === 'complete');
      expect(action).toMatchObject({
        by: w.people.other.id,
        agency: w.agencies.lead,
        onBehalfOf: w.people.lead.id,
      });
      await h
        .http()
        .put(`/people/${w.people.lead.id}/deputy`)
        .set(auth(h.tokens.admin))
        .send({ deputyId: w.people.other.id, from: '2000-01-01', until: '2000-01-02' });
    });
  });

  it('lets an administrator rename a person (audited), refuses a blank name and other roles', async () => {
    const id = w.people.other.id;
    const renamed = await h
      .http()
      .patch(`/people/${id}`)
      .set(auth(h.tokens.admin))
      .send({ name: '  Nurlan Firefighter-Usenov ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'Nurlan Firefighter-Usenov' });
    const listed = (await h.http().get('/people').set(auth(h.tokens.admin))).body as {
      id: string;
      name: string;
    }[];
    expect(listed.find((x) => x.id === id)?.name).toBe('Nurlan Firefighter-Usenov');
    const audit = await h.app
      .get(DataSource)
      .query<{ data: { personId: string; changed: string[] } }[]>(
        `SELECT data FROM audit_events WHERE type = 'person_updated' AND data->>'personId' = $1 ORDER BY id DESC LIMIT 1`,
        [id],
      );
    expect(audit[0]?.data.changed).toEqual(['name']);

    const blank = await h.http().patch(`/people/${id}`).set(auth(h.tokens.admin)).send({ name: '   ' });
    expect(blank.status).toBe(400);
    // null is not "leave it": it was a 500 (null.trim(), a NOT NULL violation); nothing to change is refused too
    const updates = async () =>
      (
        await h.app
          .get(DataSource)
          .query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM audit_events WHERE type = 'person_updated' AND data->>'personId' = $1`,
            [id],
          )
      )[0].n;
    const audited = await updates();
    for (const [body, field] of [
      [{ name: null }, 'name'],
      [{ active: null }, 'active'],
      [{ language: null }, 'language'],
      [{}, 'body'],
    ] as const) {
      const bad = await h.http().patch(`/people/${id}`).set(auth(h.tokens.admin)).send(body);
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      expect(new Set((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field))).toEqual(
        new Set([field]),
      );
    }
    expect(await updates()).toBe(audited);
    const byCoordinator = await h
      .http()
      .patch(`/people/${id}`)
      .set(auth(w.tokens.coordinator))
      .send({ name: 'Someone else' });
    expect(byCoordinator.status).toBe(403);
    const after = (await h.http().get('/people').set(auth(h.tokens.admin))).body as {
      id: string;
      name: string;
    }[];
    expect(after.find((x) => x.id === id)?.name).toBe('Nurlan Firefighter-Usenov');
  });

  it('ends a person’s sessions when their password changes or their account is disabled', async () => {
    const admin = auth(h.tokens.admin);
    const login = async (email: string, password: string) => {
      const r = await h.http().post('/auth/login').send({ email, password });
      expect(r.status).toBe(200);
      return (r.body as { token: string }).token;
    };
    const me = async (token: string) => (await h.http().get('/auth/me').set(auth(token))).status;
    const newPerson = async (suffix: string, role: string) => {
      const email = `sessions-${suffix}-${h.tag.toLowerCase()}@napflow.example.org`;
      const r = await h
        .http()
        .post('/people')
        .set(admin)
        .send({
          email,
          name: `Sessions ${suffix}`,
          role,
          agencyCode: role === 'admin' ? w.agencies.coord : w.agencies.lead,
          language: 'en',
          password: 'first-password-1234',
        });
      expect(r.status).toBe(201);
      return { id: (r.body as { id: string }).id, email };
    };

    // an administrator sets a new password: every session of that person ends
    const fp = await newPerson('fp', 'focal_point');
    const [a, b] = [
      await login(fp.email, 'first-password-1234'),
      await login(fp.email, 'first-password-1234'),
    ];
    expect([await me(a), await me(b)]).toEqual([200, 200]);
    const changed = await h
      .http()
      .patch(`/people/${fp.id}`)
      .set(admin)
      .send({ password: 'second-password-1234' });
    expect(changed.status).toBe(200);
    expect([await me(a), await me(b)]).toEqual([401, 401]);
    // disabled: the new session ends too, and enabling the account again does not bring it back
    const c = await login(fp.email, 'second-password-1234');
    expect((await h.http().patch(`/people/${fp.id}`).set(admin).send({ active: false })).status).toBe(200);
    expect((await h.http().patch(`/people/${fp.id}`).set(admin).send({ active: true })).status).toBe(200);
    expect(await me(c)).toBe(401);
    expect(await me(await login(fp.email, 'second-password-1234'))).toBe(200);
    // other changes leave sessions alone
    const d = await login(fp.email, 'second-password-1234');
    expect(
      (await h.http().patch(`/people/${fp.id}`).set(admin).send({ name: 'Sessions renamed' })).status,
    ).toBe(200);
    expect(await me(d)).toBe(200);

    // people changing their own password keep the session they changed it from, and only that one
    const self = await newPerson('admin', 'admin');
    const [mine, other] = [
      await login(self.email, 'first-password-1234'),
      await login(self.email, 'first-password-1234'),
    ];
    const own = await h
      .http()
      .patch(`/people/${self.id}`)
      .set(auth(mine))
      .send({ password: 'second-password-1234' });
    expect(own.status).toBe(200);
    expect([await me(mine), await me(other)]).toEqual([200, 401]);
  });

  it('lets an administrator give an agency its Russian name and rename it (audited); others may not', async () => {
    const code = `KG-${h.tag}-RENAMED`;
    const created = await h.http().post('/agencies').set(auth(h.tokens.admin)).send({
      code,
      name: 'State Agency for Export Control',
      stateCode: 'KG',
      nameRu: 'Госагентство экспортного контроля',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      code,
      name: 'State Agency for Export Control',
      nameRu: 'Госагентство экспортного контроля',
      stateCode: 'KG',
      kind: 'agency',
    });
    const renamed = await h
      .http()
      .patch(`/agencies/${code}`)
      .set(auth(h.tokens.admin))
      .send({ name: ' Export Control Service ', nameRu: 'Служба экспортного контроля' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Export Control Service',
      nameRu: 'Служба экспортного контроля',
    });
    const listed = (await h.http().get('/agencies?stateCode=KG').set(auth(w.tokens.coordinator))).body as {
      code: string;
      nameRu: string | null;
    }[];
    expect(listed.find((a) => a.code === code)?.nameRu).toBe('Служба экспортного контроля');
    const audit = await h.app
      .get(DataSource)
      .query<{ data: { code: string; changed: string[] } }[]>(
        `SELECT data FROM audit_events WHERE type = 'agency_updated' AND data->>'code' = $1`,
        [code],
      );
    expect(audit.map((a) => a.data.changed)).toEqual([['name', 'nameRu']]);

    const cleared = await h
      .http()
      .patch(`/agencies/${code}`)
      .set(auth(h.tokens.admin))
      .send({ nameRu: null });
    expect(cleared.body).toMatchObject({ name: 'Export Control Service', nameRu: null });
    for (const body of [{}, { name: '  ' }, { stateCode: 'TJ' }, { name: null }]) {
      const bad = await h.http().patch(`/agencies/${code}`).set(auth(h.tokens.admin)).send(body);
      expect(bad.status).toBe(400);
    }
    expect(
      (await h.http().patch(`/agencies/KG-NOBODY-${h.tag}`).set(auth(h.tokens.admin)).send({ name: 'X' }))
        .status,
    ).toBe(404);
    const byCoordinator = await h
      .http()
      .patch(`/agencies/${code}`)
      .set(auth(w.tokens.coordinator))
      .send({ name: 'Someone else' });
    expect(byCoordinator.status).toBe(403);
  });

  it('lists with each agency how many active focal points its steps are emailed to', async () => {
    const admin = auth(h.tokens.admin);
    const code = `KG-${h.tag}-NEWAG`;
    expect(
      (
        await h
          .http()
          .post('/agencies')
          .set(admin)
          .send({ code, name: 'Nuclear Safety Agency', stateCode: 'KG' })
      ).status,
    ).toBe(201);
    const counts = async () => {
      const listed = await h.http().get('/agencies?stateCode=KG').set(auth(w.tokens.coordinator));
      expect(listed.status).toBe(200);
      const rows = listed.body as { code: string; focalPoints: number }[];
      return Object.fromEntries(
        rows
          .filter((a) => a.code === code || a.code === w.agencies.coord)
          .map((a) => [a.code, a.focalPoints]),
      );
    };
    // the coordinator's ministry has a coordinator and no focal point; the new agency nobody yet
    expect(await counts()).toEqual({ [w.agencies.coord]: 0, [code]: 0 });
    const person = await h
      .http()
      .post('/people')
      .set(admin)
      .send({
        email: `focal-${h.tag.toLowerCase()}@kg-newag.example.org`,
        name: 'Focal point of the new agency',
        agencyCode: code,
        role: 'focal_point',
        language: 'ru',
        password: 'a-long-test-password',
      });
    expect(person.status).toBe(201);
    expect(await counts()).toEqual({ [w.agencies.coord]: 0, [code]: 1 });
    // a disabled account is nobody to email
    const id = (person.body as { id: string }).id;
    expect((await h.http().patch(`/people/${id}`).set(admin).send({ active: false })).status).toBe(200);
    expect(await counts()).toEqual({ [w.agencies.coord]: 0, [code]: 0 });
  });
});
