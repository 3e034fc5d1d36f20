// The core the reverse proxy and the middleware share. Before a request goes on: the actor's live
// decision (block / throttle), virtual patches (block or log, in both modes), the payload signatures
// (block mode answers 403; in monitor mode the detector raises them after the response) and, through
// checkSpec, the spec. Each block, throttle and patch hit is reported as an action. After the
// response (analysis.ts: inline, or in a worker thread): the behavioural engine sees the whole exchange
// and its alerts become decisions with a time-to-live for the actor's next requests; the exchange
// leaves the process only masked. In block mode the engine is given the guard's signature verdicts,
// so the catalogue runs once per request. No network or disk I/O here: the sink (platform shipper) is
// given in, or runs in the analysis worker.

import { randomUUID } from 'node:crypto';
import type { Detector, RequestVerdicts } from '../detect/index.js';
import { compileCatalogue, SIGNATURES, type SignatureHit } from '../detect/index.js';
import { requestInputs } from '../detect/inputs.js';
import { actorOf, type TrustedProxies } from '../identity/index.js';
import type { Alert, Exchange, ExchangeBody, Headers } from '../model/index.js';
import { type Decision, DecisionTable, type Verdict } from '../respond/decisions.js';
import type { ResponseAction } from '../respond/handoff.js';
import { type Patch, PatchSet } from '../respond/patch.js';
import { type Classifier, compileClassifier, parseBodies } from '../sensitive/index.js';
import {
  type Analysis,
  type AnalysisStats,
  type AnalysisWorkerOptions,
  InlineAnalysis,
  WorkerAnalysis,
} from './analysis.js';
import type { SpecGuard } from './spec-guard.js';

export type Mode = 'monitor' | 'block';

export interface GuardOptions {
  mode: Mode;
  trustedProxies?: TrustedProxies;
  /** Behavioural engine (createDetector), run inline; without one (and without `worker`) only
   * signatures and explicit decisions apply. */
  detector?: Detector;
  /** Run the engine, masking and shipping in a worker thread instead (its own engine from this
   * config); `detector` and `classifier` are then not used. */
  worker?: AnalysisWorkerOptions;
  classifier?: Classifier;
  /** Where masked exchanges go (the platform shipper); called synchronously, must not block. With
   * `worker`, the masked copies come back from the worker in batches. */
  sink?: (masked: Exchange) => void;
  /** Alerts as they are raised (webhooks, syslog). */
  onAlert?: (alert: Alert, ex: Exchange) => void;
  /** What the guard did about a request (blocked, throttled, logged by a patch), for the same hand-off. */
  onAction?: (action: ResponseAction, ex: Exchange) => void;
  /** Virtual patches to enforce from the start (replaced later with `setPatches`). */
  patches?: readonly Patch[];
  /** Body bytes kept for analysis per message (default 64 KiB). */
  bodyCap?: number;
  /** Time-to-live of decisions made from behavioural alerts (ms, default 10 min). */
  decisionTtlMs?: number;
  /** Throttle rate set for medium-severity behaviour alerts (requests per second, default 2). */
  throttleRate?: number;
  now?: () => number;
}

export interface RequestView {
  method: string;
  /** Path with query, as received. */
  url: string;
  scheme: 'http' | 'https';
  headers: Headers;
  /** Peer address of the TCP connection. */
  peer: string | undefined;
  httpVersion?: string;
}

export interface Rejection {
  status: 403 | 429;
  /** JSON body sent to the client. */
  body: { error: string; requestId: string; reason: string; patchId?: string };
  headers: Record<string, string>;
}

export interface Pending {
  exchange: Exchange;
  actor: string;
  /** Signature hits on the request (block mode; in monitor mode the detector raises them as alerts). */
  hits: SignatureHit[];
  /** Set when the request must not go on. */
  rejection?: Rejection;
  /** The virtual patch that applied (a `log` patch lets the request go on). */
  patch?: Patch;
  /** Set when the whole catalogue ran on the request (block mode): the engine takes it as it is. */
  verdicts?: RequestVerdicts;
}

const CATALOGUE = compileCatalogue(SIGNATURES);

export function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    out[name] = Array.isArray(v) ? v.join(name === 'set-cookie' ? '\n' : ', ') : v;
  }
  return out;
}

