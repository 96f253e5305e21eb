// The first-start helpers of the start script: the administrator and the demo data of the seed document, started
// through the same path as POST /plans/{code}/cases; a second load creates nothing new.
import { loadDemoData } from '../../apps/api/src/admin/demo-data';
import { ensureAdmin } from '../../apps/api/src/auth/ensure-admin';
import { DEMO } from '@app/persistence';
import { auth, eventually, type Harness, login, startHarness } from './api-harness';

jest.setTimeout(300_000);

describe('API first start', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 90_000);

  it('does not create a second administrator', async () => {
    expect(await ensureAdmin(h.app, h.config)).toMatchObject({ created: false });
  });

  it('loads the demo data once, with the cases the note dates as done', async () => {
    const lines: string[] = [];
    delete process.env.NAPFLOW_DEMO_PASSWORD;
    const first = await loadDemoData(h.app, h.config, (m) => lines.push(m));
    expect(first.summary).toMatch(/cases started/);
    // no NAPFLOW_DEMO_PASSWORD: the load that creates the demo people gives them one random password, returned once
    expect(first.summary).not.toMatch(/ 0 people/);
    expect(first.demoPassword).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const demoPerson = DEMO.people[0];
    await expect(login(h, demoPerson.email, first.demoPassword as string)).resolves.toEqual(
      expect.any(String),
    );
    expect(lines.join('\n')).not.toContain(first.demoPassword as string);
    const admin = auth(h.tokens.admin);
    const list = await h.http().get('/cases?plan=KG-NAP-2013&pageSize=200').set(admin);
    expect(list.status).toBe(200);
    const items = (list.body as { items: { id: string; code: string }[] }).items;
    expect(items.length).toBeGreaterThan(3);
    // the control list (adopted 2 April 2014) is completed by the recorded history
    const m01 = items.find((c) => c.code === 'M-01');
    expect(m01).toBeDefined();
    await eventually(async () => {
      const r = await h.http().get(`/cases/${m01?.id}`).set(admin);
      return (r.body as { status: string }).status === 'completed' ? true : undefined;
    }, 'M-01 to be completed');
    if (process.env.NAPFLOW_TEST_DEMO_LOG) console.log(lines.join('\n'));
    expect(lines.filter((l) => /could not record/.test(l))).toEqual([]);
    // every step of the demo reaches someone: no agency it waits on lacks a focal point
    expect(lines.filter((l) => /no active focal point/.test(l))).toEqual([]);

    const second = await loadDemoData(h.app, h.config, () => undefined);
    expect(second.summary).toMatch(/ 0 cases started/);
    // the people exist already and keep their password: nothing to show
    expect(second.demoPassword).toBeUndefined();
    await expect(login(h, demoPerson.email, first.demoPassword as string)).resolves.toEqual(
      expect.any(String),
    );
  });
});
