#!/usr/bin/env node
// The guard alone, no sockets: CPU per request of what mamori adds to a proxied request — exchangeOf +
// inspect (decisions, virtual patches, signatures) on the request path, complete (behaviour engine,
// masking) after the response — in monitor and block mode, without and with 200 virtual patches.
// CPU time (user+sys of this process) is less sensitive to a loaded machine than wall time.
//   node bench/proxy-guard.mjs [--count 20000] [--dist DIR]

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
const { Guard } = await imp('proxy/guard.js');
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

function run(mode, withPatches) {
  let sunk = 0;
  const guard = new Guard({
    mode,
    detector: createDetector(),
    sink: () => sunk++,
    ...(withPatches ? { patches } : {}),
  });
  const once = () => {
    const t = { path: 0, after: 0 };
    const c0 = process.cpuUsage();
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
    }
    const c = process.cpuUsage(c0);
    return { ...t, cpu: (c.user + c.system) / 1000 };
  };
  once(); // warm-up (JIT, caches)
  const r = once();
  if (sunk !== 2 * N) throw new Error(`expected ${2 * N} recorded exchanges, got ${sunk}`);
  return r;
}

console.log(`${N} requests per case (after a warm-up of ${N}); Node ${process.version}`);
console.log('| guard | request path µs/req (wall) | after response µs/req (wall) | CPU µs/req |');
console.log('|---|---:|---:|---:|');
for (const [mode, withPatches] of [
  ['monitor', false],
  ['block', false],
  ['monitor', true],
  ['block', true],
]) {
  const r = run(mode, withPatches);
  console.log(
    `| ${mode}${withPatches ? ', 200 patches' : ''} | ${((r.path * 1000) / N).toFixed(1)} | ${((r.after * 1000) / N).toFixed(1)} | ${((r.cpu * 1000) / N).toFixed(1)} |`,
  );
}
