// `mamori serve`: the platform on one machine — SQLite in the data directory (or --store postgres://…),
// the in-process ingest queue, the analysis pipeline and the REST API. Loads demo traffic when the
// store is empty (or with --demo) so a first run shows an inventory, findings and alerts at once.

import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateEntries, shopSpec } from '../demo/generator.js';
import { parseTrustedProxies } from '../identity/index.js';
import type { ApiSpec } from '../model/index.js';
import { InputError } from '../model/index.js';
import { createIngestQueue, createPipeline, type MaskOptions } from '../pipeline/index.js';
import { createJetStreamQueue, openQueue, parseQueueUrl } from '../queue/index.js';
import { buildServer, ensureAdminToken } from '../server/index.js';
import { originOf } from '../server/scans.js';
import { applyRetention } from '../server/settings.js';
import { exchangesFromHar } from '../sources/index.js';
import { loadSpec, loadSpecText } from '../sources/spec.js';
import { openStore, type PlatformStore } from '../store/index.js';
import type { Register } from './commands.js';
import { printIssue } from './output.js';

export interface ServeFlags {
  host: string;
  port: string;
  dataDir?: string;
  store?: string;
  /** nats://… : ingest publishes to JetStream for `mamori worker` processes (src/queue). */
  queue?: string;
  demo?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  spec: string[];
  approvedHosts: string[];
  trustedProxy: string[];
  corsOrigin: string[];
  bodyLimit: string;
  rateLimit: string;
  /** When given, written into the stored settings at start (else the settings keep theirs). */
  retentionDays?: string;
  retentionMaxExchanges?: string;
  retentionMaxBytes?: string;
  /** Origins the server may scan besides settings.scanTargets (repeatable). */
  scanTarget?: string[];
  /** Console session lifetime in hours (default 8). */
  sessionHours?: string;
  /** Threads the embedded pipeline analyses on (default: the machine's available parallelism). */
  analysisThreads?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const DEMO_ENTRIES = 3000;

const dataDir = (flags: { dataDir?: string }): string =>
  flags.dataDir ?? process.env['MAMORI_DATA_DIR'] ?? '.mamori';

export function storeLocation(flags: { dataDir?: string; store?: string }): string {
  if (flags.store) return flags.store;
  return join(dataDir(flags), 'mamori.db');
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data-dir <dir>',
      'data directory of the embedded SQLite store (default .mamori or $MAMORI_DATA_DIR)',
    )
    .option('--store <url>', 'store location: SQLite file or postgres:// URL (overrides --data-dir)');
}

const whole = (name: string, value: string, min = 0): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InputError({
      code: `flag.${name}`,
      message: `--${name} must be a whole number ≥ ${min}: ${value}`,
    });
  return n;
};

export const register: Register = (program, done) => {
  addStoreOptions(
    program
      .command('serve')
      .description('run the platform: REST API, ingest, discovery, traffic audit and detection')
      .option('--host <address>', 'address to bind', '127.0.0.1')
      .option('--port <n>', 'port to listen on', '7443'),
  )
    .option(
      '--queue <url>',
      'nats://host:port[?prefix=&partitions=]: publish ingest to JetStream for mamori worker',
    )
    .option('--demo', 'load generated demo traffic even when the store is not empty')
    .option('--tls-cert <file>', 'TLS certificate (PEM); with --tls-key serves HTTPS')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('--spec <file>', 'OpenAPI/Postman spec the traffic is compared with (repeatable)', collect, [])
    .option(
      '--approved-hosts <glob>',
      'approved host glob; others are tagged rogue (repeatable)',
      collect,
      [],
    )
    .option('--trusted-proxy <cidr>', 'honour X-Forwarded-For from these proxies (repeatable)', collect, [])
    .option('--cors-origin <origin>', 'allow this browser origin (repeatable; default: no CORS)', collect, [])
    .option('--body-limit <bytes>', 'largest request body accepted', String(10 * 1024 * 1024))
    .option('--rate-limit <n>', 'calls per minute per token', '600')
    .option('--retention-days <n>', 'delete retained exchanges older than this (stored setting; default 30)')
    .option(
      '--retention-max-exchanges <n>',
      'keep at most this many retained exchanges (stored setting; default 1000000)',
    )
    .option(
      '--retention-max-bytes <n>',
      'keep at most this many bytes of retained (masked) exchange JSON, the newest (stored setting; default none)',
    )
    .option('--scan-target <url>', 'allow scans of this origin from the API (repeatable)', collect, [])
    .option('--session-hours <n>', 'console sign-in session lifetime', '8')
    .option(
      '--analysis-threads <n>',
      `threads for detection and masking: 1 = the main thread, N = N-1 worker threads (default ${availableParallelism()})`,
    )
    .action(async (flags: ServeFlags) => {
      done(await serve(flags));
    });
};

