// Per-endpoint accumulation of what exchanges show (the hot path of discovery), and its conversion
// to the Endpoint model. One Agg per provisional endpoint; all state is bounded: parameters and
// sensitive fields capped per endpoint, schemas capped in depth/width, clients and latency sketched.
//
// Error rate: share of exchanges with a response whose status is ≥ 400 (4xx and 5xx both count:
// a client error is still a failed call from the consumer's side). Exchanges without a response
// (aborted calls) count in `calls` but not in the error rate.

import type {
  AuthObservation,
  Endpoint,
  Exchange,
  ExchangeSample,
  ParamLocation,
  ParamObservation,
  SensitiveObservation,
  TrafficObservations,
} from '../model/index.js';
import type { Classifier, ParsedBodies } from './deps.js';
import { findLeaks, maskExcerpt } from './leaks.js';
import { bodyParams, type Masker, mergeNode, observe, SchemaNode, toJsonSchema } from './schema-infer.js';
import { formatOf, textTypeOf } from './segments.js';
import { DistinctCounter, LatencyHistogram } from './sketch.js';

export const MAX_PARAMS_PER_LOCATION = 64;
export const MAX_SENSITIVE_FIELDS = 64;
export const MAX_STATUS_SCHEMAS = 16;
export const RESPONSE_SCHEMA_ALL = 512;
export const RESPONSE_SCHEMA_STRIDE = 8;

/** Request headers that every client sends: not parameters of the API. */
const STANDARD_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'authorization',
  'proxy-authorization',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'content-encoding',
  'cookie',
  'date',
  'dnt',
  'expect',
  'forwarded',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'keep-alive',
  'origin',
  'pragma',
  'priority',
  'range',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'user-agent',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'x-requested-with',
  'traceparent',
  'tracestate',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
  'sentry-trace',
  'baggage',
]);

function isStandardHeader(name: string): boolean {
  return (
    STANDARD_HEADERS.has(name) || name.startsWith('sec-') || name.startsWith(':') || name.startsWith('x-b3-')
  );
}

/** Response headers that posture rules judge (TrafficObservations.responseHeaders). */
export const POSTURE_HEADERS = [
  'server',
  'x-powered-by',
  'x-aspnet-version',
  'x-aspnetmvc-version',
  'strict-transport-security',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'cache-control',
  'set-cookie',
] as const;
const POSTURE_SET: ReadonlySet<string> = new Set(POSTURE_HEADERS);

const T_BOOLEAN = 1;
const T_INTEGER = 2;
const T_NUMBER = 4;
const T_STRING = 8;

function typeBit(value: string): number {
  const t = textTypeOf(value);
  return t === 'integer' ? T_INTEGER : t === 'number' ? T_NUMBER : t === 'boolean' ? T_BOOLEAN : T_STRING;
}

export function typeNames(bits: number): string[] {
  const out: string[] = [];
  if (bits & T_BOOLEAN) out.push('boolean');
  if (bits & T_INTEGER && !(bits & T_NUMBER)) out.push('integer');
  if (bits & T_NUMBER) out.push('number');
  if (bits & T_STRING) out.push('string');
  return out;
}

/** Types and formats of the text values seen at one parameter. */
export class ParamAcc {
  count = 0;
  types = 0;
  formats: Map<string, number> | undefined;
  add(value: string): void {
    this.count++;
    this.types |= typeBit(value);
    // formats are sampled: the first 64 values, then every 16th (enough to name a stable format)
    if (this.count <= 64 || (this.count & 15) === 0) {
      const f = formatOf(value);
      if (f) {
        this.formats ??= new Map();
        this.formats.set(f, (this.formats.get(f) ?? 0) + 1);
      }
    }
  }
  merge(o: ParamAcc): void {
    this.count += o.count;
    this.types |= o.types;
    if (o.formats) {
      this.formats ??= new Map();
      for (const [f, n] of o.formats) this.formats.set(f, (this.formats.get(f) ?? 0) + n);
    }
  }
  toObservation(name: string, location: ParamLocation): ParamObservation {
    const sampled = Math.min(this.count, 64) + Math.max(0, Math.floor((this.count - 64) / 16));
    const formats: string[] = [];
    if (this.formats)
      for (const [f, n] of this.formats) if (n >= sampled && !(this.types & ~T_STRING)) formats.push(f);
    return { name, location, types: typeNames(this.types), formats, count: this.count };
  }
}

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function addParam(m: Map<string, ParamAcc>, name: string, value: string): void {
  let p = m.get(name);
  if (!p) {
    if (m.size >= MAX_PARAMS_PER_LOCATION) return;
    p = new ParamAcc();
    m.set(name, p);
  }
  p.add(value);
}

