// Markdown for a pull-request comment (GitHub, GitLab): counts by severity, a table of the worst findings,
// and the details of each in collapsible <details> blocks. Capped below GitHub's 65,536-character comment limit.
// Finding text can come from traffic (attacker-controlled): it is entity-escaped so it can neither inject
// HTML nor Markdown (links, images, mentions, table cells).

import { type Finding, SEVERITIES, type Severity } from '../model/index.js';
import { countBySeverity, evidenceLine, findingText, placeOf, ruleIdOf, sortFindings } from './common.js';
import {
  clauseLabel,
  FRAMEWORK_NAMES,
  fill,
  type Lang,
  OWASP_NAMES,
  SEVERITY_NAMES,
  STRINGS,
  type Strings,
} from './i18n.js';
import type { RuleMeta } from './types.js';

export interface MarkdownOptions {
  /** Heading of the comment. */
  title?: string;
  /** Rows of the top-findings table (default 20). */
  top?: number;
  /** Size cap in characters (default 65,000: GitHub rejects comments over 65,536). */
  maxChars?: number;
  /** A line under the heading (what was audited, a link to the full report). */
  subtitle?: string;
  /** Language of the labels and, with `rules`, of the rule text (default English). */
  lang?: Lang;
  /** The catalogue's rules: their Japanese title and remediation for `lang: 'ja'`. */
  rules?: readonly RuleMeta[];
}

const ICON: Record<Severity, string> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  info: '⬜',
};

interface Context {
  lang: Lang;
  t: Strings;
  num: Intl.NumberFormat;
  rules: Map<string, RuleMeta>;
}

export function toMarkdown(findings: Finding[], opts: MarkdownOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const t = STRINGS[lang];
  const cx: Context = {
    lang,
    t,
    num: new Intl.NumberFormat(t.locale),
    rules: new Map((opts.rules ?? []).map((r) => [r.id, r])),
  };
  const n = (v: number) => cx.num.format(v);
  const plural = new Intl.PluralRules(t.locale);
  const one = (v: number) => plural.select(v) === 'one';
  const sev = (s: Severity) => severityName(s, lang);
  const max = opts.maxChars ?? 65_000;
  const top = opts.top ?? 20;
  const sorted = sortFindings(findings);
  const counts = countBySeverity(findings);
  const head: string[] = [`### ${md(opts.title ?? t.mdTitle)}`, ''];
  if (opts.subtitle !== undefined) head.push(md(opts.subtitle), '');
  if (findings.length === 0) {
    head.push(`✅ ${t.mdNoFindings}`);
    return `${head.join('\n')}\n`;
  }
  head.push(
    `${fill(one(findings.length) ? t.mdCountOne : t.mdCount, { count: n(findings.length) })}: ` +
      SEVERITIES.map((s) => `${ICON[s]} ${sev(s)} **${n(counts[s])}**`).join(' · '),
    '',
  );
  const table = [`| ${t.severity} | ${t.rule} | ${t.mdFinding} | ${t.mdWhere} |`, '|---|---|---|---|'];
  for (const f of sorted.slice(0, top)) {
    const { title } = findingText(f, cx.rules.get(ruleIdOf(f)), lang);
    table.push(
      `| ${ICON[f.severity]} ${sev(f.severity)} | \`${md(ruleIdOf(f))}\` | ${md(title)} | ${md(placeOf(f))} |`,
    );
  }
  if (sorted.length > top) table.push('', `_${fill(t.mdMoreRows, { count: n(sorted.length - top) })}_`);
  table.push('');

  const tail = (shown: number) =>
    shown < sorted.length
      ? `\n_${fill(one(sorted.length - shown) ? t.mdCutOne : t.mdCut, { count: n(sorted.length - shown) })}_\n`
      : '';
  let out = `${head.join('\n')}\n${table.join('\n')}\n`;
  if (out.length + tail(0).length > max) {
    // Even the table is too large (only with an absurd `top`): cut rows until it fits.
    const rows = table.slice(0, 2);
    let body = `${head.join('\n')}\n`;
    for (const row of table.slice(2)) {
      if (body.length + rows.join('\n').length + row.length + 400 > max) break;
      rows.push(row);
    }
    body += `${rows.join('\n')}\n`;
    return body + tail(0);
  }
  let shown = 0;
  for (const f of sorted) {
    const block = details(f, cx);
    if (out.length + block.length + tail(shown + 1).length > max) break;
    out += block;
    shown++;
  }
  return out + tail(shown);
}

/** English keeps the vocabulary's lower-case severity words (`critical`), as the CLI and JSON write them. */
function severityName(s: Severity, lang: Lang): string {
  return lang === 'en' ? s : SEVERITY_NAMES[lang][s];
}

function details(f: Finding, cx: Context): string {
  const { lang, t } = cx;
  const { title, description, remediation } = findingText(f, cx.rules.get(ruleIdOf(f)), lang);
  const lines = [
    '<details>',
    `<summary>${ICON[f.severity]} <b>${md(severityName(f.severity, lang))}</b> <code>${md(ruleIdOf(f))}</code> ${md(title)} — ${md(placeOf(f))}</summary>`,
    '',
  ];
  if (f.location)
    lines.push(
      `- **${t.location}:** <code>${md(placeOf(f))}</code> ${t.mdAtPointer} <code>${md(f.location.pointer || '/')}</code>`,
    );
  if (description !== undefined) lines.push(`- **${t.mdWhat}:** ${md(description)}`);
  for (const e of f.evidence.slice(0, 5))
    lines.push(`- **${t.evidence}:** <code>${md(evidenceLine(e))}</code>`);
  if (f.evidence.length > 5)
    lines.push(
      `- **${t.evidence}:** … ${fill(t.mdMoreEvidence, { count: cx.num.format(f.evidence.length - 5) })}`,
    );
  lines.push(
    `- **OWASP:** ${f.owasp} ${OWASP_NAMES[lang][f.owasp]}${f.cwe !== undefined ? ` · CWE-${f.cwe}` : ''}`,
  );
  if (f.compliance.length > 0) {
    const refs = f.compliance.map((c) =>
      lang === 'ja'
        ? `${FRAMEWORK_NAMES.ja[c.framework]} ${clauseLabel(c.clause, lang)}`
        : `${c.framework} ${c.clause}`,
    );
    lines.push(`- **${t.compliance}:** ${md(refs.join(lang === 'ja' ? '、' : '; '))}`);
  }
  lines.push(`- **${t.remediation}:** ${md(remediation)}`, '', '</details>', '');
  return `${lines.join('\n')}\n`;
}

/**
 * Neutralise Markdown and HTML in one line of untrusted text: `&<>"'` and Markdown punctuation as numeric
 * entities (GitHub renders them literally, in table cells, <summary> and <code> alike), `:` so no URL is
 * autolinked, `@` so no one is mentioned, line breaks as spaces and control characters as `\xNN`.
 */
export function md(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\u0000-\u001F\u007F]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[&<>"'|\\`*_[\]()!#@~:]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