export interface RunningServer {
  url: string;
  /** The generated first admin token, when one was generated. */
  adminToken?: string;
  close(): Promise<void>;
}

async function serve(flags: ServeFlags): Promise<number> {
  const running = await startServe(flags);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

/** Starts everything `mamori serve` runs and returns once it listens. */
export async function startServe(flags: ServeFlags): Promise<RunningServer> {
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
    throw new InputError({ code: 'flag.tls', message: '--tls-cert and --tls-key go together' });
  const port = whole('port', flags.port);
  const bodyLimit = whole('body-limit', flags.bodyLimit, 1024);
  const rateLimit = whole('rate-limit', flags.rateLimit, 1);
  const retentionDays =
    flags.retentionDays !== undefined ? whole('retention-days', flags.retentionDays, 1) : undefined;
  const maxRows =
    flags.retentionMaxExchanges !== undefined
      ? whole('retention-max-exchanges', flags.retentionMaxExchanges, 1)
      : undefined;
  const maxBytes =
    flags.retentionMaxBytes !== undefined
      ? whole('retention-max-bytes', flags.retentionMaxBytes, 1)
      : undefined;
  const sessionHours = whole('session-hours', flags.sessionHours ?? '8', 1);
  const analysisThreads = whole(
    'analysis-threads',
    flags.analysisThreads ?? String(availableParallelism()),
    1,
  );
  const scanTargets = flags.scanTarget ?? [];
  for (const t of scanTargets)
    if (!originOf(t))
      throw new InputError({
        code: 'flag.scan-target',
        message: `--scan-target must be an http(s) URL: ${t}`,
      });
  const https =
    flags.tlsCert && flags.tlsKey
      ? { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) }
      : undefined;

  const specs: ApiSpec[] = [];
  for (const file of flags.spec) {
    const { spec, issues } = await loadSpec(file);
    for (const issue of issues) {
      if (issue.fatal || !spec) throw new InputError(issue);
      printIssue(issue);
    }
    if (spec) specs.push(spec);
  }

  const store = await openStore(storeLocation(flags));
  // The data directory also holds the webhook dead-letter file (with a PostgreSQL store too).
  mkdirSync(dataDir(flags), { recursive: true });
  if (retentionDays !== undefined || maxRows !== undefined || maxBytes !== undefined) {
    const settings = await store.getSettings();
    settings.retention = {
      ...settings.retention,
      days: retentionDays ?? settings.retention.days,
      maxRows: maxRows ?? settings.retention.maxRows,
      ...(maxBytes !== undefined ? { maxBytes } : {}),
    };
    await store.putSettings(settings);
  }
  const empty = (await store.listEndpoints({ limit: 1 })).length === 0;
  const demo = flags.demo === true || empty;
  if (demo && specs.length === 0) specs.push(await demoSpec());
  const approvedHosts = flags.approvedHosts.length ? flags.approvedHosts : demo ? ['*.shop.example'] : [];
  // Shared with the server, which applies settings.masking to it in place.
  const mask: MaskOptions = { hashKey: await installationKey(store) };
  const pipeline = createPipeline({
    store,
    specs,
    options: {
      approvedHosts,
      trustedProxies: parseTrustedProxies(flags.trustedProxy),
      mask,
      // With --queue the pipeline here only loads the demo traffic: workers analyse the rest.
      analysisThreads: flags.queue ? 1 : analysisThreads,
    },
  });
  const nats = flags.queue ? await openQueue(parseQueueUrl(flags.queue)) : undefined;
  const queue = nats
    ? createJetStreamQueue(nats, parseTrustedProxies(flags.trustedProxy))
    : createIngestQueue(pipeline);
  const version = await packageVersion();
  // Declared before the server: its settings route runs retention through it.
  const prune = async (): Promise<void> => {
    const deleted = await applyRetention(store, await store.getSettings());
    if (deleted) app.log.info({ deleted }, 'retention: deleted exchanges');
  };
  const app = await buildServer({
    store,
    queue,
    bodyLimit,
    rateLimit,
    corsOrigins: flags.corsOrigin,
    logger: { level: process.env['MAMORI_LOG_LEVEL'] ?? 'warn' },
    version,
    mask,
    scanTargets,
    sessionTtlMs: sessionHours * 3600_000,
    onSettings: () => prune(),
    handoff: { deadLetter: join(dataDir(flags), 'webhook-dead-letter.jsonl') },
    // Its name among the servers of one store, the same after a restart: only one process can listen here.
    instance: `${hostname()}/${flags.host}:${port}`,
    ...(https ? { https } : {}),
  });

  const generated = await ensureAdminToken(store, process.env['MAMORI_ADMIN_TOKEN']);
  if (demo) {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'mamori demo', version },
        // Dated today (from 00:00 UTC), so the overview's trends and retention treat it as fresh traffic;
        // a restart on the same day finds every exchange already there.
        entries: [
          ...generateEntries({ entries: DEMO_ENTRIES, attacks: true, start: startOfUtcDay(Date.now()) }),
        ],
      },
    };
    const r = await pipeline.ingest(exchangesFromHar(har, { onIssue: () => undefined }));
    process.stderr.write(
      `mamori: demo traffic loaded (${r.processed} new exchanges, ${r.duplicates} already there)\n`,
    );
  }

  await prune();
  const timer = setInterval(
    () => void prune().catch((err: unknown) => app.log.error({ err }, 'retention failed')),
    3_600_000,
  );
  timer.unref();

  const address = await app.listen({ host: flags.host, port });
  const scheme = https ? 'https' : 'http';
  const url = address.replace(/^https?/, scheme);
  process.stderr.write(
    `mamori: serving on ${url}  (console: ${url}/ — sign in with a token; API description: ${url}/api/v1/openapi.json)\n`,
  );
  if (generated)
    process.stderr.write(
      `mamori: first admin token (shown once, store it now):\n\n  ${generated}\n\n` +
        `  curl -H "Authorization: Bearer ${generated}" ${url}/api/v1/inventory\n\n`,
    );
  else
    process.stderr.write(
      'mamori: authenticate with a bearer token (MAMORI_ADMIN_TOKEN or `mamori token create`)\n',
    );

  return {
    url,
    ...(generated ? { adminToken: generated } : {}),
    async close() {
      clearInterval(timer);
      await app.close();
      await queue.drain();
      await pipeline.close();
      await nats?.close();
      await store.close();
    },
  };
}

async function demoSpec(): Promise<ApiSpec> {
  const file = new URL('../../samples/shop-openapi.yaml', import.meta.url);
  const fromFile = await loadSpec(file.pathname).catch(() => undefined);
  if (fromFile?.spec) return fromFile.spec;
  const { spec } = await loadSpecText(JSON.stringify(shopSpec()), 'shop-openapi.json');
  if (!spec) throw new Error('demo spec did not load');
  return spec;
}

/** The HMAC key of credential references: random per installation, kept in the store. */
async function installationKey(store: PlatformStore): Promise<string> {
  const existing = await store.getMeta('mask.hash-key');
  if (existing) return existing;
  const { randomBytes } = await import('node:crypto');
  const key = randomBytes(32).toString('hex');
  await store.setMeta('mask.hash-key', key);
  return key;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

function startOfUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}
