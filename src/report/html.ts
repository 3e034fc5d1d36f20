// One self-contained HTML report (English or Japanese): inline CSS and inline SVG charts, no script and no
// external request (a CSP meta tag forbids both), readable without JavaScript and printable.
// Findings carry attacker-controlled text from traffic (paths, excerpts): every value goes through `esc`,
// and element ids are generated, never taken from the data.

import {
  type Finding,
  OWASP_API_2023,
  type OwaspApi2023,
  SEVERITIES,
  type Severity,
} from '../model/index.js';
import {
  countByOwasp,
  countBySeverity,
  endpointOf,
  findingText,
  ruleIdOf,
  rulesFor,
  sortFindings,
} from './common.js';
import {
  clauseLabel,
  FRAMEWORK_NAMES,
  type Lang,
  OWASP_NAMES,
  SEVERITY_NAMES,
  STRINGS,
  type Strings,
} from './i18n.js';
import type { HtmlReport, RuleMeta } from './types.js';

export type { Lang } from './i18n.js';

export interface HtmlOptions {
  /** Findings listed in full (default 2,000); the counts and charts always cover all of them. */
  maxFindings?: number;
  /** Rows of the riskiest-endpoints table (default 15). */
  topEndpoints?: number;
}

const COLOR: Record<Severity, string> = {
  critical: '#9f1239',
  high: '#c2410c',
  medium: '#a16207',
  low: '#1d4ed8',
  info: '#4b5563',
};

/** HTML text and attribute escaping; control characters (never meaningful in a report) shown as `\xNN`. */
export function esc(value: string | number): string {
  return String(value)
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g,
      (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function toHtml(report: HtmlReport, lang: Lang, opts: HtmlOptions = {}): string {
  const t = STRINGS[lang];
  const num = new Intl.NumberFormat(t.locale);
  const date = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const sorted = sortFindings(report.findings);
  const anchor = new Map(sorted.map((f, i) => [f.id, i + 1]));
  const listed = opts.maxFindings ?? 2000;
  const rules = new Map(rulesFor(report.findings, report.rules).map((r) => [r.id, r]));
  const bySev = countBySeverity(report.findings);
  const byOwasp = countByOwasp(report.findings);
  const generated = Number.isNaN(Date.parse(report.generatedAt))
    ? report.generatedAt
    : `${date.format(new Date(report.generatedAt))} ${t.utc}`;

  const metric = (key: string, label: string, value: string, cls = '') =>
    `<div class="metric ${cls}" data-metric="${key}"><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div></div>`;
  const metrics = [
    metric('total', t.findingsTotal, num.format(report.findings.length), 'total'),
    ...SEVERITIES.map((s) => metric(s, SEVERITY_NAMES[lang][s], num.format(bySev[s]), `sev-${s}`)),
  ];
  const scope: string[] = [];
  if (report.scope?.operations !== undefined)
    scope.push(metric('operations', t.operationsAudited, num.format(report.scope.operations)));
  if (report.scope?.endpoints !== undefined)
    scope.push(metric('endpoints', t.endpointsAudited, num.format(report.scope.endpoints)));
  if (report.scope?.specs !== undefined)
    scope.push(metric('specs', t.specsAudited, num.format(report.scope.specs.length)));
  scope.push(metric('rules', t.rulesChecked, num.format(report.rules.length)));
  if (report.risk !== undefined)
    scope.push(
      metric(
        'risk',
        `${t.apiRisk} ${t.outOf100}`,
        num.format(Math.round(report.risk)),
        riskClass(report.risk),
      ),
    );

  const sevChart = barChart(
    SEVERITIES.map((s) => ({ label: SEVERITY_NAMES[lang][s], value: bySev[s], color: COLOR[s] })),
    t.chartSeverityAlt,
    num,
    'severity',
  );
  const owaspChart = barChart(
    (Object.keys(OWASP_API_2023) as OwaspApi2023[]).map((k) => ({
      label: `${k.replace(':2023', '')} ${OWASP_NAMES[lang][k]}`,
      value: byOwasp[k],
      color: '#334155',
    })),
    t.chartOwaspAlt,
    num,
    'owasp',
  );

  const body = [
    `<header><p class="kicker">${esc(t.reportOf)}</p><h1>${esc(report.title)}</h1>`,
    `<p class="meta">${esc(t.generated)}: <time datetime="${esc(report.generatedAt)}">${esc(generated)}</time>`,
    report.tool ? ` · ${esc(t.by)}: ${esc(report.tool.name)} ${esc(report.tool.version)}` : '',
    report.scope?.specs && report.scope.specs.length > 0
      ? `<br>${esc(t.specsAudited)}: ${report.scope.specs
          .slice(0, 20)
          .map((s) => `<code>${esc(s)}</code>`)
          .join(
            ', ',
          )}${report.scope.specs.length > 20 ? ` … +${num.format(report.scope.specs.length - 20)}` : ''}`
      : '',
    '</p></header>',
    `<section id="summary"><h2>${esc(t.summary)}</h2><div class="metrics">${metrics.join('')}</div><div class="metrics scope">${scope.join('')}</div></section>`,
    `<section id="charts" class="charts"><figure><figcaption>${esc(t.bySeverity)}</figcaption>${sevChart}</figure>`,
    `<figure><figcaption>${esc(t.byOwasp)}</figcaption>${owaspChart}</figure></section>`,
    complianceSection(report, lang, t, anchor, listed, num),
    endpointsSection(report, t, num, opts.topEndpoints ?? 15),
    findingsSection(sorted, rules, lang, t, num, listed),
    `<footer>${esc(t.footer)}</footer>`,
  ];

  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(report.tool ? `${report.tool.name} ${report.tool.version}` : 'mamori')}">
<title>${esc(report.title)} · ${esc(t.reportOf)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}

function riskClass(risk: number): string {
  return risk >= 75 ? 'sev-critical' : risk >= 50 ? 'sev-high' : risk >= 25 ? 'sev-medium' : 'sev-low';
}

interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bar chart as inline SVG: labels, bars and values are text, so it reads without CSS or script. */
function barChart(bars: Bar[], alt: string, num: Intl.NumberFormat, name: string): string {
  const rowH = 28;
  const labelW = 400;
  const barW = 280;
  const width = labelW + barW + 70;
  const height = bars.length * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barW));
    return [
      `<g data-bar="${esc(b.label)}" data-value="${b.value}">`,
      `<text x="${labelW - 8}" y="${y + 18}" text-anchor="end" class="bar-label">${esc(b.label)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${barW}" height="${rowH - 8}" fill="#eef2f7" rx="3"/>`,
      w > 0
        ? `<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 8}" fill="${b.color}" rx="3"/>`
        : '',
      `<text x="${labelW + barW + 8}" y="${y + 18}" class="bar-value">${esc(num.format(b.value))}</text>`,
      '</g>',
    ].join('');
  });
  return `<svg class="chart" data-chart="${name}" role="img" aria-label="${esc(alt)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${esc(alt)}</title>${rows.join('')}</svg>`;
}

