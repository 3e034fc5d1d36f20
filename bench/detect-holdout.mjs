#!/usr/bin/env node
// Held-out detection check: attack payloads from a source the signatures were NOT tuned on, placed in
// realistic API requests, and tricky benign API traffic written for this bench; recall per family and
// placement, false-positive rate per benign request. The payloads are read from a path given on the
// command line and never committed:
//   git -C <PayloadsAllTheThings> archive HEAD "SQL Injection/Intruder" "XSS Injection/Intruders" \
//     "Command Injection/Intruder" "Directory Traversal/Intruder" "File Inclusion/Intruders" \
//     "LDAP Injection/Intruder" "NoSQL Injection/Intruder" "Server Side Template Injection/Intruder" \
//     "XXE Injection/Intruders" | tar -x -C bench/.tools/patt
//   npx tsc -p tsconfig.build.json && node bench/detect-holdout.mjs --payloads bench/.tools/patt [--per-family 600]
//        [--dist dist] [--modsec http://127.0.0.1:18080] [--verbose] [--json out.json]
// With --modsec every request is also sent to nginx + ModSecurity + CRS (sh bench/detect-modsec.sh) over
// node:http with `Host: localhost`, in the same run: a 403 or 400 counts as detected (or as a false
// positive on benign traffic).
// A payload list line is one payload; blank lines and "# " comments are skipped, as are lists that
// hold no payloads at all (bare event-handler names, LDAP attribute names, iconv charset names,
// /robots.txt-style web files). Long lists are sampled with a fixed stride (--per-family per family).
// Every payload goes into each placement of its family: a JSON field of a POST, a query parameter, a
// path segment, the User-Agent header and a form field (XXE: an XML body and a JSON field).
// mamori runs with behaviour detectors off and one client address per request, as in detect-corpus.mjs.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: benign examples are literal `${…}` text
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    payloads: { type: 'string' },
    'per-family': { type: 'string', default: '600' },
    dist: { type: 'string', default: 'dist' },
    modsec: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
if (!values.payloads) {
  console.error('usage: node bench/detect-holdout.mjs --payloads DIR [--per-family N] [--dist DIR]');
  process.exit(2);
}
const { createDetector } = await import(resolve(values.dist, 'detect/index.js'));

/** Lists by family (directory prefix), and the lists that are not payloads. */
const FAMILIES = [
  ['sqli', 'SQL Injection/'],
  ['xss', 'XSS Injection/'],
  ['command-injection', 'Command Injection/'],
  ['path-traversal', 'Directory Traversal/'],
  ['file-inclusion', 'File Inclusion/'],
  ['ldap-injection', 'LDAP Injection/'],
  ['nosql-injection', 'NoSQL Injection/'],
  ['ssti', 'Server Side Template Injection/'],
  ['xxe', 'XXE Injection/'],
];
const NOT_PAYLOADS =
  /0xcela_event_handlers|port_swigger_xss_cheatsheet_event_handlers|LDAP_attributes|php-filter-iconv|Web-files/;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function payloadsByFamily(root) {
  const by = new Map();
  for (const file of walk(root)) {
    const rel = file.slice(root.length + 1);
    if (NOT_PAYLOADS.test(rel) || /\.(?:py|md|png|jpe?g|svg|swf)$/.test(rel)) continue;
    const family = FAMILIES.find(([, prefix]) => rel.startsWith(prefix))?.[0];
    if (!family) continue;
    const set = by.get(family) ?? new Set();
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const p = line.trim();
      if (p === '' || p.startsWith('# ') || p === '#') continue;
      set.add(p);
    }
    by.set(family, set);
  }
  const per = Number(values['per-family']);
  const out = new Map();
  for (const [family, set] of by) {
    const all = [...set];
    const stride = Math.max(1, Math.ceil(all.length / per));
    out.set(
      family,
      all.filter((_, i) => i % stride === 0),
    );
  }
  return out;
}

