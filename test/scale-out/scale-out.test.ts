// Scale-out end to end against the real local PostgreSQL (127.0.0.1:5432) and NATS JetStream
// (127.0.0.1:4222): exchanges published partitioned by actor, analysed by `mamori worker` processes
// (the built CLI), acknowledged only after the PostgreSQL commit. Each test uses its own schema and
// stream and drops both afterwards.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/model/index.js';
import { demoExchanges, SECRETS, secretExchange } from '../../src/pipeline/test-support.js';
import {
  createJetStreamQueue,
  deleteQueue,
  openQueue,
  parseQueueUrl,
  partitionOf,
  type QueueConfig,
  streamName,
} from '../../src/queue/index.js';
import { openStore } from '../../src/store/index.js';
import {
  counts,
  dropSchema,
  ensureBuilt,
  NATS,
  PG,
  runId,
  spawnWorker,
  stopWorker,
  waitFor,
} from './support.js';

type Worker = ReturnType<typeof spawnWorker>;

/** Exchanges the workers report analysed (printed right after each commit) and skipped as already done. */
function analysed(workers: Worker[]): { analysed: number; duplicates: number } {
  let a = 0;
  let d = 0;
  for (const w of workers)
    for (const m of w.log.join('').matchAll(/committed (\d+) analysed, (\d+) already done/g)) {
      a += Number(m[1]);
      d += Number(m[2]);
    }
  return { analysed: a, duplicates: d };
}

/** Demo traffic with ids unique to this seed (the generator's ids repeat across seeds). */
function traffic(entries: number, seed: number) {
  return demoExchanges(entries, seed).map((e) => ({ ...e, id: `s${seed}-${e.id}` }));
}

let cleanups: Array<() => Promise<void>> = [];

function setup(opts: { partitions: number; ackWaitMs: number }) {
  const id = runId();
  const storeUrl = `${PG}?schema=${id}`;
  const queueUrl = `${NATS}?prefix=${id}&partitions=${opts.partitions}&ackWaitMs=${opts.ackWaitMs}`;
  const config: QueueConfig = parseQueueUrl(queueUrl);
  const workers: Worker[] = [];
  cleanups.push(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await deleteQueue(config);
    await dropSchema(id);
  });
  return {
    id,
    storeUrl,
    queueUrl,
    config,
    worker(args: string[], env?: Record<string, string>) {
      const w = spawnWorker(['--store', storeUrl, '--queue', queueUrl, ...args], env);
      workers.push(w);
      return w;
    },
  };
}

async function publish(config: QueueConfig, exchanges: Exchange[]) {
  const q = await openQueue(config);
  try {
    return await createJetStreamQueue(q).push(exchanges);
  } finally {
    await q.close();
  }
}

