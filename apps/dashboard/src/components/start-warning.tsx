// A start warning (POST /plans/{code}/cases, the import report) in the reader's language, from its facts.
import type { StartWarning } from '../api/types';
import { useI18n } from '../i18n/i18n';

/** A start warning in the reader's language, from its facts; the API's English words for a code not known here. */
export function StartWarningText({ warning: w }: { warning: StartWarning }) {
  const { t, tx, lang, formatDate, formatDateTime } = useI18n();
  const step = w.stepTitles?.[lang] || w.stepTitles?.en || w.step || '';
  if (w.code === 'deadline_passed' && w.dueOn)
    return <>{t('warning.deadlinePassed', { dueOn: formatDate(w.dueOn) })}</>;
  if (w.code === 'no_focal_point' && w.assignees?.length)
    return <>{t('warning.noFocalPoint', { step, agencies: w.assignees.join(', ') })}</>;
  if (w.code !== 'step_overdue' || !w.dueOn) return <>{w.message}</>;
  const text = t('warning.stepOverdue', { step, dueOn: formatDate(w.dueOn) });
  if (!w.notice) return <>{text}</>;
  const who = w.assignees?.length ? w.assignees.join(', ') : t('warning.coordinator');
  const notice = t('warning.firstNotice', {
    who,
    notice: tx('emailKind', w.notice.kind),
    at: formatDateTime(w.notice.at),
  });
  return <>{`${text}; ${notice}`}</>;
}
