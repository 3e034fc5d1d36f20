// Runs the catalogue against one target: resolves the base path, starts the loopback callback
// listener, learns object ownership as each identity, then runs the selected tests in catalogue
// order, one at a time (so exchange ids, markers and findings are the same for the same --seed).

import type { ApiSpec, Finding, InputIssue } from '../model/index.js';
import { SEVERITY_RANK } from '../model/index.js';
import { CallbackListener } from './callback.js';
import { learnCaptcha } from './captcha.js';
import { CHECKERS } from './checkers/index.js';
import {
  type ConnectionIncident,
  LimitReached,
  type PlannedRequest,
  ScanClient,
  type Transport,
} from './client.js';
import { ScanContext } from './context.js';
import { learnOwnership } from './learn.js';
import { Masker } from './mask.js';
import { Rng } from './rng.js';
import { selectTests } from './tests/index.js';
import type { Identity, ScanExchange, ScanTest } from './types.js';

export const SCAN_DEFAULTS = {
  rate: 50,
  maxRequests: 5000,
  timeMs: 10 * 60_000,
  timeoutMs: 10_000,
  seed: 1,
} as const;

export interface ScanOptions {
  target: URL;
  spec: ApiSpec;
  identities: Identity[];
  destructive?: boolean;
  plan?: boolean;
  only?: string[];
  skip?: string[];
  rate?: number;
  maxRequests?: number;
  /** Wall-time budget for the whole scan. */
  timeMs?: number;
  timeoutMs?: number;
  /** How long a target that went down mid-scan gets to come back before the scan stops. */
  recoverMs?: number;
  seed?: number;
  transport?: Transport;
  /** Progress lines (masked) for stderr. */
  log?: (line: string) => void;
  /** Progress for a server or a progress bar: at each phase change, after each test, and at most
   *  every 250 ms while requests are being sent. */
  onProgress?: (p: ScanProgress) => void;
  /** Cancels the scan: no request is sent after it fires, the one in flight is aborted, and runScan
   *  resolves with what was confirmed so far (`stopped: 'cancelled'`). */
  signal?: AbortSignal;
}

export interface ScanProgress {
  sent: number;
  findings: number;
  /** Tests done so far (run or skipped) out of testsTotal (the tests the selectors chose). */
  testsRun: number;
  testsTotal: number;
  /** 'learn', then 'test <id>' for the test running, then 'done'. */
  phase: string;
}

export interface ScanResult {
  findings: Finding[];
  planned: PlannedRequest[];
  exchanges: ScanExchange[];
  tests: { run: number; skipped: Array<{ id: string; reason: string }> };
  sent: number;
  refused: { scope: number; destructive: number };
  /** Connections the target dropped or refused mid-scan (crashes are also findings of API4-008). */
  incidents: ConnectionIncident[];
  /** Why the scan stopped early (request budget, time limit), if it did. */
  stopped?: string;
  basePath: string;
  durationMs: number;
}

/** The path prefix operations live under: the target URL's path, else the spec's first server's. */
export function resolveBasePath(target: URL, spec: ApiSpec): string | InputIssue {
  const fromTarget = target.pathname.replace(/\/+$/, '');
  if (fromTarget) return fromTarget;
  const server = declaresServers(spec) ? spec.servers[0] : undefined;
  if (!server) {
    return {
      code: 'scan.spec.no-servers',
      message: `${spec.file} declares no servers and --target ${target.origin} has no path`,
      hint: 'add the API base path to --target (e.g. http://host:8080/api/v1) or a servers entry to the spec',
      fatal: true,
    };
  }
  return server.basePath.replace(/\/+$/, '');
}

/** OpenAPI 3 without `servers` gets a default `/` from the loader; that is not a declared server. */
function declaresServers(spec: ApiSpec): boolean {
  const doc = spec.document as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object') return spec.servers.length > 0;
  if (spec.kind === 'openapi') return Array.isArray(doc['servers']) && doc['servers'].length > 0;
  if (spec.kind === 'swagger') return typeof doc['host'] === 'string' || typeof doc['basePath'] === 'string';
  return spec.servers.length > 0;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.test ?? '').localeCompare(b.test ?? '') ||
      (a.path ?? '').localeCompare(b.path ?? '') ||
      (a.method ?? '').localeCompare(b.method ?? '') ||
      a.id.localeCompare(b.id),
  );
}