const enc = encodeURIComponent;
/** A payload in one realistic API request. */
const PLACEMENTS = {
  json: (p) => ({
    method: 'POST',
    path: '/api/v1/reviews',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productId: 'sku-10442', rating: 4, title: 'Nice', comment: p }),
  }),
  query: (p) => ({
    method: 'GET',
    path: '/api/v1/products',
    query: [
      ['search', p],
      ['page', '2'],
    ],
  }),
  path: (p) => ({ method: 'GET', path: `/api/v1/files/${enc(p)}` }),
  header: (p) => ({
    method: 'GET',
    path: '/api/v1/me',
    // A header carries only tab, printable ASCII and Latin-1 bytes on the wire: others become '?'.
    headers: { 'user-agent': p.replace(/[\r\n]/g, ' ').replace(/[^\t\x20-\x7e\x80-\xff]/g, '?') },
  }),
  form: (p) => ({
    method: 'POST',
    path: '/account/profile',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `displayName=Alice&bio=${enc(p)}`,
  }),
  xml: (p) => ({
    method: 'POST',
    path: '/api/v1/import',
    headers: { 'content-type': 'application/xml' },
    body: p,
  }),
};
const FAMILY_PLACEMENTS = {
  xxe: ['xml', 'json'],
};
const DEFAULT_PLACEMENTS = ['json', 'query', 'path', 'header', 'form'];

// Benign API traffic that looks like attacks to keyword matchers: what real users, CMSs and developer
// tools send. Each value goes into the JSON, query and form placements.
const BENIGN_VALUES = [
  // reviews and comments with apostrophes, quotes and SQL words
  "Don't buy this if you're expecting O'Reilly-level quality; it's fine for the price.",
  'I selected "large" but got small. Please update my order and drop the extra charge.',
  'Best union suit I own -- ordered 2, and 1 or 2 more will follow.',
  "We'd like to insert a note: deliver between 9 and 5, or leave it with the neighbour at #12.",
  'Select all that apply: (a) fast shipping (b) gift wrap',
  'Where is my order? It was placed from my work account and not from home.',
  "The table is 120 cm wide; the chairs aren't included. 5/5 would order again!",
  'Rating: 4.5/5 -- "solid" build, drop-tested from 1m, still works.',
  "It's a 1=1 copy of the original, honestly.",
  'Great for sleep (I use it every night), 10/10.',
  'She said "wow"! That\'s what I call service.',
  'Order #1234; status: shipped; ETA: Friday',
  'I ordered 3 as gifts from the Tokyo store.',
  'Delete my account please. Thank you.',
  'Is it OR or AND? The docs say both.',
  'Exec summary: revenue up 12% -- drop in costs.',
  'Our CEO said "create value, not noise".',
  "McDonald's & Ben & Jerry's, 2 for 1",
  'Price < $20 and > $10 please',
  '50% off — today only!',
  'C:\\Users\\alice\\Documents\\invoice.pdf',
  '~/projects/app/src/index.ts',
  '../ is the parent directory, as every Unix user knows',
  // CMS HTML
  '<p>Welcome to our <strong>spring</strong> sale! <a href="https://shop.example.com/sale">Shop now</a></p>',
  '<h2>Shipping</h2><ul><li>Free over ¥5,000</li><li>Returns within 30 days</li></ul>',
  '<img src="https://cdn.example.com/p/1024.jpg" alt="Blue mug" width="400">',
  '<blockquote>Quality is not an act, it is a habit.</blockquote>',
  '<table><tr><td>Size</td><td>M</td></tr></table>',
  // code snippets in developer tools
  'const total = items.reduce((sum, i) => sum + i.price, 0);',
  'if (user.role === "admin") { return next(); }',
  'def handler(event, context):\n    return {"statusCode": 200}',
  'curl -H "Accept: application/json" https://api.example.com/v1/items',
  'npm install --save-dev vitest',
  'git commit -m "fix: handle empty cart"',
  'SELECT name, price FROM products WHERE price > 10 ORDER BY price',
  'docker run -p 8080:80 nginx:1.25',
  'for i in range(10): print(i)',
  'kubectl get pods -n production',
  'ls -la /var/www/html',
  '{{ user.name }} ordered {{ order.count }} items',
  'Hello ${firstName}, your code is ${code}',
  'printf("%d items, %s left\\n", n, s);',
  // URLs, emails, ids
  'https://www.example.com/search?q=blue+mug&sort=price_asc&page=3',
  'https://example.co.jp/商品/マグカップ?色=青',
  'mailto:support@example.com?subject=Order%20help',
  "alice.o'connor+orders@example.co.uk",
  'https://hooks.slack.com/services/T000/B000/XXXX',
  'http://localhost:3000/callback',
  '550e8400-e29b-41d4-a716-446655440000',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  // Japanese text
  '配送が遅れています。注文番号は「A-1024」です。よろしくお願いします。',
  '「以前の住所」を削除して、新しい住所を追加してください。',
  'この商品は最高です！また買います。',
  '東京都千代田区千代田1-1 〒100-0001',
  // prices, numbers, dates
  '¥1,980 (税込)',
  '$1,299.99',
  '€ 49,90',
  '2026-11-23T09:30:00+09:00',
  '-12.5',
  '1e-3',
  '2147483647',
  // search syntax
  'title:"blue mug" AND price:[10 TO 20]',
  'tag:sale -tag:clearance',
  'name~"jo*" or email=*@example.com',
  '"exact phrase" OR (mug AND NOT plate)',
  'size >= 10 && size <= 20',
  'status!=cancelled;sort=-created',
  // base64 images and data
  `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa', 'latin1').toString('base64')}`,
  Buffer.from('{"theme":"dark","lang":"ja"}').toString('base64'),
  // misc
  'Tom & Jerry | Season 2',
  'R&D; Q&A; P&L',
  'Re: your ticket #4521 -- "cannot login"',
  'Password must have 8+ chars; use a-z, A-Z, 0-9 and !@#$%^&*()',
  '[x] done\n[ ] todo',
  'a < b > c',
  '100% cotton; wash at 30°C',
];