function findAuth(
  list: Array<{ obs: Omit<AuthObservation, 'count'>; count: number }>,
  a: Omit<AuthObservation, 'count'>,
): { obs: Omit<AuthObservation, 'count'>; count: number } | undefined {
  for (const x of list) {
    const o = x.obs;
    if (o.type === a.type && o.in === a.in && o.name === a.name && o.alg === a.alg) return x;
  }
  return undefined;
}

function sampleOf(ex: Exchange): ExchangeSample {
  return {
    ...(ex.source.file !== undefined ? { file: ex.source.file } : {}),
    index: ex.source.index,
    ...(ex.source.line !== undefined ? { line: ex.source.line } : {}),
  };
}

/** Everything an exchange contributes, computed once per exchange by the builder. */
export interface ExchangeFacts {
  time: number;
  actor: string;
  auth: Array<Omit<AuthObservation, 'count'>>;
  parsed: ParsedBodies;
}

interface LeakAcc {
  kind: 'stack-trace' | 'sql-error';
  count: number;
  sample: ExchangeSample;
  excerpt: string;
}

export class Agg {
  calls = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = Number.NEGATIVE_INFINITY;
  sample: ExchangeSample | undefined;
  readonly query = new Map<string, ParamAcc>();
  readonly headers = new Map<string, ParamAcc>();
  readonly cookies = new Map<string, ParamAcc>();
  readonly reqTypes = new Map<string, number>();
  readonly resTypes = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  /** Few entries per endpoint: a list searched linearly beats building a string key per exchange. */
  readonly auth: Array<{ obs: Omit<AuthObservation, 'count'>; count: number }> = [];
  readonly clients = new DistinctCounter();
  readonly latency = new LatencyHistogram();
  responses = 0;
  errors = 0;
  /** Field path → observations at that field (one per type and direction). */
  readonly sensitive = new Map<string, SensitiveObservation[]>();
  sensitiveCount = 0;
  reqSchema: SchemaNode | undefined;
  reqForm = false;
  readonly resSchemas = new Map<number, SchemaNode>();
  readonly schemes: Record<string, number> = {};
  readonly responseHeaders = new Map<string, { count: number; sample: string }>();
  browserCalls = 0;
  readonly leaks = new Map<string, LeakAcc>();
  readonly authSamples: Record<string, ExchangeSample> = {};
  unauthenticatedSuccess = 0;

