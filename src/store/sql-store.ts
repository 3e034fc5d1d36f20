// The Store over either SQL driver: one schema, one set of statements.

import type { Alert, Endpoint, Finding, Incident, Severity } from '../model/index.js';
import { SEVERITY_RANK } from '../model/index.js';
import { MIGRATIONS } from './schema.js';
import { settingsFrom } from './settings.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import type {
  AlertFilter,
  AuditEntry,
  AuditQuery,
  EndpointFilter,
  EndpointSummary,
  ExchangeQuery,
  FindingFilter,
  IngestCommit,
  OverviewCounts,
  PlatformSettings,
  PlatformStore,
  RetainedExchange,
  SavedQuery,
  ScanRecord,
  StoredDecision,
  StoredPatch,
  TokenRecord,
  WorkflowState,
} from './store.js';

/** Applies pending migrations in order; concurrent openers on PostgreSQL wait on an advisory lock. */
export async function migrate(db: SqlDriver): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(7235101)');
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)',
    );
    const done = new Set(
      (await tx.all<{ version: number | string }>('SELECT version FROM schema_migrations')).map((r) =>
        Number(r.version),
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
    }
  });
}

const OVERVIEW_TAGS = ['shadow', 'zombie', 'deprecated', 'orphan', 'rogue'] as const;

const rank = (s: string | undefined): number => (s && s in SEVERITY_RANK ? SEVERITY_RANK[s as Severity] : 0);
/** Lists kept as `,a,b,` so `LIKE '%,a,%'` filters exactly in both dialects. */
const asList = (values: Iterable<string>): string => {
  const unique = [...new Set(values)].sort();
  return unique.length ? `,${unique.join(',')},` : '';
};
const page = (limit?: number, offset?: number): string =>
  ` LIMIT ${Math.max(0, Math.min(limit ?? 100_000, 100_000)) | 0} OFFSET ${Math.max(0, offset ?? 0) | 0}`;

export class SqlStore implements PlatformStore {
  constructor(private readonly db: SqlDriver) {}

