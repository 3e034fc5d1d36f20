// `mamori worker`: a scale-out analysis process. Consumes its partitions of the JetStream stream that
// `mamori serve --queue nats://…` publishes to, runs the pipeline and commits to the shared store
// (PostgreSQL), acknowledging each message only after the commit. Runs until SIGINT/SIGTERM.
// Test-only knob: MAMORI_WORKER_TEST_DELAY_MS (see src/queue/worker.ts).

import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { parseTrustedProxies } from '../identity/index.js';
import { InputError } from '../model/index.js';
import { createPipeline, type MaskOptions } from '../pipeline/index.js';
import { advisoryLock, openQueue, parseQueueUrl, runWorker } from '../queue/index.js';
import { openStore } from '../store/index.js';
import type { Register } from './commands.js';

interface WorkerFlags {
  store: string;
  queue: string;
  partitions?: string;
  partition: string[];
  batch: string;
  approvedHosts: string[];
  trustedProxy: string[];
  quiet?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const usage = (message: string) => new InputError({ code: 'cli.usage', message });

export const register: Register = (program: Command, done) => {
  program
    .command('worker')
    .description(
      'scale-out worker: consume exchanges from NATS JetStream, analyse, commit to the shared store',
    )
    .requiredOption('--store <url>', 'shared store, postgres://user@host:port/db[?schema=NAME]')
    .requiredOption(
      '--queue <url>',
      'nats://host:port[?prefix=NAME&partitions=N&ackWaitMs=MS] (same as the server)',
    )
    .option('--partitions <n>', 'partition count (overrides the queue URL; must match the server)')
    .option(
      '--partition <i>',
      'a partition this worker owns (repeatable or comma list; default all)',
      collect,
      [],
    )
    .option('--batch <n>', 'messages per batch', '500')
    .option('--approved-hosts <glob>', 'approved host patterns (repeatable; as given to serve)', collect, [])
    .option(
      '--trusted-proxy <cidr>',
      'honour X-Forwarded-For from these proxies (repeatable; as given to serve)',
      collect,
      [],
    )
    .option('--quiet', 'no per-batch progress on stderr')
    .action(async (flags: WorkerFlags) => {
      done(await runWorkerCommand(flags));
    });
};

export async function runWorkerCommand(flags: WorkerFlags): Promise<number> {
  const config = parseQueueUrl(flags.queue);
  if (flags.partitions !== undefined) {
    const n = Number(flags.partitions);
    if (!Number.isInteger(n) || n < 1 || n > 1024)
      throw usage(`--partitions must be 1-1024 (got ${flags.partitions})`);
    config.partitions = n;
  }
  const owned = flags.partition
    .flatMap((v) => v.split(','))
    .map((v) => {
      const p = Number(v.trim());
      if (!Number.isInteger(p) || p < 0 || p >= config.partitions)
        throw usage(`--partition must be 0-${config.partitions - 1} (got ${v})`);
      return p;
    });
  const partitions = owned.length > 0 ? [...new Set(owned)] : [...Array(config.partitions).keys()];
  const batch = Number(flags.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
    throw usage(`--batch must be 1-10000 (got ${flags.batch})`);
  const isPostgres = /^postgres(ql)?:\/\//.test(flags.store);

  const store = await openStore(flags.store);
  const queue = await openQueue(config);
  const lock = isPostgres ? await advisoryLock(flags.store) : undefined;
  const trustedProxies = parseTrustedProxies(flags.trustedProxy);
  // The same masking key as the server (credential references must agree across processes).
  let hashKey = await store.getMeta('mask.hash-key');
  if (!hashKey) {
    hashKey = randomBytes(32).toString('hex');
    await store.setMeta('mask.hash-key', hashKey);
  }
  // Masking per type as the installation's settings say (PUT /api/v1/settings on any server of the
  // store): read again before each batch into the options the pipeline masks with, so a change applies
  // from the next batch on, as it does at once in the embedded server (one small read per batch).
  const mask: MaskOptions = { hashKey };
  const readMasking = async () => {
    mask.types = { ...(await store.getSettings()).masking.types };
  };
  // Workers sharing one PostgreSQL schema take turns only at the merge and commit of the same hosts.
  const pipeline = createPipeline({
    store,
    ...(lock ? { lock: lock.run } : {}),
    options: {
      trustedProxies,
      mask,
      ...(flags.approvedHosts.length ? { approvedHosts: flags.approvedHosts } : {}),
    },
  });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const delay = Number(process.env['MAMORI_WORKER_TEST_DELAY_MS'] ?? 0);
  process.stderr.write(
    `mamori worker: partitions ${partitions.join(',')} of ${config.partitions}, stream ${config.prefix}\n`,
  );
  try {
    await runWorker({
      queue,
      pipeline: {
        ingest: async (exchanges) => {
          await readMasking();
          return pipeline.ingest(exchanges);
        },
      },
      partitions,
      batch,
      signal: abort.signal,
      ...(delay > 0 ? { testDelayMs: delay } : {}),
      onBatch: (b) => {
        if (!flags.quiet)
          process.stderr.write(
            `mamori worker: partition ${b.partition}: committed ${b.processed} analysed, ${b.duplicates} already done\n`,
          );
      },
      onBadMessage: (b) =>
        process.stderr.write(
          `mamori worker: partition ${b.partition}: message ${b.seq} dropped: ${b.error}\n`,
        ),
    });
  } finally {
    if (lock) {
      const l = lock.stats();
      process.stderr.write(
        `mamori worker: stopped; merge lock taken ${l.runs} times, waited ${(l.waitMs / 1000).toFixed(2)} s, ` +
          `held ${(l.heldMs / 1000).toFixed(2)} s\n`,
      );
    }
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await queue.close();
    await lock?.close();
    await store.close();
  }
  return 0;
}
