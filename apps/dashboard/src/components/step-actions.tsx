import { useId, useState } from 'react';
import { endpoints } from '../api/endpoints';
import type { CaseDetail, Me, Step, StepKind } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { agencyOf, canCoordinate } from '../lib/auth';
import { todayIso } from '../lib/dates';
import { useReference } from '../lib/reference';
import { ErrorBox, Notice } from './status';

export type StepActionName =
  | 'complete'
  | 'approve'
  | 'approve_with_comments'
  | 'request_changes'
  | 'reject'
  | 'milestone'
  | 'due-date'
  | 'reassign';

/**
 * What the viewer may do on a step. The API's own list when it sends one; otherwise the same rules the server
 * enforces (the server re-checks every action, so this only decides which buttons to show).
 */
export function allowedActions(
  step: { kind: StepKind; status?: string; assignees?: string[] },
  me: Me | null | undefined,
  fromApi?: string[],
): StepActionName[] {
  if (fromApi)
    return fromApi.flatMap((a) =>
      a === 'decision'
        ? (['approve', 'approve_with_comments', 'request_changes', 'reject'] as StepActionName[])
        : [a as StepActionName],
    );
  if (!me || me.role === 'observer' || (step.status && step.status !== 'active')) return [];
  const coordinator = canCoordinate(me);
  const assignees = step.assignees ?? [];
  // steps waiting on the coordinator name the role ("coordinator"), not an agency
  const mine =
    (!!agencyOf(me) && assignees.includes(agencyOf(me) as string)) ||
    (coordinator && assignees.includes('coordinator'));
  const out: StepActionName[] = [];
  if (mine || coordinator) {
    if (step.kind === 'task') out.push('complete');
    if (step.kind === 'approval' && mine)
      out.push('approve', 'approve_with_comments', 'request_changes', 'reject');
    if (step.kind === 'milestone') out.push('milestone');
  }
  if (coordinator) out.push('due-date', 'reassign');
  return out;
}

const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const ATTACHMENT_ACCEPT =
  '.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.rtf,.png,.jpg,.jpeg,.gif,.webp,.tif,.tiff,.txt,.csv,.zip';

const NEEDS_COMMENT: StepActionName[] = ['request_changes', 'reject', 'approve_with_comments'];

