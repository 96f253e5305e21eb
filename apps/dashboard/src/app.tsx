import { useEffect, useRef, type ReactNode } from 'react';
import { I18nProvider, useI18n } from './i18n/i18n';
import { AuthProvider, canCoordinate, useAuth } from './lib/auth';
import { ReferenceProvider, useReference } from './lib/reference';
import { Link, match, RouterProvider, useRouter } from './lib/router';
import { Loading } from './components/status';
import { SignInPage } from './pages/sign-in.page';
import { OverviewPage } from './pages/overview.page';
import { DeadlinesPage } from './pages/deadlines.page';
import { CasesPage } from './pages/cases.page';
import { CaseDetailPage } from './pages/case-detail.page';
import { InboxPage } from './pages/inbox.page';
import { AdminPage } from './pages/admin.page';
import { RefusedEmailsPage } from './pages/refused-emails.page';
import { CalendarFeedsPage } from './pages/calendar-feeds.page';
import type { Language } from './api/types';

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <AuthProvider>
          <Gate />
        </AuthProvider>
      </RouterProvider>
    </I18nProvider>
  );
}

function Gate() {
  const { me } = useAuth();
  const { location, navigate } = useRouter();
  // "/" (or an unknown path the server sent here) lands on the app's home
  useEffect(() => {
    if (!window.location.pathname.startsWith('/app')) navigate('/', { replace: true });
  }, [navigate]);
  if (me === undefined) return <Loading />;
  if (me === null) return <SignInPage />;
  return (
    <ReferenceProvider>
      <Shell>
        <Routes path={location.path} />
      </Shell>
    </ReferenceProvider>
  );
}

function Routes({ path }: { path: string }) {
  const { t } = useI18n();
  const { me } = useAuth();
  let m: Record<string, string> | null;
  if (path === '/' || path === '/overview') return <OverviewPage />;
  if ((m = match('/overview/:plan', path))) return <OverviewPage planCode={m.plan} />;
  if (path === '/deadlines') return <DeadlinesPage />;
  if (path === '/cases') return <CasesPage />;
  if ((m = match('/cases/:id', path))) return <CaseDetailPage id={m.id} />;
  if (path === '/inbox') return <InboxPage />;
  if (path === '/calendar-feeds') return <CalendarFeedsPage />;
  if (path === '/refused-emails') {
    return canCoordinate(me) ? <RefusedEmailsPage /> : <p role="alert">{t('forbidden')}</p>;
  }
  if (path === '/admin' || (m = match('/admin/:tab', path))) {
    return canCoordinate(me) ? <AdminPage tab={m?.tab} /> : <p role="alert">{t('forbidden')}</p>;
  }
  return (
    <section>
      <h1>{t('notfound.title')}</h1>
      <Link to="/">{t('notfound.back')}</Link>
    </section>
  );
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang" role="group" aria-label={t('lang.label')}>
      {(['ru', 'en'] as Language[]).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
          {l.toUpperCase()}
          <span className="sr-only"> — {t(`lang.${l}`)}</span>
        </button>
      ))}
    </div>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, signOut } = useAuth();
  const { agencyName } = useReference();
  const { location } = useRouter();
  const mainRef = useRef<HTMLElement>(null);
  // move focus to the page on navigation so keyboard and screen-reader users start at the new content
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.path]);
  const agency = me?.agency ?? me?.agencyCode;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          napflow
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            <li>
              <Link to="/">{t('nav.overview')}</Link>
            </li>
            <li>
              <Link to="/deadlines">{t('nav.deadlines')}</Link>
            </li>
            <li>
              <Link to="/cases">{t('nav.cases')}</Link>
            </li>
            <li>
              <Link to="/inbox">{t('nav.inbox')}</Link>
            </li>
            {canCoordinate(me) && (
              <>
                <li>
                  <Link to="/refused-emails">{t('nav.refusedEmails')}</Link>
                </li>
                <li>
                  <Link to="/admin">{t('nav.admin')}</Link>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="who">
          <LanguageSwitch />
          <p className="me" data-testid="whoami">
            <span className="sr-only">{t('me.label')} </span>
            <strong>{me?.name}</strong>
            <span className="muted">
              {me?.role ? t(`role.${me.role}`) : ''}
              {agency ? ` · ${me?.agencyName ?? agencyName(agency)}` : ''}
            </span>
          </p>
          {/* the signed-in person's own things, beside who they are */}
          <Link to="/calendar-feeds" className="personal">
            {t('nav.calendarFeeds')}
          </Link>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
