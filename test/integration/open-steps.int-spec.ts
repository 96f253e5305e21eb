// The open steps a calendar feed and a weekly digest list (StepsRepository.openStepsOf) against real PostgreSQL:
// only steps of cases the feed's owner may see, as for their emails: of their own state, or of a plan shared with
// their agency or state. A step of a KG case assigned to a TJ agency was listed in that agency's feed and digest
// whether or not the plan was shared with it (a share revoked, a deputy from elsewhere).
import { type DataSource } from 'typeorm';
import {
  connectDataSource,
  PlansRepository,
  ReadModelRepository,
  runMigrations,
  StepsRepository,
} from '@app/persistence';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { caseEvent, caseSnapshot, seedReference, stepSnapshot } from '@app/persistence/testing/fixtures';

describe('StepsRepository.openStepsOf', () => {
  let db: TemporaryDatabase;
  let ds: DataSource;
  let steps: StepsRepository;
  let plans: PlansRepository;
  const NOW = new Date('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    ds = await connectDataSource(db.url, { poolSize: 2 });
    await seedReference(ds);
    steps = new StepsRepository(ds);
    plans = new PlansRepository(ds);
    const open = (key: string, assignees: string[]) =>
      stepSnapshot(key, {
        status: 'active',
        assignees,
        dueOn: '2026-03-10',
        dueAt: '2026-03-10T12:00:00.000Z',
        occurrence: 1,
      });
    const model = new ReadModelRepository(ds);
    // a KG peer review whose joint report waits on both states, and a TJ case of TJ-CS alone
    await model.recordTransition(
      caseSnapshot({
        planCode: 'KG-NAP-2013',
        caseCode: 'PR-1',
        steps: [open('joint_report', ['KG-SCS', 'TJ-CS'])],
      }),
      [caseEvent(1)],
    );
    await model.recordTransition(
      caseSnapshot({ planCode: 'TJ-PLAN', caseCode: 'TJ-1', steps: [open('execute', ['TJ-CS'])] }),
      [caseEvent(1)],
    );
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  }, 60_000);

  const codes = async (agency: string, stateCode: string | null) =>
    (await steps.openStepsOf([agency], { agencyCode: agency, stateCode }, NOW)).map((s) => s.caseCode).sort();

  it('lists a step of another state only while its plan is shared with the agency or its state', async () => {
    expect(await codes('KG-SCS', 'KG')).toEqual(['PR-1']);
    expect(await codes('TJ-CS', 'TJ')).toEqual(['TJ-1']);
    await plans.share('KG-NAP-2013', { stateCode: 'TJ' });
    expect(await codes('TJ-CS', 'TJ')).toEqual(['PR-1', 'TJ-1']);
    await plans.unshare('KG-NAP-2013', { stateCode: 'TJ' });
    expect(await codes('TJ-CS', 'TJ')).toEqual(['TJ-1']);
    await plans.share('KG-NAP-2013', { agencyCode: 'TJ-CS' });
    expect(await codes('TJ-CS', 'TJ')).toEqual(['PR-1', 'TJ-1']);
    await plans.unshare('KG-NAP-2013', { agencyCode: 'TJ-CS' });
  });

  it("lists a colleague's steps to a deputy from elsewhere only where the deputy may see them", async () => {
    // an OSCE person's own feed with TJ-CS among its agencies (a deputy set across organisations)
    const forOsce = await steps.openStepsOf(['TJ-CS'], { agencyCode: 'OSCE-CPC', stateCode: null }, NOW);
    expect(forOsce).toEqual([]);
    await plans.share('TJ-PLAN', { agencyCode: 'OSCE-CPC' });
    const shared = await steps.openStepsOf(['TJ-CS'], { agencyCode: 'OSCE-CPC', stateCode: null }, NOW);
    expect(shared.map((s) => s.caseCode)).toEqual(['TJ-1']);
  });
});
