// Merging endpoints: two provisional endpoints that templating folded into one, or a stored
// inventory and a fresh run (`mergeEndpoints`: a second HAR adds to the first).
// Counts add; sets union; first/last seen take min/max; clients merge through their HyperLogLog
// sketches (union, ~2.3% error; an endpoint without a sketch contributes max(count)); latency
// p50/p95 are recomputed from the merged log-bucket histograms (exact merge, ±2% bucket error;
// without histograms: the call-weighted mean of the two percentiles, an approximation); schemas
// merge by union (a field stays required only if both sides required it); tags are recomputed over
// the merged list. Stored endpoints whose literal path a fresh learnt template now covers
// (`/products/red-shirt` vs `/products/{productId}`) are folded into it.

import type {
  Endpoint,
  ParamObservation,
  SensitiveObservation,
  TrafficObservations,
} from '../model/index.js';
import { endpointKey } from '../model/index.js';
import { round4 } from './aggregate.js';
import { InventoryBuilder, type InventoryOptions } from './builder.js';
import type { Classifier } from './deps.js';
import { computeTags, SpecSet } from './lifecycle.js';
import { mergeSchemas } from './schema-infer.js';
import { splitPath, staticKind } from './segments.js';
import { Hll, LatencyHistogram } from './sketch.js';

/** Relearning templates needs no classification: nothing is scanned. */
const NO_CLASSIFIER: Classifier = { classifyValue: () => undefined, scanExchange: () => [] };

