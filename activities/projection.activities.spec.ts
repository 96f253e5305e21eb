import { ApplicationFailure } from '@temporalio/common';
import type { DataSource, EntityManager } from 'typeorm';
import { caseIdForWorkflow, ReadModelRepository } from '@app/persistence';
import { caseEvent, caseSnapshot, stepSnapshot } from '@app/persistence/testing/fixtures';
import { createCalendarDataSources, createProjectionActivities } from './projection.activities';

/** Records the SQL a DataSource would run (and its parameters); answers the transition with `transitionReturns`. */
class RecordingDataSource {
  readonly statements: string[] = [];
  readonly params: unknown[][] = [];
  transactions = 0;
  constructor(
    private readonly transitionReturns: unknown[] = [],
    private readonly rows: Record<string, unknown[]> = {},
  ) {}

  async query(sql: string, params: unknown[] = []): Promise<unknown[]> {
    this.statements.push(sql.trim().replace(/\s+/g, ' '));
    this.params.push(params);
    if (sql.includes('record_case_transition(')) return this.transitionReturns;
    for (const [needle, result] of Object.entries(this.rows)) if (sql.includes(needle)) return result;
    return [];
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    this.transactions += 1;
    return fn({
      query: (sql: string, params?: unknown[]) => this.query(sql, params),
    } as unknown as EntityManager);
  }

  getRepository() {
    return { findOneBy: async () => this.rows.state?.[0] ?? null };
  }

  asDataSource(): DataSource {
    return this as unknown as DataSource;
  }
}

describe('createProjectionActivities', () => {
  describe('recordTransition', () => {
    const snapshot = caseSnapshot({
      planCode: 'KG-NAP-2013',
      caseCode: 'U-1',
      seq: 2,
      steps: [stepSnapshot('execute'), stepSnapshot('head_approval')],
    });
    const applied = [{ case_id: 'case-id', snapshot_applied: true, events_appended: 2 }];

    it('sends the case, its steps in order and its events by seq in one statement, outside a transaction', async () => {
      const ds = new RecordingDataSource(applied);
      await createProjectionActivities({ dataSource: ds.asDataSource() }).recordTransition({
        snapshot,
        events: [caseEvent(2), caseEvent(1)],
      });
      expect(ds.transactions).toBe(0);
      expect(ds.statements).toHaveLength(1);
      expect(ds.statements[0]).toMatch(
        /^SELECT case_id, snapshot_applied, events_appended FROM record_case_transition\(/,
      );
      const params = ds.params[0];
      expect(params[0]).toBe(caseIdForWorkflow(snapshot.workflowId));
      expect(params[5]).toBe(snapshot.workflowId);
      expect(JSON.parse(params[16] as string)).toEqual(JSON.parse(JSON.stringify(snapshot)));
      const steps = JSON.parse(params[20] as string) as Array<{ key: string; actions: unknown }>;
      expect(steps.map((st) => st.key)).toEqual(['execute', 'head_approval']);
      expect(steps[0].actions).toEqual([]);
      const events = JSON.parse(params[21] as string) as Array<Record<string, unknown>>;
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      // the function fills in the case id (a stale snapshot's events go to the stored case)
      expect(events.every((e) => !('case_id' in e) && e.workflow_id === snapshot.workflowId)).toBe(true);
    });

    it('answers what the database did: the stored case id, whether the snapshot was applied, the events appended', async () => {
      const ds = new RecordingDataSource([
        { case_id: 'existing-id', snapshot_applied: false, events_appended: 1 },
      ]);
      await expect(
        new ReadModelRepository(ds.asDataSource()).recordTransition(snapshot, [caseEvent(1)]),
      ).resolves.toEqual({ caseId: 'existing-id', snapshotApplied: false, eventsAppended: 1 });
    });

    it('sends empty lists when there are no steps or events', async () => {
      const ds = new RecordingDataSource(applied);
      await createProjectionActivities({ dataSource: ds.asDataSource() }).recordTransition({
        snapshot: { ...snapshot, steps: [] },
        events: [],
      });
      expect([ds.params[0][20], ds.params[0][21]]).toEqual(['[]', '[]']);
    });
  });
});

describe('createCalendarDataSources', () => {
  it('returns the non-working dates with their reasons', async () => {
    const ds = new RecordingDataSource([], {
      non_working_days: [{ state_code: 'KG', date: '2026-03-09', reason: 'moved' }],
    });
    await expect(
      createCalendarDataSources({ dataSource: ds.asDataSource() }).nonWorkingDays('KG'),
    ).resolves.toEqual([{ date: '2026-03-09', reason: 'moved' }]);
  });

  it('fails for good, without retries, on an unknown state', async () => {
    const ds = new RecordingDataSource([]);
    const err = await createCalendarDataSources({ dataSource: ds.asDataSource() })
      .settingsOf('ZZ')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
  });
});
