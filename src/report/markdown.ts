// Markdown for a pull-request comment (GitHub, GitLab): counts by severity, a table of the worst findings,
// and the details of each in collapsible <details> blocks. Capped below GitHub's 65,536-character comment limit.
// Finding text can come from traffic (attacker-controlled): it is entity-escaped so it can neither inject
// HTML nor Markdown (links, images, mentions, table cells).

import { type Finding, OWASP_API_2023, SEVERITIES, type Severity } from '../model/index.js';
import { countBySeverity, evidenceLine, placeOf, ruleIdOf, sortFindings } from './common.js';

export interface MarkdownOptions {
  /** Heading of the comment. */
  title?: string;
  /** Rows of the top-findings table (default 20). */
  top?: number;
  /** Size cap in characters (default 65,000: GitHub rejects comments over 65,536). */
  maxChars?: number;
  /** A line under the heading (what was audited, a link to the full report). */
  subtitle?: string;
}

const ICON: Record<Severity, string> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  info: '⬜',
};

export function toMarkdown(findings: Finding[], opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? 65_000;
  const top = opts.top ?? 20;
  const sorted = sortFindings(findings);
  const counts = countBySeverity(findings);
  const head: string[] = [`### ${md(opts.title ?? 'mamori security report')}`, ''];
  if (opts.subtitle !== undefined) head.push(md(opts.subtitle), '');
  if (findings.length === 0) {
    head.push('✅ No findings.');
    return `${head.join('\n')}\n`;
  }
  head.push(
    `**${findings.length}** finding${findings.length === 1 ? '' : 's'}: ` +
      SEVERITIES.map((s) => `${ICON[s]} ${s} **${counts[s]}**`).join(' · '),
    '',
  );
  const table = ['| Severity | Rule | Finding | Where |', '|---|---|---|---|'];
  for (const f of sorted.slice(0, top)) {
    table.push(
      `| ${ICON[f.severity]} ${f.severity} | \`${md(ruleIdOf(f))}\` | ${md(f.title)} | ${md(placeOf(f))} |`,
    );
  }
  if (sorted.length > top)
    table.push('', `_${sorted.length - top} more not in this table; all are in the details below._`);
  table.push('');

  const tail = (shown: number) =>
    shown < sorted.length
      ? `\n_Details of ${sorted.length - shown} more finding${sorted.length - shown === 1 ? '' : 's'} left out to keep this comment under GitHub's size limit; see the full report (SARIF or HTML)._\n`
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
    const block = details(f);
    if (out.length + block.length + tail(shown + 1).length > max) break;
    out += block;
    shown++;
  }
  return out + tail(shown);
}

function details(f: Finding): string {
  const lines = [
    '<details>',
    `<summary>${ICON[f.severity]} <b>${md(f.severity)}</b> <code>${md(ruleIdOf(f))}</code> ${md(f.title)} — ${md(placeOf(f))}</summary>`,
    '',
  ];
  if (f.location)
    lines.push(
      `- **Location:** <code>${md(placeOf(f))}</code> at pointer <code>${md(f.location.pointer || '/')}</code>`,
    );
  if (f.description !== undefined) lines.push(`- **What:** ${md(f.description)}`);
  for (const e of f.evidence.slice(0, 5)) lines.push(`- **Evidence:** <code>${md(evidenceLine(e))}</code>`);
  if (f.evidence.length > 5) lines.push(`- **Evidence:** … ${f.evidence.length - 5} more`);
  lines.push(
    `- **OWASP:** ${f.owasp} ${OWASP_API_2023[f.owasp]}${f.cwe !== undefined ? ` · CWE-${f.cwe}` : ''}`,
  );
  if (f.compliance.length > 0)
    lines.push(`- **Compliance:** ${md(f.compliance.map((c) => `${c.framework} ${c.clause}`).join('; '))}`);
  lines.push(`- **Fix:** ${md(f.remediation)}`, '', '</details>', '');
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
