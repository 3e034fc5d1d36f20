// SARIF 2.1.0 (OASIS) for code-scanning tools (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).
// Validates against docs/schemas/sarif-schema-2.1.0.json. GitHub-specific conventions followed here:
// `properties.security-severity` (a numeric string, 0.0–10.0: ≥9.0 critical, 7.0–8.9 high, 4.0–6.9 medium,
// 0.1–3.9 low) ranks alerts like other security tools; `external/cwe/cwe-N` tags link the CWE; and
// `partialFingerprints` keeps one alert per finding across runs (Finding.id is our stable fingerprint).

import type { Finding, Severity } from '../model/index.js';
import { OWASP_API_2023 } from '../model/index.js';
import { endpointOf, evidenceLine, ruleIdOf, rulesFor, sortFindings } from './common.js';
import type { RuleMeta } from './types.js';

export const SARIF_SCHEMA_URI =
  'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub's security-severity scale; each value sits inside its band. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
};

export interface SarifOptions {
  /** Absolute directory spec paths are made relative to (the repository root in CI). */
  baseDir?: string;
  informationUri?: string;
}

/** SARIF 2.1.0 log of the findings, with every rule of `tool.rules` (and any rule a finding names) in the driver. */
export function toSarif(
  findings: Finding[],
  tool: { name: string; version: string; rules: RuleMeta[] },
  opts: SarifOptions = {},
): object {
  const rules = rulesFor(findings, tool.rules);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const driver: Record<string, unknown> = {
    name: tool.name,
    version: tool.version,
    rules: rules.map(sarifRule),
  };
  if (/^\d+\.\d+\.\d+/.test(tool.version)) driver.semanticVersion = tool.version;
  if (opts.informationUri !== undefined) driver.informationUri = opts.informationUri;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        columnKind: 'utf16CodeUnits',
        results: sortFindings(findings).map((f) => sarifResult(f, index.get(ruleIdOf(f)) ?? -1, opts)),
      },
    ],
  };
}

function sarifRule(r: RuleMeta): object {
  const tags = ['security', r.owasp, `OWASP ${r.owasp} ${OWASP_API_2023[r.owasp]}`];
  if (r.cwe !== undefined) tags.push(`external/cwe/cwe-${r.cwe}`);
  for (const c of r.compliance) tags.push(`${c.framework} ${c.clause}`);
  return {
    id: r.id,
    name: ruleName(r.title),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: helpText(r), markdown: helpMarkdown(r) },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags,
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[r.severity],
      'problem.severity': r.severity === 'critical' || r.severity === 'high' ? 'error' : 'warning',
    },
  };
}

/** PascalCase name from the title (`API key in query string` → `ApiKeyInQueryString`), as SARIF viewers show it. */
function ruleName(title: string): string {
  const name = title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]?.toUpperCase() + w.slice(1).toLowerCase())
    .join('');
  return name === '' ? 'Rule' : name;
}

function classification(r: RuleMeta): string {
  const parts = [`OWASP ${r.owasp} ${OWASP_API_2023[r.owasp]}`];
  if (r.cwe !== undefined) parts.push(`CWE-${r.cwe}`);
  return parts.join(', ');
}

function helpText(r: RuleMeta): string {
  const lines = [r.description, '', `Remediation: ${r.remediation}`, '', classification(r)];
  if (r.compliance.length > 0)
    lines.push(`Compliance: ${r.compliance.map((c) => `${c.framework} ${c.clause}`).join('; ')}`);
  return lines.join('\n');
}

function helpMarkdown(r: RuleMeta): string {
  const lines = [
    `**${r.title}** (${r.severity})`,
    '',
    r.description,
    '',
    '## Remediation',
    '',
    r.remediation,
    '',
    '## Classification',
    '',
  ];
  lines.push(`- OWASP API Security Top 10 2023: ${r.owasp} ${OWASP_API_2023[r.owasp]}`);
  if (r.cwe !== undefined)
    lines.push(`- [CWE-${r.cwe}](https://cwe.mitre.org/data/definitions/${r.cwe}.html)`);
  for (const c of r.compliance) lines.push(`- ${c.framework} ${c.clause}`);
  return lines.join('\n');
}

function sarifResult(f: Finding, ruleIndex: number, opts: SarifOptions): object {
  const endpoint = endpointOf(f);
  const result: Record<string, unknown> = {
    ruleId: ruleIdOf(f),
    level: LEVEL[f.severity],
    message: { text: resultMessage(f, endpoint) },
    locations: [location(f, endpoint, opts)],
    partialFingerprints: { 'mamoriFindingId/v1': f.id },
    properties: {
      severity: f.severity,
      owasp: f.owasp,
      ...(f.confidence !== undefined ? { confidence: f.confidence } : {}),
    },
  };
  if (ruleIndex >= 0) result.ruleIndex = ruleIndex;
  const related = f.evidence.slice(1, 11).flatMap((e, i) => {
    if (e.file === undefined) return [];
    return [{ id: i + 1, physicalLocation: evidencePhysical(e, opts), message: { text: evidenceLine(e) } }];
  });
  if (related.length > 0) result.relatedLocations = related;
  return result;
}

function resultMessage(f: Finding, endpoint: string | undefined): string {
  const lines = [endpoint !== undefined ? `${f.title}: ${endpoint}` : f.title];
  if (f.description !== undefined) lines.push(f.description);
  const ev = f.evidence.filter((e) => e.excerpt !== undefined).slice(0, 3);
  for (const e of ev) lines.push(`Evidence: ${evidenceLine(e)}`);
  return lines.join('\n');
}

function location(f: Finding, endpoint: string | undefined, opts: SarifOptions): object {
  const loc: Record<string, unknown> = {};
  if (f.location) {
    loc.physicalLocation = {
      artifactLocation: { uri: relativeUri(f.location.file, opts.baseDir) },
      region: { startLine: Math.max(1, f.location.line), startColumn: Math.max(1, f.location.column) },
    };
  } else {
    // Traffic and scanner findings: the endpoint is the place; the first evidence file (HAR, JSONL, log) is the
    // physical anchor code-scanning tools need to show an alert at all.
    const ev = f.evidence.find((e) => e.file !== undefined);
    if (ev) loc.physicalLocation = evidencePhysical(ev, opts);
  }
  if (endpoint !== undefined) {
    loc.logicalLocations = [{ fullyQualifiedName: endpoint, name: f.path ?? endpoint, kind: 'resource' }];
  } else if (f.location) {
    loc.logicalLocations = [
      { fullyQualifiedName: f.location.pointer === '' ? '/' : f.location.pointer, kind: 'element' },
    ];
  }
  return loc;
}

function evidencePhysical(e: Finding['evidence'][number], opts: SarifOptions): object {
  const physical: Record<string, unknown> = {
    artifactLocation: { uri: relativeUri(e.file ?? '', opts.baseDir) },
  };
  if (e.line !== undefined && e.line >= 1) physical.region = { startLine: e.line };
  return physical;
}

/**
 * A relative URI reference for a file path: forward slashes, relative to baseDir when under it,
 * each segment percent-encoded so spaces, `#` and `%` in names survive.
 */
export function relativeUri(file: string, baseDir?: string): string {
  let p = file.replace(/\\/g, '/');
  if (baseDir !== undefined) {
    const base = baseDir.replace(/\\/g, '/').replace(/\/+$/, '');
    if (p.startsWith(`${base}/`)) p = p.slice(base.length + 1);
  }
  while (p.startsWith('./')) p = p.slice(2);
  const absolute = p.startsWith('/');
  const encoded = p
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return absolute ? `file://${encoded}` : encoded;
}
