// Settings: the organisation (for the industry comparison), retention and masking, the scan targets the
// server may contact, integrations (webhook secrets are write-only), and API tokens with their roles.
// Only an admin may change them; others see them read-only (the server refuses changes anyway).

import { type FormEvent, useEffect, useState } from 'react';
import { type Answer, api, must } from '../client';
import { ErrorText, PageTitle, Status, useInteractive, useLoad } from '../components/ui';
import { useI18n } from '../i18n';
import { SENSITIVE_TYPES } from '../model';
import { useSession } from '../session';
import { COUNTRIES, INDUSTRIES } from '../survey';

type Settings = Answer<'/api/v1/settings', 'get'>;
type Hook = Settings['integrations']['webhooks'][number];
type HookEvent = Hook['events'][number];
const HOOK_EVENTS: HookEvent[] = ['alert', 'incident', 'scan'];
type Token = { id: string; name: string; role: string; created: string; lastUsed?: string; revoked?: string };
const ROLES = ['admin', 'analyst', 'viewer', 'ingest'] as const;

export function SettingsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const loaded = useLoad(async () => must(api.GET('/api/v1/settings')), []);
  useInteractive('settings', loaded.data !== undefined);
  return (
    <>
      <PageTitle sub={can.admin ? undefined : t('settings.readOnly')}>{t('nav.settings')}</PageTitle>
      <Status loaded={loaded} />
      {loaded.data ? <SettingsForm initial={loaded.data} onSaved={loaded.set} /> : null}
      {can.admin ? <Tokens /> : null}
    </>
  );
}

