import { useEffect, useState, type FormEvent } from 'react';
import { caseCode, endpoints } from '../api/endpoints';
import { ErrorBox, HealthBadge, LiveStamp, Loading } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { areaLabel, healthOf } from '../lib/health';
import { useReference } from '../lib/reference';
import { Link, useRouter } from '../lib/router';
import { currentStepTitle } from '../lib/step-title';
import { useApi } from '../lib/use-api';
import type { MessageKey } from '../i18n/en';

const FILTERS = [
  'q',
  'plan',
  'agency',
  'kind',
  'status',
  'area',
  'overdue',
  'dueAfter',
  'dueBefore',
] as const;
const KINDS = [
  'measure',
  'draft_law',
  'government_decision',
  'assistance_request',
  'peer_review',
  'matrix_revision',
  'handover',
];
const STATUSES = ['active', 'completed', 'rejected', 'withdrawn'];
const PAGE_SIZES = [25, 50, 100];

type SortKey = 'code' | 'title' | 'leadAgency' | 'dueOn' | 'status' | 'progress';
const COLUMNS: Array<{ key: SortKey; label: MessageKey }> = [
  { key: 'code', label: 'cases.code' },
  { key: 'title', label: 'cases.caseTitle' },
  { key: 'leadAgency', label: 'cases.lead' },
  { key: 'dueOn', label: 'cases.due' },
  { key: 'status', label: 'cases.status' },
  { key: 'progress', label: 'cases.progress' },
];

