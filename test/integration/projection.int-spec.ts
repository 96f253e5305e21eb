import type { DataSource } from 'typeorm';
import { ApplicationFailure } from '@temporalio/common';
import {
  AuditRepository,
  CasesRepository,
  connectDataSource,
  ImportHandoverRepository,
  runMigrations,
  StatesRepository,
  caseIdForWorkflow,
} from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { caseEvent, caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';
import { createCalendarDataSources, createProjectionActivities } from '@app/activities/projection.activities';
import { createCalendarActivities } from '@app/activities/calendar.activities';
import { holidaysFor } from '@app/domain/holidays';

/** Everything the read model holds for one workflow, in a stable order. */
async function dump(ds: DataSource, workflowId: string): Promise<unknown> {
  const [kase] = await ds.query(`SELECT * FROM cases WHERE workflow_id = $1`, [workflowId]);
  const steps = await ds.query(`SELECT * FROM case_steps WHERE case_id = $1 ORDER BY key`, [kase?.id]);
  const audit = await ds.query(`SELECT * FROM audit_events WHERE workflow_id = $1 ORDER BY seq`, [
    workflowId,
  ]);
  return { kase, steps, audit };
}

describe('createProjectionActivities', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let recordTransition: ReturnType<typeof createProjectionActivities>['recordTransition'];

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 4 });
    await seedReference(ds);
    ({ recordTransition } = createProjectionActivities({ dataSource: ds }));
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  const actor = {
    personId: 'p-1',
    name: 'Gulnara',
    agency: 'KG-MOE',
    role: 'focal_point' as const,
    channel: 'email' as const,
  };

  describe('recordTransition', () => {
    it('writes the case, its steps and its audit events', async () => {
      const snapshot = caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'P-1',
        seq: 2,
        supportingAgencies: ['KG-SCS'],
        progress: 0.5,
        steps: [
          stepSnapshot('execute', {
            status: 'done',
            assignees: ['KG-MOE'],
            completedAt: '2026-01-06T05:00:00Z',
            actions: [
              {
                action: 'complete',
                by: 'p-1',
                agency: 'KG-MOE',
                at: '2026-01-06T05:00:00Z',
                channel: 'email',
              },
            ],
          }),
          stepSnapshot('head_approval', {
            kind: 'approval',
            status: 'active',
            assignees: ['KG-MOE'],
            dueOn: '2026-01-20',
            dueAt: '2026-01-20T12:00:00Z',
            occurrence: 1,
          }),
        ],
      });
      await recordTransition({
        snapshot,
        events: [caseEvent(1), caseEvent(2, { type: 'step_completed', stepKey: 'execute', actor })],
      });

      const cases = new CasesRepository(ds);
      const detail = await cases.findById(caseIdForWorkflow(snapshot.workflowId), {
        role: 'coordinator',
        stateCode: 'KG',
        agencyCode: 'KG-MOE',
        sharedPlanCodes: [],
      });
      expect(detail).toMatchObject({
        code: 'P-1',
        seq: 2,
        progress: 0.5,
        status: 'active',
        dueOn: '2030-01-15',
        supportingAgencies: ['KG-SCS'],
      });
      expect(detail?.steps.map((s) => [s.key, s.status, s.assignees, s.occurrence])).toEqual([
        ['execute', 'done', ['KG-MOE'], 0],
        ['head_approval', 'active', ['KG-MOE'], 1],
      ]);
      expect(detail?.steps[0].actions).toHaveLength(1);
      expect(detail?.snapshot?.seq).toBe(2);
      const audit = await new AuditRepository(ds).listByWorkflow(snapshot.workflowId);
      expect(audit.map((e) => [e.seq, e.type, e.actorId, e.channel, e.caseId])).toEqual([
        [1, 'case_started', 'system', 'system', detail?.id],
        [2, 'step_completed', 'p-1', 'email', detail?.id],
      ]);
    });

    it('changes nothing when the same call is retried', async () => {
      const snapshot = caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'P-2',
        seq: 3,
        steps: [stepSnapshot('execute', { status: 'active', assignees: ['KG-SCS'] })],
      });
      const input = { snapshot, events: [caseEvent(1), caseEvent(2), caseEvent(3, { actor })] };
      await recordTransition(input);
      const before = await dump(ds, snapshot.workflowId);
      await recordTransition(input);
      await Promise.all([recordTransition(input), recordTransition(input)]);
      expect(await dump(ds, snapshot.workflowId)).toEqual(before);
      await expect(new AuditRepository(ds).verifyChain()).resolves.toMatchObject({ ok: true });
    });

    it('ignores a snapshot older than the stored one but still records its new events', async () => {
      const wf = caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'P-3' }).workflowId;
      const newer = caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'P-3',
        seq: 5,
        status: 'completed',
        progress: 1,
        closedAt: '2026-02-01T00:00:00Z',
        steps: [stepSnapshot('execute', { status: 'done' })],
      });
      const older = caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'P-3',
        seq: 4,
        status: 'active',
        steps: [stepSnapshot('execute', { status: 'active', assignees: ['KG-MOE'] })],
      });
      await recordTransition({ snapshot: newer, events: [caseEvent(5, { type: 'case_closed' })] });
      const { kase: caseBefore, steps: stepsBefore } = (await dump(ds, wf)) as {
        kase: unknown;
        steps: unknown;
      };
      await recordTransition({ snapshot: older, events: [caseEvent(4)] });
      const after = (await dump(ds, wf)) as { kase: unknown; steps: unknown; audit: { seq: string }[] };
      expect(after.kase).toEqual(caseBefore);
      expect(after.steps).toEqual(stepsBefore);
      expect(after.audit.map((e) => Number(e.seq))).toEqual([4, 5]);
    });

    it('rewrites a snapshot of the same seq only when its content changed', async () => {
      const base = caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'P-6',
        seq: 3,
        steps: [stepSnapshot('execute', { status: 'active' })],
      });
      await recordTransition({ snapshot: base, events: [] });
      const moved = { ...base, steps: [stepSnapshot('execute', { status: 'active', dueOn: '2030-02-01' })] };
      await recordTransition({ snapshot: moved, events: [] });
      const { steps } = (await dump(ds, base.workflowId)) as { steps: { due_on: unknown }[] };
      expect(steps).toHaveLength(1);
      expect(steps[0].due_on).not.toBeNull();
    });

    it('keeps what the API reserved (area) when the workflow reports', async () => {
      const cases = new CasesRepository(ds);
      const reserved = await cases.reserve({
        planCode: 'KG-NAP-2013',
        stateCode: 'KG',
        kind: 'government_decision',
        code: 'P-4',
        workflowId: 'case:KG-NAP-2013:P-4',
        title: 'CWC decision',
        leadAgency: 'KG-MOE',
        areaParagraph: 'OP2',
        areaWeapon: 'chemical',
        dueOn: '2026-05-01',
        timeZone: 'Asia/Bishkek',
      });
      expect(reserved).toMatchObject({ created: true, case: { seq: -1, status: 'active' } });
      expect((await cases.reserve({ ...reserved.case, dueOn: null, timeZone: 'Asia/Bishkek' })).created).toBe(
        false,
      );
      await recordTransition({
        snapshot: caseSnapshot({
          planCode: 'KG-NAP-2013',
          caseCode: 'P-4',
          kind: 'government_decision',
          seq: 1,
        }),
        events: [caseEvent(1)],
      });
      expect(await cases.findByCode('KG-NAP-2013', 'P-4')).toMatchObject({
        id: reserved.case.id,
        seq: 1,
        areaParagraph: 'OP2',
        areaWeapon: 'chemical',
      });
    });

    it('rolls everything back when one write fails', async () => {
      const snapshot = caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'P-5', seq: 1 });
      // two steps with one key break the steps' primary key after the case row was written
      const broken = { ...snapshot, steps: [stepSnapshot('x'), stepSnapshot('x')] };
      await expect(recordTransition({ snapshot: broken, events: [caseEvent(1)] })).rejects.toThrow();
      expect(await dump(ds, snapshot.workflowId)).toEqual({ kase: undefined, steps: [], audit: [] });
    });

    it('sends one statement, outside any transaction block: no lock is held across round trips to the worker', async () => {
      const snapshot = caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'P-ONE-STATEMENT', seq: 1 });
      // every statement of the pool's connections goes through pg's Client.prototype.query (no types for pg here)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Client } = require('pg') as { Client: { prototype: { query(q: unknown): unknown } } };
      const sent = jest.spyOn(Client.prototype, 'query');
      try {
        await recordTransition({ snapshot, events: [caseEvent(1), caseEvent(2)] });
        const statements = sent.mock.calls.map(([q]: [unknown]) =>
          (typeof q === 'string' ? q : (q as { text: string }).text).trim().replace(/\s+/g, ' '),
        );
        expect(statements).toHaveLength(1);
        expect(statements[0]).toMatch(/^SELECT .* FROM record_case_transition\(/);
      } finally {
        sent.mockRestore();
      }
      const written = (await dump(ds, snapshot.workflowId)) as {
        kase: unknown;
        steps: unknown[];
        audit: unknown[];
      };
      expect(written.kase).toMatchObject({ code: 'P-ONE-STATEMENT', seq: '1' });
      expect(written.steps).toHaveLength(snapshot.steps.length);
      expect(written.audit).toHaveLength(2);
    });
  });

  describe("an import's handover (recorded with the case's start)", () => {
    const steps = (caseCode: string, dueOn: string, agencies: string[]) => [
      {
        caseCode,
        caseTitle: `Measure ${caseCode}`,
        stepKey: 'execute',
        stepTitle: 'Implementation',
        dueOn,
        agencies,
      },
    ];
    const started = (caseCode: string) => caseSnapshot({ planCode: 'KG-NAP-2013', caseCode, seq: 1 });

    it("records the steps only while the handover is open, once, and closes with the agencies' lists", async () => {
      const activities = createProjectionActivities({ dataSource: ds });
      const handovers = new ImportHandoverRepository(ds);
      const importWorkflowId = 'import-notices:KG-NAP-2013:int-1';
      const first = { snapshot: started('H-1'), events: [caseEvent(1)] };
      const handover = { importWorkflowId, steps: steps('H-1', '2040-06-29', ['KG-MOE', 'KG-SCS']) };

      // not open yet: the case is recorded, its steps are not (it signals instead)
      expect(await activities.recordTransition({ ...first, handover })).toEqual({ handedOver: false });
      expect(
        await ds.query(`SELECT code, seq::int FROM cases WHERE workflow_id = 'case:KG-NAP-2013:H-1'`),
      ).toEqual([{ code: 'H-1', seq: 1 }]);
      expect(await handovers.count(importWorkflowId)).toEqual({ cases: 0, lastRecordedAt: null });
      // without a handover the activity answers nothing, as it always did
      expect(await activities.recordTransition(first)).toBeUndefined();

      await activities.openImportHandover({ importWorkflowId });
      await activities.openImportHandover({ importWorkflowId });
      const before = Date.now();
      expect(await activities.recordTransition({ ...first, handover })).toEqual({ handedOver: true });
      // a retried attempt finds them there
      expect(await activities.recordTransition({ ...first, handover })).toEqual({ handedOver: true });
      const second = {
        snapshot: started('H-2'),
        events: [caseEvent(1)],
        handover: { importWorkflowId, steps: steps('H-2', '2040-04-30', ['KG-MOE']) },
      };
      expect(await activities.recordTransition(second)).toEqual({ handedOver: true });
      const counted = await activities.countImportHandover({ importWorkflowId });
      expect(counted.cases).toBe(2);
      expect(counted.lastRecordedAt).toBeGreaterThanOrEqual(before - 1_000);

      const closed = await activities.closeImportHandover({ importWorkflowId });
      const item = (caseCode: string, dueOn: string) => ({
        caseCode,
        caseTitle: `Measure ${caseCode}`,
        stepKey: 'execute',
        stepTitle: 'Implementation',
        dueOn,
        workflowId: `case:KG-NAP-2013:${caseCode}`,
      });
      expect(closed).toEqual({
        cases: 2,
        byAgency: {
          'KG-MOE': { items: [item('H-2', '2040-04-30'), item('H-1', '2040-06-29')], total: 2 },
          'KG-SCS': { items: [item('H-1', '2040-06-29')], total: 1 },
        },
      });
      // closed: a later case is told to signal; the handover answers as before
      const late = {
        snapshot: started('H-3'),
        events: [caseEvent(1)],
        handover: { importWorkflowId, steps: steps('H-3', '2040-05-30', ['KG-MOE']) },
      };
      expect(await activities.recordTransition(late)).toEqual({ handedOver: false });
      expect(await activities.closeImportHandover({ importWorkflowId })).toEqual(closed);
      await activities.openImportHandover({ importWorkflowId });
      expect(await activities.recordTransition(late)).toEqual({ handedOver: false });
    });

    it('closes after the cases recording at that moment, and lists them', async () => {
      const handovers = new ImportHandoverRepository(ds);
      const importWorkflowId = 'import-notices:KG-NAP-2013:int-2';
      await handovers.open(importWorkflowId);
      // a case's record in flight: it holds the handover as the record's statement does, until it commits
      const recording = ds.createQueryRunner();
      await recording.connect();
      await recording.startTransaction();
      await recording.query(
        `SELECT 1 FROM import_handovers WHERE import_workflow_id = $1 AND closed_at IS NULL FOR SHARE`,
        [importWorkflowId],
      );
      let closedWith: number | undefined;
      const closing = handovers.close(importWorkflowId).then((r) => (closedWith = r.length));
      await new Promise((r) => setTimeout(r, 300));
      expect(closedWith).toBeUndefined();
      await recording.query(
        `INSERT INTO import_handover_steps (import_workflow_id, case_workflow_id, steps) VALUES ($1, $2, $3::jsonb)`,
        [importWorkflowId, 'case:KG-NAP-2013:H-9', JSON.stringify(steps('H-9', '2040-06-29', ['KG-MOE']))],
      );
      await recording.commitTransaction();
      await recording.release();
      await closing;
      expect(closedWith).toBe(1);
    });

    it('is deleted with its steps some time after it closed', async () => {
      const handovers = new ImportHandoverRepository(ds);
      await handovers.open('import-notices:KG-NAP-2013:int-3');
      await handovers.close('import-notices:KG-NAP-2013:int-3');
      await handovers.open('import-notices:KG-NAP-2013:int-4');
      const stillOpen = await ds.query(
        `SELECT count(*)::int AS n FROM import_handovers WHERE closed_at IS NULL`,
      );
      expect(await handovers.purgeClosedBefore(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
      expect(
        await ds.query(`SELECT count(*)::int AS n FROM import_handovers WHERE closed_at IS NOT NULL`),
      ).toEqual([{ n: 0 }]);
      expect(await ds.query(`SELECT count(*)::int AS n FROM import_handover_steps`)).toEqual([{ n: 0 }]);
      expect(
        await ds.query(`SELECT count(*)::int AS n FROM import_handovers WHERE closed_at IS NULL`),
      ).toEqual(stillOpen);
    });
  });

  describe('createCalendarDataSources', () => {
    it('reads the time zone, the holiday calendar and the administrator’s non-working days of a state', async () => {
      await new StatesRepository(ds).addNonWorkingDay({
        stateCode: 'TJ',
        date: '2026-03-23',
        reason: 'Navruz transfer',
      });
      const cal = createCalendarDataSources({ dataSource: ds });
      await expect(cal.settingsOf('TJ')).resolves.toEqual({
        timeZone: 'Asia/Dushanbe',
        holidayCalendar: 'TJ',
      });
      await expect(cal.nonWorkingDays('TJ')).resolves.toEqual([
        { date: '2026-03-23', reason: 'Navruz transfer' },
      ]);
      await expect(cal.nonWorkingDays('KG')).resolves.toEqual([]);
    });

    it('fails for good on an unknown state', async () => {
      const err = await createCalendarDataSources({ dataSource: ds })
        .settingsOf('ZZ')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ nonRetryable: true, type: 'UnknownState' });
    });

    it("gives the workflow the public holidays of the state's holiday calendar, its own code when none is set", async () => {
      const states = new StatesRepository(ds);
      // QQ has no holiday data of its own: it follows Kyrgyzstan's calendar
      await states.create({
        code: 'QQ',
        name: 'On KG holidays',
        timeZone: 'Asia/Bishkek',
        holidayCalendar: 'KG',
      });
      await states.create({ code: 'UZ', name: 'Uzbekistan', timeZone: 'Asia/Tashkent' });
      const { resolveCalendar } = createCalendarActivities(createCalendarDataSources({ dataSource: ds }));
      const span = { fromYear: 2027, toYear: 2027 };
      const kg = await resolveCalendar({ stateCode: 'KG', ...span });
      await expect(resolveCalendar({ stateCode: 'QQ', ...span })).resolves.toEqual({
        ...kg,
        stateCode: 'QQ',
      });
      const uz = await resolveCalendar({ stateCode: 'UZ', ...span });
      expect(uz.nonWorkingDates).toEqual(holidaysFor('UZ', 2027, 2027));
      expect(uz.nonWorkingDates).not.toEqual(kg.nonWorkingDates);
      // a calendar id napflow has no data for (stored before ids were checked): the state's own holidays, not a
      // failed case
      await states.create({
        code: 'KZ',
        name: 'Kazakhstan',
        timeZone: 'Asia/Almaty',
        holidayCalendar: 'KZZ',
      });
      const kz = await resolveCalendar({ stateCode: 'KZ', ...span });
      expect(kz.nonWorkingDates).toEqual(holidaysFor('KZ', 2027, 2027));
    });
  });
});
