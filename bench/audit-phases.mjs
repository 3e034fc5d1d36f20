#!/usr/bin/env node
// Where one `mamori audit` process spends its CPU, phase by phase, on one chunk of the audit benchmark's sample
// (bench/audit-corpus.mjs): loading the specs, building the index, running the rules, the post-processing
// (sort, compliance view, riskiest endpoints) and the JSON text; then the rules once more in the same
// process, warm, to show how much of the cold figure is V8 warm-up that a short process never amortises.
//
//   node bench/audit-phases.mjs [--dist bench/.tools/m2/dist] [--chunk 7] [--size 25]

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listSpecs, pickSample, root } from './audit-corpus.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const dist = pathToFileURL(resolve(root, opt('dist', 'dist'))).href;
const size = Number(opt('size', 25));
const chunk = Number(opt('chunk', 7));
const files = pickSample(listSpecs(), 200, 5, 20261123)
  .filter((f) => !f.largest)
  .slice((chunk - 1) * size, chunk * size);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const started = cpu();
const { loadSpec } = await import(`${dist}/sources/spec.js`);
const A = await import(`${dist}/audit/index.js`);
const t = { import: cpu() - started };
const rules = A.applyConfig(A.RULES);

let t0 = cpu();
const specs = [];
for (const f of files) specs.push((await loadSpec(f.abs)).spec);
t.load = cpu() - t0;
t0 = cpu();
const indexes = specs.map((s) => A.buildSpecIndex(s));
t.index = cpu() - t0;
t0 = cpu();
let findings = [];
for (let i = 0; i < specs.length; i++) findings = findings.concat(A.auditSpec(specs[i], rules, indexes[i]));
t.rules = cpu() - t0;
t0 = cpu();
A.sortFindings(findings);
const compliance = A.complianceView(findings);
const riskiest = A.riskiestEndpoints(findings, []);
t.post = cpu() - t0;
t0 = cpu();
const json = JSON.stringify({ findings, compliance, riskiest }, null, 2);
t.json = cpu() - t0;
t0 = cpu();
for (let i = 0; i < specs.length; i++) A.auditSpec(specs[i], rules, indexes[i]);
t.rulesWarm = cpu() - t0;

console.log(
  `chunk ${chunk} (${files.length} specs, ${(files.reduce((n, f) => n + f.size, 0) / 2 ** 20).toFixed(1)} MB): ` +
    `${findings.length} findings, ${(json.length / 2 ** 20).toFixed(0)} MB of JSON`,
);
for (const [phase, ms] of Object.entries(t)) console.log(`${phase.padEnd(10)} ${Math.round(ms)} ms CPU`);
