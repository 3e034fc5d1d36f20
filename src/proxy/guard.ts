// The core the reverse proxy and the middleware share. Before a request goes on: the actor's live
// decision (block / throttle) and the payload signatures (block mode answers 403, monitor mode only
// records). After the response: the behavioural engine sees the whole exchange and its alerts become
// decisions with a time-to-live for the actor's next requests; the exchange leaves the process only
// masked. No network or disk I/O here: the sink (platform shipper) is given in.

import { randomUUID } from 'node:crypto';
import type { Detector } from '../detect/index.js';
import { compileCatalogue, SIGNATURES, type SignatureHit } from '../detect/index.js';
import { requestInputs } from '../detect/inputs.js';
import { actorOf, type TrustedProxies } from '../identity/index.js';
import type { Alert, Exchange, ExchangeBody, Headers } from '../model/index.js';
import { maskExchange } from '../pipeline/mask.js';
import { DecisionTable, type Verdict } from '../respond/decisions.js';
import { type Classifier, compileClassifier, parseBodies } from '../sensitive/index.js';

export type Mode = 'monitor' | 'block';

export interface GuardOptions {
  mode: Mode;
  trustedProxies?: TrustedProxies;
  /** Behavioural engine (createDetector); without one only signatures and explicit decisions apply. */
  detector?: Detector;
  classifier?: Classifier;
  /** Where masked exchanges go (the platform shipper); called synchronously, must not block. */
  sink?: (masked: Exchange) => void;
  /** Alerts as they are raised (webhooks, syslog). */
  onAlert?: (alert: Alert, ex: Exchange) => void;
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
  body: { error: string; requestId: string; reason: string };
  headers: Record<string, string>;
}

export interface Pending {
  exchange: Exchange;
  actor: string;
  /** Signature hits on the request (monitor mode records them too). */
  hits: SignatureHit[];
  /** Set when the request must not go on. */
  rejection?: Rejection;
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
  private readonly classifier: Classifier;
  private readonly now: () => number;
  private seq = 0;

  constructor(private readonly opts: GuardOptions) {
    this.mode = opts.mode;
    this.bodyCap = opts.bodyCap ?? 64 * 1024;
    this.classifier = opts.classifier ?? compileClassifier();
    this.now = opts.now ?? Date.now;
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

  /** Decision and signatures for a request about to go on. */
  inspect(ex: Exchange): Pending {
    const actor = actorOf(ex, this.opts.trustedProxies).id;
    const pending: Pending = { exchange: ex, actor, hits: [] };
    const verdict: Verdict = this.decisions.check(actor, this.now());
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
      return pending;
    }
    const parsed = ex.request.body ? parseBodies(ex).request : undefined;
    pending.hits = CATALOGUE.match(requestInputs(ex, parsed));
    if (pending.hits.length > 0 && this.mode === 'block') {
      const first = pending.hits[0]!;
      pending.rejection = {
        status: 403,
        body: { error: 'blocked', requestId: ex.id, reason: `signature.${first.signature.family}` },
        headers: {},
      };
    }
    return pending;
  }

  /** Signatures over a body that arrived after the request went on (monitor mode: recorded only). */
  inspectBody(ex: Exchange): SignatureHit[] {
    const parsed = ex.request.body ? parseBodies(ex).request : undefined;
    return CATALOGUE.match(requestInputs(ex, parsed));
  }

  /** The exchange is complete (response or rejection): behaviour, decisions, masked hand-off. */
  complete(p: Pending, response: Exchange['response'] | undefined, latencyMs: number): void {
    const ex = p.exchange;
    if (response) ex.response = response;
    ex.latencyMs = latencyMs;
    const detector = this.opts.detector;
    if (detector && !(p.rejection && p.rejection.status === 429)) {
      for (const alert of detector.process(ex)) {
        this.opts.onAlert?.(alert, ex);
        this.decide(alert);
      }
    }
    this.opts.sink?.(maskExchange(ex, this.classifier));
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
