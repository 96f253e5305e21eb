import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '@app/domain/case/case.types';
import { auditEntryFromCaseEvent, auditRowOf } from './audit.repository';
import { caseIdForWorkflow } from './cases.repository';

export interface TransitionResult {
  caseId: string;
  /** false when the stored snapshot was newer (seq) or identical, and the case row and steps were left alone */
  snapshotApplied: boolean;
  /** audit events written now (events already in the trail are skipped) */
  eventsAppended: number;
  /** with a handover: whether the import's notices workflow has the case's steps (recorded now or before) */
  handedOver?: boolean;
}

/** A case's first steps for its import's notices workflow (migration ImportHandovers), recorded with its start. */
export interface ImportHandover {
  importWorkflowId: string;
  /** the steps as the notices workflow lists them (JSON array) */
  steps: unknown[];
}

/** Writes what case workflows report: the case row, its steps and its audit events. Idempotent by (workflowId, seq). */
@Injectable()
export class ReadModelRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * One statement (function record_case_transition, migration RecordCaseTransition), committed when it returns:
   * upsert the case unless a newer snapshot is stored, replace its steps, append the events (those already in the
   * trail are skipped). One round trip instead of six, and the plan counters' and audit chain's locks are held for
   * the server's work only.
   *
   * With a handover, the same statement records the case's steps for its import's notices workflow, if that
   * workflow's handover is open (a share lock on it until commit: its close waits for this record); `handedOver`
   * says whether they are there, recorded now or by an earlier attempt. When it is false the case signals instead.
   */
  async recordTransition(
    snapshot: CaseSnapshot,
    events: CaseEvent[],
    handover?: ImportHandover,
  ): Promise<TransitionResult> {
    const s = snapshot;
    const steps = s.steps.map((step) => ({
      key: step.key,
      title: step.title,
      kind: step.kind,
      status: step.status,
      assignees: step.assignees,
      due_on: step.dueOn,
      due_at: step.dueAt,
      started_at: step.startedAt,
      completed_at: step.completedAt,
      occurrence: step.occurrence,
      actions: step.actions ?? [],
      approval: step.approval ?? null,
    }));
    // the case id is the function's to fill in: a stale snapshot's events go to the stored case's id
    const ordered = [...events]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => {
        const { case_id: _caseId, ...row } = auditRowOf(auditEntryFromCaseEvent(null, s.workflowId, e));
        return row;
      });
    const record = `SELECT case_id, snapshot_applied, events_appended
         FROM record_case_transition($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11::date, $12, $13, $14, $15,
                                     $16, $17::jsonb, $18, $19, $20::timestamptz, $21::jsonb, $22::jsonb)`;
    const rows = await this.dataSource.query<
      Array<{ case_id: string; snapshot_applied: boolean; events_appended: number; handed_over?: boolean }>
    >(
      handover
        ? `WITH recorded AS (${record}),
                handed AS (
                  INSERT INTO import_handover_steps (import_workflow_id, case_workflow_id, steps)
                  SELECT h.import_workflow_id, $6, $24::jsonb FROM import_handovers h
                   WHERE h.import_workflow_id = $23 AND h.closed_at IS NULL
                     FOR SHARE
                  ON CONFLICT DO NOTHING RETURNING 1)
           SELECT recorded.*,
                  EXISTS (SELECT 1 FROM handed)
                  OR EXISTS (SELECT 1 FROM import_handover_steps
                              WHERE import_workflow_id = $23 AND case_workflow_id = $6) AS handed_over
             FROM recorded`
        : record,
      [
        caseIdForWorkflow(s.workflowId),
        s.planCode,
        s.stateCode,
        s.kind,
        s.caseCode,
        s.workflowId,
        s.title,
        s.leadAgency,
        s.supportingAgencies,
        s.status,
        s.dueOn,
        s.timeZone,
        Math.min(Math.max(s.progress, 0), 1),
        s.definitionKey,
        s.definitionVersion,
        s.seq,
        JSON.stringify(s),
        s.startedAt,
        s.closedAt,
        earliestOpenStepDue(s),
        JSON.stringify(steps),
        JSON.stringify(ordered),
        ...(handover ? [handover.importWorkflowId, JSON.stringify(handover.steps)] : []),
      ],
    );
    const r = rows[0];
    return {
      caseId: r.case_id,
      snapshotApplied: r.snapshot_applied,
      eventsAppended: r.events_appended,
      ...(handover ? { handedOver: r.handed_over === true } : {}),
    };
  }
}

/** The earliest due instant of the snapshot's active steps (ISO), null when none has one. */
function earliestOpenStepDue(s: CaseSnapshot): string | null {
  let min: number | null = null;
  for (const step of s.steps) {
    if (step.status !== 'active' || step.dueAt === null) continue;
    const t = Date.parse(step.dueAt);
    if (min === null || t < min) min = t;
  }
  return min === null ? null : new Date(min).toISOString();
}
