// The plan counters (migration PlanCounters) against real PostgreSQL: after every kind of write to cases and
// case_steps (bulk SQL, projected transitions, hand-written updates, deletes, concurrent writers) they equal a fresh
// aggregate of the tables, and the plan overview read from them answers exactly what the SQL it replaced answered.
// The replaced SQL is kept as the oracle (the breakdowns' in test/support/reference-overview.ts). The inbox's total,
// read from the same counters (migration InboxCounts), is checked after every one of those writes against a count of
// the steps its list shows.
import type { StepAction } from '@app/domain/case/case.types';
import { type DataSource } from 'typeorm';
import {
  type AccessScope,
  ADMIN_SCOPE,
  connectDataSource,
  PlansRepository,
  ReadModelRepository,
  returnedRows,
  revertMigrations,
  runMigrations,
  StepsRepository,
} from '@app/persistence';
import {
  createTemporaryDatabase,
  migrationsFrom,
  type TemporaryDatabase,
} from '@app/persistence/testing/temporary-database';
import { caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';
import { referenceBreakdowns } from '../support/reference-overview';

const PLANS = ['KG-NAP-2013', 'TJ-PLAN', 'KG-EXTRA'];
// Between due instants, exactly on one (18:00 UTC is midnight in Bishkek), before and after every due date.
const NOWS = [
  new Date('2026-03-10T06:00:00Z'),
  new Date('2026-03-09T18:00:00Z'),
  new Date('2025-06-01T00:00:00Z'),
  new Date('2027-01-01T00:00:00Z'),
];
const HORIZONS = [0, 7, 14, 45];

/** `n` cases from `from` on over the three plans, 0 to 3 steps each, every combination the overview tells apart. */
async function insertCases(ds: DataSource, from: number, n: number): Promise<void> {
  await ds.query(
    `
    INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies,
                       area_paragraph, area_weapon, status, due_on, due_at, time_zone, progress, definition_key, seq)
    SELECT gen_random_uuid(), p.plan, p.state, 'measure', 'M-' || i, 'case:' || p.plan || ':M-' || i, 'Measure ' || i,
           (ARRAY['KG-MOE', 'KG-MOJ', 'KG-SCS', 'KG-BS', 'TJ-MFA', 'TJ-CS'])[1 + i % 6], '{}',
           (ARRAY[NULL, 'OP1', 'OP2', 'OP3(d)'])[1 + i % 4], (ARRAY[NULL, 'nuclear', 'chemical', 'biological', 'all'])[1 + i % 5],
           (ARRAY['active', 'active', 'active', 'active', 'completed', 'rejected', 'withdrawn'])[1 + i % 7],
           d.due_on, (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Bishkek', 'Asia/Bishkek', (i % 101) / 100.0, 'measure', 1
      FROM generate_series($1::int, $1::int + $2::int - 1) AS i
     CROSS JOIN LATERAL (SELECT CASE i % 3 WHEN 0 THEN 'KG-NAP-2013' WHEN 1 THEN 'TJ-PLAN' ELSE 'KG-EXTRA' END AS plan) AS pp
     CROSS JOIN LATERAL (SELECT pp.plan, CASE WHEN pp.plan = 'TJ-PLAN' THEN 'TJ' ELSE 'KG' END AS state) AS p
     CROSS JOIN LATERAL (SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE DATE '2026-01-01' + (i * 7) % 200 END AS due_on) AS d`,
    [from, n],
  );
  await ds.query(
    `
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
                                     ELSE DATE '2026-02-20' + (c.n * 7 + k * 13) % 60 END AS due_on) AS d
     WHERE c.n BETWEEN $1::int AND $1::int + $2::int - 1`,
    [from, n],
  );
}

async function seedPlans(ds: DataSource): Promise<void> {
  await seedReference(ds);
  await new PlansRepository(ds).insertIfMissing({
    code: 'KG-EXTRA',
    stateCode: 'KG',
    title: 'Second KG plan',
    adoptedOn: null,
  });
}

const COUNTED = `plan_code, status, lead_agency, area_paragraph, area_weapon, blocked, due_at, health_due_at`;

/** The counters as stored, and as a fresh aggregate of cases and case_steps computes them. */
async function counters(ds: DataSource): Promise<{ stored: unknown; fresh: unknown }> {
  const storedCases = await ds.query(
    `SELECT ${COUNTED}, cases, progress_sum::numeric(12, 4)::text AS progress_sum
       FROM plan_case_counts ORDER BY ${COUNTED}`,
  );
  const freshCases = await ds.query(`
    SELECT ${COUNTED}, count(*)::int AS cases, sum(progress)::numeric(12, 4)::text AS progress_sum
      FROM (SELECT c.plan_code, c.status, c.lead_agency, c.area_paragraph, c.area_weapon, c.progress,
                   c.status = 'active' AND EXISTS (
                     SELECT 1 FROM case_steps s
                      WHERE s.case_id = c.id AND s.status = 'active'
                        AND (s.actions -> -1) ->> 'action' IN ('request_changes', 'reject', 'escalated')) AS blocked,
                   CASE WHEN c.status = 'active' THEN c.due_at END AS due_at,
                   CASE WHEN c.status = 'active' THEN least(c.due_at, (
                     SELECT min(s.due_at) FROM case_steps s WHERE s.case_id = c.id AND s.status = 'active')) END
                     AS health_due_at
              FROM cases c) x
     GROUP BY ${COUNTED}
     ORDER BY ${COUNTED}`);
  const storedHolding = await ds.query(
    `SELECT plan_code, agency, due_at, steps FROM plan_holding_counts ORDER BY plan_code, agency, due_at`,
  );
  const freshHolding = await ds.query(`
    SELECT c.plan_code, a.agency, s.due_at, count(*)::int AS steps
      FROM cases c
      JOIN case_steps s ON s.case_id = c.id AND s.status = 'active' AND s.due_at IS NOT NULL
     CROSS JOIN LATERAL unnest(s.assignees) AS a(agency)
     WHERE c.status = 'active'
     GROUP BY c.plan_code, a.agency, s.due_at
     ORDER BY c.plan_code, a.agency, s.due_at`);
  const stored = { cases: storedCases, holding: storedHolding };
  return { stored, fresh: { cases: freshCases, holding: freshHolding } };
}

const SCOPES: AccessScope[] = [
  ADMIN_SCOPE,
  { role: 'coordinator', stateCode: 'KG', agencyCode: 'KG-MOE', sharedPlanCodes: [] },
  { role: 'focal_point', stateCode: 'TJ', agencyCode: 'TJ-CS', sharedPlanCodes: ['KG-EXTRA'] },
  { role: 'observer', stateCode: null, agencyCode: 'OSCE', sharedPlanCodes: ['TJ-PLAN', 'KG-NAP-2013'] },
];
// One agency (the total from the counters), and several: a deputy's, a coordinator's, two on the same steps.
const INBOX_AGENCIES = [
  ['KG-SCS'],
  ['KG-MOJ'],
  ['TJ-CS'],
  ['coordinator'],
  ['KG-BS', 'KG-SCS'],
  ['KG-MOE', 'coordinator'],
];

/** For every scope and set of agencies: the inbox's total is the number of steps its list holds, by a fresh count. */
async function expectInboxExact(ds: DataSource): Promise<void> {
  const steps = new StepsRepository(ds);
  const now = NOWS[0];
  for (const scope of SCOPES) {
    for (const agencies of INBOX_AGENCIES) {
      const [{ n }] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM case_steps s JOIN cases c ON c.id = s.case_id
          WHERE s.status = 'active' AND s.assignees && $1::text[] AND c.status = 'active'
            AND ($2::text IS NULL OR c.state_code = $2 OR c.plan_code = ANY($3::text[]))
            AND ($4 OR c.plan_code = ANY($3::text[]))`,
        [
          agencies,
          scope.stateCode,
          scope.sharedPlanCodes,
          scope.role === 'admin' || scope.stateCode !== null,
        ],
      );
      const page = await steps.inbox(agencies, scope, { limit: 200 }, now);
      expect({ scope: scope.role, agencies, total: page.total }).toEqual({
        scope: scope.role,
        agencies,
        total: n,
      });
      expect(page.items).toHaveLength(Math.min(n, 200));
      expect(page.items.every((i) => i.caseStatus === 'active')).toBe(true);
    }
    // with the national coordinator's steps: of one state (a coordinator), of every state (an administrator)
    for (const coordinatorOf of [{ stateCode: 'KG' }, { stateCode: 'TJ' }, { stateCode: null }]) {
      const [{ n }] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM case_steps s JOIN cases c ON c.id = s.case_id
          WHERE s.status = 'active' AND c.status = 'active'
            AND ('KG-MOE' = ANY (s.assignees)
                 OR ('coordinator' = ANY (s.assignees) AND ($1::text IS NULL OR c.state_code = $1)))
            AND ($2::text IS NULL OR c.state_code = $2 OR c.plan_code = ANY($3::text[]))
            AND ($4 OR c.plan_code = ANY($3::text[]))`,
        [
          coordinatorOf.stateCode,
          scope.stateCode,
          scope.sharedPlanCodes,
          scope.role === 'admin' || scope.stateCode !== null,
        ],
      );
      const page = await steps.inbox(['KG-MOE'], scope, { limit: 200 }, now, coordinatorOf);
      expect({ scope: scope.role, coordinatorOf, total: page.total }).toEqual({
        scope: scope.role,
        coordinatorOf,
        total: n,
      });
      expect(page.items).toHaveLength(Math.min(n, 200));
    }
  }
}

