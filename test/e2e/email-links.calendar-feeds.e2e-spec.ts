// iCal feeds over HTTP (issue 5, "digests and calendars"): a secret URL per agency and per person listing every open
// step's due date, following a moved due date, refused to other agencies, dead once revoked.
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

// iCal folds lines at 75 octets: unfold before looking
const eventOf = (ics: string, uidPrefix: string): string | undefined =>
  ics
    .replace(/\r?\n[ \t]/g, '')
    .split('BEGIN:VEVENT')
    .slice(1)
    .find((e) => e.includes(`UID:${uidPrefix}`));

describe('calendar feeds (HTTP)', () => {
  let h: Harness;
  let w: World;
  let caseId: string;
  let workflowId: string;

  const feed = async (url: string) => h.http().get(new URL(url).pathname);

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
      kind: 'measure',
      code: 'CAL-1',
      title: 'Training of Border Service officers',
      leadAgency: w.agencies.lead,
      dueOn: '2030-01-15',
    });
    expect(created.status).toBe(201);
    ({ id: caseId, workflowId } = created.body as { id: string; workflowId: string });
    await eventually(async () => {
      const r = await h.http().get(`/cases/${caseId}`).set(auth(w.tokens.coordinator));
      return (r.body as { steps: { key: string; status: string }[] }).steps.some(
        (s) => s.key === 'execute' && s.status === 'active',
      )
        ? true
        : undefined;
    }, 'the execute step to be active');
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A new focal point of the lead agency, signed in: its Authorization header. */
  async function colleagueSignedIn(name: string, language: 'ru' | 'en'): Promise<{ Authorization: string }> {
    const email = `${name}-${h.tag.toLowerCase()}@kg.napflow.example.org`;
    const person = await h
      .http()
      .post('/people')
      .set(auth(w.tokens.admin))
      .send({
        email,
        name: `${name} ${h.tag}`,
        agencyCode: w.agencies.lead,
        role: 'focal_point',
        language,
        password: PASSWORD,
      });
    expect(person.status).toBe(201);
    return auth(await login(h, email, PASSWORD));
  }

  it('lists the open step of the agency, follows a moved due date, and stops at revocation', async () => {
    const lead = auth(w.tokens.lead);
    const created = await h
      .http()
      .post('/calendar-feeds')
      .set(lead)
      .send({ scope: 'agency', label: 'office calendar' });
    expect(created.status).toBe(201);
    const { id, url } = created.body as { id: string; url: string };
    expect(url).toMatch(/\/calendar-feeds\/[A-Za-z0-9_-]{40,}\/feed\.ics$/);

    const first = await eventually(async () => {
      const r = await feed(url);
      return r.status === 200 && eventOf(r.text, `${workflowId}/execute/`) ? r : undefined;
    }, 'the execute step in the feed');
    expect(first.headers['content-type']).toMatch(/^text\/calendar/);
    expect(first.text).toContain('BEGIN:VCALENDAR');
    expect(eventOf(first.text, `${workflowId}/execute/`)).toMatch(
      /SUMMARY:.*Training of Border Service officers/,
    );

    const moved = await h
      .http()
      .post(`/cases/${caseId}/steps/execute/due-date`)
      .set(auth(w.tokens.coordinator))
      .send({ dueOn: '2030-03-20', reason: 'The training moved' });
    expect(moved.status).toBe(200);
    const after = await eventually(async () => {
      const r = await feed(url);
      const e = eventOf(r.text, `${workflowId}/execute/`);
      return e?.includes('DTSTART;VALUE=DATE:20300320') ? e : undefined;
    }, 'the moved due date in the feed');
    expect(after).toContain('DTSTART;VALUE=DATE:20300320');

    // the person's own feed shows their agency's steps too
    const mine = await h.http().post('/calendar-feeds').set(lead).send({ scope: 'person' });
    expect(mine.status).toBe(201);
    expect(
      eventOf((await feed((mine.body as { url: string }).url)).text, `${workflowId}/execute/`),
    ).toBeDefined();

    // listing shows the feeds without their secret URLs
    const list = await h.http().get('/calendar-feeds').set(lead);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(new URL(url).pathname.split('/')[2]);

    expect((await h.http().delete(`/calendar-feeds/${id}`).set(lead)).status).toBe(204);
    expect((await feed(url)).status).toBe(404);
  });

  it("names the steps in the language of the feed's owner: the person, or whoever created the agency's feed", async () => {
    const russian = await colleagueSignedIn('russian', 'ru');
    const executeIn = async (who: { Authorization: string }, scope: 'person' | 'agency') => {
      const created = await h.http().post('/calendar-feeds').set(who).send({ scope });
      expect(created.status).toBe(201);
      return eventOf((await feed((created.body as { url: string }).url)).text, `${workflowId}/execute/`);
    };
    for (const scope of ['person', 'agency'] as const) {
      const event = await executeIn(russian, scope);
      expect(event).toContain(
        'SUMMARY:Исполнение меры ведущим ведомством — Training of Border Service officers (CAL-1)',
      );
      expect(event).toMatch(/DESCRIPTION:.*Исполнение меры ведущим ведомством \(/);
    }
    expect(await executeIn(auth(w.tokens.lead), 'person')).toContain(
      'SUMMARY:Implementation by the lead agency — Training of Border Service officers (CAL-1)',
    );
  });

  it("puts the steps waiting on the national coordinator into the coordinator's own feed, not the focal point's", async () => {
    const created = await h.http().post(`/plans/${w.plan}/cases`).set(auth(w.tokens.coordinator)).send({
      kind: 'measure',
      code: 'CAL-COORD',
      title: 'Licensing rules for dual-use exports',
      leadAgency: w.agencies.lead,
      dueOn: '2030-06-30',
    });
    expect(created.status).toBe(201);
    const { id, workflowId: wf } = created.body as { id: string; workflowId: string };
    const lead = auth(w.tokens.lead);
    await eventually(async () => {
      const r = await h.http().post(`/cases/${id}/steps/execute/complete`).set(lead).send({ note: 'done' });
      return r.status === 200 ? r : undefined;
    }, 'the execute step to be completed');
    const decided = await h
      .http()
      .post(`/cases/${id}/steps/head_approval/decision`)
      .set(lead)
      .send({ decision: 'approve' });
    expect(decided.status).toBe(200);

    const coordinatorFeed = await h
      .http()
      .post('/calendar-feeds')
      .set(auth(w.tokens.coordinator))
      .send({ scope: 'person' });
    const leadFeed = await h.http().post('/calendar-feeds').set(lead).send({ scope: 'person' });
    expect([coordinatorFeed.status, leadFeed.status]).toEqual([201, 201]);
    await eventually(async () => {
      const r = await feed((coordinatorFeed.body as { url: string }).url);
      return eventOf(r.text, `${wf}/coordinator_approval/`) ? r : undefined;
    }, "the coordinator step in the coordinator's feed");
    const leadIcs = (await feed((leadFeed.body as { url: string }).url)).text;
    expect(eventOf(leadIcs, `${wf}/coordinator_approval/`)).toBeUndefined();
  });

  it('says which feeds the caller may revoke: a colleague sees the agency feed but may not revoke it', async () => {
    const colleague = await colleagueSignedIn('colleague', 'en');
    const created = await h
      .http()
      .post('/calendar-feeds')
      .set(auth(w.tokens.lead))
      .send({ scope: 'agency', label: 'shared office calendar' });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.body).toMatchObject({ canRevoke: true, revokedAt: null });

    const listed = async (who: { Authorization: string }) =>
      ((await h.http().get('/calendar-feeds').set(who)).body as Array<{ id: string }>).find(
        (f) => f.id === id,
      );
    expect(await listed(colleague)).toMatchObject({
      scope: 'agency',
      agencyCode: w.agencies.lead,
      canRevoke: false,
    });
    expect(await listed(auth(w.tokens.lead))).toMatchObject({ canRevoke: true });
    expect((await h.http().delete(`/calendar-feeds/${id}`).set(colleague)).status).toBe(403);

    // the coordinator of the agency's state may revoke it; once revoked, nobody can revoke it again
    expect((await h.http().delete(`/calendar-feeds/${id}`).set(auth(w.tokens.coordinator))).status).toBe(204);
    expect(await listed(auth(w.tokens.lead))).toMatchObject({
      revokedAt: expect.any(String),
      canRevoke: false,
    });
  });

  it('refuses a focal point the calendar of another agency, and a forged URL', async () => {
    const other = await h
      .http()
      .post('/calendar-feeds')
      .set(auth(w.tokens.other))
      .send({ scope: 'agency', agencyCode: w.agencies.lead });
    expect(other.status).toBe(403);
    expect(
      (await h.http().get('/calendar-feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/feed.ics')).status,
    ).toBe(404);
    const unauthenticated = await h.http().post('/calendar-feeds').send({ scope: 'person' });
    expect(unauthenticated.status).toBe(401);
  });
});
