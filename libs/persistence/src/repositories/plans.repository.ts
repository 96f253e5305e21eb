import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AccessScope, scopeCondition } from '../access-scope';
import { isUniqueViolation, translateWriteError } from '../persistence.errors';
import { returnedRows, SqlParams } from '../sql-params';

export interface NewPlan {
  code: string;
  stateCode: string;
  title: string;
  adoptedOn: string | null;
  version?: number;
}

export interface Plan {
  code: string;
  stateCode: string;
  title: string;
  adoptedOn: string | null;
  version: number;
}

export interface PlanProgress {
  total: number;
  byStatus: { active: number; completed: number; rejected: number; withdrawn: number };
  /** active cases past their own or an open step's due instant (cases.overdue_at) */
  overdue: number;
  /** active cases not overdue whose own or an open step's due instant is within `dueSoonDays` */
  dueSoon: number;
  /** mean progress (0..1) of the cases that were not withdrawn */
  averageProgress: number;
}

/** The reporting buckets of a case (withdrawn cases are in none). */
export interface HealthCounts {
  /** completed */
  done: number;
  /** active, nothing due within the horizon, not blocked */
  onTrack: number;
  /** active, the case or an open step due within the horizon */
  dueSoon: number;
  /** active, the case or an open step past its due instant */
  overdue: number;
  /** rejected, or an open step sent back (request_changes, reject) or escalated */
  blocked: number;
  total: number;
}

export interface PlanBreakdowns {
  byHealth: HealthCounts;
  /** by lead agency, most cases first */
  byAgency: Array<{ agency: string } & HealthCounts>;
  /** by 1540 area (operative paragraph and weapon type; both null: no area), most cases first */
  byArea: Array<{ paragraph: string | null; weaponType: string | null } & HealthCounts>;
  /** open steps past due, counted against each agency that still has to act, most first */
  holdingUp: Array<{ agency: string; steps: number }>;
}

interface HealthRow {
  done: number;
  on_track: number;
  due_soon: number;
  overdue: number;
  blocked: number;
  total: number;
}

// The overview reads the plan's counters (migration PlanCounters), which PostgreSQL keeps exact on every write to cases
// and case_steps; only the time-dependent buckets are decided here, by comparing the counted due instants with now.
// Each counter row's bucket, in the dashboard's order of precedence: done, blocked, overdue, due soon, on track (a
// case's health_due_at is the earliest of its own and its open steps' due instants). $1 plan code, $2 now, $3 horizon.
const COUNTER_HEALTH = `
  SELECT k.lead_agency, k.area_paragraph, k.area_weapon, k.cases,
         CASE
           WHEN k.status = 'completed' THEN 'done'
           WHEN k.status = 'rejected' OR k.blocked THEN 'blocked'
           WHEN k.health_due_at < $2 THEN 'overdue'
           WHEN k.health_due_at < $2::timestamptz + make_interval(days => $3) THEN 'due_soon'
           ELSE 'on_track'
         END AS health
    FROM plan_case_counts k
   WHERE k.plan_code = $1 AND k.status <> 'withdrawn'`;

const HEALTH_COUNTS = `coalesce(sum(cases) FILTER (WHERE health = 'done'), 0)::int AS done,
         coalesce(sum(cases) FILTER (WHERE health = 'on_track'), 0)::int AS on_track,
         coalesce(sum(cases) FILTER (WHERE health = 'due_soon'), 0)::int AS due_soon,
         coalesce(sum(cases) FILTER (WHERE health = 'overdue'), 0)::int AS overdue,
         coalesce(sum(cases) FILTER (WHERE health = 'blocked'), 0)::int AS blocked,
         coalesce(sum(cases), 0)::int AS total`;

function toHealthCounts(r: HealthRow): HealthCounts {
  return {
    done: r.done,
    onTrack: r.on_track,
    dueSoon: r.due_soon,
    overdue: r.overdue,
    blocked: r.blocked,
    total: r.total,
  };
}

export interface PlanShare {
  planCode: string;
  agencyCode: string | null;
  stateCode: string | null;
}

interface PlanRow {
  code: string;
  state_code: string;
  title: string;
  adopted_on: string | null;
  version: number;
}

const SELECT_PLAN = `SELECT p.code, p.state_code, p.title, p.adopted_on::text AS adopted_on, p.version FROM action_plans p`;

