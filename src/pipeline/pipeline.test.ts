import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../model/index.js';
import { openStore, type PlatformStore } from '../store/index.js';
import { createPipeline } from './pipeline.js';
import { createIngestQueue, QueueFullError } from './queue.js';
import { demoExchanges, SECRETS, secretExchange } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'mamori-pipeline-'));
const stores: PlatformStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});
async function fresh(name: string) {
  const file = join(dir, `${name}.db`);
  const store = await openStore(file);
  stores.push(store);
  return { store, file };
}

describe('pipeline', () => {
  it('turns demo traffic into inventory, findings, alerts and retained exchanges, once per exchange id', async () => {
    const { store } = await fresh('demo');
    const pipeline = createPipeline({ store, options: { approvedHosts: ['*.shop.example'] } });
    const exchanges = demoExchanges(1500);
    const first = await pipeline.ingest(exchanges.slice(0, 800));
    const second = await pipeline.ingest(exchanges.slice(700));
    expect(first.processed).toBe(800);
    expect(second).toMatchObject({
      received: exchanges.length - 700,
      duplicates: 100,
      processed: exchanges.length - 800,
    });

    const endpoints = await store.listEndpoints();
    expect(endpoints.length).toBeGreaterThan(5);
    expect(endpoints.reduce((n, e) => n + e.calls, 0)).toBe(exchanges.length);
    expect(endpoints.some((e) => e.sensitive.length > 0)).toBe(true);
    expect((await store.listFindings()).length).toBeGreaterThan(0);
    const alerts = await store.listAlerts();
    expect(alerts.some((a) => a.type.startsWith('signature.'))).toBe(true);
    expect(await store.countExchanges()).toBe(exchanges.length);
    const hunted = await store.queryExchanges({ hit: alerts[0]?.type as string, limit: 5 });
    expect(hunted.length).toBeGreaterThan(0);

    // Re-sending everything changes nothing.
    const again = await pipeline.ingest(exchanges);
    expect(again).toMatchObject({ processed: 0, duplicates: exchanges.length });
    expect((await store.listEndpoints()).reduce((n, e) => n + e.calls, 0)).toBe(exchanges.length);
  });

  it('counts every call once whatever the batch size', async () => {
    const exchanges = demoExchanges(400, 11);
    for (const size of [400, 50, 10]) {
      const { store } = await fresh(`batches-${size}`);
      const pipeline = createPipeline({ store });
      for (let i = 0; i < exchanges.length; i += size) await pipeline.ingest(exchanges.slice(i, i + size));
      const calls = (await store.listEndpoints()).reduce((n, e) => n + e.calls, 0);
      expect({ size, calls }).toEqual({ size, calls: exchanges.length });
    }
  });

  it('files every retained exchange under an endpoint of the inventory, also when templates are learnt later', async () => {
    const exchanges = demoExchanges(600, 5);
    for (const size of [600, 25]) {
      const { store } = await fresh(`retained-${size}`);
      const pipeline = createPipeline({ store });
      for (let i = 0; i < exchanges.length; i += size) await pipeline.ingest(exchanges.slice(i, i + size));
      const endpoints = await store.listEndpoints();
      const keys = new Set(endpoints.map((e) => `${e.host} ${e.method} ${e.path}`));
      const retained = await store.queryExchanges({ limit: 1000 });
      expect(retained.length).toBe(exchanges.length);
      const stray = retained.filter((r) => !keys.has(`${r.host} ${r.method} ${r.path}`)).map((r) => r.path);
      expect({ size, stray: [...new Set(stray)] }).toEqual({ size, stray: [] });
      // Hunting by a learnt template finds each of its calls.
      const top = endpoints.filter((e) => e.path.includes('{')).sort((a, b) => b.calls - a.calls)[0]!;
      const hunted = await store.queryExchanges({
        host: top.host,
        method: top.method,
        path: top.path,
        limit: 1000,
      });
      expect(hunted.length).toBe(top.calls);
    }
  });

  it('counts a batch once in detector state when its commit fails and it is sent again', async () => {
    const exchanges = demoExchanges(600, 13);
    const { store: clean } = await fresh('commit-clean');
    await createPipeline({ store: clean }).ingest(exchanges);

    const { store } = await fresh('commit-fails');
    let failures = 1;
    const flaky: PlatformStore = Object.create(store, {
      commitIngest: {
        value: async (c: Parameters<PlatformStore['commitIngest']>[0]) => {
          if (failures-- > 0) throw new Error('disk full');
          return store.commitIngest(c);
        },
      },
    });
    const pipeline = createPipeline({ store: flaky });
    await expect(pipeline.ingest(exchanges)).rejects.toThrow('disk full');
    expect(await store.countExchanges()).toBe(0);
    const again = await pipeline.ingest(exchanges);
    expect(again.processed).toBe(exchanges.length);

    const summary = (alerts: Alert[]) => alerts.map((a) => `${a.id} ${a.count} ${a.evidence.length}`).sort();
    const cleanAlerts = await clean.listAlerts();
    expect(cleanAlerts.length).toBeGreaterThan(0);
    expect(summary(await store.listAlerts())).toEqual(summary(cleanAlerts));
    const hits = async (s: PlatformStore) =>
      (await s.queryExchanges({ limit: 1000 })).map((x) => `${x.id} ${x.hits.join(',')}`).sort();
    expect(await hits(store)).toEqual(await hits(clean));
  });

  it('runs a batch again when another process committed some of its ids while it was analysing', async () => {
    const exchanges = demoExchanges(400, 17);
    const { store } = await fresh('race');
    const other = createPipeline({ store });
    let raced = 0;
    const pipeline = createPipeline({
      store,
      lock: async (hosts, fn) => {
        expect(hosts.length).toBeGreaterThan(0);
        // The first time in: another worker commits 100 of this batch's exchanges first.
        if (raced++ === 0) await other.ingest(exchanges.slice(0, 100));
        return fn();
      },
    });
    const result = await pipeline.ingest(exchanges);
    expect(raced).toBe(2);
    expect(result).toMatchObject({ received: 400, processed: 300, duplicates: 100 });
    expect(await store.countExchanges()).toBe(400);
    expect((await store.listEndpoints()).reduce((n, e) => n + e.calls, 0)).toBe(400);
  });

  it('keeps sensitive values masked at rest (no raw value in the database file)', async () => {
    const { store, file } = await fresh('secrets');
    const pipeline = createPipeline({ store });
    await pipeline.ingest([secretExchange('a'), secretExchange('b')]);
    await store.close();
    stores.pop();
    const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`, { flag: 'a+' })]).toString(
      'latin1',
    );
    for (const [name, raw] of Object.entries(SECRETS)) expect(bytes.includes(raw), name).toBe(false);
    expect(bytes.includes('/v2/orders')).toBe(true);
  });

  it('queues batches with backpressure', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const queue = createIngestQueue(
      {
        ingest: async (xs) => {
          await gate;
          return { received: xs.length, processed: xs.length, duplicates: 0, alerts: 0, endpoints: 0 };
        },
      },
      3,
    );
    const first = queue.push([secretExchange('1'), secretExchange('2')]);
    expect(queue.pending).toBe(2);
    await expect(queue.push([secretExchange('3'), secretExchange('4')])).rejects.toBeInstanceOf(
      QueueFullError,
    );
    release();
    expect((await first).processed).toBe(2);
    await queue.drain();
    expect(queue.pending).toBe(0);
  });
});
