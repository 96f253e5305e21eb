// Applies the database migrations and exits: the one-shot `migrate` job of docker-compose and deploy pipelines.
import { ConfigError, loadConfig } from '@app/config';
import { runMigrations } from '@app/persistence';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireServices: false });
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: not set (the database to migrate)']);
  const t0 = Date.now();
  console.log('[migrate] applying migrations ...');
  await runMigrations(config.databaseUrl);
  console.log(`[migrate] done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError
      ? err.message
      : `[migrate] failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
