// The dashboard queries after the DashboardIndexes migration (issue #7): the case list's total, the inbox and the plan
// overview answer exactly what the SQL they replaced answered, over a read model with every status, scope, assignee
// mix and due date the queries distinguish. The replaced SQL is kept as the oracle: here, verbatim, for the list and
// the inbox; in test/support/reference-overview.ts for the overview.
import { type DataSource } from 'typeorm';
import {
  ADMIN_SCOPE,
  type AccessScope,
  type CaseFilters,
  CasesRepository,
  connectDataSource,
  PlansRepository,
  ReadModelRepository,
  revertMigrations,
  runMigrations,
  StepsRepository,
} from '@app/persistence';
import { scopeCondition } from '@app/persistence/access-scope';
import { likePattern, SqlParams } from '@app/persistence/sql-params';
import {
  createTemporaryDatabase,
  migrationsFrom,
  type TemporaryDatabase,
} from '@app/persistence/testing/temporary-database';
import { caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';
import { referenceBreakdowns } from '../support/reference-overview';

const NOW = new Date('2026-03-10T06:00:00Z');

const SCOPES: Record<string, AccessScope> = {
  admin: ADMIN_SCOPE,
  'KG coordinator': { role: 'coordinator', stateCode: 'KG', agencyCode: 'KG-MOE', sharedPlanCodes: [] },
  'KG focal point, TJ plan shared': {
    role: 'focal_point',
    stateCode: 'KG',
    agencyCode: 'KG-MOJ',
    sharedPlanCodes: ['TJ-PLAN'],
  },
  'TJ focal point': { role: 'focal_point', stateCode: 'TJ', agencyCode: 'TJ-CS', sharedPlanCodes: [] },
  observer: { role: 'observer', stateCode: null, agencyCode: 'OSCE-CPC', sharedPlanCodes: ['KG-NAP-2013'] },
  'observer, nothing shared': {
    role: 'observer',
    stateCode: null,
    agencyCode: 'UNODA',
    sharedPlanCodes: [],
  },
};

/** 900 cases over three plans of two states, 0 to 3 steps each, every combination the queries tell apart. */
async function seedReadModel(ds: DataSource): Promise<void> {
  await new PlansRepository(ds).insertIfMissing({
    code: 'KG-EXTRA',
    stateCode: 'KG',
    title: 'Second KG plan',
    adoptedOn: null,
  });
  await ds.query(`
    INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies,
                       area_paragraph, area_weapon, status, due_on, due_at, time_zone, progress, definition_key, seq)
    SELECT gen_random_uuid(), p.plan, p.state, 'measure', 'M-' || i, 'case:' || p.plan || ':M-' || i, 'Measure ' || i,
           (ARRAY['KG-MOE', 'KG-MOJ', 'KG-SCS', 'KG-BS', 'TJ-MFA', 'TJ-CS'])[1 + i % 6],
           (ARRAY['{}', '{KG-SCS}', '{KG-MOJ,TJ-CS}', '{KG-MOE}', '{}'])[1 + i % 5]::text[],
           (ARRAY[NULL, 'OP1', 'OP2', 'OP3(d)'])[1 + i % 4], (ARRAY[NULL, 'nuclear', 'chemical', 'biological', 'all'])[1 + i % 5],
           (ARRAY['active', 'active', 'active', 'active', 'completed', 'rejected', 'withdrawn'])[1 + i % 7],
           d.due_on, (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Bishkek', 'Asia/Bishkek', (i % 101) / 100.0, 'measure', 1
      FROM generate_series(1, 900) AS i
     CROSS JOIN LATERAL (SELECT CASE i % 3 WHEN 0 THEN 'KG-NAP-2013' WHEN 1 THEN 'TJ-PLAN' ELSE 'KG-EXTRA' END AS plan) AS pp
     CROSS JOIN LATERAL (SELECT pp.plan, CASE WHEN pp.plan = 'TJ-PLAN' THEN 'TJ' ELSE 'KG' END AS state) AS p
     CROSS JOIN LATERAL (SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE DATE '2026-01-01' + (i * 7) % 200 END AS due_on) AS d`);
  await ds.query(`
    INSERT INTO case_steps (case_id, key, title, kind, status, assignees, due_on, due_at, occurrence, position, actions)
    SELECT c.id, 'step-' || k, 'Step ' || k, 'task',
           (ARRAY['active', 'active', 'done', 'pending', 'active'])[1 + (n + k) % 5],
           (ARRAY['{KG-SCS}', '{KG-MOJ,TJ-CS}', '{coordinator}', '{KG-MOE,coordinator}', '{TJ-CS}', '{KG-BS,KG-SCS}',
                  '{}'])[1 + (n * 3 + k) % 7]::text[],
           d.due_on, (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Bishkek', 1, k,
           (ARRAY['[]', '[{"action": "approve"}]', '[{"action": "comment"}, {"action": "request_changes"}]',
                  '[{"action": "reject"}]', '[{"action": "escalated"}, {"action": "approve"}]',
                  '[{"action": "escalated"}]'])[1 + (n + 2 * k) % 6]::jsonb
      FROM (SELECT id, substr(code, 3)::int AS n FROM cases WHERE code LIKE 'M-%') AS c
     CROSS JOIN LATERAL generate_series(1, c.n % 4) AS k
     CROSS JOIN LATERAL (SELECT CASE WHEN (c.n + k) % 9 = 0 THEN NULL
                                     ELSE DATE '2026-02-20' + (c.n * 7 + k * 13) % 60 END AS due_on) AS d`);
  await ds.query(`ANALYZE cases; ANALYZE case_steps`);
}

/**
 * The case list's SQL before the migration DashboardIndexes: the agency filter as one OR, counted in one pass; overdue
 * computed from the steps instead of read from cases.overdue_at.
 */
async function referenceList(
  ds: DataSource,
  filters: CaseFilters,
  scope: AccessScope,
  limit: number,
  offset: number,
): Promise<{ codes: string[]; total: number }> {
  const sql = new SqlParams();
  const nowP = sql.add(NOW);
  const where = [scopeCondition(scope, sql, 'c.plan_code', 'c.state_code')];
  if (filters.planCode) where.push(`c.plan_code = ${sql.add(filters.planCode)}`);
  if (filters.agency) {
    const a = sql.add(filters.agency);
    where.push(`(c.lead_agency = ${a} OR c.supporting_agencies @> ARRAY[${a}]::text[])`);
  }
  if (filters.status !== undefined) {
    const statuses = Array.isArray(filters.status) ? filters.status : [filters.status];
    where.push(`c.status = ANY(${sql.add(statuses)}::text[])`);
  }
  // Overdue from the tables (migration CaseOverdueAt): the case's own due instant or an open step's has passed.
  const overdue = `(c.status = 'active' AND (c.due_at < ${nowP} OR EXISTS (
    SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.status = 'active' AND s.due_at < ${nowP})))`;
  if (filters.overdue === true) where.push(overdue);
  if (filters.overdue === false) where.push(`NOT coalesce(${overdue}, false)`);
  if (filters.text) {
    const t = sql.add(likePattern(filters.text));
    where.push(`(c.title ILIKE ${t} OR c.code ILIKE ${t})`);
  }
  const whereSql = `${where.join(' AND ')} AND ${nowP}::timestamptz IS NOT NULL`;
  const rows = await ds.query<{ code: string }[]>(
    `SELECT c.code FROM cases c WHERE ${whereSql}
     ORDER BY c.due_on ASC NULLS LAST, c.id ASC LIMIT ${sql.add(limit)} OFFSET ${sql.add(offset)}`,
    sql.values,
  );
  const [{ n }] = await ds.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM cases c WHERE ${whereSql}`,
    sql.values.slice(0, -2),
  );
  return { codes: rows.map((r) => r.code), total: n };
}

/**
 * The inbox's SQL before the migration: scope on the joined case, total by a window count. One condition added with
 * InboxCounts: only steps of active cases (closing a case withdraws its steps; this fixture has open steps in closed
 * cases, which an inbox no longer lists).
 */
async function referenceInbox(
  ds: DataSource,
  agencies: string[],
  scope: AccessScope,
  limit: number,
  offset: number,
): Promise<{ items: string[]; total: number }> {
  const sql = new SqlParams();
  const nowP = sql.add(NOW);
  const rows = await ds.query<{ code: string; key: string; overdue: boolean; total: number }[]>(
    `SELECT c.code, s.key, (s.due_at < ${nowP}) AS overdue, count(*) OVER ()::int AS total
       FROM case_steps s JOIN cases c ON c.id = s.case_id
      WHERE s.status = 'active' AND s.assignees && ${sql.add(agencies)}::text[] AND c.status = 'active'
        AND ${scopeCondition(scope, sql, 'c.plan_code', 'c.state_code')}
      ORDER BY s.due_at ASC NULLS LAST, c.id, s.key
      LIMIT ${sql.add(limit)} OFFSET ${sql.add(offset)}`,
    sql.values,
  );
  return {
    items: rows.map((r) => `${r.code}/${r.key}/${r.overdue === true}`),
    total: rows[0]?.total ?? 0,
  };
}

describe('dashboard queries', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let cases: CasesRepository;
  let steps: StepsRepository;
  let plans: PlansRepository;

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 4 });
    await seedReference(ds);
    await seedReadModel(ds);
    cases = new CasesRepository(ds);
    steps = new StepsRepository(ds);
    plans = new PlansRepository(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  describe('case_steps copy of the case keys', () => {
    it('holds every step’s plan and state, also for steps a workflow projects', async () => {
      await new ReadModelRepository(ds).recordTransition(
        caseSnapshot({
          planCode: 'TJ-PLAN',
          caseCode: 'P-1',
          steps: [stepSnapshot('review', { status: 'active', assignees: ['KG-MOJ'] })],
        }),
        [],
      );
      const wrong = await ds.query(
        `SELECT s.case_id, s.key FROM case_steps s JOIN cases c ON c.id = s.case_id
          WHERE s.plan_code IS DISTINCT FROM c.plan_code OR s.state_code IS DISTINCT FROM c.state_code`,
      );
      expect(wrong).toEqual([]);
      const [projected] = await ds.query<{ plan_code: string; state_code: string }[]>(
        `SELECT s.plan_code, s.state_code FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.code = 'P-1'`,
      );
      expect(projected).toEqual({ plan_code: 'TJ-PLAN', state_code: 'TJ' });
    });

    it('follows a case moved by hand and cannot be set apart from it', async () => {
      const runner = ds.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query(`UPDATE cases SET plan_code = 'KG-EXTRA', state_code = 'KG' WHERE code = 'P-1'`);
        await runner.query(`UPDATE case_steps SET plan_code = 'nonsense' WHERE key = 'review'`);
        const rows: unknown = await runner.query(
          `SELECT s.plan_code, s.state_code FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.code = 'P-1'`,
        );
        expect(rows).toEqual([{ plan_code: 'KG-EXTRA', state_code: 'KG' }]);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });

    it('is filled in for the steps that existed before the migration', async () => {
      const scratch = await createTemporaryDatabase();
      const check = await connectDataSource(scratch.url, { poolSize: 1 });
      try {
        await runMigrations(scratch.url);
        // back to before DashboardIndexes (and the migrations after it)
        const fromDashboardIndexes = migrationsFrom('DashboardIndexes1764460800000');
        await revertMigrations(scratch.url, fromDashboardIndexes.length);
        await seedReference(check);
        await check.query(`
          INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, definition_key)
          VALUES ('00000000-0000-4000-8000-000000000001', 'TJ-PLAN', 'TJ', 'measure', 'OLD', 'case:old', 'Old', 'TJ-CS',
                  'measure')`);
        await check.query(`
          INSERT INTO case_steps (case_id, key, title, kind, status)
          VALUES ('00000000-0000-4000-8000-000000000001', 'execute', 'Execute', 'task', 'active')`);
        expect(await runMigrations(scratch.url)).toEqual(fromDashboardIndexes);
        expect(await check.query(`SELECT plan_code, state_code FROM case_steps`)).toEqual([
          { plan_code: 'TJ-PLAN', state_code: 'TJ' },
        ]);
      } finally {
        await check.destroy();
        await scratch.drop();
      }
    });
  });

  describe('case list', () => {
    const filters: CaseFilters[] = [
      {},
      { planCode: 'KG-NAP-2013' },
      { agency: 'KG-SCS' },
      { agency: 'KG-MOJ', status: 'active', overdue: true },
      { agency: 'TJ-CS', planCode: 'TJ-PLAN', status: 'active' },
      { agency: 'KG-MOE', planCode: 'KG-EXTRA', overdue: false },
      { agency: 'KG-SCS', status: ['active', 'rejected'], text: 'Measure 1' },
      { planCode: 'KG-EXTRA', status: 'active', overdue: true },
      { agency: 'NOBODY' },
    ];
    it('marks a case overdue by its own due instant or an open step’s, as the list’s filter does', async () => {
      // the fixture has both kinds: active cases late by their own date, and ones only an open step makes late
      const [{ own, step }] = await ds.query<{ own: number; step: number }[]>(
        `SELECT count(*) FILTER (WHERE c.due_at < $1)::int AS own,
                count(*) FILTER (WHERE c.due_at IS NULL OR c.due_at >= $1)::int AS step
           FROM cases c
          WHERE c.status = 'active' AND (c.due_at < $1 OR EXISTS (
                SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.status = 'active' AND s.due_at < $1))`,
        [NOW],
      );
      expect(own).toBeGreaterThan(0);
      expect(step).toBeGreaterThan(0);
      const listed = new Map<string, boolean>();
      for (let offset = 0; ; offset += 200) {
        const page = await cases.list({}, ADMIN_SCOPE, { limit: 200, offset }, NOW);
        for (const c of page.items) listed.set(c.code, c.overdue);
        if (page.items.length < 200) break;
      }
      const late = new Set((await referenceList(ds, { overdue: true }, ADMIN_SCOPE, 5000, 0)).codes);
      expect(late.size).toBe(own + step);
      expect(
        [...listed]
          .filter(([, overdue]) => overdue)
          .map(([code]) => code)
          .sort(),
      ).toEqual([...late].sort());
    });

    it.each(Object.keys(SCOPES))('counts and pages as before, for %s', async (scopeName) => {
      const scope = SCOPES[scopeName];
      for (const f of filters) {
        for (const [limit, offset] of [
          [3, 0],
          [3, 6],
          [200, 0],
          [5, 5000],
        ]) {
          const page = await cases.list(f, scope, { limit, offset }, NOW);
          const expected = await referenceList(ds, f, scope, limit, offset);
          expect({ f, limit, offset, codes: page.items.map((c) => c.code), total: page.total }).toEqual({
            f,
            limit,
            offset,
            ...expected,
          });
        }
      }
    });
  });

  describe('inbox', () => {
    const agencyLists = [
      ['KG-SCS'],
      ['KG-MOJ'],
      ['KG-MOE', 'coordinator'],
      ['TJ-CS'],
      ['KG-BS', 'KG-SCS'],
      ['X'],
    ];
    it.each(Object.keys(SCOPES))('lists and counts as before, for %s', async (scopeName) => {
      const scope = SCOPES[scopeName];
      for (const agencies of agencyLists) {
        for (const [limit, offset] of [
          [4, 0],
          [4, 8],
          [200, 0],
          [10, 5000],
        ]) {
          const page = await steps.inbox(agencies, scope, { limit, offset }, NOW);
          const expected = await referenceInbox(ds, agencies, scope, limit, offset);
          expect({
            agencies,
            limit,
            offset,
            items: page.items.map((i) => `${i.caseCode}/${i.stepKey}/${i.overdue}`),
            total: page.total,
          }).toEqual({ agencies, limit, offset, ...expected });
        }
      }
    });
  });

  describe('plan overview', () => {
    it('has cases in every bucket to compare', async () => {
      const b = await plans.breakdowns('KG-NAP-2013', NOW, 14);
      expect(Object.values(b.byHealth).every((n) => n > 0)).toBe(true);
      expect(b.holdingUp.length).toBeGreaterThan(1);
      const inbox = await steps.inbox(['KG-SCS'], ADMIN_SCOPE, { limit: 4 }, NOW);
      expect(inbox.total).toBeGreaterThan(8);
    });

    it.each(['KG-NAP-2013', 'TJ-PLAN', 'KG-EXTRA', 'NO-SUCH-PLAN'])(
      'buckets the cases of %s as before',
      async (plan) => {
        for (const horizon of [0, 14, 45]) {
          expect(await plans.breakdowns(plan, NOW, horizon)).toEqual(
            await referenceBreakdowns(ds, plan, NOW, horizon),
          );
        }
      },
    );
  });
});
