import { type MigrationInterface, type QueryRunner } from 'typeorm';

// What a case workflow reports (the case row, its steps, its new audit events) written by one statement: the worker
// sent BEGIN, the case upsert, the steps' delete and insert, the audit insert and COMMIT, six round trips, and the
// plan counters' lock (taken by the case upsert's trigger) and the audit chain's lock were held across the round trips
// between them, so under load every projection of a plan queued behind the slowest worker's event loop. The function
// runs the same statements, in the same order, inside the caller's statement: called outside a transaction block it
// commits when it returns, and the locks are held for the server's own work only. Reviewed SQL; never edit after it
// lands (a change is a new migration that replaces the function).
//
// The statement triggers that keep the plan counters (migration PlanCounters) skip the writes of this function, which
// recomputes the case's contribution once after them: one plan_counts_sync per transition instead of three.

/** The statement triggers' functions of migration PlanCounters, as they were (restored by down). */
const TRIGGER_BODIES = {
  cases_plan_counts: `
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
        RETURN NULL;`,
  case_steps_plan_counts: `
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
        RETURN NULL;`,
};

/**
 * While record_case_transition writes (it sets napflow.plan_counts_deferred for its own statements only, and back to
 * off before it returns), the triggers leave the counters to its single plan_counts_sync; every other writer is
 * counted as before. The setting is this function's alone: anything else that set it would stop the counters.
 */
const DEFERRABLE = `
        IF current_setting('napflow.plan_counts_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;`;

