import type { ReactNode } from 'react';
import { ApiError, type ProblemDetails } from '../api/client';
import type { Health, StepStatus } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { HEALTH_COLOURS } from './charts';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/**
 * A problem's title in the reader's language: the API words its titles in English, and names each by a stable code
 * (`code`) the dashboard translates; an unknown code keeps the API's title. The detail stays as the API words it.
 */
export function useProblemTitle(): (problem: ProblemDetails | undefined) => string {
  const { t, lookup } = useI18n();
  return (problem) => {
    const code = problem?.code;
    return (
      (typeof code === 'string' ? lookup(`problem.${code}`) : undefined) ??
      problem?.title ??
      t('common.error')
    );
  };
}

/**
 * A problem-details error as the person should read it: title, detail, each bad field. A workflow's refusal names its
 * reason by a code: a reader of another language than the API's English gets it in their words, and the API's
 * detail (which names the step and the agency) folded under them.
 */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang, lookup } = useI18n();
  const problemTitle = useProblemTitle();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const title = e ? problemTitle(e.problem) : t('common.error');
  const detail = e?.problem.detail ?? (error instanceof Error ? error.message : undefined);
  const reason = e?.problem.reason;
  const worded =
    typeof reason === 'string' && (lang !== 'en' || !detail) ? lookup(`refusal.${reason}`) : undefined;
  const fields = e?.fieldMessages ?? [];
  return (
    <div className="error" role="alert">
      <strong>{title}</strong>
      {worded ? (
        <>
          <p>{worded}</p>
          {detail && (
            <details className="small">
              <summary>{t('common.serverDetail')}</summary>
              <p lang="en">{detail}</p>
            </details>
          )}
        </>
      ) : (
        detail && detail !== title && <p>{detail}</p>
      )}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

export function HealthBadge({ health }: { health: Health | null }) {
  const { t } = useI18n();
  if (!health) return <span className="badge">—</span>;
  return (
    <span className="badge" style={{ background: HEALTH_COLOURS[health] }}>
      {t(`health.${health}`)}
    </span>
  );
}

export function StepStatusBadge({ status }: { status: StepStatus }) {
  const { t } = useI18n();
  return <span className={`badge step-${status}`}>{t(`step.${status}`)}</span>;
}

export function LiveStamp({ updatedAt }: { updatedAt: Date | undefined }) {
  const { t, formatDateTime } = useI18n();
  if (!updatedAt) return null;
  return (
    <p className="live muted" aria-live="off">
      {t('common.updated', { time: formatDateTime(updatedAt.toISOString()) })} ·{' '}
      {t('common.live', { seconds: 10 })}
    </p>
  );
}
