// `mamori proxy`: the inline sensor. Parses flags, loads the spec and detection config, starts the
// reverse proxy (src/proxy) and, with --server, the platform shipper with its disk spool (in the
// analysis worker thread, beside the behaviour engine and masking, unless --analysis inline). Runs
// until SIGINT/SIGTERM, then flushes. Configuration errors are one line and exit 2.

import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { createDetector, parseDetectConfig } from '../detect/index.js';
import { parseTrustedProxies } from '../identity/index.js';
import { type Exchange, InputError, type InputIssue } from '../model/index.js';
import { Guard, type Mode } from '../proxy/guard.js';
import { PolicyError, PolicySync } from '../proxy/policy.js';
import { type RunningProxy, startProxy } from '../proxy/proxy.js';
import { Shipper, type ShipperOptions } from '../proxy/shipper.js';
import { SpecGuard } from '../proxy/spec-guard.js';
import type { WebhookOptions } from '../respond/handoff.js';
import { createSinks, type Sinks } from '../respond/sinks.js';
import { loadSpec } from '../sources/spec.js';
import type { Register } from './commands.js';
import { printIssue } from './output.js';

export interface ProxyFlags {
  listen: string;
  upstream: string;
  mode: Mode;
  spec?: string;
  server?: string;
  token?: string;
  config?: string;
  trustedProxy: string[];
  spoolDir?: string;
  spoolCap: string;
  bodyCap: string;
  tlsKey?: string;
  tlsCert?: string;
  patches?: string;
  policyInterval: string;
  webhook?: string;
  webhookSecretEnv?: string;
  webhookDeadLetter?: string;
  syslog?: string;
  ocsf?: string;
  /** Where the after-response analysis runs (default worker). */
  analysis?: 'worker' | 'inline';
}

