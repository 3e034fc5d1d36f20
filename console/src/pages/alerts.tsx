// Alerts and incidents: the list (live: new alerts arrive over server-sent events), and for one alert
// its explanation, the exact exchanges that prove it, the actor's timeline, the workflow (acknowledge,
// resolve, reopen, assign, comment) and the response (block or throttle the actor, virtual patch).

import { useCallback, useMemo, useState } from 'react';
import { alertTitle } from '../../../src/detect/alert-titles.js';
import { api, must } from '../client';
import { ErrorText, PageTitle, Severity, Status, useInteractive, useLoad } from '../components/ui';
import { useEvents } from '../events';
import { useI18n } from '../i18n';
import type { Alert, Incident } from '../model';
import { href } from '../router';
import { useSession } from '../session';
import { ExchangeList, type RetainedView } from './exchanges';
import { endpointHref } from './inventory';
import { Respond } from './respond';

interface Workflow {
  status: 'open' | 'acknowledged' | 'resolved';
  assignee?: string;
  comments: Array<{ who: string; at: string; text: string }>;
}
type AlertRow = Alert & Workflow;
type IncidentRow = Incident & Workflow;

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const PAGE = 1000;

export function AlertsPage({ params }: { params: URLSearchParams }) {
  const { t, num, date, lang } = useI18n();
  const selected = params.get('id') ?? '';
  const [status, setStatus] = useState(params.get('status') ?? 'open');
  const [severity, setSeverity] = useState('');
  const actor = params.get('actor') ?? '';
  // Newest first, PAGE at a time; "older alerts" loads one more page.
  const [pages, setPages] = useState(1);
  const list = useLoad(async () => {
    const alerts: AlertRow[] = [];
    let more = false;
    for (let p = 0; p < pages; p++) {
      const a = await must(
        api.GET('/api/v1/alerts', { params: { query: { limit: PAGE, offset: p * PAGE, lang } } }),
      );
      alerts.push(...(a.alerts as unknown as AlertRow[]));
      more = a.alerts.length === PAGE;
      if (!more) break;
    }
    const i = await must(api.GET('/api/v1/incidents', { params: { query: { lang } } }));
    return { alerts, more, incidents: i.incidents as unknown as IncidentRow[] };
  }, [pages, lang]);
  // One actor's alerts (`#/alerts?actor=…`, from an incident or a link): the list shows only them, and an
  // alert linked from elsewhere is found there however old it is.
  const byActor = useLoad(async () => {
    if (!actor) return [];
    const a = await must(api.GET('/api/v1/alerts', { params: { query: { actor, limit: PAGE, lang } } }));
    return a.alerts as unknown as AlertRow[];
  }, [actor, lang]);
  useEvents(
    useCallback(
      (kind) => {
        if (kind !== 'alert' && kind !== 'incident') return;
        list.reload();
        byActor.reload();
      },
      [list.reload, byActor.reload],
    ),
  );
  const inList = list.data?.alerts.find((a) => a.id === selected);
  const alert = inList ?? byActor.data?.find((a) => a.id === selected);
  const shown = useMemo(
    () =>
      (actor ? (byActor.data ?? []) : [...(list.data?.alerts ?? []), ...(alert && !inList ? [alert] : [])])
        .filter(
          (a) =>
            (!status || a.status === status || a.id === selected) && (!severity || a.severity === severity),
        )
        .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen)),
    [actor, byActor.data, list.data, alert, inList, status, severity, selected],
  );
  useInteractive('alerts', list.data !== undefined);

  return (
    <>
      <PageTitle sub={list.data ? t('alerts.count', { n: num(shown.length) }) : undefined}>
        {t('nav.alerts')}
      </PageTitle>
      <Status loaded={list} />
      <div className="split">
        <section aria-labelledby="a-list">
          {actor ? (
            <p>
              <span id="a-list">{t('alerts.ofActor', { actor })}</span> ·{' '}
              <a href={href('alerts')}>{t('alerts.all')}</a>
            </p>
          ) : (
            <h2 id="a-list" className="sr-only">
              {t('alerts.list')}
            </h2>
          )}
          <form className="filters" aria-label={t('alerts.filters')} onSubmit={(e) => e.preventDefault()}>
            <label>
              {t('alerts.status')}
              <select value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">{t('common.all')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('findings.severity')}
              <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
                <option value="">{t('common.all')}</option>
                {(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </form>
          <ul className="plain list-select">
            {shown.slice(0, 300).map((a) => (
              <li key={a.id} aria-current={a.id === selected ? 'true' : undefined}>
                <a href={href('alerts', { id: a.id, ...(actor ? { actor } : {}) })}>
                  <Severity value={a.severity} /> {alertTitle(a.type, lang)}
                </a>
                <div className="small muted">
                  {a.actor} · {a.method ?? ''} {a.path ?? a.host ?? ''} · {date(a.lastSeen)} ·{' '}
                  {t(`status.${a.status}`)}
                </div>
              </li>
            ))}
          </ul>
          {shown.length > 300 ? (
            <p className="muted small">{t('alerts.first300', { n: num(shown.length) })}</p>
          ) : null}
          {list.data?.more ? (
            <button type="button" className="secondary" onClick={() => setPages((n) => n + 1)}>
              {t('alerts.older')}
            </button>
          ) : null}
          {list.data && list.data.incidents.length > 0 ? (
            <>
              <h2>{t('alerts.incidents')}</h2>
              <ul className="plain">
                {list.data.incidents.map((i) => (
                  <li key={i.id}>
                    <Severity value={i.severity} />{' '}
                    <a href={href('alerts', { actor: i.actor })}>{i.summary}</a>
                    <div className="small muted">
                      {date(i.firstSeen)} – {date(i.lastSeen)} · {t(`status.${i.status}`)}
                    </div>
                    <IncidentActions incident={i} onChanged={list.reload} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section aria-labelledby="a-detail">
          {alert ? (
            <AlertDetail
              key={alert.id}
              alert={alert}
              all={byActor.data?.length ? byActor.data : (list.data?.alerts ?? [])}
              onChanged={() => {
                list.reload();
                byActor.reload();
              }}
            />
          ) : (
            <p id="a-detail" className="muted">
              {t('alerts.pick')}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

function AlertDetail({ alert, all, onChanged }: { alert: AlertRow; all: AlertRow[]; onChanged(): void }) {
  const { t, num, date, lang } = useI18n();
  const { can } = useSession();
  const evidence = useLoad(async () => {
    if (!can.act) return undefined;
    const r = await must(
      api.GET('/api/v1/hunt', { params: { query: { actor: alert.actor, hit: alert.type, limit: 100 } } }),
    );
    const ids = new Set(alert.evidenceRefs.map((e) => e.exchangeId).filter(Boolean));
    const rows = r.exchanges as unknown as RetainedView[];
    return rows.filter((x) => ids.size === 0 || ids.has(x.id) || x.hits.includes(alert.type));
  }, [alert.id]);
  const timeline = all
    .filter((a) => a.actor === alert.actor)
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));

  return (
    <>
      <h2 id="a-detail">
        <Severity value={alert.severity} /> {alertTitle(alert.type, lang)}
      </h2>
      <dl className="facts">
        <div>
          <dt>{t('alerts.status')}</dt>
          <dd>{t(`status.${alert.status}`)}</dd>
        </div>
        <div>
          <dt>{t('alerts.actor')}</dt>
          <dd>
            <code>{alert.actor}</code>
          </dd>
        </div>
        <div>
          <dt>{t('alerts.endpoint')}</dt>
          <dd>
            {alert.host && alert.method && alert.path ? (
              <a href={endpointHref({ host: alert.host, method: alert.method, path: alert.path })}>
                {alert.method} {alert.path}
              </a>
            ) : (
              (alert.host ?? '—')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('alerts.countLabel')}</dt>
          <dd>{num(alert.count)}</dd>
        </div>
        <div>
          <dt>{t('ep.firstSeen')}</dt>
          <dd>{date(alert.firstSeen)}</dd>
        </div>
        <div>
          <dt>{t('inv.lastSeen')}</dt>
          <dd>{date(alert.lastSeen)}</dd>
        </div>
        <div>
          <dt>{t('alerts.assignee')}</dt>
          <dd>{alert.assignee ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('alerts.type')}</dt>
          <dd>
            <code>{alert.type}</code>
          </dd>
        </div>
        <div>
          <dt>OWASP</dt>
          <dd>{alert.owasp ?? '—'}</dd>
        </div>
      </dl>
      <h3>{t('alerts.explanation')}</h3>
      <p className="explanation">{alert.explanation}</p>

      {can.act ? <Workflow kind="alert" item={alert} onChanged={onChanged} /> : null}
      {can.act ? <Respond alert={alert} /> : null}

      <h3>{t('alerts.evidence', { n: num(alert.evidenceRefs.length) })}</h3>
      {can.act ? (
        <>
          <Status loaded={evidence} />
          {evidence.data ? <ExchangeList exchanges={evidence.data} /> : null}
        </>
      ) : (
        <p className="muted">{t('alerts.evidenceRefs', { refs: alert.evidence.join(', ') })}</p>
      )}

      <h3>{t('alerts.timeline', { actor: alert.actor })}</h3>
      <ol className="plain">
        {timeline.map((a) => (
          <li key={a.id}>
            <span className="muted">{date(a.firstSeen)}</span> <Severity value={a.severity} />{' '}
            {a.id === alert.id ? (
              <strong>{alertTitle(a.type, lang)}</strong>
            ) : (
              <a href={href('alerts', { id: a.id, actor: a.actor })}>{alertTitle(a.type, lang)}</a>
            )}{' '}
            <span className="muted">
              {a.method ?? ''} {a.path ?? ''} ×{num(a.count)}
            </span>
          </li>
        ))}
      </ol>

      {alert.comments.length > 0 ? (
        <>
          <h3>{t('alerts.comments')}</h3>
          <ul className="plain">
            {alert.comments.map((c) => (
              <li key={`${c.at} ${c.who}`}>
                <strong>{c.who}</strong> <span className="muted">{date(c.at)}</span>
                <p>{c.text}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

type Action = 'acknowledge' | 'resolve' | 'reopen' | 'assign' | 'comment';

function useWorkflow(kind: 'alert' | 'incident', id: string, onChanged: () => void) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const run = async (action: Action, extra: { assignee?: string; text?: string } = {}) => {
    setBusy(true);
    setError(undefined);
    try {
      const path = kind === 'alert' ? '/api/v1/alerts/{id}/actions' : '/api/v1/incidents/{id}/actions';
      await must(api.POST(path, { params: { path: { id } }, body: { action, ...extra } }));
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}

function Workflow({ kind, item, onChanged }: { kind: 'alert'; item: AlertRow; onChanged(): void }) {
  const { t } = useI18n();
  const { run, error, busy } = useWorkflow(kind, item.id, onChanged);
  const [assignee, setAssignee] = useState(item.assignee ?? '');
  const [text, setText] = useState('');
  return (
    <fieldset>
      <legend>{t('alerts.workflow')}</legend>
      <div className="actions">
        {item.status !== 'acknowledged' && item.status !== 'resolved' ? (
          <button type="button" disabled={busy} onClick={() => void run('acknowledge')}>
            {t('alerts.acknowledge')}
          </button>
        ) : null}
        {item.status !== 'resolved' ? (
          <button type="button" disabled={busy} onClick={() => void run('resolve')}>
            {t('alerts.resolve')}
          </button>
        ) : (
          <button type="button" className="secondary" disabled={busy} onClick={() => void run('reopen')}>
            {t('alerts.reopen')}
          </button>
        )}
      </div>
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (assignee.trim()) void run('assign', { assignee: assignee.trim() });
        }}
      >
        <label>
          {t('alerts.assignee')}
          <input value={assignee} onChange={(e) => setAssignee(e.target.value)} maxLength={128} />
        </label>
        <button type="submit" className="secondary" disabled={busy}>
          {t('alerts.assign')}
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) void run('comment', { text: text.trim() }).then(() => setText(''));
        }}
      >
        <label className="block">
          {t('alerts.comment')}
          <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
        </label>
        <button type="submit" className="secondary" disabled={busy}>
          {t('alerts.addComment')}
        </button>
      </form>
      {error ? <ErrorText error={error} /> : null}
    </fieldset>
  );
}

function IncidentActions({ incident, onChanged }: { incident: IncidentRow; onChanged(): void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { run, error, busy } = useWorkflow('incident', incident.id, onChanged);
  if (!can.act) return null;
  return (
    <div className="actions">
      {incident.status === 'open' ? (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={t('alerts.incidentAction', { action: t('alerts.acknowledge'), what: incident.summary })}
          onClick={() => void run('acknowledge')}
        >
          {t('alerts.acknowledge')}
        </button>
      ) : null}
      {incident.status !== 'resolved' ? (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={t('alerts.incidentAction', { action: t('alerts.resolve'), what: incident.summary })}
          onClick={() => void run('resolve')}
        >
          {t('alerts.resolve')}
        </button>
      ) : (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={t('alerts.incidentAction', { action: t('alerts.reopen'), what: incident.summary })}
          onClick={() => void run('reopen')}
        >
          {t('alerts.reopen')}
        </button>
      )}
      {error ? <ErrorText error={error} /> : null}
    </div>
  );
}
