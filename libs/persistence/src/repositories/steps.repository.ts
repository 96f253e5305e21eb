import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseStatus, StepKind } from '@app/domain/case/case.types';
import { type AccessScope, scopeCondition } from '../access-scope';
import { iso, SqlParams } from '../sql-params';
import { type Page, type PageRequest, pageBounds } from './cases.repository';
import { sharedPlanCodesQuery } from './plans.repository';

export interface InboxItem {
  caseId: string;
  caseCode: string;
  caseTitle: string;
  caseKind: string;
  caseStatus: CaseStatus;
  planCode: string;
  stateCode: string;
  workflowId: string;
  stepKey: string;
  stepTitle: string;
  stepKind: StepKind;
  assignees: string[];
  dueOn: string | null;
  dueAt: string | null;
  overdue: boolean;
  occurrence: number;
  startedAt: string | null;
}

interface InboxRow {
  case_id: string;
  case_code: string;
  case_title: string;
  case_kind: string;
  case_status: CaseStatus;
  plan_code: string;
  state_code: string;
  workflow_id: string;
  key: string;
  title: string;
  kind: StepKind;
  assignees: string[];
  due_on: string | null;
  due_at: Date | null;
  overdue: boolean;
  occurrence: number;
  started_at: Date | null;
}

/** An open step with its case's process definition, whose titles name the step in the reader's language. */
export interface OpenStep extends InboxItem {
  definitionKey: string;
  definitionVersion: number | null;
}

interface OpenStepRow extends InboxRow {
  definition_key: string;
  definition_version: number | null;
}