@Injectable()
export class PlansRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async create(input: NewPlan): Promise<Plan> {
    try {
      await this.dataSource.query(
        `INSERT INTO action_plans (code, state_code, title, adopted_on, version) VALUES ($1, $2, $3, $4::date, $5)`,
        [input.code, input.stateCode, input.title, input.adoptedOn, input.version ?? 1],
      );
    } catch (err) {
      translateWriteError(err, 'plan', input.code);
    }
    return (await this.get(input.code)) as Plan;
  }

  /** Inserts the plan unless it exists; returns whether it was inserted. */
  async insertIfMissing(input: NewPlan): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO action_plans (code, state_code, title, adopted_on, version) VALUES ($1, $2, $3, $4::date, $5)
       ON CONFLICT (code) DO NOTHING RETURNING code`,
      [input.code, input.stateCode, input.title, input.adoptedOn, input.version ?? 1],
    );
    return rows.length > 0;
  }

  /** The plan if it exists and `scope` may read it (no scope: unrestricted, for internal use). */
  async get(code: string, scope?: AccessScope): Promise<Plan | null> {
    const sql = new SqlParams();
    const where = [`p.code = ${sql.add(code)}`];
    if (scope) where.push(scopeCondition(scope, sql, 'p.code', 'p.state_code'));
    const rows = await this.dataSource.query<PlanRow[]>(
      `${SELECT_PLAN} WHERE ${where.join(' AND ')}`,
      sql.values,
    );
    return rows[0] ? toPlan(rows[0]) : null;
  }

  async list(scope: AccessScope, filter: { stateCode?: string } = {}): Promise<Plan[]> {
    const sql = new SqlParams();
    const where = [scopeCondition(scope, sql, 'p.code', 'p.state_code')];
    if (filter.stateCode) where.push(`p.state_code = ${sql.add(filter.stateCode)}`);
    const rows = await this.dataSource.query<PlanRow[]>(
      `${SELECT_PLAN} WHERE ${where.join(' AND ')} ORDER BY p.state_code, p.code`,
      sql.values,
    );
    return rows.map(toPlan);
  }

  /** Counts by status, overdue and due within `dueSoonDays` days of `now` (by the case's or an open step's due instant). */
  async progress(code: string, now: Date = new Date(), dueSoonDays = 7): Promise<PlanProgress> {
    const rows = await this.dataSource.query<
      {
        total: number;
        active: number;
        completed: number;
        rejected: number;
        withdrawn: number;
        overdue: number;
        due_soon: number;
        avg: number | null;
      }[]
    >(
      // avg(progress) was sum(progress) / count: the same numeric division over the same exact sums
      `SELECT coalesce(sum(cases), 0)::int AS total,
              coalesce(sum(cases) FILTER (WHERE status = 'active'), 0)::int AS active,
              coalesce(sum(cases) FILTER (WHERE status = 'completed'), 0)::int AS completed,
              coalesce(sum(cases) FILTER (WHERE status = 'rejected'), 0)::int AS rejected,
              coalesce(sum(cases) FILTER (WHERE status = 'withdrawn'), 0)::int AS withdrawn,
              coalesce(sum(cases) FILTER (WHERE status = 'active' AND health_due_at < $2), 0)::int AS overdue,
              coalesce(sum(cases) FILTER (WHERE status = 'active' AND health_due_at >= $2 AND health_due_at < $2::timestamptz + make_interval(days => $3)), 0)::int AS due_soon,
              (sum(progress_sum) FILTER (WHERE status <> 'withdrawn')
                / sum(cases) FILTER (WHERE status <> 'withdrawn')::numeric)::float8 AS avg
       FROM plan_case_counts WHERE plan_code = $1`,
      [code, now, dueSoonDays],
    );
    const r = rows[0];
    return {
      total: r.total,
      byStatus: { active: r.active, completed: r.completed, rejected: r.rejected, withdrawn: r.withdrawn },
      overdue: r.overdue,
      dueSoon: r.due_soon,
      averageProgress: r.avg ?? 0,
    };
  }

  /**
   * The plan's cases in the five reporting buckets (done, on track, due soon, overdue, blocked), in total, by lead
   * agency and by 1540 area, and the agencies holding up the most open steps; all counted in SQL.
   */
  async breakdowns(code: string, now: Date = new Date(), dueSoonDays = 14): Promise<PlanBreakdowns> {
    const params = [code, now, dueSoonDays];
    // two small reads of the counters, independent of each other
    const [rows, holding] = await Promise.all([
      this.dataSource.query<
        (HealthRow & {
          grouping: number;
          lead_agency: string | null;
          area_paragraph: string | null;
          area_weapon: string | null;
        })[]
      >(
        `WITH h AS (${COUNTER_HEALTH})
         SELECT GROUPING(lead_agency, area_paragraph, area_weapon)::int AS grouping, lead_agency, area_paragraph, area_weapon,
                ${HEALTH_COUNTS}
           FROM h
          GROUP BY GROUPING SETS ((), (lead_agency), (area_paragraph, area_weapon))
          ORDER BY total DESC, lead_agency NULLS FIRST, area_paragraph NULLS FIRST, area_weapon NULLS FIRST`,
        params,
      ),
      this.dataSource.query<{ agency: string; steps: number }[]>(
        // open steps of active cases, counted per assignee and due instant (migration PlanCounters)
        `SELECT agency, sum(steps)::int AS steps
           FROM plan_holding_counts
          WHERE plan_code = $1 AND due_at < $2
          GROUP BY agency
          ORDER BY steps DESC, agency
          LIMIT 20`,
        [code, now],
      ),
    ]);
    // GROUPING bits: lead_agency 4, area_paragraph 2, area_weapon 1 (a set bit: not grouped by that column)
    const total = rows.find((r) => r.grouping === 7);
    return {
      byHealth: total
        ? toHealthCounts(total)
        : { done: 0, onTrack: 0, dueSoon: 0, overdue: 0, blocked: 0, total: 0 },
      byAgency: rows
        .filter((r) => r.grouping === 3)
        .map((r) => ({ agency: r.lead_agency as string, ...toHealthCounts(r) })),
      byArea: rows
        .filter((r) => r.grouping === 4)
        .map((r) => ({ paragraph: r.area_paragraph, weaponType: r.area_weapon, ...toHealthCounts(r) })),
      holdingUp: holding,
    };
  }

  /** Lets an organisation (agencyCode) or every person of a state (stateCode) observe the plan. Idempotent. */
  async share(planCode: string, grantee: { agencyCode: string } | { stateCode: string }): Promise<void> {
    const agency = 'agencyCode' in grantee ? grantee.agencyCode : null;
    const state = 'stateCode' in grantee ? grantee.stateCode : null;
    try {
      await this.dataSource.query(
        `INSERT INTO plan_shares (plan_code, agency_code, state_code)
         SELECT $1, $2, $3
         WHERE NOT EXISTS (SELECT 1 FROM plan_shares WHERE plan_code = $1
                           AND agency_code IS NOT DISTINCT FROM $2 AND state_code IS NOT DISTINCT FROM $3)`,
        [planCode, agency, state],
      );
    } catch (err) {
      // a concurrent identical share is fine
      if (isUniqueViolation(err)) return;
      translateWriteError(err, 'plan share', planCode);
    }
  }

  async unshare(planCode: string, grantee: { agencyCode: string } | { stateCode: string }): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        'agencyCode' in grantee
          ? `DELETE FROM plan_shares WHERE plan_code = $1 AND agency_code = $2 RETURNING id`
          : `DELETE FROM plan_shares WHERE plan_code = $1 AND state_code = $2 RETURNING id`,
        [planCode, 'agencyCode' in grantee ? grantee.agencyCode : grantee.stateCode],
      ),
    );
    return rows.length > 0;
  }

  async shares(planCode: string): Promise<PlanShare[]> {
    const rows = await this.dataSource.query<
      { plan_code: string; agency_code: string | null; state_code: string | null }[]
    >(`SELECT plan_code, agency_code, state_code FROM plan_shares WHERE plan_code = $1 ORDER BY id`, [
      planCode,
    ]);
    return rows.map((r) => ({ planCode: r.plan_code, agencyCode: r.agency_code, stateCode: r.state_code }));
  }

  /** The plan codes shared with an agency or its state: the `sharedPlanCodes` of an AccessScope. */
  async sharedPlanCodesFor(who: { agencyCode: string | null; stateCode: string | null }): Promise<string[]> {
    const rows = await this.dataSource.query<{ plan_code: string }[]>(sharedPlanCodesQuery('$1', '$2'), [
      who.agencyCode,
      who.stateCode,
    ]);
    return rows.map((r) => r.plan_code);
  }
}

/**
 * The codes of the plans shared with an agency or a state (an access scope's sharedPlanCodes), as a query whose
 * agency and state are SQL expressions: parameters, or columns of an enclosing query (TokensRepository).
 */
export function sharedPlanCodesQuery(agencyCode: string, stateCode: string): string {
  return `SELECT DISTINCT s.plan_code FROM plan_shares s
          WHERE s.agency_code = ${agencyCode} OR s.state_code = ${stateCode} ORDER BY s.plan_code`;
}

function toPlan(r: PlanRow): Plan {
  return {
    code: r.code,
    stateCode: r.state_code,
    title: r.title,
    adoptedOn: r.adopted_on,
    version: r.version,
  };
}