export function bodyOf(chunks: Buffer[], size: number, cap: number, headers: Headers): ExchangeBody {
  const buf = Buffer.concat(chunks);
  const ct = headers['content-type'];
  const mime = ct ? ct.split(';')[0]!.trim().toLowerCase() : undefined;
  const body: ExchangeBody = {
    text: buf.subarray(0, cap).toString('utf8'),
    size,
    truncated: size > cap,
  };
  if (mime) body.mimeType = mime;
  return body;
}

export class Guard {
  readonly decisions = new DecisionTable();
  readonly mode: Mode;
  readonly bodyCap: number;
  private readonly analysis: Analysis;
  private readonly now: () => number;
  private seq = 0;
  private patches = new PatchSet([]);
  /** Actors whose decision came from the platform (so one it deletes can be lifted here). */
  private synced = new Set<string>();

  constructor(private readonly opts: GuardOptions) {
    this.mode = opts.mode;
    this.bodyCap = opts.bodyCap ?? 64 * 1024;
    this.now = opts.now ?? Date.now;
    const onAlerts = (alerts: Alert[], ex: Exchange) => {
      for (const alert of alerts) {
        this.opts.onAlert?.(alert, ex);
        this.decide(alert);
      }
    };
    this.analysis = opts.worker
      ? new WorkerAnalysis(opts.worker, onAlerts, opts.sink)
      : new InlineAnalysis(opts.detector, opts.classifier ?? compileClassifier(), opts.sink, onAlerts);
    if (opts.patches) this.setPatches(opts.patches);
  }

  /** Replaces the enforced patches (from a file or the platform's list); revoked ones are dropped. */
  setPatches(patches: readonly Patch[]): void {
    this.patches = new PatchSet(patches);
  }

  /** Whether a patch could block on the request body (the proxy then reads it before forwarding). */
  get patchesBlock(): boolean {
    return this.patches.blocks;
  }

  /** Applies the platform's live decisions; decisions it no longer lists are lifted (local ones stay). */
  syncDecisions(decisions: readonly Decision[]): void {
    const now = this.now();
    const next = new Set<string>();
    for (const d of decisions) {
      if (d.until <= now) continue;
      this.decisions.set(d, now);
      next.add(d.actor);
    }
    for (const actor of this.synced) if (!next.has(actor)) this.decisions.delete(actor);
    this.synced = next;
  }

  /** The request half of an exchange; `body` is the capped copy (undefined when none was read). */
  exchangeOf(req: RequestView, body: ExchangeBody | undefined, kind: 'proxy' | 'middleware'): Exchange {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query: Array<[string, string]> = [];
    if (q >= 0) {
      for (const part of req.url.slice(q + 1).split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const name = eq < 0 ? part : part.slice(0, eq);
        const value = eq < 0 ? '' : part.slice(eq + 1);
        query.push([decodeLoose(name), decodeLoose(value)]);
      }
    }
    const hostHeader = req.headers['host'] ?? '';
    const { host, port } = splitHost(hostHeader);
    const ex: Exchange = {
      id: `${kind === 'proxy' ? 'px' : 'mw'}-${randomUUID()}`,
      time: this.now(),
      source: { kind, index: this.seq++ },
      client: req.peer ? { address: req.peer } : {},
      request: {
        method: req.method.toUpperCase(),
        scheme: req.scheme,
        host,
        path,
        query,
        headers: req.headers,
      },
    };
    if (port !== undefined && port !== (req.scheme === 'https' ? 443 : 80)) ex.request.port = port;
    if (body) ex.request.body = body;
    if (req.httpVersion) ex.request.httpVersion = req.httpVersion;
    return ex;
  }

