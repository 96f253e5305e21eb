import { useId, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { ErrorBox } from './status';

/**
 * A button that asks before it acts: a native modal dialog (focus moves into it and stays there, Escape cancels,
 * focus returns to the button), with the action's problem shown in the dialog if it fails.
 */
export function ConfirmButton({
  label,
  ariaLabel,
  title,
  children,
  confirmLabel,
  onConfirm,
  onDone,
}: {
  label: string;
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  /** after the dialog closed on success (focus is back on the button, which may be about to go) */
  onDone?: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const titleId = `${useId()}-title`;
  const confirm = () => {
    setBusy(true);
    setError(undefined);
    onConfirm().then(
      () => {
        setBusy(false);
        ref.current?.close();
        onDone?.();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return (
    <>
      <button
        type="button"
        className="danger"
        aria-label={ariaLabel}
        aria-haspopup="dialog"
        onClick={() => {
          setError(undefined);
          ref.current?.showModal();
          // the safe choice first: Enter on a stray key press cancels
          cancelRef.current?.focus();
        }}
      >
        {label}
      </button>
      <dialog ref={ref} className="confirm" aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <ErrorBox error={error} />
        <div className="button-row">
          <button type="button" className="primary danger-fill" disabled={busy} onClick={confirm}>
            {confirmLabel}
          </button>
          <button type="button" ref={cancelRef} onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
        </div>
      </dialog>
    </>
  );
}
