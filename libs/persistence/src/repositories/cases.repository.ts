import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type {
  CaseSnapshot,
  CaseStatus,
  StepAction,
  StepKind,
  StepSnapshot,
  StepStatus,
} from '@app/domain/case/case.types';
import { type AccessScope, scopeCondition } from '../access-scope';
import type { Weapon } from '../entities/case.entity';
import { AlreadyExistsError, isUniqueViolation, translateWriteError } from '../persistence.errors';
import { iso, likePattern, returnedRows, SqlParams } from '../sql-params';

/** The case id is derived from the workflow id, so every writer (API, projection, rebuild) agrees on it. */
export function caseIdForWorkflow(workflowId: string): string {
  const h = createHash('sha1').update(`napflow:case:${workflowId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5 layout
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface NewCase {
  planCode: string;
  stateCode: string;
  kind: string;
  code: string;
  workflowId: string;
  title: string;
  leadAgency: string;
  supportingAgencies?: string[];
  areaParagraph?: string | null;
  areaWeapon?: Weapon | null;
  dueOn: string | null;
  timeZone: string;
  definitionKey?: string;
  definitionVersion?: number | null;
}

export interface CaseSummary {
  id: string;
  planCode: string;
  stateCode: string;
  kind: string;
  code: string;
  workflowId: string;
  title: string;
  leadAgency: string;
  supportingAgencies: string[];
  areaParagraph: string | null;
  areaWeapon: Weapon | null;
  status: CaseStatus;
  dueOn: string | null;
  dueAt: string | null;
  overdue: boolean;
  progress: number;
  definitionKey: string;
  definitionVersion: number | null;
  seq: number;
  startedAt: string;
  closedAt: string | null;
  updatedAt: string;
}

/** A step as the read model stores it: the workflow's step snapshot without its upcoming notices. */
export type CaseStep = Omit<StepSnapshot, 'approval' | 'nextNotices'> & {
  approval: StepSnapshot['approval'] | null;
};

export interface CaseDetail extends CaseSummary {
  steps: CaseStep[];
  /** the last snapshot the workflow reported (null while reserved) */
  snapshot: CaseSnapshot | null;
}

export interface CaseFilters {
  planCode?: string;
  stateCode?: string;
  /** lead or supporting agency */
  agency?: string;
  kind?: string;
  status?: CaseStatus | CaseStatus[];
  /** true: active and past its own or an open step's due instant; false: not overdue */
  overdue?: boolean;
  /** due on or before this local date */
  dueBefore?: string;
  /** due on or after this local date */
  dueAfter?: string;
  /** an operative paragraph ("OP3" matches "OP3(d)") or a weapon type */
  area?: string;
  /** words in the title or the code (case-insensitive) */
  text?: string;
}

/** The columns GET /cases may sort by; a leading `-` sorts descending. */
export const CASE_SORT_KEYS = [
  'code',
  'title',
  'leadAgency',
  'dueOn',
  'status',
  'progress',
  'updatedAt',
] as const;
export type CaseSortKey = (typeof CASE_SORT_KEYS)[number];
export type CaseSort = CaseSortKey | `-${CaseSortKey}`;

// the whitelist: the only SQL a sort key can turn into (input is never interpolated)
const SORT_COLUMNS: Record<CaseSortKey, string> = {
  code: 'c.code',
  title: 'c.title',
  leadAgency: 'c.lead_agency',
  dueOn: 'c.due_on',
  status: 'c.status',
  progress: 'c.progress',
  updatedAt: 'c.updated_at',
};

/** ORDER BY for a sort: nulls last in both directions, then the id so pages are stable. */
export function caseOrderBy(sort: CaseSort = 'dueOn'): string {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as CaseSortKey;
  const column = SORT_COLUMNS[key];
  if (!column) throw new Error(`unknown case sort ${JSON.stringify(sort)}`);
  return `${column} ${desc ? 'DESC' : 'ASC'} NULLS LAST, c.id ASC`;
}

export interface PageRequest {
  /** default 50, at most 200 */
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface CaseRow {
  id: string;
  plan_code: string;
  state_code: string;
  kind: string;
  code: string;
  workflow_id: string;
  title: string;
  lead_agency: string;
  supporting_agencies: string[];
  area_paragraph: string | null;
  area_weapon: Weapon | null;
  status: CaseStatus;
  due_on: string | null;
  due_at: Date | null;
  overdue: boolean;
  progress: number;
  definition_key: string;
  definition_version: number | null;
  seq: number;
  started_at: Date;
  closed_at: Date | null;
  updated_at: Date;
}

/** Select list for CaseRow; `$now` must be bound by the caller through `nowParam`. */
export function caseColumns(nowParam: string): string {
  return `${caseBaseColumns(nowParam)}, c.definition_key, c.definition_version, c.seq::float8 AS seq, c.started_at,
    c.closed_at, c.updated_at`;
}

export function toCaseSummary(r: CaseRow): CaseSummary {
  return {
    ...toCaseBase(r),
    definitionKey: r.definition_key,
    definitionVersion: r.definition_version,
    seq: r.seq,
    startedAt: iso(r.started_at) as string,
    closedAt: iso(r.closed_at),
    updatedAt: iso(r.updated_at) as string,
  };
}

/** The step a case waits on, as the case list shows it: its active step due first (then the first in order). */
export interface CurrentStep {
  key: string;
  title: string;
  assignees: string[];
  dueOn: string | null;
}

/**
 * A case as the dashboard list shows it: the summary without its other timestamps, with the step it waits on (its
 * definition names that step in other languages).
 */
export type CaseListItem = { currentStep: CurrentStep | null } & Pick<
  CaseSummary,
  | 'definitionKey'
  | 'definitionVersion'
  | 'id'
  | 'planCode'
  | 'stateCode'
  | 'kind'
  | 'code'
  | 'workflowId'
  | 'title'
  | 'leadAgency'
  | 'supportingAgencies'
  | 'areaParagraph'
  | 'areaWeapon'
  | 'status'
  | 'dueOn'
  | 'dueAt'
  | 'overdue'
  | 'progress'
>;

type CaseListRow = { current_step: CurrentStep | null } & Pick<
  CaseRow,
  | 'definition_key'
  | 'definition_version'
  | 'id'
  | 'plan_code'
  | 'state_code'
  | 'kind'
  | 'code'
  | 'workflow_id'
  | 'title'
  | 'lead_agency'
  | 'supporting_agencies'
  | 'area_paragraph'
  | 'area_weapon'
  | 'status'
  | 'due_on'
  | 'due_at'
  | 'overdue'
  | 'progress'
>;

function caseBaseColumns(nowParam: string): string {
  return `c.id, c.plan_code, c.state_code, c.kind, c.code, c.workflow_id, c.title, c.lead_agency,
    c.supporting_agencies, c.area_paragraph, c.area_weapon, c.status, c.due_on::text AS due_on, c.due_at,
    coalesce(c.status = 'active' AND c.overdue_at < ${nowParam}, false) AS overdue, c.progress::float8 AS progress`;
}

// The list reads only what it needs: fewer timestamps to parse into Dates and back into strings, 50 rows a page.
function caseListColumns(nowParam: string): string {
  return `${caseBaseColumns(nowParam)}, c.definition_key, c.definition_version,
    -- a subquery in the select list: PostgreSQL runs it for the page's rows only, after the sort and the limit
    (SELECT json_build_object('key', s.key, 'title', s.title, 'assignees', s.assignees, 'dueOn', s.due_on)
       FROM case_steps s WHERE s.case_id = c.id AND s.status = 'active'
      ORDER BY s.due_at ASC NULLS LAST, s.position, s.key LIMIT 1) AS current_step`;
}

function toCaseListItem(r: CaseListRow): CaseListItem {
  return {
    ...toCaseBase(r),
    definitionKey: r.definition_key,
    definitionVersion: r.definition_version,
    currentStep: r.current_step,
  };
}

function toCaseBase(
  r: Omit<CaseListRow, 'current_step'>,
): Omit<CaseListItem, 'currentStep' | 'definitionKey' | 'definitionVersion'> {
  return {
    id: r.id,
    planCode: r.plan_code,
    stateCode: r.state_code,
    kind: r.kind,
    code: r.code,
    workflowId: r.workflow_id,
    title: r.title,
    leadAgency: r.lead_agency,
    supportingAgencies: r.supporting_agencies,
    areaParagraph: r.area_paragraph,
    areaWeapon: r.area_weapon,
    status: r.status,
    dueOn: r.due_on,
    dueAt: iso(r.due_at),
    overdue: r.overdue,
    progress: r.progress,
  };
}

export function pageBounds(page: PageRequest = {}): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 200);
  const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
  return { limit, offset };
}

const WEAPONS = new Set(['nuclear', 'chemical', 'biological', 'all']);

@Injectable()
export class CasesRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Writes the case row before its workflow starts (seq -1), so the API can answer 409 on a second create and the
   * area, which the workflow does not carry, is stored. `created: false` returns the existing case untouched.
   */
  async reserve(input: NewCase): Promise<{ created: boolean; case: CaseSummary }> {
    const id = caseIdForWorkflow(input.workflowId);
    let created = false;
    try {
      const rows = await this.dataSource.query<unknown[]>(
        `INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies,
                            area_paragraph, area_weapon, status, due_on, due_at, time_zone, definition_key,
                            definition_version, seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, 'active', $12::date,
                 ($12::date + 1)::timestamp AT TIME ZONE $13, $13, $14, $15, -1)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          id,
          input.planCode,
          input.stateCode,
          input.kind,
          input.code,
          input.workflowId,
          input.title,
          input.leadAgency,
          input.supportingAgencies ?? [],
          input.areaParagraph ?? null,
          input.areaWeapon ?? null,
          input.dueOn,
          input.timeZone,
          input.definitionKey ?? input.kind,
          input.definitionVersion ?? null,
        ],
      );
      created = rows.length > 0;
    } catch (err) {
      translateWriteError(err, 'case', `${input.planCode}/${input.code}`);
    }
    const existing = await this.findByCode(input.planCode, input.code);
    if (!existing) throw new AlreadyExistsError('case', input.workflowId);
    return { created, case: existing };
  }

  /** Removes a reserved case whose workflow never started (seq still -1). */
  async releaseReservation(id: string): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(`DELETE FROM cases WHERE id = $1 AND seq = -1 RETURNING id`, [id]),
    );
    return rows.length > 0;
  }

  async findById(id: string, scope: AccessScope, now: Date = new Date()): Promise<CaseDetail | null> {
    const sql = new SqlParams();
    const nowP = sql.add(now);
    const rows = await this.dataSource.query<(CaseRow & { snapshot: CaseSnapshot | null })[]>(
      `SELECT ${caseColumns(nowP)}, c.snapshot FROM cases c
       WHERE c.id = ${sql.add(id)} AND ${scopeCondition(scope, sql, 'c.plan_code', 'c.state_code')}`,
      sql.values,
    );
    if (!rows[0]) return null;
    return { ...toCaseSummary(rows[0]), snapshot: rows[0].snapshot, steps: await this.steps(id) };
  }

  async findByWorkflowId(workflowId: string, now: Date = new Date()): Promise<CaseSummary | null> {
    const rows = await this.dataSource.query<CaseRow[]>(
      `SELECT ${caseColumns('$2')} FROM cases c WHERE c.workflow_id = $1`,
      [workflowId, now],
    );
    return rows[0] ? toCaseSummary(rows[0]) : null;
  }

  /**
   * What a notification about a case needs at send time, in one statement: the case, its state's time zone and, when
   * asked, one of its steps as the read model holds it. Unscoped (the worker's lookup); null for an unknown workflow.
   */
  async notificationSubject(workflowId: string, stepKey: string | null): Promise<NotificationSubject | null> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        state_code: string;
        plan_code: string;
        code: string;
        title: string;
        state_time_zone: string | null;
        step_key: string | null;
        step_title: string;
        step_kind: string;
        step_occurrence: number;
        step_due_on: string | null;
      }>
    >(
      `SELECT c.id, c.state_code, c.plan_code, c.code, c.title, s.time_zone AS state_time_zone,
              st.key AS step_key, st.title AS step_title, st.kind AS step_kind, st.occurrence AS step_occurrence,
              st.due_on::text AS step_due_on
         FROM cases c
         LEFT JOIN states s ON s.code = c.state_code
         LEFT JOIN case_steps st ON st.case_id = c.id AND st.key = $2
        WHERE c.workflow_id = $1`,
      [workflowId, stepKey],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      stateCode: r.state_code,
      planCode: r.plan_code,
      code: r.code,
      title: r.title,
      stateTimeZone: r.state_time_zone,
      step:
        r.step_key === null
          ? null
          : {
              key: r.step_key,
              title: r.step_title,
              kind: r.step_kind,
              occurrence: r.step_occurrence,
              dueOn: r.step_due_on,
            },
    };
  }

  /** Unscoped lookup by business key (for 409 answers and imports); apply access checks before exposing it. */
  async findByCode(planCode: string, code: string, now: Date = new Date()): Promise<CaseSummary | null> {
    const rows = await this.dataSource.query<CaseRow[]>(
      `SELECT ${caseColumns('$3')} FROM cases c WHERE c.plan_code = $1 AND c.code = $2`,
      [planCode, code, now],
    );
    return rows[0] ? toCaseSummary(rows[0]) : null;
  }

  /** The codes among `codes` that already exist in the plan (for import dry runs). */
  async existingCodes(planCode: string, codes: string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows = await this.dataSource.query<{ code: string }[]>(
      `SELECT code FROM cases WHERE plan_code = $1 AND code = ANY($2::text[]) ORDER BY code`,
      [planCode, codes],
    );
    return rows.map((r) => r.code);
  }

  /**
   * The dashboard list: filters and the caller's scope in WHERE, ordered by `sort` (default due date ascending,
   * nulls last; ties by id), 50 a page by default.
   */
  async list(
    filters: CaseFilters,
    scope: AccessScope,
    page: PageRequest = {},
    now: Date = new Date(),
    sort: CaseSort = 'dueOn',
  ): Promise<Page<CaseListItem>> {
    const { limit, offset } = pageBounds(page);
    const orderBy = caseOrderBy(sort);
    const sql = new SqlParams();
    const nowP = sql.add(now);
    const where = [scopeCondition(scope, sql, 'c.plan_code', 'c.state_code')];
    if (filters.planCode) where.push(`c.plan_code = ${sql.add(filters.planCode)}`);
    if (filters.stateCode) where.push(`c.state_code = ${sql.add(filters.stateCode)}`);
    const agency = filters.agency ? sql.add(filters.agency) : null;
    if (filters.kind) where.push(`c.kind = ${sql.add(filters.kind)}`);
    if (filters.status !== undefined) {
      const statuses = Array.isArray(filters.status) ? filters.status : [filters.status];
      where.push(
        statuses.length === 1
          ? `c.status = ${sql.add(statuses[0])}`
          : `c.status = ANY(${sql.add(statuses)}::text[])`,
      );
    }
    if (filters.overdue === true) where.push(`c.status = 'active' AND c.overdue_at < ${nowP}`);
    if (filters.overdue === false)
      where.push(`NOT (c.status = 'active' AND c.overdue_at IS NOT NULL AND c.overdue_at < ${nowP})`);
    if (filters.dueBefore) where.push(`c.due_on <= ${sql.add(filters.dueBefore)}::date`);
    if (filters.dueAfter) where.push(`c.due_on >= ${sql.add(filters.dueAfter)}::date`);
    if (filters.area) {
      const area = filters.area.trim();
      if (WEAPONS.has(area.toLowerCase())) where.push(`c.area_weapon = ${sql.add(area.toLowerCase())}`);
      else {
        const p = sql.add(area.toUpperCase());
        where.push(`(c.area_paragraph = ${p} OR c.area_paragraph LIKE ${p} || '(%')`);
      }
    }
    if (filters.text?.trim()) {
      const t = sql.add(likePattern(filters.text.trim()));
      where.push(`(c.title ILIKE ${t} OR c.code ILIKE ${t})`);
    }
    const whereSql = (agencyCondition: string | null) =>
      (agencyCondition ? [...where, agencyCondition] : where).join(' AND ');
    // the now parameter is bound whether or not a filter uses it: keep it typed
    const counted = (agencyCondition: string | null) =>
      `SELECT count(*) FROM cases c WHERE ${whereSql(agencyCondition)} AND ${nowP}::timestamptz IS NOT NULL`;
    // An agency's cases counted as those it leads plus those it only supports: the first is an index-only range of
    // cases_active_lead_plan_overdue_idx, the second a lookup in the GIN index of supporting agencies (an OR of the two
    // would read every case of the plan, or every overdue one, to test both).
    const countSql = agency
      ? `SELECT ((${counted(`c.lead_agency = ${agency}`)})
                + (${counted(`c.lead_agency <> ${agency} AND c.supporting_agencies @> ARRAY[${agency}]::text[]`)}))::int`
      : `SELECT (${counted(null)})::int`;
    const countParams = [...sql.values];
    // Counted by index lookups, an agency's total rides along with its page (an InitPlan, run once): one round trip.
    // Other filters may count a whole state, so their total is a second statement, and only for a full page.
    const rows = await this.dataSource.query<(CaseListRow & { total?: number })[]>(
      `SELECT ${caseListColumns(nowP)}${agency ? `, (${countSql}) AS total` : ''} FROM cases c
       WHERE ${whereSql(agency && `(c.lead_agency = ${agency} OR c.supporting_agencies @> ARRAY[${agency}]::text[])`)}
       ORDER BY ${orderBy} LIMIT ${sql.add(limit)} OFFSET ${sql.add(offset)}`,
      sql.values,
    );
    const total =
      rows.length > 0 && rows[0].total !== undefined
        ? rows[0].total
        : rows.length < limit && (offset === 0 || rows.length > 0)
          ? offset + rows.length
          : (await this.dataSource.query<{ n: number }[]>(`${countSql} AS n`, countParams))[0].n;
    return { items: rows.map(toCaseListItem), total, limit, offset };
  }

  /** Workflow ids of every case, in pages by id (for the rebuild command). */
  async workflowIds(after: string | null, limit = 500): Promise<{ id: string; workflowId: string }[]> {
    const rows = await this.dataSource.query<{ id: string; workflow_id: string }[]>(
      `SELECT id, workflow_id FROM cases WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => ({ id: r.id, workflowId: r.workflow_id }));
  }

  async count(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM cases`);
    return rows[0].n;
  }

  async steps(caseId: string): Promise<CaseStep[]> {
    const rows = await this.dataSource.query<StepRow[]>(
      `SELECT key, title, kind, status, assignees, due_on::text AS due_on, due_at, started_at, completed_at, occurrence,
              actions, approval
       FROM case_steps WHERE case_id = $1 ORDER BY position, key`,
      [caseId],
    );
    return rows.map(toCaseStep);
  }

  /** True when the error is the (plan_code, code) uniqueness of cases. */
  static isDuplicateCode(err: unknown): boolean {
    return isUniqueViolation(err, 'cases_plan_code_key') || isUniqueViolation(err, 'cases_workflow_id_key');
  }
}

/** A case as a notification about it sees it (CasesRepository.notificationSubject). */
export interface NotificationSubject {
  id: string;
  stateCode: string;
  planCode: string;
  code: string;
  title: string;
  /** the time zone of the case's state; null if the state is gone */
  stateTimeZone: string | null;
  step: { key: string; title: string; kind: string; occurrence: number; dueOn: string | null } | null;
}

interface StepRow {
  key: string;
  title: string;
  kind: StepKind;
  status: StepStatus;
  assignees: string[];
  due_on: string | null;
  due_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  occurrence: number;
  actions: StepAction[];
  approval: StepSnapshot['approval'] | null;
}

function toCaseStep(r: StepRow): CaseStep {
  return {
    key: r.key,
    title: r.title,
    kind: r.kind,
    status: r.status,
    assignees: r.assignees,
    dueOn: r.due_on,
    dueAt: iso(r.due_at),
    startedAt: iso(r.started_at),
    completedAt: iso(r.completed_at),
    occurrence: r.occurrence,
    actions: r.actions,
    approval: r.approval,
  };
}
