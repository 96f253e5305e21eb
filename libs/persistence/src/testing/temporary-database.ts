// For integration tests: a fresh database on the server of DATABASE_URL, so a test file can migrate, break and drop
// its own schema without touching the one other test files share.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

export interface TemporaryDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      'DATABASE_URL is not set: run the integration tests through jest (test/support/global-setup.ts starts PostgreSQL)',
    );
  return url;
}

export async function createTemporaryDatabase(
  serverUrl: string = requireDatabaseUrl(),
  prefix = 'napflow_test',
): Promise<TemporaryDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await onServer(serverUrl, (ds) => ds.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await onServer(serverUrl, (ds) => ds.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function onServer(serverUrl: string, fn: (ds: DataSource) => Promise<unknown>): Promise<void> {
  const ds = await new DataSource({
    type: 'postgres',
    url: serverUrl,
    poolSize: 1,
    entities: [],
    synchronize: false,
  }).initialize();
  try {
    await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * The names of the migration `first` and of every one after it, oldest first: what reverting back to before `first`
 * undoes and running migrations again applies (tests of a migration stay true when later ones are added).
 */
export function migrationsFrom(first: string): string[] {
  const names = migrations.map((m) => new m().name ?? m.name);
  const at = names.indexOf(first);
  if (at < 0) throw new Error(`no migration named ${first}`);
  return names.slice(at);
}
