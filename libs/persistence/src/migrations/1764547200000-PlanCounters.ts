import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Per-plan counters for the plan overview (GET /plans/:code), kept exact by PostgreSQL itself, so the overview reads a
// few hundred counter rows instead of aggregating every case of the plan. Reviewed SQL; never edit after it lands.
//
// plan_case_contributions holds, per case, exactly what the case adds to the counters: its grouping columns, and for
// an active case its due instant, its health due instant (the earliest of its own and its open steps' due instants),
// whether an open step was sent back or escalated, and the (assignee, due instant) pairs of its open steps. Any write
// to cases or case_steps recomputes the contribution of the cases it touched from the tables; the difference from the
// stored contribution is added to the counters. Recomputing instead of patching keeps every writer (projection,
// rebuild, tests, bulk SQL) right without knowing about the counters.
//
// Overdue and due soon depend on the time of the read, not of the write: the counters are keyed by the due instants,
// and the overview sums the keys due before now (or before now + horizon), so they stay right as time passes.
//
// Concurrency: a writer takes a transaction-level advisory lock per plan before reading the stored contributions, and
// holds it until commit. A writer that waited therefore reads (READ COMMITTED: a fresh snapshot per statement) what
// the previous one committed, so no count is lost, and counter rows are only ever locked by the holder of their
// plan's lock, so two writers never deadlock on them.
export class PlanCounters1764547200000 implements MigrationInterface {
  name = 'PlanCounters1764547200000';

