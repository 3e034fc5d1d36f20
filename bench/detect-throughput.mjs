#!/usr/bin/env node
// (d) Detection throughput per core on realistic mixed traffic: the synthetic shop traffic of
// src/demo/generator.ts (several hosts, JSON bodies with PII, a few attacks and an enumerating actor),
// converted to exchanges once, then fed through one detector. CPU time (process.cpuUsage) is what is
// divided, so other load on the machine slows the wall clock but not the figure much.
//   npm run build && node bench/detect-throughput.mjs [--entries 20000] [--rounds 5] [--no-attacks]
//        [--dist DIR]   (a build made apart: npx tsc -p tsconfig.build.json --outDir DIR)
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    'no-attacks': { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
    dist: { type: 'string' },
  },
});
const dist = values.dist ? pathToFileURL(`${resolve(values.dist)}/`) : new URL('../dist/', import.meta.url);
const { generateEntries } = await import(new URL('demo/generator.js', dist).href);
const { createDetector } = await import(new URL('detect/index.js', dist).href);
const { exchangesFromHar } = await import(new URL('sources/index.js', dist).href);
const entries = [
  ...generateEntries({
    entries: Number(values.entries),
    attacks: !values['no-attacks'],
    seed: Number(values.seed),
  }),
];
const issues = [];
const exchanges = exchangesFromHar({ log: { version: '1.2', entries } }, { onIssue: (i) => issues.push(i) });
const span = exchanges.length ? exchanges[exchanges.length - 1].time - exchanges[0].time + 1000 : 0;

// Warm-up round (JIT), then measured rounds on a fresh detector; each round shifts time so windows roll.
function run(rounds) {
  const detector = createDetector();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const ex of exchanges) {
      detector.process(r === 0 ? ex : { ...ex, time: ex.time + r * span });
      n++;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const summary = detector.flush();
  return {
    n,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: wall / 1000,
    alerts: summary.alerts.length,
  };
}
run(1);
const r = run(Number(values.rounds));
const mem = process.memoryUsage();
console.log(
  JSON.stringify(
    {
      exchanges: r.n,
      skippedRecords: issues.length,
      cpuSeconds: +r.cpuSeconds.toFixed(3),
      wallSeconds: +r.wallSeconds.toFixed(3),
      exchangesPerCpuSecond: Math.round(r.n / r.cpuSeconds),
      exchangesPerWallSecond: Math.round(r.n / r.wallSeconds),
      alerts: r.alerts,
      heapUsedMB: Math.round(mem.heapUsed / 1048576),
      node: process.version,
      loadAverage: loadavg().map((x) => +x.toFixed(2)),
    },
    null,
    2,
  ),
);
