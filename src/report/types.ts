// Types shared by the report formats (SARIF, JUnit, Markdown, HTML): the rule catalogue's metadata and the
// data an HTML report is drawn from. Audit rules and scanner tests both describe themselves with RuleMeta.

import type { ComplianceFramework, ComplianceRef, Finding, OwaspApi2023, Severity } from '../model/index.js';

/** What a rule (audit) or test (scanner) is, independent of any one finding. */
export interface RuleMeta {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  owasp: OwaspApi2023;
  cwe?: number;
  remediation: string;
  compliance: ComplianceRef[];
  /** Japanese text for the HTML report (`--lang ja`); the English text is used for any part left out. */
  ja?: { title?: string; description?: string; remediation?: string };
}

/** One framework of the compliance view: every clause the findings touch, with the findings as evidence. */
export interface ComplianceFrameworkView {
  framework: ComplianceFramework;
  clauses: Array<{
    clause: string;
    /** Short name of the clause, when the compliance map has one (`Protection of data in transit`). */
    title?: string;
    /** Finding ids (Finding.id) that touch this clause. */
    findings: string[];
  }>;
}

/** An endpoint (or spec operation) with its risk score, for the "riskiest endpoints" table. */
export interface EndpointRisk {
  method: string;
  host?: string;
  path: string;
  /** 0–100, from the audit risk model. */
  risk: number;
  /** Findings on this endpoint. */
  findings: number;
}

/** Everything the HTML report shows. Built by the command (audit, scan), rendered by `toHtml`. */
export interface HtmlReport {
  title: string;
  /** ISO 8601 time the report was made; shown in the report's locale, in UTC. */
  generatedAt: string;
  tool?: { name: string; version: string };
  findings: Finding[];
  /** Every rule that was checked (also those that found nothing). */
  rules: RuleMeta[];
  compliance: ComplianceFrameworkView[];
  endpoints: EndpointRisk[];
  /** What was audited: spec files, operations in them, endpoints from the inventory. */
  scope?: { specs?: string[]; operations?: number; endpoints?: number };
  /** 0–100 risk of the API as a whole, from the audit risk model. */
  risk?: number;
}
