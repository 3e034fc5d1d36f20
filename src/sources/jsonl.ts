// mamori's own JSONL exchange format (docs/jsonl.md, schema docs/schemas/exchange.schema.json): one
// JSON object per line, close to the Exchange type. The server, sensors and the scanner's evidence use
// it; `exchangeToRecord` writes it and `exchangeFromRecord` reads it back losslessly.

import type { Exchange, ExchangeBody, ExchangeRef, Headers, InputIssue } from '../model/index.js';
import { type ByteSource, ProgressTicker, readError } from './byte-source.js';
import {
  addHeader,
  baseName,
  DEFAULT_BODY_CAP,
  exchangeId,
  makeBody,
  mediaType,
  normaliseMethod,
  parseTimeValue,
} from './common.js';
import { lineBatches } from './lines.js';
import type { ReadOptions } from './types.js';
import { parseAuthority, parseQuery, parseUrl, type UrlParts } from './url.js';

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class RecordError {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

function headersFrom(v: unknown, field: string): Headers {
  const headers: Headers = {};
  if (v === undefined || v === null) return headers;
  if (Array.isArray(v)) {
    for (const h of v) {
      let name: unknown;
      let value: unknown;
      if (Array.isArray(h)) [name, value] = h;
      else if (isRec(h)) ({ name, value } = h);
      if (typeof name !== 'string' || (typeof value !== 'string' && typeof value !== 'number'))
        throw new RecordError(
          field,
          'header entries must be [name, value] or {name, value} with string values',
        );
      addHeader(headers, name.toLowerCase(), String(value));
    }
    return headers;
  }
  if (!isRec(v)) throw new RecordError(field, 'headers must be an object or an array');
  for (const [name, value] of Object.entries(v)) {
    const lower = name.toLowerCase();
    if (typeof value === 'string' || typeof value === 'number') addHeader(headers, lower, String(value));
    else if (Array.isArray(value) && value.every((x) => typeof x === 'string'))
      for (const x of value) addHeader(headers, lower, x);
    else throw new RecordError(`${field}.${name}`, 'header value must be a string or an array of strings');
  }
  return headers;
}

function queryFrom(v: unknown, field: string): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return parseQuery(v.startsWith('?') ? v.slice(1) : v);
  const out: Array<[string, string]> = [];
  if (Array.isArray(v)) {
    for (const p of v) {
      if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'string')
        throw new RecordError(field, 'query pairs must be [name, value] strings');
      out.push([p[0], p[1]]);
    }
    return out;
  }
  if (!isRec(v)) throw new RecordError(field, 'query must be a string, an array of pairs or an object');
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out.push([k, val]);
    else if (typeof val === 'number' || typeof val === 'boolean') out.push([k, String(val)]);
    else if (Array.isArray(val)) for (const x of val) out.push([k, String(x)]);
    else throw new RecordError(`${field}.${k}`, 'query value must be a string or an array');
  }
  return out;
}

function bodyFrom(part: Rec, field: string, cap: number): ExchangeBody | undefined {
  const text = part['body'];
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') throw new RecordError(`${field}.body`, 'body must be a string');
  const enc = part['bodyEncoding'];
  if (enc !== undefined && enc !== 'utf8' && enc !== 'base64')
    throw new RecordError(`${field}.bodyEncoding`, 'bodyEncoding must be "utf8" or "base64"');
  const size = part['bodySize'];
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0))
    throw new RecordError(`${field}.bodySize`, 'bodySize must be a non-negative integer');
  const mime = part['mimeType'];
  if (mime !== undefined && typeof mime !== 'string')
    throw new RecordError(`${field}.mimeType`, 'mimeType must be a string');
  const truncated = part['bodyTruncated'];
  if (truncated !== undefined && typeof truncated !== 'boolean')
    throw new RecordError(`${field}.bodyTruncated`, 'bodyTruncated must be a boolean');
  const base64 = enc === 'base64';
  const body = makeBody(text, base64, size, mediaType(mime), cap);
  if (truncated !== undefined) {
    // The writer said whether the body it had was whole; only our own cap can add to that.
    const decodedBytes = base64 ? Buffer.from(text, 'base64').length : Buffer.byteLength(text);
    body.truncated = truncated || decodedBytes > cap;
  }
  return body;
}