function complianceSection(
  report: HtmlReport,
  lang: Lang,
  t: Strings,
  anchor: Map<string, number>,
  listed: number,
  num: Intl.NumberFormat,
): string {
  const head = `<section id="compliance"><h2>${esc(t.compliance)}</h2><p>${esc(t.complianceIntro)}</p>`;
  if (report.compliance.length === 0) return `${head}<p class="empty">${esc(t.noCompliance)}</p></section>`;
  const blocks = report.compliance.map((fw) => {
    const rows = fw.clauses.map((c) => {
      // Numbers of the findings in the list (worst first); only those the list shows are links.
      const numbers = c.findings
        .map((id) => anchor.get(id))
        .filter((n): n is number => n !== undefined)
        .sort((a, b) => a - b);
      const links = numbers
        .slice(0, 30)
        .map((n) => (n <= listed ? `<a href="#finding-${n}">#${n}</a>` : `#${n}`));
      const extra = numbers.length > 30 ? ` … +${esc(num.format(numbers.length - 30))}` : '';
      const title = c.title !== undefined ? ` <span class="muted">${esc(c.title)}</span>` : '';
      return `<tr><td class="clause">${esc(clauseLabel(c.clause, lang))}${title}</td><td class="num">${esc(num.format(c.findings.length))}</td><td>${links.join(' ')}${extra}</td></tr>`;
    });
    return `<h3 data-framework="${esc(fw.framework)}">${esc(FRAMEWORK_NAMES[lang][fw.framework])}</h3><table><thead><tr><th>${esc(t.clause)}</th><th class="num">${esc(t.count)}</th><th>${esc(t.evidenceFindings)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  return `${head}${blocks.join('')}</section>`;
}

function endpointsSection(report: HtmlReport, t: Strings, num: Intl.NumberFormat, top: number): string {
  const head = `<section id="endpoints"><h2>${esc(t.riskiest)}</h2>`;
  if (report.endpoints.length === 0) return `${head}<p class="empty">${esc(t.noEndpoints)}</p></section>`;
  const rows = [...report.endpoints]
    .sort((a, b) => b.risk - a.risk)
    .slice(0, top)
    .map((e) => {
      const r = Math.max(0, Math.min(100, e.risk));
      const bar = `<svg class="riskbar" viewBox="0 0 100 10" width="100" height="10" aria-hidden="true"><rect width="100" height="10" fill="#eef2f7" rx="2"/><rect width="${r.toFixed(1)}" height="10" class="${riskClass(r)}" rx="2"/></svg>`;
      return `<tr><td><span class="method">${esc(e.method.toUpperCase())}</span></td><td><code>${esc(e.host ?? '')}${esc(e.path)}</code></td><td class="num">${esc(num.format(e.findings))}</td><td class="num risk">${bar} ${esc(num.format(Math.round(r)))}</td></tr>`;
    });
  return `${head}<table><thead><tr><th>${esc(t.method)}</th><th>${esc(t.endpoint)}</th><th class="num">${esc(t.findings)}</th><th class="num">${esc(t.risk)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function findingsSection(
  sorted: Finding[],
  rules: Map<string, RuleMeta>,
  lang: Lang,
  t: Strings,
  num: Intl.NumberFormat,
  max: number,
): string {
  const head = `<section id="findings"><h2>${esc(t.findingList)}</h2>`;
  if (sorted.length === 0) return `${head}<p class="empty">${esc(t.noFindings)}</p></section>`;
  const shown = sorted.slice(0, max);
  const cut =
    shown.length < sorted.length
      ? `<p class="note">${esc(t.cutNote.replace('{shown}', num.format(shown.length)).replace('{total}', num.format(sorted.length)))}</p>`
      : '';
  const cards = shown.map((f, i) => findingCard(f, i + 1, rules.get(ruleIdOf(f)), lang, t, num));
  return `${head}${cut}${cards.join('\n')}</section>`;
}

function findingCard(
  f: Finding,
  n: number,
  rule: RuleMeta | undefined,
  lang: Lang,
  t: Strings,
  num: Intl.NumberFormat,
): string {
  const { title, description, remediation } = findingText(f, rule, lang);
  const rows: string[] = [];
  if (f.location) {
    rows.push(
      row(
        t.location,
        `<code>${esc(f.location.file)}:${esc(f.location.line)}:${esc(f.location.column)}</code> · ${esc(t.pointer)} <code>${esc(f.location.pointer === '' ? '/' : f.location.pointer)}</code>`,
      ),
    );
  }
  const ep = endpointOf(f);
  if (ep !== undefined) rows.push(row(t.endpoint, `<code>${esc(ep)}</code>`));
  if (f.evidence.length > 0) {
    const items = f.evidence.slice(0, 10).map((e) => {
      const where: string[] = [];
      if (e.file !== undefined) where.push(`${e.file}${e.index !== undefined ? `#${e.index}` : ''}`);
      else if (e.index !== undefined) where.push(`#${e.index}`);
      if (e.line !== undefined) where.push(`${t.line} ${num.format(e.line)}`);
      if (e.exchangeId !== undefined) where.push(`${t.exchange} ${e.exchangeId}`);
      const excerpt = e.excerpt !== undefined ? ` <code class="excerpt">${esc(e.excerpt)}</code>` : '';
      return `<li><span class="where">${esc(where.join(' · '))}</span>${excerpt}</li>`;
    });
    if (f.evidence.length > 10)
      items.push(`<li>… ${esc(num.format(f.evidence.length - 10))} ${esc(t.more)}</li>`);
    rows.push(row(t.evidence, `<ul>${items.join('')}</ul>`));
  }
  if (description !== undefined) rows.push(row(t.description, esc(description)));
  rows.push(row(t.remediation, esc(remediation)));
  const cls = [`${f.owasp} ${OWASP_NAMES[lang][f.owasp]}`];
  if (f.cwe !== undefined) cls.push(`CWE-${f.cwe}`);
  for (const c of f.compliance)
    cls.push(`${FRAMEWORK_NAMES[lang][c.framework]} ${clauseLabel(c.clause, lang)}`);
  rows.push(row(t.classification, esc(cls.join(' · '))));
  if (f.confidence !== undefined)
    rows.push(row(t.confidence, esc(`${num.format(Math.round(f.confidence * 100))}%`)));
  return `<article class="finding" id="finding-${n}" data-severity="${f.severity}"><h3><span class="num-id">#${n}</span> <span class="badge sev-${f.severity}">${esc(SEVERITY_NAMES[lang][f.severity])}</span> <code class="rule">${esc(ruleIdOf(f))}</code> ${esc(title)}</h3><dl>${rows.join('')}</dl></article>`;
}

function row(label: string, html: string): string {
  return `<dt>${esc(label)}</dt><dd>${html}</dd>`;
}

const CSS = `
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Noto Sans JP",Meiryo,sans-serif}
main{max-width:1080px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:26px;margin:0 0 6px}h2{font-size:19px;margin:32px 0 12px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 8px}
.kicker{margin:0;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.06em}
.meta{color:var(--muted);margin:0;font-size:13px}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef2f7;border-radius:3px;padding:1px 4px;overflow-wrap:anywhere;word-break:break-word}
.metrics{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:10px}
.metric{background:#fff;border:1px solid var(--line);border-top:4px solid #334155;border-radius:6px;padding:10px 14px;min-width:120px;flex:1}
.metric .value{font-size:28px;font-weight:700;line-height:1.1}.metric .label{color:var(--muted);font-size:12.5px}
.metric.sev-critical{border-top-color:#9f1239}.metric.sev-high{border-top-color:#c2410c}.metric.sev-medium{border-top-color:#a16207}.metric.sev-low{border-top-color:#1d4ed8}.metric.sev-info{border-top-color:#4b5563}
.scope .metric{border-top-color:#94a3b8}
.charts{display:grid;grid-template-columns:1fr;gap:16px}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 14px}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{max-width:100%;height:auto}
.bar-label{font-size:13px;fill:#0f172a}.bar-value{font-size:13px;font-weight:600;fill:#0f172a}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:6px;margin-bottom:12px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{background:#f1f5f9;font-size:13px}
td.num,th.num{text-align:right;white-space:nowrap}
.method{font:600 12px ui-monospace,monospace;background:#e0e7ff;border-radius:3px;padding:1px 5px}
.riskbar{vertical-align:middle}
rect.sev-critical{fill:#9f1239}rect.sev-high{fill:#c2410c}rect.sev-medium{fill:#a16207}rect.sev-low{fill:#1d4ed8}
.finding{background:#fff;border:1px solid var(--line);border-left:5px solid #334155;border-radius:6px;padding:4px 14px 10px;margin-bottom:10px;break-inside:avoid}
.finding[data-severity=critical]{border-left-color:#9f1239}.finding[data-severity=high]{border-left-color:#c2410c}.finding[data-severity=medium]{border-left-color:#a16207}.finding[data-severity=low]{border-left-color:#1d4ed8}.finding[data-severity=info]{border-left-color:#4b5563}
.badge{display:inline-block;color:#fff;border-radius:3px;padding:0 7px;font-size:12px;font-weight:700;vertical-align:1px}
.badge.sev-critical{background:#9f1239}.badge.sev-high{background:#c2410c}.badge.sev-medium{background:#a16207}.badge.sev-low{background:#1d4ed8}.badge.sev-info{background:#4b5563}
.num-id{color:var(--muted);font-weight:400}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dt{color:var(--muted);font-size:13px}dd{margin:0;overflow-wrap:anywhere}
dd ul{margin:0;padding-left:18px}.where{color:var(--muted);font-size:13px}
.muted{color:var(--muted)}.empty,.note{color:var(--muted);font-style:italic}
footer{margin-top:36px;color:var(--muted);font-size:12.5px}
@media print{body{background:#fff}main{padding:0}.finding,figure,table{border-color:#cbd5e1}}
`;
