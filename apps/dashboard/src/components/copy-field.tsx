import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** A read-only value (a secret address) with a Copy button; says whether the copy worked. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no'>();
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // no clipboard permission (or not a secure context): the address stays selected for Ctrl+C
      setCopied('no');
    }
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="field-inline">
        <input
          ref={input}
          id={id}
          className="code-input"
          readOnly
          value={value}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {t('feeds.copy')}
        </button>
      </div>
      <p className="small" role="status">
        {copied === 'yes' ? t('feeds.copied') : copied === 'no' ? t('feeds.copyFailed') : ''}
      </p>
    </div>
  );
}