function locationFrom(req: Rec): { parts: UrlParts; url: string } {
  const url = req['url'];
  if (typeof url === 'string' && url !== '') {
    const u = parseUrl(url);
    if (typeof u === 'string') throw new RecordError('request.url', `unusable URL: ${u}`);
    if (req['query'] !== undefined) u.query = queryFrom(req['query'], 'request.query');
    return { parts: u, url };
  }
  const scheme = req['scheme'];
  if (scheme !== 'http' && scheme !== 'https')
    throw new RecordError('request.scheme', 'request needs url, or scheme "http"/"https" with host and path');
  const host = req['host'];
  if (typeof host !== 'string') throw new RecordError('request.host', 'request needs a host');
  const port = req['port'];
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port)))
    throw new RecordError('request.port', 'port must be an integer');
  const auth = parseAuthority(port === undefined ? host : `${host}:${port}`, scheme);
  if (typeof auth === 'string') throw new RecordError('request.host', auth);
  const path = req['path'] ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new RecordError('request.path', 'path must be a string starting with "/"');
  const parts: UrlParts = { scheme, host: auth.host, path, query: queryFrom(req['query'], 'request.query') };
  if (auth.port !== undefined) parts.port = auth.port;
  return { parts, url: `${scheme}://${host}${port === undefined ? '' : `:${port}`}${path}` };
}

function build(obj: unknown, ref: ExchangeRef, cap: number): Exchange {
  if (!isRec(obj)) throw new RecordError('', 'record must be a JSON object');
  const time = parseTimeValue(obj['time']);
  if (Number.isNaN(time))
    throw new RecordError('time', 'time must be an ISO 8601 string or epoch milliseconds');
  const req = obj['request'];
  if (!isRec(req)) throw new RecordError('request', 'record needs a request object');
  const method = normaliseMethod(req['method']);
  if (method === undefined) throw new RecordError('request.method', 'missing or invalid HTTP method');
  const { parts, url } = locationFrom(req);
  const rawId = obj['id'];
  if (rawId !== undefined && (typeof rawId !== 'string' || rawId === '' || rawId.length > 200))
    throw new RecordError('id', 'id must be a non-empty string of at most 200 characters');
  const ex: Exchange = {
    id: rawId ?? exchangeId(baseName(ref.file ?? ''), ref.index, time, method, url),
    time,
    source: ref,
    client: {},
    request: {
      method,
      scheme: parts.scheme,
      host: parts.host,
      path: parts.path,
      query: parts.query,
      headers: headersFrom(req['headers'], 'request.headers'),
    },
  };
  if (parts.port !== undefined) ex.request.port = parts.port;
  const body = bodyFrom(req, 'request', cap);
  if (body !== undefined) ex.request.body = body;
  const hv = req['httpVersion'];
  if (hv !== undefined) {
    if (typeof hv !== 'string') throw new RecordError('request.httpVersion', 'httpVersion must be a string');
    ex.request.httpVersion = hv;
  }
  const res = obj['response'];
  if (res !== undefined && res !== null) {
    if (!isRec(res)) throw new RecordError('response', 'response must be an object');
    const status = res['status'];
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999)
      throw new RecordError('response.status', 'status must be an integer from 100 to 999');
    ex.response = { status, headers: headersFrom(res['headers'], 'response.headers') };
    const rb = bodyFrom(res, 'response', cap);
    if (rb !== undefined) ex.response.body = rb;
  }
  const client = obj['client'];
  if (client !== undefined && client !== null) {
    if (!isRec(client)) throw new RecordError('client', 'client must be an object');
    const address = client['address'];
    if (address !== undefined && typeof address !== 'string')
      throw new RecordError('client.address', 'address must be a string');
    if (address !== undefined && address !== '') ex.client.address = address;
  }
  const latency = obj['latencyMs'];
  if (latency !== undefined && latency !== null) {
    if (typeof latency !== 'number' || !(latency >= 0))
      throw new RecordError('latencyMs', 'latencyMs must be a non-negative number');
    ex.latencyMs = latency;
  }
  return ex;
}

