#!/usr/bin/env node
// One process of bench/proxy.mjs: the upstream, a mamori proxy, or an Express app (plain or with
// mamori/express). Each runs in its own process so its CPU time can be read from /proc on its own.
// Prints `ready <port>` when listening.
//   node bench/proxy-target.mjs upstream
//   node bench/proxy-target.mjs proxy monitor|block|bare <upstream-url> <dist>
// (`bare`: the same proxy with no detector, no masking and nothing to match — the node:http floor)
//   node bench/proxy-target.mjs express plain|block <dist>

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [kind, mode, a1, a2] = process.argv.slice(2);
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
  process.stderr.write(`recorded ${recorded}\n`);
  process.exit(0);
});

// Time mamori spends on the request path (exchangeOf + inspect, before the request goes upstream) and
// after the response (complete: behaviour engine, masking), per request. SIGUSR2 prints and resets.
const onPath = [];
const after = [];
function timeGuard(guard) {
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
process.on('SIGUSR2', () => {
  process.stdout.write(
    `stats ${JSON.stringify({ n: onPath.length, pathP50: pct(onPath, 0.5), pathP99: pct(onPath, 0.99), afterP50: pct(after, 0.5), afterP99: pct(after, 0.99) })}\n`,
  );
  onPath.length = 0;
  after.length = 0;
});

if (kind === 'upstream') {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(0, '127.0.0.1', () => ready(server.address().port));
} else if (kind === 'proxy') {
  const dist = resolve(a2);
  const imp = (p) => import(pathToFileURL(`${dist}/${p}`).href);
  const { Guard } = await imp('proxy/guard.js');
  const { startProxy } = await imp('proxy/proxy.js');
  const { createDetector } = await imp('detect/index.js');
  const guard =
    mode === 'bare' ? new Guard({ mode: 'monitor' }) : new Guard({ mode, detector: createDetector(), sink });
  timeGuard(guard);
  const proxy = await startProxy({ upstream: new URL(a1), guard }, '127.0.0.1', 0);
  ready(proxy.port);
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