export function StepActions({
  caseId,
  step,
  actions,
  onDone,
  compact,
}: {
  caseId: string;
  step: Pick<Step, 'key' | 'title' | 'dueOn'>;
  actions: StepActionName[];
  onDone: (c: CaseDetail | undefined) => void;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const { agencies, agencyName } = useReference();
  const id = useId();
  const [text, setText] = useState('');
  const [date, setDate] = useState(todayIso());
  const [agency, setAgency] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [localError, setLocalError] = useState<string>();
  const [files, setFiles] = useState<File[]>([]);
  const [fileInputKey, setFileInputKey] = useState(0);
  const [uploading, setUploading] = useState<string>();
  if (actions.length === 0) return null;

  const decisions = actions.filter(
    (a): a is 'approve' | 'approve_with_comments' | 'request_changes' | 'reject' =>
      ['approve', 'approve_with_comments', 'request_changes', 'reject'].includes(a),
  );
  const run = async (action: StepActionName) => {
    setError(undefined);
    setLocalError(undefined);
    setDone(undefined);
    if (NEEDS_COMMENT.includes(action) && !text.trim()) {
      setLocalError(t('inbox.commentRequired'));
      document.getElementById(`${id}-text`)?.focus();
      return;
    }
    if ((action === 'due-date' || action === 'reassign') && !text.trim()) {
      setLocalError(t('inbox.commentRequired'));
      document.getElementById(`${id}-text`)?.focus();
      return;
    }
    setBusy(true);
    try {
      let res: CaseDetail | undefined;
      const note = text.trim() || undefined;
      if (action === 'complete') {
        const tooBig = files.find((f) => f.size > MAX_ATTACHMENT_BYTES);
        if (tooBig) {
          setLocalError(t('attach.tooBig', { name: tooBig.name }));
          return;
        }
        // upload first, then complete citing what the server stored
        const attachments: Array<{ id: string; name: string; sha256: string }> = [];
        for (const f of files) {
          setUploading(t('attach.uploading', { name: f.name }));
          const a = await endpoints.uploadAttachment(caseId, f);
          attachments.push({ id: a.id, name: a.name, sha256: a.sha256 });
        }
        setUploading(undefined);
        res = await endpoints.stepAction(caseId, step.key, 'complete', {
          note,
          ...(attachments.length ? { attachments } : {}),
        });
        setFiles([]);
        setFileInputKey((k) => k + 1);
      } else if (action === 'milestone')
        res = await endpoints.stepAction(caseId, step.key, 'milestone', { on: date, note });
      else if (action === 'due-date')
        res = await endpoints.stepAction(caseId, step.key, 'due-date', { dueOn: date, reason: note });
      else if (action === 'reassign')
        res = await endpoints.stepAction(caseId, step.key, 'reassign', { agency, reason: note });
      else
        res = await endpoints.stepAction(caseId, step.key, 'decision', { decision: action, comment: note });
      setDone(t('action.done', { action: label(action) }));
      setText('');
      onDone(res);
    } catch (e) {
      setError(e);
    } finally {
      setUploading(undefined);
      setBusy(false);
    }
  };
  const label = (a: StepActionName) =>
    a === 'due-date'
      ? t('action.dueDate')
      : a === 'reassign'
        ? t('action.reassign')
        : a === 'milestone'
          ? t('action.milestone')
          : t(`action.${a}`);

  const hasDate = actions.includes('milestone') || actions.includes('due-date');
  return (
    <div className={`step-actions${compact ? ' compact' : ''}`}>
      <div className="field">
        <label htmlFor={`${id}-text`}>
          {decisions.length
            ? t('inbox.commentOptional')
            : actions.every((a) => a === 'due-date' || a === 'reassign')
              ? t('action.reason')
              : t('action.note')}
        </label>
        <textarea
          id={`${id}-text`}
          rows={compact ? 2 : 3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-describedby={localError ? `${id}-err` : undefined}
        />
        {localError && (
          <p id={`${id}-err`} className="field-error" role="alert">
            {localError}
          </p>
        )}
      </div>
      {hasDate && (
        <div className="field">
          <label htmlFor={`${id}-date`}>
            {actions.includes('milestone') ? t('action.date') : t('action.newDue')}
          </label>
          <input id={`${id}-date`} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
      )}
      {actions.includes('complete') && (
        <div className="field">
          <label htmlFor={`${id}-files`}>{t('attach.label')}</label>
          <input
            key={fileInputKey}
            id={`${id}-files`}
            type="file"
            multiple
            accept={ATTACHMENT_ACCEPT}
            aria-describedby={`${id}-files-hint`}
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
          <p id={`${id}-files-hint`} className="muted small">
            {t('attach.hint')}
          </p>
          {uploading && (
            <p className="muted small" role="status">
              {uploading}
            </p>
          )}
        </div>
      )}
      {actions.includes('reassign') && (
        <div className="field">
          <label htmlFor={`${id}-agency`}>{t('action.toAgency')}</label>
          <select id={`${id}-agency`} value={agency} onChange={(e) => setAgency(e.target.value)}>
            <option value="" />
            {agencies.map((a) => (
              <option key={a.code} value={a.code}>
                {agencyName(a.code)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="button-row">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            disabled={busy || (a === 'reassign' && !agency)}
            className={
              a === 'approve' || a === 'complete' || a === 'milestone'
                ? 'primary'
                : a === 'reject'
                  ? 'danger'
                  : undefined
            }
            onClick={() => void run(a)}
          >
            {label(a)}
          </button>
        ))}
      </div>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={error} />
    </div>
  );
}