/** Whole benign requests that are shaped unlike a single field. */
function benignRequests() {
  const png = Buffer.alloc(3000, 0)
    .map((_, i) => (i * 37) % 256)
    .toString('base64');
  return [
    {
      method: 'POST',
      path: '/api/v1/uploads',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'photo.png', mime: 'image/png', data: png }),
    },
    {
      method: 'PUT',
      path: '/api/v1/pages/about',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'About us',
        html: '<section class="hero"><h1>About</h1><p>Since 1998 we\'ve sold <em>handmade</em> mugs.</p><script type="application/ld+json">{"@type":"Organization"}</script></section>',
      }),
    },
    {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'query Orders($first: Int) { viewer { orders(first: $first) { edges { node { id total } } } } }',
        variables: { first: 10 },
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/snippets',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        language: 'bash',
        code: '#!/bin/bash\nset -euo pipefail\nfor f in *.log; do gzip "$f"; done\n',
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/search',
      query: [
        ['q', 'select chair'],
        ['filter', 'price<100'],
        ['sort', '-rating'],
      ],
    },
    {
      method: 'GET',
      path: '/api/v1/products/sku-10442/reviews',
      query: [['lang', 'ja']],
      headers: { accept: 'application/json', 'accept-language': 'ja,en;q=0.8' },
    },
    {
      method: 'POST',
      path: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb',
    },
    {
      method: 'POST',
      path: '/api/v1/events',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ event: 'page_view', path: '/cart', ts: 1763890000 }),
    },
    {
      method: 'GET',
      path: '/api/v1/files/Q3%20report%20(final).pdf',
    },
    {
      method: 'GET',
      path: '/api/v1/users/o%27brien',
    },
  ];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
/** ModSecurity's verdict on one request: true when it answered 403 or 400. */
function modsecBlocks(r) {
  const target = new URL(values.modsec);
  const qs = (r.query ?? []).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const headers = {
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    ...r.headers,
    host: 'localhost',
  };
  const body = r.body !== undefined ? Buffer.from(r.body) : undefined;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((done) => {
    let req;
    try {
      req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: `${r.path}${qs ? `?${qs}` : ''}`,
          headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode === 403 || res.statusCode === 400));
        },
      );
    } catch {
      done(false); // node:http refuses to send it (counted as not blocked)
      return;
    }
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => done(false));
    req.end(body);
  });
}

