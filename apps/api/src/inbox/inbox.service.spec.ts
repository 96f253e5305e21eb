import type { AccessScope, PeopleRepository, StepsRepository } from '@app/persistence';
import type { DefinitionsService } from '../admin/definitions.service';
import type { AccessScopeService } from '../common/access-scope.service';
import { type Principal, todayOf } from '../common/principal';
import { DEPUTIES_TTL_MS, InboxService } from './inbox.service';

const FOCAL: Principal = {
  personId: 'p-1',
  name: 'Focal Point',
  email: 'fp@mvd.kg',
  role: 'focal_point',
  agencyCode: 'KG-MVD',
  stateCode: 'KG',
  timeZone: 'Asia/Bishkek',
  language: 'ru',
  channel: 'api',
  tokenId: 'abc',
};
const SCOPE: AccessScope = {
  role: 'focal_point',
  stateCode: 'KG',
  agencyCode: 'KG-MVD',
  sharedPlanCodes: [],
};

function setUp(deputised: () => Promise<string[]>) {
  const agenciesDeputisedBy = jest.fn(deputised);
  const inbox = jest.fn(
    (
      _agencies: string[],
      _scope?: unknown,
      _page?: unknown,
      _now?: unknown,
      _coordinatorOf?: { stateCode: string | null },
    ) => Promise.resolve({ items: [], total: 0 }),
  );
  const service = new InboxService(
    { inbox } as unknown as StepsRepository,
    { agenciesDeputisedBy } as unknown as PeopleRepository,
    { of: () => Promise.resolve(SCOPE) } as unknown as AccessScopeService,
    { namedBy: () => Promise.resolve(new Map()) } as unknown as DefinitionsService,
  );
  return { service, agenciesDeputisedBy, inbox };
}

describe(InboxService.name, () => {
  afterEach(() => jest.useRealTimers());

  it('adds the agencies of the colleagues the caller stands in for today', async () => {
    const { service, inbox, agenciesDeputisedBy } = setUp(() => Promise.resolve(['KG-GKNB']));
    await service.inbox(FOCAL, 1, 50);
    expect(agenciesDeputisedBy).toHaveBeenCalledWith('p-1', 'KG', todayOf(FOCAL));
    expect(inbox.mock.calls[0][0]).toEqual(['KG-MVD', 'KG-GKNB']);
  });

  it("takes today in the caller's state: 02:30 in Bishkek is still the day before in UTC", async () => {
    jest.useFakeTimers({ now: new Date('2026-07-01T20:30:00Z') });
    const { service, agenciesDeputisedBy } = setUp(() => Promise.resolve([]));
    await service.inbox(FOCAL, 1, 50);
    expect(agenciesDeputisedBy).toHaveBeenCalledWith('p-1', 'KG', '2026-07-02');
  });

  it('reads who stands in for whom once per caller for DEPUTIES_TTL_MS, then again', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const { service, agenciesDeputisedBy } = setUp(() => Promise.resolve([]));
    await Promise.all([service.inbox(FOCAL, 1, 50), service.inbox(FOCAL, 2, 50)]);
    expect(agenciesDeputisedBy).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(DEPUTIES_TTL_MS - 10);
    await service.inbox(FOCAL, 1, 50);
    expect(agenciesDeputisedBy).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(20);
    await service.inbox(FOCAL, 1, 50);
    expect(agenciesDeputisedBy).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed lookup', async () => {
    let fail = true;
    const { service, agenciesDeputisedBy } = setUp(() =>
      fail ? Promise.reject(new Error('database away')) : Promise.resolve(['KG-GKNB']),
    );
    await expect(service.inbox(FOCAL, 1, 50)).rejects.toThrow('database away');
    fail = false;
    await service.inbox(FOCAL, 1, 50);
    expect(agenciesDeputisedBy).toHaveBeenCalledTimes(2);
  });

  it("adds the national coordinator's steps: a coordinator's of their state, an administrator's of every state", async () => {
    const { service, inbox } = setUp(() => Promise.resolve([]));
    const coordinator: Principal = { ...FOCAL, role: 'coordinator', agencyCode: 'KG-MOE' };
    await service.inbox(FOCAL, 1, 50);
    await service.inbox(coordinator, 1, 50);
    await service.inbox({ ...FOCAL, role: 'admin', agencyCode: 'KG-MOE' }, 1, 50);
    // a coordinator of an international organisation has no state: no coordinator steps (not every state's)
    await service.inbox({ ...coordinator, agencyCode: 'OSCE-CPC', stateCode: null, timeZone: null }, 1, 50);
    expect(inbox.mock.calls.map((c) => [c[0], c[4]])).toEqual([
      [['KG-MVD'], undefined],
      [['KG-MOE'], { stateCode: 'KG' }],
      [['KG-MOE'], { stateCode: null }],
      [['OSCE-CPC'], undefined],
    ]);
  });

  it('gives observers an empty inbox without a query', async () => {
    const { service, inbox, agenciesDeputisedBy } = setUp(() => Promise.resolve([]));
    const result = await service.inbox({ ...FOCAL, role: 'observer' }, 1, 50);
    expect(result).toEqual({ items: [], total: 0, page: 1, pageSize: 50 });
    expect(inbox).not.toHaveBeenCalled();
    expect(agenciesDeputisedBy).not.toHaveBeenCalled();
  });
});
