// Respond to an alert from its page: block or throttle its actor for a while (a decision the proxy and
// middleware enforce), or turn the alert into a narrow virtual patch; see what is in force for this
// actor and alert, and lift or revoke it.

import { type FormEvent, useState } from 'react';
import { api, must } from '../client';
import { ErrorText, useLoad } from '../components/ui';
import { useI18n } from '../i18n';
import type { Alert } from '../model';

const TTLS = [
  [15 * 60, 'respond.ttl15m'],
  [60 * 60, 'respond.ttl1h'],
  [24 * 60 * 60, 'respond.ttl1d'],
] as const;

export function Respond({ alert }: { alert: Alert }) {
  const { t, date } = useI18n();
  const inForce = useLoad(async () => {
    const [d, p] = await Promise.all([must(api.GET('/api/v1/decisions')), must(api.GET('/api/v1/patches'))]);
    return {
      decisions: d.decisions.filter((x) => x.actor === alert.actor),
      patches: p.patches.filter((x) => x.source.kind === 'alert' && x.source.id === alert.id && !x.revoked),
    };
  }, [alert.actor, alert.id]);
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
      inForce.reload();
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
      {inForce.data && (inForce.data.decisions.length > 0 || inForce.data.patches.length > 0) ? (
        <>
          <h4>{t('respond.inForce')}</h4>
          <ul className="plain">
            {inForce.data.decisions.map((d) => (
              <li key={d.id}>
                {t(d.action === 'block' ? 'respond.blockUntil' : 'respond.throttleUntil', {
                  until: date(d.until),
                })}{' '}
                <span className="muted small">{d.createdBy}</span>{' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() =>
                    void run(async () => {
                      await must(api.DELETE('/api/v1/decisions/{id}', { params: { path: { id: d.id } } }));
                      return t('respond.lifted', { actor: d.actor });
                    })
                  }
                >
                  {t('respond.lift')}
                </button>
              </li>
            ))}
            {inForce.data.patches.map((p) => (
              <li key={p.id}>
                {t('respond.patchLine', { description: p.description })}
                {p.expires ? ` (${t('respond.until', { until: date(p.expires) })})` : ''}{' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() =>
                    void run(async () => {
                      await must(api.DELETE('/api/v1/patches/{id}', { params: { path: { id: p.id } } }));
                      return t('respond.revoked');
                    })
                  }
                >
                  {t('settings.revoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      {error ? <ErrorText error={error} /> : null}
    </fieldset>
  );
}