let seq = 0;
function toExchange(r) {
  const i = seq++;
  const headers = {
    host: 'api.example.com',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    ...r.headers,
  };
  return {
    id: `h${i}`,
    time: Date.UTC(2026, 10, 1) + i * 1000,
    source: { kind: 'har', index: i },
    client: { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    request: {
      method: r.method,
      scheme: 'https',
      host: 'api.example.com',
      path: r.path,
      query: r.query ?? [],
      headers,
      ...(r.body !== undefined
        ? {
            body: {
              text: r.body,
              size: Buffer.byteLength(r.body),
              truncated: false,
              ...(headers['content-type']
                ? { mimeType: headers['content-type'].split(';')[0].trim().toLowerCase() }
                : {}),
            },
          }
        : {}),
    },
    response: { status: 200, headers: {} },
  };
}

// Every request is its own alert (one address each): the alert book must not fill up.
const detector = createDetector({ disabledTypes: ['behaviour.*'], maxAlerts: 1_000_000 });
const payloads = payloadsByFamily(resolve(values.payloads));
const rows = [];
const misses = [];
const cpuOf = (c) => c.user + c.system;
let mamoriCpu = 0;
for (const [family, list] of payloads) {
  for (const placement of FAMILY_PLACEMENTS[family] ?? DEFAULT_PLACEMENTS) {
    let hit = 0;
    let modsecHit = 0;
    for (const p of list) {
      const request = PLACEMENTS[placement](p);
      const c = process.cpuUsage();
      const alerts = detector.process(toExchange(request));
      mamoriCpu += cpuOf(process.cpuUsage(c));
      if (alerts.length > 0) hit++;
      else misses.push(`${family}\t${placement}\t${p.slice(0, 160)}`);
      if (values.modsec && (await modsecBlocks(request))) modsecHit++;
    }
    rows.push({ family, placement, payloads: list.length, detected: hit, modsec: modsecHit });
  }
}
const benign = [];
for (const v of BENIGN_VALUES)
  for (const placement of ['json', 'query', 'form'])
    benign.push({ kind: `value/${placement}`, v, r: PLACEMENTS[placement](v) });
for (const r of benignRequests()) benign.push({ kind: 'request', v: `${r.method} ${r.path}`, r });
const fps = [];
const modsecFps = [];
for (const b of benign) {
  const c = process.cpuUsage();
  const alerts = detector.process(toExchange(b.r));
  mamoriCpu += cpuOf(process.cpuUsage(c));
  if (alerts.length > 0)
    fps.push({
      kind: b.kind,
      value: b.v.slice(0, 120),
      alerts: alerts.map((a) => a.explanation.slice(0, 160)),
    });
  if (values.modsec && (await modsecBlocks(b.r))) modsecFps.push({ kind: b.kind, value: b.v.slice(0, 120) });
}

const byFamily = new Map();
for (const r of rows) {
  const t = byFamily.get(r.family) ?? {
    family: r.family,
    payloads: r.payloads,
    requests: 0,
    detected: 0,
    modsec: 0,
  };
  t.requests += r.payloads;
  t.detected += r.detected;
  t.modsec += r.modsec;
  byFamily.set(r.family, t);
}
const pct = (a, b) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
console.table(
  [...byFamily.values()].map((t) => ({
    family: t.family,
    payloads: t.payloads,
    requests: t.requests,
    detected: t.detected,
    recall: pct(t.detected, t.requests),
    ...(values.modsec ? { modsecRecall: pct(t.modsec, t.requests) } : {}),
    ...Object.fromEntries(
      rows.filter((r) => r.family === t.family).map((r) => [r.placement, pct(r.detected, r.payloads)]),
    ),
  })),
);
const attacks = rows.reduce((a, r) => a + r.payloads, 0);
const detected = rows.reduce((a, r) => a + r.detected, 0);
console.log(
  `mamori — attacks: ${detected} of ${attacks} requests detected (${pct(detected, attacks)}); benign: ${fps.length} of ${benign.length} requests raised an alert (${pct(fps.length, benign.length)}); detector CPU ${(mamoriCpu / 1e6).toFixed(2)} s`,
);
if (values.modsec) {
  const m = rows.reduce((a, r) => a + r.modsec, 0);
  console.log(
    `ModSecurity + CRS PL1 — attacks: ${m} of ${attacks} requests blocked (${pct(m, attacks)}); benign: ${modsecFps.length} of ${benign.length} blocked (${pct(modsecFps.length, benign.length)})`,
  );
  const kinds = new Map();
  for (const f of modsecFps) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  console.log('ModSecurity false positives by kind:', Object.fromEntries(kinds));
  if (values.verbose)
    for (const f of modsecFps) console.log(`MODSEC-FP ${f.kind}: ${JSON.stringify(f.value)}`);
}
for (const f of fps) console.log(`FP ${f.kind}: ${JSON.stringify(f.value)} → ${f.alerts.join(' | ')}`);
if (values.verbose) for (const m of misses) console.log(`MISS ${m}`);
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        families: [...byFamily.values()],
        rows,
        benign: benign.length,
        falsePositives: fps,
        modsecFalsePositives: modsecFps,
      },
      null,
      2,
    ),
  );
