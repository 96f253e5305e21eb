import { type MigrationInterface, type QueryRunner } from 'typeorm';

// A new kind of email: an import's new steps for one agency in one message (steps_assigned), instead of one
// step_assigned per measure. Reviewed SQL; never edit after it lands, add a new migration.
// The kinds as migration Mail allowed them, written out: a migration never follows later changes of NOTIFICATION_KINDS.
const KINDS_BEFORE = [
  'step_assigned',
  'reminder',
  'due_today',
  'overdue',
  'escalation',
  'decision_requested',
  'decision_made',
  'returned_for_rework',
  'case_closed',
  'weekly_digest',
];

function kindCheck(kinds: string[]): string {
  return `CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`;
}

export class StepsAssignedNotice1764892800000 implements MigrationInterface {
  name = 'StepsAssignedNotice1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_kind_check,
        ADD CONSTRAINT email_outbox_kind_check ${kindCheck([...KINDS_BEFORE, 'steps_assigned'])}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM email_outbox WHERE kind = 'steps_assigned'`);
    await q.query(`
      ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_kind_check,
        ADD CONSTRAINT email_outbox_kind_check ${kindCheck(KINDS_BEFORE)}`);
  }
}
