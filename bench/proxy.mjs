#!/usr/bin/env node
// Inline-sensor benchmark, all in one run against the same loopback upstream (a node:http server in its
// own process): direct, nginx as a plain reverse proxy, nginx + ModSecurity v3 + OWASP CRS 3.3.4
// (paranoia 1, anomaly blocking, the set-up of bench/detect-modsec.sh), `mamori proxy` in monitor and in
// block mode, and an Express app plain and with mamori/express (block). Every target is its own process
// (bench/proxy-target.mjs, nginx with one worker), so its CPU time is read from /proc alone.
//
// For each target: latency at a fixed request rate (p50/p99, and added over the direct path), then
// maximum throughput at fixed concurrency with the target's CPU time → requests per CPU-second (per core).
// The load generator (undici Pool) is this process.
//
//   node bench/proxy.mjs [--rate 1000] [--seconds 10] [--conc 32] [--dist DIR] [--only name,name]
// DIR is a build of src/ (`npx tsc -p tsconfig.build.json --outDir bench/.tools/respond-dist`).
// nginx rows need nginx, libnginx-mod-http-modsecurity and modsecurity-crs (Debian); they are skipped
// with a note when those are missing.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) args[a.slice(2)] = process.argv[++i];
}
const RATE = Number(args.rate ?? 1000);
const SECONDS = Number(args.seconds ?? 10);
const CONC = Number(args.conc ?? 32);
const DIST = resolve(args.dist ?? join(here, '.tools/respond-dist'));
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const TOOLS = join(here, '.tools/proxy-bench');
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const children = [];

function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // process gone
    }
  }
  return ticks / TICK;
}

function childPids(ppid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === ppid) out.push(Number(d));
    } catch {
      // raced
    }
  }
  return out;
}

function start(argv) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [join(here, 'proxy-target.mjs'), ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    const target = { port: 0, pids: [child.pid], child, stats: undefined };
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m && !target.port) {
        target.port = Number(m[1]);
        resolveStart(target);
      }
      for (const s of out.matchAll(/stats (\{[^\n]*\})\n/g)) target.stats = JSON.parse(s[1]);
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
    child.on('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}`)));
  });
}

function freePort() {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });
}

async function startNginx(name, upstreamPort, modsec) {
  const nginx = '/usr/sbin/nginx';
  const module = '/usr/lib/nginx/modules/ngx_http_modsecurity_module.so';
  const crs = '/usr/share/modsecurity-crs';
  if (!existsSync(nginx) || (modsec && (!existsSync(module) || !existsSync(crs)))) return undefined;
  const dir = join(TOOLS, name);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  let rules = '';
  if (modsec) {
    const base = readFileSync('/etc/nginx/modsecurity.conf', 'utf8')
      .replace(/^SecRuleEngine .*/m, 'SecRuleEngine On')
      .replace(/^SecAuditEngine .*/m, 'SecAuditEngine Off')
      .replace(/^SecAuditLog .*/m, `SecAuditLog ${dir}/logs/audit.log`)
      .replace(/^SecUnicodeMapFile .*/m, 'SecUnicodeMapFile /etc/nginx/unicode.mapping 20127');
    writeFileSync(join(dir, 'modsecurity.conf'), base);
    const lines = [
      `Include ${dir}/modsecurity.conf`,
      'Include /etc/modsecurity/crs/crs-setup.conf',
      'SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=1"',
      'Include /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf',
      ...readdirSync(join(crs, 'rules'))
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => `Include ${crs}/rules/${f}`),
      'Include /etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf',
    ];
    writeFileSync(join(dir, 'main.conf'), `${lines.join('\n')}\n`);
    rules = `modsecurity on;\n    modsecurity_rules_file ${dir}/main.conf;`;
  }
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${modsec ? `load_module ${module};\n` : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    ${rules}
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  );
  const child = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const workers = childPids(child.pid);
    if (workers.length === 0) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      return { port, pids: [child.pid, ...workers] };
    } catch {
      // not yet
    }
  }
  throw new Error(`${name} did not start (see ${dir}/logs/error.log)`);
}

// Benign API traffic: GETs with a query and POSTs with a JSON body, 5,000 API keys so no actor's rate
// looks like abuse (every target then does its full inspection and forwards). A named Host, as real
// clients send (CRS scores a numeric Host, rule 920350).
const HOST = 'api.example.test';
function req(i) {
  const key = `key-${(i * 7919) % 5000}`;
  if (i % 4 === 3)
    return {
      path: '/api/orders',
      method: 'POST',
      headers: {
        host: HOST,
        'content-type': 'application/json',
        'x-api-key': key,
        'user-agent': 'bench/1.0',
      },
      body: JSON.stringify({ item: i % 100, qty: 1, note: 'deliver to the back door' }),
    };
  return {
    path: `/api/items/${i % 1000}?fields=name,price&page=${i % 7}`,
    method: 'GET',
    headers: { host: HOST, 'x-api-key': key, 'user-agent': 'bench/1.0', accept: 'application/json' },
  };
}

