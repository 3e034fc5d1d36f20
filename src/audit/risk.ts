// The risk model: 0–100 per endpoint and per API, from findings (severity-weighted), sensitivity (types,
// direction), exposure (anonymous access, lifecycle) and traffic (calls, distinct clients).
// The formula is documented in docs/audit.md; its ordering is tested in risk.test.ts.

import type { Endpoint, Finding, Severity } from '../model/index.js';

/** Points a finding adds to its endpoint. */
export const SEVERITY_POINTS: Record<Severity, number> = {
  critical: 40,
  high: 25,
  medium: 10,
  low: 3,
  info: 0,
};

/** Points for the most sensitive data type an endpoint carries (response direction; requests count 60 %). */
export const SENSITIVITY_POINTS: Record<string, number> = {
  CREDIT_CARD: 25,
  US_SSN: 25,
  JP_MY_NUMBER: 25,
  PASSWORD: 25,
  PRIVATE_KEY: 25,
  AWS_SECRET_KEY: 25,
  HEALTH_RECORD: 22,
  BANK_ACCOUNT: 20,
  IBAN: 20,
  PASSPORT_NUMBER: 20,
  AWS_ACCESS_KEY: 18,
  API_KEY: 18,
  BEARER_TOKEN: 18,
  JWT: 15,
  DATE_OF_BIRTH: 12,
  EMAIL: 10,
  PHONE: 10,
  POSTAL_ADDRESS: 10,
  PERSON_NAME: 8,
  JP_CORPORATE_NUMBER: 4,
  IP_ADDRESS: 4,
};
/** Custom sensitive types from the config. */
const CUSTOM_TYPE_POINTS = 10;

export const CAPS = { findings: 45, sensitivity: 25, exposure: 20, traffic: 10 } as const;

/** Per-finding probability weights for the API score: 1 − Π(1 − w). */
export const API_WEIGHTS: Record<Severity, number> = {
  critical: 0.5,
  high: 0.25,
  medium: 0.08,
  low: 0.02,
  info: 0,
};

export interface RiskParts {
  findings: number;
  sensitivity: number;
  exposure: number;
  traffic: number;
  total: number;
}

function endpointFindings(e: Endpoint, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => {
    if (f.method !== e.method) return false;
    if (f.host === e.host && f.path === e.path && !f.location) return true;
    // Spec findings on the operation that documents this endpoint.
    return !!e.spec && !!f.location && f.path === e.spec.path && f.location.file === e.spec.file;
  });
}

/** The four parts of an endpoint's risk and their capped sum (0–100). */
export function endpointRisk(e: Endpoint, findings: readonly Finding[]): RiskParts {
  const mine = endpointFindings(e, findings);
  const findingPoints = Math.min(
    CAPS.findings,
    mine.reduce((sum, f) => sum + SEVERITY_POINTS[f.severity], 0),
  );
  let sensitivity = 0;
  for (const s of e.sensitive) {
    const base = SENSITIVITY_POINTS[s.type] ?? CUSTOM_TYPE_POINTS;
    sensitivity = Math.max(sensitivity, s.direction === 'response' ? base : base * 0.6);
  }
  sensitivity = Math.min(CAPS.sensitivity, sensitivity);
  let exposure = 0;
  const anonymous =
    e.auth.some((a) => a.type === 'none') &&
    ((e.observed?.unauthenticatedSuccess ?? 0) > 0 || e.auth.every((a) => a.type === 'none'));
  if (anonymous) exposure += 15;
  for (const t of e.tags) {
    if (t.tag === 'rogue') exposure += 8;
    else if (t.tag === 'shadow' || t.tag === 'zombie') exposure += 5;
    else if (t.tag === 'deprecated') exposure += 2;
  }
  exposure = Math.min(CAPS.exposure, exposure);
  const traffic = Math.min(
    CAPS.traffic,
    5 * Math.min(1, Math.log10(1 + e.calls) / 4) + 5 * Math.min(1, Math.log10(1 + e.clients) / 3),
  );
  const total = Math.round(Math.min(100, findingPoints + sensitivity + exposure + traffic));
  return { findings: findingPoints, sensitivity, exposure, traffic, total };
}

/** Copies of the endpoints with `risk` set from the findings (for discover, the server and reports). */
export function scoreEndpoints(endpoints: readonly Endpoint[], findings: readonly Finding[]): Endpoint[] {
  return endpoints.map((e) => ({ ...e, risk: endpointRisk(e, findings).total }));
}

/** API-level score: the riskiest endpoint, or the combined findings if that is higher. */
export function apiRisk(findings: readonly Finding[], scored: readonly Endpoint[] = []): number {
  let keep = 1;
  for (const f of findings) keep *= 1 - API_WEIGHTS[f.severity];
  const fromFindings = Math.round(100 * (1 - keep));
  let worst = fromFindings;
  for (const e of scored) if (e.risk > worst) worst = e.risk;
  return worst;
}

export interface OperationRisk {
  method: string;
  host?: string;
  path: string;
  risk: number;
  findings: number;
}

/**
 * Riskiest places for a report: scored inventory endpoints, and spec operations (by method + path) scored
 * from their findings alone, with the API formula (100 × (1 − Π(1 − w))) over the operation's findings.
 */
export function riskiestEndpoints(
  findings: readonly Finding[],
  scored: readonly Endpoint[] = [],
  limit = 20,
): OperationRisk[] {
  const rows: OperationRisk[] = scored.map((e) => {
    const row: OperationRisk = {
      method: e.method,
      host: e.host,
      path: e.path,
      risk: e.risk,
      findings: endpointFindings(e, findings).length,
    };
    return row;
  });
  const covered = new Set(scored.flatMap((e) => (e.spec ? [`${e.method} ${e.spec.path}`] : [])));
  // Operations by file, then method + path, without building a key string per finding (10^5 on big specs).
  const byOp = new Map<string, Map<string, Map<string, { row: OperationRisk; keep: number }>>>();
  const opRows: OperationRisk[] = [];
  for (const f of findings) {
    if (!f.location || !f.method || !f.path) continue;
    if (covered.size > 0 && covered.has(`${f.method} ${f.path}`)) continue;
    let inFile = byOp.get(f.location.file);
    if (!inFile) {
      inFile = new Map();
      byOp.set(f.location.file, inFile);
    }
    let byPath = inFile.get(f.method);
    if (!byPath) {
      byPath = new Map();
      inFile.set(f.method, byPath);
    }
    let op = byPath.get(f.path);
    if (!op) {
      const row: OperationRisk = { method: f.method, path: f.path, risk: 0, findings: 0 };
      if (f.host) row.host = f.host;
      op = { row, keep: 1 };
      byPath.set(f.path, op);
      opRows.push(row);
    }
    op.row.findings++;
    op.keep *= 1 - API_WEIGHTS[f.severity];
    op.row.risk = Math.round(100 * (1 - op.keep));
  }
  return [...rows, ...opRows]
    .filter((r) => r.risk > 0)
    .sort((a, b) => b.risk - a.risk || b.findings - a.findings || a.path.localeCompare(b.path))
    .slice(0, limit);
}
