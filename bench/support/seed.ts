// Reference data the scenarios share, created through the API as an administrator would: one state, its
// agencies (one focal point each), a national coordinator, and the plans.
import { ADMIN, ApiClient } from './stack';

export const STATE = 'KG';
export const LEAD_AGENCIES = ['KG-SCS', 'KG-BS', 'KG-MOJ', 'KG-FIRE'];
export const COORDINATOR_AGENCY = 'KG-MOE';
const PASSWORD = 'bench-password-1540-ok';

export interface Seeded {
  admin: ApiClient;
  coordinator: ApiClient;
  /** a logged-in focal point per lead agency */
  focal: Record<string, ApiClient>;
}

export async function seed(apiUrl: string, plans: string[]): Promise<Seeded> {
  const admin = await ApiClient.login(apiUrl, ADMIN.email, ADMIN.password);
  await admin.request(
    'POST',
    '/states',
    { code: STATE, name: 'Kyrgyzstan', timeZone: 'Asia/Bishkek', holidayCalendar: 'KG' },
    [201, 409],
  );
  for (const code of [COORDINATOR_AGENCY, ...LEAD_AGENCIES]) {
    await admin.request('POST', '/agencies', { code, name: `Agency ${code}`, stateCode: STATE }, [201, 409]);
  }
  const person = async (email: string, agencyCode: string, role: string) => {
    await admin.request(
      'POST',
      '/people',
      { email, name: email.split('@')[0], agencyCode, role, language: 'en', password: PASSWORD },
      [201, 409],
    );
    return ApiClient.login(apiUrl, email, PASSWORD);
  };
  const coordinator = await person(
    'coordinator@bench.napflow.example.org',
    COORDINATOR_AGENCY,
    'coordinator',
  );
  const focal: Record<string, ApiClient> = {};
  for (const a of LEAD_AGENCIES)
    focal[a] = await person(`fp-${a.toLowerCase()}@bench.napflow.example.org`, a, 'focal_point');
  for (const code of plans) {
    await admin.request(
      'POST',
      '/plans',
      { code, title: `Benchmark plan ${code}`, stateCode: STATE, adoptedOn: '2013-03-22' },
      [201, 409],
    );
  }
  return { admin, coordinator, focal };
}
