// The only way the scanner talks to the network. Every request passes the scope guard (target origin
// only), the destructive guard (state-changing methods need --destructive), the limits (token-bucket
// rate, request budget, wall-time deadline) and, in --plan mode, is recorded and NOT sent.
// Redirects are never followed: undici's request() does not follow them unless told to, and we
// return the 3xx as is; a checker that wants the next hop must ask again, through the same guard.

import { Agent, request } from 'undici';
import type { HeaderMap, ScanExchange, ScanRequest, ScanResponse } from './types.js';

export class ScopeError extends Error {
  override name = 'ScopeError';
}
export class DestructiveRefused extends Error {
  override name = 'DestructiveRefused';
}
export class LimitReached extends Error {
  override name = 'LimitReached';
}
/** The caller's AbortSignal fired: a limit like the others (the scan stops and reports what it found). */
export class ScanCancelled extends LimitReached {
  override name = 'ScanCancelled';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const LOG_BODY = 2048;

export type Transport = (
  url: URL,
  method: string,
  headers: HeaderMap,
  body: string | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
) => Promise<Omit<ScanResponse, 'ms'>>;

export interface ClientOptions {
  target: URL;
  destructive: boolean;
  plan: boolean;
  /** Requests per second (token bucket, burst = rate). */
  rate: number;
  maxRequests: number;
  /** Epoch ms after which nothing more is sent. */
  deadline: number;
  timeoutMs: number;
  /** Largest response body kept, bytes. */
  bodyCap?: number;
  transport?: Transport;
  /** How long a target that went down gets to come back before the scan stops (default 30 s). */
  recoverMs?: number;
  /** Cancels the scan: nothing more is sent, the request in flight and any wait are cut short. */
  signal?: AbortSignal;
  /** Called after every request sent. */
  onSent?: () => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The target stopped answering mid-scan: a reset or refused connection, then liveness probes. */
export interface ConnectionIncident {
  /** The request that got no answer. */
  trigger: ScanExchange;
  /** The request sent just before it (a crash can follow the answer to the request that caused it). */
  previous?: ScanExchange;
  /** The first liveness probe that was refused, when the target went down. */
  downProbe?: ScanExchange;
  /** 'crash': the target refused connections afterwards; 'reset': it dropped this request but kept answering. */
  kind: 'crash' | 'reset';
  /** How long it stayed down (ms), when it crashed. */
  downMs: number;
  recovered: boolean;
}

/** How long a crashed target gets to come back (a supervisor restarting it) before the scan stops. */
export const RECOVER_MS = 30_000;
const PROBE_EVERY_MS = 200;
/** Transport errors that mean the connection was lost, not that the answer was slow. */
const CONNECTION_LOST = /ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_SOCKET|other side closed|socket hang up/i;

export interface PlannedRequest {
  method: string;
  url: string;
  as: string;
  note: string;
}

/** True for requests that change state: a non-safe method, or an operation marked destructive. */
export function isDestructive(req: ScanRequest): boolean {
  if (!SAFE_METHODS.has(req.method.toUpperCase())) return true;
  const ext = req.op?.extensions ?? {};
  return ext['x-destructive'] === true || ext['x-mamori-destructive'] === true;
}

export class ScanClient {
  readonly origin: string;
  readonly exchanges: ScanExchange[] = [];
  readonly planned: PlannedRequest[] = [];
  /** Requests the guards refused, by reason (reported at the end, never sent). */
  readonly refused = { scope: 0, destructive: 0 };
  /** Connections the target dropped or refused mid-scan, with the probes that followed. */
  readonly incidents: ConnectionIncident[] = [];
  sent = 0;
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly transport: Transport;

  constructor(private readonly opts: ClientOptions) {
    this.origin = opts.target.origin;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => abortableSleep(ms, opts.signal));
    this.tokens = Math.max(1, opts.rate);
    this.last = this.now();
    this.transport = opts.transport ?? undiciTransport(opts.bodyCap ?? 256 * 1024);
  }

  get plan(): boolean {
    return this.opts.plan;
  }
  get destructive(): boolean {
    return this.opts.destructive;
  }
  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** Resolves a request path against the target; throws ScopeError for anything off the origin. */
  urlOf(path: string): URL {
    if (!path.startsWith('/') || path.startsWith('//')) throw new ScopeError(`not a path: ${path}`);
    const url = new URL(path, this.opts.target);
    if (url.origin !== this.origin) throw new ScopeError(`${url.origin} is outside ${this.origin}`);
    return url;
  }