  /** Decision, virtual patches and signatures for a request about to go on. */
  inspect(ex: Exchange): Pending {
    const actor = actorOf(ex, this.opts.trustedProxies).id;
    const pending: Pending = { exchange: ex, actor, hits: [] };
    const now = this.now();
    const verdict: Verdict = this.decisions.check(actor, now);
    if (verdict.action !== 'allow' && verdict.decision) {
      const status = verdict.action === 'block' ? 403 : 429;
      pending.rejection = {
        status,
        body: {
          error: verdict.action === 'block' ? 'blocked' : 'throttled',
          requestId: ex.id,
          reason: verdict.decision.reason,
        },
        headers: { 'retry-after': String(verdict.retryAfter ?? 1) },
      };
      this.act(verdict.action, verdict.decision.reason, pending);
      return pending;
    }
    // Monitor mode without patches has nothing to decide here: the detector (after the response)
    // raises the signature alerts, so the inputs are not read and matched twice.
    if (this.mode !== 'block' && this.patches.size === 0) return pending;
    const parsed = ex.request.body ? parseBodies(ex).request : undefined;
    const inputs = requestInputs(ex, parsed);
    if (this.patches.size > 0) {
      const r = ex.request;
      const patch = this.patches.match({ method: r.method, host: r.host, path: r.path, actor, inputs }, now);
      if (patch) {
        pending.patch = patch;
        if (patch.action === 'block') {
          pending.rejection = {
            status: 403,
            body: {
              error: 'blocked',
              requestId: ex.id,
              reason: `patch: ${patch.description}`,
              patchId: patch.id,
            },
            headers: {},
          };
          this.act('block', `patch ${patch.id}`, pending);
          return pending;
        }
        this.act('log', `patch ${patch.id}`, pending);
      }
    }
    if (this.mode !== 'block') return pending;
    pending.hits = CATALOGUE.match(inputs);
    pending.verdicts = { hits: pending.hits, parsedRequest: parsed };
    if (pending.hits.length > 0) {
      const first = pending.hits[0]!;
      const reason = `signature.${first.signature.family}`;
      pending.rejection = { status: 403, body: { error: 'blocked', requestId: ex.id, reason }, headers: {} };
      this.act('block', reason, pending);
    }
    return pending;
  }

  /** Positive security from the spec for a request nothing else stopped (block mode rejects; monitor
   * mode marks the exchange); a rejection is reported as an action like the others. */
  checkSpec(p: Pending, spec: SpecGuard | undefined): void {
    if (p.rejection || !spec) return;
    const r = spec.check(p.exchange, this.mode);
    if (!r) return;
    p.rejection = r;
    this.act('block', r.body.reason, p);
  }

  private act(kind: ResponseAction['kind'], reason: string, p: Pending): void {
    const on = this.opts.onAction;
    if (!on) return;
    const r = p.exchange.request;
    const action: ResponseAction = {
      kind,
      reason,
      actor: p.actor,
      requestId: p.exchange.id,
      time: p.exchange.time,
      method: r.method,
      host: r.host,
      path: r.path,
    };
    if (p.patch) action.patchId = p.patch.id;
    on(action, p.exchange);
  }

  /** The exchange is complete (response or rejection): behaviour, decisions, masked hand-off. A
   * throttled request is recorded but not judged again (its actor is already being acted on). */
  complete(p: Pending, response: Exchange['response'] | undefined, latencyMs: number): void {
    const ex = p.exchange;
    if (response) ex.response = response;
    ex.latencyMs = latencyMs;
    this.analysis.submit(ex, !(p.rejection && p.rejection.status === 429), p.verdicts);
  }

  /** Resolves once the exchanges completed so far are analysed and their decisions applied. */
  settled(): Promise<void> {
    return this.analysis.settled();
  }

  /** Settles and stops the analysis (a worker's shipper sends or spools what it holds). */
  close(): Promise<void> {
    return this.analysis.close();
  }

  get analysisStats(): AnalysisStats {
    return this.analysis.stats;
  }

  /** A behavioural alert becomes a decision for its actor: high/critical block, medium throttle. */
  private decide(alert: Alert): void {
    if (!alert.type.startsWith('behaviour.')) return;
    const ttl = this.opts.decisionTtlMs ?? 10 * 60_000;
    const now = this.now();
    if (alert.severity === 'critical' || alert.severity === 'high')
      this.decisions.set({ actor: alert.actor, action: 'block', until: now + ttl, reason: alert.type }, now);
    else if (alert.severity === 'medium')
      this.decisions.set(
        {
          actor: alert.actor,
          action: 'throttle',
          until: now + ttl,
          reason: alert.type,
          ratePerSecond: this.opts.throttleRate ?? 2,
        },
        now,
      );
  }
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function splitHost(h: string): { host: string; port?: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h.trim());
  if (!m) return { host: h.toLowerCase() };
  const host = (m[1] ?? '').toLowerCase();
  return m[2] ? { host, port: Number(m[2]) } : { host };
}
