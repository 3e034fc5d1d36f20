// What the middleware adapters (node:http, Fastify) share: the proxy's Guard in-process. The request
// body is held back from the application until it is complete (or the cap is reached) so payload
// signatures and the spec can stop it first; the response is copied (capped) as the app writes it.

import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import { createDetector, type DetectConfigInput } from '../detect/index.js';
import { parseTrustedProxies } from '../identity/index.js';
import type { Exchange, ExchangeBody, ExchangeResponse, Headers } from '../model/index.js';
import { bodyOf, Guard, type GuardOptions, type Mode, type Pending } from '../proxy/guard.js';
import { PolicySync } from '../proxy/policy.js';
import { Shipper } from '../proxy/shipper.js';
import type { SpecGuard } from '../proxy/spec-guard.js';
import type { Patch } from '../respond/patch.js';

export interface MamoriOptions {
  mode?: Mode;
  /** CIDRs of proxies whose X-Forwarded-For is believed. */
  trustedProxies?: string[];
  /** Detection config (as `mamori detect --config`), parsed. */
  detect?: DetectConfigInput;
  spec?: SpecGuard;
  /** Platform to send masked exchanges to, with its token and spool directory. */
  server?: { url: string; token?: string; spoolDir: string };
  bodyCap?: number;
  /** Masked exchanges (besides or instead of a server). */
  sink?: GuardOptions['sink'];
  onAlert?: GuardOptions['onAlert'];
  onAction?: GuardOptions['onAction'];
  /** Virtual patches: a list, or a JSON file re-read when it changes. With `server`, the platform's
   * patches and decisions are polled as well. */
  patches?: Patch[] | string;
  /** Poll period for the platform's patches and decisions and the patches file (default 10 s). */
  policyIntervalMs?: number;
  /** A policy load that failed (default: one line on stderr per distinct message). */
  onPolicyError?: (message: string) => void;
  /** Where the after-response analysis (behaviour engine, masking, shipping to `server`) runs: in a
   * worker thread (default), so the application's thread only does the request-path checks, or
   * `inline` on the application's thread. Decisions and alerts are the same either way. */
  analysis?: 'worker' | 'inline';
}