function minIso(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function maxIso(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function mergeParams(a: ParamObservation[], b: ParamObservation[]): ParamObservation[] {
  const out = new Map<string, ParamObservation>();
  for (const p of [...a, ...b]) {
    const k = `${p.location} ${p.name}`;
    const cur = out.get(k);
    if (!cur) out.set(k, { ...p, types: [...p.types], formats: [...p.formats] });
    else {
      const types = union(cur.types, p.types);
      cur.types = types.includes('number') ? types.filter((t) => t !== 'integer') : types;
      // a format stays only when both sides agree (or one side saw no strings at all)
      cur.formats = cur.formats.filter((f) => p.formats.includes(f) || !p.types.includes('string'));
      cur.count += p.count;
    }
  }
  return [...out.values()];
}

function mergeSensitive(a: SensitiveObservation[], b: SensitiveObservation[]): SensitiveObservation[] {
  const out = new Map<string, SensitiveObservation>();
  for (const s of [...a, ...b]) {
    const k = `${s.direction}|${s.type}|${s.field}`;
    const cur = out.get(k);
    if (!cur) out.set(k, { ...s, samples: s.samples.slice(0, 3) });
    else {
      cur.count += s.count;
      cur.samples = union(cur.samples, s.samples).slice(0, 3);
    }
  }
  return [...out.values()];
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function mergeObserved(
  a: TrafficObservations | undefined,
  b: TrafficObservations | undefined,
): TrafficObservations | undefined {
  if (!a) return b;
  if (!b) return a;
  const responseHeaders: TrafficObservations['responseHeaders'] = { ...a.responseHeaders };
  for (const [k, v] of Object.entries(b.responseHeaders)) {
    const cur = responseHeaders[k];
    responseHeaders[k] = cur ? { count: cur.count + v.count, sample: cur.sample } : { ...v };
  }
  const leaks = new Map(a.errorLeaks.map((l) => [l.kind, { ...l }]));
  for (const l of b.errorLeaks) {
    const cur = leaks.get(l.kind);
    if (cur) cur.count += l.count;
    else leaks.set(l.kind, { ...l });
  }
  return {
    schemes: mergeCounts(a.schemes, b.schemes),
    responseHeaders,
    browserCalls: a.browserCalls + b.browserCalls,
    errorLeaks: [...leaks.values()],
    authSamples: { ...b.authSamples, ...a.authSamples },
    unauthenticatedSuccess: a.unauthenticatedSuccess + b.unauthenticatedSuccess,
  };
}

function errorRateOf(statuses: Record<string, number>): number {
  let total = 0;
  let errors = 0;
  for (const [s, n] of Object.entries(statuses)) {
    total += n;
    if (Number(s) >= 400) errors += n;
  }
  return total ? round4(errors / total) : 0;
}

/** Merge the statistics of two endpoints (same or folded key); `a`'s identity (host/method/path) is kept. */
export function mergeEndpointStats(a: Endpoint, b: Endpoint): Endpoint {
  const statuses = mergeCounts(a.statuses, b.statuses);
  const out: Endpoint = {
    host: a.host,
    method: a.method,
    path: a.path,
    tags: [],
    calls: a.calls + b.calls,
    clients: Math.max(a.clients, b.clients),
    params: mergeParams(a.params, b.params),
    requestContentTypes: union(a.requestContentTypes, b.requestContentTypes).sort(),
    responseContentTypes: union(a.responseContentTypes, b.responseContentTypes).sort(),
    statuses,
    auth: [],
    sensitive: mergeSensitive(a.sensitive, b.sensitive),
    errorRate: errorRateOf(statuses),
    risk: Math.max(a.risk, b.risk),
  };
  const auth = new Map<string, (typeof a.auth)[number]>();
  for (const x of [...a.auth, ...b.auth]) {
    const k = `${x.type}|${x.in ?? ''}|${x.name ?? ''}|${x.alg ?? ''}`;
    const cur = auth.get(k);
    if (cur) cur.count += x.count;
    else auth.set(k, { ...x });
  }
  out.auth = [...auth.values()];
  const first = minIso(a.firstSeen, b.firstSeen);
  const last = maxIso(a.lastSeen, b.lastSeen);
  if (first) out.firstSeen = first;
  if (last) out.lastSeen = last;
  const sample = a.sample && (!b.sample || a.firstSeen === first || !b.firstSeen) ? a.sample : b.sample;
  if (sample) out.sample = sample;
  // spec reference: the one that documents the merged endpoint now (fresh side is `b` in runs)
  const spec = b.spec ?? a.spec;
  if (spec) out.spec = spec;

  // sketches
  const ha = a.sketch ? Hll.parse(a.sketch.clients) : undefined;
  const hb = b.sketch ? Hll.parse(b.sketch.clients) : undefined;
  const la = a.sketch ? LatencyHistogram.fromRecord(a.sketch.latency) : undefined;
  const lb = b.sketch ? LatencyHistogram.fromRecord(b.sketch.latency) : undefined;
  if (ha && hb) {
    ha.merge(hb);
    out.clients = Math.max(ha.estimate(), a.clients, b.clients);
  } else out.clients = a.clients + b.clients;
  const hll = ha ?? hb;
  let latencyRec: Record<string, number> | undefined;
  if (la && lb) {
    la.merge(lb);
    latencyRec = la.toRecord();
    const p50 = la.quantile(0.5);
    const p95 = la.quantile(0.95);
    if (p50 !== undefined && p95 !== undefined) out.latency = { p50, p95 };
  } else if (a.latency && b.latency) {
    const wa = a.calls || 1;
    const wb = b.calls || 1;
    out.latency = {
      p50: Math.round(((a.latency.p50 * wa + b.latency.p50 * wb) / (wa + wb)) * 100) / 100,
      p95: Math.round(((a.latency.p95 * wa + b.latency.p95 * wb) / (wa + wb)) * 100) / 100,
    };
  } else if (a.latency ?? b.latency) out.latency = (a.latency ?? b.latency)!;
  if (!latencyRec && (la ?? lb)) latencyRec = (la ?? lb)!.toRecord();
  if (hll || latencyRec) out.sketch = { clients: (hll ?? new Hll()).serialize(), latency: latencyRec ?? {} };

  if (a.schemas || b.schemas) {
    const schemas: NonNullable<Endpoint['schemas']> = {};
    if (a.schemas?.request || b.schemas?.request)
      schemas.request = mergeSchemas(a.schemas?.request, b.schemas?.request);
    const ra = a.schemas?.responses ?? {};
    const rb = b.schemas?.responses ?? {};
    const keys = union(Object.keys(ra), Object.keys(rb));
    if (keys.length) {
      schemas.responses = {};
      for (const k of keys) schemas.responses[k] = mergeSchemas(ra[k], rb[k]);
    }
    out.schemas = schemas;
  }
  const observed = mergeObserved(a.observed, b.observed);
  if (observed) out.observed = observed;
  return out;
}

/**
 * True when template `general` covers `specific` (same length, equal or `{…}` in `general`). A literal
 * that is a static word, version, file name or locale (`/users/search`, `/users/me`) is a sibling of
 * the template, not one of its values, so it is never covered.
 */
function covers(general: string, specific: string): boolean {
  if (general === specific) return false;
  const g = splitPath(general);
  const s = splitPath(specific);
  if (g.length !== s.length) return false;
  let widened = false;
  for (let i = 0; i < g.length; i++) {
    if (g[i] === s[i]) continue;
    if (/^\{[^}]+\}$/.test(g[i]!) && !/^\{[^}]+\}$/.test(s[i]!) && !staticKind(s[i]!)) {
      widened = true;
      continue;
    }
    return false;
  }
  return widened;
}

/**
 * A run merged into the store: endpoints with the same host + method + path merge their statistics;
 * stored literal paths covered by a fresh learnt template fold into it; tags are recomputed with the
 * run's specs and approved hosts. Returns the whole merged inventory.
 */
export function mergeEndpoints(stored: Endpoint[], fresh: Endpoint[], opts: InventoryOptions): Endpoint[] {
  const out = new Map<string, Endpoint>();
  for (const e of fresh) {
    const k = endpointKey(e);
    const cur = out.get(k);
    out.set(k, cur ? mergeEndpointStats(cur, e) : e);
  }
  // index fresh templates by host + method + segment count for folding
  const templates = new Map<string, Endpoint[]>();
  for (const e of out.values()) {
    if (!e.path.includes('{')) continue;
    const k = `${e.host} ${e.method} ${splitPath(e.path).length}`;
    const list = templates.get(k);
    if (list) list.push(e);
    else templates.set(k, [e]);
  }
  for (const s of stored) {
    let k = endpointKey(s);
    let target = out.get(k);
    if (!target) {
      const candidates = templates.get(`${s.host} ${s.method} ${splitPath(s.path).length}`) ?? [];
      const general = candidates.find((c) => covers(c.path, s.path));
      if (general) {
        // The entry in `out`, not `general` itself: a stored template with the same key may already
        // have been merged into it, and merging into the stale object would drop those calls.
        k = endpointKey(general);
        target = out.get(k);
      }
    }
    if (!target) {
      out.set(k, s);
      continue;
    }
    // stored first, fresh second: fresh spec reference and identity win
    const merged = mergeEndpointStats(s, target);
    merged.host = target.host;
    merged.method = target.method;
    merged.path = target.path;
    out.set(k, merged);
  }
  // templates learnt again over the merged whole: evidence that no single run had alone
  const list = new InventoryBuilder({ classifier: NO_CLASSIFIER }).relearn([...out.values()]);
  computeTags(list, {
    specs: new SpecSet(opts.specs ?? []),
    ...(opts.approvedHosts ? { approvedHosts: opts.approvedHosts } : {}),
  });
  return list;
}
