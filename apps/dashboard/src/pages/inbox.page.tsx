import { endpoints } from '../api/endpoints';
import { allowedActions, StepActions } from '../components/step-actions';
import { ErrorBox, LiveStamp, Loading } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { useAuth } from '../lib/auth';
import { daysBetween, todayIso } from '../lib/dates';
import { Link } from '../lib/router';
import { stepTitle } from '../lib/step-title';
import { useApi } from '../lib/use-api';

export function InboxPage() {
  const { t, tx, formatDate, lang } = useI18n();
  const { me } = useAuth();
  const inbox = useApi((s) => endpoints.inbox(s), [], { poll: true });
  const today = todayIso();
  const items = [...(inbox.data ?? [])].sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
  return (
    <section aria-labelledby="inbox-title">
      <div className="page-head">
        <h1 id="inbox-title">
          {t('inbox.title')} {inbox.data && <span className="count">{items.length}</span>}
        </h1>
      </div>
      <p className="muted">{t('inbox.intro')}</p>
      <ErrorBox error={inbox.error} onRetry={inbox.reload} />
      {!inbox.data && inbox.loading && <Loading />}
      {inbox.data && items.length === 0 && <p className="empty-state">{t('inbox.empty')}</p>}
      <ul className="inbox">
        {items.map((it) => {
          const late = it.dueOn && it.dueOn < today;
          const title = stepTitle({ title: it.stepTitle ?? it.stepKey, titles: it.stepTitles }, lang);
          // everything in the inbox is assigned to the viewer's agency: offer what the step kind allows
          const actions = allowedActions(
            {
              kind: it.kind,
              status: 'active',
              assignees: it.assignees ?? [me?.agency ?? me?.agencyCode ?? ''],
            },
            me,
          ).filter((a) => a !== 'due-date' && a !== 'reassign');
          return (
            <li
              key={`${it.caseId}:${it.stepKey}`}
              className={`card inbox-item${late ? ' late' : ''}`}
              data-step={it.stepKey}
            >
              <div className="inbox-head">
                <div>
                  <h2>
                    <Link to={`/cases/${encodeURIComponent(it.caseId)}`}>
                      {it.caseCode && <span className="code">{it.caseCode}</span>} {it.caseTitle ?? it.caseId}
                    </Link>
                  </h2>
                  <p>
                    <span className="sr-only">{t('inbox.step')}: </span>
                    <strong>{title}</strong> · {tx('stepKind', it.kind)}
                    {it.planCode && <span className="muted"> · {it.planCode}</span>}
                  </p>
                </div>
                <p className={late ? 'late-text' : 'muted'}>
                  {it.dueOn ? t('case.due', { date: formatDate(it.dueOn) }) : t('case.noDue')}
                  {it.dueOn &&
                    (late ? ` · ${t('deadlines.daysLate', { days: -daysBetween(today, it.dueOn) })}` : '')}
                </p>
              </div>
              <StepActions
                compact
                caseId={it.caseId}
                step={{ key: it.stepKey, title, dueOn: it.dueOn }}
                actions={actions}
                onDone={() => inbox.reload()}
              />
            </li>
          );
        })}
      </ul>
      <LiveStamp updatedAt={inbox.updatedAt} />
    </section>
  );
}