/** Server-side filtering, sorting and pagination: the list stays fast however many cases a state has. */
export function CasesPage() {
  const { t, tx, formatDate, lang } = useI18n();
  const { location, navigate } = useRouter();
  const { plans, agencies, agencyName } = useReference();
  const sp = location.search;
  const page = Math.max(1, Number(sp.get('page') ?? 1));
  const pageSize = PAGE_SIZES.includes(Number(sp.get('pageSize'))) ? Number(sp.get('pageSize')) : 25;
  const sort = sp.get('sort') ?? 'dueOn';
  const query: Record<string, string | number> = { page, pageSize, sort };
  for (const f of FILTERS) {
    const v = sp.get(f);
    if (v) query[f] = v;
  }
  const key = JSON.stringify(query);
  const list = useApi((s) => endpoints.cases(query, s), [key], { poll: true });
  const [q, setQ] = useState(sp.get('q') ?? '');
  useEffect(() => setQ(sp.get('q') ?? ''), [sp]);

  const update = (changes: Record<string, string | null>, resetPage = true) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (resetPage) next.delete('page');
    const s = next.toString();
    navigate(`/cases${s ? `?${s}` : ''}`, { replace: true });
  };

  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    update({ q: q.trim() || null });
  };

  const toggleSort = (k: SortKey) => update({ sort: sort === k ? `-${k}` : k }, false);
  const total = list.data?.total ?? 0;
  const showStep = (list.data?.items ?? []).some((c) => c.currentStep || c.steps);
  // the API sorts (over all pages, not only this one)
  const rows = list.data?.items ?? [];
  const pages = Math.max(1, Math.ceil(total / pageSize));

  return (
    <section aria-labelledby="cases-title">
      <div className="page-head">
        <h1 id="cases-title">{t('cases.title')}</h1>
        <form role="search" onSubmit={submitSearch} className="search">
          <label htmlFor="case-search" className="sr-only">
            {t('cases.search')}
          </label>
          <input
            id="case-search"
            type="search"
            value={q}
            placeholder={t('cases.searchPlaceholder')}
            onChange={(e) => setQ(e.target.value)}
          />
          <button type="submit">{t('cases.search')}</button>
        </form>
      </div>
      <fieldset className="filters">
        <legend>{t('cases.filters')}</legend>
        <Select
          id="f-plan"
          label={t('cases.plan')}
          value={sp.get('plan')}
          onChange={(v) => update({ plan: v })}
          options={plans.map((p) => [p.code, p.code])}
        />
        <Select
          id="f-agency"
          label={t('cases.agency')}
          value={sp.get('agency')}
          onChange={(v) => update({ agency: v })}
          options={agencies.map((a) => [a.code, agencyName(a.code)])}
        />
        <Select
          id="f-kind"
          label={t('cases.kind')}
          value={sp.get('kind')}
          onChange={(v) => update({ kind: v })}
          options={KINDS.map((k) => [k, tx('kind', k)])}
        />
        <Select
          id="f-status"
          label={t('cases.status')}
          value={sp.get('status')}
          onChange={(v) => update({ status: v })}
          options={STATUSES.map((s) => [s, tx('status', s)])}
        />
        <div className="field">
          <label htmlFor="f-area">{t('cases.area')}</label>
          <input
            id="f-area"
            defaultValue={sp.get('area') ?? ''}
            onBlur={(e) =>
              e.target.value !== (sp.get('area') ?? '') && update({ area: e.target.value || null })
            }
          />
        </div>
        <div className="field">
          <label htmlFor="f-after">{t('cases.dueAfter')}</label>
          <input
            id="f-after"
            type="date"
            value={sp.get('dueAfter') ?? ''}
            onChange={(e) => update({ dueAfter: e.target.value || null })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-before">{t('cases.dueBefore')}</label>
          <input
            id="f-before"
            type="date"
            value={sp.get('dueBefore') ?? ''}
            onChange={(e) => update({ dueBefore: e.target.value || null })}
          />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={sp.get('overdue') === 'true'}
            onChange={(e) => update({ overdue: e.target.checked ? 'true' : null })}
          />
          {t('cases.overdueOnly')}
        </label>
        <button type="button" className="link-button" onClick={() => navigate('/cases', { replace: true })}>
          {t('cases.reset')}
        </button>
      </fieldset>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {!list.data && list.loading && <Loading />}
      {list.data && (
        <>
          <p className="muted" aria-live="polite">
            {t('cases.count', { total })}
          </p>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  {COLUMNS.map((c) => {
                    const dir =
                      sort === c.key ? 'ascending' : sort === `-${c.key}` ? 'descending' : undefined;
                    return (
                      <th scope="col" key={c.key} aria-sort={dir ?? 'none'}>
                        <button
                          type="button"
                          className="sort"
                          onClick={() => toggleSort(c.key)}
                          aria-label={t('cases.sortBy', { column: t(c.label) })}
                        >
                          {t(c.label)}{' '}
                          <span aria-hidden="true">
                            {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}
                          </span>
                        </button>
                      </th>
                    );
                  })}
                  <th scope="col">{t('cases.area')}</th>
                  {showStep && <th scope="col">{t('cases.currentStep')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td className="code">{caseCode(c)}</td>
                    <td>
                      <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.title}</Link>
                      <div className="muted small">{tx('kind', c.kind)}</div>
                    </td>
                    <td>{agencyName(c.leadAgency)}</td>
                    <td className="nowrap">{formatDate(c.dueOn)}</td>
                    <td>
                      <HealthBadge health={healthOf(c)} />
                    </td>
                    <td className="num">
                      {typeof c.progress === 'number' ? `${Math.round(c.progress * 100)}%` : '—'}
                    </td>
                    <td>{areaLabel(c.area)}</td>
                    {showStep && <td>{currentStepTitle(c, lang) ?? '—'}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t('cases.pagination')}>
            <button
              type="button"
              disabled={page <= 1}
              onClick={() => update({ page: String(page - 1) }, false)}
            >
              ‹ {t('cases.prev')}
            </button>
            <span>{t('cases.page', { page, pages })}</span>
            <button
              type="button"
              disabled={page >= pages}
              onClick={() => update({ page: String(page + 1) }, false)}
            >
              {t('cases.next')} ›
            </button>
            <label htmlFor="page-size">{t('cases.pageSize')}</label>
            <select id="page-size" value={pageSize} onChange={(e) => update({ pageSize: e.target.value })}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </nav>
        </>
      )}
      <LiveStamp updatedAt={list.updatedAt} />
    </section>
  );
}

function Select({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string | null;
  options: Array<[string, string]>;
  onChange: (v: string | null) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t('common.all')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
