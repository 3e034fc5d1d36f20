#!/usr/bin/env node
// What mamori's middleware costs in the app's own process: plain node:http, Express 5 and Fastify 5, each
// without and with its mamori adapter (mamori/http, mamori/express, mamori/fastify in block mode, default
// detection, masked exchanges counted by a sink as the shipper would batch them), in one run. Every
// target is its own process, so its CPU time (user+sys from /proc) and its GC time (PerformanceObserver)
// are its own. The load is bench/proxy-load.mjs `max` (the request mix of bench/proxy.mjs: GETs with a
// query and JSON POSTs, 5,000 API keys), in a process of its own, the same for every target.
//
// For each target and round: a warm-up, then a closed-loop run at fixed concurrency → requests per
// second, CPU milliseconds per request, GC milliseconds per request. Rounds interleave the targets so
// that a change in the machine's load hits them alike; the report gives each target's median. Then,
// per target, an in-process pass (the app driven over in-memory sockets in a process of its own, no
// kernel and no load generator sharing the CPU): CPU µs and KB allocated per request (V8's sampling
// heap profiler, objects already collected included: what GC time is made of).
//
//   node bench/middleware.mjs [--seconds 8] [--warmup 3] [--conc 16] [--rounds 3] [--inproc 8000]
//                             [--dist DIR] [--only name,name] [--profile cpu] [--json FILE]
// DIR is a build of src/ (`npx tsc -p tsconfig.build.json --outDir /tmp/x-dist`; default dist/).
// --inproc N: requests per in-process pass (0: none). --profile cpu: a CPU profile per mamori target
// (--cpu-prof) in bench/out/middleware-*.cpuprofile.
//
// One target process: node bench/middleware.mjs target <http|express|fastify> <plain|mamori> <dist>
// One in-process pass: node bench/middleware.mjs inproc <http|express|fastify> <plain|mamori> <dist> <n>

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === 'target') await target(...process.argv.slice(3));
else if (process.argv[2] === 'inproc') await inproc(...process.argv.slice(3));
else await main();

// ---- one target ------------------------------------------------------------------------------------

/** The app of one target as a node:http server, not yet listening, and a count of recorded exchanges. */
async function buildServer(framework, variant, distDir) {
  const require = createRequire(import.meta.url);
  const BODY = JSON.stringify({ id: 42, name: 'Widget', tags: ['a', 'b'], price: 9.5 });
  const counter = { recorded: 0 };
  // MAMORI_BENCH_ANALYSIS=inline|worker: where the adapter's after-response analysis runs (default:
  // the adapter's own default, a worker thread; with this sink the masked copies come back from it).
  const analysis = process.env['MAMORI_BENCH_ANALYSIS'];
  const opts = {
    mode: 'block',
    ...(analysis ? { analysis } : {}),
    sink: () => {
      counter.recorded++;
    },
  };
  const mw = (name) => import(pathToFileURL(join(resolve(distDir), 'middleware', `${name}.js`)).href);
  if (framework === 'http') {
    const app = (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
        res.end(BODY);
      });
    };
    const listener = variant === 'mamori' ? (await mw('http')).withMamori(app, opts) : app;
    return { server: createServer({ keepAliveTimeout: 60_000 }, listener), counter, sensor: listener.sensor };
  }
  if (framework === 'express') {
    const express = require('express');
    const app = express();
    const middleware = variant === 'mamori' ? (await mw('express')).mamoriExpress(opts) : undefined;
    if (middleware) app.use(middleware);
    app.use(express.json());
    app.get('/api/items/:id', (_req, res) => res.json(JSON.parse(BODY)));
    app.post('/api/orders', (req, res) => res.json({ ok: true, item: req.body.item }));
    const server = createServer({ keepAliveTimeout: 60_000 }, app);
    return { server, counter, sensor: middleware?.sensor };
  }
  if (framework === 'fastify') {
    const Fastify = require('fastify');
    const app = Fastify({ keepAliveTimeout: 60_000 });
    if (variant === 'mamori') await app.register((await mw('fastify')).mamoriFastify, opts);
    app.get('/api/items/:id', async () => JSON.parse(BODY));
    app.post('/api/orders', async (req) => ({ ok: true, item: req.body.item }));
    await app.ready();
    return { server: app.server, counter, sensor: app.mamori };
  }
  process.stderr.write(`unknown framework ${framework}\n`);
  process.exit(2);
}

async function target(framework, variant, distDir) {
  const { server, counter } = await buildServer(framework, variant, distDir);
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  }).observe({ entryTypes: ['gc'] });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  // SIGUSR2: GC time since the last report; "stop" on stdin: exit (after --cpu-prof is written).
  process.on('SIGUSR2', () => {
    process.stdout.write(`gc ${gcMs}\n`);
    gcMs = 0;
  });
  process.stdin.on('data', (d) => {
    if (String(d).includes('stop')) {
      process.stdout.write(`recorded ${counter.recorded}\n`);
      process.exit(0);
    }
  });
  process.stdout.write(`ready ${server.address().port}\n`);
}

