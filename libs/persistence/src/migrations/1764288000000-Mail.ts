import { type MigrationInterface, type QueryRunner } from 'typeorm';

// The email outbox, approve-by-email links (hashed tokens only) and calendar feed tokens. Reviewed SQL; never edit
// after it lands, add a new migration.
export class Mail1764288000000 implements MigrationInterface {
  name = 'Mail1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_outbox (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_key  text NOT NULL,
        recipient_email   text NOT NULL CHECK (recipient_email = lower(recipient_email)),
        kind              text NOT NULL CHECK (kind IN ('step_assigned', 'reminder', 'due_today', 'overdue', 'escalation',
                            'decision_requested', 'decision_made', 'returned_for_rework', 'case_closed', 'weekly_digest')),
        workflow_id       text NOT NULL,
        step_key          text,
        state_code        text REFERENCES states(code),
        person_id         uuid REFERENCES people(id) ON DELETE SET NULL,
        on_behalf_of      uuid REFERENCES people(id) ON DELETE SET NULL,
        language          text NOT NULL CHECK (language IN ('ru', 'en')),
        subject           text NOT NULL,
        html              text NOT NULL,
        text_body         text NOT NULL,
        message_id        text NOT NULL,
        status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts          integer NOT NULL DEFAULT 0,
        claimed_at        timestamptz,
        claim_id          uuid,
        sent_at           timestamptz,
        failed_at         timestamptz,
        last_error        text,
        smtp_response     text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT email_outbox_delivery_key UNIQUE (notification_key, recipient_email),
        CHECK ((status = 'sending') = (claim_id IS NOT NULL))
      )`);
    // What the coordinator looks at: permanent failures of their state, newest first.
    await q.query(
      `CREATE INDEX email_outbox_failed_idx ON email_outbox (state_code, failed_at DESC) WHERE status = 'failed'`,
    );
    await q.query(
      `CREATE INDEX email_outbox_unsent_idx ON email_outbox (created_at) WHERE status IN ('pending', 'sending')`,
    );
    await q.query(`CREATE INDEX email_outbox_workflow_idx ON email_outbox (workflow_id)`);

    await q.query(`
      CREATE TABLE email_links (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        outbox_id     uuid NOT NULL REFERENCES email_outbox(id) ON DELETE CASCADE,
        workflow_id   text NOT NULL,
        step_key      text NOT NULL,
        occurrence    integer NOT NULL,
        person_id     uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        on_behalf_of  uuid REFERENCES people(id) ON DELETE SET NULL,
        choices       text[] NOT NULL CHECK (cardinality(choices) > 0
                        AND choices <@ ARRAY['approve', 'approve_with_comments', 'request_changes', 'reject', 'complete']),
        expires_at    timestamptz NOT NULL,
        used_at       timestamptz,
        used_choice   text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT email_links_outbox_key UNIQUE (outbox_id),
        CHECK ((used_at IS NULL) = (used_choice IS NULL))
      )`);
    await q.query(`CREATE INDEX email_links_step_idx ON email_links (workflow_id, step_key, occurrence)`);
    await q.query(`
      CREATE TABLE email_link_tokens (
        token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        link_id     uuid NOT NULL REFERENCES email_links(id) ON DELETE CASCADE,
        issued_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX email_link_tokens_link_idx ON email_link_tokens (link_id)`);

    await q.query(`
      CREATE TABLE calendar_feed_tokens (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash   text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        scope        text NOT NULL CHECK (scope IN ('agency', 'person')),
        agency_code  text REFERENCES agencies(code) ON DELETE CASCADE,
        person_id    uuid REFERENCES people(id) ON DELETE CASCADE,
        label        text NOT NULL DEFAULT '',
        created_by   uuid REFERENCES people(id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        CONSTRAINT calendar_feed_tokens_hash_key UNIQUE (token_hash),
        CHECK ((scope = 'agency' AND agency_code IS NOT NULL AND person_id IS NULL)
            OR (scope = 'person' AND person_id IS NOT NULL AND agency_code IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_feed_tokens`);
    await q.query(`DROP TABLE email_link_tokens`);
    await q.query(`DROP TABLE email_links`);
    await q.query(`DROP TABLE email_outbox`);
  }
}
