#!/usr/bin/env node
import { resolve } from 'node:path';
// Inventory hot-path benchmark: time of InventoryBuilder.add over N generated exchanges (JSON bodies
// with PII, JWT/API-key auth, ids/UUIDs/slugs in paths, several hosts) against JSON.parse of the same
// exchanges serialised as HAR entries. Isolates analysis from source parsing (bench/discover.mjs
// measures the whole process).
// Usage: npm run build && node bench/inventory.mjs [--entries 100000] [--dist dist]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    dist: { type: 'string', default: 'dist' },
    // isolate inventory's own cost from the sensitive-data scan
    'no-classifier': { type: 'boolean', default: false },
  },
});
const N = Number(values.entries);
const dist = resolve(import.meta.dirname, '..', values.dist);
const { InventoryBuilder } = await import(pathToFileURL(`${dist}/inventory/index.js`).href);

// mulberry32: small, seeded, good enough for traffic shapes
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const slugs = Array.from(
  { length: 500 },
  (_, i) => `${pick(['red', 'blue', 'green', 'black'])}-${pick(['shirt', 'hat', 'scarf', 'boots'])}-${i}`,
);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwts = Array.from(
  { length: 200 },
  (_, i) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: `user-${i}` })}.${hex(40)}`,
);

function person(i) {
  return {
    id: i,
    name: pick(['Alice Smith', 'Bob Jones', '山田太郎']),
    email: `user${i}@example.com`,
    phone: `+1-202-555-${String(1000 + (i % 9000))}`,
    address: { street: `${i} Main St`, city: 'Springfield', zip: '12345' },
    card: '4111111111111111',
    createdAt: '2026-01-02T03:04:05Z',
    tags: ['a', 'b', 'c'],
    orders: Array.from({ length: 5 }, (_, k) => ({ id: uuid(), total: k * 9.5, status: 'shipped' })),
  };
}

function makeExchange(i) {
  const host = pick(['api.shop.example', 'api.shop.example', 'admin.shop.example', 'partner.example.net']);
  const kind = Math.floor(rnd() * 6);
  const uid = Math.floor(rnd() * 100000);
  const [method, path, reqBody] = [
    ['GET', `/v2/users/${uid}`, undefined],
    ['GET', `/v2/users/${uid}/orders/${uuid()}`, undefined],
    ['GET', `/v2/products/${pick(slugs)}`, undefined],
    ['POST', '/v2/orders', JSON.stringify({ items: [{ sku: 'A-1', qty: 2 }], customer: person(uid) })],
    ['GET', '/v1/users/me', undefined],
    ['PUT', `/v2/carts/${hex(24)}`, JSON.stringify({ items: [{ sku: 'B-2', qty: 1 }] })],
  ][kind];
  const resText = JSON.stringify(kind === 2 ? { slug: 'x', price: 10 } : person(uid));
  const headers = { 'user-agent': 'bench', accept: 'application/json', 'x-request-id': uuid() };
  if (rnd() < 0.7) headers.authorization = `Bearer ${pick(jwts)}`;
  else headers['x-api-key'] = `k_${hex(24)}`;
  return {
    id: `b${i}`,
    time: Date.UTC(2026, 0, 1) + i * 100,
    source: { kind: 'har', file: 'bench.har', index: i },
    client: { address: `198.51.100.${i % 250}` },
    request: {
      method,
      scheme: 'https',
      host,
      path,
      query: rnd() < 0.3 ? [['page', String(Math.floor(rnd() * 10))]] : [],
      headers,
      ...(reqBody
        ? { body: { text: reqBody, size: reqBody.length, truncated: false, mimeType: 'application/json' } }
        : {}),
    },
    response: {
      status: rnd() < 0.05 ? 500 : 200,
      headers: { 'content-type': 'application/json', server: 'nginx' },
      body: { text: resText, size: resText.length, truncated: false, mimeType: 'application/json' },
    },
    latencyMs: Math.round(rnd() * 200),
  };
}

const exchanges = Array.from({ length: N }, (_, i) => makeExchange(i));
// the HAR text of the same exchanges (what the whole-process comparison parses)
const har = JSON.stringify({
  log: {
    entries: exchanges.map((e) => ({
      startedDateTime: new Date(e.time).toISOString(),
      time: e.latencyMs,
      request: {
        method: e.request.method,
        url: `https://${e.request.host}${e.request.path}`,
        headers: Object.entries(e.request.headers).map(([name, value]) => ({ name, value })),
        queryString: e.request.query.map(([name, value]) => ({ name, value })),
        ...(e.request.body ? { postData: { mimeType: 'application/json', text: e.request.body.text } } : {}),
      },
      response: {
        status: e.response.status,
        headers: Object.entries(e.response.headers).map(([name, value]) => ({ name, value })),
        content: { mimeType: 'application/json', size: e.response.body.size, text: e.response.body.text },
      },
    })),
  },
});

// CPU time (user + system) of this process: steadier than wall time on a shared, loaded machine
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t0 = cpuMs();
JSON.parse(har);
const parseMs = cpuMs() - t0;

t0 = cpuMs();
const noop = { classifyValue: () => undefined, scanExchange: () => [] };
const b = new InventoryBuilder({
  approvedHosts: ['*.shop.example'],
  ...(values['no-classifier'] ? { classifier: noop } : {}),
});
for (const e of exchanges) b.add(e);
const addMs = cpuMs() - t0;
t0 = cpuMs();
const endpoints = b.endpoints();
const endMs = cpuMs() - t0;

// the shares of the sibling modules inventory calls per exchange (measured after the builder run,
// so they run warm: an upper bound of their share)
const { parseBodies } = await import(pathToFileURL(`${dist}/sensitive/index.js`).href);
const { actorOf, authOf } = await import(pathToFileURL(`${dist}/identity/index.js`).href);
t0 = cpuMs();
for (const e of exchanges) parseBodies(e);
const bodiesMs = cpuMs() - t0;
t0 = cpuMs();
for (const e of exchanges) {
  actorOf(e);
  authOf(e);
}
const identityMs = cpuMs() - t0;

const mb = (Buffer.byteLength(har) / 1e6).toFixed(1);
console.log(`entries ${N}, HAR ${mb} MB, node ${process.version}`);
console.log(`JSON.parse(HAR): ${parseMs.toFixed(0)} ms CPU`);
console.log(
  `InventoryBuilder.add x${N}: ${addMs.toFixed(0)} ms (${(addMs / parseMs).toFixed(2)}x JSON.parse)`,
);
console.log(
  `  of which parseBodies ≈ ${bodiesMs.toFixed(0)} ms, actorOf+authOf ≈ ${identityMs.toFixed(0)} ms`,
);
console.log(`endpoints(): ${endMs.toFixed(0)} ms, ${endpoints.length} endpoints`);
for (const e of endpoints.sort((a, b) => b.calls - a.calls).slice(0, 12))
  console.log(
    `  ${e.host} ${e.method} ${e.path} calls=${e.calls} tags=${e.tags.map((t) => t.tag).join(',')}`,
  );
