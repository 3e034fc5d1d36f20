// Respond to an alert from its page: block or throttle its actor for a while (a decision the proxy and
// middleware enforce), or turn the alert into a narrow virtual patch.

import { type FormEvent, useState } from 'react';
import { api, must } from '../client';
import { ErrorText } from '../components/ui';
import { useI18n } from '../i18n';
import type { Alert } from '../model';

const TTLS = [
  [15 * 60, 'respond.ttl15m'],
  [60 * 60, 'respond.ttl1h'],
  [24 * 60 * 60, 'respond.ttl1d'],
] as const;

export function Respond({ alert }: { alert: Alert }) {
  const { t } = useI18n();
  const [action, setAction] = useState<'block' | 'throttle'>('block');
  const [ttl, setTtl] = useState<number>(TTLS[1][0]);
  const [rate, setRate] = useState('1');
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await what());
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const decide = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await must(
        api.POST('/api/v1/decisions', {
          body: {
            actor: alert.actor,
            action,
            ttlSeconds: ttl,
            reason: `${alert.type} (${alert.id})`,
            ...(action === 'throttle' ? { ratePerSecond: Number(rate) } : {}),
          },
        }),
      );
      return t(action === 'block' ? 'respond.blocked' : 'respond.throttled', { actor: alert.actor });
    });
  };

  return (
    <fieldset>
      <legend>{t('respond.title')}</legend>
      <form className="actions" onSubmit={decide}>
        <label>
          {t('respond.action')}
          <select
            value={action}
            onChange={(e) => setAction(e.target.value === 'throttle' ? 'throttle' : 'block')}
          >
            <option value="block">{t('respond.block')}</option>
            <option value="throttle">{t('respond.throttle')}</option>
          </select>
        </label>
        <label>
          {t('respond.for')}
          <select value={ttl} onChange={(e) => setTtl(Number(e.target.value))}>
            {TTLS.map(([s, label]) => (
              <option key={s} value={s}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
        {action === 'throttle' ? (
          <label>
            {t('respond.rate')}
            <input
              type="number"
              min={0.1}
              step={0.1}
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          </label>
        ) : null}
        <button type="submit" className="danger" disabled={busy}>
          {t(action === 'block' ? 'respond.blockActor' : 'respond.throttleActor')}
        </button>
      </form>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const r = await must(api.POST('/api/v1/patches', { body: { from: 'alert', id: alert.id } }));
              return t('respond.patched', { description: r.patch.description });
            })
          }
        >
          {t('respond.patch')}
        </button>
      </div>
      {done ? <p role="status">{done}</p> : null}
      {error ? <ErrorText error={error} /> : null}
    </fieldset>
  );
}
