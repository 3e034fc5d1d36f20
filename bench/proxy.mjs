#!/usr/bin/env node
// Inline-sensor benchmark, all in one run against the same loopback upstream (a node:http server in its
// own process): direct, nginx as a plain reverse proxy, nginx + ModSecurity v3 + OWASP CRS 3.3.4
// (paranoia 1, anomaly blocking, the set-up of bench/detect-modsec.sh), `mamori proxy` in monitor and in
// block mode, and an Express app plain and with mamori/express (block). Every target is its own process
// (bench/proxy-target.mjs, nginx with one worker), so its CPU time is read from /proc alone.
//
// For each target: latency at a fixed request rate (p50/p99, and added over the direct path), then
// maximum throughput at fixed concurrency with the target's CPU time → requests per CPU-second (per core).
// The load generator is bench/proxy-load.mjs in a process of its own, the same for every target.
//
//   node bench/proxy.mjs [--rate 1000] [--seconds 10] [--warmup 3] [--conc 32] [--dist DIR] [--only name,name]
//                        [--pin-load CPUS] [--pin-targets CPUS] [--diag]
// --pin-load / --pin-targets run the load generator / the upstream and every target under `taskset -c`.
// --diag: each node target also reports its GC pauses and event-loop delay (costs a timer per ms).
// DIR is a build of src/ (`npx tsc -p tsconfig.build.json --outDir bench/.tools/respond-dist`).
// nginx rows need nginx, libnginx-mod-http-modsecurity and modsecurity-crs (Debian); they are skipped
// with a note when those are missing.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--diag') args.diag = true;
  else if (a.startsWith('--')) args[a.slice(2)] = process.argv[++i];
}
const RATE = Number(args.rate ?? 1000);
const SECONDS = Number(args.seconds ?? 10);
const WARMUP = Number(args.warmup ?? 3);
const CONC = Number(args.conc ?? 32);
const DIST = resolve(args.dist ?? join(here, '.tools/respond-dist'));
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const PIN_LOAD = args['pin-load'];
const PIN_TARGETS = args['pin-targets'];
const DIAG = 'diag' in args;
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

/** Spawns a command, under `taskset -c PIN_TARGETS` when asked (taskset execs it: the pid stays). */
function spawnTarget(cmd, argv, opts) {
  return PIN_TARGETS ? spawn('taskset', ['-c', PIN_TARGETS, cmd, ...argv], opts) : spawn(cmd, argv, opts);
}

