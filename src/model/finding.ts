// Posture results (audit rules over specs and the inventory) and active-test results (scanner),
// and runtime detections (alerts grouped into incidents). Shapes of docs/schemas/findings and alerts.

import type { ComplianceRef, OwaspApi2023, Severity } from './vocabulary.js';

export interface SpecLocation {
  file: string;
  /** RFC 6901 JSON pointer into the original document. */
  pointer: string;
  line: number;
  column: number;
}

/** One piece of proof: a reference to an exchange, optionally with the request/response it holds. */
export interface EvidenceRef {
  file?: string;
  /** HAR entry index / record index of the exchange within its source. */
  index?: number;
  line?: number;
  exchangeId?: string;
  /** Masked excerpt shown to a person (a header, a field value, a status line). */
  excerpt?: string;
}

export interface FindingInput {
  location: 'path' | 'query' | 'header' | 'cookie' | 'body';
  /** Parameter name, header name, or JSON pointer-like dotted property path in the body. */
  name: string;
}

export interface Finding {
  /** Stable fingerprint of rule/test + place, so baselines and diffs can match findings across runs. */
  id: string;
  /** Audit rule id (`MAM-AUTH-001`); for scanner results use `test`. */
  rule?: string;
  test?: string;
  title: string;
  severity: Severity;
  owasp: OwaspApi2023;
  cwe?: number;
  compliance: ComplianceRef[];
  host?: string;
  method?: string;
  path?: string;
  /** For spec findings. */
  location?: SpecLocation;
  /** The request input the finding is about (scanner: the parameter or body property it attacked), so
   * a virtual patch or a report can name it without parsing the title. */
  where?: FindingInput;
  evidence: EvidenceRef[];
  description?: string;
  remediation: string;
  /** Scanner: how sure (0–1) and what ruled out the benign explanation. */
  confidence?: number;
  /** Scanner: the finding's own sentences in other languages (`ja`), written when the finding is made
   * (they name the identities, objects and figures of this run); `evidence[i]` is the excerpt of
   * `Finding.evidence[i]`. Read with `?lang=ja` on the server. */
  i18n?: { ja?: FindingText };
}

export interface FindingText {
  description: string;
  evidence?: string[];
}

export interface Actor {
  /** Stable id: `jwt:<sha256-12>`, `key:<sha256-12>`, `session:<sha256-12>`, `ip:<address>`. */
  id: string;
  kind: 'jwt' | 'api-key' | 'session' | 'basic' | 'address';
  /** Client address after trusted-proxy X-Forwarded-For resolution. */
  address?: string;
}

export interface Alert {
  id: string;
  type: string; // `signature.sqli`, `behaviour.bola-enumeration`, `ai.prompt-injection` …
  severity: Severity;
  owasp?: OwaspApi2023;
  actor: string; // Actor.id
  host?: string;
  method?: string;
  path?: string;
  /** For a HAR input, the zero-based entry indexes of the exchanges that prove it. */
  evidence: number[];
  evidenceRefs: EvidenceRef[];
  firstSeen: string;
  lastSeen: string;
  count: number;
  /** What a person checks: the signature or feature, masked value, threshold vs observed figure. */
  explanation: string;
  incident?: string;
}

export interface Incident {
  id: string;
  actor: string;
  severity: Severity;
  alerts: string[];
  firstSeen: string;
  lastSeen: string;
  summary: string;
}
