#!/usr/bin/env node
// Scanner benchmark (issue "Active API security testing", section Benchmark):
//  1. throughput: sequential requests/s of the scanner's guarded client (scope guard, destructive guard,
//     token bucket, budget, evidence recording, body cap) against a fast local target, next to a bare
//     undici loop with the same agent settings; the difference per request is the scanner's overhead;
//  2. the whole catalogue against the deliberately vulnerable test API and its secure twin: wall time,
//     requests, tests fired, findings (and false reports on the twin).
//
//   npm run build
//   node bench/scan.mjs [--n 3000] [--out bench/out/scan]
//
// Everything runs on 127.0.0.1; the target runs in a child process so it does not share the
// scanner's event loop.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])),
);
const N = Number(args.n ?? 3000);
const out = resolve(root, args.out ?? 'bench/out/scan');
mkdirSync(out, { recursive: true });

if (!existsSync(join(root, 'dist/scan/runner.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
// The test API lives in src/scan/test-support (excluded from the build): compile its two files alone.
const supportOut = join(out, 'test-support');
execFileSync(
  join(root, 'node_modules/.bin/tsc'),
  [
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--skipLibCheck',
    '--esModuleInterop',
    '--outDir',
    supportOut,
    join(root, 'src/scan/test-support/vulnerable-api.ts'),
    join(root, 'src/scan/test-support/spec.ts'),
  ],
  { stdio: 'inherit' },
);
writeFileSync(join(supportOut, 'package.json'), '{"type":"module"}');

const { ScanClient } = await import(pathToFileURL(join(root, 'dist/scan/client.js')).href);
const { runScan } = await import(pathToFileURL(join(root, 'dist/scan/runner.js')).href);
const { loadSpecText } = await import(pathToFileURL(join(root, 'dist/sources/spec.js')).href);
const { startTestApi } = await import(pathToFileURL(join(supportOut, 'vulnerable-api.js')).href);
const { testApiDocument } = await import(pathToFileURL(join(supportOut, 'spec.js')).href);

// ---- 1. throughput against a fast target (child process) -----------------------------------------
const target = spawn(
  process.execPath,
  [
    '-e',
    `
  const http = require('node:http');
  const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
  const s = http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
  s.keepAliveTimeout = 10000;
  s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise((res) => target.stdout.once('data', (d) => res(Number(String(d).trim()))));
const base = `http://127.0.0.1:${port}`;

async function bare(n) {
  const agent = new Agent({ connections: 8, pipelining: 1, keepAliveTimeout: 4000 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await request(`${base}/api/items/${i}?q=x`, {
      method: 'GET',
      dispatcher: agent,
      headers: { authorization: 'Bearer abcdefghijkl' },
    });
    await r.body.text();
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await agent.close();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}
async function scanner(n) {
  const c = new ScanClient({
    target: new URL(base),
    destructive: false,
    plan: false,
    rate: 1e9,
    maxRequests: n + 1,
    deadline: Date.now() + 600000,
    timeoutMs: 10000,
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await c.send({
      method: 'GET',
      path: `/api/items/${i}?q=x`,
      headers: { authorization: 'Bearer abcdefghijkl' },
      as: 'alice',
    });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}
await bare(300); // warm-up (JIT, connections)
await scanner(300);
const rounds = [];
for (let r = 0; r < 3; r++) {
  const b = await bare(N);
  const sc = await scanner(N);
  rounds.push({ bareMs: b.ms, bareCpuMs: b.cpuMs, scanMs: sc.ms, scanCpuMs: sc.cpuMs });
}
target.kill();
const best = (k) => Math.min(...rounds.map((x) => x[k]));
const throughput = {
  requests: N,
  bareRps: Math.round((N / best('bareMs')) * 1000),
  scannerRps: Math.round((N / best('scanMs')) * 1000),
  overheadUsPerRequest: Math.round(((best('scanMs') - best('bareMs')) / N) * 1000),
  // CPU time of this process (client side only; the target is another process): steadier than wall
  // time on a loaded machine.
  bareCpuUsPerRequest: Math.round((best('bareCpuMs') / N) * 1000),
  scannerCpuUsPerRequest: Math.round((best('scanCpuMs') / N) * 1000),
  rounds,
};

// ---- 2. the catalogue against the test API and its twin ------------------------------------------
const spec = (await loadSpecText(JSON.stringify(testApiDocument()), 'test-api.json')).spec;
async function catalogue(mode) {
  const api = await startTestApi(mode);
  const identities = [
    { name: 'alice', header: 'authorization', value: `Bearer ${api.tokens.alice}`, admin: false },
    { name: 'bob', header: 'authorization', value: `Bearer ${api.tokens.bob}`, admin: false },
    { name: 'admin', header: 'authorization', value: `Bearer ${api.tokens.admin}`, admin: true },
  ];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runScan({
    target: new URL(api.url),
    spec,
    identities,
    destructive: true,
    rate: 1e6,
    seed: 1,
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await api.close();
  return {
    mode,
    wallS: Number((wallMs / 1000).toFixed(1)),
    // scanner and the in-process test API together
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    requests: r.sent,
    testsRun: r.tests.run,
    testsFired: new Set(r.findings.map((f) => f.test)).size,
    findings: r.findings.length,
  };
}
const scans = [await catalogue('vulnerable'), await catalogue('secure')];

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
  throughput,
  scans,
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log(`\n| measure | value |\n|---|---|`);
console.log(`| bare undici, sequential | ${throughput.bareRps} req/s |`);
console.log(`| mamori scan client, sequential | ${throughput.scannerRps} req/s |`);
console.log(`| scanner overhead | ${throughput.overheadUsPerRequest} µs/request |`);
console.log(
  `| client CPU per request (bare / scanner) | ${throughput.bareCpuUsPerRequest} / ${throughput.scannerCpuUsPerRequest} µs |`,
);
for (const s of scans)
  console.log(
    `| catalogue vs ${s.mode} test API | ${s.wallS} s (CPU ${s.cpuS} s), ${s.requests} requests, ${s.testsRun} tests run, ${s.testsFired} fired, ${s.findings} findings |`,
  );
