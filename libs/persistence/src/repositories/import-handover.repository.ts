import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../sql-params';

/** One case's first steps as it recorded them for an import's notices workflow (the JSON it handed over). */
export interface HandedOverCase {
  caseWorkflowId: string;
  steps: unknown;
}

/**
 * The table an import's cases hand their first steps over through (migration ImportHandovers): the import's notices
 * workflow opens it, counts who has recorded, and closes it when it sends. Cases write into it with their start's
 * record (ReadModelRepository.recordTransition), and only while it is open.
 */
@Injectable()
export class ImportHandoverRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Opens the handover (again: nothing changes; a closed one stays closed). */
  async open(importWorkflowId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO import_handovers (import_workflow_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [importWorkflowId],
    );
  }

  /** How many cases have recorded their steps, and when the last one did (epoch ms; null when none has). */
  async count(importWorkflowId: string): Promise<{ cases: number; lastRecordedAt: number | null }> {
    const rows = await this.dataSource.query<Array<{ cases: number; last: Date | null }>>(
      `SELECT count(*)::int AS cases, max(recorded_at) AS last
         FROM import_handover_steps WHERE import_workflow_id = $1`,
      [importWorkflowId],
    );
    return { cases: rows[0].cases, lastRecordedAt: rows[0].last === null ? null : rows[0].last.getTime() };
  }

  /**
   * Closes the handover and returns every case recorded in it, by workflow id. Again after closing, the same list:
   * a retried activity sends what the first attempt would have. The close waits for the cases recording now (they
   * hold a share lock on the handover until they commit) and is read after them; a case that comes later finds it
   * closed and signals instead.
   */
  async close(importWorkflowId: string): Promise<HandedOverCase[]> {
    return this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO import_handovers AS h (import_workflow_id, closed_at) VALUES ($1, now())
         ON CONFLICT (import_workflow_id) DO UPDATE SET closed_at = coalesce(h.closed_at, now())`,
        [importWorkflowId],
      );
      // a statement of its own: its snapshot is taken after the close above had to wait for the recording cases
      const rows = await em.query<Array<{ case_workflow_id: string; steps: unknown }>>(
        `SELECT case_workflow_id, steps FROM import_handover_steps
          WHERE import_workflow_id = $1 ORDER BY case_workflow_id`,
        [importWorkflowId],
      );
      return rows.map((r) => ({ caseWorkflowId: r.case_workflow_id, steps: r.steps }));
    });
  }

  /** Deletes handovers closed before `before`, with their steps. */
  async purgeClosedBefore(before: Date): Promise<number> {
    const result = await this.dataSource.query<unknown>(
      `DELETE FROM import_handovers WHERE closed_at < $1 RETURNING 1`,
      [before],
    );
    return returnedRows(result).length;
  }
}
