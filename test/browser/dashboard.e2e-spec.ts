// The dashboard in a real browser against the real stack: the API (serving the built dashboard), an in-process
// worker, PostgreSQL, Temporal and the SMTP sink from the e2e global setup. A coordinator creates a plan and imports
// its measures, a focal point acts from the inbox, the coordinator sees the overview change without reloading.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { DataSource } from 'typeorm';
import {
  ADMIN_PASSWORD,
  buildWorld,
  type Harness,
  PASSWORD,
  startHarness,
  type World,
} from '../e2e/api-harness';
import { waitForMail } from '../support/services';
import {
  checkPage,
  launchChromium,
  prepareBrowserTests,
  screenshot,
  signIn as signInAt,
} from './browser-harness';

const LAPTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };
// pages poll the API every 10 s: a change made elsewhere must show within two polls
const LIVE_TIMEOUT = 25_000;
// testTimeout in a jest project entry is not applied (it is a global option): set it here
jest.setTimeout(120_000);

function isoDay(offsetDays: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

describe('dashboard (browser)', () => {
  let h: Harness;
  let world: World;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let coordinator: Page;
  let planCode: string;

  async function newPage(viewport = LAPTOP): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Asia/Bishkek' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  const signIn = (page: Page, email: string, password: string) => signInAt(page, base, email, password);

  async function go(page: Page, appPath: string, ready: string): Promise<void> {
    await page.goto(`${base}/app${appPath}`);
    await page.locator(ready).first().waitFor();
  }

  /** Waits for `done`; if the page shows a problem instead, fails with its words (and a screenshot). */
  async function succeeds(page: Page, done: Locator): Promise<void> {
    const problem = page.locator('.error[role="alert"]');
    await Promise.race([
      done.waitFor({ timeout: LIVE_TIMEOUT }),
      problem.first().waitFor({ timeout: LIVE_TIMEOUT }),
    ]);
    if (await problem.count()) {
      await screenshot(page, 'failure');
      throw new Error(`the page shows a problem: ${await problem.first().textContent()}`);
    }
  }

  function inboxItem(page: Page, caseCode: string, stepKey: string): Locator {
    return page.locator(`li.inbox-item[data-step="${stepKey}"]`).filter({ hasText: caseCode });
  }

  beforeAll(async () => {
    prepareBrowserTests();
    h = await startHarness({ worker: true });
    world = await buildWorld(h);
    await h.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((h.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await launchChromium();
    planCode = `KG-UI-${h.tag}`;
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
  });

  it('serves the dashboard at / and leaves API paths to the API', async () => {
    const page = await fetch(`${base}/app/cases`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${base}/cases`, { headers: { Accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it("signs a coordinator in, showing a wrong password with its title in the reader's language", async () => {
    coordinator = await newPage();
    await coordinator.goto(`${base}/`);
    await coordinator.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage(coordinator, '01-sign-in');
    await coordinator.getByLabel('Email').fill(world.people.coordinator.email);
    await coordinator.getByLabel('Password').fill('not-the-password');
    await coordinator.getByRole('button', { name: 'Sign in' }).click();
    const refusal = coordinator.getByRole('alert');
    await refusal.getByText('Authentication required').waitFor();
    // the API's title in the reader's language (by its code), its detail as the API words it
    await coordinator.locator('.lang button[lang="ru"]').click();
    await refusal.getByText('Требуется вход').waitFor();
    await expect(refusal.textContent()).resolves.toContain('Unknown email or wrong password');
    await coordinator.locator('.lang button[lang="en"]').click();
    await refusal.getByText('Authentication required').waitFor();

    await signIn(coordinator, world.people.coordinator.email, PASSWORD);
    await expect(coordinator.getByTestId('whoami').textContent()).resolves.toContain('National coordinator');
  });

  it('creates a plan and imports its measures from a CSV file', async () => {
    await go(coordinator, '/', '#overview-title');
    await coordinator.getByText('New plan').click();
    const planForm = coordinator.getByRole('form', { name: 'New plan' });
    await planForm.getByLabel('Code', { exact: true }).fill(planCode);
    await planForm
      .getByLabel('Title', { exact: true })
      .fill('National Implementation Action Plan of Kyrgyzstan (dashboard test)');
    await planForm.getByLabel('State code').fill('KG');
    await planForm.getByLabel('Adopted on').fill('2013-03-22');
    await planForm.getByRole('button', { name: 'Save' }).click();
    await coordinator.waitForURL(`**/app/overview/${planCode}`);
    await coordinator.getByRole('heading', { name: new RegExp(planCode) }).waitFor();

    const lead = world.agencies.lead;
    const support = world.agencies.support;
    const csv = [
      'kind,code,title,leadAgency,supportingAgencies,dueOn,areaParagraph,areaWeaponType',
      `measure,M-01,National control list harmonised with the EU lists,${lead},,${isoDay(60)},OP3(d),all`,
      `measure,M-02,Training for customs officers in export control,${lead},${support},${isoDay(10)},OP3(c),all`,
      `measure,M-03,Radiation portal monitors at the Customs Union crossings,${support},,${isoDay(120)},OP3(c),nuclear`,
    ].join('\n');
    await coordinator.getByText('Import measures').click();
    const importForm = coordinator.getByRole('form', { name: 'Import measures' });
    const warning = coordinator.locator('.warning');
    // a measure supported by the coordinator's own ministry, which has no focal point: checked, not imported
    const unstaffed = world.agencies.coord;
    await importForm.getByLabel('CSV or XLSX file of measures').setInputFiles({
      name: 'unstaffed.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'kind,code,title,leadAgency,supportingAgencies,dueOn',
          `measure,M-09,Export licensing manual,${lead},${unstaffed},${isoDay(90)}`,
        ].join('\n'),
      ),
    });
    await importForm.getByLabel('Check only (dry run)').check();
    await importForm.getByRole('button', { name: 'Import' }).click();
    await coordinator.getByText('Dry run: 1 rows valid, 0 with errors.').waitFor();
    expect(await warning.locator('p').textContent()).toBe(
      '1 row(s) with warnings; check them before importing:',
    );
    expect(await warning.locator('li').allTextContents()).toEqual([
      `Row 2: step “Contributions of the supporting agencies” waits on ${unstaffed}, where no focal point is ` +
        'active: nobody there is emailed about it',
    ]);
    await coordinator.locator('.lang button[lang="ru"]').click();
    await warning.getByText('Строки с предупреждениями (1)', { exact: false }).waitFor();
    expect(await warning.locator('li').allTextContents()).toEqual([
      `Строка 2: этап «Вклад содействующих ведомств» ждёт ${unstaffed}: там нет действующего контактного лица, ` +
        'и письма о нём никто не получит',
    ]);
    await coordinator.locator('.lang button[lang="en"]').click();

    // rows with errors are named in the reader's language, from the API's codes and facts
    await importForm.getByLabel('CSV or XLSX file of measures').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'kind,code,title,leadAgency,supportingAgencies,dueOn',
          `measure,M-07,Export licensing manual,${lead},,2015-02-30`,
          `measure,M-07,Export licensing manual again,${lead},,${isoDay(30)}`,
          `measure,M-08,Export licensing manual for customs,KG-NOBODY,,${isoDay(30)}`,
        ].join('\n'),
      ),
    });
    await importForm.getByRole('button', { name: 'Import' }).click();
    await coordinator.getByText('Dry run: 0 rows valid, 3 with errors.').waitFor();
    const rowErrors = coordinator.locator('ul.error li');
    expect(await rowErrors.allTextContents()).toEqual([
      expect.stringMatching(
        /^Row 2: dueOn "2015-02-30" must be a real date as YYYY-MM-DD \(or DD\.MM\.YYYY\) in \d{4}-\d{4}$/,
      ),
      'Row 3: code M-07 repeats line 2',
      'Row 4: leadAgency: unknown agency KG-NOBODY',
    ]);
    await coordinator.locator('.lang button[lang="ru"]').click();
    await rowErrors.getByText('Строка 2', { exact: false }).waitFor();
    expect(await rowErrors.allTextContents()).toEqual([
      expect.stringMatching(
        /^Строка 2: срок «2015-02-30» должен быть существующей датой вида ГГГГ-ММ-ДД \(или ДД\.ММ\.ГГГГ\) в \d{4}-\d{4} гг\.$/,
      ),
      'Строка 3: код M-07 повторяет строку 2',
      'Строка 4: leadAgency: неизвестное ведомство KG-NOBODY',
    ]);
    await coordinator.locator('.lang button[lang="en"]').click();
    await rowErrors.getByText('Row 2', { exact: false }).waitFor();

    await importForm
      .getByLabel('CSV or XLSX file of measures')
      .setInputFiles({ name: 'measures.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // a dry run first: M-02 is due in 10 days, so its supporting agency's step (due 10 business days earlier) would
    // start overdue, and the coordinator is told so before importing
    await importForm.getByRole('button', { name: 'Import' }).click();
    await coordinator.getByText('Dry run: 3 rows valid, 0 with errors.').waitFor();
    await warning.waitFor();
    expect(await warning.locator('p').textContent()).toBe(
      '1 row(s) with warnings; check them before importing:',
    );
    expect(await warning.locator('li').allTextContents()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Row 3: step “Contributions of the supporting agencies” starts overdue \\(due \\d{1,2} [A-Z][a-z]{2} \\d{4}\\); ` +
            `${support} will get: Overdue notice, \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d$`,
        ),
      ),
    ]);
    // the same warning in Russian, worded by the dashboard from the warning's facts
    await coordinator.locator('.lang button[lang="ru"]').click();
    await warning.getByText('Строки с предупреждениями (1)', { exact: false }).waitFor();
    expect(await warning.locator('li').allTextContents()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Строка 3: этап «Вклад содействующих ведомств» начнётся с просрочкой \\(срок \\d{1,2} [а-я]+\\.? \\d{4} г\\.\\); ` +
            `${support} получит: `,
        ),
      ),
    ]);
    await coordinator.locator('.lang button[lang="en"]').click();
    await warning.getByText('1 row(s) with warnings', { exact: false }).waitFor();
    await importForm.getByLabel('Check only (dry run)').uncheck();
    await importForm.getByRole('button', { name: 'Import' }).click();
    await coordinator
      .getByText('Import finished: 3 created. The focal points of each agency get one email per new step.')
      .waitFor();
    expect(await warning.locator('p').textContent()).toBe('1 case(s) started with warnings:');
    expect(await warning.locator('li').count()).toBe(1);

    await coordinator.locator('.kpi-total dd', { hasText: '3' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await coordinator.locator('dd[data-health="done"]').textContent()).toBe('0');
    await checkPage(coordinator, '02-overview');
  });

  it('lets a focal point complete and approve from the inbox, and the coordinator sees it live', async () => {
    // the coordinator watches the plan's cases while a ministry works elsewhere
    await go(coordinator, `/cases?plan=${planCode}`, 'table.data');
    const m01Progress = coordinator.locator('tr', { hasText: 'M-01' }).locator('td.num');
    await m01Progress.waitFor();
    const before = await m01Progress.textContent();
    await checkPage(coordinator, '03-cases');

    const focal = await newPage();
    await signIn(focal, world.people.lead.email, PASSWORD);
    await go(focal, '/inbox', '#inbox-title');
    await inboxItem(focal, 'M-01', 'execute').waitFor({ timeout: LIVE_TIMEOUT });
    await checkPage(focal, '04-inbox');

    // evidence attached in place: uploaded first, then cited by the completion
    await inboxItem(focal, 'M-01', 'execute')
      .getByLabel('Evidence files (optional)')
      .setInputFiles({
        name: 'adoption-evidence.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n% adopted\n%%EOF\n'),
      });
    // a refusal needs a reason: the form says so before anything is sent
    await inboxItem(focal, 'M-01', 'execute').getByRole('button', { name: 'Mark done' }).click();
    await inboxItem(focal, 'M-01', 'head_approval').waitFor({ timeout: LIVE_TIMEOUT });
    const approval = inboxItem(focal, 'M-01', 'head_approval');
    await approval.getByRole('button', { name: 'Request changes' }).click();
    await approval.getByText('Please write a comment first.').waitFor();
    await approval.getByRole('button', { name: 'Approve', exact: true }).click();
    await approval.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    // no reload on the coordinator's side: the list polls
    await coordinator
      .locator('tr', { hasText: 'M-01' })
      .locator('td.num')
      .filter({ hasNotText: new RegExp(`^${(before ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('shows the case as steps with who acted when, and the coordinator closes it from the inbox', async () => {
    await go(coordinator, '/inbox', '#inbox-title');
    const item = inboxItem(coordinator, 'M-01', 'coordinator_approval');
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    await item.getByRole('link').click();
    await coordinator.locator('#process-title').waitFor();
    await coordinator.locator('.process-step.step-done').nth(1).waitFor();
    // who acted when: the focal point's completion, named with their agency
    expect(await coordinator.locator('.acted').first().textContent()).toMatch(
      /State Customs Service\) — completed/,
    );
    // the evidence the focal point attached, downloadable from the case
    const evidence = coordinator.getByRole('link', { name: 'Download adoption-evidence.pdf' });
    await evidence.waitFor();
    const href = (await evidence.getAttribute('href')) ?? '';
    const fetched = await coordinator.evaluate(async (url) => {
      const r = await fetch(url, { credentials: 'include' });
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    }, href);
    expect(fetched).toMatchObject({
      status: 200,
      type: 'application/pdf',
      text: expect.stringContaining('% adopted'),
    });
    await checkPage(coordinator, '05-case-detail');

    await coordinator.getByRole('button', { name: 'Approve', exact: true }).click();
    await succeeds(coordinator, coordinator.locator('.facts').getByText('Completed', { exact: true }));

    await go(coordinator, `/overview/${planCode}`, '#progress-title');
    await coordinator.locator('dd[data-health="done"]', { hasText: '1' }).waitFor({ timeout: LIVE_TIMEOUT });
    await screenshot(coordinator, '06-overview-after');
  });

  it('approves by email: the link opens a confirmation page that acts only when confirmed', async () => {
    const list = await fetch(`${base}/cases?plan=${planCode}&text=M-02`, {
      headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
    });
    const m02 = (
      (await list.json()) as { items: Array<{ id: string; workflowId: string; code: string }> }
    ).items.find((c) => c.code === 'M-02')!;
    const mail = await waitForMail(
      (m) =>
        (m.headers['x-napflow-notification'] ?? '').startsWith(`${m02.workflowId}:execute:step_assigned:`) &&
        m.to.includes(world.people.lead.email),
      30_000,
    );
    const token = /\/email-links\/([A-Za-z0-9_-]{20,})\?choice=/.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();

    // no session: the link alone signs the person in for this one step
    const page = await newPage();
    await page.goto(`${base}/email-links/${token}?choice=complete`);
    await page.getByText('Nothing has been recorded yet', { exact: false }).waitFor();
    await checkPage(page, '14-email-link-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForLoadState('domcontentloaded');
    await checkPage(page, '15-email-link-done');

    await go(coordinator, `/cases/${encodeURIComponent(m02.id)}`, '#process-title');
    const execute = coordinator.locator('.process-step', { hasText: 'Implementation by the lead agency' });
    await execute.locator('.acted', { hasText: 'via email link' }).waitFor({ timeout: LIVE_TIMEOUT });

    // the same link again: it was used, the page says so and offers nothing to confirm
    const reused = await newPage();
    await reused.goto(`${base}/email-links/${token}?choice=complete`);
    await reused.getByText('This link was already used', { exact: false }).waitFor();
    expect(await reused.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
  });

  it('refuses an expired approve-by-email link in the browser and records nothing', async () => {
    const list = await fetch(`${base}/cases?plan=${planCode}&text=M-03`, {
      headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
    });
    const m03 = (
      (await list.json()) as { items: Array<{ id: string; workflowId: string; code: string }> }
    ).items.find((c) => c.code === 'M-03')!;
    const mail = await waitForMail(
      (m) =>
        (m.headers['x-napflow-notification'] ?? '').startsWith(`${m03.workflowId}:execute:step_assigned:`),
      30_000,
    );
    const token = /\/email-links\/([A-Za-z0-9_-]{20,})\?choice=/.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();
    // the link's lifetime has passed (moved into the past rather than waiting two weeks)
    const ds = h.app.get(DataSource);
    const hash = createHash('sha256').update(token!).digest('hex');
    const [, updated] = (await ds.query(
      `UPDATE email_links SET expires_at = now() - interval '1 day'
        WHERE id = (SELECT link_id FROM email_link_tokens WHERE token_hash = $1)`,
      [hash],
    )) as [unknown, number];
    expect(updated).toBe(1);

    const page = await newPage();
    await page.goto(`${base}/email-links/${token}?choice=complete`);
    await page.getByText('This link has expired', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    const detail = await fetch(`${base}/cases/${m03.id}`, {
      headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
    });
    const steps = ((await detail.json()) as { steps: Array<{ key: string; status: string }> }).steps;
    expect(steps.find((st) => st.key === 'execute')?.status).toBe('active');
  });

  it('exports the plan status report as CSV and XLSX for the 1540 Committee', async () => {
    await go(coordinator, `/overview/${planCode}`, '#export-title');
    const [csvDownload] = await Promise.all([
      coordinator.waitForEvent('download'),
      coordinator.getByRole('button', { name: 'CSV' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(
      new RegExp(`^${planCode}-status-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const csv = fs.readFileSync(await csvDownload.path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM: Excel reads the Cyrillic right
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain('implementation of resolution 1540 (2004)');
    expect(lines[3]).toMatch(/^No\.,Code,Title,Kind,/);
    expect(lines.slice(4).map((l) => l.split(',')[1])).toEqual(['M-02', 'M-03', 'M-01']); // grouped by 1540 area
    expect(lines.find((l) => l.includes(',M-01,'))).toContain(',Done,');

    const [xlsxDownload] = await Promise.all([
      coordinator.waitForEvent('download'),
      coordinator.getByRole('button', { name: 'Excel (XLSX)' }).click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(fs.readFileSync(await xlsxDownload.path()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Status report', 'Summary']);
    const sheet = workbook.getWorksheet('Status report')!;
    expect(sheet.getCell('B4').value).toBe('Code');
    expect([5, 6, 7].map((r) => sheet.getCell(`B${r}`).value)).toEqual(['M-02', 'M-03', 'M-01']);
    expect(sheet.getCell('I7').value).toBe('Done');
    expect(sheet.getCell('K7').value).toBe(100);
  });

  it('shows deadlines as a timeline, a calendar and due lists', async () => {
    await go(coordinator, '/deadlines', '#timeline-title');
    // M-02 is due in 10 days, but the contributions of its supporting agency were due 10 working days before that:
    // the case waits on a late step, so it is overdue (as the case list and the plan's health say), not due soon
    const overdue = coordinator.locator('section[aria-labelledby="overdue-title"]');
    await overdue.getByText('M-02').waitFor();
    expect(await coordinator.locator('section[aria-labelledby="soon-title"]').getByText('M-02').count()).toBe(
      0,
    );
    await coordinator.locator('.timeline').getByRole('link', { name: /M-03/ }).waitFor();
    await checkPage(coordinator, '07-deadlines');
  });

  it('shows the administration pages to an administrator', async () => {
    const admin = await newPage();
    await signIn(admin, h.config.admin.email, ADMIN_PASSWORD);
    for (const [tab, ready, name] of [
      ['agencies', 'table.data', '08-admin-agencies'],
      ['people', 'table.data', '09-admin-people'],
      ['calendars', '.calendars', '10-admin-calendars'],
      ['definitions', '.definitions details', '11-admin-definitions'],
    ] as const) {
      await go(admin, `/admin/${tab}`, ready);
      if (tab === 'definitions') {
        await admin.locator('.definitions details summary').first().click();
        await admin.locator('.definitions details table').first().waitFor();
      }
      await checkPage(admin, name);
    }
  });

  it('switches the interface to Russian and fits a tablet', async () => {
    await go(coordinator, `/overview/${planCode}`, '#progress-title');
    await coordinator.getByRole('button', { name: /^RU/ }).click();
    await coordinator.getByRole('heading', { name: 'Обзор плана' }).waitFor();
    await checkPage(coordinator, '12-overview-ru');

    // the case page names the steps as the case's process definition does in Russian (the API stores English)
    const list = await fetch(`${base}/cases?plan=${planCode}&text=M-03`, {
      headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
    });
    const m03 = ((await list.json()) as { items: Array<{ id: string; code: string }> }).items.find(
      (c) => c.code === 'M-03',
    )!;
    await go(coordinator, `/cases/${encodeURIComponent(m03.id)}`, '#process-title');
    await coordinator
      .locator('.process-step h3', { hasText: 'Исполнение меры ведущим ведомством' })
      .waitFor();
    expect(await coordinator.locator('.process-step h3').allTextContents()).not.toContain(
      'Implementation by the lead agency',
    );
    await checkPage(coordinator, '12-case-ru');

    const tablet = await newPage(TABLET);
    await signIn(tablet, world.people.lead.email, PASSWORD);
    await go(tablet, '/inbox', '#inbox-title');
    const overflow = await tablet.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await checkPage(tablet, '13-inbox-tablet');
  });

  it("starts one case from the overview, field problems beside their fields, warnings in the reader's words", async () => {
    await go(coordinator, `/overview/${planCode}`, '#progress-title');
    await coordinator.locator('.lang button[lang="en"]').click();
    await coordinator.getByText('New case', { exact: true }).click();
    const form = coordinator.getByRole('form', { name: 'New case' });
    // a draft law asks who the justice ministry is: its role gets a field of its own
    await form.getByLabel('Process').selectOption('draft_law');
    await form.getByLabel('Agencies in the role “justice”').waitFor();
    await form.getByLabel('Process').selectOption('measure');
    await expect(form.getByLabel('Agencies in the role “justice”').count()).resolves.toBe(0);

    const cases = async () => {
      const r = await fetch(`${base}/cases?plan=${planCode}&text=M-10`, {
        headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
      });
      return ((await r.json()) as { items: Array<{ id: string; code: string }> }).items;
    };
    await form.getByLabel('Code').fill('M-10');
    await form.getByLabel('Title').fill('Outreach to industry on export control of dual-use goods');
    await form.getByLabel('Lead agency').selectOption(world.agencies.lead);
    await form.getByLabel('Supporting agencies').fill('KG-NO-SUCH-AGENCY');
    await form.getByLabel('Due date').fill(isoDay(90));
    await form.getByRole('button', { name: 'Start the case' }).click();
    // the API's refusal is shown beside the field it names, and nothing is started
    const supporting = form.getByLabel('Supporting agencies');
    await form.getByText('unknown agency KG-NO-SUCH-AGENCY').waitFor();
    await expect(supporting.getAttribute('aria-invalid')).resolves.toBe('true');
    // worded by the dashboard from the API's code and facts: in Russian too
    await coordinator.locator('.lang button[lang="ru"]').click();
    // (the form is named in Russian now)
    await coordinator.getByText('неизвестное ведомство KG-NO-SUCH-AGENCY').waitFor();
    await coordinator.locator('.lang button[lang="en"]').click();
    await form.getByText('unknown agency KG-NO-SUCH-AGENCY').waitFor();
    expect(await cases()).toEqual([]);

    // corrected (codes typed in lower case are taken as codes): the coordinator's own ministry supports the measure;
    // it has no focal point, which the answer says
    await supporting.fill(world.agencies.coord.toLowerCase());
    await form.getByRole('button', { name: 'Start the case' }).click();
    await succeeds(coordinator, coordinator.getByText('Case M-10 started.'));
    const status = coordinator.locator('.warning[role="status"]').filter({ hasText: 'Open case M-10' });
    expect(await status.locator('li').allTextContents()).toEqual([
      `step “Contributions of the supporting agencies” waits on ${world.agencies.coord}, where no focal point is ` +
        'active: nobody there is emailed about it',
    ]);
    const [created] = await cases();
    expect(created.code).toBe('M-10');
    await checkPage(coordinator, '20-new-case');
    await status.getByRole('link', { name: 'Open case M-10' }).click();
    await coordinator.waitForURL(`**/app/cases/${encodeURIComponent(created.id)}`);
    await coordinator
      .getByRole('heading', { name: /Outreach to industry on export control of dual-use goods/ })
      .waitFor();
  });

  it("words a refusal in the reader's language: a step completed elsewhere while the page showed it open", async () => {
    const focal = await newPage();
    await signIn(focal, world.people.lead.email, PASSWORD);
    await go(focal, '/inbox', '#inbox-title');
    await focal.locator('.lang button[lang="ru"]').click();
    const item = inboxItem(focal, 'M-10', 'execute');
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    // the page goes on showing the step open: its refreshes are held until the end
    const held: Route[] = [];
    const inboxRefresh = (url: URL) => url.pathname === '/inbox';
    await focal.route(inboxRefresh, (route) => void held.push(route));
    try {
      // meanwhile the step is completed elsewhere (the same focal point, through the API)
      const list = await fetch(`${base}/cases?plan=${planCode}&text=M-10`, {
        headers: { Authorization: `Bearer ${world.tokens.coordinator}` },
      });
      const m10 = ((await list.json()) as { items: Array<{ id: string; code: string }> }).items.find(
        (c) => c.code === 'M-10',
      )!;
      const elsewhere = await fetch(`${base}/cases/${m10.id}/steps/execute/complete`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${world.tokens.lead}`, 'content-type': 'application/json' },
        body: JSON.stringify({ note: 'completed from another window' }),
      });
      expect(elsewhere.status).toBe(200);

      await item.getByRole('button', { name: 'Отметить выполненным' }).click();
      const alert = item.locator('.error[role="alert"]');
      await alert.waitFor();
      expect(await alert.locator('strong').textContent()).toBe('Шаг не открыт');
      expect(await alert.locator('> p').textContent()).toBe(
        'Этот шаг сейчас не открыт: возможно, по нему уже приняли решение. Обновите страницу, чтобы увидеть, где ' +
          'находится дело.',
      );
      // the server's words, which name the step, folded under the reader's
      const folded = alert.locator('details');
      expect(await folded.locator('summary').textContent()).toBe(
        'Как это сформулировал сервер (по-английски)',
      );
      expect(await folded.locator('p[lang="en"]').textContent()).toMatch(/^step "execute" is/);
      await checkPage(focal, '21-refusal-ru');

      // in English, the server's words as they are
      await focal.locator('.lang button[lang="en"]').click();
      expect(await alert.locator('strong').textContent()).toBe('The step is not open');
      expect(await alert.locator('details').count()).toBe(0);
      expect(await alert.locator('p').textContent()).toMatch(/^step "execute" is/);
    } finally {
      await focal.unroute(inboxRefresh);
      for (const route of held) await route.continue().catch(() => undefined);
    }
  });
});
