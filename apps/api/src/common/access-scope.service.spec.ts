import type { PlansRepository } from '@app/persistence';
import { AccessScopeService } from './access-scope.service';
import type { Principal } from './principal';

const principal = (role: Principal['role'], agencyCode: string, stateCode: string | null): Principal => ({
  personId: `${role}-${agencyCode}`,
  name: role,
  email: `${role}@x.example.org`,
  role,
  agencyCode,
  stateCode,
  timeZone: stateCode === null ? null : 'Asia/Bishkek',
  language: 'en',
  channel: 'api',
  tokenId: 't',
});

function setup() {
  const sharedPlanCodesFor = jest.fn((_who: { agencyCode: string | null; stateCode: string | null }) =>
    Promise.resolve(['KG-NAP-2013']),
  );
  return {
    scopes: new AccessScopeService({ sharedPlanCodesFor } as unknown as PlansRepository),
    sharedPlanCodesFor,
  };
}

describe(AccessScopeService.name, () => {
  describe('of', () => {
    it('reads the shared plans once per principal', async () => {
      const { scopes, sharedPlanCodesFor } = setup();
      const p = principal('observer', 'OSCE-CPC', null);
      const expected = {
        role: 'observer',
        stateCode: null,
        agencyCode: 'OSCE-CPC',
        sharedPlanCodes: ['KG-NAP-2013'],
      };
      await expect(scopes.of(p)).resolves.toEqual(expected);
      await expect(scopes.of(p)).resolves.toEqual(expected);
      expect(sharedPlanCodesFor).toHaveBeenCalledTimes(1);
      expect(sharedPlanCodesFor).toHaveBeenCalledWith({ agencyCode: 'OSCE-CPC', stateCode: null });
      // another request, another principal object: read again
      await scopes.of(principal('observer', 'OSCE-CPC', null));
      expect(sharedPlanCodesFor).toHaveBeenCalledTimes(2);
    });

    it('gives administrators everything without a query', async () => {
      const { scopes, sharedPlanCodesFor } = setup();
      await expect(scopes.of(principal('admin', 'KG-MOE', 'KG'))).resolves.toEqual({
        role: 'admin',
        stateCode: null,
        agencyCode: null,
        sharedPlanCodes: [],
      });
      expect(sharedPlanCodesFor).not.toHaveBeenCalled();
    });
  });

  describe('remember', () => {
    it('answers with the shared plans read at authentication, for that principal only', async () => {
      const { scopes, sharedPlanCodesFor } = setup();
      const p = principal('focal_point', 'KG-SCS', 'KG');
      scopes.remember(p, ['TJ-PLAN']);
      await expect(scopes.of(p)).resolves.toEqual({
        role: 'focal_point',
        stateCode: 'KG',
        agencyCode: 'KG-SCS',
        sharedPlanCodes: ['TJ-PLAN'],
      });
      expect(sharedPlanCodesFor).not.toHaveBeenCalled();
      await expect(scopes.of(principal('focal_point', 'KG-SCS', 'KG'))).resolves.toMatchObject({
        sharedPlanCodes: ['KG-NAP-2013'],
      });
    });

    it('keeps an administrator’s scope unlimited whatever it is given', async () => {
      const { scopes } = setup();
      const admin = principal('admin', 'KG-MOE', 'KG');
      scopes.remember(admin, ['TJ-PLAN']);
      await expect(scopes.of(admin)).resolves.toEqual({
        role: 'admin',
        stateCode: null,
        agencyCode: null,
        sharedPlanCodes: [],
      });
    });
  });
});
