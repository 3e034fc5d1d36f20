// One endpoint: parameters, auth schemes, sensitive fields with masked samples, lifecycle tags with the
// evidence behind each, findings, alerts and the most recent (masked) exchanges.

import { alertTitle } from '../../../src/detect/alert-titles.js';
import { api, must } from '../client';
import { PageTitle, Pre, Severity, Status, TagList, useInteractive, useLoad } from '../components/ui';
import { useI18n } from '../i18n';
import type { Alert, Endpoint, Finding } from '../model';
import { href } from '../router';
import { ExchangeList, type RetainedView } from './exchanges';

export function EndpointPage({ params }: { params: URLSearchParams }) {
  const { t, num, date, pct, lang } = useI18n();
  const host = params.get('host') ?? '';
  const method = params.get('method') ?? '';
  const path = params.get('path') ?? '';
  const loaded = useLoad(async () => {
    const [detail, alerts] = await Promise.all([
      must(
        api.GET('/api/v1/inventory/endpoint', { params: { query: { host, method, endpoint: path, lang } } }),
      ),
      must(
        api.GET('/api/v1/alerts', { params: { query: { host, method, endpoint: path, limit: 1000, lang } } }),
      ),
    ]);
    return {
      endpoint: detail.endpoint as unknown as Endpoint,
      findings: detail.findings as unknown as Finding[],
      exchanges: detail.exchanges as unknown as RetainedView[],
      alerts: alerts.alerts as unknown as Alert[],
    };
  }, [host, method, path, lang]);
  const d = loaded.data;
  useInteractive('endpoint', d !== undefined);
  return (
    <>
      <p className="crumbs">
        <a href={href('inventory')}>{t('nav.inventory')}</a> › {host}
      </p>
      <PageTitle>
        <span className="method">{method}</span> {path}
      </PageTitle>
      <Status loaded={loaded} />
      {d ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('inv.risk')}</dt>
              <dd>{num(d.endpoint.risk)}</dd>
            </div>
            <div>
              <dt>{t('inv.calls')}</dt>
              <dd>{num(d.endpoint.calls)}</dd>
            </div>
            <div>
              <dt>{t('ep.clients')}</dt>
              <dd>{num(d.endpoint.clients)}</dd>
            </div>
            <div>
              <dt>{t('ep.errorRate')}</dt>
              <dd>{pct(d.endpoint.errorRate)}</dd>
            </div>
            <div>
              <dt>{t('ep.latency')}</dt>
              <dd>
                {d.endpoint.latency
                  ? `${num(d.endpoint.latency.p50)} / ${num(d.endpoint.latency.p95)} ms`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>{t('ep.firstSeen')}</dt>
              <dd>{date(d.endpoint.firstSeen)}</dd>
            </div>
            <div>
              <dt>{t('inv.lastSeen')}</dt>
              <dd>{date(d.endpoint.lastSeen)}</dd>
            </div>
            <div>
              <dt>{t('ep.spec')}</dt>
              <dd>
                {d.endpoint.spec
                  ? `${d.endpoint.spec.title ?? d.endpoint.spec.file}${d.endpoint.spec.version ? ` ${d.endpoint.spec.version}` : ''} ${d.endpoint.spec.path}${d.endpoint.spec.deprecated ? ` (${t('ep.deprecated')})` : ''}`
                  : t('ep.noSpec')}
              </dd>
            </div>
          </dl>

          <section aria-labelledby="ep-tags">
            <h2 id="ep-tags">{t('ep.lifecycle')}</h2>
            {d.endpoint.tags.length === 0 ? (
              <p className="muted">{t('ep.noTags')}</p>
            ) : (
              <ul className="cards">
                {d.endpoint.tags.map((tag) => (
                  <li key={tag.tag} className="card">
                    <TagList tags={[tag.tag]} /> {tag.reason}
                    <div className="small muted">
                      {tag.spec
                        ? `${t('ep.spec')}: ${tag.spec.file}${tag.spec.version ? ` ${tag.spec.version}` : ''}. `
                        : ''}
                      {tag.replacedBy ? `${t('ep.replacedBy')}: ${tag.replacedBy}. ` : ''}
                      {tag.firstSeen ? `${t('ep.firstSeen')}: ${date(tag.firstSeen)}. ` : ''}
                      {tag.lastSeen ? `${t('inv.lastSeen')}: ${date(tag.lastSeen)}. ` : ''}
                      {tag.sample ? `${t('ep.sample')}: ${tag.sample.file ?? ''}#${tag.sample.index}` : ''}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="ep-sensitive">
            <h2 id="ep-sensitive">{t('ep.sensitive')}</h2>
            {d.endpoint.sensitive.length === 0 ? (
              <p className="muted">{t('ep.noSensitive')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('ep.type')}</th>
                    <th scope="col">{t('ep.direction')}</th>
                    <th scope="col">{t('ep.field')}</th>
                    <th scope="col" className="end">
                      {t('ep.count')}
                    </th>
                    <th scope="col">{t('ep.samples')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.endpoint.sensitive.map((s) => (
                    <tr key={`${s.type} ${s.direction} ${s.field}`}>
                      <td>{s.type}</td>
                      <td>{t(s.direction === 'request' ? 'ep.request' : 'ep.response')}</td>
                      <td>
                        <code>{s.field}</code>
                      </td>
                      <td className="end">{num(s.count)}</td>
                      <td>
                        <code>{s.samples.join('  ')}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <div className="two">
            <section aria-labelledby="ep-params">
              <h2 id="ep-params">{t('ep.params')}</h2>
              {d.endpoint.params.length === 0 ? (
                <p className="muted">—</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('ep.name')}</th>
                      <th scope="col">{t('ep.in')}</th>
                      <th scope="col">{t('ep.types')}</th>
                      <th scope="col" className="end">
                        {t('ep.count')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.endpoint.params.map((p) => (
                      <tr key={`${p.location} ${p.name}`}>
                        <td>
                          <code>{p.name}</code>
                        </td>
                        <td>{p.location}</td>
                        <td>{[...p.types, ...p.formats].join(', ')}</td>
                        <td className="end">{num(p.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="ep-auth">
              <h2 id="ep-auth">{t('ep.auth')}</h2>
              {d.endpoint.auth.length === 0 ? (
                <p className="muted">{t('inv.noAuth')}</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('ep.type')}</th>
                      <th scope="col">{t('ep.in')}</th>
                      <th scope="col" className="end">
                        {t('ep.count')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.endpoint.auth.map((a) => (
                      <tr key={`${a.type} ${a.in ?? ''} ${a.name ?? ''}`}>
                        <td>
                          {a.type}
                          {a.alg ? ` (${a.alg})` : ''}
                        </td>
                        <td>{[a.in, a.name].filter(Boolean).join(' ') || '—'}</td>
                        <td className="end">{num(a.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>

          <section aria-labelledby="ep-findings">
            <h2 id="ep-findings">{t('nav.findings')}</h2>
            <FindingList findings={d.findings} />
          </section>

          <section aria-labelledby="ep-alerts">
            <h2 id="ep-alerts">{t('nav.alerts')}</h2>
            {d.alerts.length === 0 ? (
              <p className="muted">{t('ep.noAlerts')}</p>
            ) : (
              <ul className="plain">
                {d.alerts.map((a) => (
                  <li key={a.id}>
                    <Severity value={a.severity} />{' '}
                    <a href={href('alerts', { id: a.id, actor: a.actor })}>{alertTitle(a.type, lang)}</a>{' '}
                    <span className="muted">
                      {a.actor} · {date(a.lastSeen)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="ep-exchanges">
            <h2 id="ep-exchanges">{t('ep.exchanges')}</h2>
            <ExchangeList exchanges={d.exchanges} />
          </section>
        </>
      ) : null}
    </>
  );
}

export function FindingList({ findings }: { findings: readonly Finding[] }) {
  const { t } = useI18n();
  if (findings.length === 0) return <p className="muted">{t('findings.none')}</p>;
  return (
    <ul className="plain">
      {findings.map((f) => (
        <li key={f.id}>
          <details>
            <summary>
              <Severity value={f.severity} /> <strong>{f.rule ?? f.test}</strong> {f.title}{' '}
              <span className="muted">
                {f.owasp}
                {f.method && f.path ? ` · ${f.method} ${f.host ?? ''}${f.path}` : ''}
                {f.location ? ` · ${f.location.file}:${f.location.line}:${f.location.column}` : ''}
              </span>
            </summary>
            <div className="detail">
              {f.description ? <p>{f.description}</p> : null}
              <p>
                <strong>{t('findings.remediation')}:</strong> {f.remediation}
              </p>
              {f.compliance.length ? (
                <p className="small">{f.compliance.map((c) => `${c.framework} ${c.clause}`).join(' · ')}</p>
              ) : null}
              {f.evidence.map((e, i) =>
                e.excerpt ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: evidence has no id of its own
                  <Pre key={i}>{e.excerpt}</Pre>
                ) : null,
              )}
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}
