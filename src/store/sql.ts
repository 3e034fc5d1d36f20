// The one query path both databases share: portable SQL with `?` placeholders, run by a small driver
// per dialect. We use plain SQL rather than a query builder because every statement here is
// portable as written (ON CONFLICT upserts, LIKE filters, TEXT/BIGINT/DOUBLE PRECISION types) and the
// embedded path stays synchronous underneath (better-sqlite3), which matters for ingest speed.

export type SqlValue = string | number | bigint | null;

export interface SqlExecutor {
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction; statements inside must use the executor it is given. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Several statements separated by `;` (migrations only). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** `?` → `$1, $2 …` for PostgreSQL (no `?` appears inside our SQL string literals). */
export function toPostgresParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
