// What the dashboard's browser tests share: Debian's Chromium driven by playwright-core, the dashboard built from
// the current sources, an axe-core check and screenshots a reviewer can open (test/artifacts/screenshots).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test', 'artifacts', 'screenshots');

/** Installs Chromium if missing (idempotent, see the script) and builds the dashboard the API will serve. */
export function prepareBrowserTests(): void {
  execFileSync('bash', [path.join(ROOT, 'test', 'support', 'ensure-chromium.sh')], { stdio: 'inherit' });
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'apps/dashboard/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    },
  );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}

/**
 * Headless Chromium with a fresh profile. Playwright refuses a `--user-data-dir` argument to launch(): it creates a
 * new temporary profile itself for every launch and removes it on close, which is the same guarantee.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

let axeScript: string | undefined;
function axeSource(): string {
  axeScript ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeScript;
}

/** axe-core on the current page; returns the serious and critical violations as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not block (a script tag would be)
  await page.evaluate(axeSource());
  // runs in the page (the test's tsconfig has no DOM types: reach the page's globals through globalThis)
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A screenshot a reviewer can open, then axe-core: the page must have no serious or critical violation. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousA11yViolations(page)).toEqual([]);
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
}