  async send(req: ScanRequest): Promise<ScanExchange> {
    let url: URL;
    try {
      url = this.urlOf(req.path);
    } catch (err) {
      this.refused.scope++;
      throw err;
    }
    if (isDestructive(req) && !this.opts.destructive) {
      this.refused.destructive++;
      throw new DestructiveRefused(`${req.method} ${url.pathname} needs --destructive`);
    }
    if (this.sent + this.planned.length >= this.opts.maxRequests) {
      throw new LimitReached(`request budget of ${this.opts.maxRequests} used`);
    }
    if (this.now() >= this.opts.deadline) throw new LimitReached('time limit reached');
    this.checkCancelled();
    const headers: HeaderMap = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    if (req.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const id = `scan-${this.exchanges.length + 1}`;
    if (this.opts.plan) {
      this.planned.push({ method: req.method, url: url.href, as: req.as ?? '', note: req.note ?? '' });
      const ex: ScanExchange = {
        id,
        url: url.href,
        request: { ...req, headers },
        response: { status: 0, headers: {}, body: '', truncated: false, ms: 0 },
      };
      this.exchanges.push(ex);
      return ex;
    }
    await this.takeToken();
    this.checkCancelled();
    this.sent++;
    const started = performance.now();
    const remaining = Math.max(1, Math.min(this.opts.timeoutMs, this.opts.deadline - this.now()));
    let res: Omit<ScanResponse, 'ms'>;
    let lost = false;
    try {
      res = await this.transport(url, req.method, headers, req.body, remaining, this.opts.signal);
    } catch (err) {
      this.checkCancelled();
      // A timeout or reset is an answer too (time-based checks measure it); status 0 = no response.
      const message = errorText(err);
      lost = CONNECTION_LOST.test(message);
      res = { status: 0, headers: {}, body: message, truncated: false };
    }
    const ex: ScanExchange = {
      id,
      url: url.href,
      request: { ...req, headers },
      response: { ...res, ms: performance.now() - started },
    };
    // The log keeps every exchange but only the head of its body, so memory stays bounded by the
    // request budget; checkers hold the full exchanges they use as proof.
    this.exchanges.push(
      ex.response.body.length > LOG_BODY
        ? { ...ex, response: { ...ex.response, body: ex.response.body.slice(0, LOG_BODY), truncated: true } }
        : ex,
    );
    this.opts.onSent?.();
    if (lost) await this.watchTarget(ex);
    return ex;
  }

  /** After a lost connection: probe the target until it answers again. A target that refused
   *  connections in between crashed (a finding); one that never comes back stops the scan. */
  private async watchTarget(trigger: ScanExchange): Promise<void> {
    const previous = this.exchanges[this.exchanges.length - 2];
    const probeUrl = new URL('/', this.opts.target);
    const started = this.now();
    const until = Math.min(started + (this.opts.recoverMs ?? RECOVER_MS), this.opts.deadline);
    let downProbe: ScanExchange | undefined;
    for (;;) {
      this.checkCancelled();
      const t0 = performance.now();
      this.sent++;
      let answer: Omit<ScanResponse, 'ms'> | undefined;
      let message = '';
      try {
        answer = await this.transport(probeUrl, 'GET', {}, undefined, 2000, this.opts.signal);
      } catch (err) {
        message = errorText(err);
      }
      if (answer) {
        const downMs = downProbe ? this.now() - started : 0;
        this.incidents.push({
          trigger,
          ...(previous ? { previous } : {}),
          ...(downProbe ? { downProbe } : {}),
          kind: downProbe ? 'crash' : 'reset',
          downMs,
          recovered: true,
        });
        return;
      }
      if (!downProbe && /ECONNREFUSED|ECONNRESET|other side closed|UND_ERR_SOCKET/i.test(message)) {
        downProbe = {
          id: `${trigger.id}-probe`,
          url: probeUrl.href,
          request: { method: 'GET', path: '/', headers: {}, as: '', note: 'liveness probe' },
          response: { status: 0, headers: {}, body: message, truncated: false, ms: performance.now() - t0 },
        };
      }
      if (this.now() >= until) {
        this.incidents.push({
          trigger,
          ...(previous ? { previous } : {}),
          ...(downProbe ? { downProbe } : {}),
          kind: 'crash',
          downMs: this.now() - started,
          recovered: false,
        });
        throw new LimitReached(`the target stopped answering after ${trigger.id}`);
      }
      await this.sleep(PROBE_EVERY_MS);
    }
  }

  /** Throws ScanCancelled once the caller's signal fired. */
  checkCancelled(): void {
    if (this.opts.signal?.aborted) throw new ScanCancelled('cancelled');
  }

  /** A wait checkers make on purpose (a callback, a timing gap) that a cancel cuts short. */
  async pause(ms: number): Promise<void> {
    await abortableSleep(ms, this.opts.signal);
    this.checkCancelled();
  }

  private async takeToken(): Promise<void> {
    const rate = Math.max(0.001, this.opts.rate);
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(Math.max(1, rate), this.tokens + ((t - this.last) / 1000) * rate);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / rate) * 1000));
    }
  }
}

/** Reads a response body up to `cap` bytes with plain stream events (cheaper per call than the async
 *  iterator). A body cut short by the server (a socket closed mid-body, a Content-Length the server
 *  did not honour) keeps what arrived and is marked truncated: the status and headers were real. */
function readCapped(
  body: NodeJS.ReadableStream & { destroy(): void },
  cap: number,
): Promise<{ body: string; truncated: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ body: Buffer.concat(chunks).toString('utf8'), truncated });
    };
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - size));
        finish(true);
        body.destroy();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    body.on('end', () => finish(false));
    body.on('error', () => finish(true));
  });
}

function errorText(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return [e?.code, e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(': ') || String(err);
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function undiciTransport(bodyCap: number): Transport {
  const agent = new Agent({ connections: 8, pipelining: 1, keepAliveTimeout: 4000 });
  return async (url, method, headers, body, timeoutMs, signal) => {
    const res = await request(url, {
      method: method as 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const out: HeaderMap = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined)
        out[k.toLowerCase()] = Array.isArray(v) ? v.join(k === 'set-cookie' ? '\n' : ', ') : v;
    }
    const { body: text, truncated } = await readCapped(res.body, bodyCap);
    return { status: res.statusCode, headers: out, body: text, truncated };
  };
}
