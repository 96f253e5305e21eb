import {
  HEALTHS,
  type CaseSummary,
  type Health,
  type HealthCounts,
  type PlanProgress,
  type Step,
} from '../api/types';
import { addDays, todayIso } from './dates';

export const DUE_SOON_DAYS = 14;

export function areaLabel(area: unknown): string {
  if (!area) return '—';
  if (typeof area === 'string') return area;
  if (typeof area === 'object') {
    const a = area as {
      paragraph?: unknown;
      operativeParagraph?: unknown;
      weapon?: unknown;
      weaponType?: unknown;
      code?: unknown;
    };
    const op = a.operativeParagraph ?? a.paragraph ?? a.code;
    const weapon = a.weaponType ?? a.weapon;
    return (
      [op ? `OP ${String(op).replace(/^OP\s*/i, '')}` : '', weapon ? String(weapon) : '']
        .filter(Boolean)
        .join(' · ') || '—'
    );
  }
  return String(area);
}

function lastAction(step: Step): string | undefined {
  return step.actions?.length ? step.actions[step.actions.length - 1].action : undefined;
}

/** The reporting bucket of a case: the API's own when it sends one, else derived from status and due dates. */
export function healthOf(c: CaseSummary, today = todayIso()): Health | null {
  if (c.health && HEALTHS.includes(c.health)) return c.health;
  if (c.status === 'completed') return 'done';
  if (c.status === 'withdrawn') return null;
  if (c.status === 'rejected') return 'blocked';
  const active = (c.steps ?? []).filter((s) => s.status === 'active');
  if (active.some((s) => ['request_changes', 'reject', 'escalated'].includes(lastAction(s) ?? '')))
    return 'blocked';
  const dues = [c.dueOn, ...active.map((s) => s.dueOn), c.currentStep?.dueOn].filter((d): d is string => !!d);
  if (c.overdue || dues.some((d) => d < today)) return 'overdue';
  const soon = addDays(today, DUE_SOON_DAYS);
  if (dues.some((d) => d <= soon)) return 'due_soon';
  return 'on_track';
}

export interface Breakdown {
  key: string;
  label: string;
  counts: Record<Health, number>;
  total: number;
}

export function emptyCounts(): Record<Health, number> {
  return { done: 0, on_track: 0, due_soon: 0, overdue: 0, blocked: 0 };
}

export function breakdown(
  cases: CaseSummary[],
  keyOf: (c: CaseSummary) => string,
  today = todayIso(),
): Breakdown[] {
  const map = new Map<string, Breakdown>();
  for (const c of cases) {
    const h = healthOf(c, today);
    if (!h) continue;
    const key = keyOf(c) || '—';
    const row = map.get(key) ?? { key, label: key, counts: emptyCounts(), total: 0 };
    row.counts[h] += 1;
    row.total += 1;
    map.set(key, row);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
}

export function totals(cases: CaseSummary[], today = todayIso()): Record<Health, number> {
  const counts = emptyCounts();
  for (const c of cases) {
    const h = healthOf(c, today);
    if (h) counts[h] += 1;
  }
  return counts;
}

/** Open steps past due, counted against each agency that still has to act. */
export function holdingUp(
  cases: CaseSummary[],
  today = todayIso(),
): Array<{ agency: string; steps: number }> {
  const map = new Map<string, number>();
  for (const c of cases) {
    if (c.status !== 'active') continue;
    const steps = c.steps?.length
      ? c.steps.filter((s) => s.status === 'active').map((s) => ({ dueOn: s.dueOn, assignees: s.assignees }))
      : c.currentStep
        ? [
            {
              dueOn: c.currentStep.dueOn ?? c.dueOn,
              assignees: c.currentStep.assignees ?? (c.leadAgency ? [c.leadAgency] : []),
            },
          ]
        : [];
    for (const s of steps) {
      if (!s.dueOn || s.dueOn >= today) continue;
      for (const a of s.assignees ?? []) map.set(a, (map.get(a) ?? 0) + 1);
    }
  }
  return [...map.entries()]
    .map(([agency, steps]) => ({ agency, steps }))
    .sort((a, b) => b.steps - a.steps || a.agency.localeCompare(b.agency));
}

function normaliseCounts(c: HealthCounts | undefined): Record<Health, number> | null {
  if (!c) return null;
  const out = emptyCounts();
  let any = false;
  for (const h of HEALTHS) {
    const v =
      c[h] ??
      (h === 'on_track'
        ? (c as Record<string, number>).onTrack
        : h === 'due_soon'
          ? (c as Record<string, number>).dueSoon
          : undefined);
    if (typeof v === 'number') {
      out[h] = v;
      any = true;
    }
  }
  return any ? out : null;
}

/** Breakdowns from GET /plans/{code} when the API computed them (cheaper than reading every case). */
export function breakdownFromProgress(
  list: PlanProgress['byAgency'] | PlanProgress['byArea'],
  keyField: 'agency' | 'area',
): Breakdown[] | null {
  if (!list) return null;
  const entries: Array<[string, HealthCounts]> = Array.isArray(list)
    ? list.map((row) => [
        String((row as Record<string, unknown>)[keyField] ?? (row as Record<string, unknown>).key ?? '—'),
        row as HealthCounts,
      ])
    : Object.entries(list);
  const rows: Breakdown[] = [];
  for (const [key, c] of entries) {
    const counts = normaliseCounts(c);
    if (!counts) return null;
    rows.push({ key, label: key, counts, total: HEALTHS.reduce((n, h) => n + counts[h], 0) });
  }
  return rows.sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
}

export function countsFromProgress(p: PlanProgress | undefined): Record<Health, number> | null {
  return normaliseCounts(p?.byHealth ?? p?.byStatus);
}
