#!/usr/bin/env node
// Query latency with a large retained window: fills a store (SQLite file, or PostgreSQL with
// --store postgres://…) with N exchanges, then times the inventory, alerts and hunting API routes
// (over loopback HTTP by default — routing, auth, validation, store query, serialisation, the socket; or
// fastify.inject with --transport inject). CPU per call is the bench process: the server and a minimal client.
//
// Fill: `--seed` demo exchanges (generated, with attacks) go through the real pipeline (inventory,
// findings, alerts, masked retention); their retained rows are then copied with new ids, times
// (spread back over `--days`) and actors through the store's bulk commit until N rows are stored, the
// alerts are copied the same way (one alert per ~`--exchanges-per-alert` exchanges), and the inventory is
// copied onto `--inventory-copies` host names.
// Usage: npm run build && node bench/platform-query.mjs [--exchanges 1000000] [--seed 20000]
//          [--queries 200] [--store postgres://postgres@127.0.0.1:5432/test] [--keep] [--reuse FILE] [--dist dist]
//          [--transport socket|inject]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '20000' },
    days: { type: 'string', default: '30' },
    'exchanges-per-alert': { type: 'string', default: '50' },
    /** Copies of the seeded inventory under other host names (inventory size = copies × seeded endpoints). */
    'inventory-copies': { type: 'string', default: '50' },
    queries: { type: 'string', default: '200' },
    /**
     * socket: real HTTP over loopback (a minimal client that counts the bytes); inject: fastify.inject,
     * whose own payload handling costs 35–50 ms of CPU per 2.8 MB answer (a bare fastify route sending a
     * fixed 2.8 MB Buffer measured that), so it overstates large answers.
     */
    transport: { type: 'string', default: 'socket' },
    store: { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** An SQLite file filled by an earlier run with --keep: no seeding or fill, straight to the queries. */
    reuse: { type: 'string' },
    dist: { type: 'string', default: 'dist' },
  },
});
const N = Number(values.exchanges);
const SEED = Math.min(Number(values.seed), N);
const DAY = 86_400_000;
const SPAN = Number(values.days) * DAY;
const Q = Number(values.queries);
const dist = resolve(import.meta.dirname, '..', values.dist);
const load = (p) => import(pathToFileURL(`${dist}/${p}`).href);
const { generateEntries } = await load('demo/generator.js');
const { exchangesFromHar } = await load('sources/index.js');
const { openStore } = await load('store/index.js');
const { createPipeline, createIngestQueue } = await load('pipeline/index.js');
const { buildServer, createToken } = await load('server/index.js');

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-query-'));
const schema = `bench_query_${process.pid}`;
const storeUrl = values.reuse ?? (values.store ? `${values.store}?schema=${schema}` : join(dir, 'bench.db'));
let t = performance.now();
const store = await openStore(storeUrl);
console.log(
  `store: ${values.store ? `PostgreSQL (schema ${schema})` : `SQLite ${values.reuse ?? ''}`}; ` +
    `opened and migrated in ${((performance.now() - t) / 1000).toFixed(1)} s; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
const pipeline = createPipeline({ store, options: { approvedHosts: ['*.shop.example'] } });
if (!values.reuse) await fill();
await copyInventory(Number(values['inventory-copies']));
if (values.store) {
  // What autovacuum would have done after the bulk load: without statistics PostgreSQL guesses row
  // counts and chose a sequential scan over the partial hit index (688 ms vs 1 ms, 200,000 rows).
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: values.store });
  await client.connect();
  t = performance.now();
  await client.query(`ANALYZE ${schema}.exchanges, ${schema}.alerts, ${schema}.endpoints`);
  console.log(`ANALYZE after the fill: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await client.end();
}
const seedRows = await store.queryExchanges({ limit: SEED });
const newest = Math.max(...seedRows.map((r) => r.time));
console.log(
  `stored: ${await store.countExchanges()} exchanges, ${(await store.listEndpoints()).length} endpoints, ` +
    `${(await store.listAlerts({ limit: 100_000 })).length} alerts`,
);

