// Jest globalSetup for the integration and e2e projects: starts real services once per run (embedded
// unless TEMPORAL_ADDRESS / DATABASE_URL / SMTP_URL say otherwise), applies the migrations, and exports
// the addresses as environment variables the test workers inherit (read them through ./services.ts).
import 'reflect-metadata';
import Module from 'node:module';
import path from 'node:path';
import type * as DevStackModule from '@app/devstack';
import type { DevStack } from '@app/devstack';

const ROOT = path.resolve(__dirname, '..', '..');
const GLOBAL_KEY = '__napflowDevStack';

type GlobalWithStack = typeof globalThis & { [GLOBAL_KEY]?: DevStack };

/**
 * Jest's moduleNameMapper does not apply to global setup code (it runs under plain Node require with
 * jest's transform), so map the `@app/*` aliases here the way jest.config.js and tsconfig.json do.
 */
function registerAliases(): void {
  const mod = Module as unknown as {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
    __napflowAliases?: boolean;
  };
  if (mod.__napflowAliases) return;
  mod.__napflowAliases = true;
  const targets: Record<string, string> = {
    workflows: path.join(ROOT, 'workflows'),
    activities: path.join(ROOT, 'activities'),
  };
  for (const lib of ['domain', 'persistence', 'mail', 'temporal', 'config', 'devstack']) {
    targets[lib] = path.join(ROOT, 'libs', lib, 'src');
  }
  const original = mod._resolveFilename;
  mod._resolveFilename = function resolveAlias(request, parent, isMain, options) {
    const m = /^@app\/([\w-]+)(?:\/(.*))?$/.exec(request);
    if (m && targets[m[1]]) {
      const target = m[2] ? path.join(targets[m[1]], m[2]) : path.join(targets[m[1]], 'index');
      return original.call(this, target, parent, isMain, options);
    }
    return original.call(this, request, parent, isMain, options);
  };
}

/** `runMigrations(url)` from @app/persistence when that lib provides it; otherwise undefined. */
async function loadMigrations(): Promise<((url: string) => Promise<unknown>) | undefined> {
  let persistence: { runMigrations?: unknown };
  try {
    persistence = (await import('@app/persistence')) as { runMigrations?: unknown };
  } catch (err) {
    console.log(
      `[napflow:test] @app/persistence could not be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): ` +
        'tests run on an empty database without migrations',
    );
    return undefined;
  }
  if (typeof persistence.runMigrations !== 'function') {
    console.log(
      '[napflow:test] @app/persistence exports no runMigrations(url) yet: database left without migrations',
    );
    return undefined;
  }
  return persistence.runMigrations as (url: string) => Promise<unknown>;
}

export default async function globalSetup(): Promise<void> {
  const g = globalThis as GlobalWithStack;
  if (g[GLOBAL_KEY]) return; // integration and e2e in one run share the services
  registerAliases();
  // Loaded after the alias hook, through it (a static import would resolve before the hook exists).
  const { startDevStack, describeStartupError } = (await import('@app/devstack')) as typeof DevStackModule;

  const runMigrations = await loadMigrations();
  let migrationsMs = 0;
  let stack: DevStack;
  try {
    stack = await startDevStack({
      ephemeral: true,
      log: (line) => console.log(`[napflow:test] ${line}`),
      afterPostgresStart: runMigrations
        ? async (url) => {
            const t0 = Date.now();
            await runMigrations(url);
            migrationsMs = Date.now() - t0;
          }
        : undefined,
    });
  } catch (err) {
    // Jest shows this message as the reason the run could not start: make it the whole story.
    const failure = new Error(`the test services did not start\n${describeStartupError(err)}`);
    failure.stack = failure.message; // the description says what to do; a stack into jest adds nothing
    throw failure;
  }
  g[GLOBAL_KEY] = stack;
  Object.assign(process.env, stack.env, { NAPFLOW_TEST_DATA_DIR: stack.dataDir });
  const t = stack.timings;
  console.log(
    `[napflow:test] services ready in ${t.total} ms (temporal ${t.temporal} ms, postgres ${t.postgres} ms` +
      `${runMigrations ? ` incl. migrations ${migrationsMs} ms` : ''}, smtp ${t.smtp} ms)`,
  );
}
