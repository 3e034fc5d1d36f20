// Posture audit: rules (data) over specs and the observed inventory, risk scores, compliance view,
// security diff and configuration. Analysis only: callers load specs, endpoints and config files.

export {
  CLAUSE_TITLES,
  CLAUSE_TITLES_JA,
  CONTROL_FAMILIES,
  type ComplianceFrameworkView,
  complianceOf,
  complianceView,
} from './compliance.js';
export {
  type AuditConfig,
  applyConfig,
  CONFIG_SCHEMA,
  type CustomRule,
  parseAuditConfig,
  type RuleSetting,
} from './config.js';
export { DIFF_RULES, diffSpecs, widenings } from './diff.js';
export {
  type ActiveRule,
  type AuditRun,
  auditEndpoints,
  auditSpec,
  fingerprint,
  runAudit,
  sortFindings,
} from './engine.js';
export { jaMessage, localiseFindings } from './messages-ja.js';
export {
  apiRisk,
  endpointRisk,
  type OperationRisk,
  type RiskParts,
  riskiestEndpoints,
  scoreEndpoints,
} from './risk.js';
export { RULES, ruleById } from './rules/index.js';
export { JA, type JaText } from './rules/ja.js';
export { buildSpecIndex, type SpecIndex } from './spec-index.js';
export type { Fixture, Given, Rule, RuleMeta, Target, Then } from './types.js';

import { DIFF_RULES } from './diff.js';
import type { ActiveRule } from './engine.js';
import { JA } from './rules/ja.js';
import type { RuleMeta } from './types.js';

/** Report metadata of the rules that ran (plus the diff rules), without checkers or fixtures. */
export function ruleMetas(rules: readonly ActiveRule[], withDiff = false): RuleMeta[] {
  const metas = rules.map((r) => {
    const m: RuleMeta = {
      id: r.id,
      title: r.title,
      description: r.description,
      severity: r.severity,
      owasp: r.owasp,
      remediation: r.remediation,
      compliance: r.compliance,
    };
    if (r.cwe !== undefined) m.cwe = r.cwe;
    // A custom rule may bring its own Japanese text (config `ja`); built-in rules take the catalogue's.
    const ja = r.ja ?? JA[r.id];
    if (ja) m.ja = ja;
    return m;
  });
  const diff = DIFF_RULES.map((r): RuleMeta => {
    const ja = JA[r.id];
    return ja ? { ...r, ja } : r;
  });
  return withDiff ? [...metas, ...diff] : metas;
}
