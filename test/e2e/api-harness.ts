// Shared by the API end-to-end tests: boots the API (createApiApp) and an in-process worker on a task queue of its
// own against the services of test/support/global-setup.ts, and builds a small world of states, agencies, people.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type AppConfig, loadConfig } from '@app/config';
import { createApiApp } from '../../apps/api/src/app.module';
import { ensureAdmin } from '../../apps/api/src/auth/ensure-admin';
import { type RunningWorker, startWorker } from '../../apps/worker/src/start-worker';
import { TemporalWorkerService } from '../../apps/worker/src/temporal-worker.service';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const PASSWORD = 'a-long-test-password';

export interface Harness {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  worker?: RunningWorker;
  /** unique per test file: agency codes, plan codes and emails carry it */
  tag: string;
  tokens: Record<string, string>;
  close(): Promise<void>;
}

export async function startHarness(opts: { worker: boolean }): Promise<Harness> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const config = loadConfig({
    ...process.env,
    NAPFLOW_ADMIN_EMAIL: `admin-${tag.toLowerCase()}@napflow.example.org`,
    NAPFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    NAPFLOW_LOG_LEVEL: process.env.NAPFLOW_TEST_API_LOG ?? 'silent',
    TEMPORAL_TASK_QUEUE: `napflow-api-e2e-${tag.toLowerCase()}`,
    NAPFLOW_DATA_DIR: process.env.NAPFLOW_TEST_DATA_DIR ?? '.data/test',
  });
  const worker = opts.worker ? await startWorker(config) : undefined;
  const app = await createApiApp(config);
  await app.init();
  const server = app.getHttpServer() as App;
  const h: Harness = {
    app,
    config,
    worker,
    tag,
    tokens: {},
    http: () => request(server),
    async close() {
      await app.close();
      if (worker) {
        // Stopping the worker while notify activities are in flight has been seen to hang (reported to the
        // worker's owner): let them finish first, within a bound.
        await eventually(
          async () => (inFlightActivities(worker) === 0 ? true : undefined),
          'in-flight activities to finish',
          30_000,
        ).catch(() => undefined);
        await worker.stop();
      }
    },
  };
  // the administrator of this file (ensureAdmin creates one only if there is none: make ours directly otherwise)
  const admin = await ensureAdmin(app, config);
  if (!admin.created) await createAdminDirectly(h);
  h.tokens.admin = await login(h, config.admin.email, ADMIN_PASSWORD);
  return h;
}

async function createAdminDirectly(h: Harness): Promise<void> {
  const { PeopleRepository, AgenciesRepository } = await import('@app/persistence');
  const { hashPassword } = await import('../../apps/api/src/auth/password');
  const { OPERATOR_AGENCY } = await import('../../apps/api/src/auth/ensure-admin');
  await h.app.get(AgenciesRepository).insertMissing([OPERATOR_AGENCY]);
  if (await h.app.get(PeopleRepository).findByEmail(h.config.admin.email)) return;
  await h.app.get(PeopleRepository).create({
    email: h.config.admin.email,
    name: 'Test administrator',
    language: 'en',
    agencyCode: OPERATOR_AGENCY.code,
    role: 'admin',
    passwordHash: await hashPassword(ADMIN_PASSWORD),
  });
}

function inFlightActivities(worker: RunningWorker): number {
  try {
    const svc = worker.app.get(TemporalWorkerService) as unknown as {
      worker?: { getStatus(): { numInFlightActivities: number } };
    };
    return svc.worker?.getStatus().numInFlightActivities ?? 0;
  } catch {
    return 0;
  }
}

export async function login(h: Harness, email: string, password: string): Promise<string> {
  const res = await h.http().post('/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}

export function auth(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export interface World {
  state: string;
  plan: string;
  agencies: { lead: string; support: string; other: string; coord: string; osce: string };
  /** role name → token */
  tokens: Record<
    'admin' | 'coordinator' | 'lead' | 'support' | 'other' | 'observer' | 'foreignCoordinator',
    string
  >;
  people: Record<string, { id: string; email: string }>;
}

/**
 * KG (and TJ for a foreign coordinator), agencies and people carrying the file's tag, one plan shared with an
 * observer organisation. Each person signs in once.
 */
export async function buildWorld(h: Harness): Promise<World> {
  const admin = auth(h.tokens.admin);
  for (const s of [
    { code: 'KG', name: 'Kyrgyzstan', timeZone: 'Asia/Bishkek', holidayCalendar: 'KG' },
    { code: 'TJ', name: 'Tajikistan', timeZone: 'Asia/Dushanbe', holidayCalendar: 'TJ' },
  ]) {
    const res = await h.http().post('/states').set(admin).send(s);
    if (res.status !== 201 && res.status !== 409)
      throw new Error(`state ${s.code}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const t = h.tag;
  const agencies = {
    coord: `KG-${t}-MOE`,
    lead: `KG-${t}-SCS`,
    support: `KG-${t}-BS`,
    other: `KG-${t}-FIRE`,
    osce: `OSCE-${t}`,
  };
  const tjAgency = `TJ-${t}-MOE`;
  for (const [code, stateCode, name] of [
    [agencies.coord, 'KG', 'Ministry of Economy'],
    [agencies.lead, 'KG', 'State Customs Service'],
    [agencies.support, 'KG', 'Border Service'],
    [agencies.other, 'KG', 'State Firefighter Service'],
    [agencies.osce, null, 'OSCE Centre in Bishkek'],
    [tjAgency, 'TJ', 'Ministry of Economy of Tajikistan'],
  ] as const) {
    const res = await h
      .http()
      .post('/agencies')
      .set(admin)
      .send({ code, name, stateCode, ...(stateCode ? {} : { kind: 'international' }) });
    if (res.status !== 201) throw new Error(`agency ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const people: World['people'] = {};
  const tokens: Partial<World['tokens']> = { admin: h.tokens.admin };
  const specs: [keyof World['tokens'], string, string][] = [
    ['coordinator', agencies.coord, 'coordinator'],
    ['lead', agencies.lead, 'focal_point'],
    ['support', agencies.support, 'focal_point'],
    ['other', agencies.other, 'focal_point'],
    ['observer', agencies.osce, 'observer'],
    ['foreignCoordinator', tjAgency, 'coordinator'],
  ];
  for (const [who, agencyCode, role] of specs) {
    const email = `${who.toLowerCase()}-${t.toLowerCase()}@kg.napflow.example.org`;
    const res = await h
      .http()
      .post('/people')
      .set(admin)
      .send({ email, name: `${who} ${t}`, agencyCode, role, language: 'en', password: PASSWORD });
    if (res.status !== 201) throw new Error(`person ${who}: ${res.status} ${JSON.stringify(res.body)}`);
    people[who] = { id: (res.body as { id: string }).id, email };
    tokens[who] = await login(h, email, PASSWORD);
  }
  const plan = `KG-NAP-${t}`;
  const created = await h
    .http()
    .post('/plans')
    .set(auth(tokens.coordinator as string))
    .send({
      code: plan,
      title: 'National Implementation Action Plan (UNSCR 1540)',
      stateCode: 'KG',
      adoptedOn: '2013-03-22',
    });
  if (created.status !== 201) throw new Error(`plan: ${created.status} ${JSON.stringify(created.body)}`);
  const shared = await h.http().post(`/plans/${plan}/shares`).set(admin).send({ agencyCode: agencies.osce });
  if (shared.status !== 200) throw new Error(`share: ${shared.status} ${JSON.stringify(shared.body)}`);
  return { state: 'KG', plan, agencies, tokens: tokens as World['tokens'], people };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