function start(argv) {
  return new Promise((resolveStart, reject) => {
    const child = spawnTarget(process.execPath, [join(here, 'proxy-target.mjs'), ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: DIAG ? { ...process.env, MAMORI_BENCH_DIAG: '1' } : process.env,
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
  const child = spawnTarget(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
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

// Runs bench/proxy-load.mjs (the load generator, its own process) and returns its JSON line.
function load(argv, onWarm) {
  return new Promise((resolveLoad, reject) => {
    // A young generation large enough that the generator's own scavenges are rare during a run (its
    // pauses would count in every target's latency alike).
    const cmd = [process.execPath, '--max-semi-space-size=64', join(here, 'proxy-load.mjs'), ...argv];
    const child = PIN_LOAD
      ? spawn('taskset', ['-c', PIN_LOAD, ...cmd], { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('warm\n')) {
        out = out.slice(5);
        Promise.resolve(onWarm?.()).then(() => child.stdin.write('go\n'));
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited ${code}`));
      else resolveLoad(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

/** Fixed rate after a warm-up of WARMUP seconds on the same connections; `onWarm` runs between them. */
const fixedRate = (port, seconds, onWarm) =>
  load(['fixed', String(port), String(RATE), String(seconds), String(WARMUP)], onWarm);
/** Closed-loop maximum; the target's CPU is counted until it has finished the work of those requests
 * (a node target answers its stats only once its analysis worker has caught up). */
async function throughput(target) {
  const cpu0 = cpuSeconds(target.pids);
  const r = await load(['max', String(target.port), String(CONC), String(SECONDS)]);
  if (target.child) await statsOf(target);
  r.cpu = cpuSeconds(target.pids) - cpu0;
  return r;
}

const upstream = await start(['upstream']);
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
// Where `mamori proxy --server` ships its masked exchanges (a stand-in that counts and answers 202).
const platform = await start(['platform']);
const platformUrl = `http://127.0.0.1:${platform.port}`;
const plan = [
  ['direct', async () => upstream],
  ['nginx', () => startNginx('nginx', upstream.port, false)],
  ['nginx + ModSecurity + CRS 3.3.4', () => startNginx('nginx-modsec', upstream.port, true)],
  ['mamori proxy bare (no analysis)', () => start(['proxy', 'bare', upstreamUrl, DIST])],
  ['mamori proxy monitor', () => start(['proxy', 'monitor', upstreamUrl, DIST, platformUrl])],
  ['mamori proxy block', () => start(['proxy', 'block', upstreamUrl, DIST, platformUrl])],
  [
    'mamori proxy block (analysis inline)',
    () => start(['proxy', 'block-inline', upstreamUrl, DIST, platformUrl]),
  ],
  ['express', () => start(['express', 'plain', DIST])],
  ['express + mamori/express (block)', () => start(['express', 'block', DIST])],
];

console.log(
  `${new Date().toISOString()} ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `fixed rate ${RATE}/s for ${SECONDS}s (after a ${WARMUP} s warm-up on the same connections); throughput: ${CONC} connections for ${SECONDS}s; load generator ${PIN_LOAD ? `on CPU ${PIN_LOAD}` : 'unpinned'}, upstream and targets ${PIN_TARGETS ? `on CPU ${PIN_TARGETS}` : 'unpinned'}`,
);
const rows = [];
const la = () => loadavg()[0].toFixed(2);
/** The target's `stats` line (SIGUSR2 prints it and starts a new period). */
async function statsOf(target) {
  target.stats = undefined;
  target.child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !target.stats; i++) await new Promise((r) => setTimeout(r, 20));
  return target.stats;
}
const ms = (x) => (x === undefined ? '?' : x.toFixed(3));
try {
  for (const [name, launch] of plan) {
    // The baselines run whenever a row that is compared with them runs.
    const needed =
      !ONLY ||
      ONLY.has(name) ||
      name === 'direct' ||
      (name === 'express' && [...ONLY].some((n) => n.startsWith('express')));
    if (!needed) continue;
    const target = await launch();
    if (!target) {
      console.log(`${name}: skipped (nginx / ModSecurity / CRS not installed)`);
      continue;
    }
    const node = target.child !== undefined;
    let load0;
    const fr = await fixedRate(target.port, SECONDS, async () => {
      if (node) await statsOf(target);
      if (DIAG && target !== upstream) await statsOf(upstream);
      load0 = la();
    });
    fr.load = `${load0}–${la()}`;
    if (node) fr.guard = await statsOf(target);
    if (DIAG && target !== upstream) fr.upstreamDiag = await statsOf(upstream);
    const tp = await throughput(target);
    rows.push({ name, ...fr, ...tp });
    const g = fr.guard;
    console.log(
      `${name}: p50 ${ms(fr.p50)} p90 ${ms(fr.p90)} p99 ${ms(fr.p99)} p99.9 ${ms(fr.p999)} max ${ms(fr.max)} ms at ${fr.achieved.toFixed(0)}/s (load ${fr.load}; generator late p50/p99 ${ms(fr.lateP50)}/${ms(fr.lateP99)} ms, its CPU ${fr.loadCpu.toFixed(2)} s); max ${tp.rps.toFixed(0)} req/s, target CPU ${tp.cpu.toFixed(2)} s for ${tp.done} req, statuses ${JSON.stringify(fr.status)}${
        g?.n
          ? `; mamori on the request path p50 ${g.pathP50.toFixed(1)} µs p99 ${g.pathP99.toFixed(1)} µs, after the response p50 ${g.afterP50.toFixed(1)} µs p99 ${g.afterP99.toFixed(1)} µs (${g.n} req)`
          : ''
      }${g?.diag ? `\n  diag ${JSON.stringify(g.diag)}` : ''}${fr.upstreamDiag?.diag ? `\n  upstream diag ${JSON.stringify(fr.upstreamDiag.diag)}` : ''}`,
    );
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
}

const base = (name) => rows.find((r) => r.name === (name.startsWith('express') ? 'express' : 'direct'));
console.log(
  '\n| target | p50 ms | p99 ms | p50 added | p99 added | mamori on the request path p50 / p99 µs | max req/s | target CPU ms / req | req per CPU-second | load |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  const b = base(r.name);
  const added = (x) => (r === b || !b ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);
  console.log(
    `| ${r.name} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${added(r.p50 - b.p50)} | ${added(r.p99 - b.p99)} | ${r.guard?.n ? `${r.guard.pathP50.toFixed(0)} / ${r.guard.pathP99.toFixed(0)}` : '–'} | ${r.rps.toFixed(0)} | ${((r.cpu / r.done) * 1000).toFixed(3)} | ${(r.done / r.cpu).toFixed(0)} | ${r.load} |`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
