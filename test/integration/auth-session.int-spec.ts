// The statement every authenticated request runs (TokensRepository.resolveSession) and the inbox's deputy lookup:
// the same refusals as the token lookup plus the person lookup they replaced, and the same shared plans as
// PlansRepository.sharedPlanCodesFor.
import { type DataSource } from 'typeorm';
import {
  connectDataSource,
  hashToken,
  PeopleRepository,
  PlansRepository,
  runMigrations,
  TokensRepository,
} from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { seedReference } from '@app/persistence/testing/fixtures';

const HOUR = 3_600_000;

describe(TokensRepository.name, () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let tokens: TokensRepository;
  let people: PeopleRepository;
  let plans: PlansRepository;

  const person = (
    email: string,
    agencyCode: string,
    role: 'admin' | 'coordinator' | 'focal_point' | 'observer',
  ) => people.create({ email, name: email, language: 'en', agencyCode, role, passwordHash: null });

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    // three: a test holds a transaction open while a second statement waits for it and a third watches
    ds = await connectDataSource(db.url, { poolSize: 3 });
    await seedReference(ds);
    tokens = new TokensRepository(ds);
    people = new PeopleRepository(ds);
    plans = new PlansRepository(ds);
    await plans.share('TJ-PLAN', { agencyCode: 'OSCE-CPC' });
    await plans.share('KG-NAP-2013', { agencyCode: 'OSCE-CPC' });
    await plans.share('TJ-PLAN', { stateCode: 'KG' });
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  describe('resolveSession', () => {
    it('returns the person and the plans shared with their agency or state, as sharedPlanCodesFor does', async () => {
      // with the time zone of the person's state (none for an international organisation)
      const cases: [Awaited<ReturnType<typeof person>>, string[], string | null][] = [
        [await person('focal@kg.example.org', 'KG-SCS', 'focal_point'), ['TJ-PLAN'], 'Asia/Bishkek'],
        [await person('observer@osce.example.org', 'OSCE-CPC', 'observer'), ['KG-NAP-2013', 'TJ-PLAN'], null],
        [await person('nobody@unoda.example.org', 'UNODA', 'observer'), [], null],
      ];
      for (const [p, shared, stateTimeZone] of cases) {
        const { token } = await tokens.issue(p.id, HOUR);
        await expect(
          plans.sharedPlanCodesFor({ agencyCode: p.agencyCode, stateCode: p.stateCode }),
        ).resolves.toEqual(shared);
        await expect(tokens.resolveSession(hashToken(token))).resolves.toEqual({
          person: await people.findById(p.id),
          sharedPlanCodes: shared,
          stateTimeZone,
        });
      }
    });

    it('reads no shared plans for an administrator (their scope is everything)', async () => {
      const admin = await person('admin@kg.example.org', 'KG-MOE', 'admin');
      const { token } = await tokens.issue(admin.id, HOUR);
      await expect(tokens.resolveSession(hashToken(token))).resolves.toEqual({
        person: expect.objectContaining({ id: admin.id, role: 'admin' }),
        sharedPlanCodes: [],
        stateTimeZone: 'Asia/Bishkek',
      });
    });

    it('refuses an unknown, expired or revoked token and the token of a deactivated person', async () => {
      const p = await person('refused@kg.example.org', 'KG-MOJ', 'focal_point');
      await expect(tokens.resolveSession(hashToken('no-such-token'))).resolves.toBeNull();

      const now = new Date();
      const expiring = await tokens.issue(p.id, HOUR, now);
      await expect(tokens.resolveSession(hashToken(expiring.token), now)).resolves.not.toBeNull();
      await expect(
        tokens.resolveSession(hashToken(expiring.token), new Date(now.getTime() + HOUR)),
      ).resolves.toBeNull();

      const revoked = await tokens.issue(p.id, HOUR);
      await tokens.revoke(revoked.token);
      await expect(tokens.resolveSession(hashToken(revoked.token))).resolves.toBeNull();

      const live = await tokens.issue(p.id, HOUR);
      await expect(tokens.resolveSession(hashToken(live.token))).resolves.not.toBeNull();
      await people.update(p.id, { active: false });
      await expect(tokens.resolveSession(hashToken(live.token))).resolves.toBeNull();
    });
  });

  describe('issueIfPasswordUnchanged', () => {
    it('issues a token only while the checked password is still the person’s and the account active', async () => {
      const p = await person('race@kg.example.org', 'KG-MOJ', 'focal_point');
      await people.update(p.id, { passwordHash: 'hash-checked' });
      const ok = await tokens.issueIfPasswordUnchanged(p.id, 'hash-checked', HOUR);
      expect(ok).not.toBeNull();
      await expect(tokens.resolveSession(hashToken(ok!.token))).resolves.not.toBeNull();
      // an administrator set a new password while the old one was being checked: no session
      await people.update(p.id, { passwordHash: 'hash-new' });
      await expect(tokens.issueIfPasswordUnchanged(p.id, 'hash-checked', HOUR)).resolves.toBeNull();
      await people.update(p.id, { active: false });
      await expect(tokens.issueIfPasswordUnchanged(p.id, 'hash-new', HOUR)).resolves.toBeNull();
      const [{ n }] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM access_tokens WHERE person_id = $1`,
        [p.id],
      );
      expect(n).toBe(1);
    });

    it('waits for a password change in progress, then issues nothing: the check reads the row locked, not stale', async () => {
      const p = await person('race-locked@kg.example.org', 'KG-MOJ', 'focal_point');
      await people.update(p.id, { passwordHash: 'hash-checked' });
      // an administrator's change of the password, not yet committed, while the old one is being checked
      const change = ds.createQueryRunner();
      await change.connect();
      await change.startTransaction();
      let issuing: Promise<unknown> | undefined;
      try {
        await change.query(`UPDATE people SET password_hash = 'hash-new' WHERE id = $1`, [p.id]);
        issuing = tokens.issueIfPasswordUnchanged(p.id, 'hash-checked', HOUR);
        // the login's statement waits for the change's row lock (read unlocked, it would see the old hash and issue)
        const waiting = async () =>
          (
            await ds.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO access_tokens%'`,
            )
          )[0].n;
        const deadline = Date.now() + 10_000;
        while ((await waiting()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(await waiting()).toBe(1);
        await change.commitTransaction();
      } finally {
        if (change.isTransactionActive) await change.rollbackTransaction();
        await change.release();
      }
      await expect(issuing).resolves.toBeNull();
      const [{ n }] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM access_tokens WHERE person_id = $1`,
        [p.id],
      );
      expect(n).toBe(0);
    });
  });
});

describe(PeopleRepository.name, () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let people: PeopleRepository;

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 2 });
    await seedReference(ds);
    people = new PeopleRepository(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  describe('agenciesDeputisedBy', () => {
    it('names the agencies of the colleagues of the state who are away that day with the caller as deputy', async () => {
      const make = (email: string, agencyCode: string) =>
        people.create({
          email,
          name: email,
          language: 'en',
          agencyCode,
          role: 'focal_point',
          passwordHash: null,
        });
      const deputy = await make('deputy@kg.example.org', 'KG-MOE');
      const away = await make('away@kg.example.org', 'KG-MOJ');
      const openEnded = await make('open@kg.example.org', 'KG-BS');
      const notYet = await make('later@kg.example.org', 'KG-SCS');
      const foreign = await make('away@tj.example.org', 'TJ-CS');
      const otherDeputy = await make('other@kg.example.org', 'KG-SCS');
      await people.update(away.id, { deputyId: deputy.id, awayFrom: '2026-03-01', awayUntil: '2026-03-10' });
      await people.update(openEnded.id, { deputyId: deputy.id, awayFrom: '2026-03-10', awayUntil: null });
      await people.update(notYet.id, {
        deputyId: deputy.id,
        awayFrom: '2026-03-11',
        awayUntil: '2026-03-20',
      });
      await people.update(foreign.id, {
        deputyId: deputy.id,
        awayFrom: '2026-03-01',
        awayUntil: '2026-03-31',
      });
      await people.update(otherDeputy.id, {
        deputyId: away.id,
        awayFrom: '2026-03-01',
        awayUntil: '2026-03-31',
      });

      await expect(people.agenciesDeputisedBy(deputy.id, 'KG', '2026-03-10')).resolves.toEqual([
        'KG-BS',
        'KG-MOJ',
      ]);
      await expect(people.agenciesDeputisedBy(deputy.id, 'KG', '2026-03-11')).resolves.toEqual([
        'KG-BS',
        'KG-SCS',
      ]);
      await expect(people.agenciesDeputisedBy(deputy.id, 'KG', '2026-02-28')).resolves.toEqual([]);
      await expect(people.agenciesDeputisedBy(deputy.id, 'TJ', '2026-03-10')).resolves.toEqual(['TJ-CS']);
      // a deactivated colleague's agency is not the deputy's to act for (acting checks the same)
      await people.update(openEnded.id, { active: false });
      await expect(people.agenciesDeputisedBy(deputy.id, 'KG', '2026-03-11')).resolves.toEqual(['KG-SCS']);
    });
  });
});
