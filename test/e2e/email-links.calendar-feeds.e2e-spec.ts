// iCal feeds over HTTP (issue 5, "digests and calendars"): a secret URL per agency and per person listing every open
// step's due date, following a moved due date, refused to other agencies, dead once revoked.
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

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