/** Copies of the seeded endpoints on hosts `copyN.<host>` (an inventory of a realistic size). */
async function copyInventory(copies) {
  const seeded = (await store.listEndpoints()).filter((e) => !e.host.startsWith('copy'));
  const t0 = performance.now();
  for (let k = 1; k < copies; k++)
    await store.putEndpoints(seeded.map((e) => ({ ...e, host: `copy${k}.${e.host}` })));
  if (copies > 1)
    console.log(
      `inventory: ${seeded.length} seeded endpoints copied onto ${copies - 1} more hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
}

async function fill() {
  // 1. Seed through the real pipeline.
  const seedExchanges = exchangesFromHar(
    {
      log: {
        version: '1.2',
        creator: { name: 'bench', version: '1' },
        entries: [...generateEntries({ entries: SEED, attacks: true, seed: 3 })],
      },
    },
    { onIssue: () => undefined },
  );
  t = performance.now();
  let c = cpuNow();
  for (let i = 0; i < seedExchanges.length; i += 1000)
    await pipeline.ingest(seedExchanges.slice(i, i + 1000));
  console.log(
    `seed: ${SEED} exchanges through the pipeline: ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${(cpuNow() - c).toFixed(1)} s CPU`,
  );

  // 2. Bulk copies through the store's ingest commit.
  const seedRows = await store.queryExchanges({ limit: SEED });
  const seedAlerts = await store.listAlerts({ limit: 100_000 });
  t = performance.now();
  c = cpuNow();
  const CHUNK = 5000;
  let stored = seedRows.length;
  let copy = 0;
  let alertCopies = 0;
  while (stored < N) {
    copy++;
    const shift = Math.floor((copy * SPAN) / Math.ceil(N / SEED));
    const rows = [];
    for (const r of seedRows) {
      if (stored + rows.length >= N) break;
      rows.push({ ...r, id: `${r.id}~${copy}`, time: r.time - shift, actor: `${r.actor}~${copy % 40}` });
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await store.commitIngest({
        processed: chunk.map((r) => r.id),
        exchanges: chunk,
        endpoints: [],
        findings: [],
        alerts: [],
        incidents: [],
      });
    }
    stored += rows.length;
    const wantAlerts = Math.floor(stored / Number(values['exchanges-per-alert']));
    const alerts = [];
    for (const a of seedAlerts) {
      if (seedAlerts.length + alertCopies + alerts.length >= wantAlerts) break;
      const at = (iso) => new Date(Date.parse(iso) - shift).toISOString();
      alerts.push({
        ...a,
        id: `${a.id}~${copy}`,
        actor: `${a.actor}~${copy % 40}`,
        firstSeen: at(a.firstSeen),
        lastSeen: at(a.lastSeen),
      });
    }
    if (alerts.length) await store.putAlerts(alerts);
    alertCopies += alerts.length;
  }
  const fillS = (performance.now() - t) / 1000;
  console.log(
    `bulk fill: ${stored - seedRows.length} exchanges + ${alertCopies} alerts copied in ${fillS.toFixed(1)} s wall, ` +
      `${(cpuNow() - c).toFixed(1)} s CPU (${Math.round((stored - seedRows.length) / fillS)} exchanges/s)` +
      (values.store ? '' : `; database file ${(statSync(storeUrl).size / 1e9).toFixed(2)} GB`),
  );
}

// 3. Route latencies.
const app = await buildServer({ store, queue: createIngestQueue(pipeline), rateLimit: 1e9, logger: false });
const token = (await createToken(store, 'bench', 'analyst')).value;
const headers = { authorization: `Bearer ${token}` };
const overSocket = values.transport === 'socket';
if (overSocket) await app.listen({ host: '127.0.0.1', port: 0 });
const port = overSocket ? app.server.address().port : 0;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
/** GET over loopback with keep-alive; the body is kept as bytes (parsed only when asked). */
const get = (url) =>
  new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: url, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        done({ statusCode: res.statusCode, body, json: () => JSON.parse(body.toString()) });
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
const call = overSocket
  ? get
  : async (url) => {
      const res = await app.inject({ method: 'GET', url, headers });
      return { statusCode: res.statusCode, body: res.rawPayload, json: () => res.json() };
    };
console.log(
  `transport: ${overSocket ? 'HTTP over loopback (keep-alive)' : 'fastify.inject'}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const sample = seedRows.filter((_, i) => i % Math.max(1, Math.floor(seedRows.length / 50)) === 0);
const pick = (i) => sample[i % sample.length];
const hosts = [...new Set((await store.listEndpoints()).map((e) => e.host))];
const alertActors = [...new Set((await store.listAlerts({ limit: 2000 })).map((a) => a.actor))];
const hitTypes = [...new Set(seedRows.flatMap((r) => r.hits))];
const enc = encodeURIComponent;
const iso = (ms) => new Date(ms).toISOString();
const routes = {
  'inventory (default: page of 100)': () => '/api/v1/inventory',
  'inventory ?limit=1000 (all, full)': () => '/api/v1/inventory?limit=1000',
  'inventory ?fields=summary&limit=1000': () => '/api/v1/inventory?fields=summary&limit=1000',
  'inventory ?host=…': (i) => `/api/v1/inventory?host=${enc(hosts[i % hosts.length])}`,
  'inventory ?tag=shadow': () => '/api/v1/inventory?tag=shadow',
  'inventory ?search=orders&limit=50': () => '/api/v1/inventory?search=orders&limit=50',
  'alerts ?limit=100 (newest)': () => '/api/v1/alerts?limit=100',
  'alerts ?actor=…': (i) => `/api/v1/alerts?actor=${enc(alertActors[i % alertActors.length])}&limit=100`,
  'alerts ?limit=100&offset=5000': () => '/api/v1/alerts?limit=100&offset=5000',
  'hunt ?limit=50 (newest)': () => '/api/v1/hunt?limit=50',
  'hunt ?actor=…': (i) => `/api/v1/hunt?actor=${enc(`${pick(i).actor}~${i % 40}`)}&limit=50`,
  'hunt ?status=404': () => '/api/v1/hunt?status=404&limit=50',
  'hunt ?host&method&endpoint': (i) =>
    `/api/v1/hunt?host=${enc(pick(i).host)}&method=${pick(i).method}&endpoint=${enc(pick(i).path)}&limit=50`,
  'hunt ?hit=… (signature)': (i) => `/api/v1/hunt?hit=${enc(hitTypes[i % hitTypes.length])}&limit=50`,
  'hunt ?from&to (1 h, a week back)': (i) =>
    `/api/v1/hunt?from=${iso(newest - 7 * DAY - (i % 24) * 3_600_000)}&to=${iso(newest - 7 * DAY - ((i % 24) - 1) * 3_600_000)}&limit=50`,
  'hunt ?actor&offset=1000': (i) =>
    `/api/v1/hunt?actor=${enc(`${pick(i).actor}~${i % 40}`)}&limit=50&offset=1000`,
};
for (const [name, url] of Object.entries(routes)) {
  const times = [];
  let rows = 0;
  const c0 = cpuNow();
  for (let i = 0; i < Q; i++) {
    const s = performance.now();
    const res = await call(url(i));
    if (res.statusCode !== 200)
      throw new Error(`${name}: ${res.statusCode} ${res.body.subarray(0, 200).toString()}`);
    times.push(performance.now() - s);
    // Rows counted on the first answer only: parsing every 2.8 MB answer would add the client's
    // JSON.parse to the CPU per call.
    if (i === 0) {
      const body = res.json();
      rows = (body.endpoints ?? body.alerts ?? body.exchanges ?? []).length * Q;
    }
  }
  times.sort((a, b) => a - b);
  const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(
    `${name.padEnd(36)} p50 ${p(0.5).padStart(7)} ms  p99 ${p(0.99).padStart(7)} ms  ` +
      `${Math.round(rows / Q)} rows in the first answer  ${(((cpuNow() - c0) / Q) * 1000).toFixed(1)} ms CPU/call`,
  );
}
agent.destroy();
await app.close();
console.log(
  `done; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (values.store && !values.keep && !values.reuse) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: values.store });
  await client.connect();
  await store.close();
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
} else await store.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else if (!values.store) console.log(`kept: ${storeUrl} (rerun the queries with --reuse ${storeUrl})`);
