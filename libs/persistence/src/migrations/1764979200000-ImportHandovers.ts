import { type MigrationInterface, type QueryRunner } from 'typeorm';

// An import's notices: each case the import starts records its first steps for the import's notices workflow here,
// in the statement that records its start (ReadModelRepository.recordTransition), instead of signalling that
// workflow (a signal between workflows cost the Temporal server about as much as the case's start itself). The
// notices workflow opens its handover, counts the cases that recorded into it, and closes it when it sends: a case
// that finds it closed (or never opened) signals instead. Reviewed SQL; never edit after it lands, add a new migration.
export class ImportHandovers1764979200000 implements MigrationInterface {
  name = 'ImportHandovers1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_handovers (
        import_workflow_id text PRIMARY KEY,
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE import_handover_steps (
        import_workflow_id text NOT NULL REFERENCES import_handovers ON DELETE CASCADE,
        case_workflow_id text NOT NULL,
        steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (import_workflow_id, case_workflow_id)
      )`);
    await q.query(
      `CREATE INDEX import_handovers_closed_idx ON import_handovers (closed_at) WHERE closed_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_handover_steps`);
    await q.query(`DROP TABLE import_handovers`);
  }
}
