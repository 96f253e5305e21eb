import { useState, type FormEvent } from 'react';
import { caseCode, endpoints } from '../api/endpoints';
import type { CaseDetail, Step } from '../api/types';
import { allowedActions, StepActions } from '../components/step-actions';
import { ErrorBox, HealthBadge, LiveStamp, Loading, StepStatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { useAuth } from '../lib/auth';
import { todayIso } from '../lib/dates';
import { areaLabel, healthOf } from '../lib/health';
import { useReference } from '../lib/reference';
import { Link } from '../lib/router';
import { stepTitle } from '../lib/step-title';
import { useApi } from '../lib/use-api';

function apiActionsFor(c: CaseDetail, stepKey: string): string[] | undefined {
  const a = c.allowedActions;
  if (!a) return undefined;
  if (Array.isArray(a)) return a.find((x) => x.stepKey === stepKey)?.actions ?? [];
  return a[stepKey] ?? [];
}

export function CaseDetailPage({ id }: { id: string }) {
  const { t, tx, formatDate, formatDateTime, lang } = useI18n();
  const { agencyName } = useReference();
  const detail = useApi((s) => endpoints.case(id, s), [id], { poll: true });
  const history = useApi((s) => endpoints.history(id, s).catch(() => []), [id, detail.updatedAt?.getTime()]);
  const emails = useApi(
    (s) => endpoints.emails(id, s).catch(() => undefined),
    [id, detail.updatedAt?.getTime()],
  );
  const c = detail.data;
  const sent = emails.data ?? c?.emails;
  const titleOf = (key: string) => {
    const step = c?.steps.find((s) => s.key === key);
    return step ? stepTitle(step, lang) : key;
  };

  return (
    <section aria-labelledby="case-title">
      <p className="no-print">
        <Link to="/cases">← {t('case.back')}</Link>
      </p>
      <ErrorBox error={detail.error} onRetry={detail.reload} />
      {!c && detail.loading && <Loading />}
      {c && (
        <>
          <div className="page-head">
            <h1 id="case-title">
              <span className="code">{caseCode(c)}</span> {c.title}
            </h1>
            <HealthBadge health={healthOf(c)} />
          </div>
          <dl className="facts">
            <div>
              <dt>{t('cases.kind')}</dt>
              <dd>{tx('kind', c.kind)}</dd>
            </div>
            <div>
              <dt>{t('cases.status')}</dt>
              <dd>{tx('status', c.status)}</dd>
            </div>
            <div>
              <dt>{t('cases.due')}</dt>
              <dd>{c.dueOn ? formatDate(c.dueOn) : t('case.noDue')}</dd>
            </div>
            <div>
              <dt>{t('cases.lead')}</dt>
              <dd>{agencyName(c.leadAgency)}</dd>
            </div>
            {(c.supportingAgencies?.length ?? 0) > 0 && (
              <div>
                <dt>{t('export.supporting')}</dt>
                <dd>{c.supportingAgencies!.map(agencyName).join(', ')}</dd>
              </div>
            )}
            <div>
              <dt>{t('cases.area')}</dt>
              <dd>{areaLabel(c.area)}</dd>
            </div>
            <div>
              <dt>{t('cases.progress')}</dt>
              <dd>{typeof c.progress === 'number' ? `${Math.round(c.progress * 100)}%` : '—'}</dd>
            </div>
          </dl>
          <section className="card" aria-labelledby="process-title">
            <h2 id="process-title">{t('case.process')}</h2>
            <ol className="process">
              {c.steps.map((s) => (
                <ProcessStep key={s.key} caseId={c.id} c={c} step={s} onChanged={detail.reload} />
              ))}
            </ol>
          </section>
          <div className="grid-2">
            <Comments caseId={c.id} c={c} onChanged={detail.reload} />
            <section className="card" aria-labelledby="emails-title">
              <h2 id="emails-title">{t('case.emails')}</h2>
              {sent?.length ? (
                <ul className="plain emails">
                  {sent.map((m, i) => (
                    <li key={m.id ?? i}>
                      <strong>{m.subject ?? m.kind}</strong>
                      <div className="muted small">
                        {[
                          m.recipient ?? (Array.isArray(m.to) ? m.to.join(', ') : m.to),
                          m.language?.toUpperCase(),
                          m.stepKey ? titleOf(m.stepKey) : null,
                          m.status ? tx('emailStatus', m.status) : null,
                          m.sentAt ? formatDateTime(m.sentAt) : formatDate(m.createdAt ?? null),
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </div>
                      {m.status === 'failed' && m.error && <div className="small late-text">{m.error}</div>}
                      {m.messageId && <div className="muted small code">{m.messageId}</div>}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('case.noEmails')}</p>
              )}
              <Attachments c={c} refresh={detail.updatedAt?.getTime()} />
            </section>
          </div>
          <section className="card" aria-labelledby="history-title">
            <h2 id="history-title">{t('case.history')}</h2>
            {history.data?.length ? (
              <ol className="history">
                {history.data.map((h) => (
                  <li key={h.seq}>
                    <time dateTime={h.at}>{formatDateTime(h.at)}</time>{' '}
                    <strong>{h.type.replace(/_/g, ' ')}</strong>
                    {h.stepKey && <span className="muted"> · {titleOf(h.stepKey)}</span>}
                    {(h.actor?.name ?? h.actorName ?? h.byName) && (
                      <span> · {h.actor?.name ?? h.actorName ?? h.byName}</span>
                    )}
                    {(h.actor?.agency ?? h.agency) && (
                      <span className="muted"> ({agencyName(h.actor?.agency ?? h.agency)})</span>
                    )}
                    {(h.actor?.channel ?? h.channel) === 'email' && (
                      <span className="muted"> · {t('case.viaEmail')}</span>
                    )}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{t('common.none')}</p>
            )}
          </section>
        </>
      )}
      <LiveStamp updatedAt={detail.updatedAt} />
    </section>
  );
}

// Actions and comments go to the case's `id` as GET /cases/{id} returns it (the row UUID every route accepts).
function ProcessStep({
  caseId,
  c,
  step,
  onChanged,
}: {
  caseId: string;
  c: CaseDetail;
  step: Step;
  onChanged: () => void;
}) {
  const { t, tx, formatDate, formatDateTime, lang } = useI18n();
  const { me } = useAuth();
  const { agencyName } = useReference();
  const actions = allowedActions(step, me, apiActionsFor(c, step.key));
  const late = step.status === 'active' && step.dueOn && step.dueOn < todayIso();
  // deciding is the main thing; moving a deadline or handing the step over is the coordinator's, kept apart
  const manage = actions.filter((a) => a === 'due-date' || a === 'reassign');
  const primary = actions.filter((a) => a !== 'due-date' && a !== 'reassign');
  return (
    <li
      className={`process-step step-${step.status}${late ? ' late' : ''}`}
      aria-current={step.status === 'active' ? 'step' : undefined}
    >
      <div className="step-head">
        <span className="step-marker" aria-hidden="true">
          {step.status === 'done' ? '✓' : step.status === 'active' ? '●' : '○'}
        </span>
        <div>
          <h3>{stepTitle(step, lang)}</h3>
          <p className="muted small">
            {tx('stepKind', step.kind)} · <StepStatusBadge status={step.status} />
            {step.dueOn && <> · {t('case.due', { date: formatDate(step.dueOn) })}</>}
            {late && <strong className="late-text"> · {t('health.overdue')}</strong>}
          </p>
          {step.assignees.length > 0 && (
            <p className="small">
              {t('case.assignees', { agencies: step.assignees.map(agencyName).join(', ') })}
            </p>
          )}
        </div>
      </div>
      {step.actions.filter((a) => a.action !== 'started').length > 0 && (
        <ul className="acted">
          {step.actions
            .filter((a) => a.action !== 'started')
            .map((a, i) => (
              <li key={i}>
                <time dateTime={a.at}>{formatDateTime(a.at)}</time>{' '}
                {t('case.actedBy', {
                  who: a.byName ?? a.by,
                  agency: agencyName(a.agency),
                  action: tx('acted', a.action),
                })}
                {a.onBehalfOf && <> ({t('case.onBehalf', { who: a.onBehalfOf })})</>}
                {a.channel === 'email' && <span className="muted"> · {t('case.viaEmail')}</span>}
                {a.date && <> · {formatDate(a.date)}</>}
                {a.note && <q>{a.note}</q>}
              </li>
            ))}
        </ul>
      )}
      {actions.length > 0 && (
        <div className="step-action-box no-print">
          <h4>{t('case.actions')}</h4>
          {primary.length > 0 && (
            <StepActions caseId={caseId} step={step} actions={primary} onDone={onChanged} />
          )}
          {manage.length > 0 && (
            <details className="manage-step">
              <summary>{t('case.manageStep')}</summary>
              <StepActions caseId={caseId} step={step} actions={manage} onDone={onChanged} />
            </details>
          )}
        </div>
      )}
    </li>
  );
}

function Comments({ caseId, c, onChanged }: { caseId: string; c: CaseDetail; onChanged: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { me } = useAuth();
  const { agencyName } = useReference();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await endpoints.comment(caseId, text.trim());
      setText('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="comments-title">
      <h2 id="comments-title">{t('case.comments')}</h2>
      {c.comments?.length ? (
        <ul className="comments">
          {c.comments.map((m) => (
            <li key={m.seq}>
              <p className="muted small">
                <strong>{m.byName ?? m.by}</strong> ({agencyName(m.agency)}) ·{' '}
                <time dateTime={m.at}>{formatDateTime(m.at)}</time>
              </p>
              <p>{m.text}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('case.noComments')}</p>
      )}
      {me?.role !== 'observer' && (
        <form onSubmit={submit} className="no-print">
          <label htmlFor="comment-text">{t('case.addComment')}</label>
          <textarea
            id="comment-text"
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
          />
          <button type="submit" disabled={busy || !text.trim()}>
            {t('common.submit')}
          </button>
          <ErrorBox error={error} />
        </form>
      )}
    </section>
  );
}

function Attachments({ c, refresh }: { c: CaseDetail; refresh?: number }) {
  const { t, formatDateTime } = useI18n();
  const listed = useApi((s) => endpoints.attachments(c.id, s).catch(() => undefined), [c.id, refresh]);
  // the API's list (downloadable); before it answers, or if it cannot, what the steps cite
  const cited = [
    ...(c.attachments ?? []),
    ...c.steps.flatMap((s) => s.actions.flatMap((a) => a.attachments ?? [])),
  ];
  const all: Array<{ id: string; name: string; sha256?: string; size?: number; at?: string }> =
    listed.data ?? cited.filter((a, i) => cited.findIndex((b) => b.id === a.id) === i);
  return (
    <>
      <h3>{t('case.attachments')}</h3>
      {all.length === 0 ? (
        <p className="muted">{t('attach.none')}</p>
      ) : (
        <ul className="plain">
          {all.map((a) => (
            <li key={a.id}>
              <a
                href={endpoints.attachmentUrl(c.id, a.id)}
                download={a.name}
                aria-label={t('attach.download', { name: a.name })}
              >
                {a.name}
              </a>
              {a.size !== undefined && a.at && (
                <span className="muted small">
                  {' '}
                  · {t('attach.meta', { size: formatSize(a.size), date: formatDateTime(a.at) })}
                </span>
              )}
              {a.sha256 && <span className="muted small code"> · sha256 {a.sha256.slice(0, 12)}…</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
