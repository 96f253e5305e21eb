import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { DataSource, type Logger } from 'typeorm';
import {
  ADMIN_SCOPE,
  AgenciesRepository,
  ATTACHMENT_STORE,
  PersistenceModule,
  AttachmentsRepository,
  DiskAttachmentStore,
  AlreadyExistsError,
  type AccessScope,
  AuditRepository,
  CasesRepository,
  connectDataSource,
  DefinitionsRepository,
  IdempotencyRepository,
  loadDemo,
  DEMO,
  migrations,
  PeopleRepository,
  PlansRepository,
  ReadModelRepository,
  revertMigrations,
  runMigrations,
  StatesRepository,
  StepsRepository,
  TokensRepository,
  hashToken,
  caseIdForWorkflow,
} from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';

const TABLES = [
  'access_tokens',
  'action_plans',
  'agencies',
  'attachments',
  'audit_events',
  'case_steps',
  'cases',
  'idempotency_keys',
  'non_working_days',
  'people',
  'plan_shares',
  'process_definitions',
  'states',
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(explained: unknown): { type: string; relation: string | undefined }[] {
  const out: { type: string; relation: string | undefined }[] = [];
  const walk = (n: PlanNode) => {
    out.push({ type: n['Node Type'], relation: n['Relation Name'] });
    n.Plans?.forEach(walk);
  };
  (explained as { Plan: PlanNode }[]).forEach((root) => walk(root.Plan));
  return out;
}

const ALL_MIGRATIONS = migrations.map((m) => new m().name ?? m.name);

async function tables(ds: DataSource): Promise<string[]> {
  const rows = await ds.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** Captures the SQL and parameters of every query, so a test can EXPLAIN exactly what a repository ran. */
class CapturingLogger implements Logger {
  queries: { sql: string; params: unknown[] }[] = [];
  logQuery(sql: string, params?: unknown[]): void {
    this.queries.push({ sql, params: params ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const KG_COORDINATOR: AccessScope = {
  role: 'coordinator',
  stateCode: 'KG',
  agencyCode: 'KG-MOE',
  sharedPlanCodes: [],
};
const TJ_FOCAL: AccessScope = {
  role: 'focal_point',
  stateCode: 'TJ',
  agencyCode: 'TJ-CS',
  sharedPlanCodes: [],
};
const OSCE_OBSERVER: AccessScope = {
  role: 'observer',
  stateCode: null,
  agencyCode: 'OSCE-CPC',
  sharedPlanCodes: ['KG-NAP-2013'],
};
const NOW = new Date('2026-03-10T06:00:00Z');

describe('persistence', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 12, logger });
    await seedReference(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  describe('migrations', () => {
    it('go down to an empty schema and up again', async () => {
      const scratch = await createTemporaryDatabase();
      const check = await connectDataSource(scratch.url, { poolSize: 1 });
      try {
        expect(await runMigrations(scratch.url)).toEqual(ALL_MIGRATIONS);
        expect(await tables(check)).toEqual(expect.arrayContaining(TABLES));
        expect(await runMigrations(scratch.url)).toEqual([]);
        expect(await revertMigrations(scratch.url)).toBe(ALL_MIGRATIONS.length);
        expect(await tables(check)).toEqual([]);
        const functions = await check.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'audit_event%'`);
        expect(functions).toEqual([]);
        expect(await runMigrations(scratch.url)).toEqual(ALL_MIGRATIONS);
        expect(await tables(check)).toEqual(expect.arrayContaining(TABLES));
      } finally {
        await check.destroy();
        await scratch.drop();
      }
    });

    it('run once when several processes migrate at the same time', async () => {
      const scratch = await createTemporaryDatabase();
      try {
        const runs = await Promise.all([
          runMigrations(scratch.url),
          runMigrations(scratch.url),
          runMigrations(scratch.url),
        ]);
        expect(runs.flat()).toEqual(ALL_MIGRATIONS);
      } finally {
        await scratch.drop();
      }
    });
  });

  describe(AuditRepository.name, () => {
    let audit: AuditRepository;
    beforeAll(() => {
      audit = new AuditRepository(ds);
    });

    it('chains every appended row to the previous one', async () => {
      const written = await audit.append([
        {
          type: 'login',
          actor: { personId: 'p1', name: 'A', agency: 'KG-MOE', role: 'coordinator' },
          channel: 'dashboard',
          ip: '10.0.0.1',
        },
        { type: 'agency_created', channel: 'api', data: { code: 'KG-X' } },
      ]);
      expect(written).toHaveLength(2);
      expect(written[1].prevHash).toBe(written[0].hash);
      expect(written[0].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(written[0].ip).toBe('10.0.0.1');
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, firstBrokenId: null });
    });

    it('keeps one chain under concurrent appends', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          audit.append([{ type: 'concurrent', workflowId: `wf:concurrent:${i}`, seq: 1, data: { i } }]),
        ),
      );
      const result = await audit.verifyChain();
      expect(result.ok).toBe(true);
      expect(result.checked).toBeGreaterThanOrEqual(27);
    });

    it('skips a workflow event that is already in the trail', async () => {
      const first = await audit.append([{ type: 'case_started', workflowId: 'wf:dup', seq: 1 }]);
      const again = await audit.append([
        { type: 'case_started', workflowId: 'wf:dup', seq: 1 },
        { type: 'step_started', workflowId: 'wf:dup', seq: 2 },
      ]);
      expect(first).toHaveLength(1);
      expect(again.map((e) => e.seq)).toEqual([2]);
      expect((await audit.listByWorkflow('wf:dup')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
      const [row] = await audit.append([{ type: 'immutable', data: { v: 1 } }]);
      await expect(
        ds.query(`UPDATE audit_events SET data = '{"v":2}' WHERE id = $1`, [row.id]),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(ds.query(`DELETE FROM audit_events WHERE id = $1`, [row.id])).rejects.toThrow(
        /append-only: DELETE refused/,
      );
      await expect(ds.query(`TRUNCATE audit_events CASCADE`)).rejects.toThrow(
        /append-only: TRUNCATE refused/,
      );
      const [still] = await ds.query(`SELECT data FROM audit_events WHERE id = $1`, [row.id]);
      expect(still.data).toEqual({ v: 1 });
    });

    it('shows tampering by a superuser who bypasses the trigger', async () => {
      await audit.append([{ type: 'before' }]);
      const [victim] = await audit.append([{ type: 'decision', data: { decision: 'reject' } }]);
      await audit.append([{ type: 'after' }]);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true });

      await ds.transaction(async (m) => {
        await m.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable`);
        await m.query(`UPDATE audit_events SET data = '{"decision":"approve"}' WHERE id = $1`, [victim.id]);
        await m.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_immutable`);
      });
      await expect(audit.verifyChain()).resolves.toEqual(
        expect.objectContaining({ ok: false, firstBrokenId: victim.id, reason: 'hash' }),
      );

      // Recomputing the edited row's own hash does not help: the next row still points at the old one.
      await ds.transaction(async (m) => {
        await m.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable`);
        await m.query(`UPDATE audit_events e SET hash = audit_event_hash(e.prev_hash, e) WHERE id = $1`, [
          victim.id,
        ]);
        await m.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_immutable`);
      });
      await expect(audit.verifyChain()).resolves.toEqual(
        expect.objectContaining({ ok: false, reason: 'prev_hash' }),
      );
    });
  });

  describe('case queries', () => {
    let cases: CasesRepository;
    let steps: StepsRepository;

    beforeAll(async () => {
      cases = new CasesRepository(ds);
      steps = new StepsRepository(ds);
      const rm = new ReadModelRepository(ds);
      const kg = (code: string, p: Parameters<typeof caseSnapshot>[0] extends infer T ? Partial<T> : never) =>
        rm.recordTransition(caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: code, ...p }), []);
      await kg('Q-LAW', {
        kind: 'draft_law',
        title: 'Draft law on export control',
        dueOn: '2026-03-01',
        leadAgency: 'KG-MOE',
        supportingAgencies: ['KG-SCS'],
        steps: [
          stepSnapshot('legal_review', {
            kind: 'approval',
            status: 'active',
            assignees: ['KG-MOJ'],
            dueOn: '2026-03-12',
            dueAt: '2026-03-12T18:00:00Z',
          }),
        ],
      });
      await kg('Q-CWC', {
        kind: 'government_decision',
        title: 'Chemical Weapons Convention decision',
        dueOn: '2026-04-20',
        leadAgency: 'KG-MOJ',
      });
      await kg('Q-DONE', {
        title: 'Control list',
        dueOn: '2014-04-02',
        status: 'completed',
        closedAt: '2014-04-02T10:00:00Z',
        progress: 1,
      });
      await rm.recordTransition(
        caseSnapshot({
          planCode: 'TJ-PLAN',
          caseCode: 'Q-TJ',
          title: 'Tajik matrix revision',
          dueOn: '2026-03-05',
          leadAgency: 'TJ-MFA',
          steps: [
            stepSnapshot('agency_review', {
              status: 'active',
              assignees: ['TJ-CS', 'KG-MOJ'],
              dueOn: '2026-03-20',
              dueAt: '2026-03-20T18:00:00Z',
            }),
          ],
        }),
        [],
      );
      await ds.query(
        `UPDATE cases SET area_paragraph = 'OP2', area_weapon = 'chemical' WHERE code = 'Q-CWC'`,
      );
    });

    const codes = (page: { items: { code: string }[] }) => page.items.map((c) => c.code).sort();

    it('never shows a coordinator another state’s cases', async () => {
      expect(codes(await cases.list({}, KG_COORDINATOR, {}, NOW))).toEqual(['Q-CWC', 'Q-DONE', 'Q-LAW']);
      expect(codes(await cases.list({ planCode: 'TJ-PLAN' }, KG_COORDINATOR, {}, NOW))).toEqual([]);
      expect(codes(await cases.list({ stateCode: 'TJ' }, KG_COORDINATOR, {}, NOW))).toEqual([]);
      expect(codes(await cases.list({ text: 'matrix' }, KG_COORDINATOR, {}, NOW))).toEqual([]);
      const tj = await cases.findByCode('TJ-PLAN', 'Q-TJ');
      await expect(cases.findById(tj!.id, KG_COORDINATOR)).resolves.toBeNull();
      await expect(cases.findById(tj!.id, TJ_FOCAL)).resolves.toMatchObject({ code: 'Q-TJ' });
    });

    it('shows a shared plan to its observers and partner state, and nothing else to observers', async () => {
      expect(codes(await cases.list({}, OSCE_OBSERVER, {}, NOW))).toEqual(['Q-CWC', 'Q-DONE', 'Q-LAW']);
      expect(codes(await cases.list({}, { ...OSCE_OBSERVER, sharedPlanCodes: [] }, {}, NOW))).toEqual([]);
      expect(codes(await cases.list({}, TJ_FOCAL, {}, NOW))).toEqual(['Q-TJ']);
      expect(codes(await cases.list({}, { ...TJ_FOCAL, sharedPlanCodes: ['KG-NAP-2013'] }, {}, NOW))).toEqual(
        ['Q-CWC', 'Q-DONE', 'Q-LAW', 'Q-TJ'],
      );
      expect(codes(await cases.list({}, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-CWC', 'Q-DONE', 'Q-LAW', 'Q-TJ']);
    });

    it('filters by agency, status, overdue, due dates, area, kind and text', async () => {
      expect(codes(await cases.list({ agency: 'KG-SCS' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-LAW']);
      expect(codes(await cases.list({ agency: 'KG-MOJ' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-CWC']);
      expect(codes(await cases.list({ status: 'completed' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-DONE']);
      expect(codes(await cases.list({ overdue: true }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-LAW', 'Q-TJ']);
      expect(codes(await cases.list({ overdue: true }, KG_COORDINATOR, {}, NOW))).toEqual(['Q-LAW']);
      expect(
        codes(await cases.list({ overdue: false, planCode: 'KG-NAP-2013' }, ADMIN_SCOPE, {}, NOW)),
      ).toEqual(['Q-CWC', 'Q-DONE']);
      expect(
        codes(await cases.list({ dueAfter: '2026-03-01', dueBefore: '2026-03-31' }, ADMIN_SCOPE, {}, NOW)),
      ).toEqual(['Q-LAW', 'Q-TJ']);
      expect(codes(await cases.list({ area: 'OP2' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-CWC']);
      expect(codes(await cases.list({ area: 'chemical' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-CWC']);
      expect(codes(await cases.list({ kind: 'draft_law' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-LAW']);
      expect(codes(await cases.list({ text: 'EXPORT' }, ADMIN_SCOPE, {}, NOW))).toEqual(['Q-LAW']);
      expect(codes(await cases.list({ text: '100%_' }, ADMIN_SCOPE, {}, NOW))).toEqual([]);
    });

    it('pages by due date with the total', async () => {
      const first = await cases.list({}, ADMIN_SCOPE, { limit: 2 }, NOW);
      const second = await cases.list({}, ADMIN_SCOPE, { limit: 2, offset: 2 }, NOW);
      expect(first.items.map((c) => c.code)).toEqual(['Q-DONE', 'Q-LAW']);
      expect(second.items.map((c) => c.code)).toEqual(['Q-TJ', 'Q-CWC']);
      expect([first.total, second.total]).toEqual([4, 4]);
      // due at the end of the local day in Bishkek (UTC+6)
      expect(first.items[1]).toMatchObject({
        overdue: true,
        dueOn: '2026-03-01',
        dueAt: '2026-03-01T18:00:00.000Z',
      });
    });

    it('lists each case with the step it waits on: the active one due first, none when no step is active', async () => {
      const rm = new ReadModelRepository(ds);
      await rm.recordTransition(
        caseSnapshot({
          planCode: 'KG-NAP-2013',
          caseCode: 'Q-PAR',
          title: 'Parallel consultation',
          dueOn: '2026-06-30',
          steps: [
            stepSnapshot('draft', { status: 'done', dueOn: '2026-03-01', dueAt: '2026-03-01T12:00:00Z' }),
            stepSnapshot('consult_moj', {
              status: 'active',
              assignees: ['KG-MOJ'],
              dueOn: '2026-04-10',
              dueAt: '2026-04-10T12:00:00Z',
            }),
            stepSnapshot('consult_scs', {
              status: 'active',
              assignees: ['KG-SCS'],
              dueOn: '2026-04-03',
              dueAt: '2026-04-03T12:00:00Z',
            }),
            stepSnapshot('approve', { status: 'pending', assignees: ['coordinator'] }),
          ],
        }),
        [],
      );
      // an active case with no date at all: not overdue (false, not null)
      await rm.recordTransition(
        caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'Q-UNDATED', dueOn: null, steps: [] }),
        [],
      );
      try {
        const page = await cases.list({ planCode: 'KG-NAP-2013' }, ADMIN_SCOPE, {}, NOW);
        expect(page.items.find((c) => c.code === 'Q-UNDATED')).toMatchObject({
          overdue: false,
          currentStep: null,
        });
        const current = Object.fromEntries(
          page.items.filter((c) => c.code !== 'Q-UNDATED').map((c) => [c.code, c.currentStep]),
        );
        expect(current).toEqual({
          'Q-DONE': null,
          'Q-LAW': {
            key: 'legal_review',
            title: 'Step legal_review',
            assignees: ['KG-MOJ'],
            dueOn: '2026-03-12',
          },
          'Q-CWC': null,
          'Q-PAR': {
            key: 'consult_scs',
            title: 'Step consult_scs',
            assignees: ['KG-SCS'],
            dueOn: '2026-04-03',
          },
        });
        expect(page.items.find((c) => c.code === 'Q-PAR')).toMatchObject({
          definitionKey: 'measure',
          definitionVersion: 1,
        });
      } finally {
        await ds.query(`DELETE FROM cases WHERE code IN ('Q-PAR', 'Q-UNDATED')`);
      }
    });

    it('lists the inbox of an agency within the caller’s scope', async () => {
      const mojInKg = await steps.inbox(['KG-MOJ'], KG_COORDINATOR, {}, NOW);
      expect(mojInKg.items.map((s) => `${s.caseCode}/${s.stepKey}`)).toEqual(['Q-LAW/legal_review']);
      const mojAdmin = await steps.inbox(['KG-MOJ'], ADMIN_SCOPE, {}, NOW);
      expect(mojAdmin.items.map((s) => `${s.caseCode}/${s.stepKey}`)).toEqual([
        'Q-LAW/legal_review',
        'Q-TJ/agency_review',
      ]);
      expect(mojAdmin.total).toBe(2);
      const tj = await steps.inbox(['TJ-CS'], TJ_FOCAL, {}, NOW);
      expect(tj.items).toEqual([
        expect.objectContaining({
          caseCode: 'Q-TJ',
          stepKey: 'agency_review',
          overdue: false,
          dueOn: '2026-03-20',
        }),
      ]);
    });

    it('serves the dashboard queries from indexes on a large table', async () => {
      // 30,000 synthetic cases across both states, then the planner's statistics.
      await ds.query(`
        INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies, status,
                           due_on, due_at, definition_key, seq, progress)
        SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'KG-NAP-2013' ELSE 'TJ-PLAN' END, CASE WHEN i % 2 = 0 THEN 'KG' ELSE 'TJ' END,
               'measure', 'BULK-' || i, 'case:bulk:' || i, 'Bulk measure ' || i,
               (ARRAY['KG-MOE','KG-MOJ','KG-SCS','KG-BS','TJ-MFA','TJ-CS'])[1 + i % 6], ARRAY[(ARRAY['KG-BS','TJ-CS'])[1 + i % 2]],
               (ARRAY['active','active','active','completed','withdrawn'])[1 + i % 5],
               DATE '2026-01-01' + (i % 700), (DATE '2026-01-01' + (i % 700) + 1)::timestamp AT TIME ZONE 'Asia/Bishkek',
               'measure', 1, 0
        FROM generate_series(1, 30000) AS i`);
      await ds.query(`
        INSERT INTO case_steps (case_id, key, title, kind, status, assignees, due_on, due_at)
        SELECT id, 'execute', 'Execute', 'task', CASE WHEN status = 'active' THEN 'active' ELSE 'done' END,
               ARRAY['BULK-AG-' || (substr(code, 6)::int % 500)], due_on, due_at
        FROM cases WHERE code LIKE 'BULK-%'`);
      await ds.query(`ANALYZE cases; ANALYZE case_steps`);

      try {
        const plans: Record<string, unknown> = {};
        const explain = async (name: string, run: () => Promise<unknown>) => {
          logger.queries = [];
          await run();
          const q = logger.queries.find(
            (x) => /^\s*SELECT/i.test(x.sql) && !/count\(\*\)::int AS n/.test(x.sql),
          );
          if (!q) throw new Error(`no query captured for ${name}`);
          const [{ 'QUERY PLAN': plan }] = await ds.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params);
          plans[name] = plan;
        };
        await explain('agency+status', () =>
          cases.list({ agency: 'KG-MOJ', status: 'active' }, KG_COORDINATOR, {}, NOW),
        );
        await explain('overdue', () => cases.list({ overdue: true }, ADMIN_SCOPE, {}, NOW));
        await explain('plan+status', () =>
          cases.list({ planCode: 'KG-NAP-2013', status: 'completed' }, KG_COORDINATOR, {}, NOW),
        );
        await explain('state page', () => cases.list({ stateCode: 'TJ' }, TJ_FOCAL, { limit: 50 }, NOW));
        await explain('inbox', () => steps.inbox(['BULK-AG-8'], KG_COORDINATOR, {}, NOW));
        for (const [name, plan] of Object.entries(plans)) {
          const nodes = planNodes(plan);
          expect({
            name,
            indexed: nodes.some((n) => /^(Index Scan|Index Only Scan|Bitmap Index Scan)$/.test(n.type)),
          }).toEqual({
            name,
            indexed: true,
          });
          expect({
            name,
            seqScans: nodes.filter((n) => n.type === 'Seq Scan').map((n) => n.relation),
          }).toEqual({ name, seqScans: [] });
        }
      } finally {
        await ds.query(
          `DELETE FROM case_steps WHERE case_id IN (SELECT id FROM cases WHERE code LIKE 'BULK-%')`,
        );
        await ds.query(`DELETE FROM cases WHERE code LIKE 'BULK-%'`);
      }
    }, 120_000);
  });

  describe('reference data', () => {
    it('keeps administrator non-working days per state and year', async () => {
      const states = new StatesRepository(ds);
      await states.addNonWorkingDay({ stateCode: 'KG', date: '2026-03-09', reason: 'Transferred day' });
      await states.addNonWorkingDay({ stateCode: 'KG', date: '2027-01-04', reason: 'Extra' });
      await states.addNonWorkingDay({ stateCode: 'KG', date: '2026-03-09', reason: 'Moved' });
      expect(await states.nonWorkingDays('KG', { fromYear: 2026, toYear: 2026 })).toEqual([
        { stateCode: 'KG', date: '2026-03-09', reason: 'Moved' },
      ]);
      expect(await states.removeNonWorkingDay('KG', '2027-01-04')).toBe(true);
      await expect(
        states.create({ code: 'KG', name: 'again', timeZone: 'Asia/Bishkek' }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('refuses an agency of a state that does not exist and reports unknown codes', async () => {
      const agencies = new AgenciesRepository(ds);
      await expect(agencies.create({ code: 'XX-MOE', name: 'x', stateCode: 'XX' })).rejects.toThrow(/agency/);
      expect(await agencies.missing(['KG-MOE', 'KG-NOPE', 'UNODA'])).toEqual(['KG-NOPE']);
    });

    it('stores people with lower-cased unique emails and resolves deputies for mail', async () => {
      const people = new PeopleRepository(ds);
      const deputy = await people.create({
        email: 'Deputy@Example.org',
        name: 'Deputy',
        language: 'ru',
        agencyCode: 'KG-MOJ',
        role: 'focal_point',
        passwordHash: 'h',
      });
      const away = await people.create({
        email: 'away@example.org',
        name: 'Away',
        language: 'en',
        agencyCode: 'KG-MOJ',
        role: 'focal_point',
        passwordHash: 'h',
        deputyId: deputy.id,
        awayFrom: '2026-03-09',
        awayUntil: '2026-03-13',
      });
      await people.create({
        email: 'coord@example.org',
        name: 'Coordinator',
        language: 'ru',
        agencyCode: 'KG-MOE',
        role: 'coordinator',
        passwordHash: 'h',
      });
      expect(deputy.email).toBe('deputy@example.org');
      await expect(
        people.create({
          email: 'DEPUTY@example.org ',
          name: 'x',
          language: 'ru',
          agencyCode: 'KG-MOJ',
          role: 'observer',
          passwordHash: null,
        }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await people.findCredentials('AWAY@example.org'))?.passwordHash).toBe('h');
      expect(JSON.stringify(await people.findById(away.id))).not.toContain('"h"');

      const during = await people.recipients({
        agencies: ['KG-MOJ'],
        coordinatorsOfStates: ['KG'],
        on: '2026-03-10',
      });
      expect(during.map((r) => [r.email, r.deputyFor]).sort()).toEqual([
        ['coord@example.org', null],
        ['deputy@example.org', null],
      ]);
      // each with the state of their agency (the mail directory checks it without another query)
      expect(during.map((r) => r.agencyStateCode)).toEqual(['KG', 'KG']);
      const after = await people.recipients({ agencies: ['KG-MOJ'], on: '2026-03-14' });
      expect(after.map((r) => r.email).sort()).toEqual(['away@example.org', 'deputy@example.org']);
    });

    it('shares plans with organisations and states and reports their progress', async () => {
      const plans = new PlansRepository(ds);
      await plans.share('KG-NAP-2013', { agencyCode: 'OSCE-CPC' });
      await plans.share('KG-NAP-2013', { agencyCode: 'OSCE-CPC' });
      await plans.share('KG-NAP-2013', { stateCode: 'TJ' });
      expect(await plans.sharedPlanCodesFor({ agencyCode: 'OSCE-CPC', stateCode: null })).toEqual([
        'KG-NAP-2013',
      ]);
      expect(await plans.sharedPlanCodesFor({ agencyCode: 'TJ-CS', stateCode: 'TJ' })).toEqual([
        'KG-NAP-2013',
      ]);
      expect(await plans.shares('KG-NAP-2013')).toHaveLength(2);
      expect((await plans.list(OSCE_OBSERVER)).map((p) => p.code)).toEqual(['KG-NAP-2013']);
      expect((await plans.list(KG_COORDINATOR)).map((p) => p.code)).toEqual(['KG-NAP-2013']);
      await expect(plans.get('TJ-PLAN', KG_COORDINATOR)).resolves.toBeNull();
      const progress = await plans.progress('KG-NAP-2013', NOW, 7);
      expect(progress).toMatchObject({
        total: 3,
        byStatus: { active: 2, completed: 1, rejected: 0, withdrawn: 0 },
        overdue: 1,
        dueSoon: 0,
      });
    });
  });

  describe('tokens, idempotency keys and definitions', () => {
    let personId: string;
    beforeAll(async () => {
      personId = (
        await new PeopleRepository(ds).create({
          email: 'tokens@example.org',
          name: 'T',
          language: 'en',
          agencyCode: 'KG-MOE',
          role: 'admin',
          passwordHash: null,
        })
      ).id;
    });

    it('resolves a token until it expires or is revoked, storing only its hash', async () => {
      const tokens = new TokensRepository(ds);
      const { token } = await tokens.issue(personId, 60_000, NOW);
      // the person is KG-MOE's: the session carries their state's time zone
      expect(await tokens.resolveSession(hashToken(token), NOW)).toMatchObject({
        person: { id: personId },
        stateTimeZone: 'Asia/Bishkek',
      });
      expect(await tokens.resolveSession(hashToken(token), new Date(NOW.getTime() + 61_000))).toBeNull();
      expect(await ds.query(`SELECT 1 FROM access_tokens WHERE token_hash = $1`, [token])).toEqual([]);
      expect(await tokens.revoke(token, NOW)).toBe(true);
      expect(await tokens.resolveSession(hashToken(token), NOW)).toBeNull();
    });

    it('lets exactly one of concurrent identical requests act and replays its answer', async () => {
      const idem = new IdempotencyRepository(ds);
      const req = { personId, key: 'k-1', method: 'POST', path: '/plans', requestHash: 'abc' };
      const claims = await Promise.all(Array.from({ length: 20 }, () => idem.claim(req)));
      expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.outcome === 'in_progress')).toHaveLength(19);
      await idem.complete(personId, 'k-1', 201, { code: 'X' });
      await expect(idem.claim(req)).resolves.toEqual({
        outcome: 'replay',
        status: 201,
        response: { code: 'X' },
      });
      await expect(idem.claim({ ...req, requestHash: 'other' })).resolves.toEqual({ outcome: 'mismatch' });
    });

    it('publishes numbered definition versions and never overwrites one', async () => {
      const defs = new DefinitionsRepository(ds);
      const published = await Promise.all(
        [1, 2, 3].map((n) => defs.publish({ key: 'measure', definition: { n }, publishedBy: personId })),
      );
      expect(published.map((d) => d.version).sort()).toEqual([1, 2, 3]);
      await expect(
        defs.publish({ key: 'measure', version: 2, definition: {}, publishedBy: null }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await defs.latest('measure'))?.version).toBe(3);
      expect((await defs.versions('measure')).map((v) => v.version)).toEqual([1, 2, 3]);
      expect(
        await defs.publishIfMissing({ key: 'measure', version: 1, definition: {}, publishedBy: null }),
      ).toBe(false);
    });
  });

  describe(DiskAttachmentStore.name, () => {
    it('stores bytes by content hash beside their metadata', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'napflow-attachments-'));
      try {
        const store = new DiskAttachmentStore(dir);
        const stored = await store.put(Buffer.from('control list 2014'));
        expect(stored).toEqual({
          key: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{64}$/),
          size: 17,
          sha256: expect.any(String),
        });
        expect(
          (await store.put(Readable.from([Buffer.from('control '), Buffer.from('list 2014')]))).key,
        ).toBe(stored.key);
        const chunks: Buffer[] = [];
        for await (const c of await store.get(stored.key)) chunks.push(c as Buffer);
        expect(Buffer.concat(chunks).toString()).toBe('control list 2014');
        await expect(store.get('../../etc/passwd')).rejects.toThrow(/outside the store/);

        const meta = await new AttachmentsRepository(ds).create({
          caseId: null,
          name: 'list.pdf',
          contentType: 'application/pdf',
          size: stored.size,
          sha256: stored.sha256,
          storageKey: stored.key,
          uploadedBy: null,
        });
        expect(await new AttachmentsRepository(ds).get(meta.id)).toEqual(meta);
        await store.delete(stored.key);
        expect(await store.exists(stored.key)).toBe(false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe(PersistenceModule.name, () => {
    it('provides one DataSource and the repositories to Nest, and closes it on shutdown', async () => {
      const app = await NestFactory.createApplicationContext(
        PersistenceModule.forRoot(db.url, { poolSize: 2 }),
        { logger: false },
      );
      const dataSource = app.get(DataSource);
      expect(dataSource.isInitialized).toBe(true);
      expect(app.get(CasesRepository)).toBeInstanceOf(CasesRepository);
      await expect(app.get(PlansRepository).get('KG-NAP-2013')).resolves.toMatchObject({ stateCode: 'KG' });
      expect(app.get(ATTACHMENT_STORE)).toBeInstanceOf(DiskAttachmentStore);
      await app.close();
      expect(dataSource.isInitialized).toBe(false);
    });
  });

  describe(loadDemo.name, () => {
    it('loads the seed note’s data once and skips it the second time', async () => {
      const scratch = await createTemporaryDatabase();
      await runMigrations(scratch.url);
      const sds = await connectDataSource(scratch.url, { poolSize: 2 });
      try {
        const started: string[] = [];
        const reserving = new CasesRepository(sds);
        const startCase = async (c: Parameters<Parameters<typeof loadDemo>[0]['startCase']>[0]) => {
          started.push(`${c.code}:${c.dueOn}`);
          await reserving.reserve({
            planCode: c.planCode,
            stateCode: c.stateCode,
            kind: c.kind,
            code: c.code,
            workflowId: `case:${c.planCode}:${c.code}`,
            title: c.title,
            leadAgency: c.leadAgency,
            supportingAgencies: c.supportingAgencies,
            areaParagraph: c.area?.paragraph ?? null,
            areaWeapon: c.area?.weapon ?? null,
            dueOn: c.dueOn,
            timeZone: c.timeZone,
          });
        };
        const now = new Date('2026-11-27T10:00:00Z');
        const first = await loadDemo({ dataSource: sds, startCase, now, log: () => {} });
        expect(first).toEqual({
          states: 2,
          agencies: DEMO.agencies.length,
          people: DEMO.people.length,
          plans: 2,
          casesStarted: DEMO.cases.length,
          casesSkipped: 0,
        });
        expect(started).toContain('M-01:2014-04-02');
        expect(started).toContain('HO-RPM:2015-01-01');
        expect(started).toContain('GD-CPPNM:2026-11-21');
        expect(started).toContain('LAW-01:2026-12-01');
        const plan = await new PlansRepository(sds).get('KG-NAP-2013');
        expect(plan).toMatchObject({ adoptedOn: '2013-03-22', stateCode: 'KG' });
        const emails = (await new PeopleRepository(sds).list()).map((p) => p.email);
        expect(emails.every((e) => e.endsWith('.example.org'))).toBe(true);
        const moj = await new PeopleRepository(sds).findByEmail('marat.israilov@kg-moj.example.org');
        expect(moj).toMatchObject({ awayFrom: '2026-11-25', awayUntil: '2026-12-02' });
        expect(moj?.deputyId).not.toBeNull();

        const second = await loadDemo({ dataSource: sds, startCase, now, log: () => {} });
        expect(second).toEqual({
          states: 0,
          agencies: 0,
          people: 0,
          plans: 0,
          casesStarted: 0,
          casesSkipped: DEMO.cases.length,
        });
        expect(started).toHaveLength(DEMO.cases.length);
        const cwc = await new CasesRepository(sds).findByCode('KG-NAP-2013', 'GD-CWC');
        expect(cwc).toMatchObject({
          id: caseIdForWorkflow('case:KG-NAP-2013:GD-CWC'),
          areaParagraph: 'OP2',
          areaWeapon: 'chemical',
        });
      } finally {
        await sds.destroy();
        await scratch.drop();
      }
    });
  });
});