/**
 * The same app driven in its own process over in-memory sockets (no kernel, no load generator): CPU
 * microseconds and bytes allocated per request, the latter from V8's sampling heap profiler counting
 * objects the GC already collected too (what GC time is made of). Prints one JSON line.
 */
async function inproc(framework, variant, distDir, nText) {
  const { Duplex } = await import('node:stream');
  const { Session } = await import('node:inspector/promises');
  const N = Number(nText);
  const { server, sensor } = await buildServer(framework, variant, distDir);
  const requestText = (i) => {
    const key = `key-${(i * 7919) % 5000}`;
    if (i % 4 === 3) {
      const body = JSON.stringify({ item: i % 100, qty: 1, note: 'deliver to the back door' });
      return `POST /api/orders HTTP/1.1\r\nhost: api.example.test\r\ncontent-type: application/json\r\nx-api-key: ${key}\r\nuser-agent: bench/1.0\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }
    return `GET /api/items/${i % 1000}?fields=name,price&page=${i % 7} HTTP/1.1\r\nhost: api.example.test\r\nx-api-key: ${key}\r\nuser-agent: bench/1.0\r\naccept: application/json\r\n\r\n`;
  };
  class MemorySocket extends Duplex {
    constructor(onResponse) {
      super();
      this.buf = '';
      this.onResponse = onResponse;
      this.remoteAddress = '127.0.0.1';
      this.remotePort = 40000;
    }
    _read() {}
    _write(chunk, _enc, cb) {
      this.buf += chunk.toString('latin1');
      const h = this.buf.indexOf('\r\n\r\n');
      if (h >= 0) {
        const m = /content-length: (\d+)/i.exec(this.buf.slice(0, h));
        const len = m ? Number(m[1]) : 0;
        if (this.buf.length >= h + 4 + len) {
          const status = Number(this.buf.slice(9, 12));
          this.buf = this.buf.slice(h + 4 + len);
          setImmediate(() => this.onResponse(status));
        }
      }
      cb();
    }
    setTimeout() {
      return this;
    }
    setNoDelay() {
      return this;
    }
    setKeepAlive() {
      return this;
    }
  }
  let sent = 0;
  let done = 0;
  const status = {};
  const run = (n) =>
    new Promise((resolveRun) => {
      const until = done + n;
      for (let c = 0; c < 8; c++) {
        const sock = new MemorySocket((st) => {
          status[st] = (status[st] ?? 0) + 1;
          if (++done === until) resolveRun();
          else if (sent < until) sock.push(requestText(sent++));
        });
        server.emit('connection', sock);
        sock.push(requestText(sent++));
      }
    });
  // The analysis of these requests may still be running in the adapter's worker thread: the CPU
  // counted (all threads of the process) runs until it has caught up, so worker and inline compare.
  const settle = async () => sensor?.guard.settled();
  await run(3000);
  await settle();
  const c0 = process.cpuUsage();
  await run(N);
  await settle();
  const cpu = process.cpuUsage(c0);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(N);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  let bytes = 0;
  const walk = (node) => {
    bytes += node.selfSize ?? 0;
    for (const c of node.children ?? []) walk(c);
  };
  walk(profile.head);
  process.stdout.write(
    `${JSON.stringify({ cpuUsPerReq: (cpu.user + cpu.system) / N, allocKBPerReq: bytes / 1024 / N, status })}\n`,
  );
  process.exit(0);
}

// ---- the run ---------------------------------------------------------------------------------------

async function main() {
  const args = {};
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (a.startsWith('--')) args[a.slice(2)] = process.argv[++i];
  }
  const SECONDS = Number(args.seconds ?? 8);
  const WARMUP = Number(args.warmup ?? 3);
  const CONC = Number(args.conc ?? 16);
  const ROUNDS = Number(args.rounds ?? 3);
  const DIST = resolve(args.dist ?? join(here, '..', 'dist'));
  const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
  const PROFILE = args.profile;
  const INPROC = Number(args.inproc ?? 8000);
  const OUT = join(here, 'out');
  mkdirSync(OUT, { recursive: true });

  const TARGETS = [
    ['node:http', 'http', 'plain'],
    ['node:http + mamori/http', 'http', 'mamori'],
    ['Express 5', 'express', 'plain'],
    ['Express 5 + mamori/express', 'express', 'mamori'],
    ['Fastify 5', 'fastify', 'plain'],
    ['Fastify 5 + mamori/fastify', 'fastify', 'mamori'],
  ].filter(([name, fw]) => !ONLY || ONLY.has(name) || ONLY.has(fw));

  const start = (fw, variant, profileTag) =>
    new Promise((resolveStart, reject) => {
      const env = { ...process.env };
      const nodeArgs = [];
      if (PROFILE === 'cpu' && variant === 'mamori')
        nodeArgs.push(
          '--cpu-prof',
          '--cpu-prof-dir',
          OUT,
          '--cpu-prof-name',
          `middleware-${profileTag}.cpuprofile`,
        );
      const child = spawn(
        process.execPath,
        [...nodeArgs, fileURLToPath(import.meta.url), 'target', fw, variant, DIST],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
          env,
        },
      );
      let buf = '';
      const waiters = [];
      child.stdout.on('data', (d) => {
        buf += d;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.startsWith('ready '))
            resolveStart({
              child,
              port: Number(line.slice(6)),
              gc: () =>
                new Promise((r) => {
                  waiters.push(r);
                  child.kill('SIGUSR2');
                }),
              stop: () =>
                new Promise((r) => {
                  child.once('exit', r);
                  child.stdin.write('stop\n');
                }),
            });
          else if (line.startsWith('gc ')) waiters.shift()?.(Number(line.slice(3)));
          nl = buf.indexOf('\n');
        }
      });
      child.once('exit', (code) => reject(new Error(`target ${fw} ${variant} exited with ${code}`)));
    });

  const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
  // The target's CPU (user + sys) from /proc, read around the load run.
  const cpuSeconds = (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  };
  const load = (port, seconds, pid) => {
    const cpu0 = cpuSeconds(pid);
    const r = spawnSync(
      process.execPath,
      [join(here, 'proxy-load.mjs'), 'max', String(port), String(CONC), String(seconds)],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`load: ${r.stderr}`);
    return { ...JSON.parse(r.stdout.trim().split('\n').pop()), cpu: cpuSeconds(pid) - cpu0 };
  };

  const results = new Map(TARGETS.map(([name]) => [name, []]));
  const loads = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fw, variant] of TARGETS) {
      const t = await start(fw, variant, `${fw}-r${round}`);
      load(t.port, WARMUP, t.child.pid);
      await t.gc();
      const r = load(t.port, SECONDS, t.child.pid);
      const gc = await t.gc();
      await t.stop();
      loads.push(loadavg()[0]);
      const row = { rps: r.rps, cpuMsPerReq: (r.cpu / r.done) * 1000, gcMsPerReq: gc / r.done, done: r.done };
      results.get(name).push(row);
      process.stderr.write(
        `round ${round + 1} ${name}: ${row.rps.toFixed(0)} req/s, ${row.cpuMsPerReq.toFixed(3)} ms CPU/req, ${row.gcMsPerReq.toFixed(3)} ms GC/req (load ${loadavg()[0].toFixed(1)})\n`,
      );
    }
  }
  const inprocRows = new Map();
  if (INPROC > 0)
    for (const [name, fw, variant] of TARGETS) {
      const r = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), 'inproc', fw, variant, DIST, String(INPROC)],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`inproc ${name}: ${r.stderr}`);
      const row = JSON.parse(r.stdout.trim().split('\n').pop());
      inprocRows.set(name, row);
      loads.push(loadavg()[0]);
      process.stderr.write(
        `in-process ${name}: ${row.cpuUsPerReq.toFixed(1)} µs CPU/req, ${row.allocKBPerReq.toFixed(1)} KB allocated/req\n`,
      );
    }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };
  const summary = TARGETS.map(([name]) => {
    const rows = results.get(name);
    return {
      name,
      rps: median(rows.map((r) => r.rps)),
      cpuMsPerReq: median(rows.map((r) => r.cpuMsPerReq)),
      gcMsPerReq: median(rows.map((r) => r.gcMsPerReq)),
      inproc: inprocRows.get(name),
      rounds: rows,
    };
  });
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    command: `node bench/middleware.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    conc: CONC,
    seconds: SECONDS,
    rounds: ROUNDS,
    loadAvg: { min: Math.min(...loads), max: Math.max(...loads) },
  };
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ meta, summary }, null, 2)}\n`);
  const base = (name) => summary.find((s) => s.name === name.split(' + ')[0]);
  console.log(
    `${meta.date} · ${meta.cpus} · ${meta.command} · load ${meta.loadAvg.min.toFixed(1)}–${meta.loadAvg.max.toFixed(1)}`,
  );
  console.log(
    '| target | req/s | CPU ms/request | added CPU ms/request | GC ms/request | in-process CPU µs/request | in-process KB allocated/request |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const s of summary) {
    const b = base(s.name);
    const added = b && b !== s ? `+${(s.cpuMsPerReq - b.cpuMsPerReq).toFixed(3)}` : '–';
    const ip = s.inproc
      ? `${s.inproc.cpuUsPerReq.toFixed(1)} | ${s.inproc.allocKBPerReq.toFixed(1)}`
      : '– | –';
    console.log(
      `| ${s.name} | ${s.rps.toFixed(0)} | ${s.cpuMsPerReq.toFixed(3)} | ${added} | ${s.gcMsPerReq.toFixed(3)} | ${ip} |`,
    );
  }
}
