import type { AppConfig } from '@app/config';
import {
  hashToken,
  type PeopleRepository,
  type PlansRepository,
  type TokenSession,
  type TokensRepository,
} from '@app/persistence';
import { AccessScopeService } from '../common/access-scope.service';
import { DomainErrorCode, DomainException } from '../common/domain.exception';
import { AuthService } from './auth.service';

const FOCAL: TokenSession = {
  person: {
    id: '7f1c8c8e-4d1b-4f3e-9a55-2f6f2b0f0a01',
    email: 'focal@scs.example.org',
    name: 'Focal Point',
    language: 'ru',
    agencyCode: 'KG-SCS',
    stateCode: 'KG',
    role: 'focal_point',
    deputyId: null,
    awayFrom: null,
    awayUntil: null,
    active: true,
  },
  sharedPlanCodes: ['TJ-PLAN'],
  stateTimeZone: 'Asia/Bishkek',
};

function setup(session: TokenSession | null) {
  const resolveSession = jest.fn((_hash: string) => Promise.resolve(session));
  const sharedPlanCodesFor = jest.fn(() => Promise.resolve(['never-read']));
  const scopes = new AccessScopeService({ sharedPlanCodesFor } as unknown as PlansRepository);
  const auth = new AuthService(
    {} as PeopleRepository,
    { resolveSession } as unknown as TokensRepository,
    scopes,
    {} as AppConfig,
  );
  return { auth, scopes, resolveSession, sharedPlanCodesFor };
}

describe(AuthService.name, () => {
  describe('authenticate', () => {
    it('builds the principal and its scope from one session lookup by the token hash', async () => {
      const { auth, scopes, resolveSession, sharedPlanCodesFor } = setup(FOCAL);
      const p = await auth.authenticate('raw-token', 'dashboard');
      expect(resolveSession).toHaveBeenCalledTimes(1);
      expect(resolveSession).toHaveBeenCalledWith(hashToken('raw-token'));
      expect(p).toEqual({
        personId: FOCAL.person.id,
        name: 'Focal Point',
        email: 'focal@scs.example.org',
        role: 'focal_point',
        agencyCode: 'KG-SCS',
        stateCode: 'KG',
        timeZone: 'Asia/Bishkek',
        language: 'ru',
        channel: 'dashboard',
        tokenId: hashToken('raw-token').slice(0, 12),
      });
      await expect(scopes.of(p)).resolves.toEqual({
        role: 'focal_point',
        stateCode: 'KG',
        agencyCode: 'KG-SCS',
        sharedPlanCodes: ['TJ-PLAN'],
      });
      expect(sharedPlanCodesFor).not.toHaveBeenCalled();
    });

    it('refuses a token without a session (unknown, expired, revoked, person deactivated)', async () => {
      const { auth } = setup(null);
      const refused = auth.authenticate('raw-token', 'api');
      await expect(refused).rejects.toBeInstanceOf(DomainException);
      await expect(refused).rejects.toMatchObject({ code: DomainErrorCode.Unauthenticated });
    });

    it('asks again on every request: nothing is kept between two authentications', async () => {
      const { auth, resolveSession } = setup(FOCAL);
      await auth.authenticate('raw-token', 'api');
      resolveSession.mockResolvedValueOnce(null);
      await expect(auth.authenticate('raw-token', 'api')).rejects.toMatchObject({
        code: DomainErrorCode.Unauthenticated,
      });
      expect(resolveSession).toHaveBeenCalledTimes(2);
    });
  });
});