  async up(q: QueryRunner): Promise<void> {
    // No writer may slip between the triggers' creation and the fill below.
    await q.query(`LOCK TABLE cases, case_steps IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`
      CREATE TABLE plan_case_contributions (
        case_id          uuid PRIMARY KEY,
        plan_code        text NOT NULL,
        status           text NOT NULL,
        lead_agency      text NOT NULL,
        area_paragraph   text,
        area_weapon      text,
        due_at           timestamptz,
        health_due_at    timestamptz,
        blocked          boolean NOT NULL,
        progress         numeric NOT NULL,
        holding_agencies text[] NOT NULL,
        holding_due      timestamptz[] NOT NULL
      )`);
    // Keyed by every column the overview groups or filters on; the time-dependent columns are null unless active.
    await q.query(`
      CREATE TABLE plan_case_counts (
        plan_code      text NOT NULL,
        status         text NOT NULL,
        lead_agency    text NOT NULL,
        area_paragraph text,
        area_weapon    text,
        blocked        boolean NOT NULL,
        due_at         timestamptz,
        health_due_at  timestamptz,
        cases          integer NOT NULL,
        progress_sum   numeric NOT NULL,
        CONSTRAINT plan_case_counts_key UNIQUE NULLS NOT DISTINCT
          (plan_code, status, lead_agency, area_paragraph, area_weapon, blocked, due_at, health_due_at)
      )`);
    // Open steps of active cases, counted once per assignee, by due instant: the agencies holding up the plan.
    await q.query(`
      CREATE TABLE plan_holding_counts (
        plan_code text NOT NULL,
        agency    text,
        due_at    timestamptz NOT NULL,
        steps     integer NOT NULL,
        CONSTRAINT plan_holding_counts_key UNIQUE NULLS NOT DISTINCT (plan_code, due_at, agency)
      )`);
    // Rows that dropped to zero are deleted right away; these find them without a pass over the plan's rows.
    await q.query(`CREATE INDEX plan_case_counts_zero_idx ON plan_case_counts (plan_code) WHERE cases = 0`);
    await q.query(
      `CREATE INDEX plan_holding_counts_zero_idx ON plan_holding_counts (plan_code) WHERE steps = 0`,
    );

    await q.query(`
      CREATE FUNCTION plan_case_contributions_of(ids uuid[]) RETURNS SETOF plan_case_contributions
      LANGUAGE sql STABLE AS $$
        SELECT c.id, c.plan_code, c.status, c.lead_agency, c.area_paragraph, c.area_weapon,
               CASE WHEN c.status = 'active' THEN c.due_at END,
               CASE WHEN c.status = 'active' THEN least(c.due_at, st.due_at) END,
               c.status = 'active' AND coalesce(st.blocked, false),
               c.progress,
               CASE WHEN c.status = 'active' THEN coalesce(h.agencies, '{}') ELSE '{}' END,
               CASE WHEN c.status = 'active' THEN coalesce(h.due, '{}') ELSE '{}' END
          FROM (SELECT DISTINCT unnest(ids) AS id) i
          JOIN cases c ON c.id = i.id
          -- Steps by case only, through the primary key (the status is in the aggregates): a bulk write plans this
          -- with stale statistics, and a partial index on active steps combined into the lookup scans every active
          -- step of the table once per case.
          LEFT JOIN LATERAL (
            SELECT min(s.due_at) FILTER (WHERE s.status = 'active') AS due_at,
                   bool_or((s.actions -> -1) ->> 'action' IN ('request_changes', 'reject', 'escalated'))
                     FILTER (WHERE s.status = 'active') AS blocked
              FROM case_steps s
             WHERE s.case_id = c.id) st ON true
          LEFT JOIN LATERAL (
            SELECT array_agg(a.agency ORDER BY a.agency, s.due_at) AS agencies,
                   array_agg(s.due_at ORDER BY a.agency, s.due_at) AS due
              FROM case_steps s
             CROSS JOIN LATERAL unnest(CASE WHEN s.status = 'active' AND s.due_at IS NOT NULL THEN s.assignees END)
                     AS a(agency)
             WHERE s.case_id = c.id) h ON true
      $$`);
    await q.query(`
      CREATE FUNCTION plan_counts_sync(ids uuid[]) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        plans text[];
        plan text;
        fresh plan_case_contributions[];
        gone plan_case_contributions[];
        came plan_case_contributions[];
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN
          RETURN;
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'cases and case_steps are written in READ COMMITTED transactions only (plan counters)';
        END IF;
        SELECT array_agg(DISTINCT p.plan_code ORDER BY p.plan_code) INTO plans
          FROM (SELECT c.plan_code FROM unnest(ids) AS i(id) JOIN cases c ON c.id = i.id
                UNION ALL
                SELECT o.plan_code FROM unnest(ids) AS i(id) JOIN plan_case_contributions o ON o.case_id = i.id) p;
        -- Held until commit, taken in one order: see the comment of the migration. (The ids drive every lookup, one
        -- index probe each: a bulk write passes every id, and id = ANY(ids) or a semi-join on them can go quadratic.)
        FOREACH plan IN ARRAY coalesce(plans, '{}') LOOP
          PERFORM pg_advisory_xact_lock(1541, hashtext(plan));
        END LOOP;

        SELECT coalesce(array_agg(f), '{}') INTO fresh FROM plan_case_contributions_of(ids) f;
        SELECT coalesce(array_agg(x::plan_case_contributions), '{}') INTO gone
          FROM (SELECT o.* FROM (SELECT DISTINCT unnest(ids) AS id) i JOIN plan_case_contributions o ON o.case_id = i.id
                EXCEPT ALL SELECT * FROM unnest(fresh)) x;
        SELECT coalesce(array_agg(x::plan_case_contributions), '{}') INTO came
          FROM (SELECT * FROM unnest(fresh)
                EXCEPT ALL SELECT o.* FROM (SELECT DISTINCT unnest(ids) AS id) i JOIN plan_case_contributions o ON o.case_id = i.id) x;
        IF cardinality(gone) = 0 AND cardinality(came) = 0 THEN
          RETURN;
        END IF;

        INSERT INTO plan_case_counts AS k
               (plan_code, status, lead_agency, area_paragraph, area_weapon, blocked, due_at, health_due_at, cases,
                progress_sum)
        SELECT d.plan_code, d.status, d.lead_agency, d.area_paragraph, d.area_weapon, d.blocked, d.due_at,
               d.health_due_at, sum(d.n), sum(d.n * d.progress)
          FROM (SELECT g.*, -1 AS n FROM unnest(gone) g UNION ALL SELECT c.*, 1 AS n FROM unnest(came) c) d
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(d.n) <> 0 OR sum(d.n * d.progress) <> 0
        ON CONFLICT (plan_code, status, lead_agency, area_paragraph, area_weapon, blocked, due_at, health_due_at)
        DO UPDATE SET cases = k.cases + EXCLUDED.cases, progress_sum = k.progress_sum + EXCLUDED.progress_sum;
        DELETE FROM plan_case_counts WHERE plan_code = ANY(plans) AND cases = 0;

        INSERT INTO plan_holding_counts AS k (plan_code, agency, due_at, steps)
        SELECT d.plan_code, d.agency, d.due_at, sum(d.n)
          FROM (SELECT g.plan_code, a.agency, a.due_at, -1 AS n
                  FROM unnest(gone) g CROSS JOIN LATERAL unnest(g.holding_agencies, g.holding_due) AS a(agency, due_at)
                UNION ALL
                SELECT c.plan_code, a.agency, a.due_at, 1 AS n
                  FROM unnest(came) c CROSS JOIN LATERAL unnest(c.holding_agencies, c.holding_due) AS a(agency, due_at)) d
         GROUP BY 1, 2, 3
        HAVING sum(d.n) <> 0
        ON CONFLICT (plan_code, due_at, agency) DO UPDATE SET steps = k.steps + EXCLUDED.steps;
        DELETE FROM plan_holding_counts WHERE plan_code = ANY(plans) AND steps = 0;

        DELETE FROM plan_case_contributions o USING unnest(gone) g WHERE o.case_id = g.case_id;
        INSERT INTO plan_case_contributions SELECT * FROM unnest(came);
      END
      $$`);

    // Statement-level: a bulk write recomputes its cases once. Updates recompute only the cases whose counted
    // columns changed (a snapshot rewrite of the same state costs one comparison).
    await q.query(`
      CREATE FUNCTION cases_plan_counts() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM plan_counts_sync(ARRAY(SELECT id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM plan_counts_sync(ARRAY(SELECT id FROM old_rows));
        ELSE
          PERFORM plan_counts_sync(ARRAY(
            SELECT id FROM (
              (SELECT id, plan_code, status, lead_agency, area_paragraph, area_weapon, due_at, progress FROM new_rows
               EXCEPT
               SELECT id, plan_code, status, lead_agency, area_paragraph, area_weapon, due_at, progress FROM old_rows)
              UNION ALL
              (SELECT id, plan_code, status, lead_agency, area_paragraph, area_weapon, due_at, progress FROM old_rows
               EXCEPT
               SELECT id, plan_code, status, lead_agency, area_paragraph, area_weapon, due_at, progress FROM new_rows)
            ) changed GROUP BY id));
        END IF;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE FUNCTION case_steps_plan_counts() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM plan_counts_sync(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM plan_counts_sync(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        ELSE
          PERFORM plan_counts_sync(ARRAY(
            SELECT case_id FROM (
              (SELECT case_id, key, status, due_at, assignees, (actions -> -1) ->> 'action' FROM new_rows
               EXCEPT
               SELECT case_id, key, status, due_at, assignees, (actions -> -1) ->> 'action' FROM old_rows)
              UNION ALL
              (SELECT case_id, key, status, due_at, assignees, (actions -> -1) ->> 'action' FROM old_rows
               EXCEPT
               SELECT case_id, key, status, due_at, assignees, (actions -> -1) ->> 'action' FROM new_rows)
            ) changed GROUP BY case_id));
        END IF;
        RETURN NULL;
      END
      $$`);
    for (const table of ['cases', 'case_steps']) {
      const fn = `${table}_plan_counts()`;
      await q.query(`
        CREATE TRIGGER ${table}_plan_counts_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
      await q.query(`
        CREATE TRIGGER ${table}_plan_counts_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
      await q.query(`
        CREATE TRIGGER ${table}_plan_counts_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
    }
    // TRUNCATE fires no row triggers: start over from what is left.
    await q.query(`
      CREATE FUNCTION plan_counts_truncated() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'cases' THEN
          TRUNCATE plan_case_contributions, plan_case_counts, plan_holding_counts;
        ELSE
          PERFORM plan_counts_sync(ARRAY(SELECT case_id FROM plan_case_contributions));
        END IF;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER cases_plan_counts_truncate AFTER TRUNCATE ON cases
      FOR EACH STATEMENT EXECUTE FUNCTION plan_counts_truncated()`);
    await q.query(`
      CREATE TRIGGER case_steps_plan_counts_truncate AFTER TRUNCATE ON case_steps
      FOR EACH STATEMENT EXECUTE FUNCTION plan_counts_truncated()`);

    // The rows that exist already.
    await q.query(`SELECT plan_counts_sync(ARRAY(SELECT id FROM cases))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER case_steps_plan_counts_truncate ON case_steps`);
    await q.query(`DROP TRIGGER cases_plan_counts_truncate ON cases`);
    await q.query(`DROP FUNCTION plan_counts_truncated()`);
    for (const table of ['case_steps', 'cases']) {
      await q.query(`DROP TRIGGER ${table}_plan_counts_delete ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_plan_counts_update ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_plan_counts_insert ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_plan_counts()`);
    }
    await q.query(`DROP FUNCTION plan_counts_sync(uuid[])`);
    await q.query(`DROP FUNCTION plan_case_contributions_of(uuid[])`);
    await q.query(`DROP TABLE plan_holding_counts`);
    await q.query(`DROP TABLE plan_case_counts`);
    await q.query(`DROP TABLE plan_case_contributions`);
  }
}