  add(ex: Exchange, facts: ExchangeFacts, classifier: Classifier, mask: Masker): void {
    const req = ex.request;
    const res = ex.response;
    this.calls++;
    const t = facts.time;
    if (t < this.firstSeen) {
      this.firstSeen = t;
      this.sample = sampleOf(ex);
    }
    if (t > this.lastSeen) this.lastSeen = t;
    this.sample ??= sampleOf(ex);
    this.schemes[req.scheme] = (this.schemes[req.scheme] ?? 0) + 1;

    for (const [name, value] of req.query) addParam(this.query, name, value);
    let browser = false;
    const h = req.headers;
    for (const name in h) {
      if (!isStandardHeader(name)) addParam(this.headers, name, h[name]!);
      else if (name === 'origin' || name.startsWith('sec-fetch-')) browser = true;
    }
    const cookie = h.cookie;
    if (cookie) {
      browser = true;
      for (const part of cookie.split(';')) {
        const eq = part.indexOf('=');
        if (eq <= 0) continue;
        addParam(this.cookies, part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
    }
    if (!browser && h.accept?.includes('text/html')) browser = true;
    if (browser) this.browserCalls++;

    const reqMime = req.body?.mimeType;
    if (req.body && (req.body.size > 0 || req.body.text.length > 0))
      bump(this.reqTypes, reqMime ?? 'unknown');
    if (facts.parsed.request !== undefined && typeof facts.parsed.request === 'object') {
      const form = reqMime === 'application/x-www-form-urlencoded';
      if (form) this.reqForm = true;
      this.reqSchema ??= new SchemaNode(form ? 'form' : '$');
      observe(this.reqSchema, facts.parsed.request, 0, mask);
    }

    let noCredential = true;
    for (const a of facts.auth) {
      if (a.type !== 'none') noCredential = false;
      const cur = findAuth(this.auth, a);
      if (cur) cur.count++;
      else if (this.auth.length < 32) this.auth.push({ obs: a, count: 1 });
      if (!this.authSamples[a.type]) this.authSamples[a.type] = sampleOf(ex);
    }
    this.clients.add(facts.actor);
    if (ex.latencyMs !== undefined) this.latency.add(ex.latencyMs);

    if (res) {
      this.responses++;
      const status = res.status;
      bump(this.statuses, status);
      if (status >= 400) this.errors++;
      if (status >= 200 && status < 300 && noCredential) this.unauthenticatedSuccess++;
      const rb = res.body;
      if (rb && (rb.size > 0 || rb.text.length > 0)) bump(this.resTypes, rb.mimeType ?? 'unknown');
      if (facts.parsed.response !== undefined && typeof facts.parsed.response === 'object') {
        let node = this.resSchemas.get(status);
        if (!node && this.resSchemas.size < MAX_STATUS_SCHEMAS) {
          node = new SchemaNode();
          this.resSchemas.set(status, node);
        }
        // Response schemas are inferred from every body up to RESPONSE_SCHEMA_ALL per status, then
        // from every RESPONSE_SCHEMA_STRIDE-th: the shape is settled by then and the walk is the
        // costliest step per exchange. (Sensitive data is still scanned in every body.)
        if (node && (++node.offered <= RESPONSE_SCHEMA_ALL || node.offered % RESPONSE_SCHEMA_STRIDE === 0))
          observe(node, facts.parsed.response, 0, mask);
      }
      const rh = res.headers;
      for (const name in rh) {
        if (!POSTURE_SET.has(name)) continue;
        const v = rh[name]!;
        const cur = this.responseHeaders.get(name);
        if (cur) cur.count++;
        else this.responseHeaders.set(name, { count: 1, sample: maskHeader(name, v, classifier) });
      }
      // Leak scan: error responses, and non-JSON text bodies of any status (HTML error pages served
      // with 200). JSON 2xx bodies are skipped: parsing them already cost a pass.
      if (
        rb &&
        rb.text.length > 0 &&
        (status >= 400 || (rb.mimeType !== undefined && !rb.mimeType.includes('json')))
      ) {
        for (const leak of findLeaks(rb.text)) {
          const cur = this.leaks.get(leak.kind);
          if (cur) cur.count++;
          else
            this.leaks.set(leak.kind, {
              kind: leak.kind,
              count: 1,
              sample: sampleOf(ex),
              excerpt: maskExcerpt(leak.excerpt),
            });
        }
      }
    }

    const hits = classifier.scanExchange(ex, facts.parsed);
    for (const hit of hits) {
      // by field first, then a short list: no composite key string built per hit
      let list = this.sensitive.get(hit.field);
      let s: SensitiveObservation | undefined;
      if (list) {
        for (const x of list) if (x.type === hit.type && x.direction === hit.direction) s = x;
      }
      if (!s) {
        if (this.sensitiveCount >= MAX_SENSITIVE_FIELDS) continue;
        s = { type: hit.type, direction: hit.direction, field: hit.field, count: 0, samples: [] };
        if (!list) {
          list = [];
          this.sensitive.set(hit.field, list);
        }
        list.push(s);
        this.sensitiveCount++;
      }
      s.count++;
      if (s.samples.length < 3 && !s.samples.includes(hit.masked)) s.samples.push(hit.masked);
    }
  }
}

function mergeParamMaps(dst: Map<string, ParamAcc>, src: Map<string, ParamAcc>): void {
  for (const [k, p] of src) {
    let d = dst.get(k);
    if (!d) {
      if (dst.size >= MAX_PARAMS_PER_LOCATION) continue;
      d = new ParamAcc();
      dst.set(k, d);
    }
    d.merge(p);
  }
}

function mergeCounts<K>(dst: Map<K, number>, src: Map<K, number>): void {
  for (const [k, n] of src) bump(dst, k, n);
}

/** Adds `src`'s observations into `dst` (provisional endpoints that templating folds into one). */
export function mergeAgg(dst: Agg, src: Agg): void {
  dst.calls += src.calls;
  if (src.firstSeen < dst.firstSeen) {
    dst.firstSeen = src.firstSeen;
    dst.sample = src.sample;
  }
  dst.sample ??= src.sample;
  if (src.lastSeen > dst.lastSeen) dst.lastSeen = src.lastSeen;
  mergeParamMaps(dst.query, src.query);
  mergeParamMaps(dst.headers, src.headers);
  mergeParamMaps(dst.cookies, src.cookies);
  mergeCounts(dst.reqTypes, src.reqTypes);
  mergeCounts(dst.resTypes, src.resTypes);
  mergeCounts(dst.statuses, src.statuses);
  for (const a of src.auth) {
    const cur = findAuth(dst.auth, a.obs);
    if (cur) cur.count += a.count;
    else dst.auth.push({ obs: a.obs, count: a.count });
  }
  dst.clients.merge(src.clients);
  dst.latency.merge(src.latency);
  dst.responses += src.responses;
  dst.errors += src.errors;
  for (const [field, list] of src.sensitive) {
    for (const s of list) {
      let dl = dst.sensitive.get(field);
      const cur = dl?.find((x) => x.type === s.type && x.direction === s.direction);
      if (cur) {
        cur.count += s.count;
        for (const m of s.samples)
          if (cur.samples.length < 3 && !cur.samples.includes(m)) cur.samples.push(m);
      } else if (dst.sensitiveCount < MAX_SENSITIVE_FIELDS) {
        if (!dl) {
          dl = [];
          dst.sensitive.set(field, dl);
        }
        dl.push({ ...s, samples: [...s.samples] });
        dst.sensitiveCount++;
      }
    }
  }
  if (src.reqSchema) {
    dst.reqSchema ??= new SchemaNode(src.reqSchema.field);
    mergeNode(dst.reqSchema, src.reqSchema);
  }
  if (src.reqForm) dst.reqForm = true;
  for (const [k, node] of src.resSchemas) {
    let d = dst.resSchemas.get(k);
    if (!d) {
      if (dst.resSchemas.size >= MAX_STATUS_SCHEMAS) continue;
      d = new SchemaNode(node.field);
      dst.resSchemas.set(k, d);
    }
    mergeNode(d, node);
  }
  for (const [k, n] of Object.entries(src.schemes)) dst.schemes[k] = (dst.schemes[k] ?? 0) + n;
  for (const [k, h] of src.responseHeaders) {
    const cur = dst.responseHeaders.get(k);
    if (cur) cur.count += h.count;
    else dst.responseHeaders.set(k, { ...h });
  }
  dst.browserCalls += src.browserCalls;
  for (const [k, l] of src.leaks) {
    const cur = dst.leaks.get(k);
    if (cur) cur.count += l.count;
    else dst.leaks.set(k, { ...l });
  }
  for (const [k, s] of Object.entries(src.authSamples)) dst.authSamples[k] ??= s;
  dst.unauthenticatedSuccess += src.unauthenticatedSuccess;
}

function maskHeader(name: string, value: string, classifier: Classifier): string {
  const v = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (name === 'set-cookie') {
    // keep cookie names and attributes, never values
    return v
      .split('\n')
      .map((c) => c.replace(/^([^=;]+)=([^;]*)/, (_m, n: string) => `${n}=***`))
      .join('\n');
  }
  const type = classifier.classifyValue(v, name);
  return type ? '***' : v;
}

/** Converts one accumulator to the Endpoint model (tags are computed later over the whole list). */
export function aggToEndpoint(
  agg: Agg,
  host: string,
  method: string,
  path: string,
  pathParams: ParamObservation[],
  pathFieldNames: (index: number) => string | undefined,
): Endpoint {
  const params: ParamObservation[] = [...pathParams];
  for (const [n, p] of agg.query) params.push(p.toObservation(n, 'query'));
  for (const [n, p] of agg.headers) params.push(p.toObservation(n, 'header'));
  for (const [n, p] of agg.cookies) params.push(p.toObservation(n, 'cookie'));
  if (agg.reqSchema) {
    const body: ParamObservation[] = [];
    bodyParams(agg.reqSchema, agg.reqForm ? 'form' : '$', body);
    params.push(...body);
  }
  const statuses: Record<string, number> = {};
  for (const [s, n] of [...agg.statuses].sort((a, b) => a[0] - b[0])) statuses[String(s)] = n;
  const auth: AuthObservation[] = agg.auth.map(({ obs, count }) => ({ ...obs, count }));
  const sensitive = [...agg.sensitive.values()].flat().map((s) => {
    const m = /^path\.(\d+)$/.exec(s.field);
    const named = m ? pathFieldNames(Number(m[1])) : undefined;
    return { ...s, field: named ? `path.{${named}}` : s.field, samples: [...s.samples] };
  });
  const p50 = agg.latency.quantile(0.5);
  const p95 = agg.latency.quantile(0.95);
  const responses: Record<string, ReturnType<typeof toJsonSchema>> = {};
  for (const [k, node] of [...agg.resSchemas].sort((a, b) => a[0] - b[0]))
    responses[String(k)] = toJsonSchema(node);
  const schemas: NonNullable<Endpoint['schemas']> = {};
  if (agg.reqSchema) schemas.request = toJsonSchema(agg.reqSchema);
  if (agg.resSchemas.size) schemas.responses = responses;
  const responseHeaders: TrafficObservations['responseHeaders'] = {};
  for (const [k, v] of agg.responseHeaders) responseHeaders[k] = { ...v };
  const observed: TrafficObservations = {
    schemes: { ...agg.schemes },
    responseHeaders,
    browserCalls: agg.browserCalls,
    errorLeaks: [...agg.leaks.values()].map((l) => ({ ...l })),
    authSamples: { ...agg.authSamples },
    unauthenticatedSuccess: agg.unauthenticatedSuccess,
  };
  const e: Endpoint = {
    host,
    method,
    path,
    tags: [],
    calls: agg.calls,
    clients: agg.clients.count(),
    params,
    requestContentTypes: [...agg.reqTypes.keys()].sort(),
    responseContentTypes: [...agg.resTypes.keys()].sort(),
    statuses,
    auth,
    sensitive,
    errorRate: agg.responses ? round4(agg.errors / agg.responses) : 0,
    risk: 0,
    schemas,
    observed,
    sketch: { clients: agg.clients.sketch().serialize(), latency: agg.latency.toRecord() },
  };
  if (agg.calls > 0 && Number.isFinite(agg.firstSeen)) {
    e.firstSeen = new Date(agg.firstSeen).toISOString();
    e.lastSeen = new Date(agg.lastSeen).toISOString();
  }
  if (p50 !== undefined && p95 !== undefined) e.latency = { p50, p95 };
  if (agg.sample) e.sample = agg.sample;
  return e;
}

export function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