async function fixedRate(port, seconds) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  const total = RATE * seconds;
  const lat = [];
  const status = {};
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      pool.request(req(i)).then(async (res) => {
        await res.body.arrayBuffer();
        lat.push(performance.now() - t0);
        status[res.statusCode] = (status[res.statusCode] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(inflight);
  const achieved = total / ((performance.now() - start) / 1000);
  await pool.close();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { n: lat.length, p50: q(0.5), p99: q(0.99), achieved, status };
}

async function throughput(target) {
  const pool = new Pool(`http://127.0.0.1:${target.port}`, { connections: CONC });
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const cpu0 = cpuSeconds(target.pids);
  const own0 = process.cpuUsage();
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await pool.request(req(next++));
      await res.body.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONC }, worker));
  const secs = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(target.pids) - cpu0;
  const own = process.cpuUsage(own0);
  await pool.close();
  return { rps: done / secs, done, cpu, loadgenCpu: (own.user + own.system) / 1e6, secs };
}

const upstream = await start(['upstream']);
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
const plan = [
  ['direct', async () => upstream],
  ['nginx', () => startNginx('nginx', upstream.port, false)],
  ['nginx + ModSecurity + CRS 3.3.4', () => startNginx('nginx-modsec', upstream.port, true)],
  ['mamori proxy bare (no analysis)', () => start(['proxy', 'bare', upstreamUrl, DIST])],
  ['mamori proxy monitor', () => start(['proxy', 'monitor', upstreamUrl, DIST])],
  ['mamori proxy block', () => start(['proxy', 'block', upstreamUrl, DIST])],
  ['express', () => start(['express', 'plain', DIST])],
  ['express + mamori/express (block)', () => start(['express', 'block', DIST])],
];

console.log(
  `${new Date().toISOString()} ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `fixed rate ${RATE}/s for ${SECONDS}s (after a 2 s warm-up); throughput: ${CONC} connections for ${SECONDS}s`,
);
const rows = [];
try {
  for (const [name, launch] of plan) {
    if (ONLY && !ONLY.has(name) && name !== 'direct' && name !== 'express') continue;
    const target = await launch();
    if (!target) {
      console.log(`${name}: skipped (nginx / ModSecurity / CRS not installed)`);
      continue;
    }
    await fixedRate(target.port, 2);
    target.child?.kill('SIGUSR2');
    const fr = await fixedRate(target.port, SECONDS);
    if (target.child && name.includes('mamori')) {
      target.stats = undefined;
      target.child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !target.stats; i++) await new Promise((r) => setTimeout(r, 20));
      fr.guard = target.stats;
    }
    const tp = await throughput(target);
    rows.push({ name, ...fr, ...tp });
    console.log(
      `${name}: p50 ${fr.p50.toFixed(3)} ms, p99 ${fr.p99.toFixed(3)} ms at ${fr.achieved.toFixed(0)}/s; max ${tp.rps.toFixed(0)} req/s, target CPU ${tp.cpu.toFixed(2)} s for ${tp.done} req, statuses ${JSON.stringify(fr.status)}${
        fr.guard
          ? `; mamori on the request path p50 ${fr.guard.pathP50.toFixed(1)} µs p99 ${fr.guard.pathP99.toFixed(1)} µs, after the response p50 ${fr.guard.afterP50.toFixed(1)} µs p99 ${fr.guard.afterP99.toFixed(1)} µs (${fr.guard.n} req)`
          : ''
      }`,
    );
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
}

const base = (name) => rows.find((r) => r.name === (name.startsWith('express') ? 'express' : 'direct'));
console.log(
  '\n| target | p50 ms | p99 ms | p50 added | p99 added | mamori on the request path p50 / p99 µs | max req/s | target CPU ms / req | req per CPU-second |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const b = base(r.name);
  const added = (x) => (r === b || !b ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);
  console.log(
    `| ${r.name} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${added(r.p50 - b.p50)} | ${added(r.p99 - b.p99)} | ${r.guard ? `${r.guard.pathP50.toFixed(0)} / ${r.guard.pathP99.toFixed(0)}` : '–'} | ${r.rps.toFixed(0)} | ${((r.cpu / r.done) * 1000).toFixed(3)} | ${(r.done / r.cpu).toFixed(0)} |`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
