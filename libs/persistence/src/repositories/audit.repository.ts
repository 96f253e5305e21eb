import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, CaseEvent, Channel } from '@app/domain/case/case.types';
import { iso } from '../sql-params';

/** An audit entry outside a workflow (login, administration) or inside one (workflowId + seq). */
export interface AuditEntry {
  type: string;
  caseId?: string | null;
  workflowId?: string | null;
  seq?: number | null;
  stepKey?: string | null;
  actor?: (Partial<Actor> & { personId?: string }) | null;
  channel?: Channel;
  ip?: string | null;
  at?: Date | string;
  data?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  caseId: string | null;
  workflowId: string | null;
  seq: number | null;
  type: string;
  stepKey: string | null;
  actorId: string | null;
  actorName: string | null;
  actorAgency: string | null;
  actorRole: string | null;
  onBehalfOf: string | null;
  channel: Channel;
  ip: string | null;
  at: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface ChainVerification {
  ok: boolean;
  /** rows checked */
  checked: number;
  /** first row whose prev_hash or hash does not match */
  firstBrokenId: number | null;
  reason: 'prev_hash' | 'hash' | null;
}

interface AuditRow {
  id: number;
  case_id: string | null;
  workflow_id: string | null;
  seq: number | null;
  type: string;
  step_key: string | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_agency: string | null;
  actor_role: string | null;
  on_behalf_of: string | null;
  channel: Channel;
  ip: string | null;
  at: Date;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS = `case_id, workflow_id, seq, type, step_key, actor_id, actor_name, actor_agency, actor_role, on_behalf_of,
  channel, ip, at, data`;
const SELECT = `SELECT id::float8 AS id, case_id, workflow_id, seq::float8 AS seq, type, step_key, actor_id, actor_name,
  actor_agency, actor_role, on_behalf_of, channel, ip, at, data, prev_hash, hash FROM audit_events`;

/** An entry's column values as the trail stores them, by column (`data` as an object, `at` as a Date). */
export function auditRowOf(e: AuditEntry) {
  const actor = e.actor ?? null;
  return {
    case_id: e.caseId ?? null,
    workflow_id: e.workflowId ?? null,
    seq: e.seq ?? null,
    type: e.type,
    step_key: e.stepKey ?? null,
    actor_id: actor?.personId ?? 'system',
    actor_name: actor?.name ?? null,
    actor_agency: actor?.agency ?? null,
    actor_role: actor?.role ?? null,
    on_behalf_of: actor?.onBehalfOf ?? null,
    channel: e.channel ?? actor?.channel ?? 'system',
    ip: e.ip ?? null,
    at: e.at === undefined ? new Date() : new Date(e.at),
    data: e.data ?? {},
  };
}

/** The parameters of one row of the INSERT below, in the order of COLUMNS. */
function rowValues(e: AuditEntry): unknown[] {
  const r = auditRowOf(e);
  return [
    r.case_id,
    r.workflow_id,
    r.seq,
    r.type,
    r.step_key,
    r.actor_id,
    r.actor_name,
    r.actor_agency,
    r.actor_role,
    r.on_behalf_of,
    r.channel,
    r.ip,
    r.at,
    JSON.stringify(r.data),
  ];
}

/** A workflow's CaseEvent as an audit entry. The actor's ip (if the API put one on it) is kept. */
export function auditEntryFromCaseEvent(
  caseId: string | null,
  workflowId: string,
  event: CaseEvent,
): AuditEntry {
  const actor = event.actor as (Actor & { ip?: string }) | undefined;
  return {
    caseId,
    workflowId,
    seq: event.seq,
    type: event.type,
    stepKey: event.stepKey ?? null,
    actor: actor ?? null,
    channel: actor?.channel ?? 'system',
    ip: typeof actor?.ip === 'string' ? actor.ip : null,
    at: event.at,
    data: event.data,
  };
}

/**
 * The append-only audit trail. The database assigns id, prev_hash and hash under an advisory lock (trigger
 * audit_events_chain) and refuses UPDATE, DELETE and TRUNCATE; verifyChain recomputes every hash.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Appends entries in order; workflow entries already present (same workflowId and seq) are skipped. Returns the ones written. */
  async append(entries: AuditEntry[], manager?: EntityManager): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    const run = async (m: EntityManager): Promise<AuditRecord[]> => {
      const params: unknown[] = [];
      const tuples = entries.map((e) => {
        const values = rowValues(e);
        const base = params.length;
        params.push(...values);
        return `(${values.map((_, i) => `$${base + i + 1}${i === 13 ? '::jsonb' : ''}`).join(', ')})`;
      });
      const rows = await m.query<AuditRow[]>(
        `INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(', ')}
         ON CONFLICT (workflow_id, seq) DO NOTHING
         RETURNING id::float8 AS id, case_id, workflow_id, seq::float8 AS seq, type, step_key, actor_id, actor_name,
                   actor_agency, actor_role, on_behalf_of, channel, ip, at, data, prev_hash, hash`,
        params,
      );
      return rows.map(toRecord);
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  async listByCase(caseId: string): Promise<AuditRecord[]> {
    const rows = await this.dataSource.query<AuditRow[]>(`${SELECT} WHERE case_id = $1 ORDER BY id`, [
      caseId,
    ]);
    return rows.map(toRecord);
  }

  async listByWorkflow(workflowId: string): Promise<AuditRecord[]> {
    const rows = await this.dataSource.query<AuditRow[]>(`${SELECT} WHERE workflow_id = $1 ORDER BY seq`, [
      workflowId,
    ]);
    return rows.map(toRecord);
  }

  /** Recomputes the whole chain: every prev_hash must be the previous row's hash and every hash must match its row. */
  async verifyChain(): Promise<ChainVerification> {
    const rows = await this.dataSource.query<
      { checked: number; first_id: number | null; reason: 'prev_hash' | 'hash' | null }[]
    >(
      `WITH chain AS (
         SELECT e.id, e.prev_hash, e.hash,
                coalesce(lag(e.hash) OVER (ORDER BY e.id), '') AS expected_prev,
                audit_event_hash(e.prev_hash, e) AS expected_hash
         FROM audit_events e
       ), bad AS (
         SELECT id, CASE WHEN prev_hash <> expected_prev THEN 'prev_hash' ELSE 'hash' END AS reason
         FROM chain WHERE prev_hash <> expected_prev OR hash <> expected_hash
         ORDER BY id LIMIT 1
       )
       SELECT (SELECT count(*)::int FROM audit_events) AS checked, bad.id::float8 AS first_id, bad.reason
       FROM (SELECT 1) one LEFT JOIN bad ON TRUE`,
    );
    const r = rows[0];
    return { ok: r.first_id === null, checked: r.checked, firstBrokenId: r.first_id, reason: r.reason };
  }
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    caseId: r.case_id,
    workflowId: r.workflow_id,
    seq: r.seq,
    type: r.type,
    stepKey: r.step_key,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorAgency: r.actor_agency,
    actorRole: r.actor_role,
    onBehalfOf: r.on_behalf_of,
    channel: r.channel,
    ip: r.ip,
    at: iso(r.at) as string,
    data: r.data,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
