import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '@app/domain/case/case.types';
import { AuditRepository, auditEntryFromCaseEvent } from './audit.repository';
import { caseIdForWorkflow } from './cases.repository';

export interface TransitionResult {
  caseId: string;
  /** false when the stored snapshot was newer (seq) or identical, and the case row and steps were left alone */
  snapshotApplied: boolean;
  /** audit events written now (events already in the trail are skipped) */
  eventsAppended: number;
}

/** Writes what case workflows report: the case row, its steps and its audit events. Idempotent by (workflowId, seq). */
@Injectable()
export class ReadModelRepository {
  private readonly audit: AuditRepository;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.audit = new AuditRepository(dataSource);
  }

  /** One transaction: upsert the case unless a newer snapshot is stored, replace its steps, append the events. */
  recordTransition(snapshot: CaseSnapshot, events: CaseEvent[]): Promise<TransitionResult> {
    return this.dataSource.transaction(async (m) => {
      const applied = await this.upsertCase(m, snapshot);
      const caseId = applied ?? (await this.caseId(m, snapshot.workflowId));
      if (applied) await this.replaceSteps(m, applied, snapshot);
      const ordered = [...events].sort((a, b) => a.seq - b.seq);
      // The audit insert takes the chain lock: do it last so the lock is held only until the commit that follows.
      const written = await this.audit.append(
        ordered.map((e) => auditEntryFromCaseEvent(caseId, snapshot.workflowId, e)),
        m,
      );
      return { caseId, snapshotApplied: applied !== null, eventsAppended: written.length };
    });
  }

  /** Returns the case id when the snapshot was written, null when the stored one is newer or the same. */
  private async upsertCase(m: EntityManager, s: CaseSnapshot): Promise<string | null> {
    const rows = await m.query<{ id: string }[]>(
      `INSERT INTO cases AS c (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies,
                               status, due_on, due_at, overdue_at, time_zone, progress, definition_key,
                               definition_version, seq, snapshot, started_at, closed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11::date, ($11::date + 1)::timestamp AT TIME ZONE $12,
               -- while active, the earliest of its own due instant and its open steps' (migration CaseOverdueAt)
               CASE WHEN $10 = 'active' THEN least(($11::date + 1)::timestamp AT TIME ZONE $12, $20::timestamptz) END,
               $12, $13, $14, $15, $16, $17::jsonb, $18, $19, now())
       ON CONFLICT (workflow_id) DO UPDATE SET
         title = EXCLUDED.title, lead_agency = EXCLUDED.lead_agency, supporting_agencies = EXCLUDED.supporting_agencies,
         status = EXCLUDED.status, due_on = EXCLUDED.due_on, due_at = EXCLUDED.due_at,
         overdue_at = EXCLUDED.overdue_at, time_zone = EXCLUDED.time_zone,
         progress = EXCLUDED.progress, definition_key = EXCLUDED.definition_key,
         definition_version = EXCLUDED.definition_version, seq = EXCLUDED.seq, snapshot = EXCLUDED.snapshot,
         started_at = EXCLUDED.started_at, closed_at = EXCLUDED.closed_at, updated_at = now()
       -- newer snapshots win; the same seq again rewrites only if the workflow reported something different
       WHERE c.seq < EXCLUDED.seq OR (c.seq = EXCLUDED.seq AND c.snapshot IS DISTINCT FROM EXCLUDED.snapshot)
       RETURNING c.id`,
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
      ],
    );
    return rows[0]?.id ?? null;
  }

  private async caseId(m: EntityManager, workflowId: string): Promise<string> {
    const rows = await m.query<{ id: string }[]>(`SELECT id FROM cases WHERE workflow_id = $1`, [workflowId]);
    return rows[0].id;
  }

  private async replaceSteps(m: EntityManager, caseId: string, s: CaseSnapshot): Promise<void> {
    await m.query(`DELETE FROM case_steps WHERE case_id = $1`, [caseId]);
    if (s.steps.length === 0) return;
    const params: unknown[] = [];
    const tuples = s.steps.map((step, position) => {
      const values = [
        caseId,
        step.key,
        step.title,
        step.kind,
        step.status,
        step.assignees,
        step.dueOn,
        step.dueAt,
        step.startedAt,
        step.completedAt,
        step.occurrence,
        position,
        JSON.stringify(step.actions ?? []),
        step.approval ? JSON.stringify(step.approval) : null,
      ];
      const casts = [
        '',
        '',
        '',
        '',
        '',
        '::text[]',
        '::date',
        '::timestamptz',
        '::timestamptz',
        '::timestamptz',
        '',
        '',
        '::jsonb',
        '::jsonb',
      ];
      const base = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${base + i + 1}${casts[i]}`).join(', ')})`;
    });
    await m.query(
      `INSERT INTO case_steps (case_id, key, title, kind, status, assignees, due_on, due_at, started_at, completed_at,
                               occurrence, position, actions, approval)
       VALUES ${tuples.join(', ')}`,
      params,
    );
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
