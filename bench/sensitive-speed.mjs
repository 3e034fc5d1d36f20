#!/usr/bin/env node
// Sensitive-data classifier throughput: scanExchange over realistic exchanges (≈12 request and
// ≈10 response headers, a few query parameters, a 1–2 KB JSON response body with PII, nested
// arrays, ids, timestamps and look-alikes), measured in-process after warm-up.
//
//   npm run build && node bench/sensitive-speed.mjs [--exchanges 20000] [--rounds 5]
//
// Prints three figures per round, best round reported: JSON.parse of the bodies alone, scanExchange
// with bodies already parsed (what inventory does: it parses once and shares), and parseBodies +
// scanExchange together. Exchanges/s and µs per exchange.

import { performance } from 'node:perf_hooks';
import { compileClassifier, parseBodies } from '../dist/sensitive/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = opt('exchanges', 20000);
const ROUNDS = opt('rounds', 5);

let seed = 7;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = (a) => a[rnd(a.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const FIRST = ['Jane', 'Taro', 'John', 'Hanako', 'Maria', 'Wei'];
const LAST = ['Doe', 'Yamada', 'Smith', 'Sato', 'Garcia', 'Chen'];
const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(
  '{"sub":"user-1","iss":"https://idp.example"}',
).toString('base64url')}.${hex(43)}`;

function makeExchange(i) {
  const user = {
    id: uuid(),
    firstName: pick(FIRST),
    lastName: pick(LAST),
    email: `${pick(FIRST).toLowerCase()}.${i}@example.com`,
    phone: `+8190${String(10000000 + rnd(89999999))}`,
    createdAt: new Date(1.7e12 + rnd(1e9)).toISOString(),
    address: { line1: `${1 + rnd(999)} Main Street`, city: 'Springfield', zip: String(10000 + rnd(89999)) },
    preferences: { language: 'en', newsletter: true, theme: 'dark' },
  };
  const items = Array.from({ length: 3 + rnd(4) }, () => ({
    sku: `SKU-${hex(6)}`,
    name: pick(['Widget', 'Gadget', 'Doohickey', 'Sprocket']),
    quantity: 1 + rnd(5),
    price: rnd(10000) / 100,
    orderNumber: String(4000000000000000 + rnd(1e9)),
    updatedAt: 1.7e12 + rnd(1e9),
  }));
  const body = JSON.stringify({
    order: { id: uuid(), status: 'paid', total: rnd(100000) / 100, currency: 'JPY', version: '1.2.3.4' },
    customer: user,
    items,
    payment: {
      method: 'card',
      card: { brand: 'visa', last4: '1111', number: i % 10 === 0 ? '4111111111111111' : undefined },
    },
    links: { self: `/v1/orders/${uuid()}`, next: null },
  });
  return {
    id: `ex-${i}`,
    time: 1.7e12 + i,
    source: { kind: 'har', index: i },
    client: { address: `203.0.113.${rnd(255)}` },
    request: {
      method: 'GET',
      scheme: 'https',
      host: 'api.shop.example',
      path: `/v1/customers/${uuid()}/orders`,
      query: [
        ['page', String(rnd(10))],
        ['limit', '50'],
        ['sort', 'createdAt'],
      ],
      headers: {
        host: 'api.shop.example',
        'user-agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        accept: 'application/json',
        'accept-language': 'en-US,en;q=0.9,ja;q=0.8',
        'accept-encoding': 'gzip, deflate, br',
        authorization: `Bearer ${jwt}`,
        cookie: `_ga=GA1.2.${rnd(1e9)}.1700000000; sessionid=${hex(32)}; theme=dark`,
        'x-request-id': uuid(),
        'x-client-version': '4.12.0',
        referer: 'https://shop.example/account',
        origin: 'https://shop.example',
        'sec-fetch-mode': 'cors',
      },
    },
    response: {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(body.length),
        date: 'Mon, 23 Nov 2026 12:00:00 GMT',
        server: 'nginx',
        etag: `"${hex(32)}"`,
        'cache-control': 'no-store',
        'x-ratelimit-remaining': '99',
        'strict-transport-security': 'max-age=31536000',
        'x-trace': hex(16),
        'set-cookie': `sessionid=${hex(32)}; Path=/; HttpOnly; Secure`,
      },
      body: { text: body, size: body.length, truncated: false, mimeType: 'application/json' },
    },
    latencyMs: 20 + rnd(100),
  };
}

const exchanges = Array.from({ length: N }, (_, i) => makeExchange(i));
const avgBody = exchanges.reduce((s, e) => s + e.response.body.text.length, 0) / N;
const parsed = exchanges.map((e) => parseBodies(e));
const classifier = compileClassifier();

let sink = 0;
// Other processes share the 2 cores: CPU time of this process (user + system) is reported next to
// wall time, and the best round of each is kept.
function time(label, fn) {
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) sink += fn(i);
    bestWall = Math.min(bestWall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  const us = (bestCpu * 1000) / N;
  console.log(
    `${label.padEnd(36)} ${(N / (bestCpu / 1000)).toFixed(0).padStart(9)} exchanges/s  ${us.toFixed(2).padStart(7)} µs/exchange CPU  (${((bestWall * 1000) / N).toFixed(2)} µs wall)`,
  );
  return us;
}

// Warm-up (JIT) on the same data.
for (let i = 0; i < Math.min(N, 5000); i++) sink += classifier.scanExchange(exchanges[i], parsed[i]).length;

console.log(
  `node ${process.version}, ${N} exchanges, average response body ${avgBody.toFixed(0)} bytes, best of ${ROUNDS}`,
);
time('JSON.parse of bodies only', (i) => (JSON.parse(exchanges[i].response.body.text) ? 1 : 0));
time('scanExchange (bodies pre-parsed)', (i) => classifier.scanExchange(exchanges[i], parsed[i]).length);
time('parseBodies + scanExchange', (i) => classifier.scanExchange(exchanges[i]).length);
// Where the time goes: the same exchanges without bodies, and with bodies but no headers/query/path.
const bare = exchanges.map((e) => ({ ...e, response: { ...e.response, body: undefined } }));
const bodyOnly = exchanges.map((e) => ({
  ...e,
  request: { ...e.request, headers: {}, query: [], path: '/' },
  response: { ...e.response, headers: {} },
}));
const none = {};
time('  of which headers + query + path', (i) => classifier.scanExchange(bare[i], none).length);
time('  of which the JSON body walk', (i) => classifier.scanExchange(bodyOnly[i], parsed[i]).length);
const sample = classifier.scanExchange(exchanges[0], parsed[0]);
console.log(`hits on exchange 0: ${sample.map((h) => `${h.type}@${h.field}`).join(', ')}`);
if (sink < 0) console.log(sink);
