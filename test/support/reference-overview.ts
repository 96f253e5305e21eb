import type { DataSource } from 'typeorm';

/**
 * The oracle of the plan overview's breakdowns (health buckets by lead agency and by area, and who is holding up
 * the plan): PlansRepository.breakdowns as it was before the plan counters and the steps' plan column, an aggregate
 * of the cases and their steps on every call. The integration tests of the dashboard queries and of the plan counters
 * compare the repository with it after every kind of write.
 */
export async function referenceBreakdowns(
  ds: DataSource,
  plan: string,
  now: Date,
  horizonDays: number,
): Promise<unknown> {
  const rows = await ds.query<Record<string, unknown>[]>(
    `WITH h AS (
       SELECT c.id, c.lead_agency, c.area_paragraph, c.area_weapon,
              CASE
                WHEN c.status = 'completed' THEN 'done'
                WHEN c.status = 'rejected' OR EXISTS (
                  SELECT 1 FROM case_steps s
                   WHERE s.case_id = c.id AND s.status = 'active'
                     AND (s.actions -> -1) ->> 'action' IN ('request_changes', 'reject', 'escalated')) THEN 'blocked'
                WHEN c.due_at < $2 OR EXISTS (
                  SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.status = 'active' AND s.due_at < $2) THEN 'overdue'
                WHEN c.due_at < $2::timestamptz + make_interval(days => $3) OR EXISTS (
                  SELECT 1 FROM case_steps s
                   WHERE s.case_id = c.id AND s.status = 'active'
                     AND s.due_at < $2::timestamptz + make_interval(days => $3)) THEN 'due_soon'
                ELSE 'on_track'
              END AS health
         FROM cases c
        WHERE c.plan_code = $1 AND c.status <> 'withdrawn')
     SELECT GROUPING(lead_agency, area_paragraph, area_weapon)::int AS grouping, lead_agency, area_paragraph, area_weapon,
            count(*) FILTER (WHERE health = 'done')::int AS done,
            count(*) FILTER (WHERE health = 'on_track')::int AS on_track,
            count(*) FILTER (WHERE health = 'due_soon')::int AS due_soon,
            count(*) FILTER (WHERE health = 'overdue')::int AS overdue,
            count(*) FILTER (WHERE health = 'blocked')::int AS blocked,
            count(*)::int AS total
       FROM h
      GROUP BY GROUPING SETS ((), (lead_agency), (area_paragraph, area_weapon))
      ORDER BY total DESC, lead_agency NULLS FIRST, area_paragraph NULLS FIRST, area_weapon NULLS FIRST`,
    [plan, now, horizonDays],
  );
  const holding = await ds.query<{ agency: string; steps: number }[]>(
    `SELECT a.agency, count(*)::int AS steps
       FROM cases c
       JOIN case_steps s ON s.case_id = c.id AND s.status = 'active' AND s.due_at < $2
       CROSS JOIN LATERAL unnest(s.assignees) AS a(agency)
      WHERE c.plan_code = $1 AND c.status = 'active'
      GROUP BY a.agency
      ORDER BY steps DESC, a.agency
      LIMIT 20`,
    [plan, now],
  );
  const counts = (r: Record<string, unknown>) => ({
    done: r.done,
    onTrack: r.on_track,
    dueSoon: r.due_soon,
    overdue: r.overdue,
    blocked: r.blocked,
    total: r.total,
  });
  return {
    byHealth: counts(rows.find((r) => r.grouping === 7) as Record<string, unknown>),
    byAgency: rows.filter((r) => r.grouping === 3).map((r) => ({ agency: r.lead_agency, ...counts(r) })),
    byArea: rows
      .filter((r) => r.grouping === 4)
      .map((r) => ({ paragraph: r.area_paragraph, weaponType: r.area_weapon, ...counts(r) })),
    holdingUp: holding,
  };
}
