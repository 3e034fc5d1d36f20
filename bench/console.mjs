#!/usr/bin/env node
// Web console benchmark: time to first render and to interactive of the console served by
// `mamori serve` on localhost, with 10,000 endpoints and 100,000 alerts stored (seeded straight through
// the store API), in Debian Chromium driven by playwright-core; and the JavaScript shipped (gzip).
// "First render" is the first contentful paint; "interactive" is the console's own performance mark,
// set when a page has rendered its data (overview counts, first inventory rows, alert list). Each page is
// loaded cold (new browser context, signed-in cookie only, empty cache) `--runs` times; medians are
// reported. Also: time until all 10,000 inventory rows are loaded, the typing-to-filtered-rows latency
// and frame times while scrolling the windowed table end to end, 1,000 px (28 rows) per frame.
// The overview and alerts pages are loaded in Japanese too (the alerts' explanations rewritten by the server).
// CPU: the server's process CPU (user+sys) over the runs and the browser's main-thread task time
// and CPU time (DevTools Performance metrics TaskDuration, ThreadTime), besides wall time; the load
// average is printed (shared machine).
// Usage: npm run build && node bench/console.mjs [--endpoints 10000] [--alerts 100000] [--runs 5]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '10000' },
    alerts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const E = Number(values.endpoints);
const A = Number(values.alerts);
const RUNS = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { openStore } = await load('store/index.js');
const { createToken } = await load('server/index.js');
const { startServe } = await load('cli/serve.js');
const { localiseAlerts } = await load('detect/messages-ja.js');

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const SENSITIVE = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'DATE_OF_BIRTH', 'IBAN', 'JP_MY_NUMBER'];
const TYPES = [
  'signature.sqli',
  'signature.xss',
  'behaviour.bola-enumeration',
  'behaviour.scraping',
  'behaviour.credential-stuffing',
];
const day = (i) =>
  new Date(Date.UTC(2026, 10, 1) + (i % 20) * 86_400_000 + (i % 86_400) * 1000).toISOString();

function endpointAt(i) {
  const host = `api${i % 25}.bench.example`;
  const sensitive =
    i % 3 === 0
      ? [
          {
            type: SENSITIVE[i % SENSITIVE.length],
            direction: 'response',
            field: '$.data.value',
            count: 10,
            samples: ['j***@example.com'],
          },
        ]
      : [];
  const tags = [];
  if (i % 7 === 0)
    tags.push({
      tag: 'shadow',
      reason: 'seen in traffic, in no spec',
      firstSeen: day(i),
      lastSeen: day(i + 1),
    });
  if (i % 13 === 0)
    tags.push({ tag: 'zombie', reason: 'older version of /v2 still called', replacedBy: `GET /v2/r${i}` });
  if (i % 97 === 0) tags.push({ tag: 'rogue', reason: 'host outside the approved list' });
  return {
    host,
    method: METHODS[i % METHODS.length],
    path: `/v${1 + (i % 3)}/resource${i % 400}/{id}/item${i}`,
    tags,
    calls: 1 + ((i * 7919) % 5000),
    clients: 1 + (i % 50),
    firstSeen: day(i),
    lastSeen: day(i + 3),
    params: [
      { name: 'id', location: 'path', types: ['integer'], formats: [], count: 10 },
      { name: 'limit', location: 'query', types: ['integer'], formats: [], count: 4 },
    ],
    requestContentTypes: ['application/json'],
    responseContentTypes: ['application/json'],
    statuses: { 200: 9, 404: 1 },
    auth: i % 5 === 0 ? [] : [{ type: 'jwt', in: 'header', name: 'authorization', alg: 'RS256', count: 9 }],
    sensitive,
    latency: { p50: 12, p95: 80 },
    errorRate: (i % 10) / 100,
    risk: (i * 37) % 101,
  };
}

function alertAt(i) {
  const e = i % E;
  return {
    id: `alt-bench-${i}`,
    type: TYPES[i % TYPES.length],
    severity: SEVERITIES[i % SEVERITIES.length],
    owasp: 'API1:2023',
    actor: `ip:198.51.${(i >> 8) % 256}.${i % 256}`,
    host: `api${e % 25}.bench.example`,
    method: METHODS[e % METHODS.length],
    path: `/v${1 + (e % 3)}/resource${e % 400}/{id}/item${e}`,
    evidence: [i],
    evidenceRefs: [{ index: i }],
    firstSeen: day(i),
    lastSeen: day(i + 1),
    count: 1 + (i % 9),
    explanation: explanationAt(i),
  };
}

