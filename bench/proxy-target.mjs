#!/usr/bin/env node
// One process of bench/proxy.mjs: the upstream, a stand-in platform, a mamori proxy, or an Express app
// (plain or with mamori/express). Each runs in its own process so its CPU time can be read from /proc
// on its own. Prints `ready <port>` when listening.
//   node bench/proxy-target.mjs upstream
//   node bench/proxy-target.mjs platform
//     takes POST /api/v1/traffic (counts the JSONL lines, answers 202) and serves empty patch and
//     decision lists, so the proxy runs as `mamori proxy --server` does
//   node bench/proxy-target.mjs proxy monitor|block|block-inline <upstream-url> <dist> <platform-url>
//     `mamori proxy --mode monitor|block --server <platform-url>` (src/cli/proxy.ts startFromFlags):
//     behaviour engine, masking and shipping in the analysis worker; block-inline: --analysis inline
//   node bench/proxy-target.mjs proxy bare <upstream-url> <dist>
//     the same proxy with no detector, no masking, no shipping and nothing to match (the node:http floor)
//   node bench/proxy-target.mjs express plain|block <dist>

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [kind, mode, a1, a2, a3] = process.argv.slice(2);
const BODY = JSON.stringify({ id: 42, name: 'Widget', tags: ['a', 'b'], price: 9.5 });
const handler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(BODY);
  });
};
const ready = (port) => process.stdout.write(`ready ${port}\n`);
// Exchanges are masked and counted, as they are before the shipper batches them.
let recorded = 0;
const sink = () => {
  recorded++;
};
process.on('SIGTERM', () => {
  if (recorded > 0) process.stderr.write(`recorded ${recorded}\n`);
  process.exit(0);
});

// Time mamori spends on the request path (exchangeOf + inspect, before the request goes upstream) and
// after the response on the request thread (complete: with the analysis worker only the hand-over;
// inline the behaviour engine, masking and shipping too), per request. SIGUSR2 prints and resets.
const onPath = [];
const after = [];
let timedGuard;
function timeGuard(guard) {
  timedGuard = guard;
  const wrap = (name, into) => {
    const fn = guard[name].bind(guard);
    guard[name] = (...a) => {
      const t0 = performance.now();
      const r = fn(...a);
      into.push(performance.now() - t0);
      return r;
    };
  };
  let pathStart = 0;
  const exchangeOf = guard.exchangeOf.bind(guard);
  guard.exchangeOf = (...a) => {
    pathStart = performance.now();
    return exchangeOf(...a);
  };
  const inspect = guard.inspect.bind(guard);
  guard.inspect = (...a) => {
    const r = inspect(...a);
    onPath.push(performance.now() - pathStart);
    return r;
  };
  wrap('complete', after);
}
const pct = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] * 1000 : 0;
};
// MAMORI_BENCH_DIAG=1 (bench/proxy.mjs --diag): GC pauses by kind and the event loop's delay (sampled
// every millisecond, which itself costs a little), so a latency tail can be put down to its cause.
const DIAG = process.env.MAMORI_BENCH_DIAG === '1';
const gcs = [];
let eld;
if (DIAG) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ kind: e.detail?.kind ?? e.kind, ms: e.duration });
  }).observe({ entryTypes: ['gc'] });
  eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
}
const GC_KINDS = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };
function diag() {
  const byKind = {};
  for (const g of gcs) {
    const k = GC_KINDS[g.kind] ?? String(g.kind);
    byKind[k] ??= { n: 0, totalMs: 0, maxMs: 0 };
    const d = byKind[k];
    d.n++;
    d.totalMs += g.ms;
    d.maxMs = Math.max(d.maxMs, g.ms);
  }
  for (const d of Object.values(byKind)) {
    d.totalMs = Number(d.totalMs.toFixed(2));
    d.maxMs = Number(d.maxMs.toFixed(2));
  }
  const out = {
    gc: byKind,
    gcOver1ms: gcs.filter((g) => g.ms > 1).length,
    loopDelayP50: eld.percentile(50) / 1e6,
    loopDelayP99: eld.percentile(99) / 1e6,
    loopDelayMax: eld.max / 1e6,
    heapMB: Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)),
  };
  gcs.length = 0;
  eld.reset();
  return out;
}
process.on('SIGUSR2', async () => {
  // The work of the requests so far is done (the analysis worker has caught up) before the figures.
  await timedGuard?.settled?.();
  const stats = {
    n: onPath.length,
    pathP50: pct(onPath, 0.5),
    pathP99: pct(onPath, 0.99),
    afterP50: pct(after, 0.5),
    afterP99: pct(after, 0.99),
  };
  if (DIAG) stats.diag = diag();
  if (timedGuard?.analysisStats) stats.analysis = timedGuard.analysisStats;
  process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
  onPath.length = 0;
  after.length = 0;
});

if (kind === 'upstream') {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(0, '127.0.0.1', () => ready(server.address().port));
} else if (kind === 'platform') {
  let lines = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'POST') {
      req.on('data', (c) => {
        for (const b of c) if (b === 10) lines++;
      });
      req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{}'));
      return;
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url.startsWith('/api/v1/decisions') ? '{"decisions":[]}' : '{"patches":[]}');
  });
  process.on('SIGTERM', () => {
    process.stderr.write(`platform received ${lines} exchanges\n`);
    process.exit(0);
  });
  server.listen(0, '127.0.0.1', () => ready(server.address().port));
} else if (kind === 'proxy') {
  const dist = resolve(a2);
  const imp = (p) => import(pathToFileURL(`${dist}/${p}`).href);
  if (mode === 'bare') {
    const { Guard } = await imp('proxy/guard.js');
    const { startProxy } = await imp('proxy/proxy.js');
    const guard = new Guard({ mode: 'monitor' });
    timeGuard(guard);
    const proxy = await startProxy({ upstream: new URL(a1), guard }, '127.0.0.1', 0);
    ready(proxy.port);
  } else {
    const { startFromFlags } = await imp('cli/proxy.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const handle = await startFromFlags({
      listen: '127.0.0.1:0',
      upstream: a1,
      mode: mode === 'monitor' ? 'monitor' : 'block',
      trustedProxy: [],
      spoolCap: String(256 * 1024 * 1024),
      bodyCap: '65536',
      policyInterval: '10000',
      server: a3,
      token: 'bench',
      spoolDir: mkdtempSync(join(tmpdir(), 'mamori-bench-spool-')),
      analysis: mode === 'block-inline' ? 'inline' : 'worker',
    });
    timeGuard(handle.guard);
    process.removeAllListeners('SIGTERM');
    process.on('SIGTERM', async () => {
      await handle.stop();
      const s = handle.guard.analysisStats;
      process.stderr.write(
        `analysed ${s.analysed}, dropped ${s.dropped}, shipper ${JSON.stringify(s.shipper ?? handle.shipper?.stats)}\n`,
      );
      process.exit(0);
    });
    ready(handle.proxy.port);
  }
} else if (kind === 'express') {
  const require = createRequire(import.meta.url);
  const express = require('express');
  const app = express();
  if (mode !== 'plain') {
    const dist = resolve(a1);
    const { mamoriExpress } = await import(pathToFileURL(`${dist}/middleware/express.js`).href);
    const mw = mamoriExpress({ mode, sink });
    timeGuard(mw.sensor.guard);
    app.use(mw);
  }
  app.use(handler);
  const server = app.listen(0, '127.0.0.1', () => ready(server.address().port));
  server.keepAliveTimeout = 60_000;
} else {
  process.stderr.write(`unknown target ${kind}\n`);
  process.exit(2);
}
