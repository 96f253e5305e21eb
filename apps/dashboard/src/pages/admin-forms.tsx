// The administration pages' write forms: each posts to the API, shows the API's problem details next to the fields
// they name, announces success and asks its list to re-fetch (no page reload).
import { type FormEvent, useId, useState } from 'react';
import { endpoints } from '../api/endpoints';
import type { Agency, Person, Plan, StateInfo } from '../api/types';
import {
  CodeOptions,
  Field,
  FormCard,
  FormStatus,
  problemsOf,
  useFormState,
  values,
} from '../components/forms';
import { ErrorBox, Notice } from '../components/status';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

const ROLES = ['admin', 'coordinator', 'focal_point', 'observer'] as const;
const LANGUAGES = ['ru', 'en'] as const;
const KINDS = ['ministry', 'agency', 'international'] as const;

const AGENCY_FIELDS = ['code', 'name', 'nameRu', 'kind', 'stateCode'];

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
          nameRu: v.nameRu || undefined,
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
    <FormCard
      title={t('adminForm.addAgency')}
      form={form}
      fields={AGENCY_FIELDS}
      onSubmit={submit}
      submit={t('adminForm.add')}
    >
      <Field form={form} name="code" label={t('admin.code')}>
        {(p) => <input {...p} required autoComplete="off" placeholder="KG-MOE" />}
      </Field>
      <Field form={form} name="name" label={t('adminForm.nameEn')}>
        {(p) => <input {...p} required lang="en" />}
      </Field>
      <Field form={form} name="nameRu" label={t('adminForm.nameRu')} hint={t('adminForm.nameRuHint')}>
        {(p) => <input {...p} lang="ru" />}
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
              <CodeOptions items={states} />
            </select>
          )}
        </Field>
      )}
    </FormCard>
  );
}

const RENAME_AGENCY_FIELDS = ['code', 'name', 'nameRu'];

/** New English and Russian names of an agency; only the names that differ are sent, an empty Russian name clears it. */
export function RenameAgencyForm({ agencies, onDone }: { agencies: Agency[]; onDone: () => void }) {
  const { t } = useI18n();
  const form = useFormState();
  const [code, setCode] = useState(agencies[0]?.code ?? '');
  const agency = agencies.find((a) => a.code === code) ?? agencies[0];
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!agency) return;
    const v = values(e);
    const nameRu = v.nameRu || null;
    const body = {
      ...(v.name !== agency.name ? { name: v.name } : {}),
      ...(nameRu !== (agency.nameRu ?? null) ? { nameRu } : {}),
    };
    // the API refuses an empty change with a 400: say so here instead
    if (Object.keys(body).length === 0) {
      void form.run(async () => t('adminForm.namesUnchanged'));
      return;
    }
    void form
      .run(async () => {
        await endpoints.updateAgency(agency.code, body);
        return t('adminForm.agencyRenamed', { code: agency.code });
      })
      .then((ok) => ok && onDone());
  };
  if (!agency) return null;
  return (
    <FormCard
      title={t('adminForm.renameAgency')}
      form={form}
      fields={RENAME_AGENCY_FIELDS}
      onSubmit={submit}
      submit={t('common.save')}
    >
      <Field form={form} name="code" label={t('admin.agency')}>
        {(p) => (
          <select {...p} required value={agency.code} onChange={(e) => setCode(e.target.value)}>
            <CodeOptions items={agencies} />
          </select>
        )}
      </Field>
      {/* keyed by agency: the inputs start from that agency's current names */}
      <Field form={form} name="name" label={t('adminForm.nameEn')}>
        {(p) => <input {...p} key={`name-${agency.code}`} required lang="en" defaultValue={agency.name} />}
      </Field>
      <Field form={form} name="nameRu" label={t('adminForm.nameRu')} hint={t('adminForm.nameRuHint')}>
        {(p) => <input {...p} key={`nameRu-${agency.code}`} lang="ru" defaultValue={agency.nameRu ?? ''} />}
      </Field>
    </FormCard>
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
    <FormCard
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
            <CodeOptions items={observers} />
          </select>
        )}
      </Field>
    </FormCard>
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
    <FormCard
      title={t('adminForm.addPerson')}
      form={form}
      fields={PERSON_FIELDS}
      onSubmit={submit}
      submit={t('adminForm.add')}
    >
      <Field form={form} name="email" label={t('admin.email')}>
        {(p) => <input {...p} type="email" required autoComplete="off" />}
      </Field>
      <Field form={form} name="name" label={t('admin.personName')}>
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
    </FormCard>
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
      <CodeOptions items={agencies} />
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

const EDIT_FIELDS = ['id', 'name', 'role', 'language', 'agencyCode', 'active'];

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
        const updated = await endpoints.updatePerson(v.id, {
          // sent only when changed, so the audit names a rename only when there was one
          ...(v.name !== person?.name ? { name: v.name } : {}),
          role: v.role,
          language: v.language,
          agencyCode: v.agencyCode,
          active,
        });
        return t('adminForm.personSaved', { name: updated?.name ?? person?.name ?? v.id });
      })
      .then((ok) => ok && onDone());
  };
  if (!person) return null;
  return (
    <FormCard
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
      <Field form={form} name="name" label={t('admin.personName')}>
        {(p) => (
          <input {...p} key={`name-${person.id}`} required autoComplete="off" defaultValue={person.name} />
        )}
      </Field>
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
    </FormCard>
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
    <FormCard
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
    </FormCard>
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
    <div className="form-card">
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
    <section className="card form-card" aria-label={t('adminForm.uploadDefinition')}>
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