async function expectExact(ds: DataSource): Promise<void> {
  const { stored, fresh } = await counters(ds);
  expect(stored).toEqual(fresh);
  await expectInboxExact(ds);
  const [contributions] = await ds.query<{ n: number; missing: number }[]>(
    `SELECT (SELECT count(*)::int FROM plan_case_contributions) AS n,
            (SELECT count(*)::int FROM cases c
              WHERE NOT EXISTS (SELECT 1 FROM plan_case_contributions p WHERE p.case_id = c.id)) AS missing`,
  );
  const [{ n: caseCount }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM cases`);
  expect(contributions).toEqual({ n: caseCount, missing: 0 });
  await expectOverdueAtExact(ds);
}

/** cases.overdue_at (migration CaseOverdueAt) is, for every case, what its row and steps say, by a fresh reading. */
async function expectOverdueAtExact(ds: DataSource): Promise<void> {
  const wrong = await ds.query<unknown[]>(
    `SELECT c.code, c.overdue_at, f.fresh
       FROM cases c
      CROSS JOIN LATERAL (
            SELECT CASE WHEN c.status = 'active'
                        THEN least(c.due_at, (SELECT min(s.due_at) FROM case_steps s
                                               WHERE s.case_id = c.id AND s.status = 'active')) END AS fresh) f
      WHERE c.overdue_at IS DISTINCT FROM f.fresh
      LIMIT 5`,
  );
  expect(wrong).toEqual([]);
}

/**
 * PlansRepository.progress before the counters, with overdue and due soon by the case's own or an open step's due
 * instant (migration CaseOverdueAt), read from the steps.
 */
async function referenceProgress(
  ds: DataSource,
  code: string,
  now: Date,
  dueSoonDays: number,
): Promise<unknown> {
  const [r] = await ds.query<Record<string, number | null>[]>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'active')::int AS active,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE status = 'withdrawn')::int AS withdrawn,
            count(*) FILTER (WHERE status = 'active' AND health_due_at < $2)::int AS overdue,
            count(*) FILTER (WHERE status = 'active' AND health_due_at >= $2 AND health_due_at < $2::timestamptz + make_interval(days => $3))::int AS due_soon,
            avg(progress) FILTER (WHERE status <> 'withdrawn')::float8 AS avg
     FROM cases c
     CROSS JOIN LATERAL (
           SELECT least(c.due_at, (SELECT min(s.due_at) FROM case_steps s
                                    WHERE s.case_id = c.id AND s.status = 'active')) AS health_due_at) h
     WHERE plan_code = $1`,
    [code, now, dueSoonDays],
  );
  return {
    total: r.total,
    byStatus: { active: r.active, completed: r.completed, rejected: r.rejected, withdrawn: r.withdrawn },
    overdue: r.overdue,
    dueSoon: r.due_soon,
    averageProgress: r.avg ?? 0,
  };
}

