// The administration pages in a real browser against the real stack: an administrator adds an agency (with its
// Russian name) and renames it, adds and renames a person, sets a deputy, shares a plan, adds and removes a
// non-working day, uploads an invalid process definition (and sees every problem with its path) then a valid new
// version (and sees it listed with its steps).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  buildWorld,
  type Harness,
  PASSWORD,
  startHarness,
  type World,
} from '../e2e/api-harness';
import { launchChromium, prepareBrowserTests, screenshot, seriousA11yViolations } from './browser-harness';

const LAPTOP = { width: 1366, height: 900 };
jest.setTimeout(120_000);

interface AgencyRow {
  code: string;
  name: string;
  nameRu: string | null;
}

interface PersonRow {
  id: string;
  email: string;
  name: string;
  language: string;
}

describe('administration (browser)', () => {
  let h: Harness;
  let world: World;
  let base: string;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let tag: string;

  async function checkPage(name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }

  /** Waits for the success notice of a form; if a problem shows instead, fails with its words. */
  async function succeeds(scope: Locator, text: string | RegExp): Promise<void> {
    const done = scope.getByRole('status').filter({ hasText: text });
    const problem = scope.locator('.error[role="alert"], .field-error');
    await Promise.race([done.waitFor(), problem.first().waitFor()]);
    if (await problem.count()) {
      await screenshot(page, 'admin-failure');
      throw new Error(`the page shows a problem: ${await problem.first().textContent()}`);
    }
  }

  async function tab(name: string, ready: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name }).click();
    await page.locator(ready).first().waitFor();
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${h.tokens.admin}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    prepareBrowserTests();
    h = await startHarness({ worker: false });
    world = await buildWorld(h);
    await h.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((h.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await launchChromium();
    tag = h.tag;
    ctx = await browser.newContext({ viewport: LAPTOP, locale: 'en-GB', timezoneId: 'Asia/Bishkek' });
    page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
  }, 240_000);

  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
  });

  const agencyCode = () => `KG-${tag}-NEW`;
  const personEmail = () => `new-${tag.toLowerCase()}@kg.napflow.example.org`;
  const personName = () => `Nurlan Admin-Test ${tag}`;
  const agencyNamed = async () => (await api<AgencyRow[]>('/agencies')).find((a) => a.code === agencyCode());
  const personNamed = async () => (await api<PersonRow[]>('/people')).find((p) => p.email === personEmail());
  /** The agency's row in the list, found by its code. */
  const agencyRow = () =>
    page.locator('table.data tr', { has: page.locator('td.code', { hasText: agencyCode() }) });

  it('signs the administrator in and shows the agencies with the add form', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(h.config.admin.email);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    await page.goto(`${base}/app/admin/agencies`);
    await page.getByRole('form', { name: 'Add an agency' }).waitFor();
  });

  it('shows a bad agency code next to the field, then adds the agency with its Russian name', async () => {
    const form = page.getByRole('form', { name: 'Add an agency' });
    await form.getByLabel('Code').fill('bad code');
    await form.getByLabel('Name in English').fill('Ministry of Emergency Situations');
    await form.getByLabel('Name in Russian').fill('Министерство чрезвычайных ситуаций');
    await form.getByRole('button', { name: 'Add' }).click();
    const codeError = form.locator('.field-error');
    await codeError.waitFor();
    expect(await codeError.textContent()).toMatch(/agency code/);
    await expect(form.getByLabel('Code').getAttribute('aria-invalid')).resolves.toBe('true');
    // the first field the API named has the focus
    await expect(page.locator(':focus').getAttribute('name')).resolves.toBe('code');

    await form.getByLabel('Code').fill(agencyCode());
    await form.getByLabel('Kind').selectOption('ministry');
    await form.getByLabel('State').selectOption('KG');
    await form.getByRole('button', { name: 'Add' }).click();
    await succeeds(page.getByRole('region', { name: 'Add an agency' }), `Agency ${agencyCode()} added.`);
    // the list re-fetched: the new agency is there without a reload, its Russian name under the English one
    await agencyRow().locator('[lang="ru"]', { hasText: 'Министерство чрезвычайных ситуаций' }).waitFor();
    // nobody works there yet: the list says its steps would email nobody
    expect(await agencyRow().locator('.badge.no-focal-point').textContent()).toBe(
      'none: nobody is emailed about its steps',
    );
    await expect(agencyNamed()).resolves.toMatchObject({
      name: 'Ministry of Emergency Situations',
      nameRu: 'Министерство чрезвычайных ситуаций',
    });
  });

  it('refuses a blank agency name without changing it, renames it in English and Russian, then clears the Russian name', async () => {
    const region = page.getByRole('region', { name: 'Rename an agency' });
    const form = page.getByRole('form', { name: 'Rename an agency' });
    const english = form.getByLabel('Name in English');
    const russian = form.getByLabel('Name in Russian');
    await form.getByLabel('Agency').selectOption(agencyCode());
    // the inputs start from the chosen agency's current names
    await expect(english.inputValue()).resolves.toBe('Ministry of Emergency Situations');
    await expect(russian.inputValue()).resolves.toBe('Министерство чрезвычайных ситуаций');

    await english.fill('   ');
    await russian.fill('Другое название');
    await form.getByRole('button', { name: 'Save' }).click();
    // the API's 400 names the field: its message under it, the field marked and focused, a summary beside the form
    const error = form.locator('.field-error');
    await error.waitFor();
    expect(await error.allTextContents()).toEqual([expect.stringMatching(/name must not be blank/)]);
    await expect(english.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator(':focus').getAttribute('name')).resolves.toBe('name');
    await region.getByRole('alert').waitFor();
    await checkPage('admin-agencies-rename-refused');
    await expect(agencyNamed()).resolves.toMatchObject({
      name: 'Ministry of Emergency Situations',
      nameRu: 'Министерство чрезвычайных ситуаций',
    });

    await english.fill('Ministry of Emergencies and Civil Defence');
    await russian.fill('Министерство по чрезвычайным ситуациям и гражданской обороне');
    await form.getByRole('button', { name: 'Save' }).click();
    await succeeds(region, `Agency ${agencyCode()} renamed.`);
    await expect(agencyNamed()).resolves.toMatchObject({
      name: 'Ministry of Emergencies and Civil Defence',
      nameRu: 'Министерство по чрезвычайным ситуациям и гражданской обороне',
    });
    await agencyRow()
      .filter({ hasText: 'Ministry of Emergencies and Civil Defence' })
      .locator('[lang="ru"]', { hasText: 'Министерство по чрезвычайным ситуациям и гражданской обороне' })
      .waitFor();

    await russian.fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    await succeeds(region, `Agency ${agencyCode()} renamed.`);
    await expect(agencyNamed()).resolves.toMatchObject({
      name: 'Ministry of Emergencies and Civil Defence',
      nameRu: null,
    });
    await agencyRow().locator('[lang="ru"]').waitFor({ state: 'detached' });
    await agencyRow().filter({ hasText: 'Ministry of Emergencies and Civil Defence' }).waitFor();
  });

  it('shares a plan with an observer organisation', async () => {
    const form = page.getByRole('form', { name: 'Share a plan with an observer organisation' });
    await form.getByLabel('Plan').selectOption(world.plan);
    await form.getByLabel('Observer organisation').selectOption(world.agencies.osce);
    await form.getByRole('button', { name: 'Share' }).click();
    await succeeds(
      page.getByRole('region', { name: 'Share a plan with an observer organisation' }),
      `Plan ${world.plan} is now shared with ${world.agencies.osce}.`,
    );
    await checkPage('admin-agencies');
  });

  it('adds a person, changes their language and sets a deputy for an absence', async () => {
    await tab('People and deputies', 'form[aria-label="Add a person"]');
    const add = page.getByRole('form', { name: 'Add a person' });
    await add.getByLabel('Email').fill(personEmail());
    await add.getByLabel('Name').fill(personName());
    await add.getByLabel('Agency').selectOption(agencyCode());
    await add.getByLabel('Role').selectOption('focal_point');
    await add.getByLabel('Language').selectOption('ru');
    await add.getByLabel('Initial password').fill('short');
    await add.getByRole('button', { name: 'Add' }).click();
    // the API's 400 names the password: shown under that field
    await add.locator('.field-error').first().waitFor();
    expect(await add.locator('.field-error').allTextContents()).toEqual([expect.stringMatching(/password/)]);
    await add.getByLabel('Initial password').fill('a-long-initial-password');
    await add.getByRole('button', { name: 'Add' }).click();
    await succeeds(page.getByRole('region', { name: 'Add a person' }), `${personEmail()} added.`);
    const row = page.locator('table.data tr', { hasText: personEmail() });
    await row.waitFor();

    const edit = page.getByRole('form', { name: 'Edit a person' });
    await edit.getByLabel('Person').selectOption({ label: `${personName()} (${personEmail()})` });
    await edit.getByLabel('Language').selectOption('en');
    await edit.getByRole('button', { name: 'Save' }).click();
    await succeeds(page.getByRole('region', { name: 'Edit a person' }), `Changes to ${personName()} saved.`);
    await row.filter({ hasText: 'EN' }).waitFor();

    const deputy = page.getByRole('form', { name: 'Set a deputy for an absence' });
    await deputy.getByLabel('Person away').selectOption({ label: `${personName()} (${personEmail()})` });
    await deputy.getByLabel('Deputy', { exact: true }).selectOption(world.people.lead.id);
    await deputy.getByLabel('Away from').fill('2027-07-01');
    await deputy.getByLabel('Away until').fill('2027-07-31');
    await deputy.getByRole('button', { name: 'Save' }).click();
    await succeeds(page.getByRole('region', { name: 'Set a deputy for an absence' }), /stands in for/);
    await row.filter({ hasText: `lead ${tag}` }).waitFor();
    await checkPage('admin-people');
    // the agency now has a focal point: the agencies list counts it
    await tab('Agencies', 'table.data');
    await agencyRow().locator('td[data-focal-points="1"]', { hasText: '1' }).waitFor();
    expect(await agencyRow().locator('.badge.no-focal-point').count()).toBe(0);
    await tab('People and deputies', 'form[aria-label="Add a person"]');
  });

  it('refuses a blank person name without changing anything, then renames the person', async () => {
    const renamed = `Nurlan Renamed-Test ${tag}`;
    const region = page.getByRole('region', { name: 'Edit a person' });
    const edit = page.getByRole('form', { name: 'Edit a person' });
    const name = edit.getByLabel('Name', { exact: true });
    await edit.getByLabel('Person').selectOption({ label: `${personName()} (${personEmail()})` });
    await expect(name.inputValue()).resolves.toBe(personName());

    // a blank name refuses the whole change: the language changed alongside it stays as it was
    await name.fill('  ');
    await edit.getByLabel('Language').selectOption('ru');
    await edit.getByRole('button', { name: 'Save' }).click();
    const error = edit.locator('.field-error');
    await error.waitFor();
    expect(await error.allTextContents()).toEqual([expect.stringMatching(/name must not be blank/)]);
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await region.getByRole('alert').waitFor();
    await checkPage('admin-people-rename-refused');
    await expect(personNamed()).resolves.toMatchObject({ name: personName(), language: 'en' });

    await name.fill(renamed);
    await edit.getByLabel('Language').selectOption('en');
    await edit.getByRole('button', { name: 'Save' }).click();
    await succeeds(region, `Changes to ${renamed} saved.`);
    await expect(personNamed()).resolves.toMatchObject({ name: renamed, language: 'en' });
    // the list and the choice of person both show the new name
    await page.locator('table.data tr', { hasText: personEmail() }).filter({ hasText: renamed }).waitFor();
    await edit
      .getByLabel('Person')
      .locator('option', { hasText: `${renamed} (${personEmail()})` })
      .waitFor({ state: 'attached' });
  });

  it('adds a non-working day with a reason to a state calendar, then removes it', async () => {
    await tab('Calendars', '#cal-year');
    const year = new Date().getFullYear() + 2;
    await page.getByLabel('Year').selectOption(String(year));
    const card = page.locator('section.card', { has: page.locator('#cal-KG') });
    const form = card.getByRole('form', { name: 'Add a non-working day (KG)' });
    await form.waitFor();
    // a day no other run picks: the calendar of KG is shared by every test in this database
    const date = `${year}-${String(1 + (parseInt(tag, 16) % 12)).padStart(2, '0')}-${String(1 + (parseInt(tag, 16) % 28)).padStart(2, '0')}`;
    await form.getByLabel('Date').fill(date);
    await form.getByLabel('Reason').fill(`Extra day off by decree ${tag}`);
    await form.getByRole('button', { name: 'Add' }).click();
    await succeeds(card, `Non-working day ${date} added.`);
    const item = card.locator('li', { hasText: `Extra day off by decree ${tag}` });
    await item.waitFor();
    await checkPage('admin-calendars');

    await item.getByRole('button', { name: /Remove the non-working day/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /removed/ })
      .waitFor();
    await item.waitFor({ state: 'detached' });
  });

  it('lists every problem of an invalid definition with its path, then uploads a valid new version', async () => {
    await tab('Process definitions', 'form[aria-label="Upload a new version"]');
    const list = await api<Array<{ key: string; version: number }>>('/admin/definitions?key=measure');
    const latest = Math.max(...list.map((d) => d.version));
    const measure = await api<Record<string, unknown>>(`/admin/definitions/measure/versions/${latest}`);
    const key = `ui_${tag.toLowerCase()}`;
    const valid = { ...measure, key, version: 1, title: { en: `UI test process ${tag}`, ru: `Тест ${tag}` } };
    const invalid = { ...valid, start: [], steps: [{ key: 'Bad Key' }] };

    const form = page.getByRole('form', { name: 'Upload a new version' });
    await form.getByLabel('Definition JSON').fill(JSON.stringify(invalid, null, 2));
    await form.getByRole('button', { name: 'Upload' }).click();
    const problems = page.locator('ul.definition-problems li');
    await problems.first().waitFor();
    const lines = await problems.allTextContents();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^start/), expect.stringMatching(/^steps\[0\]/)]),
    );
    await checkPage('admin-definitions-invalid');

    await form.getByLabel('Definition JSON').fill(JSON.stringify(valid, null, 2));
    await form.getByRole('button', { name: 'Upload' }).click();
    await succeeds(
      page.getByRole('region', { name: 'Upload a new version' }),
      `Version 1 of ${key} uploaded.`,
    );
    const entry = page.locator('details', { hasText: `UI test process ${tag}` });
    await entry.locator('summary').click();
    const steps = (measure.steps as Array<{ key: string }>).map((s) => s.key);
    await entry.locator('td.code', { hasText: steps[0] }).first().waitFor();
    expect(await entry.locator('tbody tr').count()).toBe(steps.length);
    await checkPage('admin-definitions');
  });

  it("shows a coordinator only what the API lets them do: their state's calendar and plans, no admin forms", async () => {
    const coordCtx = await browser.newContext({
      viewport: LAPTOP,
      locale: 'en-GB',
      timezoneId: 'Asia/Bishkek',
    });
    try {
      const cp = await coordCtx.newPage();
      cp.setDefaultTimeout(15_000);
      await cp.goto(`${base}/`);
      await cp.getByLabel('Email').fill(world.people.coordinator.email);
      await cp.getByLabel('Password').fill(PASSWORD);
      await cp.getByRole('button', { name: 'Sign in' }).click();
      await cp.getByTestId('whoami').waitFor();
      await cp.goto(`${base}/app/admin/agencies`);
      await cp.getByRole('form', { name: 'Share a plan with an observer organisation' }).waitFor();
      expect(await cp.getByRole('form', { name: 'Add an agency' }).count()).toBe(0);
      expect(await cp.getByRole('form', { name: 'Rename an agency' }).count()).toBe(0);
      const nav = cp.getByRole('navigation', { name: 'Administration' });
      expect(await nav.getByRole('link', { name: 'People and deputies' }).count()).toBe(0);

      await nav.getByRole('link', { name: 'Calendars' }).click();
      await cp.getByRole('form', { name: 'Add a non-working day (KG)' }).waitFor();
      await cp.locator('#cal-TJ').waitFor();
      expect(await cp.getByRole('form', { name: 'Add a non-working day (TJ)' }).count()).toBe(0);

      await nav.getByRole('link', { name: 'Process definitions' }).click();
      await cp.locator('.definitions details').first().waitFor();
      expect(await cp.getByRole('form', { name: 'Upload a new version' }).count()).toBe(0);
    } finally {
      await coordCtx.close();
    }
  });
});
