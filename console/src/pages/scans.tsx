// Scans: start an active scan of a target the admin allowed, watch it progress live (server-sent
// `scan` events), cancel it, and read its confirmed findings with the curl command that reproduces each.

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Answer, api, must } from '../client';
import { ErrorText, PageTitle, Status, useLoad } from '../components/ui';
import { useEvents } from '../events';
import { type Key, type T, useI18n } from '../i18n';
import type { Finding } from '../model';
import { href } from '../router';
import { useSession } from '../session';
import { FindingList } from './endpoint';

type Scan = Answer<'/api/v1/scans/{id}', 'get'>['scan'];

const FINISHED = new Set(['done', 'failed', 'cancelled']);

export function ScansPage({ params }: { params: URLSearchParams }) {
  const { t, num, date } = useI18n();
  const { can } = useSession();
  const selected = params.get('id') ?? '';
  const list = useLoad(
    async () => (await must(api.GET('/api/v1/scans', { params: { query: { limit: 100 } } }))).scans,
    [],
  );
  const [live, setLive] = useState<Record<string, Scan>>({});
  useEvents(
    useCallback((kind, data) => {
      if (kind !== 'scan') return;
      const s = data as Scan;
      if (s && typeof s.id === 'string') setLive((m) => ({ ...m, [s.id]: s }));
    }, []),
  );
  const scans = (list.data ?? []).map((s) => live[s.id] ?? s);
  for (const s of Object.values(live)) if (!scans.some((x) => x.id === s.id)) scans.unshift(s);
  const scan = scans.find((s) => s.id === selected);

  return (
    <>
      <PageTitle sub={t('scans.lead')}>{t('nav.scans')}</PageTitle>
      <div className="split">
        <div>
          {can.act ? <StartScan onStarted={(s) => setLive((m) => ({ ...m, [s.id]: s }))} /> : null}
          <h2>{t('scans.history')}</h2>
          <Status loaded={list} />
          <ul className="plain list-select">
            {scans.map((s) => (
              <li key={s.id} aria-current={s.id === selected ? 'true' : undefined}>
                <a href={href('scans', { id: s.id })}>{s.target}</a>
                <div className="small muted">
                  {t(`scan.${s.status}`)} · {date(s.started)} ·{' '}
                  {t('scans.findingsN', { n: num(s.progress.findings) })}
                </div>
              </li>
            ))}
            {list.data && scans.length === 0 ? <li className="muted">{t('scans.none')}</li> : null}
          </ul>
        </div>
        <section aria-labelledby="s-detail">
          {scan ? (
            <ScanDetail key={scan.id} scan={scan} onUpdate={(s) => setLive((m) => ({ ...m, [s.id]: s }))} />
          ) : (
            <p id="s-detail" className="muted">
              {t('scans.pick')}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

function StartScan({ onStarted }: { onStarted(s: Scan): void }) {
  const { t } = useI18n();
  const [target, setTarget] = useState('');
  const [source, setSource] = useState<'inventory' | 'spec'>('spec');
  const [spec, setSpec] = useState('');
  const [identity, setIdentity] = useState({ name: '', header: 'Authorization', value: '' });
  const [destructive, setDestructive] = useState(false);
  const [maxRequests, setMaxRequests] = useState('2000');
  const [only, setOnly] = useState('');
  const allowed = useLoad(async () => (await must(api.GET('/api/v1/settings'))).scanTargets, []);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { scan } = await must(
        api.POST('/api/v1/scans', {
          body: {
            target: target.trim(),
            ...(source === 'spec' ? { spec } : { useInventory: true }),
            ...(identity.name && identity.value
              ? { identities: [{ name: identity.name, header: identity.header, value: identity.value }] }
              : {}),
            destructive,
            ...(only.trim() ? { only: only.split(/[\s,]+/).filter(Boolean) } : {}),
            ...(maxRequests ? { maxRequests: Number(maxRequests) } : {}),
          },
        }),
      );
      onStarted(scan);
      location.hash = href('scans', { id: scan.id });
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="s-start">
      <h2 id="s-start">{t('scans.start')}</h2>
      <label className="block">
        {t('scans.target')}
        <input
          name="target"
          type="url"
          required
          placeholder="https://api.example.com"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          list="scan-targets"
        />
        <datalist id="scan-targets">
          {(allowed.data ?? []).map((origin) => (
            <option key={origin} value={origin} />
          ))}
        </datalist>
      </label>
      <p className="muted small">{t('scans.targetHelp')}</p>
      <fieldset>
        <legend>{t('scans.describe')}</legend>
        <label className="inline">
          <input type="radio" name="source" checked={source === 'spec'} onChange={() => setSource('spec')} />
          {t('scans.fromSpec')}
        </label>
        <label className="inline">
          <input
            type="radio"
            name="source"
            checked={source === 'inventory'}
            onChange={() => setSource('inventory')}
          />
          {t('scans.fromInventory')}
        </label>
        {source === 'spec' ? (
          <>
            <label className="block">
              {t('scans.specFile')}
              <input
                type="file"
                accept=".json,.yaml,.yml"
                onChange={(e) => void e.target.files?.[0]?.text().then(setSpec)}
              />
            </label>
            <label className="block">
              {t('scans.specText')}
              <textarea
                name="spec"
                rows={4}
                value={spec}
                onChange={(e) => setSpec(e.target.value)}
                required
              />
            </label>
          </>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>{t('scans.identity')}</legend>
        <div className="filters">
          <label>
            {t('scans.idName')}
            <input
              value={identity.name}
              onChange={(e) => setIdentity({ ...identity, name: e.target.value })}
            />
          </label>
          <label>
            {t('scans.idHeader')}
            <input
              value={identity.header}
              onChange={(e) => setIdentity({ ...identity, header: e.target.value })}
            />
          </label>
          <label>
            {t('scans.idValue')}
            <input
              type="password"
              autoComplete="off"
              value={identity.value}
              onChange={(e) => setIdentity({ ...identity, value: e.target.value })}
            />
          </label>
        </div>
      </fieldset>
      <label className="block">
        {t('scans.only')}
        <input
          name="only"
          value={only}
          onChange={(e) => setOnly(e.target.value)}
          placeholder="API1, MAM-SCAN-API8-001"
        />
      </label>
      <div className="filters">
        <label>
          {t('scans.maxRequests')}
          <input type="number" min={1} value={maxRequests} onChange={(e) => setMaxRequests(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={destructive} onChange={(e) => setDestructive(e.target.checked)} />
          {t('scans.destructive')}
        </label>
      </div>
      <button type="submit" disabled={busy}>
        {t('scans.startButton')}
      </button>
      {error ? <ErrorText error={error} /> : null}
    </form>
  );
}

/** The runner's phase (`learn`, `test <id>`, `done` …; src/scan/runner.ts, src/server/scans.ts) in words. */
function phaseText(phase: string, t: T): string {
  const test = /^test (\S+)$/.exec(phase);
  if (test) return t('scans.phaseTest', { id: test[1]! });
  const key = PHASES[phase];
  return key ? t(key) : phase || '—';
}

const PHASES: Record<string, Key> = {
  queued: 'scans.phaseQueued',
  starting: 'scans.phaseStarting',
  learn: 'scans.phaseLearn',
  done: 'scans.phaseDone',
  cancelled: 'scans.phaseCancelled',
};

function ScanDetail({ scan, onUpdate }: { scan: Scan; onUpdate(s: Scan): void }) {
  const { t, num, date, pct, lang } = useI18n();
  const { can } = useSession();
  const done = FINISHED.has(scan.status);
  const findings = useLoad(
    async () =>
      (
        await must(
          api.GET('/api/v1/scans/{id}/findings', { params: { path: { id: scan.id }, query: { lang } } }),
        )
      ).findings as unknown as Finding[],
    [scan.id, done, scan.progress.findings, lang],
  );
  // Events carry progress; a slow poll covers a dropped event stream.
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => {
      void api.GET('/api/v1/scans/{id}', { params: { path: { id: scan.id } } }).then(({ data }) => {
        if (data) onUpdate(data.scan);
      });
    }, 3000);
    return () => clearInterval(timer);
  }, [done, scan.id, onUpdate]);
  const [error, setError] = useState<Error>();
  const p = scan.progress;
  const share = p.testsTotal > 0 ? p.testsRun / p.testsTotal : 0;
  return (
    <>
      <h2 id="s-detail">{scan.target}</h2>
      <dl className="facts">
        <div>
          <dt>{t('scans.status')}</dt>
          <dd className="scan-status">{t(`scan.${scan.status}`)}</dd>
        </div>
        <div>
          <dt>{t('scans.phase')}</dt>
          <dd>{phaseText(p.phase, t)}</dd>
        </div>
        <div>
          <dt>{t('scans.tests')}</dt>
          <dd>
            {num(p.testsRun)} / {num(p.testsTotal)}
          </dd>
        </div>
        <div>
          <dt>{t('scans.sent')}</dt>
          <dd>{num(p.sent)}</dd>
        </div>
        <div>
          <dt>{t('scans.findingsLabel')}</dt>
          <dd>{num(p.findings)}</dd>
        </div>
        <div>
          <dt>{t('scans.started')}</dt>
          <dd>{date(scan.started)}</dd>
        </div>
        <div>
          <dt>{t('scans.finished')}</dt>
          <dd>{date(scan.finished)}</dd>
        </div>
      </dl>
      <label className="block">
        {t('scans.progress', { pct: pct(done && scan.status === 'done' ? 1 : share) })}
        <progress className="progress" max={1} value={done && scan.status === 'done' ? 1 : share} />
      </label>
      {scan.error ? <p className="error">{scan.error}</p> : null}
      {!done && can.act ? (
        <button
          type="button"
          className="danger"
          onClick={() =>
            void must(api.POST('/api/v1/scans/{id}/cancel', { params: { path: { id: scan.id } } })).then(
              (r) => onUpdate(r.scan),
              (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))),
            )
          }
        >
          {t('scans.cancel')}
        </button>
      ) : null}
      {error ? <ErrorText error={error} /> : null}
      <h3>{t('scans.findings')}</h3>
      <p className="muted small">{t('scans.reproduce')}</p>
      <Status loaded={findings} />
      {findings.data ? <FindingList findings={findings.data} /> : null}
    </>
  );
}
