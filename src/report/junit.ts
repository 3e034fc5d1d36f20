// JUnit XML for CI test reporters (GitLab, Jenkins, Azure DevOps, GitHub test-report actions).
// One <testsuite> per rule (or per OWASP category), one failing <testcase> per finding, and one passing
// <testcase> per rule that found nothing, so CI shows what was checked and not only what failed.

import { type Finding, OWASP_API_2023, type OwaspApi2023 } from '../model/index.js';
import { evidenceLine, placeOf, ruleIdOf, rulesFor, sortFindings } from './common.js';
import type { RuleMeta } from './types.js';

export interface JunitSuite {
  /** Name of the whole run (`mamori audit`, `mamori scan`). */
  name: string;
  rules: RuleMeta[];
  /** One testsuite per rule (default) or per OWASP API 2023 category. */
  groupBy?: 'rule' | 'owasp';
}

interface Case {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  failure?: { message: string; type: string; body: string };
}

interface Suite {
  name: string;
  properties: Array<[string, string]>;
  cases: Case[];
}

export function toJunit(findings: Finding[], suite: JunitSuite): string {
  const rules = rulesFor(findings, suite.rules);
  const byRule = new Map<string, Finding[]>();
  for (const f of sortFindings(findings)) {
    const id = ruleIdOf(f);
    const list = byRule.get(id);
    if (list) list.push(f);
    else byRule.set(id, [f]);
  }
  const casesOf = (r: RuleMeta): Case[] => {
    const found = byRule.get(r.id) ?? [];
    if (found.length === 0) return [{ classname: r.id, name: `${r.id}: ${r.title}` }];
    return found.map((f) => failingCase(r, f));
  };

  const suites: Suite[] = [];
  if (suite.groupBy === 'owasp') {
    for (const cat of Object.keys(OWASP_API_2023) as OwaspApi2023[]) {
      const inCat = rules.filter((r) => r.owasp === cat);
      if (inCat.length === 0) continue;
      suites.push({
        name: `${cat} ${OWASP_API_2023[cat]}`,
        properties: [['owasp', cat]],
        cases: inCat.flatMap(casesOf),
      });
    }
  } else {
    for (const r of rules) {
      const properties: Array<[string, string]> = [
        ['severity', r.severity],
        ['owasp', r.owasp],
      ];
      if (r.cwe !== undefined) properties.push(['cwe', `CWE-${r.cwe}`]);
      suites.push({ name: `${r.id} ${r.title}`, properties, cases: casesOf(r) });
    }
  }

  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure).length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${attr(suite.name)}" tests="${total}" failures="${failures}" errors="0" skipped="0" time="0">`,
  );
  for (const [i, s] of suites.entries()) {
    const f = s.cases.filter((c) => c.failure).length;
    out.push(
      `  <testsuite id="${i}" name="${attr(s.name)}" tests="${s.cases.length}" failures="${f}" errors="0" skipped="0" time="0">`,
    );
    out.push('    <properties>');
    for (const [k, v] of s.properties) out.push(`      <property name="${attr(k)}" value="${attr(v)}"/>`);
    out.push('    </properties>');
    for (const c of s.cases) out.push(renderCase(c));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function failingCase(r: RuleMeta, f: Finding): Case {
  const body = [`${f.severity.toUpperCase()} ${r.id} ${f.title}`, `Place: ${placeOf(f)}`];
  if (f.location) body.push(`Pointer: ${f.location.pointer === '' ? '/' : f.location.pointer}`);
  if (f.description !== undefined) body.push(f.description);
  for (const e of f.evidence.slice(0, 10)) body.push(`Evidence: ${evidenceLine(e)}`);
  if (f.evidence.length > 10) body.push(`Evidence: … ${f.evidence.length - 10} more`);
  body.push(`OWASP: ${f.owasp} ${OWASP_API_2023[f.owasp]}${f.cwe !== undefined ? `, CWE-${f.cwe}` : ''}`);
  if (f.compliance.length > 0)
    body.push(`Compliance: ${f.compliance.map((c) => `${c.framework} ${c.clause}`).join('; ')}`);
  body.push(`Remediation: ${f.remediation}`);
  const c: Case = {
    classname: r.id,
    name: placeOf(f) || f.id,
    failure: { message: f.title, type: f.severity, body: body.join('\n') },
  };
  const file = f.location?.file ?? f.evidence.find((e) => e.file !== undefined)?.file;
  if (file !== undefined) c.file = file;
  const line = f.location?.line ?? f.evidence.find((e) => e.line !== undefined)?.line;
  if (line !== undefined) c.line = line;
  return c;
}

function renderCase(c: Case): string {
  let open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"`;
  if (c.file !== undefined) open += ` file="${attr(c.file)}"`;
  if (c.line !== undefined) open += ` line="${c.line}"`;
  open += ' time="0"';
  if (!c.failure) return `${open}/>`;
  return [
    `${open}>`,
    `      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${text(c.failure.body)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/**
 * XML 1.0 cannot carry most control characters or lone surrogates at all, even escaped: show them as `\xNN`
 * / `\uNNNN` so the evidence stays readable and the file stays well-formed.
 */
function clean(s: string): string {
  return s.replace(
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (ch) => {
      const code = ch.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep their line breaks and tabs (attribute normalisation would turn them into spaces). */
function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