export interface Sensor {
  guard: Guard;
  shipper?: Shipper;
  spec?: SpecGuard;
  policy?: PolicySync;
  /** Resolves once the first policy load finished (patches from a file, the platform's answer). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createSensor(opts: MamoriOptions = {}): Sensor {
  const trusted = parseTrustedProxies(opts.trustedProxies ?? []);
  const inline = opts.analysis === 'inline';
  const ship = opts.server
    ? {
        server: opts.server.url,
        spoolDir: opts.server.spoolDir,
        ...(opts.server.token ? { token: opts.server.token } : {}),
      }
    : undefined;
  // Inline, the shipper lives on this thread; in a worker, the worker ships (and spools) itself.
  const shipper = ship && inline ? new Shipper(ship) : undefined;
  const sink = opts.sink;
  const guard = new Guard({
    mode: opts.mode ?? 'monitor',
    trustedProxies: trusted,
    ...(inline
      ? {
          detector: createDetector(opts.detect ?? {}, { trustedProxies: trusted }),
          sink: (ex: Exchange) => {
            shipper?.push(ex);
            sink?.(ex);
          },
        }
      : {
          worker: {
            detect: opts.detect ?? {},
            trustedProxies: opts.trustedProxies ?? [],
            ...(ship ? { ship } : {}),
            onError: (message: string) => process.stderr.write(`mamori: ${message}\n`),
          },
          ...(sink ? { sink } : {}),
        }),
    ...(opts.bodyCap ? { bodyCap: opts.bodyCap } : {}),
    ...(opts.onAlert ? { onAlert: opts.onAlert } : {}),
    ...(opts.onAction ? { onAction: opts.onAction } : {}),
    ...(Array.isArray(opts.patches) ? { patches: opts.patches } : {}),
  });
  const file = typeof opts.patches === 'string' ? opts.patches : undefined;
  const reported = new Set<string>();
  const onError =
    opts.onPolicyError ??
    ((message: string) => {
      if (reported.has(message)) return;
      reported.add(message);
      process.stderr.write(`mamori: policy: ${message}\n`);
    });
  const policy =
    file || opts.server
      ? new PolicySync({
          guard,
          ...(file ? { file } : {}),
          ...(opts.server
            ? { server: { url: opts.server.url, ...(opts.server.token ? { token: opts.server.token } : {}) } }
            : {}),
          ...(opts.policyIntervalMs ? { intervalMs: opts.policyIntervalMs } : {}),
          onError,
        })
      : undefined;
  // The app starts at once; a bad patches file is reported, never thrown into the app's request path.
  const ready = policy ? policy.start().catch((err: Error) => onError(err.message)) : Promise.resolve();
  return {
    guard,
    ...(shipper ? { shipper } : {}),
    ...(opts.spec ? { spec: opts.spec } : {}),
    ...(policy ? { policy } : {}),
    ready,
    close: async () => {
      await ready;
      await policy?.stop();
      // The analysis settles (alerts handed off); a worker's shipper sends or spools what it holds.
      await guard.close();
      await shipper?.close();
    },
  };
}

/**
 * Holds the request body back (the parser's `push`) until it ends or reaches the cap, then calls
 * `ready(chunks, size, release)`; `release()` hands the held chunks to the application.
 * Must be called in the same tick as the request event (before any body chunk is parsed).
 */
export function holdBody(
  req: IncomingMessage,
  cap: number,
  ready: (chunks: Buffer[], size: number, release: () => void) => void,
): void {
  const push = req.push.bind(req);
  const held: Array<Buffer | null> = [];
  let size = 0;
  let holding = true;
  req.push = ((chunk: Buffer | null) => {
    if (!holding) return push(chunk);
    held.push(chunk);
    if (chunk !== null) size += chunk.length;
    if (chunk === null || size >= cap) {
      holding = false;
      ready(
        held.filter((c): c is Buffer => c !== null),
        size,
        () => {
          holding = false;
          req.push = push;
          for (const c of held) push(c);
          held.length = 0;
        },
      );
    }
    return true;
  }) as typeof req.push;
}

/**
 * Node's header object as the exchange records it: one string per name (names are already lower case
 * in both IncomingMessage.headers and getHeaders()), repeated values joined, and numbers an app set
 * (`setHeader('content-length', 42)`, as Express's 404 does) as text. A for-in copy: the
 * Object.entries pairs it replaces were the middleware's largest allocation per request.
 */
export function headerRecord(raw: IncomingHttpHeaders | OutgoingHttpHeaders): Headers {
  const out: Headers = {};
  for (const name in raw) {
    const v = raw[name];
    if (v === undefined) continue;
    out[name] =
      typeof v === 'string' ? v : Array.isArray(v) ? v.join(name === 'set-cookie' ? '\n' : ', ') : String(v);
  }
  return out;
}

/** What one response's tap keeps: the copy so far, headers given to writeHead, what to call at the end. */
interface Tap {
  /** Headers given to writeHead as an argument (Node keeps none of them for getHeaders()). */
  given: OutgoingHttpHeaders | undefined;
  /** Strings are kept as written (UTF-8 text is what the exchange holds); other encodings as bytes. */
  chunks: Array<Buffer | string>;
  size: number;
  kept: number;
  cap: number;
  done: (response: ExchangeResponse) => void;
}

type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/**
 * Responses being copied. The copy hooks write/end/writeHead once on ServerResponse.prototype and
 * finds a response's tap here: giving each response its own write/end (or any property, or another
 * prototype) turned it into a dictionary-mode object, 2–5 KB of garbage per request (measured with a
 * sampling allocation profile: the "three times the GC of plain Express"). Responses of other
 * servers pass through after one WeakMap miss.
 */
const taps = new WeakMap<object, Tap>();
let hooked = false;

function hookResponses(): void {
  if (hooked) return;
  hooked = true;
  const proto = ServerResponse.prototype as unknown as Record<'write' | 'end' | 'writeHead', Method>;
  const { write, end, writeHead } = proto;
  proto.write = function (this: ServerResponse, chunk, encoding, cb) {
    const t = taps.get(this);
    if (t) tapCopy(t, chunk, encoding);
    return write.call(this, chunk, encoding, cb);
  };
  proto.end = function (this: ServerResponse, chunk, encoding, cb) {
    const t = taps.get(this);
    if (t) tapCopy(t, chunk, encoding);
    return end.call(this, chunk, encoding, cb);
  };
  proto.writeHead = function (this: ServerResponse, ...args) {
    const t = taps.get(this);
    if (t) t.given = givenHeaders(args[args.length - 1]) ?? t.given;
    return writeHead.apply(this, args);
  };
}

/** writeHead's header argument: an object, or [name, value, …] / [[name, value], …]. */
function givenHeaders(arg: unknown): OutgoingHttpHeaders | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  if (!Array.isArray(arg)) return arg as OutgoingHttpHeaders;
  const given: OutgoingHttpHeaders = {};
  const flat = (arg as unknown[]).flat() as string[];
  for (let i = 0; i + 1 < flat.length; i += 2) given[String(flat[i]).toLowerCase()] = flat[i + 1];
  return given;
}

function tapCopy(t: Tap, chunk: unknown, encoding: unknown): void {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
  let piece: Buffer | string;
  let bytes: number;
  if (typeof chunk === 'string') {
    const utf8 = typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8';
    piece = utf8 ? chunk : Buffer.from(chunk, encoding as BufferEncoding);
    bytes = utf8 ? Buffer.byteLength(chunk) : piece.length;
  } else if (chunk instanceof Uint8Array) {
    piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes = chunk.byteLength;
  } else return;
  t.size += bytes;
  if (t.kept < t.cap) {
    t.chunks.push(piece);
    t.kept += bytes;
  }
}

