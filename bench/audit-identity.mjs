#!/usr/bin/env node
// Same results before and after an optimisation: runs `mamori audit --format json` in-process on each spec of
// the audit benchmark's corpus (bench/audit-corpus.mjs) and records a hash of the whole output (findings,
// locations, summary, compliance view, riskiest endpoints), the finding count and the CPU time per spec.
//
//   npx tsc -p tsconfig.build.json --outDir bench/.tools/base/dist   # the build before (package.json beside it)
//   node bench/audit-identity.mjs --dist bench/.tools/base/dist --out bench/out/audit/identity-base.json
//   node bench/audit-identity.mjs --dist dist --out bench/out/audit/identity-head.json \
//        --compare bench/out/audit/identity-base.json                                   # exit 1 on any difference
//   options: [--sample 200] [--largest 5] [--seed 20261123] [--all] [--skip-over-mb 100]

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listSpecs, pickSample, root } from './audit-corpus.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const next = process.argv[i + 1];
  if (next === undefined || next.startsWith('--')) args[a.slice(2)] = true;
  else {
    args[a.slice(2)] = next;
    i++;
  }
}
const dist = resolve(root, String(args.dist ?? 'dist'));
const out = resolve(root, String(args.out ?? 'bench/out/audit/identity.json'));
const all = listSpecs();
const files = args.all
  ? all
  : pickSample(all, Number(args.sample ?? 200), Number(args.largest ?? 5), Number(args.seed ?? 20261123));
const skipOver = Number(args['skip-over-mb'] ?? Infinity) * 2 ** 20;

const { main } = await import(pathToFileURL(`${dist}/cli/main.js`).href);
const write = process.stdout.write.bind(process.stdout);
const writeErr = process.stderr.write.bind(process.stderr);
const result = {};
let cpuTotal = 0;
for (const f of files) {
  if (f.size > skipOver) continue;
  let text = '';
  process.stdout.write = (chunk) => {
    text += String(chunk);
    return true;
  };
  process.stderr.write = () => true;
  const cpu0 = process.cpuUsage();
  let code;
  try {
    code = await main(['node', 'mamori', 'audit', '--format', 'json', f.abs]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  cpuTotal += cpuMs;
  let findings = -1;
  try {
    findings = JSON.parse(text).findings.length;
  } catch {}
  result[f.rel] = {
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
    code,
    findings,
    cpuMs: Math.round(cpuMs),
  };
  writeErr(
    `${f.rel} ${(f.size / 2 ** 20).toFixed(1)} MB: ${findings} findings, ${Math.round(cpuMs)} ms CPU\n`,
  );
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ dist, cpuSeconds: Math.round(cpuTotal) / 1000, files: result }, null, 1)}\n`,
);
writeErr(
  `${Object.keys(result).length} specs, ${(cpuTotal / 1000).toFixed(1)} s CPU (in one process) -> ${out}\n`,
);

if (args.compare) {
  const before = JSON.parse(readFileSync(resolve(root, String(args.compare)), 'utf8'));
  const differ = [];
  for (const [rel, r] of Object.entries(result)) {
    const b = before.files[rel];
    if (b && (b.hash !== r.hash || b.code !== r.code))
      differ.push(`${rel}: ${b.findings} -> ${r.findings} findings`);
  }
  const compared = Object.keys(result).filter((rel) => before.files[rel]).length;
  writeErr(
    `compared ${compared} specs with ${args.compare}: ${differ.length} differ; CPU ${before.cpuSeconds} s -> ${Math.round(cpuTotal) / 1000} s\n`,
  );
  for (const d of differ) writeErr(`  ${d}\n`);
  process.exitCode = differ.length > 0 ? 1 : 0;
}