export interface ProxyHandle {
  proxy: RunningProxy;
  guard: Guard;
  /** The platform shipper when it runs on this thread (`--analysis inline`); otherwise it runs in the
   * analysis worker and its figures are in `guard.analysisStats.shipper`. */
  shipper?: Shipper;
  specGuard?: SpecGuard;
  policy?: PolicySync;
  sinks?: Sinks;
  stop(): Promise<void>;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: Register = (program: Command, done) => {
  program
    .command('proxy')
    .description('reverse proxy that records, enforces and blocks in front of one upstream')
    .requiredOption('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .requiredOption('--upstream <url>', 'upstream base URL (http:// or https://)')
    .addOption(
      new Option('--mode <mode>', 'monitor records only; block answers 403')
        .choices(['monitor', 'block'])
        .default('monitor'),
    )
    .option(
      '--spec <file>',
      'OpenAPI/Postman spec: unknown operations, parameters and bad values are rejected (block) or logged (monitor)',
    )
    .option(
      '--server <url>',
      'mamori platform: masked exchanges go to POST /api/v1/traffic; patches and decisions are polled from it',
    )
    .option('--token <token>', 'bearer token for --server (or MAMORI_TOKEN)')
    .option('--config <file>', 'YAML detection config (as for mamori detect)')
    .option('--trusted-proxy <cidr>', 'honour X-Forwarded-For from these proxies (repeatable)', collect, [])
    .option('--spool-dir <dir>', 'spool directory while the platform is down (default ~/.mamori/spool)')
    .option('--spool-cap <bytes>', 'largest spool size in bytes', String(256 * 1024 * 1024))
    .option('--body-cap <bytes>', 'body bytes kept for analysis per message', '65536')
    .option('--tls-key <file>', 'TLS key for clients (HTTP/2 and HTTP/1.1)')
    .option('--tls-cert <file>', 'TLS certificate for clients')
    .option(
      '--patches <file>',
      'virtual patches (JSON, as `mamori patch list --format json`), re-read on change',
    )
    .option(
      '--policy-interval <ms>',
      'how often patches and decisions are re-read from --server / --patches',
      '10000',
    )
    .option('--webhook <url>', 'send alerts and actions as signed webhooks (HMAC-SHA256) to this URL')
    .option('--webhook-secret-env <var>', 'environment variable holding the webhook HMAC secret')
    .option(
      '--webhook-dead-letter <file>',
      'undeliverable webhook events (JSON lines; default in the data dir)',
    )
    .option('--syslog <host:port>', 'send alerts and actions as RFC 5424 + CEF (udp://, tcp://; default udp)')
    .option('--ocsf <file>', 'append OCSF events (Detection Finding, API Activity) as JSON lines')
    .addOption(
      new Option(
        '--analysis <where>',
        'behaviour engine, masking and shipping after each response: in a worker thread, or inline on the request thread',
      )
        .choices(['worker', 'inline'])
        .default('worker'),
    )
    .action(async (flags: ProxyFlags) => {
      const handle = await startFromFlags(flags, program.version() ?? '0.0.0');
      process.stderr.write(
        `mamori: proxy on ${flags.listen.replace(/:\d+$/, '')}:${handle.proxy.port} → ${flags.upstream} (${flags.mode})\n`,
      );
      // SIGHUP re-reads --patches and polls --server at once.
      const reload = () => void handle.policy?.poll();
      process.on('SIGHUP', reload);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.off('SIGHUP', reload);
      await handle.stop();
      done(0);
    });
};

function fail(issue: InputIssue): never {
  throw new InputError(issue);
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    fail({
      code: 'proxy.listen.invalid',
      message: `--listen must be host:port, got ${JSON.stringify(text)}`,
    });
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

function parseUpstream(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail({
      code: 'proxy.upstream.invalid',
      message: `--upstream is not a URL: ${JSON.stringify(text)}`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail({
      code: 'proxy.upstream.invalid',
      message: `--upstream must be http:// or https://, got ${url.protocol}`,
    });
  return url;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    fail({
      code: 'flag.invalid',
      message: `${flag} must be a positive integer, got ${JSON.stringify(text)}`,
    });
  return n;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    return fail({
      code: `${what}.unreadable`,
      message: `cannot read ${what}: ${(err as Error).message}`,
      file,
    });
  }
}

/** Starts the proxy (and shipper) from flags; throws InputError for configuration errors. */
export async function startFromFlags(flags: ProxyFlags, version = '0.0.0'): Promise<ProxyHandle> {
  const { host, port } = parseListen(flags.listen);
  const upstream = parseUpstream(flags.upstream);
  const bodyCap = positive('--body-cap', flags.bodyCap);
  const spoolCap = positive('--spool-cap', flags.spoolCap);
  const trusted = parseTrustedProxies(flags.trustedProxy);
  let config = {};
  if (flags.config) {
    const text = (await readOrFail(flags.config, 'config')).toString('utf8');
    const parsed = parseDetectConfig(text, flags.config);
    if (!parsed.config) {
      for (const issue of parsed.issues.slice(1)) printIssue(issue);
      fail(parsed.issues[0]!);
    }
    config = parsed.config;
  }
  let specGuard: SpecGuard | undefined;
  if (flags.spec) {
    const { spec, issues } = await loadSpec(flags.spec);
    if (!spec)
      fail(
        issues.find((i) => i.fatal) ??
          issues[0] ?? { code: 'spec.unreadable', message: 'cannot load spec', file: flags.spec },
      );
    specGuard = new SpecGuard(spec);
  }
  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (flags.tlsKey || flags.tlsCert) {
    if (!flags.tlsKey || !flags.tlsCert)
      fail({ code: 'flag.invalid', message: '--tls-key and --tls-cert go together' });
    tls = {
      key: await readOrFail(flags.tlsKey, 'tls-key'),
      cert: await readOrFail(flags.tlsCert, 'tls-cert'),
    };
  }
  let ship: ShipperOptions | undefined;
  if (flags.server) {
    try {
      new URL(flags.server);
    } catch {
      fail({
        code: 'proxy.server.invalid',
        message: `--server is not a URL: ${JSON.stringify(flags.server)}`,
      });
    }
    const token = flags.token ?? process.env['MAMORI_TOKEN'];
    const spoolDir =
      flags.spoolDir ?? join(process.env['MAMORI_DATA_DIR'] ?? join(homedir(), '.mamori'), 'spool');
    // Made here, so a spool directory that cannot be made is a configuration error at start.
    try {
      mkdirSync(spoolDir, { recursive: true });
    } catch (err) {
      fail({
        code: 'proxy.spool.unwritable',
        message: `cannot make the spool directory ${spoolDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
    }
    ship = { server: flags.server, ...(token ? { token } : {}), spoolDir, spoolCap };
  }
  const inline = flags.analysis === 'inline';
  const shipper = ship && inline ? new Shipper(ship) : undefined;
  const sinks = handoffFromFlags(flags, version);
  const policyInterval = positive('--policy-interval', flags.policyInterval);
  const guard = new Guard({
    mode: flags.mode,
    trustedProxies: trusted,
    bodyCap,
    ...(inline
      ? {
          detector: createDetector(config, { trustedProxies: trusted }),
          ...(shipper ? { sink: (ex: Exchange) => shipper.push(ex) } : {}),
        }
      : {
          worker: {
            detect: config,
            trustedProxies: flags.trustedProxy,
            ...(ship ? { ship } : {}),
            onError: (message: string) => process.stderr.write(`mamori: ${message}\n`),
          },
        }),
    ...(sinks ? { onAlert: sinks.onAlert, onAction: sinks.onAction } : {}),
  });
  let policy: PolicySync | undefined;
  if (flags.patches || flags.server) {
    const token = flags.token ?? process.env['MAMORI_TOKEN'];
    const reported = new Set<string>();
    policy = new PolicySync({
      guard,
      ...(flags.patches ? { file: flags.patches } : {}),
      ...(flags.server ? { server: { url: flags.server, ...(token ? { token } : {}) } } : {}),
      intervalMs: policyInterval,
      onError: (message) => {
        if (reported.has(message)) return;
        reported.add(message);
        process.stderr.write(`mamori: policy: ${message}\n`);
      },
    });
    try {
      await policy.start();
    } catch (err) {
      await guard.close();
      await shipper?.close();
      if (err instanceof PolicyError) fail({ code: 'proxy.patches.invalid', message: err.message });
      throw err;
    }
  }
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(
      { upstream, guard, ...(specGuard ? { spec: specGuard } : {}), ...(tls ? { tls } : {}) },
      host,
      port,
    );
  } catch (err) {
    await policy?.stop();
    await guard.close();
    await shipper?.close();
    const e = err as NodeJS.ErrnoException;
    return fail({
      code: 'proxy.listen.failed',
      message:
        e.code === 'EADDRINUSE'
          ? `cannot listen on ${flags.listen}: port in use`
          : `cannot listen on ${flags.listen}: ${e.code ?? e.message}`,
    });
  }
  return {
    proxy,
    guard,
    ...(shipper ? { shipper } : {}),
    ...(specGuard ? { specGuard } : {}),
    ...(policy ? { policy } : {}),
    ...(sinks ? { sinks } : {}),
    stop: async () => {
      await proxy.close();
      await policy?.stop();
      // The analysis settles (alerts handed off) and the worker's shipper sends or spools the rest.
      await guard.close();
      await shipper?.close();
      await sinks?.flush();
    },
  };
}

/** Webhook, syslog and OCSF targets from flags (undefined when none is given). */
function handoffFromFlags(flags: ProxyFlags, version: string): Sinks | undefined {
  if (!flags.webhook && !flags.syslog && !flags.ocsf) return undefined;
  let webhook: WebhookOptions | undefined;
  if (flags.webhook) {
    try {
      new URL(flags.webhook);
    } catch {
      fail({
        code: 'proxy.webhook.invalid',
        message: `--webhook is not a URL: ${JSON.stringify(flags.webhook)}`,
      });
    }
    const env = flags.webhookSecretEnv;
    const secret = env ? process.env[env] : undefined;
    if (!env || !secret)
      fail({
        code: 'proxy.webhook.secret',
        message: env
          ? `--webhook-secret-env ${env}: the variable is not set`
          : '--webhook needs --webhook-secret-env VAR (the HMAC secret is never given on the command line)',
      });
    webhook = {
      url: flags.webhook,
      secret,
      deadLetter:
        flags.webhookDeadLetter ??
        join(process.env['MAMORI_DATA_DIR'] ?? join(homedir(), '.mamori'), 'webhook-dead-letter.jsonl'),
    };
  }
  let syslog: { host: string; port: number; protocol: 'udp' | 'tcp' } | undefined;
  if (flags.syslog) {
    const m = /^(?:(udp|tcp):\/\/)?(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(flags.syslog);
    if (!m || Number(m[3]) > 65535)
      fail({
        code: 'proxy.syslog.invalid',
        message: `--syslog must be [udp://|tcp://]host:port, got ${JSON.stringify(flags.syslog)}`,
      });
    syslog = {
      host: m[2]!.replace(/^\[|\]$/g, ''),
      port: Number(m[3]),
      protocol: (m[1] ?? 'udp') as 'udp' | 'tcp',
    };
  }
  return createSinks({
    version,
    ...(webhook ? { webhook } : {}),
    ...(syslog ? { syslog } : {}),
    ...(flags.ocsf ? { ocsfFile: flags.ocsf } : {}),
    onError: (message) => process.stderr.write(`mamori: hand-off: ${message}\n`),
  });
}
