import { type MigrationInterface, type QueryRunner } from 'typeorm';

// The inbox's total from the plan counters (migration PlanCounters) instead of counting every matching step on each
// request (issue #7, scenario 4: an agency with 20,000 open steps cost ~10 ms of PostgreSQL per inbox page, the
// count alone). Reviewed SQL; never edit after it lands, add a new migration.
//
// plan_holding_counts already holds, per plan, agency and due instant, the open steps of active cases. The inbox of
// one agency is that sum over the plans the caller may read, plus its open steps without a due instant, which the
// counters leave out (few; a partial index finds them).
//
// The counters count a step once per element of its assignees, the inbox lists it once: a step's assignees are a
// set. The domain never repeats an agency; a trigger now makes that true for every writer (projection, rebuild,
// tests, bulk SQL) by dropping repeats, first occurrence kept, so the two can never disagree.
export class InboxCounts1764633600000 implements MigrationInterface {
  name = 'InboxCounts1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION case_steps_distinct_assignees() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF cardinality(NEW.assignees) > 1 THEN
          NEW.assignees := ARRAY(SELECT a.agency FROM unnest(NEW.assignees) WITH ORDINALITY AS a(agency, n)
                                  GROUP BY a.agency ORDER BY min(a.n));
        END IF;
        RETURN NEW;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER case_steps_distinct_assignees BEFORE INSERT OR UPDATE OF assignees ON case_steps
      FOR EACH ROW EXECUTE FUNCTION case_steps_distinct_assignees()`);
    // Rows written before the trigger (the plan counters' statement triggers recount the cases touched).
    await q.query(`
      UPDATE case_steps SET assignees = assignees
       WHERE cardinality(assignees) > (SELECT count(DISTINCT a) FROM unnest(assignees) AS a)`);
    // One agency's counter rows over every plan, without visiting the table (index-only).
    await q.query(
      `CREATE INDEX plan_holding_counts_agency_idx ON plan_holding_counts (agency, plan_code) INCLUDE (steps)`,
    );
    await q.query(`
      CREATE INDEX case_steps_active_undated_assignees_gin ON case_steps USING gin (assignees)
       WHERE status = 'active' AND due_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_steps_active_undated_assignees_gin`);
    await q.query(`DROP INDEX plan_holding_counts_agency_idx`);
    await q.query(`DROP TRIGGER case_steps_distinct_assignees ON case_steps`);
    await q.query(`DROP FUNCTION case_steps_distinct_assignees()`);
  }
}
