import { useMemo, useState } from 'react';
import { caseCode, endpoints } from '../api/endpoints';
import type { CaseSummary } from '../api/types';
import { HEALTH_COLOURS, Legend, truncate } from '../components/charts';
import { ErrorBox, LiveStamp, Loading } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { addDays, dayMs, daysBetween, todayIso } from '../lib/dates';
import { DUE_SOON_DAYS, healthOf } from '../lib/health';
import { useReference } from '../lib/reference';
import { href, Link } from '../lib/router';
import { useApi } from '../lib/use-api';

/** The due date that matters now: the earliest of the case's own and its open steps'. */
function nextDue(c: CaseSummary): string | null {
  const steps = (c.steps ?? []).filter((s) => s.status === 'active' && s.dueOn).map((s) => s.dueOn as string);
  const cur = c.currentStep?.dueOn ? [c.currentStep.dueOn] : [];
  const all = [...steps, ...cur, ...(c.dueOn ? [c.dueOn] : [])].sort();
  return all[0] ?? null;
}

export function DeadlinesPage() {
  const { t } = useI18n();
  const data = useApi((s) => endpoints.allCases({ status: 'active', sort: 'dueOn' }, s, 2000), [], {
    poll: true,
  });
  const today = todayIso();
  const open = useMemo(() => (data.data ?? []).filter((c) => c.status === 'active'), [data.data]);
  // overdue as the API says it (the case's own due date ended, or an open step past its deadline, in the state's
  // time): the same cases as the case list's filter and the plan's health
  const overdue = open
    .filter((c) => c.overdue)
    .sort((a, b) => (nextDue(a) ?? '').localeCompare(nextDue(b) ?? ''));
  const soonEnd = addDays(today, DUE_SOON_DAYS);
  const soon = open.filter((c) => {
    const d = nextDue(c);
    return !c.overdue && d && d <= soonEnd;
  });
  soon.sort((a, b) => (nextDue(a) ?? '').localeCompare(nextDue(b) ?? ''));

  return (
    <section aria-labelledby="deadlines-title">
      <div className="page-head">
        <h1 id="deadlines-title">{t('deadlines.title')}</h1>
      </div>
      <ErrorBox error={data.error} onRetry={data.reload} />
      {!data.data && data.loading && <Loading />}
      {data.data && (
        <>
          <div className="grid-2">
            <DueList id="overdue" title={t('deadlines.overdue')} cases={overdue} today={today} />
            <DueList id="soon" title={t('deadlines.dueSoon')} cases={soon} today={today} />
          </div>
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t('deadlines.timeline')}</h2>
            <Legend />
            <Timeline cases={open} today={today} />
          </section>
          <section className="card" aria-labelledby="calendar-title">
            <h2 id="calendar-title">{t('deadlines.calendar')}</h2>
            <MonthCalendar cases={open} today={today} />
          </section>
        </>
      )}
      <LiveStamp updatedAt={data.updatedAt} />
    </section>
  );
}

function DueList({
  id,
  title,
  cases,
  today,
}: {
  id: string;
  title: string;
  cases: CaseSummary[];
  today: string;
}) {
  const { t, formatDate } = useI18n();
  const { agencyName } = useReference();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {title} <span className="count">{cases.length}</span>
      </h2>
      {cases.length === 0 ? (
        <p className="muted">{t('common.none')}</p>
      ) : (
        <ul className="due-list">
          {cases.slice(0, 30).map((c) => {
            const d = nextDue(c) as string;
            const diff = daysBetween(today, d);
            return (
              <li key={c.id}>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>
                  <span className="code">{caseCode(c)}</span> {c.title}
                </Link>
                <span className="muted">
                  {agencyName(c.leadAgency)} · {formatDate(d)} ·{' '}
                  {diff < 0
                    ? t('deadlines.daysLate', { days: -diff })
                    : t('deadlines.inDays', { days: diff })}
                </span>
              </li>
            );
          })}
          {cases.length > 30 && (
            <li className="muted">{t('deadlines.more', { count: cases.length - 30 })}</li>
          )}
        </ul>
      )}
    </section>
  );
}

