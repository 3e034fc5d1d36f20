// What an inline sensor does with an exchange once its response has gone back: the behaviour engine
// (alerts, which the guard turns into decisions), masking, and the hand-off of the masked copy. Two
// ways to run it:
// - inline: synchronously, on the thread that served the request (the middleware, tests with a
//   detector of their own);
// - worker: in a worker_thread fed in small batches (the `mamori proxy` default). The request thread
//   then only copies the exchange into a message: the engine's ~60 µs per exchange and, above all, its
//   garbage (per-actor state, parsed bodies, masked copies) live in another V8 heap, so the proxy's own
//   heap stays small and its GC pauses short — the p99 the proxy adds comes from those pauses. Alerts
//   come back a batch later (a few ms), so a decision made from an alert applies from the actor's
//   next requests on, as it does inline. With a shipper, masking and shipping (and the disk spool)
//   happen in the worker too, so nothing the platform does can hold up the request thread.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DetectConfigInput, Detector, RequestVerdicts } from '../detect/index.js';
import type { Input } from '../detect/signatures/matcher.js';
import type { Alert, Exchange } from '../model/index.js';
import { maskExchange } from '../pipeline/mask.js';
import type { Classifier } from '../sensitive/index.js';
import type { ShipperOptions, ShipperStats } from './shipper.js';

export interface Analysis {
  /** An exchange whose response is complete; `detect` false skips the engine (a throttled request). */
  submit(ex: Exchange, detect: boolean, verdicts: RequestVerdicts | undefined): void;
  /** Resolves once everything submitted before the call has been analysed and its alerts applied. */
  settled(): Promise<void>;
  /** Settles, then stops (the worker's shipper sends or spools what it holds). */
  close(): Promise<void>;
  readonly stats: AnalysisStats;
}

export interface AnalysisStats {
  analysed: number;
  /** Exchanges not analysed because the worker was this far behind (maxQueued) or failed. */
  dropped: number;
  /** The worker's shipper, when it has one. */
  shipper?: ShipperStats;
}

/** Alerts raised by one exchange, in the order the engine raised them. */
export type AlertsHandler = (alerts: Alert[], ex: Exchange) => void;

export class InlineAnalysis implements Analysis {
  readonly stats: AnalysisStats = { analysed: 0, dropped: 0 };

  constructor(
    private readonly detector: Detector | undefined,
    private readonly classifier: Classifier,
    private readonly sink: ((masked: Exchange) => void) | undefined,
    private readonly onAlerts: AlertsHandler,
  ) {}