/** Sentences as the detectors write them (so `?lang=ja` rewrites each, as for real alerts). */
function explanationAt(i) {
  const n = 12 + (i % 40);
  switch (TYPES[i % TYPES.length]) {
    case 'signature.sqli':
      return `MAM-SIG-SQLI-001 SQL injection (token fingerprint) (CWE-89): SQL fingerprint s&1o1c (quote-break-tautology, single-quote context) in query.q = "' OR ${i}=${i} -- "`;
    case 'signature.xss':
      return `MAM-SIG-XSS-001 Cross-site scripting: script tag, event handler or script URL (CWE-79): matched "<script>" in query.q = "<script>alert(${i})</script>"`;
    case 'behaviour.bola-enumeration':
      return `${n} distinct ids of GET /v1/resource${i % 400}/{id} in 10 min, 85% answered 401/403/404 (thresholds: 10 ids, 50% denied)`;
    case 'behaviour.scraping':
      return `${n * 5} distinct pages of GET /v1/items in 10 min (${n * 6} calls, 3.2 MB; threshold 50 pages)`;
    default:
      return `${n} distinct usernames in ${n * 3} login attempts within 10 min, 90% failed (thresholds: 10 usernames, 80% failed)`;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const round = (x) => Math.round(x * 10) / 10;

// ---- JavaScript shipped ----
const assets = join(root, 'console', 'dist', 'assets');
let jsRaw = 0;
let jsGzip = 0;
let cssGzip = 0;
for (const f of readdirSync(assets)) {
  const buf = readFileSync(join(assets, f));
  if (f.endsWith('.js')) {
    jsRaw += buf.length;
    jsGzip += gzipSync(buf, { level: 9 }).length;
  } else if (f.endsWith('.css')) cssGzip += gzipSync(buf, { level: 9 }).length;
}

// ---- seed ----
const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-console-'));
const seedStart = performance.now();
const store = await openStore(join(dir, 'mamori.db'));
for (let i = 0; i < E; i += 1000)
  await store.putEndpoints(Array.from({ length: Math.min(1000, E - i) }, (_, k) => endpointAt(i + k)));
for (let i = 0; i < A; i += 5000)
  await store.putAlerts(Array.from({ length: Math.min(5000, A - i) }, (_, k) => alertAt(i + k)));
const { value: token } = await createToken(store, 'bench', 'admin');
await store.close();
const seedMs = performance.now() - seedStart;

const server = await startServe({
  host: '127.0.0.1',
  port: '0',
  dataDir: dir,
  spec: [],
  approvedHosts: [],
  trustedProxy: [],
  corsOrigin: [],
  bodyLimit: String(10 * 1024 * 1024),
  rateLimit: '1000000',
});
const signIn = await fetch(`${server.url}/api/v1/session`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'x-mamori-csrf': '1' },
});
const cookie = /mamori_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);

const browser = await chromium.launch({
  executablePath: values.chromium,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function coldPage(lang = 'en') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies([
    { name: 'mamori_session', value: cookie, url: server.url, httpOnly: true, sameSite: 'Strict' },
    { name: 'mamori_lang', value: lang, url: server.url, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp };
}

/** Main-thread wall time in tasks and main-thread CPU time (DevTools Performance metrics), ms. */
const mainThread = async (cdp) => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: get('TaskDuration'), cpu: get('ThreadTime') };
};

/** Cold load of a console page: [first contentful paint, interactive mark, main-thread task ms]. */
async function measure(hash, mark, lang) {
  const { context, page, cdp } = await coldPage(lang);
  await page.goto(`${server.url}/${hash}`);
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, `mamori:${mark}`, {
    timeout: 60_000,
  });
  const r = await page.evaluate(
    (m) => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      interactive: performance.getEntriesByName(m)[0].startTime,
    }),
    `mamori:${mark}`,
  );
  const main = await mainThread(cdp);
  await context.close();
  return { ...r, task: main.task, cpu: main.cpu };
}

// The API answers behind each page, timed from Node (server work + JSON), to tell server from browser.
const api = {};
for (const [name, path] of [
  ['GET /api/v1/overview', '/api/v1/overview'],
  ['GET /api/v1/settings', '/api/v1/settings'],
  ['GET /api/v1/inventory?fields=summary (1,000)', '/api/v1/inventory?limit=1000&fields=summary'],
  ['GET /api/v1/alerts (1,000)', '/api/v1/alerts?limit=1000'],
  ['GET /api/v1/alerts?lang=ja (1,000)', '/api/v1/alerts?limit=1000&lang=ja'],
  ['GET /api/v1/incidents', '/api/v1/incidents'],
]) {
  const times = [];
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    bytes = (await res.arrayBuffer()).byteLength;
    times.push(performance.now() - t0);
  }
  api[name] = { ms: round(median(times)), bytes };
}