function SettingsForm({ initial, onSaved }: { initial: Settings; onSaved(s: Settings): void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [s, setS] = useState<Settings>(initial);
  const [newTarget, setNewTarget] = useState('');
  const [hook, setHook] = useState<{ url: string; events: HookEvent[]; secret: string }>({
    url: '',
    events: ['alert', 'incident'],
    secret: '',
  });
  // Webhook secrets are write-only: typed here, sent once with the next save, never read back.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setS(initial), [initial]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      const { integrations, ...rest } = s;
      const body = {
        ...rest,
        integrations: {
          ...integrations,
          webhooks: integrations.webhooks.map((w) => ({
            url: w.url,
            events: w.events,
            ...(secrets[w.url] ? { secret: secrets[w.url] } : {}),
          })),
        },
      };
      const next = await must(api.PUT('/api/v1/settings', { body }));
      setSecrets({});
      onSaved(next);
      setSaved(true);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const org = s.organisation ?? {};
  const syslog = s.integrations.syslog;

  return (
    <form onSubmit={(e) => void save(e)}>
      <fieldset disabled={!can.admin}>
        <legend>{t('settings.organisation')}</legend>
        <p className="muted small">{t('settings.organisationHelp')}</p>
        <div className="filters">
          <label>
            {t('settings.industry')}
            <select
              value={org.industry ?? 'all'}
              onChange={(e) =>
                setS({
                  ...s,
                  organisation: { ...org, industry: e.target.value as (typeof INDUSTRIES)[number] },
                })
              }
            >
              {INDUSTRIES.map((i) => (
                <option key={i} value={i}>
                  {t(`industry.${i}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('settings.country')}
            <select
              value={org.country ?? 'other'}
              onChange={(e) =>
                setS({
                  ...s,
                  organisation: { ...org, country: e.target.value as (typeof COUNTRIES)[number] },
                })
              }
            >
              {COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {t(`country.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </fieldset>

      <fieldset disabled={!can.admin}>
        <legend>{t('settings.retention')}</legend>
        <div className="filters">
          <label>
            {t('settings.days')}
            <input
              type="number"
              min={1}
              value={s.retention.days}
              onChange={(e) => setS({ ...s, retention: { ...s.retention, days: Number(e.target.value) } })}
            />
          </label>
          <label>
            {t('settings.maxRows')}
            <input
              type="number"
              min={1}
              value={s.retention.maxRows}
              onChange={(e) => setS({ ...s, retention: { ...s.retention, maxRows: Number(e.target.value) } })}
            />
          </label>
        </div>
      </fieldset>

      <fieldset disabled={!can.admin}>
        <legend>{t('settings.masking')}</legend>
        <p className="muted small">{t('settings.maskingHelp')}</p>
        <div className="three">
          {SENSITIVE_TYPES.map((type) => (
            <label key={type} className="inline">
              <select
                value={s.masking.types[type] ?? 'mask'}
                onChange={(e) =>
                  setS({
                    ...s,
                    masking: {
                      types: { ...s.masking.types, [type]: e.target.value === 'keep' ? 'keep' : 'mask' },
                    },
                  })
                }
              >
                <option value="mask">{t('settings.mask')}</option>
                <option value="keep">{t('settings.keep')}</option>
              </select>
              <code>{type}</code>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset disabled={!can.admin}>
        <legend>{t('settings.scanTargets')}</legend>
        <p className="muted small">{t('settings.scanTargetsHelp')}</p>
        <ul className="plain">
          {s.scanTargets.map((target) => (
            <li key={target}>
              <code>{target}</code>{' '}
              <button
                type="button"
                className="secondary"
                aria-label={t('settings.removeNamed', { name: target })}
                onClick={() => setS({ ...s, scanTargets: s.scanTargets.filter((x) => x !== target) })}
              >
                {t('settings.remove')}
              </button>
            </li>
          ))}
        </ul>
        <div className="actions">
          <label>
            {t('settings.newTarget')}
            <input
              name="newTarget"
              type="url"
              placeholder="https://api.example.com"
              value={newTarget}
              onChange={(e) => setNewTarget(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              let origin: string;
              try {
                origin = new URL(newTarget.trim()).origin;
              } catch {
                return;
              }
              if (!s.scanTargets.includes(origin)) setS({ ...s, scanTargets: [...s.scanTargets, origin] });
              setNewTarget('');
            }}
          >
            {t('settings.add')}
          </button>
        </div>
      </fieldset>

      <fieldset disabled={!can.admin}>
        <legend>{t('settings.integrations')}</legend>
        <h3>{t('settings.webhooks')}</h3>
        <ul className="plain">
          {s.integrations.webhooks.map((w) => (
            <li key={w.url}>
              <code>{w.url}</code> <span className="muted">{w.events.join(', ')}</span>{' '}
              {w.signed || secrets[w.url] ? <span className="tag">{t('settings.signed')}</span> : null}{' '}
              <button
                type="button"
                className="secondary"
                aria-label={t('settings.removeNamed', { name: w.url })}
                onClick={() =>
                  setS({
                    ...s,
                    integrations: {
                      ...s.integrations,
                      webhooks: s.integrations.webhooks.filter((x) => x.url !== w.url),
                    },
                  })
                }
              >
                {t('settings.remove')}
              </button>
            </li>
          ))}
        </ul>
        <div className="actions">
          <label>
            URL
            <input type="url" value={hook.url} onChange={(e) => setHook({ ...hook, url: e.target.value })} />
          </label>
          <fieldset className="inline-set">
            <legend>{t('settings.events')}</legend>
            {HOOK_EVENTS.map((ev) => (
              <label key={ev} className="inline">
                <input
                  type="checkbox"
                  checked={hook.events.includes(ev)}
                  onChange={(e) =>
                    setHook({
                      ...hook,
                      events: e.target.checked ? [...hook.events, ev] : hook.events.filter((x) => x !== ev),
                    })
                  }
                />
                {ev}
              </label>
            ))}
          </fieldset>
          <label>
            {t('settings.secret')}
            <input
              type="password"
              autoComplete="off"
              value={hook.secret}
              onChange={(e) => setHook({ ...hook, secret: e.target.value })}
            />
          </label>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              if (!hook.url || hook.events.length === 0) return;
              setS({
                ...s,
                integrations: {
                  ...s.integrations,
                  webhooks: [
                    ...s.integrations.webhooks.filter((w) => w.url !== hook.url),
                    { url: hook.url, events: hook.events },
                  ],
                },
              });
              if (hook.secret) setSecrets({ ...secrets, [hook.url]: hook.secret });
              setHook({ url: '', events: ['alert', 'incident'], secret: '' });
            }}
          >
            {t('settings.add')}
          </button>
        </div>
        <h3>Syslog (RFC 5424 / CEF)</h3>
        <div className="filters">
          <label>
            {t('settings.host')}
            <input
              value={syslog?.host ?? ''}
              onChange={(e) => {
                const { syslog: _old, ...rest } = s.integrations;
                setS({
                  ...s,
                  integrations: e.target.value
                    ? { ...rest, syslog: { host: e.target.value, port: syslog?.port ?? 514 } }
                    : rest,
                });
              }}
            />
          </label>
          <label>
            {t('settings.port')}
            <input
              type="number"
              min={1}
              max={65535}
              value={syslog?.port ?? 514}
              onChange={(e) =>
                syslog &&
                setS({
                  ...s,
                  integrations: { ...s.integrations, syslog: { ...syslog, port: Number(e.target.value) } },
                })
              }
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={s.integrations.ocsf ?? false}
              onChange={(e) => setS({ ...s, integrations: { ...s.integrations, ocsf: e.target.checked } })}
            />
            {t('settings.ocsf')}
          </label>
        </div>
      </fieldset>
      {can.admin ? (
        <div className="actions">
          <button type="submit">{t('settings.save')}</button>
          {saved ? (
            <span role="status" className="muted">
              {t('settings.saved')}
            </span>
          ) : null}
        </div>
      ) : null}
      {error ? <ErrorText error={error} /> : null}
    </form>
  );
}

function Tokens() {
  const { t, date } = useI18n();
  const tokens = useLoad(
    async () => (await must(api.GET('/api/v1/tokens'))).tokens as unknown as Token[],
    [],
  );
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('viewer');
  const [created, setCreated] = useState<{ name: string; value: string }>();
  const [error, setError] = useState<Error>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await must(api.POST('/api/v1/tokens/{role}', { params: { path: { role } }, body: { name } }));
      setCreated({ name, value: r.value });
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await must(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }));
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <section aria-labelledby="tokens">
      <h2 id="tokens">{t('settings.tokens')}</h2>
      <Status loaded={tokens} />
      {tokens.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('ep.name')}</th>
              <th scope="col">{t('settings.role')}</th>
              <th scope="col">{t('settings.created')}</th>
              <th scope="col">{t('settings.lastUsed')}</th>
              <th scope="col">{t('alerts.status')}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((tk) => (
              <tr key={tk.id}>
                <td>{tk.name}</td>
                <td>{t(`role.${tk.role as (typeof ROLES)[number]}`)}</td>
                <td>{date(tk.created)}</td>
                <td>{date(tk.lastUsed)}</td>
                <td>
                  {tk.revoked ? (
                    `${t('settings.revoked')} ${date(tk.revoked)}`
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={t('settings.revokeNamed', { name: tk.name })}
                      onClick={() => void revoke(tk.id)}
                    >
                      {t('settings.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="actions" onSubmit={(e) => void create(e)}>
        <label>
          {t('ep.name')}
          <input required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('settings.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('settings.createToken')}</button>
      </form>
      {created ? (
        <div className="notice" role="status">
          <p>{t('settings.tokenOnce', { name: created.name })}</p>
          <code className="secret">{created.value}</code>
        </div>
      ) : null}
      {error ? <ErrorText error={error} /> : null}
    </section>
  );
}
