// Calendar feeds: iCal subscriptions of open steps' due dates behind a secret address (POST/GET/DELETE
// /calendar-feeds). The API returns the address once, when it creates the feed; afterwards it can only be revoked.
import { useRef, useState, type FormEvent } from 'react';
import { endpoints } from '../api/endpoints';
import type { Agency, CalendarFeed, CreatedCalendarFeed, Me } from '../api/types';
import { ConfirmButton } from '../components/confirm';
import { CopyField } from '../components/copy-field';
import { DataTable } from '../components/data-table';
import { Field, FormCard, useFormState, values } from '../components/forms';
import { ErrorBox, LiveStamp, Loading, Notice } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { agencyOf, useAuth } from '../lib/auth';
import { useReference } from '../lib/reference';
import { useApi } from '../lib/use-api';

const PERSON = 'person';
const FEED_FIELDS = ['scope', 'agencyCode', 'label'];

/** The agencies whose feed the viewer may create, as the API allows it (POST /calendar-feeds, scope=agency). */
function feedAgencies(me: Me | null | undefined, agencies: Agency[]): Agency[] {
  if (me?.role === 'admin') return agencies;
  if (me?.role === 'coordinator') return agencies.filter((a) => a.stateCode && a.stateCode === me.stateCode);
  if (me?.role === 'focal_point') {
    const own = agencyOf(me);
    return agencies.filter((a) => a.code === own);
  }
  return [];
}

export function CalendarFeedsPage() {
  const { t } = useI18n();
  const feeds = useApi((s) => endpoints.calendarFeeds(s), [], { poll: true });
  const [created, setCreated] = useState<CreatedCalendarFeed>();
  const [revoked, setRevoked] = useState<string>();
  const listTitle = useRef<HTMLHeadingElement>(null);
  const active = (feeds.data ?? []).filter((f) => !f.revokedAt);
  return (
    <section aria-labelledby="feeds-title">
      <div className="page-head">
        <h1 id="feeds-title">{t('feeds.title')}</h1>
      </div>
      <p className="muted">{t('feeds.intro')}</p>
      <CreateFeedForm
        onCreated={(f) => {
          setCreated(f);
          setRevoked(undefined);
          feeds.reload();
        }}
      />
      {created && <CreatedFeed feed={created} />}
      <section className="card" aria-labelledby="feeds-list-title">
        <h2 id="feeds-list-title" ref={listTitle} tabIndex={-1}>
          {t('feeds.list')} {feeds.data && <span className="count">{active.length}</span>}
        </h2>
        {revoked && <Notice>{t('feeds.revoked', { name: revoked })}</Notice>}
        <ErrorBox error={feeds.error} onRetry={feeds.reload} />
        {!feeds.data && feeds.loading && <Loading />}
        {feeds.data && active.length === 0 && <p className="muted">{t('feeds.none')}</p>}
        {active.length > 0 && (
          <FeedTable
            feeds={active}
            onRevoked={(name, id) => {
              setRevoked(name);
              if (created?.id === id) setCreated(undefined);
              feeds.reload();
              // the row and its button are gone: continue from the list
              listTitle.current?.focus();
            }}
          />
        )}
      </section>
      <HowToSubscribe />
      <LiveStamp updatedAt={feeds.updatedAt} />
    </section>
  );
}

function CreateFeedForm({ onCreated }: { onCreated: (f: CreatedCalendarFeed) => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const { agencies, agencyName } = useReference();
  const form = useFormState();
  const choices = feedAgencies(me, agencies);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    const agency = v.scope === PERSON ? undefined : v.scope;
    void form
      .run(async () => {
        const f = await endpoints.createCalendarFeed({
          scope: agency ? 'agency' : 'person',
          agencyCode: agency,
          label: v.label || undefined,
        });
        onCreated(f);
        return t('feeds.created');
      })
      .then((ok) => ok && el.reset());
  };
  return (
    <FormCard
      title={t('feeds.create')}
      form={form}
      fields={FEED_FIELDS}
      onSubmit={submit}
      submit={t('feeds.submit')}
      className="feed-form"
    >
      {/* one choice for "what the feed shows": the caller's own steps, or one agency's (the API's scope + agencyCode) */}
      <Field form={form} name="scope" label={t('feeds.what')}>
        {(p) => (
          <select {...p} defaultValue={PERSON}>
            <option value={PERSON}>{t('feeds.person')}</option>
            {choices.map((a) => (
              <option key={a.code} value={a.code}>
                {t('feeds.agency', { agency: agencyName(a.code) })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="label" label={t('feeds.label')}>
        {(p) => <input {...p} maxLength={100} autoComplete="off" placeholder={t('feeds.labelExample')} />}
      </Field>
    </FormCard>
  );
}

function CreatedFeed({ feed }: { feed: CreatedCalendarFeed }) {
  const { t } = useI18n();
  return (
    <section className="card created-feed" aria-labelledby="created-feed-title">
      <h2 id="created-feed-title">{t('feeds.newAddress', { name: feedName(feed, t('feeds.unnamed')) })}</h2>
      <p>{t('feeds.once')}</p>
      <CopyField label={t('feeds.url')} value={feed.url} />
    </section>
  );
}

function feedName(f: CalendarFeed, unnamed: string): string {
  return f.label || unnamed;
}

function FeedTable({
  feeds,
  onRevoked,
}: {
  feeds: CalendarFeed[];
  onRevoked: (name: string, id: string) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const { agencyName } = useReference();
  return (
    <DataTable
      className="feeds"
      caption={t('feeds.list')}
      columns={[
        t('feeds.name'),
        t('feeds.shows'),
        t('feeds.createdAt'),
        <span className="sr-only">{t('feeds.actions')}</span>,
      ]}
    >
      {feeds.map((f) => {
        const name = feedName(f, t('feeds.unnamed'));
        return (
          <tr key={f.id} data-feed={f.id}>
            <td>{f.label || <span className="muted">{name}</span>}</td>
            <td>{f.scope === 'agency' ? agencyName(f.agencyCode) : t('feeds.mine')}</td>
            <td className="nowrap">
              <time dateTime={f.createdAt}>{formatDateTime(f.createdAt)}</time>
            </td>
            <td className="num">
              {f.canRevoke ? (
                <ConfirmButton
                  label={t('feeds.revoke')}
                  ariaLabel={t('feeds.revokeLabel', { name })}
                  title={t('feeds.confirmTitle', { name })}
                  confirmLabel={t('feeds.revoke')}
                  onConfirm={() => endpoints.revokeCalendarFeed(f.id)}
                  onDone={() => onRevoked(name, f.id)}
                >
                  <p>{t('feeds.confirmBody')}</p>
                </ConfirmButton>
              ) : (
                <span className="muted small">{t('feeds.notYours')}</span>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function HowToSubscribe() {
  const { t } = useI18n();
  return (
    <section className="card how-to" aria-labelledby="howto-title">
      <h2 id="howto-title">{t('feeds.howTo')}</h2>
      <ul>
        <li>{t('feeds.howOutlookWeb')}</li>
        <li>{t('feeds.howOutlookDesktop')}</li>
        <li>{t('feeds.howGoogle')}</li>
      </ul>
      <p className="muted small">{t('feeds.howRefresh')}</p>
    </section>
  );
}
