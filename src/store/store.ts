// One storage interface, two implementations (SQLite embedded default, PostgreSQL for scale-out),
// one schema (src/store/schema.ts) and one query code path. Analysis never touches it; the CLI,
// server and workers do.

import type { Alert, Endpoint, Finding, Incident } from '../model/index.js';
import type { Decision } from '../respond/decisions.js';
import type { Patch } from '../respond/patch.js';

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

/** The fields of an endpoint the inventory list shows (DESIGN.md's inventory row). */
export type EndpointSummary = Pick<
  Endpoint,
  'host' | 'method' | 'path' | 'tags' | 'calls' | 'auth' | 'sensitive' | 'risk' | 'lastSeen'
>;

export interface FindingFilter {
  /** One producer's findings (`scan:<id>`, `audit:spec` …). */
  producer?: string;
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
  /** The endpoint an alert is about (host, method, path template). */
  host?: string;
  method?: string;
  path?: string;
  minSeverity?: string;
  /** Workflow status (an alert without workflow state is open). */
  status?: WorkflowState['status'];
  limit?: number;
  offset?: number;
}

export interface Store {
  /** Insert or merge endpoints by host + method + path (the caller has already merged their stats). */
  putEndpoints(endpoints: Endpoint[]): Promise<void>;
  getEndpoint(host: string, method: string, path: string): Promise<Endpoint | undefined>;
  listEndpoints(filter?: EndpointFilter): Promise<Endpoint[]>;
  /** The same list as listEndpoints, only the summary fields (read from their own column). */
  listEndpointSummaries(filter?: EndpointFilter): Promise<EndpointSummary[]>;
  /**
   * The JSON (UTF-8) of the array listEndpoints (`full`) or listEndpointSummaries (`summary`) would
   * return, in the same order: the stored JSON spliced together, for answers that pass it on unchanged.
   */
  listEndpointsJson(filter?: EndpointFilter, fields?: 'full' | 'summary'): Promise<Buffer>;
  /** How many endpoints match the filter (its limit and offset ignored). */
  countEndpoints(filter?: EndpointFilter): Promise<number>;
  /** Replace the findings of one producer (`audit:spec`, `audit:traffic`, `scan:<id>`) with a new set. */
  replaceFindings(producer: string, findings: Finding[]): Promise<void>;
  listFindings(filter?: FindingFilter): Promise<Finding[]>;
  putAlerts(alerts: Alert[]): Promise<void>;
  getAlert(id: string): Promise<Alert | undefined>;
  /** A finding by id (the first producer's when several hold it). */
  getFinding(id: string): Promise<Finding | undefined>;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  putIncidents(incidents: Incident[]): Promise<void>;
  /** Newest first; `limit` caps the list. */
  listIncidents(q?: { limit?: number }): Promise<Incident[]>;
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
  /** Retained exchanges stored under a removed endpoint's path move to the template it folded into. */
  retemplated?: Array<{ host: string; method: string; from: string; to: string }>;
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
  target?: string;
  /** ISO time (UTC, as stored), inclusive. */
  since?: string;
  /** ISO time (UTC, as stored), exclusive. */
  until?: string;
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
  /** The console overview's counts, aggregated in the database (alerts per day since `alertsSince`, ISO). */
  overviewCounts(alertsSince: string): Promise<OverviewCounts>;
  /** Per UTC day since `from` (epoch ms): retained exchanges and distinct endpoints they called. */
  exchangeDays(from: number): Promise<Array<{ day: string; exchanges: number; endpoints: number }>>;
  /**
   * Deletes retained exchanges older than `before` (epoch ms), the oldest beyond `maxRows`, and the
   * oldest beyond `maxBytes` of stored (masked) exchange JSON.
   */
  pruneExchanges(opts: { before?: number; maxRows?: number; maxBytes?: number }): Promise<number>;
  createToken(t: TokenRecord & { hash: string }): Promise<void>;
  /** A live (not revoked) token by its hash; marks it used. */
  touchToken(hash: string, at: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(idOrName: string, at: string): Promise<boolean>;
  appendAudit(e: AuditEntry): Promise<void>;
  listAudit(q?: AuditQuery): Promise<AuditEntry[]>;
  getWorkflow(kind: WorkflowState['kind'], id: string): Promise<WorkflowState | undefined>;
  putWorkflow(w: WorkflowState): Promise<void>;
  listWorkflow(kind: WorkflowState['kind']): Promise<WorkflowState[]>;
  putScan(scan: ScanRecord): Promise<void>;
  getScan(id: string): Promise<ScanRecord | undefined>;
  /** Newest first; `active`: only queued and running ones. */
  listScans(q?: { limit?: number; offset?: number; active?: boolean }): Promise<ScanRecord[]>;
  putSavedQuery(q: SavedQuery): Promise<void>;
  /** All saved queries, or one owner's, by name. */
  listSavedQueries(owner?: string): Promise<SavedQuery[]>;
  deleteSavedQuery(id: string): Promise<boolean>;
  putPatch(p: StoredPatch): Promise<void>;
  /** Live patches (not revoked, not expired at `now`), newest first; all with `includeExpired`. */
  listPatches(q?: { includeExpired?: boolean; now?: number }): Promise<StoredPatch[]>;
  getPatch(id: string): Promise<StoredPatch | undefined>;
  /** Marks a live patch revoked; false when there is no such live patch. */
  revokePatch(id: string, at: string, who: string): Promise<boolean>;
  putDecision(d: StoredDecision): Promise<void>;
  /** Decisions still in force at `now` (epoch ms), newest first. */
  listDecisions(now: number): Promise<StoredDecision[]>;
  deleteDecision(id: string): Promise<boolean>;
  /** A console session: the SHA-256 of its cookie value, for the token that signed in. */
  createSession(s: { hash: string; tokenId: string; created: string; expires: string }): Promise<void>;
  /** The live token behind a session not expired at `at` (ISO time); also drops expired sessions. */
  touchSession(hash: string, at: string): Promise<{ token: TokenRecord; expires: string } | undefined>;
  deleteSession(hash: string): Promise<void>;
  /** The installation settings (meta `settings`) with defaults filled in. */
  getSettings(): Promise<PlatformSettings>;
  putSettings(s: PlatformSettings): Promise<void>;
}

export interface OverviewCounts {
  endpoints: number;
  hosts: number;
  /** Endpoints per lifecycle tag. */
  tags: Record<'shadow' | 'zombie' | 'deprecated' | 'orphan' | 'rogue', number>;
  /** Endpoints carrying sensitive data, and those of them with no authentication seen. */
  sensitive: number;
  sensitiveWithoutAuth: number;
  /** Endpoints a spec documents; endpoints seen in traffic. */
  documented: number;
  observed: number;
  /** Alerts whose workflow status is open. */
  openAlerts: number;
  /** Alerts by the UTC day they were first seen (`YYYY-MM-DD`). */
  alertsByDay: Record<string, number>;
  /** Incidents not resolved, by severity. */
  openIncidents: Record<string, number>;
  findings: number;
}

export interface ScanProgress {
  sent: number;
  findings: number;
  testsRun: number;
  testsTotal: number;
  phase: string;
}

export type ScanStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A scan started from the server; its findings are stored under producer `scan:<id>`. */
export interface ScanRecord {
  id: string;
  /** Target URL. */
  target: string;
  status: ScanStatus;
  started: string;
  finished?: string;
  progress: ScanProgress;
  /** What the scan was asked to do — identity names and headers only, never their values. */
  options: Record<string, unknown>;
  summary?: Record<string, unknown>;
  error?: string;
  /** Last write by the server running it; it rewrites it every 15 s while queued or running. */
  updated?: string;
  /** Instance name of the API server running it (`mamori serve`: host name and port). */
  owner?: string;
}

export interface SavedQuery {
  id: string;
  name: string;
  owner: string;
  query: ExchangeQuery;
  created: string;
}

/** A virtual patch (src/respond/patch.ts) as stored; revocation also records who. */
export type StoredPatch = Patch & { revokedBy?: string };

/** A decision about an actor (src/respond/decisions.ts) as stored and shared by server, proxy, middleware. */
export type StoredDecision = Decision & { id: string; created: string; createdBy: string };

/** Installation settings, kept in meta under `settings`. */
export interface PlatformSettings {
  /** Retained exchanges: kept `days`, at most `maxRows`, and at most `maxBytes` of stored JSON when set. */
  retention: { days: number; maxRows: number; maxBytes?: number };
  masking: { types: Record<string, 'mask' | 'keep'> };
  /** Origins (scheme://host[:port]) the server may scan. */
  scanTargets: string[];
  /** Who the installation is, for peer comparisons (survey figures by industry and country). */
  organisation?: { industry?: string; country?: string };
  integrations: {
    webhooks: Array<{ url: string; events: string[]; secret?: string }>;
    syslog?: { host: string; port: number };
    ocsf?: boolean;
  };
}
