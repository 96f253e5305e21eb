import { type MigrationInterface, type QueryRunner } from 'typeorm';

// One meaning of "overdue" for a case everywhere (case list and its filter, plan progress, plan health, case page):
// an active case is overdue from the earliest of its own due instant (midnight after due_on, local) and its open
// steps' due instants (18:00 of the step's last business day, local). Before this the case list and plan progress
// looked only at the case's own date, so a case whose step was hours or months late was listed as on time, while the
// plan health and the case page said overdue. Reviewed SQL; never edit after it lands, add a new migration.
//
// cases.overdue_at holds that instant for an active case and is null otherwise. The projection writes it with the
// case (ReadModelRepository), so the usual write costs nothing more. For every other writer (rebuild, tests, bulk SQL)
// and as a check on the projection, the plan counters (migration PlanCounters), which already recompute it as
// plan_case_contributions.health_due_at for every case any write touches, have it copied to the case at commit: a
// deferred trigger per replaced contribution row writes the case only if its value differs. At commit, not at once:
// one projection replaces a case's contribution up to three times (case row, its steps deleted, inserted again), and
// only the last value counts. The copy's UPDATE changes none of the columns the counters compare, so the counters'
// trigger it fires finds nothing to recount.
export class CaseOverdueAt1764720000000 implements MigrationInterface {
  name = 'CaseOverdueAt1764720000000';

  async up(q: QueryRunner): Promise<void> {
    // No writer may slip between the trigger's creation and the fill below.
    await q.query(`LOCK TABLE cases, case_steps IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`ALTER TABLE cases ADD COLUMN overdue_at timestamptz`);
    await q.query(`
      CREATE FUNCTION cases_overdue_at_from_contributions() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE cases c SET overdue_at = p.health_due_at
          FROM plan_case_contributions p
         WHERE c.id = NEW.case_id AND p.case_id = NEW.case_id AND c.overdue_at IS DISTINCT FROM p.health_due_at;
        RETURN NULL;
      END
      $$`);
    // A contribution is only ever replaced (deleted, then inserted): the row inserted last holds the case's value at
    // commit (read afresh there). A case whose contribution is deleted for good is itself deleted.
    await q.query(`
      CREATE CONSTRAINT TRIGGER cases_overdue_at AFTER INSERT ON plan_case_contributions
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION cases_overdue_at_from_contributions()`);
    await q.query(`
      UPDATE cases c SET overdue_at = p.health_due_at
        FROM plan_case_contributions p
       WHERE p.case_id = c.id AND p.health_due_at IS NOT NULL`);

    // The case list's overdue filter and its total, as the due-date indexes of migration DashboardIndexes served
    // them before (an index-only range per agency and plan); those indexes have no reader left.
    await q.query(`
      CREATE INDEX cases_active_lead_plan_overdue_idx ON cases (lead_agency, plan_code, overdue_at)
        INCLUDE (state_code) WHERE status = 'active'`);
    await q.query(`
      CREATE INDEX cases_active_plan_overdue_idx ON cases (plan_code, overdue_at)
        INCLUDE (state_code) WHERE status = 'active'`);
    await q.query(`DROP INDEX cases_active_lead_plan_due_idx`);
    await q.query(`DROP INDEX cases_active_plan_due_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX cases_active_plan_due_idx ON cases (plan_code, due_at) INCLUDE (state_code) WHERE status = 'active'`);
    await q.query(`
      CREATE INDEX cases_active_lead_plan_due_idx ON cases (lead_agency, plan_code, due_at)
        INCLUDE (state_code) WHERE status = 'active'`);
    await q.query(`DROP INDEX cases_active_plan_overdue_idx`);
    await q.query(`DROP INDEX cases_active_lead_plan_overdue_idx`);
    await q.query(`DROP TRIGGER cases_overdue_at ON plan_case_contributions`);
    await q.query(`DROP FUNCTION cases_overdue_at_from_contributions()`);
    await q.query(`ALTER TABLE cases DROP COLUMN overdue_at`);
  }
}
