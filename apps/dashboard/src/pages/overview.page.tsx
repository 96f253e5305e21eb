import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { Plan, PlanProgress, StartWarning } from '../api/types';
import { HealthSummary, Legend, StackedBars } from '../components/charts';
import { problemWords } from '../components/forms';
import { StartWarningText } from '../components/start-warning';
import { ErrorBox, LiveStamp, Loading, Notice } from '../components/status';
import { useI18n, type Translate } from '../i18n/i18n';
import { canCoordinate, useAuth } from '../lib/auth';
import { todayIso } from '../lib/dates';
import { areaLabel, breakdownFromProgress, countsFromProgress, emptyCounts } from '../lib/health';
import { useReference } from '../lib/reference';
import { download, toCsv, toXlsx } from '../lib/report';
import { useRouter } from '../lib/router';
import { useApi } from '../lib/use-api';
import { NewCaseForm } from './new-case-form';
import { RefusedEmailsAlert } from './refused-emails.page';

export function OverviewPage({ planCode }: { planCode?: string }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const { plans } = useReference();
  const { navigate } = useRouter();
  const code = planCode ?? plans[0]?.code;

  // the API counts the buckets, by agency and by area, in SQL: the overview never reads every case
  const data = useApi(code ? (signal) => endpoints.plan(code, signal) : null, [code], { poll: true });

  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">{t('overview.title')}</h1>
        {plans.length > 0 && (
          <div className="field-inline">
            <label htmlFor="plan-picker">{t('overview.plan')}</label>
            <select
              id="plan-picker"
              value={code ?? ''}
              onChange={(e) => navigate(`/overview/${encodeURIComponent(e.target.value)}`)}
            >
              {plans.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.title}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="button" className="no-print" onClick={() => window.print()}>
          {t('common.print')}
        </button>
      </div>
      {canCoordinate(me) && <RefusedEmailsAlert me={me} />}
      {canCoordinate(me) && <PlanTools planCode={code} onChanged={data.reload} />}
      {!code && <p>{t('overview.noPlans')}</p>}
      <ErrorBox error={data.error} onRetry={data.reload} />
      {code && !data.data && data.loading && <Loading />}
      {data.data && <PlanView plan={data.data} />}
      <LiveStamp updatedAt={data.updatedAt} />
    </section>
  );
}

/** The area rows of GET /plans/{code} keyed by their label ("OP 3(D) · all"). */
function areaRows(byArea: PlanProgress['byArea']): PlanProgress['byArea'] {
  if (!Array.isArray(byArea)) return byArea;
  return byArea.map((r) => ({
    ...r,
    area: r.area ?? areaLabel({ paragraph: r.paragraph, weaponType: r.weaponType }),
  }));
}

function PlanView({ plan }: { plan: Plan }) {
  const { t, tx, formatDate, lang } = useI18n();
  const { agencyName } = useReference();
  const today = todayIso();
  const counts = countsFromProgress(plan.progress) ?? emptyCounts();
  const byAgency = breakdownFromProgress(plan.progress?.byAgency, 'agency') ?? [];
  const byArea = breakdownFromProgress(areaRows(plan.progress?.byArea), 'area') ?? [];
  const late = (plan.progress?.holdingUp ?? []).slice(0, 8);
  const maxLate = Math.max(1, ...late.map((l) => l.steps));
  const counted = Object.values(counts).reduce((n, v) => n + v, 0);
  const [busy, setBusy] = useState(false);
  const [exportError, setExportError] = useState<unknown>();

  // the report lists every case: read them only when it is asked for
  const exportAs = async (format: 'csv' | 'xlsx') => {
    setBusy(true);
    setExportError(undefined);
    try {
      const cases = await endpoints.allCases({ plan: plan.code });
      const ctx = { plan, cases, t, tx, lang, agencyName, today };
      const base = `${plan.code}-status-${today}`;
      if (format === 'csv') download(`${base}.csv`, toCsv(ctx), 'text/csv;charset=utf-8');
      else
        download(
          `${base}.xlsx`,
          toXlsx(ctx) as BlobPart,
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
    } catch (err) {
      setExportError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h2 className="plan-title">
        {plan.code} — {plan.title}
        {plan.adoptedOn && (
          <span className="muted small">
            {' '}
            · {t('overview.adopted', { date: formatDate(plan.adoptedOn) })}
          </span>
        )}
      </h2>
      <section aria-labelledby="progress-title" className="card">
        <h2 id="progress-title">{t('overview.progress')}</h2>
        <HealthSummary counts={counts} />
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="by-agency-title">
          <h2 id="by-agency-title">{t('overview.byAgency')}</h2>
          <Legend />
          <StackedBars title={t('overview.byAgency')} rows={byAgency} labelOf={agencyName} />
        </section>
        <section className="card" aria-labelledby="by-area-title">
          <h2 id="by-area-title">{t('overview.byArea')}</h2>
          <Legend />
          <StackedBars title={t('overview.byArea')} rows={byArea} />
        </section>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="late-title">
          <h2 id="late-title">{t('overview.holdingUp')}</h2>
          <p className="muted">{t('overview.holdingUpHint')}</p>
          {late.length === 0 ? (
            <p>{t('common.none')}</p>
          ) : (
            <ol className="holding-up">
              {late.map((l) => (
                <li key={l.agency}>
                  <span className="holding-name">{agencyName(l.agency)}</span>
                  <span className="holding-bar" aria-hidden="true">
                    <span style={{ width: `${(l.steps / maxLate) * 100}%` }} />
                  </span>
                  <span className="num">
                    <span className="sr-only">{t('overview.openSteps')}: </span>
                    {l.steps}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="card no-print" aria-labelledby="export-title">
          <h2 id="export-title">{t('overview.export')}</h2>
          <p className="muted">{t('overview.computed', { count: counted })}</p>
          <div className="button-row">
            <button type="button" onClick={() => void exportAs('csv')} disabled={busy}>
              {t('overview.exportCsv')}
            </button>
            <button type="button" onClick={() => void exportAs('xlsx')} disabled={busy}>
              {t('overview.exportXlsx')}
            </button>
          </div>
          <ErrorBox error={exportError} />
        </section>
      </div>
    </>
  );
}

/** Coordinators create a plan, import its measures or start one case here. */
function PlanTools({ planCode, onChanged }: { planCode?: string; onChanged: () => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const { reloadPlans } = useReference();
  const { navigate } = useRouter();
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string>();
  const [importReport, setImportReport] = useState<ReportRow[]>([]);
  const [importWarnings, setImportWarnings] = useState<{ dryRun: boolean; rows: WarnedRow[] }>({
    dryRun: true,
    rows: [],
  });
  const [busy, setBusy] = useState(false);
  const [newCaseOpen, setNewCaseOpen] = useState(false);

  const createPlan = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const f = new FormData(formEl);
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const code = String(f.get('code'));
      await endpoints.createPlan({
        code,
        title: String(f.get('title')),
        stateCode: String(f.get('stateCode')),
        adoptedOn: String(f.get('adoptedOn')),
      });
      setMessage(t('plan.created', { code }));
      formEl.reset();
      formEl.closest('details')?.removeAttribute('open');
      reloadPlans();
      navigate(`/overview/${encodeURIComponent(code)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const importFile = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    const dryRun = (form.elements.namedItem('dryRun') as HTMLInputElement).checked;
    if (!file || !planCode) return;
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    setImportReport([]);
    setImportWarnings({ dryRun, rows: [] });
    try {
      const res = (await endpoints.importMeasures(planCode, file, dryRun)) as Record<string, unknown>;
      const rows = (Array.isArray(res?.rows) ? res.rows : []) as Array<Record<string, unknown>>;
      const bad = badRows(rows);
      setImportReport(bad);
      setImportWarnings({ dryRun, rows: warnedRows(rows) });
      const created =
        typeof res?.created === 'number' ? res.created : rows.filter((r) => r.outcome === 'create').length;
      const result = dryRun
        ? t('import.dryResult', { ok: rows.length - bad.length, bad: bad.length })
        : t('import.result', { created: Number.isFinite(created) ? created : 0 });
      // who is emailed about the new steps, and how
      const notices =
        res?.notices === 'per_agency' || res?.notices === 'per_step'
          ? t(`import.notices.${res.notices}`)
          : '';
      setMessage(notices ? `${result} ${notices}` : result);
      if (!dryRun) onChanged();
    } catch (err) {
      // 422: nothing was imported; the report names each bad row
      const report =
        err instanceof ApiError
          ? (err.problem.report as { rows?: Array<Record<string, unknown>> } | undefined)
          : undefined;
      if (report?.rows) {
        setImportReport(badRows(report.rows));
        setImportWarnings({ dryRun: true, rows: warnedRows(report.rows) });
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tools no-print">
      <details>
        <summary>{t('overview.createPlan')}</summary>
        <form className="form-grid" onSubmit={createPlan} aria-label={t('overview.createPlan')}>
          <label>
            {t('plan.code')}
            <input name="code" required pattern="[A-Za-z0-9_\-.]+" />
          </label>
          <label>
            {t('plan.title')}
            <input name="title" required />
          </label>
          <label>
            {t('plan.state')}
            <input name="stateCode" required defaultValue={me?.stateCode ?? ''} maxLength={3} />
          </label>
          <label>
            {t('plan.adoptedOn')}
            <input name="adoptedOn" type="date" required />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {t('common.save')}
          </button>
        </form>
      </details>
      {planCode && (
        <details>
          <summary>{t('overview.import')}</summary>
          <form className="form-grid" onSubmit={importFile} aria-label={t('overview.import')}>
            <label>
              {t('import.file')}
              <input
                name="file"
                type="file"
                accept=".csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-describedby="import-file-hint"
                required
              />
            </label>
            <p id="import-file-hint" className="muted small">
              {t('import.hint')}
            </p>
            <label className="checkbox">
              <input name="dryRun" type="checkbox" />
              {t('import.dryRun')}
            </label>
            <button type="submit" className="primary" disabled={busy}>
              {t('import.submit')}
            </button>
          </form>
        </details>
      )}
      {planCode && (
        // mounted once opened: the processes and their roles are fetched for a coordinator who starts a case
        <details onToggle={(e) => setNewCaseOpen(e.currentTarget.open)}>
          <summary>{t('overview.newCase')}</summary>
          {newCaseOpen && <NewCaseForm planCode={planCode} onStarted={onChanged} />}
        </details>
      )}
      {message && <Notice>{message}</Notice>}
      {importReport.length > 0 && (
        <ul className="error">
          {importReport.map((r) => (
            <li key={r.row}>
              {t('import.row', { row: r.row })}:{' '}
              {(r.problems.length ? r.problems.map((p) => problemText(t, p)) : r.messages).join('; ')}
            </li>
          ))}
        </ul>
      )}
      {importWarnings.rows.length > 0 && (
        <div className="warning" role="status">
          <p>
            {t(importWarnings.dryRun ? 'import.warned' : 'import.startedLate', {
              n: importWarnings.rows.length,
            })}
          </p>
          <ul>
            {importWarnings.rows.map((r) => (
              <li key={r.row}>
                {t('import.row', { row: r.row })}:{' '}
                {r.warnings.map((w, i) => (
                  <span key={i}>
                    {i > 0 && '; '}
                    <StartWarningText warning={w} />
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

interface ReportRow {
  row: number;
  messages: string[];
  /** the same as codes and facts (reports since 2026-11-29), worded in the reader's language */
  problems: ImportProblem[];
}

interface ImportProblem {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

/**
 * A row's problem in the reader's language: an import's own, or a field's (unknown agency...) after the field it
 * names; the API's English text for a code the dashboard does not know.
 */
function problemText(t: Translate, p: ImportProblem): string {
  const own = problemWords(t, 'importProblem', p);
  if (own !== undefined) return own;
  const asField = problemWords(t, 'fieldProblem', p);
  return asField !== undefined ? `${p.params.field}: ${asField}` : p.message;
}

function problemsOf(r: Record<string, unknown>): ImportProblem[] {
  if (!Array.isArray(r.problems)) return [];
  return (r.problems as Array<Record<string, unknown>>)
    .filter((p) => typeof p?.code === 'string' && typeof p.message === 'string')
    .map((p) => ({
      code: p.code as string,
      params: (p.params ?? {}) as Record<string, string | number>,
      message: p.message as string,
    }));
}

interface WarnedRow {
  row: number;
  warnings: StartWarning[];
}

/**
 * Rows that are (or would be) created with warnings: a deadline already past, steps starting overdue, steps waiting
 * on an agency with no focal point.
 */
function warnedRows(rows: Array<Record<string, unknown>>): WarnedRow[] {
  return rows
    .filter((r) => r.outcome !== 'error' && Array.isArray(r.warnings) && r.warnings.length > 0)
    .map((r) => ({ row: Number(r.row ?? r.line ?? 0), warnings: r.warnings as StartWarning[] }));
}

function badRows(rows: Array<Record<string, unknown>>): ReportRow[] {
  return rows
    .filter((r) => r.outcome === 'error' || (Array.isArray(r.errors) && r.errors.length > 0))
    .map((r) => ({
      row: Number(r.row ?? r.line ?? 0),
      messages: ((r.errors as unknown[]) ?? []).map((x) =>
        typeof x === 'string' ? x : ((x as { message?: string }).message ?? JSON.stringify(x)),
      ),
      problems: problemsOf(r),
    }));
}
