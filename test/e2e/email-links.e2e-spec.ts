// Approve by email over HTTP, through the booted API and a real worker: the case workflow asks for the step, the
// worker's notify activity mails the link (real SMTP sink), GET shows the confirmation page and changes nothing,
// only the POST from that page acts, once, as channel "email". The same flow in a real browser belongs to the
// Playwright suite (test/browser, the dashboard helper's setup).
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { ReceivedMail } from '@app/devstack';
import { waitForMail } from '../support/services';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

interface CaseView {
  id: string;
  status: string;
  steps: {
    key: string;
    status: string;
    actions: { action: string; by: string; channel: string; note?: string }[];
  }[];
}

const linkIn = (mail: ReceivedMail): string => {
  const m = /\/email-links\/([A-Za-z0-9_-]{20,})\?choice=/.exec(mail.text ?? '');
  if (!m) throw new Error(`no approve-by-email link in "${mail.subject}"`);
  return m[1];
};
const csrfIn = (html: string): string => {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no csrf field on the confirmation page');
  return m[1];
};

jest.setTimeout(180_000);

describe('approve by email (HTTP)', () => {
  let h: Harness;
  let w: World;
  let caseId: string;
  let workflowId: string;

  const view = async (): Promise<CaseView> =>
    (await h.http().get(`/cases/${caseId}`).set(auth(w.tokens.coordinator))).body as CaseView;
  const step = async (key: string) => (await view()).steps.find((s) => s.key === key);
  const mailFor = (stepKey: string, kind: string, to: string, wf = workflowId) =>
    waitForMail(
      (m) =>
        (m.headers['x-napflow-notification'] ?? '').startsWith(`${wf}:${stepKey}:${kind}:`) &&
        m.to.includes(to),
      30_000,
    );

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
      kind: 'measure',
      code: 'EL-1',
      title: 'Radiation portal monitors handed to the Border Service',
      leadAgency: w.agencies.lead,
      dueOn: '2030-01-15',
    });
    expect(created.status).toBe(201);
    ({ id: caseId, workflowId } = created.body as { id: string; workflowId: string });
    await eventually(
      async () => ((await step('execute'))?.status === 'active' ? true : undefined),
      'the execute step to be active',
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('GET shows the confirmation page and changes nothing; POST from it completes the step once, by email', async () => {
    const mail = await mailFor('execute', 'step_assigned', w.people.lead.email);
    const token = linkIn(mail);

    for (let i = 0; i < 2; i += 1) {
      const page = await h.http().get(`/email-links/${token}?choice=complete`);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.text).toContain('Radiation portal monitors handed to the Border Service');
      expect(page.text).toContain('value="complete" required checked');
      expect(page.text).toContain('Nothing has been recorded yet');
    }
    expect((await h.http().head(`/email-links/${token}`)).status).toBe(200);
    expect((await step('execute'))?.status).toBe('active');
    const [unused] = await h.app
      .get(DataSource)
      .query(
        `SELECT used_at FROM email_links l JOIN email_outbox o ON o.id = l.outbox_id WHERE o.workflow_id = $1 AND l.step_key = 'execute'`,
        [workflowId],
      );
    expect(unused.used_at).toBeNull();

    // a POST that did not come from the page (no or a wrong per-page token) acts not
    const forgedForm = await h
      .http()
      .post(`/email-links/${token}`)
      .type('form')
      .send({ choice: 'complete', csrf: `${Date.now()}.AAAA` });
    expect(forgedForm.status).toBe(403);
    const crossSite = await h
      .http()
      .post(`/email-links/${token}`)
      .set('Origin', 'https://evil.example.com')
      .type('form')
      .send({ choice: 'complete', csrf: 'x' });
    expect(crossSite.status).toBe(403);
    expect((await step('execute'))?.status).toBe('active');

    const page = await h.http().get(`/email-links/${token}`);
    const done = await h
      .http()
      .post(`/email-links/${token}`)
      .type('form')
      .send({ choice: 'complete', comment: 'Handed over on 1 January 2015', csrf: csrfIn(page.text) });
    expect(done.status).toBe(200);
    expect(done.text).toContain('is recorded, marked as given by email');
    const execute = await step('execute');
    expect(execute?.status).toBe('done');
    expect(execute?.actions.filter((a) => a.action === 'complete')).toEqual([
      expect.objectContaining({
        by: w.people.lead.id,
        channel: 'email',
        note: 'Handed over on 1 January 2015',
      }),
    ]);

    // the audit trail records it as done by email, by that person
    const history = await eventually(async () => {
      const r = await h.http().get(`/cases/${caseId}/history`).set(auth(w.tokens.coordinator));
      const entries = r.body as { type: string; stepKey?: string; by?: string; channel?: string }[];
      return entries.some((e) => e.type === 'step_completed' && e.stepKey === 'execute')
        ? entries
        : undefined;
    }, 'the completion in the audit trail');
    expect(history.find((e) => e.type === 'step_completed' && e.stepKey === 'execute')).toMatchObject({
      by: w.people.lead.id,
      channel: 'email',
    });
    // with the address the form was posted from (kept in the audit table, not shown in the history)
    const [audited] = await h.app
      .get(DataSource)
      .query<{ ip: string | null }[]>(
        `SELECT ip FROM audit_events WHERE workflow_id = $1 AND type = 'step_completed' AND channel = 'email'`,
        [workflowId],
      );
    expect(audited.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);

    // the link is spent: the page and the form both say so, and nothing more happens
    const reused = await h
      .http()
      .post(`/email-links/${token}`)
      .type('form')
      .send({ choice: 'complete', csrf: csrfIn(page.text) });
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('This link was already used');
    expect((await h.http().get(`/email-links/${token}`)).status).toBe(410);
    expect((await step('execute'))?.actions.filter((a) => a.action === 'complete')).toHaveLength(1);
  });

  it('a forged link gets a clear page in both languages, never an action', async () => {
    const res = await h.http().get('/email-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This link is not valid');
    expect(res.text).toContain('Ссылка недействительна');
    const post = await h
      .http()
      .post('/email-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .type('form')
      .send({ choice: 'approve', csrf: 'x' });
    expect(post.status).toBe(404);
  });

  it('two POSTs of one decision link at once act once', async () => {
    await eventually(
      async () => ((await step('head_approval'))?.status === 'active' ? true : undefined),
      'head_approval to be active',
    );
    const mail = await mailFor('head_approval', 'decision_requested', w.people.lead.email);
    const token = linkIn(mail);
    const page = await h.http().get(`/email-links/${token}?choice=approve_with_comments`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="approve_with_comments" required checked');
    const csrf = csrfIn(page.text);
    const send = () =>
      h
        .http()
        .post(`/email-links/${token}`)
        .type('form')
        .send({ choice: 'approve_with_comments', comment: 'Train the officers first', csrf });
    const results = await Promise.all([send(), send()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const approval = await step('head_approval');
    expect(approval?.status).toBe('done');
    expect(approval?.actions.filter((a) => a.action === 'approve_with_comments')).toEqual([
      expect.objectContaining({ by: w.people.lead.id, channel: 'email' }),
    ]);
  });

  it('an expired link shows that it expired and acts not', async () => {
    await eventually(
      async () => ((await step('coordinator_approval'))?.status === 'active' ? true : undefined),
      'coordinator_approval to be active',
    );
    const mail = await mailFor('coordinator_approval', 'decision_requested', w.people.coordinator.email);
    const token = linkIn(mail);
    const page = await h.http().get(`/email-links/${token}`);
    expect(page.status).toBe(200);
    await h.app.get(DataSource).query(
      `UPDATE email_links SET expires_at = now() - interval '1 minute'
        WHERE outbox_id IN (SELECT id FROM email_outbox WHERE workflow_id = $1 AND step_key = 'coordinator_approval')`,
      [workflowId],
    );
    const expired = await h.http().get(`/email-links/${token}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This link has expired');
    const post = await h
      .http()
      .post(`/email-links/${token}`)
      .type('form')
      .send({ choice: 'approve', csrf: csrfIn(page.text) });
    expect(post.status).toBe(410);
    expect((await step('coordinator_approval'))?.status).toBe('active');
  });

  it('lists permanently refused emails to the coordinator of the state, and not to a focal point', async () => {
    const ds = h.app.get(DataSource);
    const [row] = await ds.query(
      `SELECT id FROM email_outbox WHERE workflow_id = $1 ORDER BY created_at LIMIT 1`,
      [workflowId],
    );
    await ds.query(
      `UPDATE email_outbox SET status = 'failed', failed_at = now(), last_error = '550: 5.1.1 recipient refused', claim_id = NULL WHERE id = $1`,
      [row.id],
    );
    const list = await h.http().get('/email-outbox/failed').set(auth(w.tokens.coordinator));
    expect(list.status).toBe(200);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          workflowId,
          caseId,
          caseCode: 'EL-1',
          caseTitle: 'Radiation portal monitors handed to the Border Service',
          error: '550: 5.1.1 recipient refused',
        }),
      ]),
    );
    expect((await h.http().get('/email-outbox/failed').set(auth(w.tokens.lead))).status).toBe(403);
    expect((await h.http().get('/email-outbox/failed?state=TJ').set(auth(w.tokens.coordinator))).status).toBe(
      403,
    );
  });
  // last: the absence set here would send the other tests' links to the deputy
  it('a link sent to a deputy stops working when the absence ends: a closed page, nothing recorded', async () => {
    const admin = auth(h.tokens.admin);
    const deputy = (body: object) => h.http().put(`/people/${w.people.lead.id}/deputy`).set(admin).send(body);
    const today = DateTime.now().setZone('Asia/Bishkek').toISODate() as string;
    expect((await deputy({ deputyId: w.people.other.id, from: today, until: '2079-12-31' })).status).toBe(
      200,
    );
    try {
      const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
        kind: 'measure',
        code: 'EL-DEPUTY',
        title: 'Export licences reviewed while the focal point is away',
        leadAgency: w.agencies.lead,
        dueOn: '2030-01-15',
      });
      expect(created.status).toBe(201);
      const { id, workflowId: wf } = created.body as { id: string; workflowId: string };
      const mail = await mailFor('execute', 'step_assigned', w.people.other.email, wf);
      const token = linkIn(mail);
      const page = await h.http().get(`/email-links/${token}?choice=complete`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`lead ${h.tag}`); // on behalf of the absent focal point
      // the focal point is back (the absence now lies in the past): the deputy's link no longer acts
      expect(
        (await deputy({ deputyId: w.people.other.id, from: '2000-01-01', until: '2000-01-02' })).status,
      ).toBe(200);
      const again = await h.http().get(`/email-links/${token}?choice=complete`);
      expect(again.status).toBe(409);
      expect(again.text).toContain('you no longer stand in for the colleague');
      const post = await h
        .http()
        .post(`/email-links/${token}`)
        .type('form')
        .send({ choice: 'complete', csrf: csrfIn(page.text) });
      expect(post.status).toBe(409);
      const execute = (
        (await h.http().get(`/cases/${id}`).set(auth(w.tokens.coordinator))).body as CaseView
      ).steps.find((st) => st.key === 'execute');
      expect(execute?.status).toBe('active');
      expect(execute?.actions.filter((a) => a.action === 'completed')).toEqual([]);
    } finally {
      await deputy({ deputyId: w.people.other.id, from: '2000-01-01', until: '2000-01-02' });
    }
  });
  it("names the step in the reader's language on the confirmation page", async () => {
    const admin = auth(h.tokens.admin);
    const language = (l: string) =>
      h.http().patch(`/people/${w.people.lead.id}`).set(admin).send({ language: l });
    expect((await language('ru')).status).toBe(200);
    try {
      const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
        kind: 'measure',
        code: 'EL-RU',
        title: 'Обучение сотрудников пограничной службы',
        leadAgency: w.agencies.lead,
        dueOn: '2030-01-15',
      });
      expect(created.status).toBe(201);
      const wf = (created.body as { workflowId: string }).workflowId;
      const mail = await mailFor('execute', 'step_assigned', w.people.lead.email, wf);
      const page = await h.http().get(`/email-links/${linkIn(mail)}?choice=complete`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('lang="ru"');
      // the read model keeps the English title; the page took the definition's Russian one
      expect(page.text).toContain('Исполнение меры ведущим ведомством');
      expect(page.text).not.toContain('Implementation by the lead agency');
    } finally {
      await language('en');
    }
  });
});
