import { ApplicationFailure } from '@temporalio/common';
import type { DataSource, EntityManager } from 'typeorm';
import { caseEvent, caseSnapshot, stepSnapshot } from '@app/persistence/testing/fixtures';
import { createCalendarDataSources, createProjectionActivities } from './projection.activities';

/** Records the SQL a DataSource would run; answers the case upsert with `upsertReturns`. */
class RecordingDataSource {
  readonly statements: string[] = [];
  transactions = 0;
  constructor(
    private readonly upsertReturns: { id: string }[],
    private readonly rows: Record<string, unknown[]> = {},
  ) {}

  private async query(sql: string): Promise<unknown[]> {
    const first = sql.trim().split(/\s+/).slice(0, 3).join(' ');
    this.statements.push(first);
    if (sql.includes('INSERT INTO cases')) return this.upsertReturns;
    if (sql.includes('SELECT id FROM cases')) return [{ id: 'existing-id' }];
    if (sql.includes('INSERT INTO audit_events')) return [];
    for (const [needle, result] of Object.entries(this.rows)) if (sql.includes(needle)) return result;
    return [];
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    this.transactions += 1;
    return fn({ query: (sql: string) => this.query(sql) } as unknown as EntityManager);
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
      steps: [stepSnapshot('execute')],
    });

    it('upserts the case, replaces its steps and appends the events in one transaction', async () => {
      const ds = new RecordingDataSource([{ id: 'case-id' }]);
      await createProjectionActivities({ dataSource: ds.asDataSource() }).recordTransition({
        snapshot,
        events: [caseEvent(2), caseEvent(1)],
      });
      expect(ds.transactions).toBe(1);
      expect(ds.statements).toEqual([
        'INSERT INTO cases',
        'DELETE FROM case_steps',
        'INSERT INTO case_steps',
        'INSERT INTO audit_events',
      ]);
    });

    it('leaves the steps alone when the stored snapshot is newer, and still appends the events', async () => {
      const ds = new RecordingDataSource([]);
      await createProjectionActivities({ dataSource: ds.asDataSource() }).recordTransition({
        snapshot,
        events: [caseEvent(1)],
      });
      expect(ds.statements).toEqual(['INSERT INTO cases', 'SELECT id FROM', 'INSERT INTO audit_events']);
    });

    it('writes no audit row when there are no events', async () => {
      const ds = new RecordingDataSource([{ id: 'case-id' }]);
      await createProjectionActivities({ dataSource: ds.asDataSource() }).recordTransition({
        snapshot: { ...snapshot, steps: [] },
        events: [],
      });
      expect(ds.statements).toEqual(['INSERT INTO cases', 'DELETE FROM case_steps']);
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
