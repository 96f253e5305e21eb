// The worker's connections send data statements as named prepared statements (libs/persistence/src/prepared-statements.ts),
// against real PostgreSQL: the same answers as unnamed statements, each text parsed once per connection, transaction
// control and DDL left unnamed, a statement that failed once (refused by a constraint or by the parser) sent again
// without a trace of the first attempt, and statements the server lost (DEALLOCATE ALL, a pooler) failing once, with
// what to do about it, then prepared again.
import { type DataSource } from 'typeorm';
import {
  caseIdForWorkflow,
  CasesRepository,
  connectDataSource,
  PlansRepository,
  ReadModelRepository,
  runMigrations,
} from '@app/persistence';
import { preparedStatementName } from '@app/persistence/prepared-statements';
import { createTemporaryDatabase, type TemporaryDatabase } from '@app/persistence/testing/temporary-database';
import { caseEvent, caseSnapshot, seedReference } from '@app/persistence/testing/fixtures';

describe('prepared statements (the worker’s connections)', () => {
  let db: TemporaryDatabase;
  let prepared: DataSource;
  let plain: DataSource;

  /** The statements the pool's one connection holds prepared. */
  const preparedOn = async (ds: DataSource): Promise<Array<{ name: string; statement: string }>> =>
    ds.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time, name`);

  beforeAll(async () => {
    db = await createTemporaryDatabase();
    await runMigrations(db.url);
    // one connection each, so pg_prepared_statements shows the connection the repositories used
    prepared = await connectDataSource(db.url, { poolSize: 1, preparedStatements: true });
    plain = await connectDataSource(db.url, { poolSize: 1 });
    await seedReference(plain);
    await new PlansRepository(plain).insertIfMissing({
      code: 'KG-NAP-2013',
      stateCode: 'KG',
      title: 'Kyrgyz NAP',
      adoptedOn: '2013-12-24',
    });
  }, 60_000);

  afterAll(async () => {
    await prepared?.destroy();
    await plain?.destroy();
    await db?.drop();
  }, 60_000);

  it('record and read a case as unnamed statements do, each text parsed once per connection', async () => {
    const snapshot = caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'M-1' });
    for (let seq = 1; seq <= 3; seq++)
      await new ReadModelRepository(prepared).recordTransition({ ...snapshot, seq, progress: seq / 10 }, [
        caseEvent(seq),
      ]);
    const id = caseIdForWorkflow(snapshot.workflowId);
    const viaPrepared = await new CasesRepository(prepared).findByWorkflowId(snapshot.workflowId);
    const viaPlain = await new CasesRepository(plain).findByWorkflowId(snapshot.workflowId);
    expect(viaPrepared).toEqual(viaPlain);
    expect(viaPrepared).toMatchObject({ id, seq: 3, progress: 0.3 });

    const held = await preparedOn(prepared);
    expect(held.length).toBeGreaterThan(0);
    // one entry per text, named after it: three transitions did not prepare three times
    expect(new Set(held.map((s) => s.name)).size).toBe(held.length);
    for (const s of held) expect(s.name).toBe(preparedStatementName(s.statement));
    expect(held.some((s) => s.statement.includes('record_case_transition'))).toBe(true);
    // transaction control is never prepared; the plain pool prepares nothing
    expect(held.some((s) => /^\s*(START|BEGIN|COMMIT|ROLLBACK|SET)\b/i.test(s.statement))).toBe(false);
    expect(await preparedOn(plain)).toEqual([]);
  });

  it('run a statement again after a constraint refused it, report a parse error each time, and run several in one text', async () => {
    const insert = `INSERT INTO action_plans (code, state_code, title) VALUES ($1, $2, $3)`;
    await prepared.query(insert, ['KG-TWICE', 'KG', 'Once']);
    await expect(prepared.query(insert, ['KG-TWICE', 'KG', 'Twice'])).rejects.toThrow(/duplicate key/);
    await prepared.query(insert, ['KG-THRICE', 'KG', 'Thrice']);
    const rows = await prepared.query<Array<{ code: string }>>(
      `SELECT code FROM action_plans WHERE code = ANY($1::text[]) ORDER BY code`,
      [['KG-THRICE', 'KG-TWICE']],
    );
    expect(rows.map((r) => r.code)).toEqual(['KG-THRICE', 'KG-TWICE']);

    // several statements in one text go unnamed, by the simple protocol, which alone can run them
    await prepared.query(`UPDATE action_plans SET title = title WHERE false; SELECT 1`);

    const broken = `SELECT code FROM action_plans WHERE code = $1 ORDER BY`;
    for (let i = 0; i < 2; i++) await expect(prepared.query(broken, ['x'])).rejects.toThrow(/syntax error/);
    expect((await preparedOn(prepared)).some((s) => s.statement === broken)).toBe(false);
  });

  it('fail once, saying what to do, when the server lost them, and prepare them again on the next calls', async () => {
    const read = `SELECT title FROM action_plans WHERE code = $1`;
    expect(await prepared.query(read, ['KG-TWICE'])).toEqual([{ title: 'Once' }]);
    const before = (await preparedOn(prepared)).length;
    expect(before).toBeGreaterThan(3);
    // as a pooler handing the session another server connection would, or a DISCARD ALL
    await prepared.query(`DEALLOCATE ALL`);
    await expect(prepared.query(read, ['KG-TWICE'])).rejects.toThrow(
      /prepared statement "napflow_.*" does not exist \(the worker prepares its statements .*DATABASE_PREPARED_STATEMENTS=false\)/,
    );
    // one failure, not one per statement the connection had prepared: the next calls, of any of them, prepare again
    expect(await prepared.query(read, ['KG-TWICE'])).toEqual([{ title: 'Once' }]);
    expect((await preparedOn(prepared)).map((s) => s.statement)).toContain(read);
  });

  it('keep answering after the schema changes under them (PostgreSQL re-plans)', async () => {
    const read = `SELECT code, title FROM action_plans WHERE code = $1`;
    expect(await prepared.query(read, ['KG-TWICE'])).toEqual([{ code: 'KG-TWICE', title: 'Once' }]);
    await plain.query(`ALTER TABLE action_plans ADD COLUMN scratch_note text`);
    await plain.query(`CREATE INDEX action_plans_title_scratch_idx ON action_plans (title)`);
    try {
      expect(await prepared.query(read, ['KG-TWICE'])).toEqual([{ code: 'KG-TWICE', title: 'Once' }]);
    } finally {
      await plain.query(`DROP INDEX action_plans_title_scratch_idx`);
      await plain.query(`ALTER TABLE action_plans DROP COLUMN scratch_note`);
    }
    expect(await prepared.query(read, ['KG-THRICE'])).toEqual([{ code: 'KG-THRICE', title: 'Thrice' }]);
  });
});