function tapFinished(this: ServerResponse): void {
  const t = taps.get(this);
  if (!t) return;
  taps.delete(this);
  const headers = headerRecord(this.getHeaders());
  if (t.given)
    for (const name in t.given) {
      const v = t.given[name];
      if (v !== undefined) headers[name.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  const response: ExchangeResponse = { status: this.statusCode, headers };
  if (t.size > 0) response.body = tapBody(t, headers);
  t.done(response);
}

function tapBody(t: Tap, headers: Headers): ExchangeBody {
  const only = t.chunks.length === 1 ? t.chunks[0] : undefined;
  if (typeof only === 'string' && t.size <= t.cap) {
    const ct = headers['content-type'];
    const body: ExchangeBody = { text: only, size: t.size, truncated: false };
    if (ct) body.mimeType = ct.split(';')[0]!.trim().toLowerCase();
    return body;
  }
  const bufs = t.chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
  return bodyOf(bufs, t.size, t.cap, headers);
}

/** Copies what the application writes (capped) and calls `done` when the response is finished. */
export function tapResponse(
  res: ServerResponse,
  cap: number,
  done: (response: ExchangeResponse) => void,
): void {
  const t: Tap = { given: undefined, chunks: [], size: 0, kept: 0, cap, done };
  taps.set(res, t);
  if (res instanceof ServerResponse) hookResponses();
  else {
    // Not a node:http response (a compatible object): its own methods, wrapped.
    const own = res as unknown as Record<'write' | 'end' | 'writeHead', Method>;
    const { write, end, writeHead } = own;
    own.write = function (this: ServerResponse, chunk, encoding, cb) {
      tapCopy(t, chunk, encoding);
      return write.call(this, chunk, encoding, cb);
    };
    own.end = function (this: ServerResponse, chunk, encoding, cb) {
      tapCopy(t, chunk, encoding);
      return end.call(this, chunk, encoding, cb);
    };
    own.writeHead = function (this: ServerResponse, ...args) {
      t.given = givenHeaders(args[args.length - 1]) ?? t.given;
      return writeHead.apply(this, args);
    };
  }
  res.on('finish', tapFinished);
}

/**
 * The request path shared by the node:http and Express adapters: holds the body back (or takes the
 * one a body parser already read), runs decisions, patches, signatures and the spec, then either
 * answers the rejection or calls `proceed` and lets the held body through to it.
 */
export function guardRequest(
  sensor: Sensor,
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  url: string,
  proceed: () => void,
): void {
  const guard = sensor.guard;
  const started = performance.now();
  const view = viewOf(req, url);
  const decide = (body: ExchangeBody | undefined, release: () => void) => {
    const ex = guard.exchangeOf(view, body, 'middleware');
    const pending = guard.inspect(ex);
    guard.checkSpec(pending, sensor.spec);
    tapResponse(res, guard.bodyCap, (response) =>
      guard.complete(pending, response, performance.now() - started),
    );
    if (pending.rejection) {
      release();
      req.resume();
      reject(res, pending);
      return;
    }
    proceed();
    release();
  };
  const hasBody =
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    decide(undefined, () => undefined);
    return;
  }
  if (req.readableEnded || req.readableLength > 0) {
    // Mounted after a body parser (or after something that read the stream): judge what it parsed.
    decide(parsedBody(req.body, guard.bodyCap, view.headers), () => undefined);
    return;
  }
  holdBody(req, guard.bodyCap, (chunks, size, release) =>
    decide(bodyOf(chunks, size, guard.bodyCap, view.headers), release),
  );
}

/** A body a framework already parsed, as the exchange records it (JSON text, capped). */
export function parsedBody(body: unknown, cap: number, headers: Headers): ExchangeBody | undefined {
  if (body === undefined || body === null) return undefined;
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else {
    try {
      text = JSON.stringify(body);
    } catch {
      return undefined;
    }
  }
  const size = Buffer.byteLength(text);
  const out: ExchangeBody = { text: text.slice(0, cap), size, truncated: size > cap };
  const ct = headers['content-type'];
  if (ct)
    out.mimeType =
      typeof body === 'object' && !Buffer.isBuffer(body)
        ? 'application/json'
        : ct.split(';')[0]!.trim().toLowerCase();
  return out;
}

/** Sends the guard's rejection. */
export function reject(res: ServerResponse, pending: Pending): void {
  const r = pending.rejection!;
  res.writeHead(r.status, {
    'content-type': 'application/json',
    'x-request-id': pending.exchange.id,
    ...r.headers,
  });
  res.end(JSON.stringify(r.body));
}

export function viewOf(req: IncomingMessage, url = req.url ?? '/') {
  const headers = headerRecord(req.headers);
  return {
    method: req.method ?? 'GET',
    url,
    scheme: ('encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http') as 'http' | 'https',
    headers,
    peer: req.socket.remoteAddress,
    httpVersion: `HTTP/${req.httpVersion}`,
  };
}
