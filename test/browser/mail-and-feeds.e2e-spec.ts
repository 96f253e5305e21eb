// Refused emails and calendar feeds in a real browser against the real stack. The API and an in-process worker send
// through an SMTP sink of this file that refuses one focal point's address with 550, so the refusal comes from a real
// case workflow and the real outbox. A coordinator watches it appear without reloading; a focal point creates a
// calendar feed, fetches its iCal address, and revokes it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SmtpSink } from '@app/devstack';
import {
  auth,
  buildWorld,
  eventually,
  type Harness,
  PASSWORD,
  startHarness,
  type World,
} from '../e2e/api-harness';
import { checkPage, launchChromium, prepareBrowserTests, signIn } from './browser-harness';

const LAPTOP = { width: 1366, height: 900 };
// pages poll the API every 10 s: a change made elsewhere must show within two polls
const LIVE_TIMEOUT = 25_000;
const REFUSED_PREFIX = 'refused-';
jest.setTimeout(120_000);

function isoDay(offsetDays: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

/** The event whose UID starts with `uid`, its folded lines (75 octets) joined again. */
function icalEvent(ics: string, uid: string): string | undefined {
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  return unfolded.split('END:VEVENT').find((e) => e.includes(`UID:${uid}`));
}

// runs in the page (the test's tsconfig has no DOM types: reach the page's globals through globalThis)
const hasFocus = (l: Locator): Promise<boolean> =>
  l.evaluate(
    (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
  );

describe('refused emails and calendar feeds (browser)', () => {
  let sink: SmtpSink;
  let h: Harness;
  let world: World;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let refusedEmail: string;
  let measure: { id: string; workflowId: string };

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: LAPTOP, locale: 'en-GB', timezoneId: 'Asia/Bishkek' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function api<T>(method: string, url: string, token: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...auth(token), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    prepareBrowserTests();
    // a sink of this file, so refusing an address disturbs no other test file's mail
    sink = await SmtpSink.start({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-browser-mail-')) });
    sink.setFaults({ reject: (rcpt) => rcpt.startsWith(REFUSED_PREFIX) });
    const smtpUrl = process.env.SMTP_URL;
    process.env.SMTP_URL = sink.url;
    try {
      h = await startHarness({ worker: true });
    } finally {
      process.env.SMTP_URL = smtpUrl;
    }
    world = await buildWorld(h);
    await h.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((h.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await launchChromium();
    // a second focal point of the lead agency, whose mailbox the mail server refuses
    refusedEmail = `${REFUSED_PREFIX}${h.tag.toLowerCase()}@kg.napflow.example.org`;
    await api('POST', '/people', world.tokens.admin, {
      email: refusedEmail,
      name: `Aibek Refused ${h.tag}`,
      agencyCode: world.agencies.lead,
      role: 'focal_point',
      language: 'en',
      password: PASSWORD,
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
    await sink?.stop();
  });

  it('tells a coordinator with no refused mail that all mail was delivered', async () => {
    // the Tajik coordinator: this run refuses no mail of TJ
    const page = await newPage();
    await signIn(page, base, world.people.foreignCoordinator.email, PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Refused emails' })
      .click();
    await page.getByText('All mail was delivered', { exact: false }).waitFor();
    await checkPage(page, '16-refused-emails-empty');
  });

  it('shows a coordinator an email the mail server refused, live, linked to its case', async () => {
    const page = await newPage();
    await signIn(page, base, world.people.coordinator.email, PASSWORD);
    await page.goto(`${base}/app/refused-emails`);
    await page.locator('#refused-title').waitFor();

    // a case assigned to the lead agency: its step_assigned email goes to both focal points, one is refused
    measure = await api('POST', `/plans/${world.plan}/cases`, world.tokens.coordinator, {
      kind: 'measure',
      code: 'MAIL-1',
      title: 'Export control training for the State Customs Service',
      leadAgency: world.agencies.lead,
      dueOn: isoDay(45),
    });
    // no reload: the page polls
    const row = page.locator('table.refused tbody tr', { hasText: refusedEmail });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.locator('td').nth(3).textContent()).toContain('Step assigned');
    expect(await row.locator('code.smtp-error').textContent()).toMatch(/^550/);
    const link = row.getByRole('link', { name: /MAIL-1/ });
    expect(await link.getAttribute('href')).toBe(`/app/cases/${measure.id}`);
    await checkPage(page, '17-refused-emails');

    // the delivered copy is not listed, and nothing retried the refused one
    expect(await page.locator('table.refused tbody tr', { hasText: world.people.lead.email }).count()).toBe(
      0,
    );
    const failed = await api<Array<{ recipient: string; attempts: number }>>(
      'GET',
      '/email-outbox/failed',
      world.tokens.coordinator,
    );
    expect(failed.filter((f) => f.recipient === refusedEmail)).toEqual([
      expect.objectContaining({ attempts: 1, caseId: measure.id, caseCode: 'MAIL-1' }),
    ]);

    await link.click();
    await page.getByRole('heading', { name: /Export control training/ }).waitFor();

    // the overview tells the coordinator too
    await page.goto(`${base}/app/overview/${world.plan}`);
    await page.locator('.refused-alert').getByRole('link', { name: 'See the refused emails' }).waitFor();
  });

  it('lets a focal point create a calendar feed, copy and fetch it, and revoke it', async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await signIn(page, base, world.people.lead.email, PASSWORD);
    // beside who is signed in: a feed is the person's own
    await page.getByRole('banner').getByRole('link', { name: 'Calendar feeds' }).click();
    await page.getByText('No calendar feeds yet.').waitFor();

    // a focal point may choose their own steps or their agency's, nothing else
    const form = page.getByRole('form', { name: 'New calendar feed' });
    const options = await form.getByLabel('The feed shows').locator('option').allTextContents();
    expect(options).toEqual([
      'My steps (my agency and whom I stand in for)',
      'Steps of State Customs Service',
    ]);
    await form.getByLabel('The feed shows').selectOption({ label: options[0] });
    await form.getByLabel('Name (optional)').fill('Outlook at the office');
    await form.getByRole('button', { name: 'Create the address' }).click();
    const address = page.getByLabel('Feed address (iCal)');
    await address.waitFor();
    const url = await address.inputValue();
    expect(url).toMatch(/\/calendar-feeds\/[A-Za-z0-9_-]{40,}\/feed\.ics$/);
    await page.locator('table.feeds tbody tr', { hasText: 'Outlook at the office' }).waitFor();

    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Address copied.').waitFor();
    const clipboard = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(clipboard).toBe(url);
    await checkPage(page, '18-calendar-feeds');

    // the address answers iCal with the open step and its due date (the server's public URL may differ: same path)
    const feedUrl = `${base}${new URL(url).pathname}`;
    const detail = await api<{ steps: Array<{ key: string; status: string; dueOn: string | null }> }>(
      'GET',
      `/cases/${measure.id}`,
      world.tokens.coordinator,
    );
    const execute = detail.steps.find((s) => s.key === 'execute');
    expect(execute).toMatchObject({ status: 'active', dueOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const event = await eventually(async () => {
      const res = await fetch(feedUrl);
      const text = await res.text();
      if (res.status !== 200 || !text.startsWith('BEGIN:VCALENDAR')) return undefined;
      expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
      return icalEvent(text, `${measure.workflowId}/execute/`);
    }, 'the open step in the feed');
    expect(event).toContain(`DTSTART;VALUE=DATE:${execute!.dueOn!.replace(/-/g, '')}`);
    expect(event).toMatch(/SUMMARY:.*Export control training/);

    // revoking asks first; Escape keeps the feed and returns to the button
    const revoke = page.getByRole('button', { name: 'Revoke the feed “Outlook at the office”' });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the feed “Outlook at the office”?' });
    await dialog.waitFor();
    await expect(hasFocus(dialog.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect(hasFocus(revoke)).resolves.toBe(true);
    expect((await fetch(feedUrl)).status).toBe(200);

    await revoke.press('Enter');
    await dialog.waitFor();
    await checkPage(page, '19-calendar-feed-revoke');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByText('The feed “Outlook at the office” was revoked.').waitFor();
    await page.getByText('No calendar feeds yet.').waitFor();
    const gone = await fetch(feedUrl);
    expect([404, 410]).toContain(gone.status);
  });
});
