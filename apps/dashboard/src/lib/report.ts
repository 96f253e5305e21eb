// The plan status report a coordinator submits to the 1540 Committee: one row per case, grouped by 1540 area,
// with a summary sheet. Built in the browser from the API's data, as CSV (UTF-8 with BOM, for Excel) and XLSX.
import { caseCode } from '../api/endpoints';
import { HEALTHS, type CaseSummary, type Language, type Plan } from '../api/types';
import type { Translate } from '../i18n/i18n';
import { areaLabel, breakdown, healthOf, totals } from './health';
import { currentStepTitle } from './step-title';
import { buildXlsx, type Cell, type Sheet } from './xlsx';

export interface ReportContext {
  plan: Plan;
  cases: CaseSummary[];
  t: Translate;
  tx: (prefix: string, v: string) => string;
  /** the UI language, which names the steps */
  lang: Language;
  agencyName: (code: string | null | undefined) => string;
  today: string;
}

export function reportHeader(ctx: ReportContext): string[] {
  const { t } = ctx;
  return [
    t('export.no'),
    t('cases.code'),
    t('cases.caseTitle'),
    t('cases.kind'),
    t('export.area'),
    t('cases.lead'),
    t('export.supporting'),
    t('cases.due'),
    t('export.health'),
    t('export.caseStatus'),
    t('export.progress'),
    t('export.currentStep'),
    t('export.closed'),
  ];
}

export function reportRows(ctx: ReportContext): Cell[][] {
  const { t, tx, agencyName, today, lang } = ctx;
  const sorted = [...ctx.cases].sort(
    (a, b) =>
      areaLabel(a.area).localeCompare(areaLabel(b.area)) ||
      caseCode(a).localeCompare(caseCode(b), undefined, { numeric: true }),
  );
  return sorted.map((c, i) => {
    const h = healthOf(c, today);
    const current = currentStepTitle(c, lang) ?? '';
    return [
      i + 1,
      caseCode(c),
      c.title,
      tx('kind', c.kind),
      areaLabel(c.area),
      agencyName(c.leadAgency),
      (c.supportingAgencies ?? []).map(agencyName).join('; '),
      c.dueOn ?? '',
      h ? t(`health.${h}`) : '',
      tx('status', c.status),
      typeof c.progress === 'number' ? Math.round(c.progress * 100) : '',
      current,
      c.closedAt ? c.closedAt.slice(0, 10) : '',
    ];
  });
}

function heading(ctx: ReportContext): string {
  return ctx.t('export.heading', { state: ctx.plan.stateCode, plan: `${ctx.plan.code} — ${ctx.plan.title}` });
}

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // a leading =, +, -, @ would be a formula in a spreadsheet: neutralise (CSV injection)
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v !== 'number' ? `'${s}` : s;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(ctx: ReportContext): string {
  const lines: Cell[][] = [
    [heading(ctx)],
    [ctx.t('export.generated', { date: ctx.today })],
    [],
    reportHeader(ctx),
    ...reportRows(ctx),
  ];
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function toXlsx(ctx: ReportContext): Uint8Array {
  const { t } = ctx;
  const header = reportHeader(ctx);
  const lastCol = String.fromCharCode(64 + header.length);
  const status: Sheet = {
    name: t('export.sheetStatus'),
    widths: [6, 12, 48, 18, 22, 28, 28, 12, 14, 14, 10, 30, 12],
    merges: [`A1:${lastCol}1`, `A2:${lastCol}2`],
    freezeRow: 5,
    rows: [
      { cells: [heading(ctx)], style: 'title', height: 40 },
      { cells: [t('export.generated', { date: ctx.today })] },
      { cells: [] },
      { cells: header, style: 'header', height: 32 },
      ...reportRows(ctx).map((cells) => ({ cells, style: 'wrap' as const })),
    ],
  };
  const counts = totals(ctx.cases, ctx.today);
  const healthHeader = ['', ...HEALTHS.map((h) => t(`health.${h}`)), t('common.total')];
  const section = (title: string, rows: ReturnType<typeof breakdown>, label: (k: string) => string) => [
    { cells: [title], style: 'bold' as const },
    { cells: healthHeader, style: 'header' as const },
    ...rows.map((r) => ({
      cells: [label(r.key), ...HEALTHS.map((h) => r.counts[h]), r.total] as Cell[],
      style: 'wrap' as const,
    })),
    { cells: [] },
  ];
  const summary: Sheet = {
    name: t('export.sheetSummary'),
    widths: [40, 12, 12, 12, 12, 12, 10],
    merges: ['A1:G1'],
    rows: [
      { cells: [heading(ctx)], style: 'title', height: 40 },
      { cells: [] },
      { cells: healthHeader, style: 'header' },
      {
        cells: [
          t('overview.progress'),
          ...HEALTHS.map((h) => counts[h]),
          HEALTHS.reduce((n, h) => n + counts[h], 0),
        ],
        style: 'wrap',
      },
      { cells: [] },
      ...section(
        t('overview.byAgency'),
        breakdown(ctx.cases, (c) => c.leadAgency ?? '—', ctx.today),
        ctx.agencyName,
      ),
      ...section(
        t('overview.byArea'),
        breakdown(ctx.cases, (c) => areaLabel(c.area), ctx.today),
        (k) => k,
      ),
    ],
  };
  return buildXlsx([status, summary]);
}

export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
