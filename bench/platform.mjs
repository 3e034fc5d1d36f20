#!/usr/bin/env node
// Platform benchmark (embedded mode): pipeline ingest throughput (exchanges/s: inventory merge,
// traffic audit, detection, masking, one SQLite transaction per batch) over generated demo traffic,
// then p50/p99 latency of the inventory, alerts and hunting API routes over the stored data
// (fastify.inject: routing, auth, validation, store query and serialisation, no socket).
// Ingest runs `--rounds` times, each into a fresh store with a fresh pipeline (the first round includes
// JIT warm-up); the queries run over the last round's store.
// Usage: npm run build && node bench/platform.mjs [--exchanges 20000] [--batch 1000] [--rounds 3] [--queries 200] [--dist dist]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'dist' },
  },
});
const N = Number(values.exchanges);
const B = Number(values.batch);
const Q = Number(values.queries);
const R = Number(values.rounds);
const dist = resolve(import.meta.dirname, '..', values.dist);
const load = (p) => import(pathToFileURL(`${dist}/${p}`).href);
const { generateEntries } = await load('demo/generator.js');
const { exchangesFromHar } = await load('sources/index.js');
const { openStore } = await load('store/index.js');
const { createPipeline, createIngestQueue } = await load('pipeline/index.js');
const { buildServer, createToken } = await load('server/index.js');

const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-platform-'));
const exchanges = exchangesFromHar(
  {
    log: {
      version: '1.2',
      creator: { name: 'bench', version: '1' },
      entries: [...generateEntries({ entries: N, attacks: true, seed: 1 })],
    },
  },
  { onIssue: () => undefined },
);

let store;
let pipeline;
for (let round = 1; round <= R; round++) {
  if (store) await store.close();
  store = await openStore(join(dir, `bench-${round}.db`));
  pipeline = createPipeline({ store, options: { approvedHosts: ['*.shop.example'] } });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < exchanges.length; i += B) await pipeline.ingest(exchanges.slice(i, i + B));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `ingest round ${round}: ${exchanges.length} exchanges in batches of ${B}: ${(ms / 1000).toFixed(2)} s wall, ` +
      `${cpuS.toFixed(2)} s CPU → ${Math.round(exchanges.length / (ms / 1000))} exchanges/s wall, ` +
      `${Math.round(exchanges.length / cpuS)} per CPU-second`,
  );
}

const app = await buildServer({ store, queue: createIngestQueue(pipeline), rateLimit: 1e9 });
const token = (await createToken(store, 'bench', 'analyst')).value;
const headers = { authorization: `Bearer ${token}` };
const actors = (await store.queryExchanges({ limit: 50 })).map((r) => r.actor);
const routes = {
  'inventory (all)': () => '/api/v1/inventory',
  'inventory (tag=shadow)': () => '/api/v1/inventory?tag=shadow',
  'alerts (100)': () => '/api/v1/alerts?limit=100',
  'hunt by actor (50)': (i) => `/api/v1/hunt?actor=${encodeURIComponent(actors[i % actors.length])}&limit=50`,
  'hunt by status (50)': () => '/api/v1/hunt?status=404&limit=50',
};
for (const [name, url] of Q > 0 ? Object.entries(routes) : []) {
  const times = [];
  for (let i = 0; i < Q; i++) {
    const s = performance.now();
    const res = await app.inject({ method: 'GET', url: url(i), headers });
    if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`${name}: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms over ${Q} calls`);
}
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
