// One case of a plan started from the dashboard (POST /plans/{code}/cases), for a measure that needs no CSV file: its
// process, agencies and deadline. The API checks it against the process and the state's calendar before anything is
// written; the started case comes back with what the coordinator should know (a deadline already past, a step that
// starts overdue, an agency nobody is emailed at), shown in the reader's language.
import { type FormEvent, useMemo, useRef, useState } from 'react';
import { newIdempotencyKey } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { CaseCreated, DefinitionStep, NewCase } from '../api/types';
import { CodeOptions, Field, FormStatus, useFormState, values } from '../components/forms';
import { StartWarningText } from '../components/start-warning';
import { inLanguage, useI18n } from '../i18n/i18n';
import { useReference } from '../lib/reference';
import { Link } from '../lib/router';
import { useApi } from '../lib/use-api';

/** Roles every case fills by itself: the lead and supporting agencies, the national coordinator. */
const BUILT_IN_ROLES = new Set(['lead', 'supporting', 'coordinator']);
const WEAPON_TYPES = ['all', 'nuclear', 'chemical', 'biological'] as const;

/** The roles a definition's steps name beyond the built-in ones: the case must say which agencies fill them. */
export function extraRoles(steps: DefinitionStep[] | undefined): string[] {
  const out: string[] = [];
  for (const step of steps ?? []) {
    for (const v of [step.assignee, step.approvers]) {
      for (const role of typeof v === 'string' ? [v] : Array.isArray(v) ? v : []) {
        if (typeof role === 'string' && !BUILT_IN_ROLES.has(role) && !out.includes(role)) out.push(role);
      }
    }
  }
  return out;
}

