// The schema, as ordered migrations shared by SQLite and PostgreSQL. Each statement is written in the
// common subset: SQLite maps BIGINT/DOUBLE PRECISION to its INTEGER/REAL affinities. Whole records are
// kept as JSON text in `data`; the columns beside it exist to filter, sort and join.

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'inventory, findings, alerts, incidents, meta',
    statements: [
      `CREATE TABLE IF NOT EXISTS endpoints (
        host TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        calls BIGINT NOT NULL DEFAULT 0,
        risk DOUBLE PRECISION NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT '',
        sensitive_types TEXT NOT NULL DEFAULT '',
        first_seen TEXT,
        last_seen TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (host, method, path)
      )`,
      'CREATE INDEX IF NOT EXISTS endpoints_risk ON endpoints (risk)',
      `CREATE TABLE IF NOT EXISTS findings (
        producer TEXT NOT NULL,
        id TEXT NOT NULL,
        rule TEXT,
        severity TEXT NOT NULL,
        severity_rank BIGINT NOT NULL,
        owasp TEXT NOT NULL,
        host TEXT,
        method TEXT,
        path TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (producer, id)
      )`,
      'CREATE INDEX IF NOT EXISTS findings_severity ON findings (severity_rank)',
      `CREATE TABLE IF NOT EXISTS alerts (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank BIGINT NOT NULL,
        actor TEXT NOT NULL,
        host TEXT,
        method TEXT,
        path TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS alerts_actor ON alerts (actor)',
      'CREATE INDEX IF NOT EXISTS alerts_last_seen ON alerts (last_seen)',
      `CREATE TABLE IF NOT EXISTS incidents (
        id TEXT PRIMARY KEY,
        actor TEXT NOT NULL,
        severity TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    ],
  },
  {
    version: 2,
    name: 'processed ids, retained exchanges, tokens, audit log, alert/incident workflow',
    statements: [
      'CREATE TABLE IF NOT EXISTS processed (id TEXT PRIMARY KEY, at BIGINT NOT NULL)',
      'CREATE INDEX IF NOT EXISTS processed_at ON processed (at)',
      // Retained exchanges, masked (data = JSON of the masked Exchange); columns for hunting.
      `CREATE TABLE IF NOT EXISTS exchanges (
        id TEXT PRIMARY KEY,
        time BIGINT NOT NULL,
        actor TEXT NOT NULL,
        host TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status BIGINT NOT NULL,
        hits TEXT NOT NULL DEFAULT '',
        size BIGINT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS exchanges_time ON exchanges (time)',
      'CREATE INDEX IF NOT EXISTS exchanges_actor_time ON exchanges (actor, time)',
      'CREATE INDEX IF NOT EXISTS exchanges_endpoint_time ON exchanges (host, method, path, time)',
      'CREATE INDEX IF NOT EXISTS exchanges_status_time ON exchanges (status, time)',
      `CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        last_used TEXT,
        revoked TEXT
      )`,
      `CREATE TABLE IF NOT EXISTS audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        details TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)',
      `CREATE TABLE IF NOT EXISTS workflow (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        status TEXT NOT NULL,
        assignee TEXT,
        updated TEXT NOT NULL,
        comments TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      )`,
    ],
  },
  {
    version: 3,
    name: 'scans, saved hunt queries, virtual patches, actor decisions, console sessions',
    statements: [
      `CREATE TABLE IF NOT EXISTS scans (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        started TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS scans_started ON scans (started)',
      `CREATE TABLE IF NOT EXISTS saved_queries (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        created TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS patches (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        expires TEXT,
        revoked TEXT,
        data TEXT NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS decisions (
        id TEXT PRIMARY KEY,
        actor TEXT NOT NULL,
        until_ms BIGINT NOT NULL,
        created TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS decisions_until ON decisions (until_ms)',
      // Console sign-in sessions: only the SHA-256 of the cookie value is kept, like tokens.
      `CREATE TABLE IF NOT EXISTS sessions (
        hash TEXT PRIMARY KEY,
        token_id TEXT NOT NULL,
        created TEXT NOT NULL,
        expires TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires)',
    ],
  },
  {
    version: 4,
    name: 'hunting by signature hit over a large retained window',
    statements: [
      // Exchanges with a hit are a few percent of traffic: a partial index walks only them, newest first,
      // instead of every retained row (bench/platform-query.mjs, 1M exchanges on SQLite: 181 → 8.6 ms of
      // CPU per query). Both SQLite and PostgreSQL use it when the query repeats `hits <> ''`.
      "CREATE INDEX IF NOT EXISTS exchanges_hit_time ON exchanges (time) WHERE hits <> ''",
    ],
  },
  {
    version: 5,
    name: 'hunting indexes carry the id tiebreak, so newest-first pages are index scans',
    // Hunting pages are `ORDER BY time DESC, id DESC LIMIT n`. With `id` in the index that order is a
    // backward index scan that stops after n rows; without it PostgreSQL (rows underestimated for
    // host+method+path) sorted every row of the endpoint: 315 ms → 0.4 ms for a 30,000-row endpoint.
    statements: [
      'DROP INDEX IF EXISTS exchanges_time',
      'DROP INDEX IF EXISTS exchanges_actor_time',
      'DROP INDEX IF EXISTS exchanges_endpoint_time',
      'DROP INDEX IF EXISTS exchanges_status_time',
      'DROP INDEX IF EXISTS exchanges_hit_time',
      'CREATE INDEX IF NOT EXISTS exchanges_time_id ON exchanges (time, id)',
      'CREATE INDEX IF NOT EXISTS exchanges_actor_time_id ON exchanges (actor, time, id)',
      'CREATE INDEX IF NOT EXISTS exchanges_endpoint_time_id ON exchanges (host, method, path, time, id)',
      'CREATE INDEX IF NOT EXISTS exchanges_status_time_id ON exchanges (status, time, id)',
      "CREATE INDEX IF NOT EXISTS exchanges_hit_time_id ON exchanges (time, id) WHERE hits <> ''",
    ],
  },
  {
    version: 6,
    name: 'alerts by endpoint',
    // The console's endpoint page lists that endpoint's alerts, newest first, among 100,000s.
    statements: ['CREATE INDEX IF NOT EXISTS alerts_endpoint ON alerts (host, method, path, last_seen)'],
  },
  {
    version: 7,
    name: 'endpoint list summaries',
    // The console's inventory list needs a few fields of each endpoint; reading and parsing the whole
    // record (schemas, observations, sketches) cost ~30 ms CPU per 1,000 rows. Rows written before this
    // migration have no summary and are read from `data` until next written.
    statements: ['ALTER TABLE endpoints ADD COLUMN summary TEXT'],
  },
];
