// The first case end to end through HTTP: a plan and a measure, its workflow started once, the lead agency
// completes, approvals close it; the live state and the read model follow.
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { EmailOutboxRepository } from '@app/mail';
import { CasesRepository } from '@app/persistence';
import { CaseWorkflowClient } from '@app/temporal';
import {
  auth,
  buildWorld,
  eventually,
  type Harness,
  PASSWORD,
  startHarness,
  type World,
} from './api-harness';

interface CaseView {
  id: string;
  workflowId: string;
  status: string;
  source: string;
  steps: {
    key: string;
    title: string;
    titles?: { en: string; ru?: string };
    status: string;
    assignees: string[];
    actions: { action: string; agency: string | null; by: string; channel: string }[];
  }[];
}

interface StartWarning {
  code: string;
  message: string;
  dueOn?: string;
  step?: string;
  stepTitles?: { en: string; ru?: string };
  assignees?: string[];
  notice?: { kind: string; at: string } | null;
}

interface InboxItem {
  caseCode: string;
  stepKey: string;
  stepTitle: string;
  stepTitles?: { en: string; ru?: string };
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
  }, 60_000);

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
    expect(created.body).toEqual({
      id: expect.any(String),
      workflowId: `case:${w.plan}:M-01`,
      status: 'active',
      warnings: [],
    });
    const { id, workflowId } = created.body as { id: string; workflowId: string };

    // the same plan and code again: 409 naming the existing case, no second workflow
    const again = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(measure('M-01'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'duplicate', existing: { id, workflowId } });

    const live = await eventually(async () => {
      const r = await h.http().get(`/cases/${id}`).set(coord);
      const v = r.body as CaseView;
      return r.status === 200 && v.steps.some((s) => s.key === 'execute' && s.status === 'active')
        ? v
        : undefined;
    }, 'the execute step to be active');
    expect(live.source).toBe('workflow');
    expect(live.id).toBe(id);
    expect(live.steps.find((s) => s.key === 'execute')?.assignees).toEqual([w.agencies.lead]);
    // the stored title is English; the case's process definition names the step in each of its languages
    expect(live.steps.find((s) => s.key === 'execute')).toMatchObject({
      title: 'Implementation by the lead agency',
      titles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
    });

    const lead = auth(w.tokens.lead);
    const done = await h
      .http()
      .post(`/cases/${id}/steps/execute/complete`)
      .set(lead)
      .send({ note: 'Adopted on 2 April 2014' });
    expect(done.status).toBe(200);
    const afterDone = done.body as CaseView;
    expect(afterDone.steps.find((s) => s.key === 'execute')?.status).toBe('done');
    const completeAction = afterDone.steps
      .find((s) => s.key === 'execute')
      ?.actions.find((a) => a.action === 'complete');
    expect(completeAction).toMatchObject({ agency: w.agencies.lead, by: w.people.lead.id, channel: 'api' });

    // completing again: the step is no longer open
    const twice = await h.http().post(`/cases/${id}/steps/execute/complete`).set(lead).send({});
    expect(twice.status).toBe(409);

    const head = await h
      .http()
      .post(`/cases/${id}/steps/head_approval/decision`)
      .set(lead)
      .send({ decision: 'approve' });
    expect(head.status).toBe(200);
    const final = await h
      .http()
      .post(`/cases/${id}/steps/coordinator_approval/decision`)
      .set(coord)
      .send({ decision: 'approve', comment: 'Well done' });
    expect(final.status).toBe(200);
    expect((final.body as CaseView).status).toBe('completed');

    // the read model follows: list, row and history
    await eventually(async () => {
      const r = await h.http().get(`/cases?plan=${w.plan}&status=completed`).set(coord);
      const items = (r.body as { items: { id: string }[] }).items;
      return items.some((c) => c.id === id) ? true : undefined;
    }, 'the read model to show the case completed');
    const rows = await h.app
      .get(DataSource)
      .query<{ status: string; seq: string }[]>(`SELECT status, seq FROM cases WHERE id = $1`, [id]);
    expect(rows[0].status).toBe('completed');
    const history = await h.http().get(`/cases/${id}/history`).set(coord);
    expect(history.status).toBe(200);
    const types = (history.body as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['case_started', 'step_completed', 'decision', 'case_closed']),
    );
    // the audit trail records where each person's action came from (the API's client address: the case's start,
    // the completion, both decisions); what the case did by itself (channel system) has no address; the case history,
    // readable by everyone who may read the case, does not show it
    const sources = await h.app
      .get(DataSource)
      .query<{ type: string; channel: string; ip: string | null }[]>(
        `SELECT type, channel, ip FROM audit_events WHERE case_id = $1 ORDER BY id`,
        [id],
      );
    const byPeople = sources.filter((e) => e.channel !== 'system');
    expect(byPeople.map((e) => e.type)).toEqual(['case_started', 'step_completed', 'decision', 'decision']);
    for (const e of byPeople) expect(e.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(sources.filter((e) => e.channel === 'system' && e.ip !== null)).toEqual([]);
    expect(JSON.stringify(history.body)).not.toMatch(/127\.0\.0\.1|::1/);

    const plan = await h.http().get(`/plans/${w.plan}`).set(coord);
    expect(plan.status).toBe(200);
    expect((plan.body as { progress: { completed: number } }).progress.completed).toBe(1);
  });

  it('warns when a case starts past its deadline, as its workflow then schedules it', async () => {
    const coord = auth(w.tokens.coordinator);
    // the handover of the radiation portal monitors, due 1 January 2015 (the peer-review note), entered years late
    const created = await h
      .http()
      .post(`/plans/${w.plan}/cases`)
      .set(coord)
      .send({ ...measure('M-LATE'), dueOn: '2015-01-01', supportingAgencies: [w.agencies.support] });
    expect(created.status).toBe(201);
    const { workflowId, warnings } = created.body as { workflowId: string; warnings: StartWarning[] };
    expect(warnings.map((x) => x.message)).toEqual([
      'the deadline 2015-01-01 has already passed',
      expect.stringMatching(
        new RegExp(
          `^step "execute" starts overdue \\(due 2015-01-01\\); ${w.agencies.lead} will get an overdue notice at ` +
            `\\d{4}-\\d\\d-\\d\\d 09:00 Asia/Bishkek$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^step "contribute" starts overdue \\(due 2014-12-\\d\\d\\); ${w.agencies.support} will get`,
        ),
      ),
    ]);
    expect(warnings[0]).toEqual({
      code: 'deadline_passed',
      message: 'the deadline 2015-01-01 has already passed',
      dueOn: '2015-01-01',
    });
    // the preview is the engine's own start: the workflow holds the same due dates, assignees and first notices
    const state = await h.app.get(CaseWorkflowClient).getState(workflowId);
    const scheduled = state.steps
      .filter((s) => s.status === 'active')
      .map((s) => ({
        code: 'step_overdue',
        step: s.key,
        dueOn: s.dueOn,
        assignees: s.assignees,
        notice: { kind: s.nextNotices[0].kind, at: s.nextNotices[0].at },
      }));
    expect(warnings.slice(1).map(({ message: _m, stepTitles: _t, ...facts }) => facts)).toEqual(scheduled);
    expect(warnings[1].stepTitles).toEqual({
      en: 'Implementation by the lead agency',
      ru: 'Исполнение меры ведущим ведомством',
    });
    // and the words name the same instant in the state's time
    const at = DateTime.fromISO(state.steps[0].nextNotices[0].at, { zone: 'Asia/Bishkek' });
    expect(warnings[1].message).toContain(`at ${at.toFormat('yyyy-MM-dd HH:mm')} Asia/Bishkek`);

    // a case due in the future starts without warnings
    const onTime = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(measure('M-ONTIME'));
    expect(onTime.status).toBe(201);
    expect((onTime.body as { warnings: StartWarning[] }).warnings).toEqual([]);
  });

  it('warns when a step waits on an agency with no active focal point, until it has one', async () => {
    const coord = auth(w.tokens.coordinator);
    // the coordinator's own ministry has a coordinator but no focal point: nobody there gets the step's emails
    const request = (code: string) => ({ ...measure(code), supportingAgencies: [w.agencies.coord] });
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(request('M-NOFP-1'));
    expect(created.status).toBe(201);
    expect((created.body as { warnings: StartWarning[] }).warnings).toEqual([
      {
        code: 'no_focal_point',
        message:
          `step "contribute" waits on ${w.agencies.coord}, which has no active focal point: nobody there is ` +
          'emailed about it',
        step: 'contribute',
        stepTitles: { en: 'Contributions of the supporting agencies', ru: 'Вклад содействующих ведомств' },
        assignees: [w.agencies.coord],
      },
    ]);
    // the case starts all the same: the warning is for the coordinator, the step waits as it would
    const state = await h.app.get(CaseWorkflowClient).getState(`case:${w.plan}:M-NOFP-1`);
    expect(state.steps.find((st) => st.key === 'contribute')?.assignees).toEqual([w.agencies.coord]);

    // once the ministry has a focal point, the same kind of case starts without the warning
    const person = await h
      .http()
      .post('/people')
      .set(auth(w.tokens.admin))
      .send({
        email: `moe-focal-${w.plan.toLowerCase()}@kg.napflow.example.org`,
        name: 'Focal point of the coordinating ministry',
        agencyCode: w.agencies.coord,
        role: 'focal_point',
        language: 'ru',
        password: PASSWORD,
      });
    expect(person.status).toBe(201);
    const staffed = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(request('M-NOFP-2'));
    expect(staffed.status).toBe(201);
    expect((staffed.body as { warnings: StartWarning[] }).warnings).toEqual([]);
  });

  it('refuses a case whose roles name no agency before anything is written', async () => {
    const coord = auth(w.tokens.coordinator);
    // a draft law needs a justice ministry for its legal review: without participants its workflow could not start
    const res = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send({
      kind: 'draft_law',
      code: 'L-NOJUSTICE',
      title: 'Law on export control',
      leadAgency: w.agencies.lead,
      dueOn: '2031-06-30',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'participants', message: expect.stringMatching(/justice.* name no agency/) }],
    });
    expect(await h.app.get(CasesRepository).findByCode(w.plan, 'L-NOJUSTICE')).toBeNull();
  });

  it('lists cases with filters and pagination', async () => {
    const coord = auth(w.tokens.coordinator);
    for (const code of ['F-01', 'F-02', 'F-03']) {
      const r = await h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(coord)
        .send({
          ...measure(code),
          dueOn: code === 'F-03' ? '2031-06-30' : '2030-06-30',
          area: code === 'F-02' ? { paragraph: 'OP2', weaponType: 'chemical' } : undefined,
        });
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
    expect((await q('dueBefore=2030-12-31&status=active&text=F-')).items.map((c) => c.code).sort()).toEqual([
      'F-01',
      'F-02',
    ]);
    expect((await q(`agency=${w.agencies.lead}&kind=measure&state=KG&overdue=false&text=F-`)).total).toBe(3);
    const page2 = await q('text=F-&pageSize=2&page=2');
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);

    // the inbox of the lead agency has their execute steps
    const inbox = await eventually(async () => {
      const r = await h.http().get('/inbox').set(auth(w.tokens.lead));
      const items = (r.body as { items: InboxItem[] }).items;
      return items.filter((i) => i.caseCode.startsWith('F-')).length === 3 ? items : undefined;
    }, 'the inbox to list the three execute steps');
    expect(inbox.every((i) => i.stepKey === 'execute' || !i.caseCode.startsWith('F-'))).toBe(true);
    // each step also named in the languages of its case's process definition
    expect(inbox.find((i) => i.caseCode === 'F-01')).toMatchObject({
      stepTitle: 'Implementation by the lead agency',
      stepTitles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
    });
    // the list names the step each case waits on, in both languages
    const listed = (await q('text=F-01')).items as unknown as { currentStep: unknown }[];
    expect(listed.map((c) => c.currentStep)).toEqual([
      {
        key: 'execute',
        title: 'Implementation by the lead agency',
        titles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
        assignees: [w.agencies.lead],
        dueOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      },
    ]);
    // the dashboard's session cookie acts with channel "dashboard"
    const session = await h
      .http()
      .post('/auth/login')
      .send({ email: w.people.support.email, password: 'a-long-test-password' });
    const cookie = ([] as string[]).concat(session.headers['set-cookie'] ?? [])[0].split(';')[0];
    const anyCase = (await q('text=F-01')).items[0] as unknown as { id: string };
    const commented = await h
      .http()
      .post(`/cases/${anyCase.id}/comments`)
      .set('Cookie', cookie)
      .send({ text: 'From the dashboard' });
    expect(commented.status).toBe(200);
    expect((commented.body as { comments: { channel: string; by: string }[] }).comments[0]).toMatchObject({
      channel: 'dashboard',
      by: w.people.support.id,
    });
    const otherInbox = await h.http().get('/inbox').set(auth(w.tokens.other));
    expect((otherInbox.body as { items: unknown[] }).items).toHaveLength(0);
  });

  it('sorts the list by a whitelisted column (nulls last, ties by id) and refuses other sorts', async () => {
    const coord = auth(w.tokens.coordinator);
    const ids: Record<string, string> = {};
    for (const [code, title, dueOn] of [
      ['S-01', 'Charlie', '2033-03-01'],
      ['S-02', 'Alpha', '2033-02-01'],
      ['S-03', 'Bravo', '2033-02-01'],
    ]) {
      const r = await h
        .http()
        .post(`/plans/${w.plan}/cases`)
        .set(coord)
        .send({ ...measure(code), title, dueOn });
      expect(r.status).toBe(201);
      ids[code] = (r.body as { id: string }).id;
    }
    // a case without a due date (only the read model can hold one: the API requires dueOn)
    const undated = await h.app.get(CasesRepository).reserve({
      planCode: w.plan,
      stateCode: 'KG',
      kind: 'measure',
      code: 'S-04',
      workflowId: `case:${w.plan}:S-04`,
      title: 'Delta',
      leadAgency: w.agencies.lead,
      dueOn: null,
      timeZone: 'Asia/Bishkek',
    });
    ids['S-04'] = undated.case.id;
    const codes = async (sort?: string, extra = '') => {
      const r = await h
        .http()
        .get(`/cases?plan=${w.plan}&text=S-0${sort ? `&sort=${encodeURIComponent(sort)}` : ''}${extra}`)
        .set(coord);
      expect(r.status).toBe(200);
      return (r.body as { items: { code: string }[] }).items.map((c) => c.code);
    };
    // S-02 and S-03 share a due date: the id decides, the same way every time
    const tie = ['S-02', 'S-03'].sort((a, b) => (ids[a] < ids[b] ? -1 : 1));
    expect(await codes()).toEqual([...tie, 'S-01', 'S-04']);
    expect(await codes('dueOn')).toEqual([...tie, 'S-01', 'S-04']);
    expect(await codes('-dueOn')).toEqual(['S-01', ...tie, 'S-04']);
    expect(await codes('title')).toEqual(['S-02', 'S-03', 'S-01', 'S-04']);
    expect(await codes('-title')).toEqual(['S-04', 'S-01', 'S-03', 'S-02']);
    expect(await codes('-code')).toEqual(['S-04', 'S-03', 'S-02', 'S-01']);
    expect(await codes('title', '&pageSize=2&page=2')).toEqual(['S-01', 'S-04']);
    for (const sort of ['leadAgency', '-status', 'progress', '-updatedAt']) {
      expect((await codes(sort)).sort()).toEqual(['S-01', 'S-02', 'S-03', 'S-04']);
    }

    for (const bad of ['due', 'dueOn;DROP TABLE cases', '--dueOn', 'c.title']) {
      const r = await h
        .http()
        .get(`/cases?plan=${w.plan}&sort=${encodeURIComponent(bad)}`)
        .set(coord);
      expect(r.status).toBe(400);
      const errors = (r.body as { errors?: { field: string; message: string }[] }).errors ?? [];
      expect(errors.map((e) => e.field)).toEqual(['sort']);
      expect(errors[0].message).toContain('dueOn');
    }
  });

  it('lists the emails of a case to whoever may read it, with status and the refusal of failed ones', async () => {
    const coord = auth(w.tokens.coordinator);
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(coord).send(measure('E-01'));
    expect(created.status).toBe(201);
    const { id, workflowId } = created.body as { id: string; workflowId: string };
    interface Email {
      id: string;
      kind: string;
      stepKey: string | null;
      recipient: string | null;
      language: string;
      subject: string;
      status: string;
      messageId: string;
      createdAt: string;
      sentAt: string | null;
      error?: string;
    }
    // the lead agency's focal point is told the execute step is theirs
    const emails = await eventually(async () => {
      const r = await h.http().get(`/cases/${id}/emails`).set(coord);
      const list = r.body as Email[];
      return r.status === 200 && list.some((e) => e.recipient === w.people.lead.email && e.status === 'sent')
        ? list
        : undefined;
    }, 'the step_assigned email to the lead agency to be sent');
    const toLead = emails.find((e) => e.recipient === w.people.lead.email && e.status === 'sent') as Email;
    expect(toLead).toMatchObject({ kind: 'step_assigned', stepKey: 'execute', language: 'en' });
    expect(toLead.messageId).toMatch(/^<.+@.+>$/);
    expect(Date.parse(toLead.sentAt ?? '')).not.toBeNaN();
    expect(toLead).not.toHaveProperty('error');

    // an email the SMTP server refused for good shows as failed, with the refusal
    const outbox = new EmailOutboxRepository(h.app.get(DataSource));
    const [row] = await outbox.enqueue(
      {
        key: `test:${workflowId}:refused`,
        kind: 'reminder',
        workflowId,
        stepKey: 'execute',
        stateCode: 'KG',
      },
      [
        {
          recipientEmail: `gone-${h.tag.toLowerCase()}@kg.napflow.example.org`,
          personId: null,
          onBehalfOf: null,
          language: 'ru',
          subject: 'Напоминание',
          html: '<p>Напоминание</p>',
          text: 'Напоминание',
          messageId: `<refused-${h.tag.toLowerCase()}@napflow.test>`,
        },
      ],
    );
    const claim = await outbox.claim(row.id);
    if (claim.outcome !== 'claimed') throw new Error(`claim: ${claim.outcome}`);
    await outbox.markFailed(row.id, claim.claimId, '550 5.1.1 recipient refused');
    const after = (await h.http().get(`/cases/${id}/emails`).set(coord)).body as Email[];
    expect(after.find((e) => e.id === row.id)).toMatchObject({
      kind: 'reminder',
      status: 'failed',
      language: 'ru',
      sentAt: null,
      error: '550 5.1.1 recipient refused',
    });

    // the same access as the case: its state's focal points and the plan's observer read, another state does not
    for (const who of ['other', 'observer'] as const) {
      expect((await h.http().get(`/cases/${id}/emails`).set(auth(w.tokens[who]))).status).toBe(200);
    }
    // ... but who received them only the case's own state: the observer sees that mail went out, not to whom
    const asObserver = (await h.http().get(`/cases/${id}/emails`).set(auth(w.tokens.observer)))
      .body as Email[];
    expect(asObserver.length).toBe(after.length);
    expect(asObserver.every((e) => e.recipient === null && !('error' in e))).toBe(true);
    expect(JSON.stringify(asObserver)).not.toContain('@kg.napflow.example.org');
    const asColleague = (await h.http().get(`/cases/${id}/emails`).set(auth(w.tokens.other))).body as Email[];
    expect(asColleague.find((e) => e.id === row.id)).toMatchObject({
      recipient: `gone-${h.tag.toLowerCase()}@kg.napflow.example.org`,
      error: '550 5.1.1 recipient refused',
    });
    expect((await h.http().get(`/cases/${id}/emails`).set(auth(w.tokens.foreignCoordinator))).status).toBe(
      404,
    );
    expect((await h.http().get(`/cases/not-a-uuid/emails`).set(coord)).status).toBe(404);
    expect((await h.http().get(`/cases/${id}/emails`)).status).toBe(401);
  });

  it('breaks a plan down by health, lead agency and 1540 area, counted in SQL', async () => {
    const coord = auth(w.tokens.coordinator);
    const plan = `KG-BRK-${h.tag}`;
    const made = await h
      .http()
      .post('/plans')
      .set(coord)
      .send({ code: plan, title: 'Breakdowns', stateCode: 'KG', adoptedOn: '2013-03-22' });
    expect(made.status).toBe(201);
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const start = async (code: string, leadAgency: string, dueOn: string, area?: object) => {
      const r = await h
        .http()
        .post(`/plans/${plan}/cases`)
        .set(coord)
        .send({ kind: 'measure', code, title: `Case ${code}`, leadAgency, dueOn, area });
      expect(r.status).toBe(201);
      const id = (r.body as { id: string }).id;
      await eventually(async () => {
        const v = (await h.http().get(`/cases/${id}`).set(coord)).body as CaseView;
        return v.steps?.some((st) => st.key === 'execute' && st.status === 'active') ? true : undefined;
      }, `${code} to start`);
      return id;
    };
    const act = async (id: string, path: string, token: string, body: object) => {
      const r = await h.http().post(`/cases/${id}/${path}`).set(auth(token)).send(body);
      expect(r.status).toBe(200);
      return r.body as CaseView;
    };
    const { lead, support, other } = w.agencies;
    const done = await start('B-DONE', lead, '2035-03-01', { paragraph: 'OP3(d)', weaponType: 'all' });
    await act(done, 'steps/execute/complete', w.tokens.lead, {});
    await act(done, 'steps/head_approval/decision', w.tokens.lead, { decision: 'approve' });
    await act(done, 'steps/coordinator_approval/decision', w.tokens.coordinator, { decision: 'approve' });
    const rejected = await start('B-REJ', lead, '2035-03-01', { paragraph: 'OP2', weaponType: 'chemical' });
    await act(rejected, 'steps/execute/complete', w.tokens.lead, {});
    await act(rejected, 'steps/head_approval/decision', w.tokens.lead, { decision: 'approve' });
    const closed = await act(rejected, 'steps/coordinator_approval/decision', w.tokens.coordinator, {
      decision: 'reject',
      comment: 'Out of scope',
    });
    expect(closed.status).toBe('rejected');
    await start('B-LATE', support, '2020-03-02');
    await start('B-SOON', support, inDays(6));
    await start('B-FAR', support, '2035-06-01');
    const withdrawn = await start('B-WD', other, '2035-06-01');
    await act(withdrawn, 'withdraw', w.tokens.coordinator, { reason: 'Merged into B-FAR' });

    interface Counts {
      done: number;
      onTrack: number;
      dueSoon: number;
      overdue: number;
      blocked: number;
      total: number;
    }
    const zero = { done: 0, onTrack: 0, dueSoon: 0, overdue: 0, blocked: 0 };
    const progress = await eventually(async () => {
      const r = await h.http().get(`/plans/${plan}`).set(coord);
      const p = (r.body as { progress: { byHealth: Counts; withdrawn: number } }).progress;
      return p.byHealth.done === 1 && p.byHealth.blocked === 1 && p.withdrawn === 1 ? p : undefined;
    }, 'the read model to count the closed cases');
    const p = progress as unknown as {
      byHealth: Counts;
      byAgency: (Counts & { agency: string })[];
      byArea: (Counts & { paragraph: string | null; weaponType: string | null })[];
      holdingUp: { agency: string; steps: number }[];
    };
    expect(p.byHealth).toEqual({ done: 1, onTrack: 1, dueSoon: 1, overdue: 1, blocked: 1, total: 5 });
    expect(p.byAgency).toEqual([
      { agency: support, ...zero, onTrack: 1, dueSoon: 1, overdue: 1, total: 3 },
      { agency: lead, ...zero, done: 1, blocked: 1, total: 2 },
    ]);
    expect(p.byArea).toEqual([
      { paragraph: null, weaponType: null, ...zero, onTrack: 1, dueSoon: 1, overdue: 1, total: 3 },
      { paragraph: 'OP2', weaponType: 'chemical', ...zero, blocked: 1, total: 1 },
      { paragraph: 'OP3(D)', weaponType: 'all', ...zero, done: 1, total: 1 }, // paragraphs are stored upper-cased
    ]);
    expect(p.holdingUp).toEqual([{ agency: support, steps: 1 }]);
    // the same case is overdue in the list, its filter, the plan's progress and its own page
    const late = await h.http().get(`/cases?plan=${plan}&overdue=true`).set(coord);
    expect((late.body as { items: { code: string; overdue: boolean }[] }).items).toEqual([
      expect.objectContaining({ code: 'B-LATE', overdue: true }),
    ]);
    const lateId = (late.body as { items: { id: string }[] }).items[0].id;
    expect(((await h.http().get(`/cases/${lateId}`).set(coord)).body as { overdue: boolean }).overdue).toBe(
      true,
    );
    expect(
      ((await h.http().get(`/plans/${plan}`).set(coord)).body as { progress: { overdue: number } }).progress
        .overdue,
    ).toBe(1);
    // an observer of another plan does not see this one at all
    expect((await h.http().get(`/plans/${plan}`).set(auth(w.tokens.observer))).status).toBe(404);
  });
});
