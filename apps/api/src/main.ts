import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { createApiApp } from './app.module';

// The API alone, against services given by the environment (npm start runs it together with the worker).
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  console.log(`[napflow] API on ${config.http.publicUrl} (OpenAPI at ${config.http.publicUrl}/docs)`);
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError ? err.message : `[napflow] the API failed to start: ${String(err)}`,
  );
  process.exit(1);
});
