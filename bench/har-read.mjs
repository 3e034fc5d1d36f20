#!/usr/bin/env node
// HAR reading micro-benchmark: readTraffic (streamed scanner + per-entry JSON.parse + Exchange
// conversion) against a process that only reads the file and JSON.parse's it whole.
//
//   npm run build && node bench/har-read.mjs [--entries 100000] [--pad 0] [--gzip] [--pretty] [--runs 3] [--keep]
//
// Each measurement is a fresh child process (whole-process wall time and peak RSS), as in
// `mamori discover` versus `node -e 'JSON.parse(fs.readFileSync(f))'`. The HAR is generated into a
// temp directory (realistic browser-style entries: ~12 headers, cookies, JSON bodies with PII) and
// removed afterwards unless --keep.

import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRIES = Number(opt('entries', '100000'));
const PAD = Number(opt('pad', '0'));
const RUNS = Number(opt('runs', '3'));

/** Deterministic pseudo-random numbers so that every run generates the same file. */
let seed = 42;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

const HOSTS = ['api.shop.example', 'auth.shop.example', 'cdn.shop.example', 'partner.example.net'];
const NAMES = ['Jane Doe', 'Taro Yamada', 'John Smith', 'Hanako Sato'];

function entry(i) {
  const host = HOSTS[rnd(HOSTS.length)];
  const user = rnd(100000);
  const post = rnd(4) === 0;
  const url = post
    ? `https://${host}/v2/users/${user}/orders`
    : `https://${host}/v2/users/${user}/orders/${rnd(1e9)}?page=${rnd(20)}&sort=created&q=caf%C3%A9`;
  const respBody = JSON.stringify({
    id: user,
    name: NAMES[rnd(4)],
    email: `user${user}@example.com`,
    phone: `+81-90-${1000 + rnd(9000)}-${1000 + rnd(9000)}`,
    items: [
      { sku: `SKU-${rnd(99999)}`, qty: rnd(5) + 1, price: rnd(10000) / 100 },
      { sku: `SKU-${rnd(99999)}`, qty: 1, price: 12.5 },
    ],
    note: PAD > 0 ? 'x'.repeat(PAD) : 'thanks "for" shopping \\ see you',
  });
  const request = {
    method: post ? 'POST' : 'GET',
    url,
    httpVersion: 'HTTP/2',
    headers: [
      { name: ':authority', value: host },
      { name: ':method', value: post ? 'POST' : 'GET' },
      { name: 'accept', value: 'application/json, text/plain, */*' },
      { name: 'accept-encoding', value: 'gzip, deflate, br' },
      { name: 'accept-language', value: 'ja,en-US;q=0.9,en;q=0.8' },
      {
        name: 'authorization',
        value: `Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyJHt1c2VyfSJ9.${rnd(1e9).toString(36)}`,
      },
      { name: 'cookie', value: `sid=${rnd(1e12).toString(36)}; theme=dark` },
      {
        name: 'user-agent',
        value:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      },
      { name: 'referer', value: `https://www.shop.example/account/${user}` },
      { name: 'x-request-id', value: `${rnd(1e9)}-${rnd(1e9)}` },
    ],
    queryString: [],
    cookies: [
      { name: 'sid', value: 'x' },
      { name: 'theme', value: 'dark' },
    ],
    headersSize: -1,
    bodySize: -1,
  };
  if (post) {
    request.postData = {
      mimeType: 'application/json',
      text: JSON.stringify({
        card: '4111111111111111',
        name: NAMES[rnd(4)],
        address: '1-2-3 Chiyoda, Tokyo',
      }),
    };
  }
  return {
    startedDateTime: new Date(Date.UTC(2024, 4, 1) + i * 37).toISOString(),
    time: rnd(500) + 0.25,
    request,
    response: {
      status: rnd(20) === 0 ? 404 : 200,
      statusText: 'OK',
      httpVersion: 'HTTP/2',
      headers: [
        { name: 'content-type', value: 'application/json; charset=utf-8' },
        { name: 'cache-control', value: 'no-store' },
        { name: 'date', value: 'Wed, 01 May 2024 10:00:00 GMT' },
        { name: 'server', value: 'envoy' },
        { name: 'set-cookie', value: 'sid=abc; Path=/; HttpOnly; Secure' },
      ],
      cookies: [],
      content: {
        size: Buffer.byteLength(respBody),
        mimeType: 'application/json; charset=utf-8',
        text: respBody,
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: 512,
    },
    cache: {},
    timings: { blocked: 0.5, dns: -1, connect: -1, ssl: -1, send: 0.1, wait: 40, receive: 1.2 },
    serverIPAddress: '203.0.113.10',
    pageref: 'page_1',
  };
}

async function generate(file, gzip) {
  async function* text() {
    yield '{"log":{"version":"1.2","creator":{"name":"mamori-bench","version":"1"},"pages":[],"entries":[\n';
    let batch = '';
    for (let i = 0; i < ENTRIES; i++) {
      // --pretty: laid out as browsers save HARs (JSON.stringify(har, null, 2)); default one entry per line.
      const text = flag('pretty')
        ? `    ${JSON.stringify(entry(i), null, 2).replaceAll('\n', '\n    ')}`
        : JSON.stringify(entry(i));
      batch += (i === 0 ? '' : ',\n') + text;
      if (batch.length > 1 << 20) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}\n]}}\n`;
  }
  await pipeline(text, ...(gzip ? [createGzip()] : []), createWriteStream(file));
}

const PARSE_ONLY = `
const fs = require('node:fs');
const t = process.hrtime.bigint();
const doc = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const ms = Number(process.hrtime.bigint() - t) / 1e6;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ n: doc.log.entries.length, ms, cpu: (cpu.user + cpu.system) / 1000, rss: process.resourceUsage().maxRSS }));
`;

const READ = `
import { readTraffic } from ${JSON.stringify(join(root, 'dist/sources/index.js'))};
const t = process.hrtime.bigint();
let n = 0, issues = 0, bytes = 0;
for await (const ex of readTraffic(process.argv[1], { onIssue: () => issues++ })) {
  n++;
  bytes += ex.request.path.length;
}
const ms = Number(process.hrtime.bigint() - t) / 1e6;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ n, issues, ms, cpu: (cpu.user + cpu.system) / 1000, rss: process.resourceUsage().maxRSS }));
`;

function runChild(kind, file) {
  const start = process.hrtime.bigint();
  const argv = kind === 'parse' ? ['-e', PARSE_ONLY, file] : ['--input-type=module', '-e', READ, file];
  let out;
  try {
    out = execFileSync(process.execPath, ['--max-old-space-size=4096', ...argv], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    // JSON.parse of a file over ~512 MiB fails outright: V8 strings have a maximum length.
    const why =
      String(err.stderr ?? err.message)
        .split('\n')
        .find((l) => /Error/.test(l)) ?? 'failed';
    return { failed: why.trim(), wall: Number.NaN, ms: Number.NaN, cpu: Number.NaN, rss: 0, n: 0 };
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  return { ...JSON.parse(out), wall };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = mkdtempSync(join(tmpdir(), 'mamori-har-bench-'));
const file = join(dir, flag('gzip') ? 'bench.har.gz' : 'bench.har');
try {
  const g0 = Date.now();
  await generate(file, flag('gzip'));
  const size = statSync(file).size;
  console.log(
    `generated ${ENTRIES} entries, ${(size / 1048576).toFixed(1)} MiB${flag('gzip') ? ' gzip' : ''}${flag('pretty') ? ' pretty' : ''} in ${Date.now() - g0} ms`,
  );
  const kinds = flag('gzip') ? ['read'] : ['parse', 'read'];
  const results = {};
  for (const kind of kinds) results[kind] = [];
  for (let r = 0; r < RUNS; r++) for (const kind of kinds) results[kind].push(runChild(kind, file));
  for (const kind of kinds) {
    const rs = results[kind];
    if (rs[0].failed) {
      console.log(`${kind === 'parse' ? 'JSON.parse only ' : 'readTraffic     '} failed: ${rs[0].failed}`);
      continue;
    }
    console.log(
      `${kind === 'parse' ? 'JSON.parse only ' : 'readTraffic     '} wall ${median(rs.map((r) => r.wall)).toFixed(0)} ms` +
        `  (in-process ${median(rs.map((r) => r.ms)).toFixed(0)} ms, process CPU ${median(rs.map((r) => r.cpu)).toFixed(0)} ms)  peak RSS ${(Math.max(...rs.map((r) => r.rss)) / 1024).toFixed(0)} MiB` +
        `  exchanges ${rs[0].n}${rs[0].issues ? `  issues ${rs[0].issues}` : ''}`,
    );
  }
  if (results.parse && !results.parse[0].failed) {
    const ratio = median(results.read.map((r) => r.wall)) / median(results.parse.map((r) => r.wall));
    const cpuRatio = median(results.read.map((r) => r.cpu)) / median(results.parse.map((r) => r.cpu));
    // CPU time is the steadier figure on a shared machine: wall time includes waiting for a core.
    console.log(
      `ratio readTraffic / JSON.parse: wall ${ratio.toFixed(2)}x, process CPU ${cpuRatio.toFixed(2)}x`,
    );
  }
} finally {
  if (flag('keep')) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
