// The administration pages' write forms: each posts to the API, shows the API's problem details next to the fields
// they name, announces success and asks its list to re-fetch (no page reload).
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { Agency, Person, Plan, StateInfo } from '../api/types';
import { ErrorBox, Notice } from '../components/status';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

const ROLES = ['admin', 'coordinator', 'focal_point', 'observer'] as const;
const LANGUAGES = ['ru', 'en'] as const;
const KINDS = ['ministry', 'agency', 'international'] as const;

/** Field-level problems of an ApiError, keyed by the field (or path) they name. */
export function problemsOf(error: unknown): Array<{ field: string; message: string }> {
  if (!(error instanceof ApiError)) return [];
  const errors = error.problem.errors;
  if (!errors) return [];
  if (Array.isArray(errors)) {
    return errors.map((e) => ({
      field: String(e.field ?? e.path ?? ''),
      message: String(e.message ?? e.detail ?? ''),
    }));
  }
  return Object.entries(errors).map(([field, v]) => ({
    field,
    message: Array.isArray(v) ? v.join(', ') : String(v),
  }));
}

interface FormState {
  busy: boolean;
  message: string | undefined;
  error: unknown;
  /** the problems naming this field */
  fieldError: (field: string) => string | undefined;
  /** runs a write: clears old messages, shows success or the API's problems */
  run: (fn: () => Promise<string>) => Promise<boolean>;
}

function useFormState(): FormState {
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
        .map((p) => p.message)
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

/** A labelled control with its API problem below it, linked by aria-describedby. */
function Field({
  form,
  name,
  label,
  children,
}: {
  form: FormState;
  name: string;
  label: string;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid'?: true;
    'aria-describedby'?: string;
  }) => ReactNode;
}) {
  const id = useId();
  const err = form.fieldError(name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        ...(err ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {}),
      })}
      {err && (
        <p className="field-error" id={`${id}-error`}>
          {err}
        </p>
      )}
    </div>
  );
}

/** Success message, or the problem with any field messages the form's fields did not show. */
function FormStatus({ form, fields }: { form: FormState; fields: string[] }) {
  const { t } = useI18n();
  if (form.message) return <Notice>{form.message}</Notice>;
  if (!form.error) return null;
  const problems = problemsOf(form.error);
  const shown = problems.filter((p) => fields.some((f) => p.field === f || p.field.startsWith(`${f}.`)));
  if (problems.length && shown.length === problems.length) {
    const e = form.error as ApiError;
    return (
      <p className="error" role="alert">
        {e.problem.title ?? t('common.error')}: {t('adminForm.seeFields')}
      </p>
    );
  }
  return <ErrorBox error={form.error} />;
}

function values(e: FormEvent<HTMLFormElement>): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(e.currentTarget).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

