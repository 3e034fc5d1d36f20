// Structured (one JSON object per line) access logs: a generic reader driven by a field map of dot
// paths, with default candidates for the names common loggers use (nginx `escape=json` formats, ECS,
// GCP `httpRequest`, pino), and a preset for Envoy's JSON access log (Envoy/Istio default keys).

import type { Headers } from '../../model/index.js';
import { addHeader, addressWithoutPort, normaliseMethod, parseTimeValue } from '../common.js';
import type { JsonLogFieldMap } from '../types.js';
import { type LogRecord, splitRequestLine, statusOf } from './record.js';

type Rec = Record<string, unknown>;

/** How a latency field counts: milliseconds, seconds, nanoseconds; strings may carry `s`/`ms` suffixes. */
type Unit = 'ms' | 's' | 'ns';

interface Candidate {
  path: string[];
  /** The whole dotted name, tried as one key first (`"http.method": "GET"` flat style). */
  flat: string;
  unit: Unit;
}

type Field = keyof JsonLogFieldMap | 'requestLine' | 'xff' | 'requestId';

type Table = Partial<Record<Field, Candidate[]>>;

function cands(names: string[], unit: Unit = 'ms'): Candidate[] {
  return names.map((n) => ({ path: n.split('.'), flat: n, unit }));
}

/** Default candidates for the generic JSON log, first present wins. */
const GENERIC: Table = {
  time: cands([
    'time',
    'timestamp',
    '@timestamp',
    'time_iso8601',
    'time_local',
    'ts',
    'date',
    'datetime',
    'msec',
  ]),
  method: cands([
    'method',
    'request_method',
    'http_method',
    'http.request.method',
    'httpRequest.requestMethod',
    'req.method',
    'verb',
  ]),
  url: cands(['url', 'request_url', 'httpRequest.requestUrl', 'url.full', 'req.url', 'url.original']),
  requestLine: cands(['request']),
  path: cands(['path', 'request_uri', 'uri', 'url.path', 'req.path']),
  query: cands(['query', 'query_string', 'args', 'url.query']),
  host: cands(['host', 'http_host', 'authority', 'server_name', 'url.domain', 'req.headers.host']),
  scheme: cands(['scheme', 'url.scheme', 'x_forwarded_proto']),
  status: cands([
    'status',
    'status_code',
    'response_code',
    'http.response.status_code',
    'httpRequest.status',
    'res.statusCode',
    'response.status',
  ]),
  client: cands([
    'remote_addr',
    'client_ip',
    'clientip',
    'remote_ip',
    'ip',
    'client.ip',
    'source.ip',
    'httpRequest.remoteIp',
    'req.remoteAddress',
  ]),
  userAgent: cands([
    'http_user_agent',
    'user_agent',
    'userAgent',
    'user_agent.original',
    'httpRequest.userAgent',
    'req.headers.user-agent',
  ]),
  latencyMs: [
    ...cands(['latencyMs', 'latency_ms', 'duration_ms', 'responseTime', 'response_time_ms', 'elapsed_ms']),
    ...cands(['request_time', 'httpRequest.latency', 'duration_s'], 's'),
    ...cands(['event.duration'], 'ns'),
  ],
  requestHeaders: cands(['requestHeaders', 'request_headers', 'req.headers', 'http.request.headers']),
  responseHeaders: cands(['responseHeaders', 'response_headers', 'res.headers', 'http.response.headers']),
  xff: cands(['http_x_forwarded_for', 'x_forwarded_for', 'x-forwarded-for']),
  requestId: cands(['request_id', 'x_request_id', 'x-request-id']),
};

/** Envoy's JSON access log keys (its default fields as JSON, Istio and Envoy Gateway spellings). */
const ENVOY: Table = {
  time: cands(['start_time', 'timestamp']),
  method: cands(['method', ':method']),
  path: cands(['x-envoy-original-path', 'x_envoy_original_path', 'x-envoy-origin-path', 'path', ':path']),
  host: cands(['authority', ':authority', 'requested_server_name']),
  scheme: cands(['x_forwarded_proto', 'x-forwarded-proto', 'scheme']),
  status: cands(['response_code']),
  client: cands(['downstream_remote_address', 'downstream_direct_remote_address']),
  userAgent: cands(['user_agent', 'user-agent']),
  latencyMs: cands(['duration']),
  xff: cands(['x_forwarded_for', 'x-forwarded-for']),
  requestId: cands(['request_id', 'x-request-id', 'x_request_id']),
  requestLine: [],
};

function lookup(obj: Rec, c: Candidate): unknown {
  const flat = obj[c.flat];
  if (flat !== undefined || c.path.length === 1) return flat;
  let v: unknown = obj;
  for (const k of c.path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Rec)[k];
  }
  return v;
}

export interface JsonLogReader {
  parse(obj: unknown): LogRecord | string;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== '-';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function latencyFrom(v: unknown, unit: Unit): number | undefined {
  let n: number;
  let u = unit;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    let t = v.trim();
    if (t.endsWith('ms')) {
      u = 'ms';
      t = t.slice(0, -2);
    } else if (t.endsWith('s')) {
      u = 's';
      t = t.slice(0, -1);
    }
    n = t === '' ? Number.NaN : Number(t);
  } else return undefined;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return u === 'ms' ? n : u === 's' ? Math.round(n * 1e6) / 1e3 : n / 1e6;
}

