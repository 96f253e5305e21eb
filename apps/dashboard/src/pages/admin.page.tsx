import { endpoints } from '../api/endpoints';
import { useState } from 'react';
import type { Agency, DefinitionStep, DefinitionVersion, Person } from '../api/types';
import { DataTable } from '../components/data-table';
import { ErrorBox, Loading } from '../components/status';
import { inLanguage, useI18n } from '../i18n/i18n';
import { useReference } from '../lib/reference';
import { Link } from '../lib/router';
import { useApi, type Resource } from '../lib/use-api';
import type { MessageKey } from '../i18n/en';
import { useAuth } from '../lib/auth';
import type { Me } from '../api/types';
import {
  AddAgencyForm,
  AddNonWorkingDayForm,
  AddPersonForm,
  EditPersonForm,
  RemoveDayButton,
  RenameAgencyForm,
  SetDeputyForm,
  SharePlanForm,
  UploadDefinitionForm,
} from './admin-forms';
import { Notice } from '../components/status';

const TABS: Array<{ key: string; label: MessageKey; adminOnly?: boolean }> = [
  { key: 'agencies', label: 'admin.agencies' },
  // GET /people is for administrators only
  { key: 'people', label: 'admin.people', adminOnly: true },
  { key: 'calendars', label: 'admin.calendars' },
  { key: 'definitions', label: 'admin.definitions' },
];

