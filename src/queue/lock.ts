// A PostgreSQL session advisory lock around each worker batch: the pipeline's endpoint
// read-merge-write is not atomic across processes, so workers sharing one database take turns at
// the commit step (detection and parsing of the next batch still overlap). One dedicated connection.

import pg from 'pg';

export interface AdvisoryLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `url` is the store URL (`postgres://…[?schema=NAME]`); the lock key is derived from the schema. */
export async function advisoryLock(url: string): Promise<AdvisoryLock> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  const key = `mamori-ingest:${schema}`;
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(fn) {
      const next = tail.then(async () => {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      });
      tail = next.catch(() => undefined);
      return next;
    },
    async close() {
      await client.end();
    },
  };
}
