#!/usr/bin/env node
// The guard alone, no sockets: CPU per request of what mamori adds to a proxied request — exchangeOf +
// inspect (decisions, virtual patches, signatures) on the request path, complete (behaviour engine,
// masking) after the response — in monitor and block mode, without and with 200 virtual patches.
// CPU time (user+sys of this process) is less sensitive to a loaded machine than wall time.
// Each case also runs with the analysis in a worker thread (`mamori proxy`'s default), which masks and
// ships to a stand-in platform (bench/proxy-target.mjs platform, another process) as `--server` does:
// then the request thread's own CPU (from /proc/self/task) is what can delay requests, the process's
// CPU what it all costs. Inline (`--analysis inline`), the same shipper runs on the request thread.
//   node bench/proxy-guard.mjs [--count 20000] [--dist DIR]

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args[a.slice(2)] = process.argv[++i];
}
const N = Number(args.count ?? 20000);
const DIST = resolve(args.dist ?? join(here, '.tools/respond-dist'));
const imp = (p) => import(pathToFileURL(`${DIST}/${p}`).href);
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
/** CPU ms of this process's main thread (the request thread). */
function mainThreadMs() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / TICK) * 1000;
}
const { Guard } = await imp('proxy/guard.js');
const { Shipper } = await imp('proxy/shipper.js');
const { createDetector } = await imp('detect/index.js');
const { ATTACK_PATTERNS } = await imp('respond/patch.js');

const BODY = JSON.stringify({ item: 1, qty: 1, note: 'deliver to the back door' });
const RES = JSON.stringify({ id: 42, name: 'Widget', tags: ['a', 'b'], price: 9.5 });
function view(i) {
  const post = i % 4 === 3;
  return {
    method: post ? 'POST' : 'GET',
    url: post ? '/api/orders' : `/api/items/${i % 1000}?fields=name,price&page=${i % 7}`,
    scheme: 'http',
    headers: {
      host: 'api.example.test',
      'x-api-key': `key-${(i * 7919) % 5000}`,
      'user-agent': 'bench/1.0',
      accept: 'application/json',
      ...(post ? { 'content-type': 'application/json', 'content-length': String(BODY.length) } : {}),
    },
    peer: '127.0.0.1',
    httpVersion: 'HTTP/1.1',
  };
}
const response = () => ({
  status: 200,
  headers: {
    'content-type': 'application/json',
    'content-length': String(RES.length),
    connection: 'keep-alive',
  },
  body: { text: RES, size: RES.length, truncated: false, mimeType: 'application/json' },
});

// 100 endpoint patches on other paths (they must be checked and fail) and 100 actor patches.
const T = new Date().toISOString();
const patches = [];
for (let i = 0; i < 100; i++)
  patches.push({
    id: `p${i}`,
    created: T,
    createdBy: 'bench',
    source: { kind: 'manual', id: 'm' },
    description: 'bench',
    match: {
      method: 'GET',
      path: `/api/v${i}/things/{id}`,
      where: 'query',
      name: 'q',
      pattern: ATTACK_PATTERNS.sqli,
    },
    action: 'block',
  });
for (let i = 0; i < 100; i++)
  patches.push({
    id: `a${i}`,
    created: T,
    createdBy: 'bench',
    source: { kind: 'alert', id: 'a' },
    description: 'bench',
    match: { actor: `ip:198.51.100.${i}` },
    action: 'block',
  });

const platform = spawn(process.execPath, [join(here, 'proxy-target.mjs'), 'platform'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const platformUrl = await new Promise((r) => {
  let out = '';
  platform.stdout.on('data', (d) => {
    out += d;
    const m = /ready (\d+)/.exec(out);
    if (m) r(`http://127.0.0.1:${m[1]}`);
  });
});

async function run(mode, withPatches, worker) {
  const ship = { server: platformUrl, spoolDir: mkdtempSync(join(tmpdir(), 'mamori-guard-bench-')) };
  const shipper = worker ? undefined : new Shipper(ship);
  const guard = new Guard({
    mode,
    ...(worker
      ? {
          worker: {
            ship,
            onError: (m) => console.error(m),
          },
        }
      : { detector: createDetector(), sink: (ex) => shipper.push(ex) }),
    ...(withPatches ? { patches } : {}),
  });
  const once = async () => {
    const t = { path: 0, after: 0 };
    const c0 = process.cpuUsage();
    const m0 = mainThreadMs();
    for (let i = 0; i < N; i++) {
      const v = view(i);
      const a = performance.now();
      const ex = guard.exchangeOf(
        v,
        v.method === 'POST'
          ? { text: BODY, size: BODY.length, truncated: false, mimeType: 'application/json' }
          : undefined,
        'proxy',
      );
      const p = guard.inspect(ex);
      const b = performance.now();
      guard.complete(p, response(), 1);
      t.path += b - a;
      t.after += performance.now() - b;
      // As in the proxy, where requests arrive on the event loop: the worker's batches go out.
      if (worker && i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
    await guard.settled();
    const c = process.cpuUsage(c0);
    return { ...t, cpu: (c.user + c.system) / 1000, main: mainThreadMs() - m0 };
  };
  await once(); // warm-up (JIT, caches)
  const r = await once();
  await guard.close();
  await shipper?.close();
  // Shipped at once, or spooled and drained when the platform (busy) did not answer in time.
  const shipped = worker ? guard.analysisStats.shipper : shipper.stats;
  const recorded = (shipped?.sent ?? 0) + (shipped?.drained ?? 0);
  if (recorded !== 2 * N)
    throw new Error(
      `expected ${2 * N} recorded exchanges, got ${recorded} (${JSON.stringify(guard.analysisStats)})`,
    );
  return r;
}

console.log(`${N} requests per case (after a warm-up of ${N}); Node ${process.version}`);
try {
  console.log(
    '| guard | analysis | request path µs/req (wall) | after response on the request thread µs/req (wall) | request thread CPU µs/req | process CPU µs/req |',
  );
  console.log('|---|---|---:|---:|---:|---:|');
  for (const [mode, withPatches] of [
    ['monitor', false],
    ['block', false],
    ['monitor', true],
    ['block', true],
  ]) {
    for (const worker of [false, true]) {
      const r = await run(mode, withPatches, worker);
      const per = (ms) => ((ms * 1000) / N).toFixed(1);
      console.log(
        `| ${mode}${withPatches ? ', 200 patches' : ''} | ${worker ? 'worker' : 'inline'} | ${per(r.path)} | ${per(r.after)} | ${per(r.main)} | ${per(r.cpu)} |`,
      );
    }
  }
} finally {
  platform.kill('SIGTERM');
}
