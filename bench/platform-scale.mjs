#!/usr/bin/env node
// Ingest throughput (exchanges/s): embedded (in-process queue + SQLite) and scaled out (JetStream
// publish → two `mamori worker` processes → PostgreSQL). Uses the built dist (`npm run build`).
// Needs PostgreSQL on 127.0.0.1:5432 (trust, db test) and NATS JetStream on 127.0.0.1:4222; uses a
// scratch schema and stream and drops both.
// CPU time: the bench process's own (embedded; publisher) and each worker's (read from /proc before it
// stops); PostgreSQL's and NATS's server CPU is not counted.
//   node bench/platform-scale.mjs [--exchanges 20000] [--batch 500] [--workers 2] [--skip-embedded] [--dist dist] [--profile DIR]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    workers: { type: 'string', default: '2' },
    'skip-embedded': { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
    /** Write each worker's V8 CPU profile into this directory. */
    profile: { type: 'string' },
  },
});
const dist = resolve(root, values.dist);
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** utime + stime of a child process in seconds (Linux /proc, 100 ticks per second). */
const childCpuS = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const N = Number(values.exchanges);
const BATCH = Number(values.batch);
const WORKERS = Number(values.workers);

const { generateEntries } = await import(join(dist, 'demo/generator.js'));
const { exchangesFromHar } = await import(join(dist, 'sources/index.js'));
const { createIngestQueue, createPipeline } = await import(join(dist, 'pipeline/index.js'));
const { openStore } = await import(join(dist, 'store/index.js'));
const q = await import(join(dist, 'queue/index.js'));

const har = {
  log: {
    version: '1.2',
    creator: { name: 'bench', version: '1' },
    entries: [...generateEntries({ entries: N, attacks: true, seed: 5 })],
  },
};
const exchanges = exchangesFromHar(har, { onIssue() {} }).map((e, i) => ({ ...e, id: `b${i}-${e.id}` }));
const chunks = [];
for (let i = 0; i < exchanges.length; i += BATCH) chunks.push(exchanges.slice(i, i + BATCH));
const rate = (n, ms) => Math.round((n / ms) * 1000);
console.log(
  `exchanges ${exchanges.length}, batch ${BATCH}, node ${process.version}, ${new Date().toISOString()}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);

if (!values['skip-embedded']) {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-'));
  try {
    const store = await openStore(join(dir, 'mamori.db'));
    const queue = createIngestQueue(createPipeline({ store }));
    const t0 = performance.now();
    const c0 = cpuS();
    for (const c of chunks) await queue.push(c);
    await queue.drain();
    const ms = performance.now() - t0;
    console.log(
      `embedded (in-process queue + SQLite): ${rate(exchanges.length, ms)} exchanges/s (${(ms / 1000).toFixed(1)} s wall, ${(cpuS() - c0).toFixed(1)} s CPU)`,
    );
    await store.close();
  } catch (err) {
    console.log(`embedded: not measured (${err.message.split('\n')[0]})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const id = `bench_${process.pid}`;
const storeUrl = `postgres://postgres@127.0.0.1:5432/test?schema=${id}`;
const queueUrl = `nats://127.0.0.1:4222?prefix=${id}&partitions=${WORKERS}`;
const config = q.parseQueueUrl(queueUrl);
const db = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
await db.connect();
const workers = [];
try {
  // Schema migrated up front, so the timing is ingest only.
  await (await openStore(storeUrl)).close();
  const conn = await q.openQueue(config);
  const publisher = q.createJetStreamQueue(conn);
  const t0 = performance.now();
  const c0 = cpuS();
  const entry = `import { main } from ${JSON.stringify(`${dist}/cli/main.js`)}; process.exitCode = await main(process.argv);`;
  for (let w = 0; w < WORKERS; w++) {
    const child = spawn(
      process.execPath,
      [
        ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : []),
        '--input-type=module',
        '-e',
        entry,
        'mamori',
        'worker',
        '--store',
        storeUrl,
        '--queue',
        queueUrl,
        '--partition',
        String(w),
        '--batch',
        String(BATCH),
        '--quiet',
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
    child.log = '';
    child.stderr.on('data', (d) => {
      child.log += d;
    });
    workers.push(child);
  }
  for (const c of chunks) await publisher.push(c);
  const tPub = performance.now() - t0;
  const cPub = cpuS() - c0;
  let n = 0;
  while (n < exchanges.length) {
    await new Promise((r) => setTimeout(r, 100));
    n = Number((await db.query(`SELECT COUNT(*) AS n FROM ${id}.processed`)).rows[0].n);
  }
  const ms = performance.now() - t0;
  const workerCpu = workers.map((w) => childCpuS(w.pid));
  console.log(
    `publish to JetStream: ${rate(exchanges.length, tPub)} exchanges/s (${(tPub / 1000).toFixed(1)} s wall, ${cPub.toFixed(1)} s CPU)`,
  );
  console.log(
    `scale-out (JetStream + ${WORKERS} workers + PostgreSQL), publish to last commit: ${rate(exchanges.length, ms)} exchanges/s (${(ms / 1000).toFixed(1)} s wall; worker CPU ${workerCpu.map((c) => `${c.toFixed(1)} s`).join(' + ')})`,
  );
  await conn.close();
} finally {
  await Promise.all(
    workers.map((w) => {
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      return exited;
    }),
  );
  for (const [i, w] of workers.entries()) {
    const lock = /merge lock taken .*/.exec(w.log);
    if (lock) console.log(`worker ${i}: ${lock[0]}`);
  }
  await q.deleteQueue(config);
  await db.query(`DROP SCHEMA IF EXISTS ${id} CASCADE`);
  await db.end();
}