@Injectable()
export class StepsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Active steps of active cases whose assignees contain one of `agencies`, within the caller's scope, soonest due
   * first (a closed case has no active step: closing withdraws them; the condition keeps the list and its total
   * alike whatever wrote the rows). The total rides along with the page as an InitPlan, run once and only when the
   * page has rows. For one agency it is read from the plan counters (migration InboxCounts: the agency's counter rows
   * of the plans in scope, plus its few open steps without a due instant), a few hundred index entries instead of
   * every matching step; for several (a deputy, a coordinator) a step may hold more than one of them, so it is counted.
   * Each step comes with its case's process definition, which names it in the reader's language.
   */
  async inbox(
    agencies: string[],
    scope: AccessScope,
    page: PageRequest = {},
    now: Date = new Date(),
    /**
     * Also the steps waiting on the national coordinator ("coordinator" among the assignees): of this state only
     * (a coordinator: another state's coordinator steps in a plan shared with them are not theirs to act on), or of
     * every state in scope (null: an administrator).
     */
    coordinatorOf?: { stateCode: string | null },
  ): Promise<Page<OpenStep>> {
    const { limit, offset } = pageBounds(page);
    const sql = new SqlParams();
    const nowP = sql.add(now);
    const agencyList = sql.add(agencies);
    const stepScope = scopeCondition(scope, sql, 's.plan_code', 's.state_code');
    const coordinatorSteps =
      coordinatorOf === undefined
        ? null
        : `'coordinator' = ANY (s.assignees)${
            coordinatorOf.stateCode === null ? '' : ` AND s.state_code = ${sql.add(coordinatorOf.stateCode)}`
          }`;
    const assigned = coordinatorSteps
      ? `(s.assignees && ${agencyList}::text[] OR (${coordinatorSteps}))`
      : `s.assignees && ${agencyList}::text[]`;
    const filter = `s.status = 'active' AND ${assigned} AND ${stepScope}`;
    const activeCase = `EXISTS (SELECT 1 FROM cases c WHERE c.id = s.case_id AND c.status = 'active')`;
    const totalSql =
      agencies.length === 1 && coordinatorSteps === null
        ? `(SELECT coalesce(sum(h.steps), 0) FROM plan_holding_counts h JOIN action_plans p ON p.code = h.plan_code
             WHERE h.agency = ${sql.add(agencies[0])} AND ${scopeCondition(scope, sql, 'p.code', 'p.state_code')})::int
           + (SELECT count(*) FROM case_steps s WHERE ${filter} AND s.due_at IS NULL AND ${activeCase})::int`
        : `(SELECT count(*) FROM case_steps s WHERE ${filter} AND ${activeCase})::int`;
    const rows = await this.dataSource.query<(OpenStepRow & { total: number })[]>(
      `SELECT c.id AS case_id, c.code AS case_code, c.title AS case_title, c.kind AS case_kind, c.status AS case_status,
              c.plan_code, c.state_code, c.workflow_id, s.key, s.title, s.kind, s.assignees, s.due_on::text AS due_on,
              s.due_at, (s.due_at < ${nowP}) AS overdue, s.occurrence, s.started_at, c.definition_key,
              c.definition_version, ${totalSql} AS total
       FROM case_steps s JOIN cases c ON c.id = s.case_id
       WHERE ${filter} AND c.status = 'active'
       ORDER BY s.due_at ASC NULLS LAST, c.id, s.key
       LIMIT ${sql.add(limit)} OFFSET ${sql.add(offset)}`,
      sql.values,
    );
    // A page past the end answers a total of 0, as the window count this replaced did.
    const total = rows.length === 0 ? 0 : rows[0].total;
    return { items: rows.map(toOpenStep), total, limit, offset };
  }

  /**
   * Active steps with a due date of the given agencies, for calendar feeds and weekly digests: only those of cases
   * `viewer` (the feed's agency or person) may see, as for their emails: of the viewer's state, or of a plan shared
   * with the viewer's agency or state.
   */
  async openStepsOf(
    agencies: string[],
    viewer: { agencyCode: string; stateCode: string | null },
    now: Date = new Date(),
    /** also the steps waiting on the national coordinator of this state (a coordinator's own feed) */
    coordinatorOfState: string | null = null,
  ): Promise<OpenStep[]> {
    const rows = await this.dataSource.query<OpenStepRow[]>(
      `SELECT c.id AS case_id, c.code AS case_code, c.title AS case_title, c.kind AS case_kind, c.status AS case_status,
              c.plan_code, c.state_code, c.workflow_id, s.key, s.title, s.kind, s.assignees, s.due_on::text AS due_on,
              s.due_at, (s.due_at < $2) AS overdue, s.occurrence, s.started_at, c.definition_key, c.definition_version
       FROM case_steps s JOIN cases c ON c.id = s.case_id
       WHERE s.status = 'active' AND s.due_on IS NOT NULL
         AND (s.assignees && $1::text[]
              OR ($3::text IS NOT NULL AND s.state_code = $3 AND 'coordinator' = ANY (s.assignees)))
         AND (s.state_code = $5 OR s.plan_code IN (${sharedPlanCodesQuery('$4', '$5')}))
       ORDER BY s.due_at, c.id, s.key`,
      [agencies, now, coordinatorOfState, viewer.agencyCode, viewer.stateCode],
    );
    return rows.map(toOpenStep);
  }
}

function toOpenStep(r: OpenStepRow): OpenStep {
  return { ...toInboxItem(r), definitionKey: r.definition_key, definitionVersion: r.definition_version };
}

function toInboxItem(r: InboxRow): InboxItem {
  return {
    caseId: r.case_id,
    caseCode: r.case_code,
    caseTitle: r.case_title,
    caseKind: r.case_kind,
    caseStatus: r.case_status,
    planCode: r.plan_code,
    stateCode: r.state_code,
    workflowId: r.workflow_id,
    stepKey: r.key,
    stepTitle: r.title,
    stepKind: r.kind,
    assignees: r.assignees,
    dueOn: r.due_on,
    dueAt: iso(r.due_at),
    overdue: r.overdue === true,
    occurrence: r.occurrence,
    startedAt: iso(r.started_at),
  };
}