  submit(ex: Exchange, detect: boolean, verdicts: RequestVerdicts | undefined): void {
    if (this.detector && detect) {
      const alerts = this.detector.process(ex, verdicts);
      if (alerts.length > 0) this.onAlerts(alerts, ex);
    }
    this.stats.analysed++;
    this.sink?.(maskExchange(ex, this.classifier));
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface AnalysisWorkerOptions {
  /** Detection config for the worker's engine (as `mamori detect --config`); false: no engine. */
  detect?: DetectConfigInput | false;
  /** CIDRs of proxies whose X-Forwarded-For is believed (as the guard's). */
  trustedProxies?: readonly string[];
  /** Ship masked exchanges to the platform from the worker (the shipper and its spool live there). */
  ship?: ShipperOptions;
  /** Masked exchanges come back to this thread for a sink of its own (one more copy per exchange). */
  returnMasked?: boolean;
  /** Exchanges waiting for the worker beyond which new ones are dropped and counted (default 20,000). */
  maxQueued?: number;
  /** Something went wrong in the worker (it is restarted with fresh state). */
  onError?: (message: string) => void;
}

/** A signature hit as it crosses to the worker: the signature by id (the worker has the catalogue). */
export interface WireHit {
  id: string;
  input: Input;
  detail: string;
}

export interface WireItem {
  ex: Exchange;
  detect: boolean;
  /** Present when the guard ran the whole catalogue on the request (block mode). */
  hits?: WireHit[];
}

export interface WireBatch {
  type: 'batch';
  id: number;
  items: WireItem[];
}

export interface WireResult {
  type: 'result';
  id: number;
  /** [index in the batch, its alerts] for the exchanges that raised any. */
  alerts: Array<[number, Alert[]]>;
  masked?: Exchange[];
  errors: string[];
  shipper?: ShipperStats;
}

/** The worker's last word after a close: its shipper has sent or spooled everything. */
export interface WireClosed {
  type: 'closed';
  shipper?: ShipperStats;
}

/** Exchanges per message at most; a batch also leaves BATCH_MS after its first exchange. Each message
 * wakes the other thread, which costs more than copying a few more exchanges into it (in a profile of
 * the proxy at 1,000 req/s with 2 ms batches, postMessage was 6 % of the request thread's time). */
const BATCH_MAX = 32;
const BATCH_MS = 10;

export class WorkerAnalysis implements Analysis {
  readonly stats: AnalysisStats = { analysed: 0, dropped: 0 };
  private worker!: Worker;
  private queue: WireItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private nextId = 0;
  /** Batches sent and not answered: their exchanges, for the alert handler. */
  private inflight = new Map<number, Exchange[]>();
  private queued = 0;
  private waiters: Array<{ id: number; resolve: () => void }> = [];
  private closing: Promise<void> | undefined;
  /** Between a worker's death and its replacement (batches wait in the queue meanwhile). */
  private down = false;
  private failures = 0;
  private onClosed: (() => void) | undefined;
  private readonly flushNow = () => this.flush();

  constructor(
    private readonly opts: AnalysisWorkerOptions,
    private readonly onAlerts: AlertsHandler,
    private readonly sink: ((masked: Exchange) => void) | undefined,
  ) {
    this.start();
  }

  private start(): void {
    const { url, execArgv } = workerEntry();
    const { onError: _onError, maxQueued: _maxQueued, ...data } = this.opts;
    this.worker = new Worker(url, {
      ...(execArgv ? { execArgv } : {}),
      workerData: { ...data, returnMasked: this.sink !== undefined },
    });
    // The proxy's server keeps the process alive, not this thread: only work in hand does.
    this.worker.unref();
    this.worker.on('message', (m: WireResult | WireClosed) => {
      if (m.type === 'result') this.onResult(m);
      else {
        if (m.shipper) this.stats.shipper = m.shipper;
        this.onClosed?.();
      }
    });
    let error: string | undefined;
    this.worker.on('error', (err) => {
      error = err.message;
    });
    this.worker.on('exit', (code) => {
      if (!this.closing) this.failed(`analysis worker stopped: ${error ?? `exit code ${code}`}`);
    });
  }

  submit(ex: Exchange, detect: boolean, verdicts: RequestVerdicts | undefined): void {
    if (this.closing) return;
    if (this.queued >= (this.opts.maxQueued ?? 20_000)) {
      this.stats.dropped++;
      return;
    }
    const item: WireItem = { ex, detect };
    if (verdicts)
      item.hits = verdicts.hits.map((h) => ({ id: h.signature.id, input: h.input, detail: h.detail }));
    this.queue.push(item);
    this.queued++;
    // Never in the callback that serves a request: a full batch leaves once this round of I/O
    // callbacks is over, a partial one a moment later.
    if (this.queue.length >= BATCH_MAX) this.immediate ??= setImmediate(this.flushNow);
    else this.timer ??= setTimeout(this.flushNow, BATCH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.queue.length === 0 || this.down) return;
    const items = this.queue;
    this.queue = [];
    const id = this.nextId++;
    if (this.inflight.size === 0) this.worker.ref();
    this.inflight.set(
      id,
      items.map((i) => i.ex),
    );
    const batch: WireBatch = { type: 'batch', id, items };
    this.worker.postMessage(batch);
  }

  private onResult(m: WireResult): void {
    const exchanges = this.inflight.get(m.id);
    if (!exchanges) return;
    this.inflight.delete(m.id);
    if (this.inflight.size === 0) this.worker.unref();
    this.queued -= exchanges.length;
    this.stats.analysed += exchanges.length;
    this.failures = 0;
    if (m.shipper) this.stats.shipper = m.shipper;
    for (const e of m.errors) this.opts.onError?.(e);
    for (const [i, alerts] of m.alerts) this.onAlerts(alerts, exchanges[i]!);
    if (this.sink && m.masked) for (const masked of m.masked) this.sink(masked);
    this.release(m.id);
  }

  private release(upTo: number): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.id <= upTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private failed(message: string): void {
    this.opts.onError?.(message);
    // What the dead worker held is lost to analysis (counted); a fresh one, started after a back-off
    // that grows while workers keep dying, takes the queued and next batches.
    for (const exchanges of this.inflight.values()) this.stats.dropped += exchanges.length;
    this.queued = this.queue.length;
    this.inflight.clear();
    this.release(this.nextId);
    this.down = true;
    const delay = Math.min(30_000, 100 * 2 ** this.failures++);
    setTimeout(() => {
      if (this.closing) return;
      this.down = false;
      this.start();
      this.flush();
    }, delay).unref();
  }

  settled(): Promise<void> {
    this.flush();
    if (this.inflight.size === 0 && (this.queue.length === 0 || this.down)) return Promise.resolve();
    const id = this.nextId - 1;
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settled();
      if (this.down) {
        this.stats.dropped += this.queue.length;
        this.queue = [];
        return;
      }
      // The worker closes its shipper (sends or spools what it holds) and says so; then it is stopped.
      const done = new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.worker.once('exit', () => resolve());
      });
      this.worker.ref();
      this.worker.postMessage({ type: 'close' });
      await done;
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

/**
 * The worker's module. Built (dist/), it is the compiled analysis-worker.js beside this file. Run
 * from the TypeScript sources (the test runner), Node 20 cannot load .ts by itself, so the worker
 * first registers a loader hook that compiles each .ts module with the project's TypeScript; the
 * output is cached on disk by content hash, so only the first worker of a changed tree pays for it.
 */
function workerEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.js')) return { url: new URL('./analysis-worker.js', here) };
  const ts = import.meta.resolve('typescript');
  const cache = join(tmpdir(), 'mamori-ts-worker-cache');
  const hooks = `
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const CACHE = ${JSON.stringify(cache)};
let ts;
export async function resolve(spec, ctx, next) {
  if (ctx.parentURL?.endsWith('.ts') && spec.startsWith('.') && spec.endsWith('.js')) {
    const url = new URL(spec, ctx.parentURL);
    if (!existsSync(fileURLToPath(url))) return next(spec.slice(0, -3) + '.ts', ctx);
  }
  return next(spec, ctx);
}
export async function load(url, ctx, next) {
  if (!url.endsWith('.ts')) return next(url, ctx);
  const file = fileURLToPath(url);
  const text = await readFile(file, 'utf8');
  const cached = join(CACHE, createHash('sha256').update(file).update('\\0').update(text).digest('hex') + '.js');
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {}
  ts ??= (await import(${JSON.stringify(ts)})).default;
  const source = ts.transpileModule(text, { fileName: file, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  await mkdir(CACHE, { recursive: true });
  const tmp = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
  await writeFile(tmp, source);
  await rename(tmp, cached);
  return { format: 'module', source, shortCircuit: true };
}`;
  const boot = `
import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});
await import(${JSON.stringify(new URL('./analysis-worker.ts', here).href)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(boot)}`), execArgv: [] };
}