function headerMap(v: unknown, into: Headers): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
  for (const [k, val] of Object.entries(v as Rec)) {
    const name = k.toLowerCase();
    if (typeof val === 'string' || typeof val === 'number') addHeader(into, name, String(val));
    else if (Array.isArray(val)) for (const x of val) if (typeof x === 'string') addHeader(into, name, x);
  }
}

/** A reader for one table; a user field map replaces the defaults of the fields it names. */
function makeReader(table: Table, map: JsonLogFieldMap | undefined, envoy: boolean): JsonLogReader {
  const t: Table = { ...table };
  if (map !== undefined) {
    for (const [field, path] of Object.entries(map) as Array<[keyof JsonLogFieldMap, string | undefined]>) {
      if (typeof path === 'string' && path !== '') t[field] = cands([path]);
    }
    // A mapped url/path must not be second-guessed by the generic request-line candidate.
    if (map.url !== undefined || map.path !== undefined) t.requestLine = [];
  }
  // Header maps are objects; every other field is a string or number (an object under a scalar name,
  // such as ECS's `url: {path, …}`, falls through to the next candidate).
  const first = (obj: Rec, field: Field): [unknown, Unit] | undefined => {
    const list = t[field];
    if (list === undefined) return undefined;
    const wantObject = field === 'requestHeaders' || field === 'responseHeaders';
    for (const c of list) {
      const v = lookup(obj, c);
      if (!present(v)) continue;
      if (wantObject ? typeof v === 'object' : typeof v === 'string' || typeof v === 'number')
        return [v, c.unit];
    }
    return undefined;
  };
  return {
    parse(raw: unknown): LogRecord | string {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'line is not a JSON object';
      const obj = raw as Rec;
      let methodRaw = str(first(obj, 'method')?.[0]);
      let target: string | undefined;
      let httpVersion: string | undefined;
      const url = str(first(obj, 'url')?.[0]);
      if (url !== undefined) target = url;
      else {
        const path = str(first(obj, 'path')?.[0]);
        if (path !== undefined) {
          target = path;
          const q = str(first(obj, 'query')?.[0]);
          if (q !== undefined && q !== '' && path.indexOf('?') < 0) target += q.startsWith('?') ? q : `?${q}`;
        } else {
          const rl = str(first(obj, 'requestLine')?.[0]);
          const parts = rl === undefined ? undefined : splitRequestLine(rl);
          if (parts !== undefined) {
            target = parts.target;
            methodRaw ??= parts.method;
            httpVersion = parts.httpVersion;
          }
        }
      }
      if (methodRaw === undefined) return 'no HTTP method field';
      const method = normaliseMethod(methodRaw);
      if (method === undefined) return 'invalid HTTP method';
      if (target === undefined) return 'no URL or path field';
      const tf = first(obj, 'time');
      const time = tf === undefined ? Number.NaN : parseTimeValue(tf[0]);
      if (Number.isNaN(time)) return tf === undefined ? 'no time field' : 'invalid time';
      const headers: Headers = {};
      const rh = first(obj, 'requestHeaders');
      if (rh !== undefined) headerMap(rh[0], headers);
      const ua = str(first(obj, 'userAgent')?.[0]);
      if (ua !== undefined && headers['user-agent'] === undefined) headers['user-agent'] = ua;
      const xff = str(first(obj, 'xff')?.[0]);
      if (xff !== undefined && headers['x-forwarded-for'] === undefined) headers['x-forwarded-for'] = xff;
      const rid = str(first(obj, 'requestId')?.[0]);
      if (rid !== undefined && headers['x-request-id'] === undefined) headers['x-request-id'] = rid;
      const rec: LogRecord = { time, method, target, headers };
      if (httpVersion !== undefined) rec.httpVersion = httpVersion;
      else if (envoy && typeof obj['protocol'] === 'string') rec.httpVersion = obj['protocol'];
      const host = str(first(obj, 'host')?.[0]) ?? headers['host'];
      if (host !== undefined) rec.host = host;
      const scheme = str(first(obj, 'scheme')?.[0])?.toLowerCase();
      if (scheme === 'http' || scheme === 'https') rec.scheme = scheme;
      const sf = first(obj, 'status');
      const status = sf === undefined ? undefined : statusOf(sf[0]);
      if (status !== undefined) rec.status = status;
      const client = str(first(obj, 'client')?.[0]);
      if (client !== undefined) rec.client = envoy ? addressWithoutPort(client) : client;
      const lf = first(obj, 'latencyMs');
      const latency = lf === undefined ? undefined : latencyFrom(lf[0], lf[1]);
      if (latency !== undefined) rec.latencyMs = latency;
      return rec;
    },
  };
}

export function jsonLogReader(map?: JsonLogFieldMap): JsonLogReader {
  return makeReader(GENERIC, map, false);
}

export function envoyReader(map?: JsonLogFieldMap): JsonLogReader {
  return makeReader(ENVOY, map, true);
}

/** Keys only Envoy's access log has; used by format detection. */
export function looksEnvoy(obj: Rec): boolean {
  return (
    'response_code' in obj ||
    'upstream_host' in obj ||
    'upstream_cluster' in obj ||
    'downstream_remote_address' in obj ||
    'x-envoy-origin-path' in obj ||
    'x_envoy_original_path' in obj ||
    'x-envoy-original-path' in obj
  );
}
