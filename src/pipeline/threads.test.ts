import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../cli/serve.js';
import { shopSpec } from '../demo/generator.js';
import type { ApiSpec, Exchange } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import { openStore, type PlatformStore } from '../store/index.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { createIngestQueue } from './queue.js';
import { demoExchanges, demoHar, SECRETS, secretExchange } from './test-support.js';
import { AnalysisThreadError, createAnalysisPool } from './threads.js';

const dir = mkdtempSync(join(tmpdir(), 'mamori-threads-'));
const stores: PlatformStore[] = [];
const pipelines: Pipeline[] = [];
afterAll(async () => {
  for (const p of pipelines) await p.close();
  for (const s of stores) await s.close();
});
async function fresh(name: string, analysisThreads: number, specs: ApiSpec[] = []) {
  const file = join(dir, `${name}.db`);
  const store = await openStore(file);
  stores.push(store);
  const pipeline = createPipeline({
    store,
    specs,
    options: { approvedHosts: ['*.shop.example'], analysisThreads, mask: { hashKey: 'test-key' } },
  });
  pipelines.push(pipeline);
  return { store, file, pipeline };
}

/** Everything the pipeline writes that a user reads, in a stable order. */
async function contents(store: PlatformStore) {
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    endpoints: (await store.listEndpoints()).sort((a, b) =>
      `${a.host} ${a.method} ${a.path}` < `${b.host} ${b.method} ${b.path}` ? -1 : 1,
    ),
    findings: byId(await store.listFindings()),
    alerts: byId(await store.listAlerts({ limit: 100_000 })),
    incidents: byId(await store.listIncidents()),
    exchanges: byId(await store.queryExchanges({ limit: 100_000 })),
  };
}

/** Pushes every batch at once through the in-process queue, as the server does, and waits for all. */
async function pushAll(pipeline: Pipeline, exchanges: Exchange[], size: number) {
  const queue = createIngestQueue(pipeline, 1_000_000);
  const done: Array<Promise<unknown>> = [];
  for (let i = 0; i < exchanges.length; i += size) done.push(queue.push(exchanges.slice(i, i + size)));
  return Promise.allSettled(done);
}

