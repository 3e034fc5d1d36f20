// Helpers every report format shares: which rule a finding belongs to, where it is, ordering, counts,
// so every format names, places and orders findings the same way.

import {
  type Finding,
  OWASP_API_2023,
  type OwaspApi2023,
  SEVERITIES,
  SEVERITY_RANK,
  type Severity,
} from '../model/index.js';
import type { Lang } from './i18n.js';
import type { RuleMeta } from './types.js';

/** The rule (audit) or test (scanner) id of a finding. */
export function ruleIdOf(f: Finding): string {
  return f.rule ?? f.test ?? 'unknown';
}

/** `METHOD host/path` for an endpoint finding (host left out when unknown), undefined when it has no endpoint. */
export function endpointOf(f: Finding): string | undefined {
  if (f.path === undefined) return undefined;
  const method = (f.method ?? 'ANY').toUpperCase();
  return `${method} ${f.host ?? ''}${f.path}`;
}

/** Where a person looks: `file:line:column` for spec findings, else the endpoint, else the first evidence file. */
export function placeOf(f: Finding): string {
  if (f.location) return `${f.location.file}:${f.location.line}:${f.location.column}`;
  const ep = endpointOf(f);
  if (ep !== undefined) return ep;
  const ev = f.evidence[0];
  if (ev?.file !== undefined) return ev.index !== undefined ? `${ev.file}#${ev.index}` : ev.file;
  return '';
}

/** One line per evidence reference: `file#index (line N): excerpt`. */
export function evidenceLine(e: Finding['evidence'][number]): string {
  const parts: string[] = [];
  if (e.file !== undefined) parts.push(e.index !== undefined ? `${e.file}#${e.index}` : e.file);
  else if (e.index !== undefined) parts.push(`#${e.index}`);
  if (e.line !== undefined) parts.push(`line ${e.line}`);
  if (e.exchangeId !== undefined) parts.push(`exchange ${e.exchangeId}`);
  const head = parts.join(' ');
  if (e.excerpt === undefined) return head;
  return head === '' ? e.excerpt : `${head}: ${e.excerpt}`;
}

/** Worst first, then by rule id and place, so every format lists findings in the same stable order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(ruleIdOf(a), ruleIdOf(b)) ||
      cmp(placeOf(a), placeOf(b)) ||
      cmp(a.id, b.id),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function countByOwasp(findings: readonly Finding[]): Record<OwaspApi2023, number> {
  const counts = Object.fromEntries(Object.keys(OWASP_API_2023).map((k) => [k, 0])) as Record<
    OwaspApi2023,
    number
  >;
  for (const f of findings) counts[f.owasp]++;
  return counts;
}

/**
 * The catalogue to report against: the given rules, plus a rule made from the finding itself for any
 * finding whose rule is not in it (a custom rule, a scanner test), so no result points at a missing rule.
 */
export function rulesFor(findings: readonly Finding[], rules: readonly RuleMeta[]): RuleMeta[] {
  const out = new Map<string, RuleMeta>();
  for (const r of rules) if (!out.has(r.id)) out.set(r.id, r);
  for (const f of findings) {
    const id = ruleIdOf(f);
    if (out.has(id)) continue;
    const derived: RuleMeta = {
      id,
      title: f.title,
      description: f.description ?? f.title,
      severity: f.severity,
      owasp: f.owasp,
      remediation: f.remediation,
      compliance: f.compliance,
    };
    if (f.cwe !== undefined) derived.cwe = f.cwe;
    out.set(id, derived);
  }
  return [...out.values()];
}

/**
 * A finding's title, description and remediation in `lang`: the rule's Japanese text where the finding uses
 * the rule's own English wording (a custom title or remediation is kept as written). The description is the
 * finding's own (specific: names, values), else the rule's when it says more than the title.
 */
export function findingText(
  f: Finding,
  rule: RuleMeta | undefined,
  lang: Lang,
): { title: string; description: string | undefined; remediation: string } {
  const ja = lang === 'ja' ? rule?.ja : undefined;
  const title = ja?.title !== undefined && f.title === rule?.title ? ja.title : f.title;
  const remediation =
    ja?.remediation !== undefined && f.remediation === rule?.remediation ? ja.remediation : f.remediation;
  const ruleDescription = ja?.description ?? rule?.description;
  const description = f.description ?? (ruleDescription !== f.title ? ruleDescription : undefined);
  return { title, description, remediation };
}
