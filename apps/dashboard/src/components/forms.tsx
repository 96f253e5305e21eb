// Form pieces shared by the dashboard's write forms: each posts to the API, shows the API's problem details next to
// the fields they name, and announces success.
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { en, type MessageKey } from '../i18n/en';
import { useI18n, type Translate } from '../i18n/i18n';
import { ErrorBox, Notice, useProblemTitle } from './status';

/** A field's problem: the API's English words, and for some a code and facts the dashboard words itself. */
export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** Field-level problems of an ApiError, keyed by the field (or path) they name. */
export function problemsOf(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  const errors = error.problem.errors;
  if (!errors) return [];
  if (Array.isArray(errors)) {
    return errors.map((e) => ({
      field: String(e.field ?? e.path ?? ''),
      message: String(e.message ?? e.detail ?? ''),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(e.params && typeof e.params === 'object'
        ? { params: e.params as Record<string, string | number> }
        : {}),
    }));
  }
  return Object.entries(errors).map(([field, v]) => ({
    field,
    message: Array.isArray(v) ? v.join(', ') : String(v),
  }));
}

export interface FormState {
  busy: boolean;
  message: string | undefined;
  error: unknown;
  /** the problems naming this field */
  fieldError: (field: string) => string | undefined;
  /** runs a write: clears old messages, shows success or the API's problems */
  run: (fn: () => Promise<string>) => Promise<boolean>;
}

/** A problem in the reader's language, if the dashboard words its code (`<kind>.<code>`); else undefined. */
export function problemWords(
  t: Translate,
  kind: 'fieldProblem' | 'importProblem',
  p: { code?: string; params?: Record<string, string | number> },
): string | undefined {
  const key = `${kind}.${p.code ?? ''}`;
  return p.code && key in en ? t(key as MessageKey, p.params) : undefined;
}

/** A field's problem in the reader's language when the dashboard knows its code, else the API's words. */
export function fieldProblemText(t: Translate, p: FieldProblem): string {
  return problemWords(t, 'fieldProblem', p) ?? p.message;
}

export function useFormState(): FormState {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<unknown>();
  const problems = problemsOf(error);
  return {
    busy,
    message,
    error,
    fieldError: (field) =>
      problems
        .filter((p) => p.field === field || p.field.startsWith(`${field}.`))
        .map((p) => fieldProblemText(t, p))
        .join('; ') || undefined,
    run: async (fn) => {
      setBusy(true);
      setMessage(undefined);
      setError(undefined);
      try {
        setMessage(await fn());
        return true;
      } catch (e) {
        setError(e);
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** A labelled control with an optional hint and its API problem below it, both linked by aria-describedby. */
export function Field({
  form,
  name,
  label,
  hint,
  children,
}: {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid'?: true;
    'aria-describedby'?: string;
  }) => ReactNode;
}) {
  const id = useId();
  const err = form.fieldError(name);
  const describedBy = [hint && `${id}-hint`, err && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        ...(err ? { 'aria-invalid': true as const } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint && (
        <p className="field-hint muted small" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {err && (
        <p className="field-error" id={`${id}-error`}>
          {err}
        </p>
      )}
    </div>
  );
}

/** Success message, or the problem with any field messages the form's fields did not show. */
export function FormStatus({ form, fields }: { form: FormState; fields: string[] }) {
  const { t } = useI18n();
  const problemTitle = useProblemTitle();
  if (form.message) return <Notice>{form.message}</Notice>;
  if (!form.error) return null;
  const problems = problemsOf(form.error);
  const shown = problems.filter((p) => fields.some((f) => p.field === f || p.field.startsWith(`${f}.`)));
  if (problems.length && shown.length === problems.length) {
    const e = form.error as ApiError;
    return (
      <p className="error" role="alert">
        {problemTitle(e.problem)}: {t('adminForm.seeFields')}
      </p>
    );
  }
  return <ErrorBox error={form.error} />;
}

export function values(e: FormEvent<HTMLFormElement>): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(e.currentTarget).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

export function FormCard({
  title,
  form,
  fields,
  onSubmit,
  submit,
  className,
  children,
}: {
  title: string;
  /** extra class of the card, for a form that lays out its fields its own way */
  className?: string;
  form: FormState;
  fields: string[];
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  submit: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLFormElement>(null);
  // keyboard and screen-reader users land on the first field the API named
  useEffect(() => {
    if (form.error) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.error]);
  return (
    <section className={`card form-card${className ? ` ${className}` : ''}`} aria-label={title}>
      <h2>{title}</h2>
      <form ref={ref} className="form-grid" aria-label={title} onSubmit={onSubmit} noValidate>
        {children}
        <div>
          <button type="submit" className="primary" disabled={form.busy}>
            {submit}
          </button>
        </div>
      </form>
      <FormStatus form={form} fields={fields} />
    </section>
  );
}

/** The options of a select of coded things (states, agencies): "Name (CODE)". */
export function CodeOptions({ items }: { items: Array<{ code: string; name: string }> }) {
  return (
    <>
      {items.map((x) => (
        <option key={x.code} value={x.code}>
          {x.name} ({x.code})
        </option>
      ))}
    </>
  );
}