async function pendingOf(config: QueueConfig): Promise<number> {
  const q = await openQueue(config);
  try {
    let n = 0;
    for (let p = 0; p < config.partitions; p++) {
      const info = await q.jsm.consumers.info(streamName(config), `p${p}`);
      n += info.num_pending + info.num_ack_pending;
    }
    return n;
  } finally {
    await q.close();
  }
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

afterEach(async () => {
  const list = cleanups;
  cleanups = [];
  for (const c of list) await c();
});

describe('scale-out on PostgreSQL + NATS JetStream', () => {
  it('partitions by actor and two workers analyse every exchange exactly once', async () => {
    const exchanges = traffic(400, 11);
    const s = setup({ partitions: 2, ackWaitMs: 5000 });
    // Both partitions get traffic, and one actor's exchanges always land on one partition.
    const parts = new Set(exchanges.map((e) => partitionOf(e, 2)));
    expect(parts).toEqual(new Set([0, 1]));

    const first = await publish(s.config, exchanges);
    expect(first).toMatchObject({ received: exchanges.length, duplicates: 0 });
    const w0 = s.worker(['--partition', '0', '--batch', '50']);
    const w1 = s.worker(['--partition', '1', '--batch', '50']);
    await waitFor('all exchanges committed and acknowledged', async () => {
      const c = await counts(s.id);
      return c.processed === exchanges.length && (await pendingOf(s.config)) === 0;
    });
    // A re-sent batch is recognised as duplicate by JetStream and changes nothing.
    const again = await publish(s.config, exchanges);
    expect(again.duplicates).toBe(exchanges.length);
    await new Promise((r) => setTimeout(r, 500));
    const c = await counts(s.id);
    expect(c).toEqual({ processed: exchanges.length, exchanges: exchanges.length });
    // Each worker analysed its own partition, and together every exchange exactly once.
    expect(analysed([w0]).analysed).toBe(exchanges.filter((e) => partitionOf(e, 2) === 0).length);
    expect(analysed([w0, w1])).toEqual({ analysed: exchanges.length, duplicates: 0 });
  }, 60_000);

  it('a worker killed with SIGKILL in the middle of a batch loses and doubles nothing', async () => {
    const exchanges = traffic(240, 12);
    const s = setup({ partitions: 2, ackWaitMs: 2000 });
    await publish(s.config, exchanges);
    // Slow worker: 15 ms per message before the commit and 15 ms between acknowledgements.
    const slow = s.worker(['--batch', '60'], { MAMORI_WORKER_TEST_DELAY_MS: '15' });
    await waitFor('the first batch committed', async () => (await counts(s.id)).processed > 0);
    // Now it is acknowledging the committed batch one by one (or reading the next one): kill it.
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise((r) => slow.once('exit', (_code, signal) => r(signal)));
    slow.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const mid = await counts(s.id);
    expect(mid.processed).toBeGreaterThan(0);
    expect(mid.processed).toBeLessThan(exchanges.length);
    // Some committed messages were never acknowledged: JetStream redelivers them to the next worker.
    expect(await pendingOf(s.config)).toBeGreaterThan(exchanges.length - mid.processed);

    const next = s.worker(['--batch', '60']);
    await waitFor('everything committed and acknowledged after the crash', async () => {
      const c = await counts(s.id);
      return c.processed === exchanges.length && (await pendingOf(s.config)) === 0;
    });
    expect(await counts(s.id)).toEqual({ processed: exchanges.length, exchanges: exchanges.length });
    // Analysed once in all: what the killed worker committed plus what the next one analysed, and the
    // committed-but-unacknowledged messages came back and were recognised as already done.
    await new Promise((r) => setTimeout(r, 300));
    const done = analysed([slow, next]);
    expect(done.analysed).toBe(exchanges.length);
    expect(done.duplicates).toBeGreaterThan(0);
  }, 60_000);

  it('a server restart loses nothing it acknowledged', async () => {
    const before = traffic(150, 13);
    const after = traffic(150, 14);
    const all = [...before, ...after];
    const s = setup({ partitions: 2, ackWaitMs: 5000 });
    // Server 1 acknowledges a batch (push resolved = stored by JetStream), then stops with no worker running.
    const q1 = await openQueue(s.config);
    const r1 = await createJetStreamQueue(q1).push(before);
    expect(r1.received).toBe(before.length);
    await q1.close();
    // Server 2 (a new connection, stream and consumers found as they were) acknowledges another.
    const q2 = await openQueue(s.config);
    await createJetStreamQueue(q2).push(after);
    await q2.close();
    expect(await pendingOf(s.config)).toBe(all.length);
    const w = s.worker([]);
    await waitFor('both batches analysed', async () => {
      const c = await counts(s.id);
      return c.processed === all.length && (await pendingOf(s.config)) === 0;
    });
    expect(await counts(s.id)).toEqual({ processed: all.length, exchanges: all.length });
    await new Promise((r) => setTimeout(r, 300));
    expect(analysed([w])).toEqual({ analysed: all.length, duplicates: 0 });
  }, 60_000);
  it('a worker applies changed masking settings from its next batch', async () => {
    const s = setup({ partitions: 1, ackWaitMs: 5000 });
    const w = s.worker(['--batch', '10']);
    const store = await openStore(s.storeUrl);
    try {
      const stored = async (id: string) => {
        await waitFor(
          `exchange ${id} committed`,
          async () => (await store.queryExchanges({ contains: id })).length > 0,
        );
        return (await store.queryExchanges({ contains: id }))[0]?.data ?? '';
      };
      // Raw values never reach the store by default …
      await publish(s.config, [{ ...secretExchange('mask-1'), time: Date.now() }]);
      expect(await stored('mask-1')).not.toContain(SECRETS.email);
      // … an admin keeps e-mail addresses (what PUT /api/v1/settings writes) and the next batch keeps them …
      const settings = await store.getSettings();
      await store.putSettings({ ...settings, masking: { types: { EMAIL: 'keep' } } });
      await publish(s.config, [{ ...secretExchange('keep-1'), time: Date.now() }]);
      expect(await stored('keep-1')).toContain(SECRETS.email);
      // … and masking them again applies as soon.
      await store.putSettings({ ...settings, masking: { types: {} } });
      await publish(s.config, [{ ...secretExchange('mask-2'), time: Date.now() }]);
      expect(await stored('mask-2')).not.toContain(SECRETS.email);
      await waitFor('the last batch reported', async () => analysed([w]).analysed === 3);
      expect(analysed([w])).toEqual({ analysed: 3, duplicates: 0 });
    } finally {
      await store.close();
    }
  }, 60_000);
});
