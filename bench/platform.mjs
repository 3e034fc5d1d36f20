#!/usr/bin/env node
// Platform benchmark (embedded mode).
// 1. Pipeline ingest throughput (exchanges/s: inventory building and merge, traffic audit, detection,
//    masking, one SQLite transaction per batch) over generated demo traffic, fed through the in-process
//    queue the server uses (every batch pushed at once, as the traffic route does, then drained).
//    For each `--threads` value (analysis threads: 1 = all in the main thread; N ≥ 2 = N − 1 worker
//    threads), `--rounds` rounds, each into a fresh store with a fresh pipeline that first ingests
//    `--warmup` other exchanges untimed (its worker threads start cold). CPU = user + sys of the whole
//    process (all its threads).
// 2. End to end over a real socket (`--http`): the same exchanges as HAR documents of `--batch` entries
//    POSTed to `POST /api/v1/traffic` on 127.0.0.1 (keep-alive, one request at a time, each answered 202
//    before the next), timed until the last exchange is committed. The client is in this process and its
//    CPU is counted; request bodies are built before the clock starts.
//    Each run also prints the event-loop utilisation of the main thread and of each analysis thread.
// 3. p50/p99 latency of the inventory, alerts and hunting API routes over the last store
//    (fastify.inject: routing, auth, validation, store query and serialisation, no socket).
// Usage: npm run build && node bench/platform.mjs [--exchanges 20000] [--batch 1000] [--rounds 3]
//   [--warmup 5000] [--threads 1,2] [--http] [--queries 200] [--dist dist]
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5000' },
    threads: { type: 'string', default: `1,${availableParallelism()}` },
    http: { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
  },
});
const N = Number(values.exchanges);
const B = Number(values.batch);
const Q = Number(values.queries);
const R = Number(values.rounds);
const W = Number(values.warmup);
const THREADS = [...new Set(values.threads.split(',').map(Number))];
const dist = resolve(import.meta.dirname, '..', values.dist);
const load = (p) => import(pathToFileURL(`${dist}/${p}`).href);
const { generateEntries } = await load('demo/generator.js');
const { exchangesFromHar } = await load('sources/index.js');
const { openStore } = await load('store/index.js');
const { createPipeline, createIngestQueue } = await load('pipeline/index.js');
const { buildServer, createToken } = await load('server/index.js');

const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-platform-'));
const entries = [...generateEntries({ entries: N, attacks: true, seed: 1 })];
const har = (list) => ({ log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries: list } });
const exchanges = exchangesFromHar(har(entries), { onIssue: () => undefined });
// Other traffic (another seed, other ids) each fresh pipeline ingests before the clock starts, so the
// threads it started have compiled their hot code, as in a server that has been running a while.
const warm = exchangesFromHar(
  har([...generateEntries({ entries: W, attacks: true, seed: 2, start: Date.UTC(2026, 9, 1) })]),
  {
    onIssue: () => undefined,
  },
);
const options = { approvedHosts: ['*.shop.example'], mask: { hashKey: 'bench-key' } };
const line = (label, n, ms, cpu) => {
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label}: ${n} exchanges in batches of ${B}: ${(ms / 1000).toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU → ` +
      `${Math.round(n / (ms / 1000))} exchanges/s wall, ${Math.round(n / cpuS)} per CPU-second, ` +
      `${((cpuS * 1e6) / n).toFixed(1)} µs CPU per exchange`,
  );
};

let store;
let pipeline;
let round = 0;
const fresh = async (threads) => {
  if (pipeline) await pipeline.close();
  if (store) await store.close();
  store = await openStore(join(dir, `bench-${++round}.db`));
  pipeline = createPipeline({ store, options: { ...options, analysisThreads: threads } });
  for (let i = 0; i < warm.length; i += B) await pipeline.ingest(warm.slice(i, i + B));
};
// Event-loop utilisation of the main thread and of each analysis thread since `since` (how busy each
// was: a thread waiting for the other shows it).
const utilisation = (since) => {
  const now = [
    performance.eventLoopUtilization(),
    ...(pipeline.pool?.threads() ?? []).map((w) => w.performance.eventLoopUtilization()),
  ];
  if (!since) return now;
  return now
    .map(
      (u, i) =>
        `${i === 0 ? 'main' : `thread ${i - 1}`} ${Math.round(100 * performance.eventLoopUtilization(u, since[i]).utilization)}%`,
    )
    .join(', ');
};
for (const threads of THREADS) {
  for (let r = 1; r <= R; r++) {
    await fresh(threads);
    const queue = createIngestQueue(pipeline, Number.MAX_SAFE_INTEGER);
    const elu0 = utilisation();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const done = [];
    for (let i = 0; i < exchanges.length; i += B) done.push(queue.push(exchanges.slice(i, i + B)));
    const results = await Promise.all(done);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const busy = utilisation(elu0);
    const processed = results.reduce((n, x) => n + x.processed, 0);
    if (processed !== exchanges.length) throw new Error(`processed ${processed} of ${exchanges.length}`);
    line(`ingest, ${threads} analysis thread${threads > 1 ? 's' : ''}, round ${r}`, processed, ms, cpu);
    console.log(`  busy (event-loop utilisation): ${busy}`);
  }
}

if (values.http) {
  const bodies = [];
  for (let i = 0; i < entries.length; i += B) bodies.push(JSON.stringify(har(entries.slice(i, i + B))));
  for (const threads of THREADS) {
    for (let r = 1; r <= R; r++) {
      await fresh(threads);
      const queue = createIngestQueue(pipeline, Number.MAX_SAFE_INTEGER);
      const app = await buildServer({ store, queue, rateLimit: 1e9, bodyLimit: 64 * 1024 * 1024 });
      const token = (await createToken(store, 'bench', 'ingest')).value;
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address();
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const post = (body) =>
        new Promise((ok, fail) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: '/api/v1/traffic',
              method: 'POST',
              agent,
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
              },
            },
            (res) => {
              const chunks = [];
              res.on('data', (c) => chunks.push(c));
              res.on('end', () =>
                res.statusCode === 202
                  ? ok(JSON.parse(Buffer.concat(chunks).toString()))
                  : fail(new Error(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`)),
              );
            },
          );
          req.on('error', fail);
          req.end(body);
        });
      const elu0 = utilisation();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let accepted = 0;
      for (const body of bodies) accepted += (await post(body)).accepted;
      await queue.drain();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const stored = (await store.countExchanges()) - warm.length;
      if (accepted !== exchanges.length || stored !== exchanges.length)
        throw new Error(`accepted ${accepted}, stored ${stored} of ${exchanges.length}`);
      line(
        `HTTP POST /api/v1/traffic, ${threads} analysis thread${threads > 1 ? 's' : ''}, round ${r}`,
        stored,
        ms,
        cpu,
      );
      console.log(`  busy (event-loop utilisation): ${utilisation(elu0)}`);
      agent.destroy();
      await app.close();
    }
  }
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
await pipeline.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
