import { type MigrationInterface, type QueryRunner } from 'typeorm';

// The first schema of napflow: reference data, the case read model, the append-only audit trail and the tables the
// API needs (definitions, tokens, idempotency keys). Reviewed SQL; never edit after it lands, add a new migration.
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE states (
        code             text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
        name             text NOT NULL,
        name_ru          text,
        time_zone        text NOT NULL,
        holiday_calendar text,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE agencies (
        code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
        name        text NOT NULL,
        name_ru     text,
        state_code  text REFERENCES states(code),
        kind        text NOT NULL DEFAULT 'agency' CHECK (kind IN ('ministry', 'agency', 'international')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (state_code IS NOT NULL OR kind = 'international')
      )`);
    await q.query(`CREATE INDEX agencies_state_idx ON agencies (state_code)`);
    await q.query(`
      CREATE TABLE non_working_days (
        state_code  text NOT NULL REFERENCES states(code) ON DELETE CASCADE,
        date        date NOT NULL,
        reason      text NOT NULL DEFAULT '',
        PRIMARY KEY (state_code, date)
      )`);
    await q.query(`
      CREATE TABLE people (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email          text NOT NULL CHECK (email = lower(email)),
        name           text NOT NULL,
        language       text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
        agency_code    text NOT NULL REFERENCES agencies(code),
        role           text NOT NULL CHECK (role IN ('admin', 'coordinator', 'focal_point', 'observer')),
        password_hash  text,
        deputy_id      uuid REFERENCES people(id) ON DELETE SET NULL,
        away_from      date,
        away_until     date,
        active         boolean NOT NULL DEFAULT true,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT people_email_key UNIQUE (email),
        CHECK (deputy_id IS NULL OR deputy_id <> id),
        CHECK (away_until IS NULL OR away_from IS NULL OR away_until >= away_from)
      )`);
    await q.query(`CREATE INDEX people_agency_role_idx ON people (agency_code, role) WHERE active`);
    await q.query(`
      CREATE TABLE action_plans (
        code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        state_code  text NOT NULL REFERENCES states(code),
        title       text NOT NULL,
        adopted_on  date,
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX action_plans_state_idx ON action_plans (state_code)`);
    // A plan is observed by an organisation (agency_code) or by every person of a state (peer review partner).
    await q.query(`
      CREATE TABLE plan_shares (
        id          bigserial PRIMARY KEY,
        plan_code   text NOT NULL REFERENCES action_plans(code) ON DELETE CASCADE,
        agency_code text REFERENCES agencies(code) ON DELETE CASCADE,
        state_code  text REFERENCES states(code) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK ((agency_code IS NULL) <> (state_code IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX plan_shares_agency_key ON plan_shares (plan_code, agency_code) WHERE agency_code IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX plan_shares_state_key ON plan_shares (plan_code, state_code) WHERE state_code IS NOT NULL`,
    );
    await q.query(`CREATE INDEX plan_shares_agency_idx ON plan_shares (agency_code)`);
    await q.query(`CREATE INDEX plan_shares_state_idx ON plan_shares (state_code)`);

    // The read model of the case workflows. Temporal is the source of truth; seq orders the snapshots.
    await q.query(`
      CREATE TABLE cases (
        id                  uuid PRIMARY KEY,
        plan_code           text NOT NULL REFERENCES action_plans(code),
        state_code          text NOT NULL REFERENCES states(code),
        kind                text NOT NULL,
        code                text NOT NULL,
        workflow_id         text NOT NULL,
        title               text NOT NULL,
        lead_agency         text NOT NULL,
        supporting_agencies text[] NOT NULL DEFAULT '{}',
        area_paragraph      text,
        area_weapon         text CHECK (area_weapon IN ('nuclear', 'chemical', 'biological', 'all')),
        status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'rejected', 'withdrawn')),
        due_on              date,
        due_at              timestamptz,
        time_zone           text,
        progress            numeric(5, 4) NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        definition_key      text NOT NULL,
        definition_version  integer,
        seq                 bigint NOT NULL DEFAULT -1,
        snapshot            jsonb,
        started_at          timestamptz NOT NULL DEFAULT now(),
        closed_at           timestamptz,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cases_workflow_id_key UNIQUE (workflow_id),
        CONSTRAINT cases_plan_code_key UNIQUE (plan_code, code)
      )`);
    // Dashboard lists: a filter column, the status, then the sort key (due date) so a page is an index range scan.
    await q.query(`CREATE INDEX cases_plan_status_due_idx ON cases (plan_code, status, due_on, id)`);
    await q.query(`CREATE INDEX cases_state_status_due_idx ON cases (state_code, status, due_on, id)`);
    await q.query(`CREATE INDEX cases_lead_status_due_idx ON cases (lead_agency, status, due_on, id)`);
    await q.query(`CREATE INDEX cases_supporting_gin ON cases USING gin (supporting_agencies)`);
    await q.query(`CREATE INDEX cases_due_idx ON cases (due_on, id)`);
    await q.query(`CREATE INDEX cases_overdue_idx ON cases (due_at) WHERE status = 'active'`);
    await q.query(`CREATE INDEX cases_area_idx ON cases (area_paragraph, area_weapon)`);

    await q.query(`
      CREATE TABLE case_steps (
        case_id       uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        key           text NOT NULL,
        title         text NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('task', 'approval', 'milestone', 'wait')),
        status        text NOT NULL CHECK (status IN ('pending', 'active', 'done', 'skipped', 'withdrawn')),
        assignees     text[] NOT NULL DEFAULT '{}',
        due_on        date,
        due_at        timestamptz,
        started_at    timestamptz,
        completed_at  timestamptz,
        occurrence    integer NOT NULL DEFAULT 0,
        position      integer NOT NULL DEFAULT 0,
        actions       jsonb NOT NULL DEFAULT '[]',
        approval      jsonb,
        PRIMARY KEY (case_id, key)
      )`);
    // The inbox: active steps whose assignees contain the caller's agency.
    await q.query(
      `CREATE INDEX case_steps_active_assignees_gin ON case_steps USING gin (assignees) WHERE status = 'active'`,
    );
    await q.query(`CREATE INDEX case_steps_active_due_idx ON case_steps (due_at) WHERE status = 'active'`);

    // The audit trail: append-only, hash-chained. The chain is global and ordered by id; ids are drawn under a
    // transaction-level advisory lock so the chain order is the commit order.
    await q.query(`
      CREATE TABLE audit_events (
        id            bigserial PRIMARY KEY,
        case_id       uuid REFERENCES cases(id),
        workflow_id   text,
        seq           bigint,
        type          text NOT NULL,
        step_key      text,
        actor_id      text,
        actor_name    text,
        actor_agency  text,
        actor_role    text,
        on_behalf_of  text,
        channel       text NOT NULL DEFAULT 'system' CHECK (channel IN ('dashboard', 'api', 'email', 'system')),
        ip            text,
        at            timestamptz NOT NULL DEFAULT now(),
        data          jsonb NOT NULL DEFAULT '{}',
        prev_hash     text NOT NULL DEFAULT '',
        hash          text NOT NULL DEFAULT '',
        CONSTRAINT audit_events_workflow_seq_key UNIQUE (workflow_id, seq),
        CHECK ((workflow_id IS NULL) = (seq IS NULL))
      )`);
    await q.query(`CREATE INDEX audit_events_case_idx ON audit_events (case_id, id)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id)`);
    // What the hash covers: every column but the hashes, in a fixed order; jsonb renders keys in a fixed order.
    await q.query(`
      CREATE FUNCTION audit_event_canonical(e audit_events) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT jsonb_build_array(
          e.id, e.case_id, e.workflow_id, e.seq, e.type, e.step_key, e.actor_id, e.actor_name, e.actor_agency,
          e.actor_role, e.on_behalf_of, e.channel, e.ip,
          to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.data
        )::text
      $$`);
    await q.query(`
      CREATE FUNCTION audit_event_hash(prev_hash text, e audit_events) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(prev_hash || audit_event_canonical(e), 'UTF8')), 'hex')
      $$`);
    await q.query(`
      CREATE FUNCTION audit_events_chain() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        last_hash text;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'audit_events are appended in READ COMMITTED transactions only (the chain needs the latest row)';
        END IF;
        -- Held until commit: appends are serialised, so the next writer sees this row as the last one.
        PERFORM pg_advisory_xact_lock(1540, 0);
        NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
        SELECT hash INTO last_hash FROM audit_events ORDER BY id DESC LIMIT 1;
        NEW.prev_hash := coalesce(last_hash, '');
        NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
        RETURN NEW;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`);
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);

    await q.query(`
      CREATE TABLE attachments (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id       uuid REFERENCES cases(id),
        name          text NOT NULL,
        content_type  text NOT NULL,
        size          bigint NOT NULL CHECK (size >= 0),
        sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key   text NOT NULL,
        uploaded_by   uuid REFERENCES people(id),
        at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX attachments_case_idx ON attachments (case_id, at)`);
    await q.query(`
      CREATE TABLE process_definitions (
        key           text NOT NULL,
        version       integer NOT NULL CHECK (version > 0),
        definition    jsonb NOT NULL,
        published_by  uuid REFERENCES people(id),
        published_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, version)
      )`);
    await q.query(`
      CREATE TABLE access_tokens (
        token_hash  text PRIMARY KEY,
        person_id   uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        expires_at  timestamptz NOT NULL,
        revoked_at  timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX access_tokens_person_idx ON access_tokens (person_id)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        person_id     uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        key           text NOT NULL,
        method        text NOT NULL,
        path          text NOT NULL,
        request_hash  text NOT NULL,
        status        integer,
        response      jsonb,
        created_at    timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        PRIMARY KEY (person_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The hash functions take the audit_events row type: drop them before the table.
    await q.query(`DROP FUNCTION audit_event_hash(text, audit_events)`);
    await q.query(`DROP FUNCTION audit_event_canonical(audit_events)`);
    for (const table of [
      'idempotency_keys',
      'access_tokens',
      'process_definitions',
      'attachments',
      'audit_events',
      'case_steps',
      'cases',
      'plan_shares',
      'action_plans',
      'people',
      'non_working_days',
      'agencies',
      'states',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION audit_events_refuse_change()`);
    await q.query(`DROP FUNCTION audit_events_chain()`);
  }
}