function issueOf(e: RecordError, ref: ExchangeRef): InputIssue {
  // Line-oriented files are pointed at by line; records from elsewhere (ingest) by their index.
  const issue: InputIssue = { code: 'jsonl.record.invalid', message: e.message };
  if (ref.line !== undefined) issue.line = ref.line;
  else issue.index = ref.index;
  if (e.field !== '') issue.field = e.field;
  if (ref.file !== undefined) issue.file = ref.file;
  return issue;
}

/** One record of our JSONL format → Exchange (bodies cut at `bodyCap`), or the issue naming the bad field. */
export function exchangeFromRecord(
  obj: unknown,
  ref: ExchangeRef,
  bodyCap = DEFAULT_BODY_CAP,
): Exchange | InputIssue {
  try {
    return build(obj, ref, bodyCap);
  } catch (e) {
    if (e instanceof RecordError) return issueOf(e, ref);
    throw e;
  }
}

function bodyFields(out: Rec, body: ExchangeBody | undefined): void {
  if (body === undefined) return;
  out['body'] = body.text;
  out['bodySize'] = body.size;
  out['bodyTruncated'] = body.truncated;
  if (body.mimeType !== undefined) out['mimeType'] = body.mimeType;
}

/** The JSONL record of an exchange (docs/jsonl.md); `exchangeFromRecord` gives the same exchange back. */
export function exchangeToRecord(ex: Exchange): Record<string, unknown> {
  const r = ex.request;
  const request: Rec = { method: r.method, scheme: r.scheme, host: r.host };
  if (r.port !== undefined) request['port'] = r.port;
  request['path'] = r.path;
  request['query'] = r.query.map(([k, v]) => [k, v]);
  request['headers'] = { ...r.headers };
  if (r.httpVersion !== undefined) request['httpVersion'] = r.httpVersion;
  bodyFields(request, r.body);
  const rec: Rec = { id: ex.id, time: new Date(ex.time).toISOString() };
  const source: Rec = { kind: ex.source.kind, index: ex.source.index };
  if (ex.source.file !== undefined) source['file'] = ex.source.file;
  if (ex.source.line !== undefined) source['line'] = ex.source.line;
  rec['source'] = source;
  if (ex.client.address !== undefined) rec['client'] = { address: ex.client.address };
  rec['request'] = request;
  if (ex.response !== undefined) {
    const response: Rec = { status: ex.response.status, headers: { ...ex.response.headers } };
    bodyFields(response, ex.response.body);
    rec['response'] = response;
  }
  if (ex.latencyMs !== undefined) rec['latencyMs'] = ex.latencyMs;
  return rec;
}

/** Streams a JSONL exchange file; one issue per bad line, blank lines ignored. */
export async function* readJsonl(src: ByteSource, opts: ReadOptions): AsyncGenerator<Exchange> {
  const file = src.file;
  const cap = opts.bodyCap ?? DEFAULT_BODY_CAP;
  const progress = new ProgressTicker(src, opts.onProgress);
  let index = 0;
  try {
    for await (const batch of lineBatches(src.guardedChunks())) {
      for (let k = 0; k < batch.lines.length; k++) {
        const text = batch.lines[k];
        const line = batch.firstLine + k;
        if (text === undefined) {
          index++;
          opts.onIssue({ code: 'jsonl.line.too-long', message: 'line is too long; skipped', file, line });
          continue;
        }
        if (text.trim() === '') continue;
        const ref: ExchangeRef = { kind: 'jsonl', file, index: index++, line };
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch (err) {
          opts.onIssue({
            code: 'jsonl.line.invalid',
            message: `line is not valid JSON: ${(err as Error).message}`,
            file,
            line,
          });
          continue;
        }
        const r = exchangeFromRecord(obj, ref, cap);
        if ('code' in r) opts.onIssue(r);
        else yield r;
      }
      progress.tick();
    }
  } finally {
    src.close();
  }
  if (src.error !== undefined) opts.onIssue(readError(src));
  progress.done();
}