describe('analysis threads', () => {
  it('write the same inventory, findings, alerts, incidents and retained exchanges as the in-thread path', async () => {
    // Attacks, logins, enumeration and repeats of earlier ids, in batches that are in flight together.
    const exchanges = demoExchanges(2500, 3);
    const input = [...exchanges, ...exchanges.slice(100, 400)];
    // With the demo's spec: spec templates, shadow and zombie tags, spec findings.
    const { spec } = await loadSpecText(JSON.stringify(shopSpec()), 'shop-openapi.json');
    const specs = [spec as ApiSpec];
    const single = await fresh('same-1', 1, specs);
    for (let i = 0; i < input.length; i += 200) await single.pipeline.ingest(input.slice(i, i + 200));
    const expected = await contents(single.store);
    expect(expected.alerts.length).toBeGreaterThan(10);
    expect(expected.exchanges.length).toBe(exchanges.length);
    expect(expected.endpoints.some((e) => e.tags.some((t) => t.tag === 'shadow'))).toBe(true);
    expect(expected.endpoints.some((e) => e.spec !== undefined)).toBe(true);
    for (const threads of [2, 3]) {
      const t = await fresh(`same-${threads}`, threads, specs);
      expect(t.pipeline.pool?.threads().length).toBe(threads - 1);
      const settled = await pushAll(t.pipeline, input, 200);
      expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
      expect({ threads, ...(await contents(t.store)) }).toEqual({ threads, ...expected });
    }
  }, 120_000);

  it('keep sensitive values masked at rest', async () => {
    const { store, file, pipeline } = await fresh('secrets', 3);
    await pipeline.ingest([secretExchange('a'), secretExchange('b'), secretExchange('c')]);
    expect(await store.countExchanges()).toBe(3);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`, { flag: 'a+' })]).toString(
      'latin1',
    );
    for (const [name, raw] of Object.entries(SECRETS)) expect(bytes.includes(raw), name).toBe(false);
    expect(bytes.includes('/v2/orders')).toBe(true);
  });

  it('lose nothing and count nothing twice when an analysis thread dies mid-batch', async () => {
    const exchanges = demoExchanges(1200, 21);
    const { store, pipeline } = await fresh('crash', 3);
    const pool = pipeline.pool!;
    const queue = createIngestQueue(pipeline, 1_000_000);
    const done: Array<Promise<unknown>> = [];
    for (let i = 0; i < 600; i += 100) done.push(queue.push(exchanges.slice(i, i + 100)));
    // Batches are in the threads' hands (dispatch is a microtask away); kill the detection thread and a masker.
    let answered = 0;
    for (const d of done) void d.then(() => answered++);
    await new Promise((r) => setTimeout(r, 0));
    expect(answered).toBe(0);
    await Promise.all([pool.threads()[0]!.terminate(), pool.threads()[1]!.terminate()]);
    for (let i = 600; i < exchanges.length; i += 100) done.push(queue.push(exchanges.slice(i, i + 100)));
    const settled = await Promise.allSettled(done);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(pool.started).toBeGreaterThanOrEqual(4);
    expect(await store.countExchanges()).toBe(exchanges.length);
    expect((await store.listEndpoints()).reduce((n, e) => n + e.calls, 0)).toBe(exchanges.length);
    // Sent again: all already there.
    expect(await pipeline.ingest(exchanges)).toMatchObject({ processed: 0, duplicates: exchanges.length });
  });

  it('fail a batch that keeps killing its thread, and go on with the next', async () => {
    const exchanges = demoExchanges(300, 23);
    const { store, pipeline } = await fresh('poison', 2);
    const pool = pipeline.pool!;
    const first = pipeline.ingest(exchanges.slice(0, 100));
    first.catch(() => undefined);
    // Each replacement thread gets the batch again; kill it each time.
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, 0));
      await pool.threads()[0]!.terminate();
      await new Promise((r) => setTimeout(r, 0));
    }
    await expect(first).rejects.toBeInstanceOf(AnalysisThreadError);
    expect(await pipeline.ingest(exchanges.slice(100))).toMatchObject({ processed: 200 });
    // The failed batch is not marked processed: sent again, it is analysed.
    expect(await pipeline.ingest(exchanges.slice(0, 100))).toMatchObject({ processed: 100 });
    expect(await store.countExchanges()).toBe(300);
  });

  it('stop starting threads that die before answering anything, and fail tasks with their error', {
    timeout: 60_000,
  }, async () => {
    // A setup the worker cannot start with (the main thread would have refused it; this stands for a
    // broken install).
    const pool = createAnalysisPool({ trustedProxies: ['not-a-range'] }, 1);
    try {
      const task = pool.analyse([{ ex: secretExchange() }], {}, true);
      await expect(task).rejects.toThrow(/analysis thread|keep failing/);
      await expect(pool.analyse([{ ex: secretExchange() }], {}, true)).rejects.toThrow(
        /keep failing \(.*not-a-range/,
      );
      expect(pool.started).toBe(5);
    } finally {
      await pool.close();
    }
  });

  it('run behind mamori serve --analysis-threads: traffic POSTed over a socket is analysed and stored', {
    timeout: 120_000,
  }, async () => {
    const serveFlags = {
      host: '127.0.0.1',
      port: '0',
      dataDir: mkdtempSync(join(dir, 'serve-')),
      spec: [],
      approvedHosts: [],
      trustedProxy: [],
      corsOrigin: [],
      bodyLimit: String(10 * 1024 * 1024),
      rateLimit: '10000',
    };
    await expect(startServe({ ...serveFlags, analysisThreads: '0' })).rejects.toThrow(/--analysis-threads/);
    const server = await startServe({ ...serveFlags, analysisThreads: '2' });
    try {
      const post = await request(`${server.url}/api/v1/traffic?wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(demoHar(300, 99)),
      });
      expect(post.statusCode).toBe(202);
      expect(await post.body.json()).toMatchObject({ accepted: 300, processed: 300, duplicates: 0 });
      // The demo traffic an empty store starts with (3,000 exchanges) and these 300, each counted once.
      const inventory = await request(`${server.url}/api/v1/inventory`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      const body = (await inventory.body.json()) as { endpoints: Array<{ calls: number }> };
      expect(body.endpoints.reduce((n, e) => n + e.calls, 0)).toBe(3300);
    } finally {
      await server.close();
    }
  });
});
