// Plain SVG charts: small, printable, readable by screen readers through a title and a data table.
import { HEALTHS, type Health } from '../api/types';
import { useI18n } from '../i18n/i18n';
import type { Breakdown } from '../lib/health';

export const HEALTH_COLOURS: Record<Health, string> = {
  done: '#1a7f37',
  on_track: '#1f5fbf',
  due_soon: '#9a5b00',
  overdue: '#b42318',
  blocked: '#6e3aa8',
};

export function Legend() {
  const { t } = useI18n();
  return (
    <ul className="legend" aria-hidden="true">
      {HEALTHS.map((h) => (
        <li key={h}>
          <span className="swatch" style={{ background: HEALTH_COLOURS[h] }} />
          {t(`health.${h}`)}
        </li>
      ))}
    </ul>
  );
}

function describe(t: ReturnType<typeof useI18n>['t'], label: string, counts: Record<Health, number>): string {
  return `${label}: ${HEALTHS.map((h) => `${t(`health.${h}`)} ${counts[h]}`).join(', ')}`;
}

/** One row per agency or area, segments per status, scaled to the largest row. */
export function StackedBars({
  title,
  rows,
  labelOf,
}: {
  title: string;
  rows: Breakdown[];
  labelOf?: (key: string) => string;
}) {
  const { t } = useI18n();
  const label = (k: string) => labelOf?.(k) ?? k;
  const rowH = 26;
  const gap = 8;
  const labelW = 250;
  const width = 680;
  const barW = width - labelW - 50;
  const max = Math.max(1, ...rows.map((r) => r.total));
  const height = rows.length * (rowH + gap) + gap;
  const desc = rows.map((r) => describe(t, label(r.key), r.counts)).join('; ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted">{t('common.none')}</p>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
          role="img"
          aria-label={`${title}. ${desc}`}
          preserveAspectRatio="xMinYMin meet"
        >
          {rows.map((r, i) => {
            const y = gap + i * (rowH + gap);
            let x = labelW;
            return (
              <g key={r.key}>
                <text
                  x={labelW - 8}
                  y={y + rowH / 2}
                  dominantBaseline="middle"
                  textAnchor="end"
                  className="chart-label"
                >
                  {truncate(label(r.key), 32)}
                  <title>{label(r.key)}</title>
                </text>
                {HEALTHS.map((h) => {
                  const w = (r.counts[h] / max) * barW;
                  const seg = (
                    <g key={h}>
                      <rect x={x} y={y} width={Math.max(0, w)} height={rowH} fill={HEALTH_COLOURS[h]}>
                        <title>{`${label(r.key)} — ${t(`health.${h}`)}: ${r.counts[h]}`}</title>
                      </rect>
                      {w >= 22 && (
                        <text
                          x={x + w / 2}
                          y={y + rowH / 2}
                          dominantBaseline="middle"
                          textAnchor="middle"
                          className="chart-value"
                        >
                          {r.counts[h]}
                        </text>
                      )}
                    </g>
                  );
                  x += w;
                  return seg;
                })}
                <text x={x + 6} y={y + rowH / 2} dominantBaseline="middle" className="chart-label">
                  {r.total}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {rows.length > 0 && <DataTable rows={rows} labelOf={label} />}
    </figure>
  );
}

function DataTable({ rows, labelOf }: { rows: Breakdown[]; labelOf: (k: string) => string }) {
  const { t } = useI18n();
  return (
    <details className="chart-table">
      <summary>{t('common.showTable')}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col" />
            {HEALTHS.map((h) => (
              <th scope="col" key={h}>
                {t(`health.${h}`)}
              </th>
            ))}
            <th scope="col">{t('common.total')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{labelOf(r.key)}</th>
              {HEALTHS.map((h) => (
                <td key={h} className="num">
                  {r.counts[h]}
                </td>
              ))}
              <td className="num">{r.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The whole plan as one bar plus big numbers. */
export function HealthSummary({ counts }: { counts: Record<Health, number> }) {
  const { t } = useI18n();
  const total = HEALTHS.reduce((n, h) => n + counts[h], 0);
  let x = 0;
  return (
    <div className="health-summary">
      <dl className="kpis">
        {HEALTHS.map((h) => (
          <div key={h} className="kpi" style={{ borderTopColor: HEALTH_COLOURS[h] }}>
            <dt>{t(`health.${h}`)}</dt>
            <dd data-health={h}>{counts[h]}</dd>
          </div>
        ))}
        <div className="kpi kpi-total">
          <dt>{t('common.total')}</dt>
          <dd>{total}</dd>
        </div>
      </dl>
      <svg
        viewBox="0 0 1000 24"
        width="100%"
        height="24"
        preserveAspectRatio="none"
        role="img"
        aria-label={describe(t, t('overview.progress'), counts)}
      >
        {total === 0 ? (
          <rect x={0} y={0} width={1000} height={24} fill="#e5e7eb" />
        ) : (
          HEALTHS.map((h) => {
            const w = (counts[h] / total) * 1000;
            const r = <rect key={h} x={x} y={0} width={w} height={24} fill={HEALTH_COLOURS[h]} />;
            x += w;
            return r;
          })
        )}
      </svg>
    </div>
  );
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