function AdminForm({
  title,
  form,
  fields,
  onSubmit,
  submit,
  children,
}: {
  title: string;
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
    <section className="card admin-form" aria-label={title}>
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

const AGENCY_FIELDS = ['code', 'name', 'kind', 'stateCode'];

export function AddAgencyForm({ states, onDone }: { states: StateInfo[]; onDone: () => void }) {
  const { t, tx } = useI18n();
  const form = useFormState();
  const [kind, setKind] = useState<string>('ministry');
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    void form
      .run(async () => {
        const international = v.kind === 'international';
        const a = await endpoints.createAgency({
          code: v.code,
          name: v.name,
          kind: v.kind,
          stateCode: international ? null : v.stateCode || undefined,
        });
        return t('adminForm.agencyAdded', { code: a?.code ?? v.code });
      })
      .then((ok) => {
        if (ok) {
          el.reset();
          setKind('ministry');
          onDone();
        }
      });
  };
  return (
    <AdminForm
      title={t('adminForm.addAgency')}
      form={form}
      fields={AGENCY_FIELDS}
      onSubmit={submit}
      submit={t('adminForm.add')}
    >
      <Field form={form} name="code" label={t('admin.code')}>
        {(p) => <input {...p} required autoComplete="off" placeholder="KG-MOE" />}
      </Field>
      <Field form={form} name="name" label={t('admin.name')}>
        {(p) => <input {...p} required />}
      </Field>
      <Field form={form} name="kind" label={t('adminForm.kind')}>
        {(p) => (
          <select {...p} value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {tx('agencyKind', k)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {kind !== 'international' && (
        <Field form={form} name="stateCode" label={t('admin.state')}>
          {(p) => (
            <select {...p} required defaultValue={states[0]?.code}>
              {states.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name} ({s.code})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </AdminForm>
  );
}

const SHARE_FIELDS = ['planCode', 'agencyCode'];

export function SharePlanForm({ plans, agencies }: { plans: Plan[]; agencies: Agency[] }) {
  const { t } = useI18n();
  const form = useFormState();
  const observers = agencies.filter((a) => a.kind === 'international' || !a.stateCode);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      await endpoints.sharePlan(v.planCode, v.agencyCode);
      return t('adminForm.shared', { plan: v.planCode, agency: v.agencyCode });
    });
  };
  return (
    <AdminForm
      title={t('adminForm.sharePlan')}
      form={form}
      fields={SHARE_FIELDS}
      onSubmit={submit}
      submit={t('adminForm.share')}
    >
      <Field form={form} name="planCode" label={t('adminForm.plan')}>
        {(p) => (
          <select {...p} required>
            {plans.map((x) => (
              <option key={x.code} value={x.code}>
                {x.code}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="agencyCode" label={t('adminForm.observerOrg')}>
        {(p) => (
          <select {...p} required>
            {observers.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name} ({a.code})
              </option>
            ))}
          </select>
        )}
      </Field>
    </AdminForm>
  );
}

const PERSON_FIELDS = ['email', 'name', 'agencyCode', 'role', 'language', 'password'];

export function AddPersonForm({ agencies, onDone }: { agencies: Agency[]; onDone: () => void }) {
  const { t, tx } = useI18n();
  const form = useFormState();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    void form
      .run(async () => {
        await endpoints.createPerson({
          email: v.email,
          name: v.name,
          agencyCode: v.agencyCode,
          role: v.role,
          language: v.language,
          password: v.password,
        });
        return t('adminForm.personAdded', { email: v.email });
      })
      .then((ok) => {
        if (ok) {
          el.reset();
          onDone();
        }
      });
  };
  return (
    <AdminForm
      title={t('adminForm.addPerson')}
      form={form}
      fields={PERSON_FIELDS}
      onSubmit={submit}
      submit={t('adminForm.add')}
    >
      <Field form={form} name="email" label={t('admin.email')}>
        {(p) => <input {...p} type="email" required autoComplete="off" />}
      </Field>
      <Field form={form} name="name" label={t('admin.name')}>
        {(p) => <input {...p} required autoComplete="off" />}
      </Field>
      <Field form={form} name="agencyCode" label={t('admin.agency')}>
        {(p) => <AgencySelect agencies={agencies} {...p} />}
      </Field>
      <Field form={form} name="role" label={t('admin.role')}>
        {(p) => (
          <select {...p} defaultValue="focal_point">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tx('role', r)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="language" label={t('admin.language')}>
        {(p) => <LanguageSelect {...p} />}
      </Field>
      <Field form={form} name="password" label={t('adminForm.password')}>
        {(p) => <input {...p} type="password" required minLength={12} autoComplete="new-password" />}
      </Field>
    </AdminForm>
  );
}

function AgencySelect({
  agencies,
  ...p
}: {
  agencies: Agency[];
  id: string;
  name: string;
  defaultValue?: string;
}) {
  return (
    <select {...p} required>
      {agencies.map((a) => (
        <option key={a.code} value={a.code}>
          {a.name} ({a.code})
        </option>
      ))}
    </select>
  );
}

function LanguageSelect(p: { id: string; name: string; defaultValue?: string }) {
  const { t } = useI18n();
  return (
    <select defaultValue="ru" {...p}>
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {t(`lang.${l}` as MessageKey)}
        </option>
      ))}
    </select>
  );
}

function PersonSelect({
  people,
  ...p
}: {
  people: Person[];
  id: string;
  name: string;
  value?: string;
  onChange?: (e: React.ChangeEvent<HTMLSelectElement>) => void;
}) {
  return (
    <select {...p} required>
      {people.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name} ({x.email})
        </option>
      ))}
    </select>
  );
}

const EDIT_FIELDS = ['id', 'role', 'language', 'agencyCode', 'active'];

export function EditPersonForm({
  people,
  agencies,
  onDone,
}: {
  people: Person[];
  agencies: Agency[];
  onDone: () => void;
}) {
  const { t, tx } = useI18n();
  const form = useFormState();
  const [id, setId] = useState(people[0]?.id ?? '');
  const person = people.find((p) => p.id === id) ?? people[0];
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = values(e);
    const active = new FormData(e.currentTarget).get('active') === 'on';
    void form
      .run(async () => {
        await endpoints.updatePerson(v.id, {
          role: v.role,
          language: v.language,
          agencyCode: v.agencyCode,
          active,
        });
        return t('adminForm.personSaved', { name: person?.name ?? v.id });
      })
      .then((ok) => ok && onDone());
  };
  if (!person) return null;
  return (
    <AdminForm
      title={t('adminForm.editPerson')}
      form={form}
      fields={EDIT_FIELDS}
      onSubmit={submit}
      submit={t('common.save')}
    >
      <Field form={form} name="id" label={t('adminForm.person')}>
        {(p) => (
          <PersonSelect people={people} {...p} value={person.id} onChange={(e) => setId(e.target.value)} />
        )}
      </Field>
      {/* keyed by person: the controls start from that person's current values */}
      <Field form={form} name="role" label={t('admin.role')}>
        {(p) => (
          <select {...p} key={`role-${person.id}`} defaultValue={person.role}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tx('role', r)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="language" label={t('admin.language')}>
        {(p) => <LanguageSelect {...p} key={`lang-${person.id}`} defaultValue={person.language ?? 'ru'} />}
      </Field>
      <Field form={form} name="agencyCode" label={t('admin.agency')}>
        {(p) => (
          <AgencySelect
            agencies={agencies}
            {...p}
            key={`agency-${person.id}`}
            defaultValue={person.agencyCode ?? person.agency}
          />
        )}
      </Field>
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            name="active"
            key={`active-${person.id}`}
            defaultChecked={person.active !== false}
          />
          {t('adminForm.active')}
        </label>
        {form.fieldError('active') && <p className="field-error">{form.fieldError('active')}</p>}
      </div>
    </AdminForm>
  );
}

const DEPUTY_FIELDS = ['id', 'deputyId', 'from', 'until'];

export function SetDeputyForm({ people, onDone }: { people: Person[]; onDone: () => void }) {
  const { t } = useI18n();
  const form = useFormState();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = values(e);
    void form
      .run(async () => {
        await endpoints.setDeputy(v.id, { deputyId: v.deputyId, from: v.from, until: v.until });
        const who = people.find((p) => p.id === v.id)?.name ?? v.id;
        const deputy = people.find((p) => p.id === v.deputyId)?.name ?? v.deputyId;
        return t('adminForm.deputySet', { name: who, deputy });
      })
      .then((ok) => ok && onDone());
  };
  return (
    <AdminForm
      title={t('adminForm.setDeputy')}
      form={form}
      fields={DEPUTY_FIELDS}
      onSubmit={submit}
      submit={t('common.save')}
    >
      <Field form={form} name="id" label={t('adminForm.away')}>
        {(p) => <PersonSelect people={people} {...p} />}
      </Field>
      <Field form={form} name="deputyId" label={t('admin.deputy')}>
        {(p) => <PersonSelect people={people} {...p} />}
      </Field>
      <Field form={form} name="from" label={t('adminForm.from')}>
        {(p) => <input {...p} type="date" required />}
      </Field>
      <Field form={form} name="until" label={t('adminForm.until')}>
        {(p) => <input {...p} type="date" required />}
      </Field>
    </AdminForm>
  );
}

const DAY_FIELDS = ['date', 'reason'];

export function AddNonWorkingDayForm({
  stateCode,
  year,
  onDone,
}: {
  stateCode: string;
  year: number;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const form = useFormState();
  const title = t('adminForm.addDay', { state: stateCode });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    void form
      .run(async () => {
        await endpoints.addNonWorkingDay(stateCode, { date: v.date, reason: v.reason || undefined });
        return t('adminForm.dayAdded', { date: v.date });
      })
      .then((ok) => {
        if (ok) {
          el.reset();
          onDone();
        }
      });
  };
  return (
    <div className="admin-form">
      <h3>{title}</h3>
      <form className="form-grid" aria-label={title} onSubmit={submit} noValidate>
        <Field form={form} name="date" label={t('adminForm.date')}>
          {(p) => <input {...p} type="date" required min={`${year}-01-01`} max={`${year}-12-31`} />}
        </Field>
        <Field form={form} name="reason" label={t('adminForm.reason')}>
          {(p) => <input {...p} maxLength={300} />}
        </Field>
        <div>
          <button type="submit" className="primary" disabled={form.busy}>
            {t('adminForm.add')}
          </button>
        </div>
      </form>
      <FormStatus form={form} fields={DAY_FIELDS} />
    </div>
  );
}

/** "Remove" beside an added non-working day. */
export function RemoveDayButton({
  stateCode,
  date,
  label,
  onDone,
  onError,
}: {
  stateCode: string;
  date: string;
  label: string;
  onDone: (message: string) => void;
  onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="link-button"
      disabled={busy}
      aria-label={t('adminForm.removeDay', { date: label })}
      onClick={() => {
        setBusy(true);
        endpoints
          .removeNonWorkingDay(stateCode, date)
          .then(() => onDone(t('adminForm.dayRemoved', { date: label })), onError)
          .finally(() => setBusy(false));
      }}
    >
      {t('adminForm.remove')}
    </button>
  );
}

/** Upload a new version of a process definition as JSON, pasted or read from a file. */
export function UploadDefinitionForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [json, setJson] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [parseError, setParseError] = useState<string>();
  const textId = useId();
  const fileId = useId();
  const problems = problemsOf(error);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setMessage(undefined);
    setError(undefined);
    setParseError(undefined);
    let body: unknown;
    try {
      body = JSON.parse(json);
    } catch (err) {
      setParseError(t('adminForm.notJson', { reason: (err as Error).message }));
      return;
    }
    setBusy(true);
    try {
      const d = await endpoints.uploadDefinition(body);
      setMessage(t('adminForm.definitionUploaded', { key: d.key, version: d.version }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const invalid = Boolean(parseError || problems.length);
  return (
    <section className="card admin-form" aria-label={t('adminForm.uploadDefinition')}>
      <h2>{t('adminForm.uploadDefinition')}</h2>
      <form aria-label={t('adminForm.uploadDefinition')} onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={fileId}>{t('adminForm.definitionFile')}</label>
          <input
            id={fileId}
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(setJson);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={textId}>{t('adminForm.definitionJson')}</label>
          <textarea
            id={textId}
            className="code-input"
            rows={12}
            value={json}
            spellCheck={false}
            onChange={(e) => setJson(e.target.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? `${textId}-problems` : undefined}
          />
        </div>
        <div>
          <button type="submit" className="primary" disabled={busy || !json.trim()}>
            {t('adminForm.upload')}
          </button>
        </div>
      </form>
      {message && <Notice>{message}</Notice>}
      {parseError && (
        <p className="error" role="alert" id={`${textId}-problems`}>
          {parseError}
        </p>
      )}
      {problems.length > 0 ? (
        <div className="error" role="alert" id={`${textId}-problems`}>
          <strong>{t('adminForm.definitionProblems', { n: problems.length })}</strong>
          <ul className="definition-problems">
            {problems.map((p, i) => (
              <li key={i}>
                <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorBox error={error} />
      )}
    </section>
  );
}
