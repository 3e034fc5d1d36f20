// Saved hunting queries (GET/POST/DELETE /api/v1/hunt/saved): keep a query under a name, run it again.

import { type FormEvent, useState } from 'react';
import { api, must } from '../client';
import { ErrorText, Status, useLoad } from '../components/ui';
import { useI18n } from '../i18n';
import type { HuntQuery } from './hunt';

export function SavedQueries({ current, onRun }: { current(): HuntQuery; onRun(q: HuntQuery): void }) {
  const { t, date } = useI18n();
  const saved = useLoad(async () => (await must(api.GET('/api/v1/hunt/saved'))).queries, []);
  const [name, setName] = useState('');
  const [error, setError] = useState<Error>();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const { limit: _limit, ...query } = current();
      await must(api.POST('/api/v1/hunt/saved', { body: { name: name.trim(), query } }));
      setName('');
      saved.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const remove = async (id: string) => {
    setError(undefined);
    try {
      await must(api.DELETE('/api/v1/hunt/saved/{id}', { params: { path: { id } } }));
      saved.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <section aria-labelledby="h-saved">
      <h2 id="h-saved">{t('hunt.saved')}</h2>
      <Status loaded={saved} />
      {saved.data && saved.data.length === 0 ? <p className="muted">{t('hunt.noSaved')}</p> : null}
      <ul className="plain">
        {(saved.data ?? []).map((q) => (
          <li key={q.id}>
            <button
              type="button"
              className="link"
              aria-label={t('hunt.runSaved', { name: q.name })}
              onClick={() => onRun({ ...(q.query as HuntQuery), limit: 200 })}
            >
              {q.name}
            </button>{' '}
            <span className="muted small">
              {q.owner} · {date(q.created)}
            </span>{' '}
            <button
              type="button"
              className="secondary"
              aria-label={t('hunt.deleteSaved', { name: q.name })}
              onClick={() => void remove(q.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="actions" onSubmit={(e) => void save(e)}>
        <label>
          {t('hunt.saveAs')}
          <input required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="secondary">
          {t('hunt.save')}
        </button>
      </form>
      {error ? <ErrorText error={error} /> : null}
    </section>
  );
}
