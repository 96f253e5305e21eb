// What the start script (scripts/start.ts) needs from the API.
export { createApiApp } from './app.module';
export { ensureAdmin, type EnsureAdminResult } from './auth/ensure-admin';
export { loadDemoData, type DemoLoadResult } from './admin/demo-data';