/** "kg-scs, KG-BS;KG-FIRE" → ["KG-SCS", "KG-BS", "KG-FIRE"] */
export function agencyCodes(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

export function NewCaseForm({ planCode, onStarted }: { planCode: string; onStarted: () => void }) {
  const { t, tx, lang } = useI18n();
  const { agencies, plans, agencyName } = useReference();
  const form = useFormState();
  // one key per body: the same request sent again (its answer lost) starts the case once; a corrected one is new
  const attempt = useRef<{ key: string; body: string } | undefined>(undefined);
  const [started, setStarted] = useState<(CaseCreated & { code: string }) | undefined>();
  const definitions = useApi((s) => endpoints.definitions(s), []);
  // the latest version of each process
  const latest = useMemo(() => {
    const byKey = new Map<string, { key: string; version: number; title: string }>();
    for (const d of definitions.data ?? []) {
      const seen = byKey.get(d.key);
      if (!seen || d.version > seen.version)
        byKey.set(d.key, { key: d.key, version: d.version, title: inLanguage(d.title, lang) });
    }
    return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  }, [definitions.data, lang]);
  const [kind, setKind] = useState('measure');
  const chosen = latest.find((d) => d.key === kind) ?? latest[0];
  const definition = useApi(chosen ? (s) => endpoints.definition(chosen.key, chosen.version, s) : null, [
    chosen?.key,
    chosen?.version,
  ]);
  const roles = extraRoles(definition.data?.steps);
  const stateCode = plans.find((p) => p.code === planCode)?.stateCode;
  // the plan's own agencies first, then international organisations and other states' agencies
  const leadOptions = [...agencies]
    .sort(
      (a, b) =>
        Number(a.stateCode !== stateCode) - Number(b.stateCode !== stateCode) || a.code.localeCompare(b.code),
    )
    .map((a) => ({ code: a.code, name: agencyName(a.code) }));
  const fields = [
    'kind',
    'code',
    'title',
    'leadAgency',
    'supportingAgencies',
    'dueOn',
    'area.paragraph',
    'area.weaponType',
    ...roles.map((r) => `participants.${r}`),
  ];

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    const participants: Record<string, string[]> = {};
    for (const role of roles) {
      const codes = agencyCodes(v[`participants.${role}`]);
      if (codes.length) participants[role] = codes;
    }
    const body: NewCase = {
      kind: chosen?.key ?? kind,
      code: v.code,
      title: v.title,
      leadAgency: v.leadAgency,
      supportingAgencies: agencyCodes(v.supportingAgencies),
      dueOn: v.dueOn,
      ...(v['area.paragraph'] || v['area.weaponType']
        ? {
            area: {
              ...(v['area.paragraph'] ? { paragraph: v['area.paragraph'] } : {}),
              ...(v['area.weaponType'] ? { weaponType: v['area.weaponType'] } : {}),
            },
          }
        : {}),
      ...(Object.keys(participants).length ? { participants } : {}),
    };
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { key: newIdempotencyKey(), body: json };
    const key = attempt.current.key;
    setStarted(undefined);
    void form
      .run(async () => {
        const created = await endpoints.createCase(planCode, body, key);
        setStarted({ ...created, code: body.code });
        return t('newCase.started', { code: body.code });
      })
      .then((ok) => {
        if (!ok) return;
        attempt.current = undefined;
        el.reset();
        onStarted();
      });
  };

  return (
    <>
      <form className="form-grid" onSubmit={submit} aria-label={t('overview.newCase')} noValidate>
        <Field form={form} name="kind" label={t('newCase.kind')}>
          {(p) => (
            <select {...p} value={chosen?.key ?? ''} onChange={(e) => setKind(e.target.value)} required>
              {latest.map((d) => (
                <option key={d.key} value={d.key}>
                  {d.title || tx('kind', d.key)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field form={form} name="code" label={t('newCase.code')}>
          {(p) => <input {...p} required autoComplete="off" placeholder="M-10" />}
        </Field>
        <Field form={form} name="title" label={t('newCase.title')}>
          {(p) => <input {...p} required />}
        </Field>
        <Field form={form} name="leadAgency" label={t('newCase.lead')}>
          {(p) => (
            <select {...p} required defaultValue="">
              <option value="" disabled>
                —
              </option>
              <CodeOptions items={leadOptions} />
            </select>
          )}
        </Field>
        <Field
          form={form}
          name="supportingAgencies"
          label={t('newCase.supporting')}
          hint={t('newCase.codesHint')}
        >
          {(p) => <input {...p} list="new-case-agencies" autoComplete="off" placeholder="KG-SCS, KG-BS" />}
        </Field>
        {roles.map((role) => (
          <Field
            key={role}
            form={form}
            name={`participants.${role}`}
            label={t('newCase.role', { role })}
            hint={t('newCase.codesHint')}
          >
            {(p) => <input {...p} list="new-case-agencies" autoComplete="off" />}
          </Field>
        ))}
        <Field form={form} name="dueOn" label={t('newCase.dueOn')}>
          {(p) => <input {...p} type="date" required />}
        </Field>
        <Field form={form} name="area.paragraph" label={t('newCase.paragraph')}>
          {(p) => <input {...p} autoComplete="off" placeholder="OP3(d)" />}
        </Field>
        <Field form={form} name="area.weaponType" label={t('newCase.weaponType')}>
          {(p) => (
            <select {...p} defaultValue="">
              <option value="">—</option>
              {WEAPON_TYPES.map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          )}
        </Field>
        <datalist id="new-case-agencies">
          {leadOptions.map((a) => (
            <option key={a.code} value={a.code}>
              {a.name}
            </option>
          ))}
        </datalist>
        <div>
          <button type="submit" className="primary" disabled={form.busy || !chosen}>
            {t('newCase.submit')}
          </button>
        </div>
      </form>
      <FormStatus form={form} fields={fields} />
      {started && (
        <div className={started.warnings.length ? 'warning' : undefined} role="status">
          <p>
            <Link to={`/cases/${encodeURIComponent(started.id)}`}>
              {t('newCase.open', { code: started.code })}
            </Link>
          </p>
          {started.warnings.length > 0 && (
            <>
              <p>{t('newCase.warned')}</p>
              <ul>
                {started.warnings.map((w, i) => (
                  <li key={i}>
                    <StartWarningText warning={w} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </>
  );
}
