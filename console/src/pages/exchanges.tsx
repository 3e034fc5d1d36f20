// Retained exchanges as the API serves them (already masked at rest): a compact list, each one opening
// to its full request and response.

import { Pre } from '../components/ui';
import { useI18n } from '../i18n';

export interface RetainedView {
  id: string;
  time: string;
  actor: string;
  host: string;
  method: string;
  path: string;
  status: number;
  hits: string[];
  exchange: unknown;
}

export function ExchangeList({ exchanges }: { exchanges: readonly RetainedView[] }) {
  const { t, date } = useI18n();
  if (exchanges.length === 0) return <p className="muted">{t('ep.noExchanges')}</p>;
  return (
    <ul className="plain exchanges">
      {exchanges.map((x) => {
        const ex = x.exchange as { request?: { path?: string; query?: string }; response?: unknown };
        return (
          <li key={x.id}>
            <details>
              <summary>
                <code>
                  {x.method} {x.host}
                  {ex.request?.path ?? x.path}
                </code>{' '}
                → {x.status || '—'}{' '}
                <span className="muted">
                  {x.actor} · {date(x.time)}
                </span>
                {x.hits.length ? <span className="tag tag-hit">{x.hits.join(', ')}</span> : null}
              </summary>
              <Pre className="json">{JSON.stringify(x.exchange, null, 2)}</Pre>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
