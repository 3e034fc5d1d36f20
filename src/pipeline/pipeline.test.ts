import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
