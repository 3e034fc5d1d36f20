// PostgreSQL session advisory locks per host around each worker batch's endpoint merge and commit
// (the pipeline's CommitLock). The merge is read-merge-write over the stored endpoints of the batch's
// hosts, so two workers merging into the same host take turns; workers whose batches touch other hosts
// do not wait, and detection, masking and inventory building of every batch run outside the lock.
// Locks are taken in sorted host order (no deadlock) on one dedicated connection per process.

import pg from 'pg';
import type { CommitLock } from '../pipeline/index.js';

export interface LockStats {
  /** Batches that took the lock. */
  runs: number;
  /** Time spent waiting for other workers to release it (ms). */
  waitMs: number;
  /** Time it was held: merge, audit and commit (ms). */
  heldMs: number;
}

export interface AdvisoryLock {
  run: CommitLock;
  /** What the lock cost this process so far (printed by `mamori worker` when it stops). */
  stats(): LockStats;
  close(): Promise<void>;
}

/** `url` is the store URL (`postgres://…[?schema=NAME]`); lock keys are derived from the schema and host. */
export async function advisoryLock(url: string): Promise<AdvisoryLock> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  const keys = (hosts: string[]) => [...new Set(hosts)].sort().map((h) => `mamori-ingest:${schema}:${h}`);
  let tail: Promise<unknown> = Promise.resolve();
  const stats: LockStats = { runs: 0, waitMs: 0, heldMs: 0 };
  return {
    stats: () => ({ ...stats }),
    run(hosts, fn) {
      const next = tail.then(async () => {
        const asked = performance.now();
        // One round trip each way: the locks in sorted order in one statement, and all of this
        // connection's locks released at once (it holds no others), so the time between the commit and
        // the worker's report of it stays one round trip.
        await client.query(
          'SELECT pg_advisory_lock(hashtext(k)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) AS s',
          [keys(hosts)],
        );
        const got = performance.now();
        stats.runs++;
        stats.waitMs += got - asked;
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock_all()');
          stats.heldMs += performance.now() - got;
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
