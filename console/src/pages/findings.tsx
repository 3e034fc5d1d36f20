// Findings and compliance: the posture and test findings by OWASP API 2023 category, severity and
// framework; a per-framework clause view with the findings (and their evidence) behind each clause;
// the HTML and SARIF reports to download.

import { useMemo, useState } from 'react';
import { api, must } from '../client';
import { PageTitle, Status, useInteractive, useLoad } from '../components/ui';
import { useI18n } from '../i18n';
import { type Finding, OWASP_API_2023, SEVERITIES } from '../model';
import { FindingList } from './endpoint';

const PAGE = 1000;

async function allFindings(lang: 'en' | 'ja'): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await must(
      api.GET('/api/v1/findings', { params: { query: { limit: PAGE, offset, lang } } }),
    );
    out.push(...(page.findings as unknown as Finding[]));
    if (page.findings.length < PAGE) return out;
  }
}

export function FindingsPage({ params }: { params: URLSearchParams }) {
  const { t, num, lang } = useI18n();
  const loaded = useLoad(async () => {
    const [findings, compliance] = await Promise.all([
      allFindings(lang),
      must(api.GET('/api/v1/compliance', { params: { query: { lang } } })).then(
        (c) =>
          c.frameworks as unknown as Array<{
            framework: string;
            clauses: Array<{ clause: string; title?: string; findings: string[] }>;
          }>,
      ),
    ]);
    return { findings, compliance };
  }, [lang]);
  const [severity, setSeverity] = useState(params.get('severity') ?? '');
  const [owasp, setOwasp] = useState(params.get('owasp') ?? '');
  const [framework, setFramework] = useState(params.get('framework') ?? '');

  const d = loaded.data;
  useInteractive('findings', d !== undefined);
  const shown = useMemo(
    () =>
      (d?.findings ?? []).filter(
        (f) =>
          (!severity || f.severity === severity) &&
          (!owasp || f.owasp === owasp) &&
          (!framework || f.compliance.some((c) => c.framework === framework)),
      ),
    [d, severity, owasp, framework],
  );
  const byOwasp = useMemo(() => {
    const m = new Map<string, Record<string, number>>();
    for (const f of d?.findings ?? []) {
      const row = m.get(f.owasp) ?? {};
      row[f.severity] = (row[f.severity] ?? 0) + 1;
      m.set(f.owasp, row);
    }
    return m;
  }, [d]);
  const byId = useMemo(() => new Map((d?.findings ?? []).map((f) => [f.id, f])), [d]);
  const clauses = d?.compliance.find((c) => c.framework === framework)?.clauses;

  return (
    <>
      <PageTitle sub={d ? t('findings.count', { n: num(d.findings.length) }) : undefined}>
        {t('nav.findings')}
      </PageTitle>
      <Status loaded={loaded} />
      <div className="actions">
        <a className="button secondary" href={`/api/v1/reports/html?lang=${lang}`} download>
          {t('findings.downloadHtml')}
        </a>
        <a className="button secondary" href="/api/v1/reports/sarif" download>
          {t('findings.downloadSarif')}
        </a>
        <a className="button secondary" href="/api/v1/reports/json" download>
          {t('findings.downloadJson')}
        </a>
      </div>
      {d ? (
        <>
          <section aria-labelledby="f-owasp">
            <h2 id="f-owasp">{t('findings.byOwasp')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('findings.category')}</th>
                  {SEVERITIES.map((s) => (
                    <th scope="col" key={s} className="end">
                      {t(`severity.${s}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(OWASP_API_2023).map(([id, name]) => {
                  const row = byOwasp.get(id);
                  return (
                    <tr key={id}>
                      <th scope="row">
                        <button
                          type="button"
                          className="link"
                          onClick={() => setOwasp(owasp === id ? '' : id)}
                        >
                          {id} {name}
                        </button>
                      </th>
                      {SEVERITIES.map((s) => (
                        <td key={s} className="end">
                          {row?.[s] ? num(row[s]) : '·'}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="f-list">
            <h2 id="f-list">{t('findings.list')}</h2>
            <form className="filters" aria-label={t('findings.filters')} onSubmit={(e) => e.preventDefault()}>
              <label>
                {t('findings.severity')}
                <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
                  <option value="">{t('common.all')}</option>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {t(`severity.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('findings.category')}
                <select value={owasp} onChange={(e) => setOwasp(e.target.value)}>
                  <option value="">{t('common.all')}</option>
                  {Object.keys(OWASP_API_2023).map((id) => (
                    <option key={id}>{id}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('findings.framework')}
                <select value={framework} onChange={(e) => setFramework(e.target.value)}>
                  <option value="">{t('common.all')}</option>
                  {d.compliance.map((c) => (
                    <option key={c.framework}>{c.framework}</option>
                  ))}
                </select>
              </label>
            </form>
            <p className="muted" aria-live="polite">
              {t('findings.shown', { n: num(shown.length) })}
            </p>
            {framework && clauses ? (
              <>
                <h3>{t('findings.clauses', { framework })}</h3>
                <ul className="cards">
                  {clauses.map((c) => (
                    <li key={c.clause} className="card">
                      <strong>{c.clause}</strong> {c.title ?? ''}{' '}
                      <span className="muted">{t('findings.count', { n: num(c.findings.length) })}</span>
                      <FindingList
                        findings={c.findings
                          .map((id) => byId.get(id))
                          .filter(
                            (f): f is Finding =>
                              f !== undefined &&
                              (!severity || f.severity === severity) &&
                              (!owasp || f.owasp === owasp),
                          )}
                      />
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <FindingList findings={shown.slice(0, 500)} />
            )}
            {!framework && shown.length > 500 ? <p className="muted">{t('findings.first500')}</p> : null}
          </section>
        </>
      ) : null}
    </>
  );
}
