import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Indexes for the dashboard queries over a large read model (issue #7, scenario 4 of the benchmark): the case list's
// total, the plan overview and the inbox. Reviewed SQL; never edit after it lands, add a new migration.
//
// case_steps gets a copy of its case's plan and state, the two columns every access scope filters on, so the inbox
// can apply the caller's scope and count its steps without joining every matching step to its case. A case never
// changes plan or state (they are its business key), and a trigger fills the copy on insert, so every writer
// (projection, rebuild, tests, bulk SQL) keeps it right without knowing about it.
export class DashboardIndexes1764460800000 implements MigrationInterface {
  name = 'DashboardIndexes1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_steps ADD COLUMN plan_code text, ADD COLUMN state_code text`);
    await q.query(`
      UPDATE case_steps s SET plan_code = c.plan_code, state_code = c.state_code
        FROM cases c WHERE c.id = s.case_id`);
    await q.query(`
      CREATE FUNCTION case_steps_case_keys() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        SELECT c.plan_code, c.state_code INTO NEW.plan_code, NEW.state_code FROM cases c WHERE c.id = NEW.case_id;
        RETURN NEW;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER case_steps_case_keys BEFORE INSERT OR UPDATE OF case_id, plan_code, state_code ON case_steps
      FOR EACH ROW EXECUTE FUNCTION case_steps_case_keys()`);
    // Not expected to fire (the upsert of a snapshot never sets plan_code or state_code); keeps the copy right if a
    // hand-written UPDATE ever moves a case.
    await q.query(`
      CREATE FUNCTION cases_copy_keys_to_steps() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE case_steps SET plan_code = NEW.plan_code, state_code = NEW.state_code WHERE case_id = NEW.id;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER cases_copy_keys_to_steps AFTER UPDATE OF plan_code, state_code ON cases
      FOR EACH ROW WHEN (OLD.plan_code IS DISTINCT FROM NEW.plan_code OR OLD.state_code IS DISTINCT FROM NEW.state_code)
      EXECUTE FUNCTION cases_copy_keys_to_steps()`);

    // The case list's total (a page is already an ordered range of cases_plan_status_due_idx): the active cases an
    // agency leads, of a plan, overdue, as an index-only range with the scope's columns at hand; and the same
    // without the agency.
    await q.query(`
      CREATE INDEX cases_active_lead_plan_due_idx ON cases (lead_agency, plan_code, due_at)
        INCLUDE (state_code) WHERE status = 'active'`);
    await q.query(`
      CREATE INDEX cases_active_plan_due_idx ON cases (plan_code, due_at) INCLUDE (state_code) WHERE status = 'active'`);
    // The plan overview's per-case health looks only at the plan's open steps due within the horizon, and at the
    // few sent back or escalated: both are ranges of small partial indexes instead of a pass over every step.
    await q.query(`
      CREATE INDEX case_steps_active_plan_due_idx ON case_steps (plan_code, due_at)
        INCLUDE (case_id, assignees) WHERE status = 'active'`);
    await q.query(`
      CREATE INDEX case_steps_active_blocked_idx ON case_steps (plan_code, case_id)
        WHERE status = 'active' AND ((actions -> -1) ->> 'action') IN ('request_changes', 'reject', 'escalated')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_steps_active_blocked_idx`);
    await q.query(`DROP INDEX case_steps_active_plan_due_idx`);
    await q.query(`DROP INDEX cases_active_plan_due_idx`);
    await q.query(`DROP INDEX cases_active_lead_plan_due_idx`);
    await q.query(`DROP TRIGGER cases_copy_keys_to_steps ON cases`);
    await q.query(`DROP FUNCTION cases_copy_keys_to_steps()`);
    await q.query(`DROP TRIGGER case_steps_case_keys ON case_steps`);
    await q.query(`DROP FUNCTION case_steps_case_keys()`);
    await q.query(`ALTER TABLE case_steps DROP COLUMN state_code, DROP COLUMN plan_code`);
  }
}
