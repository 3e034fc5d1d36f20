// Hunting over the retained (masked) exchanges: a query builder, saved queries, and retro-hunt (run a
// regular-expression signature over the retained window, like the detection catalogue would have).

import { type FormEvent, useState } from 'react';
import { type Answer, api, must, type paths } from '../client';
import { ErrorText, PageTitle } from '../components/ui';
import { useI18n } from '../i18n';
import { ExchangeList, type RetainedView } from './exchanges';
import { SavedQueries } from './hunt-saved';
import { endpointHref } from './inventory';

export type HuntQuery = NonNullable<paths['/api/v1/hunt']['get']['parameters']['query']>;

const FIELDS = ['actor', 'host', 'method', 'endpoint', 'status', 'hit', 'contains'] as const;
const WHERE = ['path', 'query', 'query-name', 'header', 'cookie', 'json-value', 'json-key', 'body'] as const;
type Where = (typeof WHERE)[number];

/** `datetime-local` value (local time) → RFC 3339, or undefined. */
const toIso = (v: string) => (v ? new Date(v).toISOString() : undefined);

export function HuntPage() {
  const { t, num } = useI18n();
  const [form, setForm] = useState<Record<string, string>>({});
  const [result, setResult] = useState<RetainedView[]>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const query = (): HuntQuery => {
    const q: Record<string, string | number> = { limit: 200 };
    for (const f of FIELDS)
      if (form[f]?.trim()) q[f] = f === 'status' ? Number(form[f]) : (form[f] as string).trim();
    const from = toIso(form['from'] ?? '');
    const to = toIso(form['to'] ?? '');
    if (from) q['from'] = from;
    if (to) q['to'] = to;
    return q as HuntQuery;
  };

  const run = async (q: HuntQuery) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await must(api.GET('/api/v1/hunt', { params: { query: q } }));
      setResult(r.exchanges as unknown as RetainedView[]);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(query());
  };

  return (
    <>
      <PageTitle sub={t('hunt.lead')}>{t('nav.hunt')}</PageTitle>
      <div className="split">
        <div>
          <form onSubmit={submit} aria-labelledby="h-query">
            <h2 id="h-query">{t('hunt.query')}</h2>
            <div className="filters">
              {FIELDS.map((f) => (
                <label key={f}>
                  {t(`hunt.${f}`)}
                  <input
                    name={f}
                    type={f === 'status' ? 'number' : 'text'}
                    value={form[f] ?? ''}
                    onChange={(e) => setForm({ ...form, [f]: e.target.value })}
                  />
                </label>
              ))}
              <label>
                {t('hunt.from')}
                <input
                  type="datetime-local"
                  value={form['from'] ?? ''}
                  onChange={(e) => setForm({ ...form, from: e.target.value })}
                />
              </label>
              <label>
                {t('hunt.to')}
                <input
                  type="datetime-local"
                  value={form['to'] ?? ''}
                  onChange={(e) => setForm({ ...form, to: e.target.value })}
                />
              </label>
            </div>
            <button type="submit" disabled={busy}>
              {t('hunt.run')}
            </button>
          </form>
          <SavedQueries current={query} onRun={(q) => void run(q)} />
          <RetroHunt />
        </div>
        <section aria-labelledby="h-results">
          <h2 id="h-results">{t('hunt.results')}</h2>
          {error ? <ErrorText error={error} /> : null}
          {result ? (
            <>
              <p className="muted" aria-live="polite">
                {t('hunt.matches', { n: num(result.length) })}
              </p>
              <ExchangeList exchanges={result} />
            </>
          ) : (
            <p className="muted">{t('hunt.none')}</p>
          )}
        </section>
      </div>
    </>
  );
}

type Retro = Answer<'/api/v1/hunt/retro', 'post'>;

function RetroHunt() {
  const { t, num, date } = useI18n();
  const [pattern, setPattern] = useState('');
  const [where, setWhere] = useState<Where[]>(['query', 'json-value']);
  const [result, setResult] = useState<Retro>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(
        await must(api.POST('/api/v1/hunt/retro', { body: { pattern, flags: 'i', where, limit: 200 } })),
      );
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const matches = (result?.matches ?? []) as Array<{
    exchangeId: string;
    time: string;
    actor: string;
    method: string;
    host: string;
    path: string;
    location: string;
    name?: string;
    detail?: string;
  }>;
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="h-retro">
      <h2 id="h-retro">{t('hunt.retro')}</h2>
      <p className="muted small">{t('hunt.retroLead')}</p>
      <label className="block">
        {t('hunt.pattern')}
        <input
          required
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder="<script[^>]*>"
        />
      </label>
      <fieldset>
        <legend>{t('hunt.where')}</legend>
        {WHERE.map((w) => (
          <label key={w} className="inline">
            <input
              type="checkbox"
              checked={where.includes(w)}
              onChange={(e) => setWhere(e.target.checked ? [...where, w] : where.filter((x) => x !== w))}
            />
            {w}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy || where.length === 0}>
        {t('hunt.runRetro')}
      </button>
      {error ? <ErrorText error={error} /> : null}
      {result ? (
        <>
          <p aria-live="polite">
            {t('hunt.retroResult', { scanned: num(result.scanned), n: num(matches.length) })}
            {result.truncated ? ` ${t('hunt.truncated')}` : ''}
          </p>
          <ul className="plain">
            {matches.map((m) => (
              <li key={m.exchangeId}>
                <a href={endpointHref(m)}>
                  {m.method} {m.host}
                  {m.path}
                </a>{' '}
                <span className="muted">
                  {m.actor} · {date(m.time)} · {m.location}
                  {m.name ? ` ${m.name}` : ''}
                </span>
                {m.detail ? <div className="small">{m.detail}</div> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </form>
  );
}