// What `?lang=ja` adds on the server: rewriting 1,000 explanations (and titling them), in this process.
const sample = Array.from({ length: 1000 }, (_, i) => alertAt(i));
const localise = {};
for (const lang of ['en', 'ja']) {
  for (let w = 0; w < 20; w++) localiseAlerts(sample, lang);
  const cpu = [];
  for (let r = 0; r < 50; r++) {
    const c0 = process.cpuUsage();
    localiseAlerts(sample, lang);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  localise[lang] = round(median(cpu));
}

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const pages = {};
for (const [name, hash, mark, lang] of [
  ['overview', '#/overview', 'overview', 'en'],
  ['inventory (first rows)', '#/inventory', 'inventory', 'en'],
  ['alerts', '#/alerts', 'alerts', 'en'],
  ['overview in Japanese', '#/overview', 'overview', 'ja'],
  ['alerts in Japanese', '#/alerts', 'alerts', 'ja'],
]) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measure(hash, mark, lang));
  pages[name] = {
    fcpMs: round(median(runs.map((x) => x.fcp))),
    interactiveMs: round(median(runs.map((x) => x.interactive))),
    mainThreadTaskMs: round(median(runs.map((x) => x.task))),
    mainThreadCpuMs: round(median(runs.map((x) => x.cpu))),
  };
}

// Inventory in full: all rows loaded, filter latency, scrolling frame times.
const full = [];
const filterMs = [];
const frames = [];
const scrollTaskPerStep = [];
const scrollCpuPerStep = [];
for (let r = 0; r < RUNS; r++) {
  const { context, page, cdp } = await coldPage();
  const t0 = Date.now();
  await page.goto(`${server.url}/#/inventory`);
  const total = new Intl.NumberFormat('en').format(E);
  await page.getByText(`${total} of ${total} endpoints`).waitFor({ timeout: 120_000 });
  full.push(Date.now() - t0);
  const search = page.getByLabel('Search host or path');
  const f0 = await page.evaluate(() => performance.now());
  await search.fill('item123');
  await page.waitForFunction(
    () =>
      /^\d[\d,]* of /.test(document.querySelector('.page-title p')?.textContent ?? '') &&
      !document.querySelector('.page-title p')?.textContent?.startsWith('10,000 of'),
  );
  filterMs.push((await page.evaluate(() => performance.now())) - f0);
  await search.fill('');
  await page.getByText(`${total} of ${total} endpoints`).waitFor();
  const before = await mainThread(cdp);
  const deltas = await page.evaluate(async () => {
    const body = document.querySelector('tbody.vbody');
    const out = [];
    let last = performance.now();
    for (let y = 0; y < body.scrollHeight; y += 1000) {
      body.scrollTop = y;
      await new Promise((r) => requestAnimationFrame(() => r()));
      const now = performance.now();
      out.push(now - last);
      last = now;
    }
    return out;
  });
  frames.push(...deltas);
  const after = await mainThread(cdp);
  scrollTaskPerStep.push((after.task - before.task) / deltas.length);
  scrollCpuPerStep.push((after.cpu - before.cpu) / deltas.length);
  await context.close();
}
const serverCpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;

await browser.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  loadavg: loadavg().map((x) => round(x)),
  stored: { endpoints: E, alerts: A },
  seedMs: Math.round(seedMs),
  js: { rawBytes: jsRaw, gzipBytes: jsGzip, cssGzipBytes: cssGzip },
  api,
  localiseAlertsCpuMsPer1000: localise,
  pages,
  inventory: {
    allRowsLoadedMs: median(full),
    filterTypingToRowsMs: round(median(filterMs)),
    scrollStepPx: 1000,
    scrollMainThreadTaskMsPerStep: round(median(scrollTaskPerStep)),
    scrollMainThreadCpuMsPerStep: round(median(scrollCpuPerStep)),
    scrollFrameMs: {
      p50: round(percentile(frames, 0.5)),
      p95: round(percentile(frames, 0.95)),
      max: round(Math.max(...frames)),
    },
  },
  cpu: { serverUserSysMs: Math.round((serverCpu.user + serverCpu.system) / 1000), wallMs: Math.round(wall) },
  runs: RUNS,
};
console.log(JSON.stringify(result, null, 2));