export function AdminPage({ tab }: { tab?: string }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const tabs = TABS.filter((x) => !x.adminOnly || me?.role === 'admin');
  const current = tabs.some((x) => x.key === tab) ? (tab as string) : 'agencies';
  return (
    <section aria-labelledby="admin-title">
      <div className="page-head">
        <h1 id="admin-title">{t('admin.title')}</h1>
      </div>
      <nav aria-label={t('admin.title')} className="tabs">
        <ul>
          {tabs.map((x) => (
            <li key={x.key}>
              <Link to={`/admin/${x.key}`} aria-current={x.key === current ? 'page' : undefined}>
                {t(x.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current === 'agencies' && <Agencies />}
      {current === 'people' && <People />}
      {current === 'calendars' && <Calendars />}
      {current === 'definitions' && <Definitions />}
    </section>
  );
}

function Guard<T>({ res, children }: { res: Resource<T>; children: (d: T) => React.ReactNode }) {
  const { t } = useI18n();
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  if (Array.isArray(res.data) && res.data.length === 0) return <p className="muted">{t('common.none')}</p>;
  return <>{children(res.data)}</>;
}

/** What the viewer may change here, as the API allows it. */
function isAdmin(me: Me | null | undefined): boolean {
  return me?.role === 'admin';
}

function Agencies() {
  const { me } = useAuth();
  const { reloadAgencies } = useReference();
  const res = useApi((s) => endpoints.agencies(s), []);
  const states = useApi((s) => endpoints.states(s), []);
  const plans = useApi((s) => endpoints.plans(s), []);
  // a coordinator may share only the plans of their state (POST /plans/{code}/shares)
  const shareable = (plans.data ?? []).filter(
    (p) => isAdmin(me) || (me?.role === 'coordinator' && p.stateCode === me.stateCode),
  );
  // the list and the agency names shown elsewhere (filters, case pages) both re-fetch after a write
  const changed = () => {
    res.reload();
    reloadAgencies();
  };
  const rename =
    isAdmin(me) && res.data && res.data.length > 0 ? (
      <RenameAgencyForm agencies={res.data} onDone={changed} />
    ) : null;
  const share =
    shareable.length > 0 && res.data ? <SharePlanForm plans={shareable} agencies={res.data} /> : null;
  return (
    <>
      {isAdmin(me) && states.data && <AddAgencyForm states={states.data} onDone={changed} />}
      {rename && share ? (
        <div className="grid-2">
          {rename}
          {share}
        </div>
      ) : (
        (rename ?? share)
      )}
      <AgencyList res={res} />
    </>
  );
}

function AgencyList({ res }: { res: Resource<Agency[]> }) {
  const { t } = useI18n();
  return (
    <Guard res={res}>
      {(rows) => (
        <DataTable
          caption={t('admin.agencies')}
          columns={[t('admin.code'), t('admin.name'), t('admin.state'), t('admin.focalPoints')]}
        >
          {rows.map((a) => (
            <tr key={a.code}>
              <td className="code">{a.code}</td>
              <td>
                {a.name}
                {a.nameRu && a.nameRu !== a.name && (
                  <div className="muted small" lang="ru">
                    {a.nameRu}
                  </div>
                )}
              </td>
              <td>{a.stateCode ?? '—'}</td>
              <td className="num" data-focal-points={a.focalPoints}>
                {a.focalPoints === 0 && a.kind !== 'international' ? (
                  <span className="badge no-focal-point">{t('admin.noFocalPoint')}</span>
                ) : (
                  (a.focalPoints ?? '—')
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Guard>
  );
}

function deputyOf(
  p: Person,
  all: Person[],
): { name: string; from?: string | null; until?: string | null } | null {
  if (p.deputy) {
    const d = all.find((x) => x.id === (p.deputy?.deputyId ?? p.deputy?.id));
    return {
      name: p.deputy.name ?? d?.name ?? p.deputy.email ?? d?.email ?? '—',
      from: p.deputy.from,
      until: p.deputy.until,
    };
  }
  if (p.deputyId || p.deputyName) {
    const d = all.find((x) => x.id === p.deputyId);
    return { name: p.deputyName ?? d?.name ?? String(p.deputyId), from: p.deputyFrom, until: p.deputyUntil };
  }
  return null;
}

function People() {
  const res = useApi((s) => endpoints.people(s), []);
  const agencies = useApi((s) => endpoints.agencies(s), []);
  return (
    <>
      {agencies.data && <AddPersonForm agencies={agencies.data} onDone={res.reload} />}
      {agencies.data && res.data && res.data.length > 0 && (
        <div className="grid-2">
          <EditPersonForm people={res.data} agencies={agencies.data} onDone={res.reload} />
          <SetDeputyForm people={res.data} onDone={res.reload} />
        </div>
      )}
      <PeopleList res={res} />
    </>
  );
}

function PeopleList({ res }: { res: Resource<Person[]> }) {
  const { t, tx, formatDate } = useI18n();
  const { agencyName } = useReference();
  return (
    <Guard res={res}>
      {(rows) => (
        <DataTable
          caption={t('admin.people')}
          columns={[
            t('admin.personName'),
            t('admin.email'),
            t('admin.role'),
            t('admin.agency'),
            t('admin.language'),
            t('admin.deputy'),
          ]}
        >
          {rows.map((p) => {
            const d = deputyOf(p, rows);
            return (
              <tr key={p.id ?? p.email}>
                <td>{p.name}</td>
                <td>{p.email}</td>
                <td>{tx('role', p.role)}</td>
                <td>{agencyName(p.agencyCode ?? p.agency)}</td>
                <td>
                  {p.language?.toUpperCase() ?? '—'}
                  {p.active === false && <div className="muted small">{t('adminForm.inactive')}</div>}
                </td>
                <td>
                  {d ? (
                    <>
                      {d.name}
                      {(d.from || d.until) && (
                        <div className="muted small">
                          {t('admin.deputyPeriod', {
                            from: formatDate(d.from),
                            until: formatDate(d.until),
                          })}
                        </div>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </Guard>
  );
}

function Calendars() {
  const { t, formatDate } = useI18n();
  const { me } = useAuth();
  const [notice, setNotice] = useState<string>();
  const [removeError, setRemoveError] = useState<unknown>();
  // the API lets an administrator, or the coordinator of the state, change its calendar
  const mayEdit = (stateCode: string) =>
    isAdmin(me) || (me?.role === 'coordinator' && me.stateCode === stateCode);
  const [year, setYear] = useState(new Date().getFullYear());
  const res = useApi(
    async (s) => {
      const states = await endpoints.states(s);
      return Promise.all(
        states.map(async (st) => ({
          st,
          cal: await endpoints.calendar(st.code, year, s).catch((e: unknown) => e as Error),
        })),
      );
    },
    [year],
  );
  return (
    <>
      <div className="field-inline">
        <label htmlFor="cal-year">{t('admin.year')}</label>
        <select id="cal-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {[-1, 0, 1, 2].map((d) => {
            const y = new Date().getFullYear() + d;
            return (
              <option key={y} value={y}>
                {y}
              </option>
            );
          })}
        </select>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBox error={removeError} />
      <Guard res={res}>
        {(rows) => (
          <div className="grid-2 calendars">
            {rows.map(({ st, cal }) => (
              <section key={st.code} className="card" aria-labelledby={`cal-${st.code}`}>
                <h2 id={`cal-${st.code}`}>
                  {st.name} ({st.code})
                </h2>
                <dl className="facts">
                  <div>
                    <dt>{t('admin.timeZone')}</dt>
                    <dd>{st.timeZone}</dd>
                  </div>
                  <div>
                    <dt>{t('admin.holidays')}</dt>
                    <dd>{st.holidayCalendar ?? '—'}</dd>
                  </div>
                </dl>
                {cal instanceof Error ? (
                  <ErrorBox error={cal} />
                ) : (
                  <>
                    {cal.warning && <p className="muted">{cal.warning}</p>}
                    <h3>{t('admin.publicHolidays')}</h3>
                    {cal.holidays.length ? (
                      <ul className="plain columns">
                        {cal.holidays.map((d) => (
                          <li key={d.date}>
                            <time dateTime={d.date}>{formatDate(d.date)}</time>{' '}
                            <span className="muted">{d.name}</span>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="muted">{t('common.none')}</p>
                    )}
                    <h3>{t('admin.nonWorking')}</h3>
                    {cal.nonWorkingDays.length ? (
                      <ul className="plain columns">
                        {cal.nonWorkingDays.map((d) => (
                          <li key={d.date}>
                            <time dateTime={d.date}>{formatDate(d.date)}</time>{' '}
                            {d.reason && <span className="muted">{d.reason}</span>}{' '}
                            {mayEdit(st.code) && (
                              <RemoveDayButton
                                stateCode={st.code}
                                date={d.date}
                                label={formatDate(d.date)}
                                onDone={(m) => {
                                  setRemoveError(undefined);
                                  setNotice(m);
                                  res.reload();
                                }}
                                onError={(e) => {
                                  setNotice(undefined);
                                  setRemoveError(e);
                                }}
                              />
                            )}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="muted">{t('common.none')}</p>
                    )}
                    {mayEdit(st.code) && (
                      <AddNonWorkingDayForm stateCode={st.code} year={year} onDone={res.reload} />
                    )}
                  </>
                )}
              </section>
            ))}
          </div>
        )}
      </Guard>
    </>
  );
}

function describeValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(describeValue).join(', ');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${describeValue(x)}`)
      .join('; ');
  return String(v);
}

function describeWho(v: unknown, tx: (prefix: string, v: string) => string): string {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map((x) => (typeof x === 'string' ? tx('participant', x) : describeValue(x))).join(', ') || '—';
}

/** A definition's due rule in words: {type: after_start, businessDays: 20} → "20 business days after the step starts". */
function describeDue(v: unknown, t: ReturnType<typeof useI18n>['t']): string {
  if (typeof v === 'number') return t('due.afterStart', { n: v });
  if (!v || typeof v !== 'object') return describeValue(v);
  const d = v as { type?: string; businessDays?: number; days?: number; businessDaysBefore?: number };
  const n = d.businessDays ?? d.days ?? d.businessDaysBefore ?? 0;
  if (d.type === 'none') return t('due.none');
  if (d.type === 'after_start') return t('due.afterStart', { n });
  if (d.type === 'before_deadline' || d.type === 'case_deadline')
    return n ? t('due.beforeDeadline', { n }) : t('due.deadline');
  return describeValue(v);
}

function Definitions() {
  const { me } = useAuth();
  const res = useApi((s) => endpoints.definitions(s), []);
  return (
    <>
      {isAdmin(me) && <UploadDefinitionForm onDone={res.reload} />}
      <DefinitionList res={res} />
    </>
  );
}

function DefinitionList({ res }: { res: Resource<DefinitionVersion[]> }) {
  const { t, tx, lang } = useI18n();
  return (
    <Guard res={res}>
      {(defs) => (
        <div className="definitions">
          {[...defs]
            .sort((a, b) => a.key.localeCompare(b.key) || b.version - a.version)
            .map((d: DefinitionVersion) => {
              return (
                <details key={`${d.key}@${d.version}`} className="card">
                  <summary>
                    <strong>{inLanguage(d.title ?? d.definition?.title, lang) || tx('kind', d.key)}</strong>{' '}
                    <span className="code">{d.key}</span> · {t('admin.version', { version: d.version })}
                    {d.source && <span className="muted small"> · {d.source}</span>}
                  </summary>
                  <DefinitionSteps d={d} />
                </details>
              );
            })}
        </div>
      )}
    </Guard>
  );
}

/** The steps of one version, fetched when its row is opened (the list carries only titles). */
function DefinitionSteps({ d }: { d: DefinitionVersion }) {
  const { t, tx, lang } = useI18n();
  const inline = d.steps ?? d.definition?.steps;
  const res = useApi(
    inline
      ? async () => inline
      : (s) =>
          endpoints.definition(d.key, d.version, s).then((full) => (full?.steps ?? []) as DefinitionStep[]),
    [d.key, d.version],
  );
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  const steps = res.data;
  return (
    <DataTable
      columns={[
        '#',
        t('admin.stepKey'),
        t('admin.stepTitle'),
        t('admin.stepKind'),
        t('admin.stepAssignees'),
        t('admin.stepDue'),
      ]}
    >
      {steps.map((s, i) => (
        <tr key={s.key}>
          <td className="num">{i + 1}</td>
          <td className="code">{s.key}</td>
          <td>{inLanguage(s.title, lang)}</td>
          <td>{tx('stepKind', s.kind)}</td>
          <td>{describeWho(s.assignees ?? s.assignee ?? s.approvers, tx)}</td>
          <td>{describeDue(s.duration ?? s.dueInBusinessDays ?? s.due, t)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