export async function runScan(opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const basePath = resolveBasePath(opts.target, opts.spec);
  if (typeof basePath !== 'string') throw new Error(basePath.message);
  const log = opts.log ?? (() => {});
  // The crash watch reports what the whole scan saw, so it runs last.
  const selected = selectTests(opts.only ?? [], opts.skip ?? []);
  const tests = [
    ...selected.filter((t) => t.checker !== 'target-crash'),
    ...selected.filter((t) => t.checker === 'target-crash'),
  ];
  let phase = 'learn';
  let testsDone = 0;
  let ctx: ScanContext | undefined;
  let lastProgress = 0;
  const progress = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < 250) return;
    lastProgress = now;
    opts.onProgress({
      sent: client.sent,
      findings: ctx?.findings.length ?? 0,
      testsRun: testsDone,
      testsTotal: tests.length,
      phase,
    });
  };
  const client = new ScanClient({
    target: opts.target,
    destructive: opts.destructive ?? false,
    plan: opts.plan ?? false,
    rate: opts.rate ?? SCAN_DEFAULTS.rate,
    maxRequests: opts.maxRequests ?? SCAN_DEFAULTS.maxRequests,
    deadline: started + (opts.timeMs ?? SCAN_DEFAULTS.timeMs),
    timeoutMs: opts.timeoutMs ?? SCAN_DEFAULTS.timeoutMs,
    ...(opts.transport ? { transport: opts.transport } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.recoverMs !== undefined ? { recoverMs: opts.recoverMs } : {}),
    onSent: () => progress(false),
  });
  const masker = new Masker(
    opts.identities.map((i) => i.value),
    new Set(opts.identities.map((i) => i.header)),
  );
  const callback = new CallbackListener();
  await callback.start();
  ctx = new ScanContext(
    opts.spec,
    basePath,
    opts.identities,
    client,
    masker,
    new Rng(opts.seed ?? SCAN_DEFAULTS.seed),
    callback,
    opts.target.hostname,
  );
  const skipped: Array<{ id: string; reason: string }> = [];
  let crashesSeen = 0;
  let run = 0;
  let stopped: string | undefined;
  try {
    progress(true);
    try {
      client.checkCancelled();
      await learnOwnership(ctx);
      await learnCaptcha(ctx);
      log(`learned ${ctx.objects.length} owned objects as ${opts.identities.length} identities`);
    } catch (err) {
      if (!(err instanceof LimitReached)) throw err;
      stopped = err.message;
    }
    for (const test of tests) {
      // The crash watch only reads what the client saw: it still reports after an early stop.
      const reason =
        stopped && test.checker !== 'target-crash' ? `not run: ${stopped}` : skipReason(test, ctx);
      if (reason) {
        skipped.push({ id: test.id, reason });
        testsDone++;
        continue;
      }
      run++;
      phase = `test ${test.id}`;
      progress(true);
      const before = ctx.findings.length;
      try {
        if (test.checker !== 'target-crash') client.checkCancelled();
        // A target that crashed and came back may have lost its state: ask for a fresh CAPTCHA.
        if (client.incidents.length > crashesSeen) {
          crashesSeen = client.incidents.length;
          if (ctx.captcha) await learnCaptcha(ctx);
        }
        await CHECKERS[test.checker](ctx, test);
      } catch (err) {
        if (!(err instanceof LimitReached)) throw err;
        stopped = err.message;
      }
      testsDone++;
      log(`${test.id} ${ctx.findings.length > before ? `${ctx.findings.length - before} finding(s)` : 'ok'}`);
    }
  } finally {
    await callback.stop();
  }
  phase = 'done';
  progress(true);
  return {
    findings: opts.plan ? [] : sortFindings(ctx.findings),
    planned: client.planned,
    exchanges: client.exchanges,
    tests: { run, skipped },
    sent: client.sent,
    refused: client.refused,
    incidents: client.incidents,
    ...(stopped ? { stopped } : {}),
    basePath,
    durationMs: Date.now() - started,
  };
}

function skipReason(test: ScanTest, ctx: ScanContext): string | undefined {
  if (test.destructive && !ctx.destructive) return 'needs --destructive';
  if ((test.identities ?? 0) > ctx.users.length) return `needs ${test.identities} ordinary identities`;
  return undefined;
}

export { DestructiveRefused, LimitReached, ScopeError } from './client.js';
