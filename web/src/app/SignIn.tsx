import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client.js';
import { LanguageChooser } from '../components/LanguageChooser.js';
import type { Lang } from '../i18n/index.js';
import type { Person } from './session.js';

export function SignIn({
  party,
  lang,
  onLang,
  onSignedIn,
}: {
  party: string | null;
  lang: Lang;
  onLang: (l: Lang) => void;
  onSignedIn: (s: { csrf: string; person: Person }) => void;
}) {
  const { t } = useTranslation();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      onSignedIn(await post<{ csrf: string; person: Person }>('/session', { user, password }));
    } catch (err) {
      setFailure(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="content" className="signin">
      <h1>{t('signIn.title', { party: party ?? '' })}</h1>
      <LanguageChooser lang={lang} onLang={onLang} />
      <form onSubmit={submit}>
        <label>
          {t('signIn.user')}
          <input
            name="user"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
        {failure && <p role="alert">{t('signIn.failed', { message: failure })}</p>}
      </form>
    </main>
  );
}
