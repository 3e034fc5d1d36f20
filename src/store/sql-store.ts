// The Store over either SQL driver: one schema, one set of statements.

import type { Alert, Endpoint, Finding, Incident, Severity } from '../model/index.js';
import { SEVERITY_RANK } from '../model/index.js';
import { MIGRATIONS } from './schema.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import type { AlertFilter, EndpointFilter, FindingFilter, Store } from './store.js';

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

const rank = (s: string | undefined): number => (s && s in SEVERITY_RANK ? SEVERITY_RANK[s as Severity] : 0);
/** Lists kept as `,a,b,` so `LIKE '%,a,%'` filters exactly in both dialects. */
const asList = (values: Iterable<string>): string => {
  const unique = [...new Set(values)].sort();
  return unique.length ? `,${unique.join(',')},` : '';
};
const page = (limit?: number, offset?: number): string =>
  ` LIMIT ${Math.max(0, Math.min(limit ?? 100_000, 100_000)) | 0} OFFSET ${Math.max(0, offset ?? 0) | 0}`;

export class SqlStore implements Store {
  constructor(private readonly db: SqlDriver) {}

  async putEndpoints(endpoints: Endpoint[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const e of endpoints) await upsertEndpoint(tx, e);
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
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM endpoints${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY risk DESC, host, path, method${page(filter.limit, filter.offset)}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.data) as Endpoint);
  }

  async replaceFindings(producer: string, findings: Finding[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM findings WHERE producer = ?', [producer]);
      for (const f of findings) {
        await tx.run(
          `INSERT INTO findings (producer, id, rule, severity, severity_rank, owasp, host, method, path, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (producer, id) DO UPDATE SET data = excluded.data`,
          [
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
          ],
        );
      }
    });
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
    const rows = await this.db.all<{ data: string }>(
      `SELECT data FROM findings${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY severity_rank DESC, rule, id${page(filter.limit, filter.offset)}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.data) as Finding);
  }

  async putAlerts(alerts: Alert[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const a of alerts) {
        await tx.run(
          `INSERT INTO alerts (id, type, severity, severity_rank, actor, host, method, path, first_seen, last_seen, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank,
             last_seen = excluded.last_seen, data = excluded.data`,
          [
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
          ],
        );
      }
    });
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
      for (const i of incidents) {
        await tx.run(
          `INSERT INTO incidents (id, actor, severity, last_seen, data) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, last_seen = excluded.last_seen, data = excluded.data`,
          [i.id, i.actor, i.severity, i.lastSeen, JSON.stringify(i)],
        );
      }
    });
  }

  async listIncidents(): Promise<Incident[]> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM incidents ORDER BY last_seen DESC, id',
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

  async close(): Promise<void> {
    await this.db.close();
  }
}

async function upsertEndpoint(tx: SqlExecutor, e: Endpoint): Promise<void> {
  await tx.run(
    `INSERT INTO endpoints (host, method, path, calls, risk, tags, sensitive_types, first_seen, last_seen, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (host, method, path) DO UPDATE SET calls = excluded.calls, risk = excluded.risk,
       tags = excluded.tags, sensitive_types = excluded.sensitive_types, first_seen = excluded.first_seen,
       last_seen = excluded.last_seen, data = excluded.data`,
    [
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
    ],
  );
}