/** Gantt-like: one row per open case from its start to its due date, the current step's due date as a marker. */
function Timeline({ cases, today }: { cases: CaseSummary[]; today: string }) {
  const { t, formatDate, lang } = useI18n();
  const rows = [...cases]
    .filter((c) => c.dueOn || nextDue(c))
    .sort((a, b) => (nextDue(a) ?? '').localeCompare(nextDue(b) ?? ''))
    .slice(0, 40);
  if (rows.length === 0) return <p className="muted">{t('common.none')}</p>;
  const from = addDays(today, -90);
  const to = addDays(today, 180);
  const labelW = 300;
  const width = 1000;
  const plotW = width - labelW - 10;
  const rowH = 22;
  const top = 44;
  const height = top + rows.length * rowH + 6;
  const x = (iso: string) =>
    labelW +
    ((Math.min(Math.max(dayMs(iso), dayMs(from)), dayMs(to)) - dayMs(from)) / (dayMs(to) - dayMs(from))) *
      plotW;
  const months: string[] = [];
  for (let d = `${from.slice(0, 7)}-01`; d <= to; d = addDays(`${d.slice(0, 7)}-28`, 5).slice(0, 7) + '-01')
    if (d >= from) months.push(d);
  const monthFmt = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });
  return (
    <div className="timeline-wrap">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="group"
        aria-labelledby="timeline-title"
        aria-describedby="timeline-desc"
        className="timeline"
      >
        <desc id="timeline-desc">
          {rows.map((c) => `${caseCode(c)} ${c.title}: ${formatDate(nextDue(c))}`).join('; ')}
        </desc>
        {months.map((m) => (
          <g key={m}>
            <line x1={x(m)} x2={x(m)} y1={18} y2={height} className="grid-line" />
            <text x={x(m) + 3} y={14} className="chart-label small">
              {monthFmt.format(new Date(`${m}T00:00:00Z`))}
            </text>
          </g>
        ))}
        {rows.map((c, i) => {
          const y = top + i * rowH;
          const start = (c.startedAt ?? from).slice(0, 10);
          const due = (c.dueOn ?? nextDue(c)) as string;
          const step = nextDue(c);
          const h = healthOf(c, today) ?? 'on_track';
          return (
            <g key={c.id}>
              <a href={href(`/cases/${encodeURIComponent(c.id)}`)}>
                <text x={0} y={y + rowH / 2} dominantBaseline="middle" className="chart-label">
                  {truncate(`${caseCode(c)} ${c.title}`, 36)}
                </text>
              </a>
              <rect
                x={x(start)}
                y={y + 4}
                width={Math.max(2, x(due) - x(start))}
                height={rowH - 8}
                rx={3}
                fill={HEALTH_COLOURS[h]}
                opacity={0.85}
              >
                <title>{`${caseCode(c)} ${c.title}: ${formatDate(start)} – ${formatDate(due)}`}</title>
              </rect>
              {step && step !== due && (
                <circle cx={x(step)} cy={y + rowH / 2} r={4} fill="#111" stroke="#fff" />
              )}
            </g>
          );
        })}
        <line x1={x(today)} x2={x(today)} y1={36} y2={height} className="today-line" />
        <text x={x(today)} y={32} textAnchor="middle" className="chart-label small today-label">
          {t('deadlines.today')}
        </text>
      </svg>
    </div>
  );
}

function MonthCalendar({ cases, today }: { cases: CaseSummary[]; today: string }) {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(today.slice(0, 7));
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const first = `${month}-01`;
  const firstDow = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday first
  const daysInMonth = new Date(
    Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0),
  ).getUTCDate();
  const byDay = new Map<string, CaseSummary[]>();
  for (const c of cases) {
    const d = nextDue(c);
    if (d && d.startsWith(month)) byDay.set(d, [...(byDay.get(d) ?? []), c]);
  }
  const cells: Array<string | null> = [
    ...Array<null>(firstDow).fill(null),
    ...Array.from({ length: daysInMonth }, (_, i) => addDays(first, i)),
  ];
  while (cells.length % 7) cells.push(null);
  const weeks: Array<Array<string | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const weekdays = Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 1 + i)),
    ),
  );
  const title = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${first}T00:00:00Z`),
  );
  const shift = (n: number) => setMonth(addDays(`${month}-15`, n * 30).slice(0, 7));
  return (
    <div className="calendar">
      <div className="calendar-head">
        <button type="button" onClick={() => shift(-1)} aria-label={t('deadlines.prevMonth')}>
          ‹
        </button>
        <h3 aria-live="polite">{title}</h3>
        <button type="button" onClick={() => shift(1)} aria-label={t('deadlines.nextMonth')}>
          ›
        </button>
      </div>
      <table>
        <caption className="sr-only">{title}</caption>
        <thead>
          <tr>
            {weekdays.map((w) => (
              <th scope="col" key={w}>
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w, i) => (
            <tr key={i}>
              {w.map((d, j) => {
                const items = d ? (byDay.get(d) ?? []) : [];
                return (
                  <td key={j} className={d === today ? 'today' : d ? '' : 'empty'}>
                    {d && <span className="day">{Number(d.slice(8))}</span>}
                    {items.slice(0, 3).map((c) => (
                      <Link
                        key={c.id}
                        to={`/cases/${encodeURIComponent(c.id)}`}
                        className="cal-item"
                        title={c.title}
                      >
                        <span
                          className="dot"
                          style={{ background: HEALTH_COLOURS[healthOf(c, today) ?? 'on_track'] }}
                          aria-hidden="true"
                        />
                        {caseCode(c)}
                        <span className="sr-only">
                          {' '}
                          {c.title} — {t(`health.${healthOf(c, today) ?? 'on_track'}`)}
                        </span>
                      </Link>
                    ))}
                    {items.length > 3 && (
                      <span className="muted small">{t('deadlines.more', { count: items.length - 3 })}</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