  async putEndpoints(endpoints: Endpoint[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertRows(tx, ENDPOINTS, endpoints);
    });
  }

  async getEndpoint(host: string, method: string, path: string): Promise<Endpoint | undefined> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM endpoints WHERE host = ? AND method = ? AND path = ?',
      [host, method, path],
    );
    return rows[0] ? (JSON.parse(rows[0].data) as Endpoint) : undefined;
  }

  async listEndpoints(filter: EndpointFilter = {}): Promise<Endpoint[]> {
    const rows = await this.db.all<{ body: string }>(...endpointPage('data', filter));
    return rows.map((r) => JSON.parse(r.body) as Endpoint);
  }

  async listEndpointSummaries(filter: EndpointFilter = {}): Promise<EndpointSummary[]> {
    const rows = await this.db.all<{ body: string | null; data: string | null }>(
      ...endpointPage('summary', filter, undefined, 'CASE WHEN e.summary IS NULL THEN e.data END AS data'),
    );
    return rows.map((r) =>
      r.body ? (JSON.parse(r.body) as EndpointSummary) : summaryOf(JSON.parse(r.data ?? '{}') as Endpoint),
    );
  }

  async countEndpoints(filter: EndpointFilter = {}): Promise<number> {
    const { where, params } = endpointWhere(filter);
    const [row] = await this.db.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM endpoints${where}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  async listEndpointsJson(filter: EndpointFilter = {}, fields: 'full' | 'summary' = 'full'): Promise<Buffer> {
    const column = fields === 'summary' ? 'summary' : 'data';
    // SQLite hands the stored UTF-8 bytes over as they are (a BLOB): no decoding into JavaScript strings
    // and no encoding back for the socket. PostgreSQL's driver gives text.
    const rows = await this.db.all<{ body: Buffer | string | null }>(
      ...endpointPage(column, filter, this.db.dialect === 'sqlite' ? `CAST(e.${column} AS BLOB)` : undefined),
    );
    // Rows written before the summary column existed have none: those lists are built from the records.
    if (rows.some((r) => r.body === null))
      return Buffer.from(JSON.stringify(await this.listEndpointSummaries(filter)));
    const parts: Buffer[] = [OPEN_BRACKET];
    for (const [i, r] of rows.entries()) {
      if (i > 0) parts.push(COMMA);
      parts.push(typeof r.body === 'string' ? Buffer.from(r.body) : (r.body as Buffer));
    }
    parts.push(CLOSE_BRACKET);
    return Buffer.concat(parts);
  }

  async replaceFindings(producer: string, findings: Finding[]): Promise<void> {
    await this.db.transaction((tx) => replaceFindingsIn(tx, [{ producer, findings }]));
  }

  async listFindings(filter: FindingFilter = {}): Promise<Finding[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.rule ?? filter.test) {
      where.push('rule = ?');
      params.push((filter.rule ?? filter.test) as string);
    }
    if (filter.minSeverity) {
      where.push('severity_rank >= ?');
      params.push(rank(filter.minSeverity));
    }
    if (filter.host) {
      where.push('host = ?');
      params.push(filter.host);
    }
    if (filter.producer) {
      where.push('producer = ?');
      params.push(filter.producer);
    }
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM findings${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY severity_rank DESC, rule, id${page(filter.limit, filter.offset)}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.data) as Finding);
  }

  async putAlerts(alerts: Alert[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertRows(tx, ALERTS, alerts);
    });
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const rows = await this.db.all<{ data: string }>('SELECT data FROM alerts WHERE id = ?', [id]);
    return rows[0] ? (JSON.parse(rows[0].data) as Alert) : undefined;
  }

  async getFinding(id: string): Promise<Finding | undefined> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM findings WHERE id = ? ORDER BY producer LIMIT 1',
      [id],
    );
    return rows[0] ? (JSON.parse(rows[0].data) as Finding) : undefined;
  }

  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.actor) {
      where.push('actor = ?');
      params.push(filter.actor);
    }
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    for (const [col, v] of [
      ['host', filter.host?.toLowerCase()],
      ['method', filter.method?.toUpperCase()],
      ['path', filter.path],
    ] as const)
      if (v) {
        where.push(`${col} = ?`);
        params.push(v);
      }
    if (filter.status) {
      where.push(
        "COALESCE((SELECT w.status FROM workflow w WHERE w.kind = 'alert' AND w.id = alerts.id), 'open') = ?",
      );
      params.push(filter.status);
    }
    if (filter.minSeverity) {
      where.push('severity_rank >= ?');
      params.push(rank(filter.minSeverity));
    }
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY last_seen DESC, id${page(filter.limit, filter.offset)}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.data) as Alert);
  }

  async putIncidents(incidents: Incident[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertRows(tx, INCIDENTS, incidents);
    });
  }

  async listIncidents(q: { limit?: number } = {}): Promise<Incident[]> {
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM incidents ORDER BY last_seen DESC, id${page(q.limit)}`,
    );
    return rows.map((r) => JSON.parse(r.data) as Incident);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.db.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.run(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  async unprocessed(ids: string[]): Promise<string[]> {
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.db.all<{ id: string }>(
        `SELECT id FROM processed WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const r of rows) seen.add(r.id);
    }
    return ids.filter((id) => !seen.has(id));
  }

  async commitIngest(c: IngestCommit): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      await insertRows(tx, PROCESSED(now), c.processed);
      await insertRows(tx, EXCHANGES, c.exchanges);
      for (const r of c.removedEndpoints ?? [])
        await tx.run('DELETE FROM endpoints WHERE host = ? AND method = ? AND path = ?', [
          r.host,
          r.method,
          r.path,
        ]);
      for (const r of c.retemplated ?? [])
        await tx.run('UPDATE exchanges SET path = ? WHERE host = ? AND method = ? AND path = ?', [
          r.to,
          r.host,
          r.method,
          r.from,
        ]);
      await insertRows(tx, ENDPOINTS, c.endpoints);
      await replaceFindingsIn(tx, c.findings);
      await insertRows(tx, ALERTS, c.alerts);
      await insertRows(tx, INCIDENTS, c.incidents);
    });
  }

  async queryExchanges(q: ExchangeQuery): Promise<RetainedExchange[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const eq = (col: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      params.push(v);
    };
    eq('actor', q.actor);
    eq('host', q.host?.toLowerCase());
    eq('method', q.method?.toUpperCase());
    eq('path', q.path);
    eq('status', q.status);
    if (q.from !== undefined) {
      where.push('time >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('time < ?');
      params.push(q.to);
    }
    if (q.hit) {
      // `hits <> ''` lets the planner use the partial index exchanges_hit_time_id (migrations 4, 5).
      where.push("hits <> ''", 'hits LIKE ?');
      params.push(`%,${q.hit},%`);
    }
    if (q.contains) {
      where.push('data LIKE ?');
      params.push(`%${q.contains}%`);
    }
    const rows = await this.db.all<{
      id: string;
      time: number | string;
      actor: string;
      host: string;
      method: string;
      path: string;
      status: number | string;
      hits: string;
      data: string;
    }>(
      `SELECT id, time, actor, host, method, path, status, hits, data FROM exchanges` +
        `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id DESC` +
        page(q.limit ?? 100, q.offset),
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      time: Number(r.time),
      actor: r.actor,
      host: r.host,
      method: r.method,
      path: r.path,
      status: Number(r.status),
      hits: r.hits.split(',').filter(Boolean),
      data: r.data,
    }));
  }

  async overviewCounts(alertsSince: string): Promise<OverviewCounts> {
    type N = number | string | null;
    const num = (v: N | undefined) => Number(v ?? 0);
    const [e] = await this.db.all<Record<string, N>>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT host) AS hosts,
         ${OVERVIEW_TAGS.map((t) => `SUM(CASE WHEN tags LIKE '%,${t},%' THEN 1 ELSE 0 END) AS ${t}`).join(', ')},
         SUM(CASE WHEN sensitive_types <> '' THEN 1 ELSE 0 END) AS sensitive,
         SUM(CASE WHEN calls > 0 THEN 1 ELSE 0 END) AS observed
       FROM endpoints`,
    );
    // Whether a spec documents an endpoint and which auth it saw live only in its JSON: read them with
    // each dialect's JSON functions rather than parsing every endpoint in JavaScript.
    const [j] = await this.db.all<{ documented: N; exposed: N }>(
      this.db.dialect === 'postgres'
        ? `SELECT SUM(CASE WHEN (data::jsonb -> 'spec') IS NOT NULL THEN 1 ELSE 0 END) AS documented,
             SUM(CASE WHEN sensitive_types <> '' AND NOT EXISTS (
               SELECT 1 FROM jsonb_array_elements(COALESCE(data::jsonb -> 'auth', '[]'::jsonb)) AS a
               WHERE a ->> 'type' <> 'none') THEN 1 ELSE 0 END) AS exposed
           FROM endpoints`
        : `SELECT SUM(CASE WHEN json_extract(data, '$.spec') IS NOT NULL THEN 1 ELSE 0 END) AS documented,
             SUM(CASE WHEN sensitive_types <> '' AND NOT EXISTS (
               SELECT 1 FROM json_each(endpoints.data, '$.auth') WHERE json_extract(value, '$.type') <> 'none')
             THEN 1 ELSE 0 END) AS exposed
           FROM endpoints`,
    );
    const [a] = await this.db.all<{ n: N }>(
      `SELECT COUNT(*) AS n FROM alerts LEFT JOIN workflow w ON w.kind = 'alert' AND w.id = alerts.id
       WHERE w.status IS NULL OR w.status = 'open'`,
    );
    const days = await this.db.all<{ d: string; n: N }>(
      `SELECT substr(first_seen, 1, 10) AS d, COUNT(*) AS n FROM alerts WHERE first_seen >= ?
       GROUP BY substr(first_seen, 1, 10)`,
      [alertsSince],
    );
    const incidents = await this.db.all<{ severity: string; n: N }>(
      `SELECT incidents.severity AS severity, COUNT(*) AS n FROM incidents
       LEFT JOIN workflow w ON w.kind = 'incident' AND w.id = incidents.id
       WHERE w.status IS NULL OR w.status <> 'resolved' GROUP BY incidents.severity`,
    );
    const [f] = await this.db.all<{ n: N }>('SELECT COUNT(*) AS n FROM findings');
    return {
      endpoints: num(e?.['n']),
      hosts: num(e?.['hosts']),
      tags: Object.fromEntries(OVERVIEW_TAGS.map((t) => [t, num(e?.[t])])) as OverviewCounts['tags'],
      sensitive: num(e?.['sensitive']),
      sensitiveWithoutAuth: num(j?.exposed),
      documented: num(j?.documented),
      observed: num(e?.['observed']),
      openAlerts: num(a?.n),
      alertsByDay: Object.fromEntries(days.map((d) => [d.d, num(d.n)])),
      openIncidents: Object.fromEntries(incidents.map((i) => [i.severity, num(i.n)])),
      findings: num(f?.n),
    };
  }

  async countExchanges(): Promise<number> {
    const rows = await this.db.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM exchanges');
    return Number(rows[0]?.n ?? 0);
  }

  async exchangeDays(from: number): Promise<Array<{ day: string; exchanges: number; endpoints: number }>> {
    // Integer division buckets epoch ms by UTC day in both dialects (BIGINT / BIGINT truncates).
    const rows = await this.db.all<{ d: number | string; n: number | string; e: number | string }>(
      `SELECT time / 86400000 AS d, COUNT(*) AS n, COUNT(DISTINCT host || ' ' || method || ' ' || path) AS e
       FROM exchanges WHERE time >= ? GROUP BY time / 86400000 ORDER BY d`,
      [from],
    );
    return rows.map((r) => ({
      day: new Date(Number(r.d) * 86_400_000).toISOString().slice(0, 10),
      exchanges: Number(r.n),
      endpoints: Number(r.e),
    }));
  }

  async pruneExchanges(opts: { before?: number; maxRows?: number; maxBytes?: number }): Promise<number> {
    return this.db.transaction(async (tx) => {
      const count = async () =>
        Number((await tx.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM exchanges'))[0]?.n ?? 0);
      const start = await count();
      if (opts.before !== undefined) await tx.run('DELETE FROM exchanges WHERE time < ?', [opts.before]);
      if (opts.maxRows !== undefined) {
        const excess = (await count()) - Math.max(0, Math.floor(opts.maxRows));
        if (excess > 0)
          await tx.run(
            `DELETE FROM exchanges WHERE id IN (SELECT id FROM exchanges ORDER BY time, id LIMIT ${excess | 0})`,
          );
      }
      if (opts.maxBytes !== undefined) {
        // Newest first, a running total of each row's stored size: rows past the budget go.
        const total = Number(
          (await tx.all<{ n: number | string | null }>('SELECT SUM(size) AS n FROM exchanges'))[0]?.n ?? 0,
        );
        if (total > opts.maxBytes)
          await tx.run(
            `DELETE FROM exchanges WHERE id IN (SELECT id FROM (SELECT id,
               SUM(size) OVER (ORDER BY time DESC, id DESC ROWS UNBOUNDED PRECEDING) AS kept
             FROM exchanges) AS r WHERE kept > ?)`,
            [Math.max(0, Math.floor(opts.maxBytes))],
          );
      }
      const removed = start - (await count());
      // The processed ids are the idempotency memory: kept for the same window (by processing time) and
      // never more rows than maxRows, so an exchange re-sent within retention is still recognised.
      if (opts.before !== undefined) await tx.run('DELETE FROM processed WHERE at < ?', [opts.before]);
      if (opts.maxRows !== undefined) {
        const processed = Number(
          (await tx.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM processed'))[0]?.n ?? 0,
        );
        const excess = processed - Math.max(0, Math.floor(opts.maxRows));
        if (excess > 0)
          await tx.run(
            `DELETE FROM processed WHERE id IN (SELECT id FROM processed ORDER BY at, id LIMIT ${excess | 0})`,
          );
      }
      return removed;
    });
  }

  async createToken(t: TokenRecord & { hash: string }): Promise<void> {
    await this.db.run('INSERT INTO tokens (id, name, role, hash, created) VALUES (?, ?, ?, ?, ?)', [
      t.id,
      t.name,
      t.role,
      t.hash,
      t.created,
    ]);
  }

  async touchToken(hash: string, at: string): Promise<TokenRecord | undefined> {
    const rows = await this.db.all<TokenRow>(
      'SELECT id, name, role, created, last_used, revoked FROM tokens WHERE hash = ? AND revoked IS NULL',
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    await this.db.run('UPDATE tokens SET last_used = ? WHERE id = ?', [at, row.id]);
    return tokenOf({ ...row, last_used: at });
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.db.all<TokenRow>(
      'SELECT id, name, role, created, last_used, revoked FROM tokens ORDER BY created, id',
    );
    return rows.map(tokenOf);
  }

  async revokeToken(idOrName: string, at: string): Promise<boolean> {
    const rows = await this.db.all<{ id: string }>(
      'SELECT id FROM tokens WHERE (id = ? OR name = ?) AND revoked IS NULL',
      [idOrName, idOrName],
    );
    for (const r of rows) await this.db.run('UPDATE tokens SET revoked = ? WHERE id = ?', [at, r.id]);
    return rows.length > 0;
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.db.run(
      'INSERT INTO audit_log (id, at, who, action, target, details) VALUES (?, ?, ?, ?, ?, ?)',
      [e.id, e.at, e.who, e.action, e.target, JSON.stringify(e.details)],
    );
  }

  async listAudit(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.who) {
      where.push('who = ?');
      params.push(q.who);
    }
    if (q.action) {
      where.push('action = ?');
      params.push(q.action);
    }
    if (q.target) {
      where.push('target = ?');
      params.push(q.target);
    }
    if (q.since) {
      where.push('at >= ?');
      params.push(q.since);
    }
    if (q.until) {
      where.push('at < ?');
      params.push(q.until);
    }
    const rows = await this.db.all<Omit<AuditEntry, 'details'> & { details: string }>(
      `SELECT id, at, who, action, target, details FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY at DESC, id DESC${page(q.limit ?? 100, q.offset)}`,
      params,
    );
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  async getWorkflow(kind: WorkflowState['kind'], id: string): Promise<WorkflowState | undefined> {
    const rows = await this.db.all<WorkflowRow>(
      'SELECT kind, id, status, assignee, updated, comments FROM workflow WHERE kind = ? AND id = ?',
      [kind, id],
    );
    return rows[0] ? workflowOf(rows[0]) : undefined;
  }

  async putWorkflow(w: WorkflowState): Promise<void> {
    await this.db.run(
      `INSERT INTO workflow (kind, id, status, assignee, updated, comments) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET status = excluded.status, assignee = excluded.assignee,
         updated = excluded.updated, comments = excluded.comments`,
      [w.kind, w.id, w.status, w.assignee ?? null, w.updated, JSON.stringify(w.comments)],
    );
  }

  async listWorkflow(kind: WorkflowState['kind']): Promise<WorkflowState[]> {
    const rows = await this.db.all<WorkflowRow>(
      'SELECT kind, id, status, assignee, updated, comments FROM workflow WHERE kind = ? ORDER BY id',
      [kind],
    );
    return rows.map(workflowOf);
  }

  async putScan(scan: ScanRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO scans (id, target, status, started, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      [scan.id, scan.target, scan.status, scan.started, JSON.stringify(scan)],
    );
  }

  async getScan(id: string): Promise<ScanRecord | undefined> {
    const rows = await this.db.all<{ data: string }>('SELECT data FROM scans WHERE id = ?', [id]);
    return rows[0] ? (JSON.parse(rows[0].data) as ScanRecord) : undefined;
  }

  async listScans(q: { limit?: number; offset?: number; active?: boolean } = {}): Promise<ScanRecord[]> {
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM scans${q.active ? " WHERE status IN ('queued', 'running')" : ''}` +
        ` ORDER BY started DESC, id${page(q.limit ?? 100, q.offset)}`,
    );
    return rows.map((r) => JSON.parse(r.data) as ScanRecord);
  }

  async putSavedQuery(q: SavedQuery): Promise<void> {
    await this.db.run(
      `INSERT INTO saved_queries (id, name, owner, created, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, owner = excluded.owner, data = excluded.data`,
      [q.id, q.name, q.owner, q.created, JSON.stringify(q)],
    );
  }

  async listSavedQueries(owner?: string): Promise<SavedQuery[]> {
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM saved_queries${owner !== undefined ? ' WHERE owner = ?' : ''} ORDER BY name, id`,
      owner !== undefined ? [owner] : [],
    );
    return rows.map((r) => JSON.parse(r.data) as SavedQuery);
  }

  async deleteSavedQuery(id: string): Promise<boolean> {
    return this.deleteById('saved_queries', id);
  }

  async putPatch(p: StoredPatch): Promise<void> {
    await this.db.run(
      `INSERT INTO patches (id, created, expires, revoked, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET expires = excluded.expires, revoked = excluded.revoked, data = excluded.data`,
      [p.id, p.created, p.expires ?? null, p.revoked ?? null, JSON.stringify(p)],
    );
  }

  async listPatches(q: { includeExpired?: boolean; now?: number } = {}): Promise<StoredPatch[]> {
    const now = new Date(q.now ?? Date.now()).toISOString();
    const rows = await this.db.all<{ data: string }>(
      q.includeExpired
        ? 'SELECT data FROM patches ORDER BY created DESC, id'
        : 'SELECT data FROM patches WHERE revoked IS NULL AND (expires IS NULL OR expires > ?) ORDER BY created DESC, id',
      q.includeExpired ? [] : [now],
    );
    return rows.map((r) => JSON.parse(r.data) as StoredPatch);
  }

  async getPatch(id: string): Promise<StoredPatch | undefined> {
    const rows = await this.db.all<{ data: string }>('SELECT data FROM patches WHERE id = ?', [id]);
    return rows[0] ? (JSON.parse(rows[0].data) as StoredPatch) : undefined;
  }

  async revokePatch(id: string, at: string, who: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ data: string }>(
        'SELECT data FROM patches WHERE id = ? AND revoked IS NULL',
        [id],
      );
      if (!rows[0]) return false;
      const p = { ...(JSON.parse(rows[0].data) as StoredPatch), revoked: at, revokedBy: who };
      await tx.run('UPDATE patches SET revoked = ?, data = ? WHERE id = ?', [at, JSON.stringify(p), id]);
      return true;
    });
  }

  async putDecision(d: StoredDecision): Promise<void> {
    await this.db.run(
      `INSERT INTO decisions (id, actor, until_ms, created, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET actor = excluded.actor, until_ms = excluded.until_ms, data = excluded.data`,
      [d.id, d.actor, d.until, d.created, JSON.stringify(d)],
    );
  }

  async listDecisions(now: number): Promise<StoredDecision[]> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM decisions WHERE until_ms > ? ORDER BY created DESC, id',
      [now],
    );
    return rows.map((r) => JSON.parse(r.data) as StoredDecision);
  }

  async deleteDecision(id: string): Promise<boolean> {
    return this.deleteById('decisions', id);
  }

  async createSession(x: { hash: string; tokenId: string; created: string; expires: string }): Promise<void> {
    await this.db.run('INSERT INTO sessions (hash, token_id, created, expires) VALUES (?, ?, ?, ?)', [
      x.hash,
      x.tokenId,
      x.created,
      x.expires,
    ]);
  }

  async touchSession(hash: string, at: string): Promise<{ token: TokenRecord; expires: string } | undefined> {
    await this.db.run('DELETE FROM sessions WHERE expires <= ?', [at]);
    const rows = await this.db.all<TokenRow & { expires: string }>(
      `SELECT t.id, t.name, t.role, t.created, t.last_used, t.revoked, s.expires
       FROM sessions s JOIN tokens t ON t.id = s.token_id
       WHERE s.hash = ? AND s.expires > ? AND t.revoked IS NULL`,
      [hash, at],
    );
    const row = rows[0];
    if (!row) return undefined;
    await this.db.run('UPDATE tokens SET last_used = ? WHERE id = ?', [at, row.id]);
    return { token: tokenOf({ ...row, last_used: at }), expires: row.expires };
  }

  async deleteSession(hash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE hash = ?', [hash]);
  }

  async getSettings(): Promise<PlatformSettings> {
    return settingsFrom(await this.getMeta('settings'));
  }

  async putSettings(settings: PlatformSettings): Promise<void> {
    await this.setMeta('settings', JSON.stringify(settings));
  }

  private async deleteById(table: 'saved_queries' | 'decisions', id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ id: string }>(`SELECT id FROM ${table} WHERE id = ?`, [id]);
      if (!rows[0]) return false;
      await tx.run(`DELETE FROM ${table} WHERE id = ?`, [id]);
      return true;
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  created: string;
  last_used: string | null;
  revoked: string | null;
}

function tokenOf(r: TokenRow): TokenRecord {
  const t: TokenRecord = { id: r.id, name: r.name, role: r.role as TokenRecord['role'], created: r.created };
  if (r.last_used) t.lastUsed = r.last_used;
  if (r.revoked) t.revoked = r.revoked;
  return t;
}

interface WorkflowRow {
  kind: string;
  id: string;
  status: string;
  assignee: string | null;
  updated: string;
  comments: string;
}

function workflowOf(r: WorkflowRow): WorkflowState {
  const w: WorkflowState = {
    kind: r.kind as WorkflowState['kind'],
    id: r.id,
    status: r.status as WorkflowState['status'],
    updated: r.updated,
    comments: JSON.parse(r.comments) as WorkflowState['comments'],
  };
  if (r.assignee) w.assignee = r.assignee;
  return w;
}

/** Rows per multi-row INSERT: 100 × 11 columns stays far below both databases' parameter limits. */
const ROWS_PER_INSERT = 100;

/** A table's multi-row insert: columns, the conflict clause, and one row's values. */
interface RowWriter<T> {
  into: string;
  columns: number;
  tail: string;
  /** Rows with the same key in one statement would conflict with each other: the last one wins. */
  key?: (row: T) => string;
  values: (row: T, out: SqlValue[]) => void;
}

/**
 * Multi-row `INSERT INTO table (cols) VALUES (…), (…) <tail>`: one statement per 100 rows instead of
 * one per row (a tenth of the driver calls on SQLite, of the round trips on PostgreSQL).
 */
async function insertRows<T>(tx: SqlExecutor, w: RowWriter<T>, all: readonly T[]): Promise<void> {
  let rows = all;
  if (w.key && rows.length > 1) {
    const byKey = new Map<string, T>();
    for (const r of rows) byKey.set(w.key(r), r);
    if (byKey.size < rows.length) rows = [...byKey.values()];
  }
  const tuple = `(${new Array(w.columns).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const params: SqlValue[] = [];
    for (const r of chunk) w.values(r, params);
    await tx.run(
      `INSERT INTO ${w.into} VALUES ${new Array(chunk.length).fill(tuple).join(', ')} ${w.tail}`,
      params,
    );
  }
}

const PROCESSED = (at: number): RowWriter<string> => ({
  into: 'processed (id, at)',
  columns: 2,
  tail: 'ON CONFLICT (id) DO NOTHING',
  values: (id, out) => out.push(id, at),
});

const EXCHANGES: RowWriter<RetainedExchange> = {
  into: 'exchanges (id, time, actor, host, method, path, status, hits, size, data)',
  columns: 10,
  tail: 'ON CONFLICT (id) DO NOTHING',
  values: (x, out) =>
    out.push(
      x.id,
      x.time,
      x.actor,
      x.host,
      x.method,
      x.path,
      x.status,
      asList(x.hits),
      x.data.length,
      x.data,
    ),
};

type ProducedFinding = { producer: string; f: Finding };
const FINDINGS: RowWriter<ProducedFinding> = {
  into: 'findings (producer, id, rule, severity, severity_rank, owasp, host, method, path, data)',
  columns: 10,
  tail: 'ON CONFLICT (producer, id) DO UPDATE SET data = excluded.data',
  key: ({ producer, f }) => `${producer}\n${f.id}`,
  values: ({ producer, f }, out) =>
    out.push(
      producer,
      f.id,
      f.rule ?? f.test ?? null,
      f.severity,
      rank(f.severity),
      f.owasp,
      f.host ?? null,
      f.method ?? null,
      f.path ?? null,
      JSON.stringify(f),
    ),
};

const ALERTS: RowWriter<Alert> = {
  into: 'alerts (id, type, severity, severity_rank, actor, host, method, path, first_seen, last_seen, data)',
  columns: 11,
  tail: `ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank,
     last_seen = excluded.last_seen, data = excluded.data`,
  key: (a) => a.id,
  values: (a, out) =>
    out.push(
      a.id,
      a.type,
      a.severity,
      rank(a.severity),
      a.actor,
      a.host ?? null,
      a.method ?? null,
      a.path ?? null,
      a.firstSeen,
      a.lastSeen,
      JSON.stringify(a),
    ),
};

const INCIDENTS: RowWriter<Incident> = {
  into: 'incidents (id, actor, severity, last_seen, data)',
  columns: 5,
  tail: 'ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, last_seen = excluded.last_seen, data = excluded.data',
  key: (i) => i.id,
  values: (i, out) => out.push(i.id, i.actor, i.severity, i.lastSeen, JSON.stringify(i)),
};

const ENDPOINTS: RowWriter<Endpoint> = {
  into: 'endpoints (host, method, path, calls, risk, tags, sensitive_types, first_seen, last_seen, data, summary)',
  columns: 11,
  tail: `ON CONFLICT (host, method, path) DO UPDATE SET calls = excluded.calls, risk = excluded.risk,
     tags = excluded.tags, sensitive_types = excluded.sensitive_types, first_seen = excluded.first_seen,
     last_seen = excluded.last_seen, data = excluded.data, summary = excluded.summary`,
  key: (e) => `${e.host} ${e.method} ${e.path}`,
  values: (e, out) =>
    out.push(
      e.host,
      e.method,
      e.path,
      e.calls,
      e.risk,
      asList(e.tags.map((t) => t.tag)),
      asList(e.sensitive.map((s) => s.type)),
      e.firstSeen ?? null,
      e.lastSeen ?? null,
      JSON.stringify(e),
      JSON.stringify(summaryOf(e)),
    ),
};

/** Each producer's findings replace what it produced before. */
async function replaceFindingsIn(
  tx: SqlExecutor,
  sets: ReadonlyArray<{ producer: string; findings: Finding[] }>,
): Promise<void> {
  const producers = [...new Set(sets.map((s) => s.producer))];
  for (let i = 0; i < producers.length; i += 500) {
    const chunk = producers.slice(i, i + 500);
    await tx.run(`DELETE FROM findings WHERE producer IN (${chunk.map(() => '?').join(', ')})`, chunk);
  }
  await insertRows(
    tx,
    FINDINGS,
    sets.flatMap((s) => s.findings.map((f) => ({ producer: s.producer, f }))),
  );
}

const ENDPOINT_ORDER = 'risk DESC, host, path, method';
const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');

/**
 * One page of the inventory in its order: the page's keys sorted and cut first, then each row's JSON
 * looked up by primary key. Sorting the rows themselves made the database copy every record into its
 * sorter — 1,000 full records (2.8 MB) cost ≈ 20 ms of SQLite CPU that way, ≈ 3 ms this way (SQLite keeps
 * the key order through the join; the outer ORDER BY is then free, and it makes the order explicit for
 * PostgreSQL).
 */
function endpointPage(
  column: 'data' | 'summary',
  filter: EndpointFilter,
  body = `e.${column}`,
  extra?: string,
): [string, SqlValue[]] {
  const { where, params } = endpointWhere(filter);
  return [
    `SELECT ${body} AS body${extra ? `, ${extra}` : ''}
     FROM (SELECT host, method, path, risk FROM endpoints${where}
       ORDER BY ${ENDPOINT_ORDER}${page(filter.limit, filter.offset)}) AS k
     JOIN endpoints e ON e.host = k.host AND e.method = k.method AND e.path = k.path
     ORDER BY k.risk DESC, k.host, k.path, k.method`,
    params,
  ];
}

/** The WHERE clause of an inventory filter. */
function endpointWhere(filter: EndpointFilter): { where: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.host) {
    where.push('host = ?');
    params.push(filter.host.toLowerCase());
  }
  if (filter.tag) {
    where.push('tags LIKE ?');
    params.push(`%,${filter.tag},%`);
  }
  if (filter.sensitiveType) {
    where.push('sensitive_types LIKE ?');
    params.push(`%,${filter.sensitiveType},%`);
  }
  if (filter.minRisk !== undefined) {
    where.push('risk >= ?');
    params.push(filter.minRisk);
  }
  if (filter.search) {
    where.push("LOWER(host || ' ' || method || ' ' || path) LIKE ?");
    params.push(`%${filter.search.toLowerCase()}%`);
  }
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

/** The inventory-list fields of an endpoint. */
export function summaryOf(e: Endpoint): EndpointSummary {
  return {
    host: e.host,
    method: e.method,
    path: e.path,
    tags: e.tags,
    calls: e.calls,
    auth: e.auth,
    sensitive: e.sensitive,
    risk: e.risk,
    ...(e.lastSeen ? { lastSeen: e.lastSeen } : {}),
  };
}
