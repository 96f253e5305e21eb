import { useState, type FormEvent } from 'react';
import { LanguageSwitch } from '../app';
import { ErrorBox } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { useAuth } from '../lib/auth';

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="signin-head">
          <p className="brand">napflow</p>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('app.tagline')}</p>
        <h1>{t('signin.title')}</h1>
        <form onSubmit={submit} noValidate={false}>
          <label htmlFor="email">{t('signin.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">{t('signin.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('signin.busy') : t('signin.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