function triggerFunction(name: keyof typeof TRIGGER_BODIES, deferrable: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN${deferrable ? DEFERRABLE : ''}${TRIGGER_BODIES[name]}
      END
      $$`;
}

export class RecordCaseTransition1764806400000 implements MigrationInterface {
  name = 'RecordCaseTransition1764806400000';

  async up(q: QueryRunner): Promise<void> {
    for (const name of Object.keys(TRIGGER_BODIES) as Array<keyof typeof TRIGGER_BODIES>)
      await q.query(triggerFunction(name, true));
    await q.query(`
      CREATE FUNCTION record_case_transition(
        p_id uuid, p_plan_code text, p_state_code text, p_kind text, p_code text, p_workflow_id text, p_title text,
        p_lead_agency text, p_supporting_agencies text[], p_status text, p_due_on date, p_time_zone text,
        p_progress numeric, p_definition_key text, p_definition_version integer, p_seq bigint, p_snapshot jsonb,
        p_started_at timestamptz, p_closed_at timestamptz, p_open_step_due timestamptz,
        -- [{key, title, kind, status, assignees, due_on, due_at, started_at, completed_at, occurrence, actions,
        --   approval}] in their order
        p_steps jsonb,
        -- [{workflow_id, seq, type, step_key, actor_id, actor_name, actor_agency, actor_role, on_behalf_of, channel,
        --   ip, at, data}] in the order they are appended (by seq)
        p_events jsonb)
      RETURNS TABLE (case_id uuid, snapshot_applied boolean, events_appended integer)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        applied uuid;
        the_case uuid;
        appended integer;
      BEGIN
        -- The plan counters are brought up to date once, below, instead of by each write's statement trigger (three
        -- recomputations of the case's contribution, the first holding the plan's lock across the other writes).
        PERFORM set_config('napflow.plan_counts_deferred', 'on', true);
        INSERT INTO cases AS c (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency,
                                supporting_agencies, status, due_on, due_at, overdue_at, time_zone, progress,
                                definition_key, definition_version, seq, snapshot, started_at, closed_at, updated_at)
        VALUES (p_id, p_plan_code, p_state_code, p_kind, p_code, p_workflow_id, p_title, p_lead_agency,
                p_supporting_agencies, p_status, p_due_on, (p_due_on + 1)::timestamp AT TIME ZONE p_time_zone,
                -- while active, the earliest of its own due instant and its open steps' (migration CaseOverdueAt)
                CASE WHEN p_status = 'active'
                     THEN least((p_due_on + 1)::timestamp AT TIME ZONE p_time_zone, p_open_step_due) END,
                p_time_zone, p_progress, p_definition_key, p_definition_version, p_seq, p_snapshot, p_started_at,
                p_closed_at, now())
        ON CONFLICT (workflow_id) DO UPDATE SET
          title = EXCLUDED.title, lead_agency = EXCLUDED.lead_agency, supporting_agencies = EXCLUDED.supporting_agencies,
          status = EXCLUDED.status, due_on = EXCLUDED.due_on, due_at = EXCLUDED.due_at,
          overdue_at = EXCLUDED.overdue_at, time_zone = EXCLUDED.time_zone,
          progress = EXCLUDED.progress, definition_key = EXCLUDED.definition_key,
          definition_version = EXCLUDED.definition_version, seq = EXCLUDED.seq, snapshot = EXCLUDED.snapshot,
          started_at = EXCLUDED.started_at, closed_at = EXCLUDED.closed_at, updated_at = now()
        -- newer snapshots win; the same seq again rewrites only if the workflow reported something different
        WHERE c.seq < EXCLUDED.seq OR (c.seq = EXCLUDED.seq AND c.snapshot IS DISTINCT FROM EXCLUDED.snapshot)
        RETURNING c.id INTO applied;

        IF applied IS NOT NULL THEN
          the_case := applied;
          DELETE FROM case_steps s WHERE s.case_id = applied;
          IF jsonb_array_length(p_steps) > 0 THEN
            INSERT INTO case_steps (case_id, key, title, kind, status, assignees, due_on, due_at, started_at,
                                    completed_at, occurrence, position, actions, approval)
            SELECT applied, st.key, st.title, st.kind, st.status, st.assignees, st.due_on, st.due_at, st.started_at,
                   st.completed_at, st.occurrence, (o.n - 1)::integer, coalesce(o.step -> 'actions', '[]'::jsonb),
                   nullif(o.step -> 'approval', 'null'::jsonb)
              FROM jsonb_array_elements(p_steps) WITH ORDINALITY AS o(step, n)
             CROSS JOIN LATERAL jsonb_to_record(o.step) AS st(key text, title text, kind text, status text,
                          assignees text[], due_on date, due_at timestamptz, started_at timestamptz,
                          completed_at timestamptz, occurrence integer)
             ORDER BY o.n;
          END IF;
          PERFORM set_config('napflow.plan_counts_deferred', 'off', true);
          PERFORM plan_counts_sync(ARRAY[applied]);
        ELSE
          PERFORM set_config('napflow.plan_counts_deferred', 'off', true);
          SELECT c.id INTO the_case FROM cases c WHERE c.workflow_id = p_workflow_id;
        END IF;

        -- Last: the audit insert takes the chain's lock (trigger audit_events_chain), held only until the commit.
        appended := 0;
        IF jsonb_array_length(p_events) > 0 THEN
          WITH written AS (
            INSERT INTO audit_events (case_id, workflow_id, seq, type, step_key, actor_id, actor_name, actor_agency,
                                      actor_role, on_behalf_of, channel, ip, at, data)
            SELECT the_case, e.workflow_id, e.seq, e.type, e.step_key, e.actor_id, e.actor_name, e.actor_agency,
                   e.actor_role, e.on_behalf_of, e.channel, e.ip, e.at, coalesce(o.event -> 'data', '{}'::jsonb)
              FROM jsonb_array_elements(p_events) WITH ORDINALITY AS o(event, n)
             CROSS JOIN LATERAL jsonb_to_record(o.event) AS e(workflow_id text, seq bigint, type text, step_key text,
                          actor_id text, actor_name text, actor_agency text, actor_role text, on_behalf_of text,
                          channel text, ip text, at timestamptz)
             ORDER BY o.n
            ON CONFLICT (workflow_id, seq) DO NOTHING
            RETURNING 1)
          SELECT count(*)::integer INTO appended FROM written;
        END IF;

        RETURN QUERY SELECT the_case, applied IS NOT NULL, appended;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of Object.keys(TRIGGER_BODIES) as Array<keyof typeof TRIGGER_BODIES>)
      await q.query(triggerFunction(name, false));
    await q.query(
      `DROP FUNCTION record_case_transition(uuid, text, text, text, text, text, text, text, text[], text, date, text,
         numeric, text, integer, bigint, jsonb, timestamptz, timestamptz, timestamptz, jsonb, jsonb)`,
    );
  }
}
