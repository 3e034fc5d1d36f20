#!/usr/bin/env node
// Proxy benchmark: one loopback upstream, then in one run: direct, `mamori proxy` monitor and block,
// and the node:http middleware (mamori/http) in front of the same handler. For each: latency at a
// fixed request rate (p50/p99, and added over direct), then throughput at fixed concurrency.
// Load generator: undici Pool, bounded in request count and time.
//   node bench/proxy.mjs [--rate 1000] [--seconds 5] [--conc 32] [--count 20000] [--dist DIR]
// DIR is a build of src/ (default dist/; `npx tsc -p tsconfig.build.json --outDir /tmp/mamori-dist`).

import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args[a.slice(2)] = process.argv[++i];
}
const RATE = Number(args.rate ?? 1000);
const SECONDS = Number(args.seconds ?? 5);
const CONC = Number(args.conc ?? 32);
const COUNT = Number(args.count ?? 20000);
const DIST = resolve(args.dist ?? 'dist');
const imp = (p) => import(pathToFileURL(`${DIST}/${p}`).href);
const { Guard } = await imp('proxy/guard.js');
const { startProxy } = await imp('proxy/proxy.js');
const { withMamori } = await imp('middleware/http.js');
const { createDetector } = await imp('detect/index.js');

const BODY = JSON.stringify({ id: 42, name: 'Widget', tags: ['a', 'b'], price: 9.5 });
const handler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(BODY);
  });
};
const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));

const upstreamPort = await listen(createServer({ keepAliveTimeout: 30_000 }, handler));
const upstream = new URL(`http://127.0.0.1:${upstreamPort}`);
const monitor = await startProxy(
  { upstream, guard: new Guard({ mode: 'monitor', detector: createDetector() }) },
  '127.0.0.1',
  0,
);
const block = await startProxy(
  { upstream, guard: new Guard({ mode: 'block', detector: createDetector() }) },
  '127.0.0.1',
  0,
);
const mwPort = await listen(
  createServer({ keepAliveTimeout: 30_000 }, withMamori(handler, { mode: 'block' })),
);

const targets = [
  ['direct', upstreamPort],
  ['mamori proxy monitor', monitor.port],
  ['mamori proxy block', block.port],
  ['mamori/http middleware (block)', mwPort],
];

// A realistic mix: GETs with a query, POSTs with a JSON body, distinct actors.
function req(i) {
  if (i % 4 === 3)
    return {
      path: '/api/orders',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': `key-${i % 50}` },
      body: JSON.stringify({ item: i % 100, qty: 1, note: 'deliver to the back door' }),
    };
  return {
    path: `/api/items/${i % 1000}?fields=name,price&page=${i % 7}`,
    method: 'GET',
    headers: { 'x-api-key': `key-${i % 50}` },
  };
}

async function fixedRate(port) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  const total = Math.min(RATE * SECONDS, COUNT);
  const lat = [];
  const start = performance.now();
  const deadline = start + SECONDS * 1000 + 10_000;
  const inflight = [];
  for (let i = 0; i < total && performance.now() < deadline; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      pool.request(req(i)).then(async (res) => {
        await res.body.arrayBuffer();
        lat.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(inflight);
  await pool.close();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { n: lat.length, p50: q(0.5), p99: q(0.99) };
}

async function throughput(port) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONC });
  let next = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (next < COUNT && performance.now() < deadline) {
      const res = await pool.request(req(next++));
      await res.body.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONC }, worker));
  const secs = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  return { rps: next / secs, cpuSec: (cpu.user + cpu.system) / 1e6, secs };
}

console.log(
  `rate ${RATE}/s for ≤${SECONDS}s; throughput: ${CONC} connections, ≤${COUNT} requests or ${SECONDS}s`,
);
console.log(
  '(load generator, upstream and mamori share one process and the machine: CPU is per whole process)',
);
const rows = [];
for (const [name, port] of targets) {
  await fixedRate(port); // warm-up
  const fr = await fixedRate(port);
  const tp = await throughput(port);
  rows.push({ name, ...fr, ...tp });
}
const direct = rows[0];
console.log('target | p50 ms | p99 ms | p50 added | p99 added | req/s (max) | CPU s / 1k req');
for (const r of rows)
  console.log(
    `${r.name} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.p50 - direct.p50).toFixed(3)} | ${(r.p99 - direct.p99).toFixed(3)} | ${r.rps.toFixed(0)} | ${((r.cpuSec / (r.rps * r.secs)) * 1000).toFixed(3)}`,
  );
await monitor.close();
await block.close();
process.exit(0);
