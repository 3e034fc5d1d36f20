// One storage interface, two implementations (SQLite embedded default, PostgreSQL for scale-out),
// one schema (src/store/schema.ts) and one query code path. Analysis never touches it; the CLI,
// server and workers do.

import type { Alert, Endpoint, Finding, Incident } from '../model/index.js';

export interface EndpointFilter {
  host?: string;
  tag?: string;
  sensitiveType?: string;
  minRisk?: number;
  /** Free text over host and path. */
  search?: string;
  limit?: number;
  offset?: number;
}

export interface FindingFilter {
  rule?: string;
  test?: string;
  minSeverity?: string;
  host?: string;
  limit?: number;
  offset?: number;
}

export interface AlertFilter {
  actor?: string;
  type?: string;
  minSeverity?: string;
  limit?: number;
  offset?: number;
}

export interface Store {
  /** Insert or merge endpoints by host + method + path (the caller has already merged their stats). */
  putEndpoints(endpoints: Endpoint[]): Promise<void>;
  getEndpoint(host: string, method: string, path: string): Promise<Endpoint | undefined>;
  listEndpoints(filter?: EndpointFilter): Promise<Endpoint[]>;
  /** Replace the findings of one producer (`audit:spec`, `audit:traffic`, `scan:<id>`) with a new set. */
  replaceFindings(producer: string, findings: Finding[]): Promise<void>;
  listFindings(filter?: FindingFilter): Promise<Finding[]>;
  putAlerts(alerts: Alert[]): Promise<void>;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  putIncidents(incidents: Incident[]): Promise<void>;
  listIncidents(): Promise<Incident[]>;
  /** Small key/value state (baselines, learnt templates, settings). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}
