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

/** A retained exchange as stored: the masked exchange plus the columns hunting filters on. */
export interface RetainedExchange {
  id: string;
  time: number;
  actor: string;
  host: string;
  method: string;
  /** Endpoint path template. */
  path: string;
  /** 0 when no response was seen. */
  status: number;
  /** Alert types / signature ids this exchange triggered. */
  hits: string[];
  /** JSON of the masked exchange. */
  data: string;
}

export interface ExchangeQuery {
  actor?: string;
  host?: string;
  method?: string;
  path?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  status?: number;
  /** Alert type or signature id. */
  hit?: string;
  /** Substring of the stored (masked) exchange JSON, e.g. a field name or masked value. */
  contains?: string;
  limit?: number;
  offset?: number;
}

/** Everything one ingest batch changes, committed in one transaction (idempotency by exchange id). */
export interface IngestCommit {
  processed: string[];
  exchanges: RetainedExchange[];
  endpoints: Endpoint[];
  /** Stored endpoints folded into a learnt template (host, method, path), removed. */
  removedEndpoints?: Array<{ host: string; method: string; path: string }>;
  /** Replaces each producer's findings. */
  findings: Array<{ producer: string; findings: Finding[] }>;
  alerts: Alert[];
  incidents: Incident[];
}

export type Role = 'admin' | 'analyst' | 'viewer' | 'ingest';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  created: string;
  lastUsed?: string;
  revoked?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  who: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  who?: string;
  action?: string;
  since?: string;
  limit?: number;
  offset?: number;
}

export interface WorkflowComment {
  who: string;
  at: string;
  text: string;
}

export interface WorkflowState {
  kind: 'alert' | 'incident';
  id: string;
  status: 'open' | 'acknowledged' | 'resolved';
  assignee?: string;
  updated: string;
  comments: WorkflowComment[];
}

/** The platform's store: the analysis store plus what the server and pipeline keep. */
export interface PlatformStore extends Store {
  /** The ids among `ids` not processed yet. */
  unprocessed(ids: string[]): Promise<string[]>;
  commitIngest(commit: IngestCommit): Promise<void>;
  queryExchanges(q: ExchangeQuery): Promise<RetainedExchange[]>;
  countExchanges(): Promise<number>;
  /** Deletes retained exchanges older than `before` (epoch ms) and the oldest beyond `maxRows`. */
  pruneExchanges(opts: { before?: number; maxRows?: number }): Promise<number>;
  createToken(t: TokenRecord & { hash: string }): Promise<void>;
  /** A live (not revoked) token by its hash; marks it used. */
  useToken(hash: string, at: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(idOrName: string, at: string): Promise<boolean>;
  appendAudit(e: AuditEntry): Promise<void>;
  listAudit(q?: AuditQuery): Promise<AuditEntry[]>;
  getWorkflow(kind: WorkflowState['kind'], id: string): Promise<WorkflowState | undefined>;
  putWorkflow(w: WorkflowState): Promise<void>;
  listWorkflow(kind: WorkflowState['kind']): Promise<WorkflowState[]>;
}
