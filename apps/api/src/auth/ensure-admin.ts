import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@app/config';
import { AgenciesRepository, PeopleRepository } from '@app/persistence';
import { hashPassword } from './password';

export interface EnsureAdminResult {
  created: boolean;
  email: string;
  /** set only when no NAPFLOW_ADMIN_PASSWORD was given: print it once, it is stored only hashed */
  generatedPassword?: string;
}

/** The organisation the first administrator belongs to (agencies need one; it is international, not a state's). */
export const OPERATOR_AGENCY = {
  code: 'NAPFLOW',
  name: 'napflow operators',
  stateCode: null,
  kind: 'international' as const,
};

/**
 * First start: creates the administrator from NAPFLOW_ADMIN_EMAIL / NAPFLOW_ADMIN_PASSWORD, or with a generated
 * password returned once. Does nothing when an administrator exists already.
 */
export async function ensureAdmin(app: INestApplication, config: AppConfig): Promise<EnsureAdminResult> {
  const people = app.get(PeopleRepository);
  const agencies = app.get(AgenciesRepository);
  const email = config.admin.email;
  const admins = await people.list({ role: 'admin' });
  if (admins.length > 0)
    return { created: false, email: admins.find((a) => a.email === email)?.email ?? admins[0].email };
  if (await people.findByEmail(email)) return { created: false, email };
  await agencies.insertMissing([OPERATOR_AGENCY]);
  const generatedPassword = config.admin.password ? undefined : randomBytes(15).toString('base64url');
  await people.create({
    email,
    name: 'Administrator',
    language: 'en',
    agencyCode: OPERATOR_AGENCY.code,
    role: 'admin',
    passwordHash: await hashPassword(config.admin.password ?? (generatedPassword as string)),
  });
  return { created: true, email, ...(generatedPassword ? { generatedPassword } : {}) };
}
