// PostgreSQL driver (scale-out): a pg Pool. `?schema=NAME` in the URL selects (and creates) a schema,
// which keeps tenants and test runs apart in one database.

import pg from 'pg';
import { type SqlDriver, type SqlExecutor, type SqlValue, toPostgresParams } from './sql.js';

export async function openPostgres(url: string): Promise<SqlDriver> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name in store URL: ${schema}`);
  }
  if (schema) {
    const setup = new pg.Client({ connectionString: parsed.toString() });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await setup.end();
    }
  }
  // The schema travels as a startup parameter, so every pooled connection has it from the start.
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 8,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const over = (q: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async run(sql, params: readonly SqlValue[] = []) {
      await q.query(toPostgresParams(sql), params as SqlValue[]);
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      const res = await q.query(toPostgresParams(sql), params as SqlValue[]);
      return res.rows as T[];
    },
  });
  const direct = over(pool);
  return {
    dialect: 'postgres',
    ...direct,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(over(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