async function expectOverviewAsBefore(
  ds: DataSource,
  plans: string[] = [...PLANS, 'NO-SUCH-PLAN'],
): Promise<void> {
  const repo = new PlansRepository(ds);
  for (const plan of plans) {
    for (const now of NOWS) {
      for (const horizon of HORIZONS) {
        expect({ plan, now, horizon, progress: await repo.progress(plan, now, horizon) }).toEqual({
          plan,
          now,
          horizon,
          progress: await referenceProgress(ds, plan, now, horizon),
        });
        expect({ plan, now, horizon, breakdowns: await repo.breakdowns(plan, now, horizon) }).toEqual({
          plan,
          now,
          horizon,
          breakdowns: await referenceBreakdowns(ds, plan, now, horizon),
        });
      }
    }
  }
}

function action(kind: StepAction['action']): StepAction {
  return { action: kind, by: 'p-1', agency: 'KG-MOJ', at: '2026-03-01T05:00:00.000Z', channel: 'dashboard' };
}

describe('plan counters', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 8 });
    await seedPlans(ds);
    await insertCases(ds, 1, 600);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  describe('PlanCounters, InboxCounts, CaseOverdueAt and RecordCaseTransition migrations', () => {
    it('count the cases and steps that existed before them, and go down without a trace', async () => {
      const scratch = await createTemporaryDatabase();
      const check = await connectDataSource(scratch.url, { poolSize: 1 });
      try {
        await runMigrations(scratch.url);
        // and the migrations after them
        const fromPlanCounters = migrationsFrom('PlanCounters1764547200000');
        expect(await revertMigrations(scratch.url, fromPlanCounters.length)).toBe(fromPlanCounters.length);
        const leftovers = async () => ({
          tables: await check.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'plan\\_%\\_c%'`),
          functions: await check.query(
            `SELECT proname FROM pg_proc
              WHERE proname LIKE '%plan\\_c%' OR proname LIKE '%distinct\\_assignees%' OR proname LIKE '%overdue\\_at%'
                 OR proname = 'record_case_transition'`,
          ),
          triggers: await check.query(
            `SELECT tgname FROM pg_trigger
              WHERE tgname LIKE '%plan\\_counts%' OR tgname LIKE '%distinct\\_assignees%' OR tgname LIKE '%overdue\\_at%'`,
          ),
          indexes: await check.query(
            `SELECT indexname FROM pg_indexes
              WHERE indexname IN ('case_steps_active_undated_assignees_gin', 'cases_active_plan_overdue_idx',
                                  'cases_active_lead_plan_overdue_idx')`,
          ),
          columns: await check.query(
            `SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' AND column_name = 'overdue_at'`,
          ),
        });
        const none = { tables: [], functions: [], triggers: [], indexes: [], columns: [] };
        expect(await leftovers()).toEqual(none);
        await seedPlans(check);
        await insertCases(check, 1, 300);
        // written before the trigger that keeps a step's assignees a set
        await check.query(`UPDATE case_steps SET assignees = assignees || assignees WHERE key = 'step-1'`);
        const repeated = `SELECT count(*)::int AS n FROM case_steps
                            WHERE cardinality(assignees) > (SELECT count(DISTINCT a) FROM unnest(assignees) AS a)`;
        expect((await check.query<{ n: number }[]>(repeated))[0].n).toBeGreaterThan(10);
        expect(await runMigrations(scratch.url)).toEqual(fromPlanCounters);
        expect(fromPlanCounters.slice(0, 4)).toEqual([
          'PlanCounters1764547200000',
          'InboxCounts1764633600000',
          'CaseOverdueAt1764720000000',
          'RecordCaseTransition1764806400000',
        ]);
        expect((await check.query<{ n: number }[]>(repeated))[0].n).toBe(0);
        const [{ n }] = await check.query<{ n: number }[]>(
          `SELECT sum(cases)::int AS n FROM plan_case_counts`,
        );
        expect(n).toBe(300);
        await expectExact(check);
        await expectOverviewAsBefore(check, PLANS);
        expect(await revertMigrations(scratch.url, fromPlanCounters.length)).toBe(fromPlanCounters.length);
        expect(await leftovers()).toEqual(none);
      } finally {
        await check.destroy();
        await scratch.drop();
      }
    });
  });

  describe("a step's assignees", () => {
    it('are a set: repeats are dropped on insert and update, the first occurrence kept in place', async () => {
      const [{ id }] = await ds.query<{ id: string }[]>(`SELECT id FROM cases WHERE code = 'M-1'`);
      const [inserted] = await ds.query<{ assignees: string[] }[]>(
        `INSERT INTO case_steps (case_id, key, title, kind, status, assignees, occurrence, position)
         VALUES ($1, 'set-check', 'Set check', 'task', 'pending', '{KG-MOJ,KG-BS,KG-MOJ,coordinator,KG-BS}', 1, 9)
         RETURNING assignees`,
        [id],
      );
      expect(inserted.assignees).toEqual(['KG-MOJ', 'KG-BS', 'coordinator']);
      const [updated] = returnedRows<{ assignees: string[] }>(
        await ds.query(
          `UPDATE case_steps SET assignees = '{TJ-CS,TJ-CS}' || assignees WHERE case_id = $1 AND key = 'set-check'
         RETURNING assignees`,
          [id],
        ),
      );
      expect(updated.assignees).toEqual(['TJ-CS', 'KG-MOJ', 'KG-BS', 'coordinator']);
      await ds.query(`DELETE FROM case_steps WHERE case_id = $1 AND key = 'set-check'`, [id]);
      await expectExact(ds);
    });
  });

  describe('counters', () => {
    it('equal a fresh aggregate after bulk inserts of cases and steps', async () => {
      await expectExact(ds);
      const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM plan_case_counts`);
      expect(n).toBeGreaterThan(10);
      await insertCases(ds, 601, 150);
      await expectExact(ds);
    });

    it('are kept by a function that plans its statements once per connection, not on every write', async () => {
      // migration PlanCountsGenericPlans: a later CREATE OR REPLACE of the function would silently drop the setting
      const [fn] = await ds.query<Array<{ proconfig: string[] | null }>>(
        `SELECT proconfig FROM pg_proc WHERE proname = 'plan_counts_sync'`,
      );
      expect(fn.proconfig).toEqual(['plan_cache_mode=force_generic_plan']);
      // and a generic plan still drives from the ids, for one case and for a bulk write alike
      const ids = await ds.query<Array<{ id: string }>>(`SELECT id FROM cases ORDER BY code LIMIT 400`);
      await ds.query(`SELECT plan_counts_sync($1::uuid[])`, [[ids[0].id]]);
      await ds.query(`SELECT plan_counts_sync($1::uuid[])`, [ids.map((r) => r.id)]);
      await ds.query(`UPDATE cases SET progress = 1 - progress WHERE id = ANY($1::uuid[])`, [
        ids.slice(0, 200).map((r) => r.id),
      ]);
      await expectExact(ds);
      await ds.query(`UPDATE cases SET progress = 1 - progress WHERE id = ANY($1::uuid[])`, [
        ids.slice(0, 200).map((r) => r.id),
      ]);
      await expectExact(ds);
    });

    it('follow projected transitions: a new case, its steps, status, lead agency and due date changes', async () => {
      const model = new ReadModelRepository(ds);
      const base = { planCode: 'KG-NAP-2013', caseCode: 'P-1' };
      const step = (patch: Parameters<typeof stepSnapshot>[1]) =>
        stepSnapshot('review', { assignees: ['KG-MOJ', 'KG-BS'], ...patch });
      const snapshots = [
        caseSnapshot({ ...base, seq: 1, steps: [] }),
        caseSnapshot({
          ...base,
          seq: 2,
          progress: 0.25,
          steps: [step({ status: 'active', dueOn: '2026-03-01', dueAt: '2026-02-28T18:00:00.000Z' })],
        }),
        // sent back: blocked
        caseSnapshot({
          ...base,
          seq: 3,
          steps: [
            step({
              status: 'active',
              dueOn: '2026-03-01',
              dueAt: '2026-02-28T18:00:00.000Z',
              actions: [action('request_changes')],
            }),
          ],
        }),
        // another lead agency, a later due date, the step done
        caseSnapshot({
          ...base,
          seq: 4,
          leadAgency: 'KG-SCS',
          dueOn: '2026-03-15',
          progress: 0.5,
          steps: [step({ status: 'done', dueOn: '2026-03-01', dueAt: '2026-02-28T18:00:00.000Z' })],
        }),
        caseSnapshot({
          ...base,
          seq: 5,
          status: 'completed',
          progress: 1,
          closedAt: '2026-03-11T05:00:00.000Z',
        }),
      ];
      // the projection writes cases.overdue_at itself: the trigger's copy at commit (an UPDATE that leaves seq) finds
      // nothing to correct, so a projected transition writes its case row once
      await ds.query(`
        CREATE TABLE overdue_at_copies (case_id uuid);
        CREATE FUNCTION count_overdue_at_copies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO overdue_at_copies VALUES (NEW.id); RETURN NULL; END $$;
        CREATE TRIGGER count_overdue_at_copies AFTER UPDATE ON cases FOR EACH ROW
          WHEN (OLD.seq = NEW.seq AND OLD.overdue_at IS DISTINCT FROM NEW.overdue_at)
          EXECUTE FUNCTION count_overdue_at_copies();`);
      try {
        for (const s of snapshots) {
          await model.recordTransition(s, []);
          await expectExact(ds);
        }
        expect(await ds.query(`SELECT * FROM overdue_at_copies`)).toEqual([]);
        // a hand-written step update is corrected by the copy
        await ds.query(
          `UPDATE case_steps SET due_at = '2020-01-01T00:00:00Z' WHERE key = 'step-1' AND status = 'active'`,
        );
        const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM overdue_at_copies`);
        expect(n).toBeGreaterThan(0);
        await expectExact(ds);
      } finally {
        await ds.query(`
          DROP TRIGGER count_overdue_at_copies ON cases;
          DROP FUNCTION count_overdue_at_copies();
          DROP TABLE overdue_at_copies;`);
      }
      await expectOverviewAsBefore(ds, ['KG-NAP-2013']);
    });

    it('are recomputed once per projected transition, not once per write of it', async () => {
      const scratch = await createTemporaryDatabase();
      await runMigrations(scratch.url);
      const setup = await connectDataSource(scratch.url, { poolSize: 1 });
      let counted: DataSource | undefined;
      try {
        await seedPlans(setup);
        // every call of plan_counts_sync, from the triggers or the projection, goes through this wrapper
        await setup.query(`
          CREATE TABLE sync_calls (n serial, ids uuid[]);
          ALTER FUNCTION plan_counts_sync(uuid[]) RENAME TO plan_counts_sync_counted;
          CREATE FUNCTION plan_counts_sync(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
          BEGIN INSERT INTO sync_calls (ids) VALUES (ids); PERFORM plan_counts_sync_counted(ids); END $$;`);
        // fresh sessions: none has a plan naming the renamed function
        counted = await connectDataSource(scratch.url, { poolSize: 2 });
        const model = new ReadModelRepository(counted);
        const base = { planCode: 'KG-NAP-2013', caseCode: 'ONCE-1' };
        const review = (status: 'active' | 'done') =>
          stepSnapshot('review', {
            status,
            assignees: ['KG-MOJ'],
            dueOn: '2026-03-01',
            dueAt: '2026-02-28T18:00:00.000Z',
          });
        const written = [
          await model.recordTransition(caseSnapshot({ ...base, seq: 1, steps: [review('active')] }), []),
          await model.recordTransition(
            caseSnapshot({ ...base, seq: 2, progress: 0.5, steps: [review('done')] }),
            [],
          ),
          // a stale snapshot writes nothing and counts nothing
          await model.recordTransition(caseSnapshot({ ...base, seq: 1, steps: [review('active')] }), []),
        ];
        expect(written.map((w) => w.snapshotApplied)).toEqual([true, true, false]);
        // (a call with no ids returns at once: the commit-time overdue_at check's UPDATE of no row makes one)
        const recomputations = `SELECT ids FROM sync_calls WHERE cardinality(ids) > 0 ORDER BY n`;
        const calls = await counted.query<{ ids: string[] }[]>(recomputations);
        expect(calls).toEqual([{ ids: [written[0].caseId] }, { ids: [written[0].caseId] }]);
        await expectExact(counted);
        // any other writer is still counted by the triggers
        await counted.query(`UPDATE cases SET progress = 0.75 WHERE id = $1`, [written[0].caseId]);
        expect(await counted.query(recomputations)).toHaveLength(3);
        await expectExact(counted);
      } finally {
        await counted?.destroy();
        await setup.destroy();
        await scratch.drop();
      }
    });

    it('follow hand-written updates of status, lead agency, area, due dates, progress and steps', async () => {
      const updates = [
        `UPDATE cases SET status = 'completed', progress = 1 WHERE plan_code = 'TJ-PLAN' AND code LIKE 'M-1%'`,
        `UPDATE cases SET status = 'active' WHERE status = 'rejected' AND code LIKE 'M-2%'`,
        `UPDATE cases SET lead_agency = 'KG-BS' WHERE plan_code = 'KG-NAP-2013' AND lead_agency = 'KG-MOE'`,
        `UPDATE cases SET area_paragraph = 'OP2', area_weapon = 'chemical' WHERE code LIKE 'M-3%'`,
        `UPDATE cases SET due_at = due_at + interval '9 days', due_on = due_on + 9 WHERE code LIKE 'M-4%'`,
        `UPDATE cases SET due_at = NULL, due_on = NULL WHERE code LIKE 'M-5%'`,
        `UPDATE cases SET progress = 0.3333 WHERE code LIKE 'M-6%'`,
        `UPDATE cases SET title = title || ' (renamed)', updated_at = now()`,
        `UPDATE case_steps SET status = 'done' WHERE key = 'step-1' AND case_id IN (SELECT id FROM cases WHERE code LIKE 'M-7%')`,
        `UPDATE case_steps SET due_at = due_at - interval '20 days' WHERE key = 'step-2'`,
        `UPDATE case_steps SET assignees = assignees || '{KG-MOE}'::text[] WHERE key = 'step-3'`,
        `UPDATE case_steps SET actions = actions || '[{"action": "escalated"}]'::jsonb WHERE key = 'step-1' AND status = 'active'`,
        `UPDATE case_steps SET actions = '[]' WHERE key = 'step-2'`,
        `UPDATE case_steps SET status = 'active' WHERE status = 'pending'`,
      ];
      for (const sql of updates) {
        await ds.query(sql);
        await expectExact(ds);
      }
      await expectOverviewAsBefore(ds);
    });

    it('follow deleted steps, deleted cases and a deleted plan', async () => {
      await ds.query(`DELETE FROM case_steps WHERE key = 'step-3'`);
      await expectExact(ds);
      await ds.query(`DELETE FROM cases WHERE code LIKE 'M-8%' AND NOT EXISTS (
                        SELECT 1 FROM audit_events a WHERE a.case_id = cases.id)`);
      await expectExact(ds);
      await ds.query(`DELETE FROM cases WHERE plan_code = 'KG-EXTRA'`);
      await ds.query(`DELETE FROM action_plans WHERE code = 'KG-EXTRA'`);
      await expectExact(ds);
      const left = await ds.query(`SELECT plan_code FROM plan_case_counts WHERE plan_code = 'KG-EXTRA'
                                   UNION ALL SELECT plan_code FROM plan_holding_counts WHERE plan_code = 'KG-EXTRA'`);
      expect(left).toEqual([]);
      await expectOverviewAsBefore(ds);
    });

    it('stay exact, without deadlocks, when concurrent transactions write cases and steps of one plan', async () => {
      const ids = (
        await ds.query<{ id: string }[]>(
          `SELECT id FROM cases WHERE plan_code = 'KG-NAP-2013' AND code LIKE 'M-%' ORDER BY code`,
        )
      ).map((r) => r.id);
      const statuses = ['active', 'completed', 'rejected', 'withdrawn'];
      const agencies = ['KG-MOE', 'KG-MOJ', 'KG-SCS', 'KG-BS'];
      // Each transaction moves several cases (in opposite orders: counter rows are touched in every order) between
      // statuses, agencies and due dates, and changes their steps: without the plan lock this deadlocks or loses counts.
      const writer = async (w: number, round: number): Promise<void> => {
        const mine = ids.filter((_, i) => i % 8 === w);
        const ordered = (w + round) % 2 === 0 ? mine : [...mine].reverse();
        await ds.transaction(async (m) => {
          for (const [i, id] of ordered.slice(0, 12).entries()) {
            await m.query(
              `UPDATE cases SET status = $2, lead_agency = $3, due_at = due_at + make_interval(days => $4),
                               progress = $5 WHERE id = $1`,
              [
                id,
                statuses[(i + w + round) % 4],
                agencies[(i * 3 + round) % 4],
                (i % 3) - 1,
                ((i + w) % 10) / 10,
              ],
            );
            await m.query(
              `UPDATE case_steps SET status = CASE WHEN status = 'active' THEN 'done' ELSE 'active' END,
                                     due_at = due_at - make_interval(days => $2)
                WHERE case_id = $1`,
              [id, (i + round) % 5],
            );
          }
        });
      };
      for (let round = 0; round < 4; round++) {
        await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((w) => writer(w, round)));
        await expectExact(ds);
      }
      await expectOverviewAsBefore(ds, ['KG-NAP-2013']);
    });

    it('start over from what is left when case_steps are truncated', async () => {
      await ds.query(`TRUNCATE case_steps`);
      await expectExact(ds);
      await seedPlans(ds); // KG-EXTRA again
      await insertCases(ds, 751, 60);
      await expectExact(ds);
      await expectOverviewAsBefore(ds);
    });

    it('refuse writes to cases outside READ COMMITTED, where a count could be lost', async () => {
      const runner = ds.createQueryRunner();
      await runner.startTransaction('REPEATABLE READ');
      try {
        await expect(
          runner.query(
            `UPDATE cases SET status = CASE WHEN status = 'withdrawn' THEN 'active' ELSE 'withdrawn' END
              WHERE code = 'M-3'`,
          ),
        ).rejects.toThrow(/READ COMMITTED transactions only/);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      await expectExact(ds);
    });
  });
});
