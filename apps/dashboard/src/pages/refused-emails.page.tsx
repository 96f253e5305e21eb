// Emails the mail server refused for good (a 5xx answer): the outbox records them as failed and nothing retries
// them, so the coordinator must see them, have the address corrected and reach the person another way.
import { useState } from 'react';
import { endpoints } from '../api/endpoints';
import type { FailedEmail, Me } from '../api/types';
import { DataTable } from '../components/data-table';
import { CodeOptions } from '../components/forms';
import { ErrorBox, LiveStamp, Loading } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { useAuth } from '../lib/auth';
import { Link } from '../lib/router';
import { useApi } from '../lib/use-api';

/** The refused emails of the viewer's state (administrators: of the state they pick), kept current by polling. */
function useRefusedEmails(stateCode: string | undefined, enabled = true) {
  return useApi(enabled ? (s) => endpoints.failedEmails(stateCode, s) : null, [stateCode, enabled], {
    poll: enabled,
  });
}

export function RefusedEmailsPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const admin = me?.role === 'admin';
  const states = useApi(admin ? (s) => endpoints.states(s) : null, [admin]);
  const [picked, setPicked] = useState<string>();
  const stateCode = admin ? (picked ?? me?.stateCode ?? states.data?.[0]?.code) : undefined;
  const refused = useRefusedEmails(stateCode, !admin || Boolean(stateCode));
  const rows = refused.data ?? [];
  return (
    <section aria-labelledby="refused-title">
      <div className="page-head">
        <h1 id="refused-title">
          {t('refused.title')} {refused.data && <span className="count">{rows.length}</span>}
        </h1>
        {admin && states.data && (
          <div className="field-inline">
            <label htmlFor="refused-state">{t('refused.state')}</label>
            <select id="refused-state" value={stateCode ?? ''} onChange={(e) => setPicked(e.target.value)}>
              <CodeOptions items={states.data} />
            </select>
          </div>
        )}
      </div>
      <p className="muted">{t('refused.intro')}</p>
      <ErrorBox error={refused.error ?? states.error} onRetry={refused.reload} />
      {!refused.data && refused.loading && <Loading />}
      {refused.data && rows.length === 0 && <p className="empty-state">{t('refused.empty')}</p>}
      {rows.length > 0 && <RefusedTable rows={rows} />}
      <LiveStamp updatedAt={refused.updatedAt} />
    </section>
  );
}

function RefusedTable({ rows }: { rows: FailedEmail[] }) {
  const { t, tx, formatDateTime } = useI18n();
  return (
    <DataTable
      className="refused"
      caption={t('refused.title')}
      columns={[
        t('refused.when'),
        t('refused.recipient'),
        t('refused.case'),
        t('refused.kind'),
        t('refused.error'),
      ]}
    >
      {rows.map((r) => (
        <tr key={`${r.notificationKey}:${r.recipient}`}>
          <td className="nowrap">
            <time dateTime={r.failedAt}>{formatDateTime(r.failedAt)}</time>
          </td>
          <td>{r.recipient}</td>
          <td>
            {r.caseId ? (
              <Link to={`/cases/${encodeURIComponent(r.caseId)}`}>
                <span className="code">{r.caseCode}</span> {r.caseTitle}
              </Link>
            ) : (
              <span className="muted">{t('refused.noCase')}</span>
            )}
          </td>
          <td>
            {tx('emailKind', r.kind)}
            <div className="muted small">{r.subject}</div>
          </td>
          <td>
            <code className="smtp-error">{r.error}</code>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** On the overview: a coordinator learns that mail was refused without opening the page. */
export function RefusedEmailsAlert({ me }: { me: Me | null | undefined }) {
  const { t } = useI18n();
  // administrators without a state of their own pick one on the page
  const stateCode = me?.role === 'admin' ? (me.stateCode ?? undefined) : undefined;
  const refused = useRefusedEmails(stateCode, me?.role === 'coordinator' || Boolean(stateCode));
  const count = refused.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <p className="error refused-alert">
      {t('refused.alert', { count })} <Link to="/refused-emails">{t('refused.open')}</Link>
    </p>
  );
}
