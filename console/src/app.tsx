// The console shell: session gate (sign-in, expiry, sign-out), navigation offered by role, language and
// theme switches, live alert notices, and the page of the current hash route.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { alertTitle } from '../../src/detect/alert-titles.js';
import { api, onSessionExpired } from './client';
import { connectEvents, useEvents } from './events';
import { type Key, useI18n } from './i18n';
import { SEVERITIES } from './model';
import { AlertsPage } from './pages/alerts';
import { EndpointPage } from './pages/endpoint';
import { FindingsPage } from './pages/findings';
import { HuntPage } from './pages/hunt';
import { InventoryPage } from './pages/inventory';
import { OverviewPage } from './pages/overview';
import { ScansPage } from './pages/scans';
import { SettingsPage } from './pages/settings';
import { SignIn } from './pages/sign-in';
import { initialTheme, saveTheme, type Theme } from './prefs';
import { href, useRoute } from './router';
import { type Abilities, abilitiesOf, type Session, SessionCtx } from './session';

interface NavItem {
  page: string;
  label: Key;
  may: keyof Abilities;
}

const NAV: NavItem[] = [
  { page: 'overview', label: 'nav.overview', may: 'read' },
  { page: 'inventory', label: 'nav.inventory', may: 'read' },
  { page: 'findings', label: 'nav.findings', may: 'read' },
  { page: 'alerts', label: 'nav.alerts', may: 'read' },
  { page: 'scans', label: 'nav.scans', may: 'read' },
  { page: 'hunt', label: 'nav.hunt', may: 'act' },
  { page: 'settings', label: 'nav.settings', may: 'read' },
];

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<Key | undefined>();

  useEffect(() => {
    onSessionExpired(() => {
      setSession(null);
      setNotice('signin.expired');
    });
    void api.GET('/api/v1/session').then(({ data }) => setSession(data ?? null));
  }, []);

  // Absolute expiry: go back to sign-in when the server's session ends, even without a request.
  useEffect(() => {
    if (!session?.expires) return;
    const ms = Date.parse(session.expires) - Date.now();
    if (!(ms > 0) || ms > 2 ** 31 - 1) return;
    const timer = setTimeout(() => {
      setSession(null);
      setNotice('signin.expired');
    }, ms);
    return () => clearTimeout(timer);
  }, [session]);

  if (session === undefined) return <p className="loading">{t('common.loading')}</p>;
  if (session === null)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  return (
    <Console
      session={session}
      onSignOut={async () => {
        await api.DELETE('/api/v1/session');
        setNotice('signin.signedOut');
        setSession(null);
      }}
    />
  );
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => Promise<void> }) {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const can = useMemo(() => abilitiesOf(session.role), [session.role]);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  // The newest live alert, named in the reader's language when the notice is drawn.
  const [live, setLive] = useState<{
    count: number;
    type?: string | undefined;
    severity?: string | undefined;
  }>({
    count: 0,
  });

  useEffect(() => (can.read ? connectEvents() : undefined), [can.read]);
  useEvents(
    useCallback((kind, data) => {
      if (kind !== 'alert') return;
      const a = data as { type?: string; severity?: string };
      setLive((l) => ({ count: l.count + 1, type: a.type, severity: a.severity }));
    }, []),
  );

  const liveWhat =
    live.count > 0
      ? [
          SEVERITIES.find((s) => s === live.severity)
            ? t(`severity.${live.severity as (typeof SEVERITIES)[number]}`)
            : '',
          live.type ? alertTitle(live.type, lang) : '',
        ]
          .filter(Boolean)
          .join(' ')
      : '';
  const ctx = useMemo(() => ({ session, can }), [session, can]);
  const nav = NAV.filter((n) => can[n.may]);
  const page = nav.some((n) => n.page === route.page) || route.page === 'endpoint' ? route.page : 'overview';

  // After a navigation, move focus to the new page's heading, so keyboard and screen-reader users land
  // on it. Not on the first page: there focus starts at the top, where the skip button is.
  const navigated = useRef(false);
  useEffect(() => {
    if (navigated.current) document.querySelector<HTMLElement>('main h1')?.focus();
    navigated.current = true;
    if (page === 'alerts') setLive({ count: 0 });
  }, [page]);

  if (!can.read)
    return (
      <main className="signin">
        <h1>{t('app.name')}</h1>
        <p role="alert">{t('signin.roleCannot', { role: session.role })}</p>
        <button type="button" onClick={() => void onSignOut()}>
          {t('nav.signOut')}
        </button>
      </main>
    );

  return (
    <SessionCtx.Provider value={ctx}>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('nav.skip')}
      </button>
      <header className="top">
        <a className="brand" href={href('overview')}>
          mamori <span lang="ja">守り</span>
        </a>
        <nav aria-label={t('nav.label')}>
          <ul>
            {nav.map((n) => (
              <li key={n.page}>
                <a href={href(n.page)} aria-current={page === n.page ? 'page' : undefined}>
                  {t(n.label)}
                  {n.page === 'alerts' && live.count > 0 ? (
                    <span className="badge" title={liveWhat}>
                      {' '}
                      {t('alerts.newCount', { n: live.count })}
                    </span>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="tools">
          <label>
            <span className="sr-only">{t('prefs.language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value === 'ja' ? 'ja' : 'en')}>
              <option value="en">English</option>
              <option value="ja">日本語</option>
            </select>
          </label>
          <label>
            <span className="sr-only">{t('prefs.theme')}</span>
            <select
              value={theme}
              onChange={(e) => {
                const v = e.target.value as Theme;
                setTheme(v);
                saveTheme(v);
              }}
            >
              <option value="system">{t('prefs.themeSystem')}</option>
              <option value="light">{t('prefs.themeLight')}</option>
              <option value="dark">{t('prefs.themeDark')}</option>
            </select>
          </label>
          <span className="who">
            {session.name} · {t(`role.${session.role}` as Key)}
          </span>
          <button type="button" onClick={() => void onSignOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <div className="live sr-only" aria-live="polite">
        {live.count > 0 ? t('alerts.liveNotice', { what: liveWhat }) : ''}
      </div>
      <main id="main" tabIndex={-1}>
        {page === 'overview' && <OverviewPage />}
        {page === 'inventory' && <InventoryPage params={route.params} />}
        {page === 'endpoint' && <EndpointPage params={route.params} />}
        {page === 'findings' && <FindingsPage params={route.params} />}
        {page === 'alerts' && <AlertsPage params={route.params} />}
        {page === 'scans' && <ScansPage params={route.params} />}
        {page === 'hunt' && <HuntPage />}
        {page === 'settings' && <SettingsPage />}
      </main>
    </SessionCtx.Provider>
  );
}
