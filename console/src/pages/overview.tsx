// Overview: the inventory and its risk at a glance (APIs, endpoints, shadow/zombie/rogue, sensitive
// data without authentication, open incidents, riskiest endpoints, trends) and a maturity scorecard
// that sets this installation beside the industry study in src/survey.ts, with the source cited.

import { type Answer, api, must } from '../client';
import { PageTitle, Severity, Status, TagList, useInteractive, useLoad } from '../components/ui';
import { type I18n, useI18n } from '../i18n';
import { SEVERITIES } from '../model';
import { href } from '../router';
import { type Country, exposureFor, type Industry, survey } from '../survey';
import { endpointHref } from './inventory';

type Overview = Answer<'/api/v1/overview', 'get'>;
type Settings = Answer<'/api/v1/settings', 'get'>;

export function OverviewPage() {
  const { t, num } = useI18n();
  const loaded = useLoad(async () => {
    const [overview, settings] = await Promise.all([
      must(api.GET('/api/v1/overview')),
      must(api.GET('/api/v1/settings')),
    ]);
    return { overview, settings };
  }, []);
  const o = loaded.data?.overview;
  useInteractive('overview', o !== undefined);
  return (
    <>
      <PageTitle>{t('nav.overview')}</PageTitle>
      <Status loaded={loaded} />
      {o && loaded.data ? (
        <>
          <dl className="facts">
            <Fact label={t('ov.apis')} value={num(o.apis)} to={href('inventory')} />
            <Fact label={t('ov.endpoints')} value={num(o.endpoints)} to={href('inventory')} />
            <Fact label="shadow" value={num(o.tags.shadow)} to={href('inventory', { tag: 'shadow' })} />
            <Fact label="zombie" value={num(o.tags.zombie)} to={href('inventory', { tag: 'zombie' })} />
            <Fact label="rogue" value={num(o.tags.rogue)} to={href('inventory', { tag: 'rogue' })} />
            <Fact
              label={t('ov.sensitiveNoAuth')}
              value={num(o.sensitiveWithoutAuth)}
              to={href('inventory', { sensitive: '*', auth: 'none' })}
            />
            <Fact label={t('ov.openAlerts')} value={num(o.openAlerts)} to={href('alerts')} />
          </dl>
          <div className="two">
            <section aria-labelledby="ov-incidents">
              <h2 id="ov-incidents">{t('ov.openIncidents')}</h2>
              <ul className="plain">
                {SEVERITIES.map((s) => (
                  <li key={s}>
                    <Severity value={s} /> {num(o.openIncidents[s])}
                  </li>
                ))}
              </ul>
            </section>
            <section aria-labelledby="ov-trends">
              <h2 id="ov-trends">{t('ov.trends', { n: num(o.trends.length) })}</h2>
              <Trend label={t('ov.trendEndpoints')} points={o.trends.map((d) => [d.day, d.endpointsSeen])} />
              <Trend label={t('ov.trendAlerts')} points={o.trends.map((d) => [d.day, d.alerts])} />
              <Trend
                label={t('ov.trendFindings')}
                points={o.trends.flatMap((d) =>
                  d.findings === undefined ? [] : [[d.day, d.findings] as [string, number]],
                )}
              />
            </section>
          </div>
          <section aria-labelledby="ov-risky">
            <h2 id="ov-risky">{t('ov.topRisky')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col" className="end">
                    {t('inv.risk')}
                  </th>
                  <th scope="col">{t('alerts.endpoint')}</th>
                  <th scope="col">{t('inv.tags')}</th>
                  <th scope="col">{t('inv.sensitive')}</th>
                </tr>
              </thead>
              <tbody>
                {o.topRisky.map((e) => (
                  <tr key={`${e.host} ${e.method} ${e.path}`}>
                    <td className="end">{num(e.risk)}</td>
                    <td>
                      <a href={endpointHref(e)}>
                        {e.method} {e.host}
                        {e.path}
                      </a>
                    </td>
                    <td>
                      <TagList tags={e.tags} />
                    </td>
                    <td>{e.sensitive.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <Scorecard overview={o} settings={loaded.data.settings} />
        </>
      ) : null}
    </>
  );
}

function Fact({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <a href={to}>{value}</a>
      </dd>
    </div>
  );
}

/** A small line chart with its numbers in a visually hidden table for screen readers. */
function Trend({ label, points }: { label: string; points: Array<[string, number]> }) {
  const { t, num, day } = useI18n();
  const max = Math.max(1, ...points.map(([, v]) => v));
  const w = 300;
  const h = 60;
  const step = points.length > 1 ? w / (points.length - 1) : w;
  const line = points
    .map(([, v], i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 4) - 2).toFixed(1)}`)
    .join(' ');
  const last = points.at(-1);
  return (
    <figure className="trend">
      <figcaption>
        {label}: <strong>{last ? num(last[1]) : '—'}</strong>
      </figcaption>
      {points.some(([, v]) => v > 0) ? (
        <svg className="chart" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
          <polyline className="area" points={line} />
        </svg>
      ) : (
        <p className="muted small">{t('ov.noData')}</p>
      )}
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {points.map(([d, v]) => (
            <tr key={d}>
              <th scope="row">{day(d)}</th>
              <td>{num(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Scorecard({ overview, settings }: { overview: Overview; settings: Settings }) {
  const i18n = useI18n();
  const { t, pct, money, date } = i18n;
  const m = overview.maturity;
  const industry = (settings.organisation?.industry ?? 'all') as Industry;
  const country = (settings.organisation?.country ?? 'other') as Country;
  const exposure = exposureFor(industry, country);
  const fullInventory = m.documentedShare >= 0.999 && m.sensitiveClassified && overview.tags.rogue === 0;
  const industryInventory = survey.inventoryByIndustry[industry];
  return (
    <section aria-labelledby="ov-score" className="scorecard">
      <h2 id="ov-score">{t('ov.scorecard')}</h2>
      <p className="muted">{t('ov.scorecardLead')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('ov.practice')}</th>
            <th scope="col">{t('ov.you')}</th>
            <th scope="col">{t('ov.peers')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('ov.fullInventory')}</th>
            <td>
              <Verdict ok={fullInventory} i18n={i18n} />{' '}
              {t('ov.documented', {
                share: pct(m.documentedShare),
                shadow: overview.tags.shadow,
                rogue: overview.tags.rogue,
              })}
            </td>
            <td>
              <Peer share={survey.fullInventoryAndKnowsSensitive[2024]} i18n={i18n} />{' '}
              <span className="muted small">
                {t('ov.peerInventory', {
                  y2023: pct(survey.fullInventoryAndKnowsSensitive[2023]),
                  apac: pct(survey.fullInventoryAndKnowsSensitive.apac2026),
                })}
                {industryInventory
                  ? ` ${t('ov.peerInventoryIndustry', {
                      industry: t(`industry.${industry}`),
                      full: pct(industryInventory.fullInventory),
                      sensitive: pct(industryInventory.knowsSensitive),
                    })}`
                  : ''}
              </span>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('ov.realTime')}</th>
            <td>
              <Verdict ok={m.realTimeDetection} i18n={i18n} />{' '}
              {m.lastIngest ? t('ov.lastIngest', { when: date(m.lastIngest) }) : t('ov.noIngest')}
            </td>
            <td>
              <Peer share={survey.realTimeTesting[2024]} i18n={i18n} />{' '}
              <span className="muted small">
                {t('ov.peerRealTime', { y2023: pct(survey.realTimeTesting[2023]) })}
              </span>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('ov.ciTesting')}</th>
            <td>
              <Verdict ok={m.scansLast30Days > 0} i18n={i18n} /> {t('ov.scans30', { n: m.scansLast30Days })}
              {m.lastScan ? ` ${t('ov.lastScan', { when: date(m.lastScan) })}` : ''}
            </td>
            <td>
              <Peer share={survey.fullyInCiCd} i18n={i18n} />{' '}
              <span className="muted small">{t('ov.peerCi')}</span>
            </td>
          </tr>
        </tbody>
      </table>
      <h3>{t('ov.exposure')}</h3>
      <p>
        {t('ov.exposureText', {
          industry: t(`industry.${industry}`),
          country: t(`country.${country}`),
          rate: pct(exposure.rate),
          cost: money(exposure.cost, exposure.currency),
        })}
      </p>
      <p className="muted small">
        {t(`ov.basis.${exposure.rateBasis}`)} {t(`ov.costBasis.${exposure.costBasis}`)}{' '}
        <a href={href('settings')}>{t('ov.changeOrg')}</a>
      </p>
      <p className="cite">
        {t('ov.source')}: {t('ov.sourceText')}
      </p>
    </section>
  );
}

function Verdict({ ok, i18n }: { ok: boolean; i18n: I18n }) {
  return <strong className={ok ? 'ok' : 'gap'}>{i18n.t(ok ? 'ov.yes' : 'ov.notYet')}</strong>;
}

function Peer({ share, i18n }: { share: number; i18n: I18n }) {
  return <strong>{i18n.t('ov.peerShare', { share: i18n.pct(share) })}</strong>;
}
