// Idempotency keys against a real PostgreSQL: a claim left pending by a process that died expires and is taken
// over by the next identical request, exactly once, while fresh and answered claims are kept.
import type { DataSource } from 'typeorm';
import { connectDataSource, IdempotencyRepository, PeopleRepository, runMigrations } from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { seedReference } from '@app/persistence/testing/fixtures';

const T0 = new Date('2026-03-10T06:00:00Z');
const after = (ms: number) => new Date(T0.getTime() + ms);

describe('IdempotencyRepository: pending claims expire', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let idem: IdempotencyRepository;
  let personId: string;

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 12 });
    await seedReference(ds);
    personId = (
      await new PeopleRepository(ds).create({
        email: 'idempotency@example.org',
        name: 'I',
        language: 'en',
        agencyCode: 'KG-MOE',
        role: 'admin',
        passwordHash: null,
      })
    ).id;
    idem = new IdempotencyRepository(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  const request = (key: string) => ({ personId, key, method: 'POST', path: '/plans', requestHash: 'h-1' });

  it('keeps a fresh pending claim, and lets exactly one of concurrent requests take over an expired one', async () => {
    const req = request('crashed-1');
    await expect(idem.claim(req, T0)).resolves.toEqual({ outcome: 'claimed' });
    // the holder never answers (its process died): within the expiry the key stays busy
    await expect(idem.claim(req, after(idem.pendingTtlMs - 1_000))).resolves.toEqual({
      outcome: 'in_progress',
    });
    // past it, one of many concurrent retries takes the key over; the others find it claimed afresh
    const late = after(idem.pendingTtlMs + 1_000);
    const claims = await Promise.all(Array.from({ length: 12 }, () => idem.claim(req, late)));
    expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.outcome === 'in_progress')).toHaveLength(11);
    // the new holder's claim is fresh again: it expires counting from the takeover
    await expect(idem.claim(req, after(idem.pendingTtlMs + 60_000))).resolves.toEqual({
      outcome: 'in_progress',
    });
    // and its answer is what later requests replay
    await idem.complete(personId, req.key, 201, { code: 'KG-NAP' });
    await expect(idem.claim(req, after(10 * idem.pendingTtlMs))).resolves.toEqual({
      outcome: 'replay',
      status: 201,
      response: { code: 'KG-NAP' },
    });
  });

  it('never takes over a claim with another request behind it, nor an answered one', async () => {
    const req = request('crashed-2');
    await expect(idem.claim(req, T0)).resolves.toEqual({ outcome: 'claimed' });
    const late = after(idem.pendingTtlMs + 1_000);
    await expect(idem.claim({ ...req, requestHash: 'h-2' }, late)).resolves.toEqual({ outcome: 'mismatch' });
    await expect(idem.claim({ ...req, path: '/states' }, late)).resolves.toEqual({ outcome: 'mismatch' });

    const answered = request('answered');
    await idem.claim(answered, T0);
    await idem.complete(personId, answered.key, 200, { ok: true });
    await expect(idem.claim(answered, after(idem.pendingTtlMs * 5))).resolves.toMatchObject({
      outcome: 'replay',
      status: 200,
    });
  });

  it('counts what it purges', async () => {
    await idem.claim(request('old'), after(-3_600_000));
    expect(await idem.purgeOlderThan(after(-60_000))).toBe(1);
    const left = await ds.query<{ key: string }[]>(`SELECT key FROM idempotency_keys WHERE key = 'old'`);
    expect(left).toEqual([]);
  });
});
