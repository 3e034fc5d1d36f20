// Sign-in with an API token: POST /api/v1/session turns it into the server's HttpOnly session cookie.
// The token lives only in this form's state until the answer; it is never stored in the browser.

import { type FormEvent, useState } from 'react';
import { api } from '../client';
import { type Key, useI18n } from '../i18n';
import type { Session } from '../session';

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: Key | undefined;
  onSignedIn: (s: Session) => void;
}) {
  const { t, lang, setLang } = useI18n();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    // The token travels once, as a bearer credential; the answer sets the HttpOnly session cookie.
    const { data, response } = await api.POST('/api/v1/session', {
      headers: { authorization: `Bearer ${token.trim()}` },
    });
    setBusy(false);
    setToken('');
    if (data) onSignedIn(data);
    else
      setError(
        response.status === 401 || response.status === 400
          ? t('signin.rejected')
          : t('common.error', { status: response.status }),
      );
  };

  return (
    <main className="signin" id="main">
      <h1>
        mamori <span lang="ja">守り</span>
      </h1>
      <p className="muted">{t('signin.lead')}</p>
      {notice ? (
        <p className="notice" role="status">
          {t(notice)}
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">{t('signin.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          minLength={16}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" className="muted small">
          {t('signin.help')}
        </p>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <label className="lang-switch">
        {t('prefs.language')}{' '}
        <select value={lang} onChange={(e) => setLang(e.target.value === 'ja' ? 'ja' : 'en')}>
          <option value="en">English</option>
          <option value="ja">日本語</option>
        </select>
      </label>
    </main>
  );
}
