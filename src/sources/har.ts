// HAR 1.2 → Exchange. `readHar` streams a file (plain or gzip) through HarScanner so memory stays
// bounded by the largest entry; `exchangesFromHar` converts a HAR already in memory. Both use the same
// per-entry conversion, which reads only the fields it needs and never re-serialises JSON.

import type { Exchange, ExchangeBody, ExchangeResponse, Headers, InputIssue } from '../model/index.js';
import { type ByteSource, ProgressTicker } from './byte-source.js';
import { baseName, DEFAULT_BODY_CAP, exchangeId, makeBody, mediaType, normaliseMethod } from './common.js';
import { HarScanner, MAX_ENTRY_BYTES, TOO_LARGE } from './har-scan.js';
import type { ReadOptions } from './types.js';
import { parseUrl } from './url.js';

interface EntryContext {
  file: string | undefined;
  fileBase: string;
  bodyCap: number;
}

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(ctx: EntryContext, index: number, field: string, message: string): InputIssue {
  const issue: InputIssue = { code: 'har.entry.invalid', message, index, field };
  if (ctx.file !== undefined) issue.file = ctx.file;
  return issue;
}

/**
 * HAR name/value header list → lower-cased map. HTTP/2 pseudo-headers (`:authority`, `:path` …, which
 * Chrome lists among request headers) are not headers and are dropped.
 */
function headersOf(list: unknown): Headers {
  const headers: Headers = {};
  if (!Array.isArray(list)) return headers;
  // Hot path (every header of every entry): indexed loop, addHeader inlined.
  for (let i = 0; i < list.length; i++) {
    const h: unknown = list[i];
    if (typeof h !== 'object' || h === null) continue;
    const name = (h as Rec)['name'];
    if (typeof name !== 'string' || name.length === 0 || name.charCodeAt(0) === 0x3a) continue;
    const value = (h as Rec)['value'];
    const v = typeof value === 'string' ? value : value == null ? '' : String(value);
    const key = name.toLowerCase();
    const prev = headers[key];
    headers[key] = prev === undefined ? v : prev + (key === 'set-cookie' ? '\n' : ', ') + v;
  }
  return headers;
}

/** Some exporters strip Cookie/Set-Cookie headers but keep HAR's parsed `cookies`: rebuild the header. */
function cookiesInto(headers: Headers, cookies: unknown, response: boolean): void {
  if (!Array.isArray(cookies) || cookies.length === 0) return;
  if (headers[response ? 'set-cookie' : 'cookie'] !== undefined) return;
  const parts: string[] = [];
  for (const c of cookies) {
    if (!isRec(c) || typeof c['name'] !== 'string') continue;
    const value = typeof c['value'] === 'string' ? c['value'] : '';
    parts.push(`${c['name']}=${value}`);
  }
  if (parts.length === 0) return;
  if (response) headers['set-cookie'] = parts.join('\n');
  else headers['cookie'] = parts.join('; ');
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Request body from postData: its text, or its params re-encoded as a form when there is no text. */
function requestBody(postData: unknown, bodySize: number | undefined, cap: number): ExchangeBody | undefined {
  if (!isRec(postData)) return undefined;
  const mime = mediaType(typeof postData['mimeType'] === 'string' ? postData['mimeType'] : undefined);
  let text = postData['text'];
  if (typeof text !== 'string' || text === '') {
    const params = postData['params'];
    if (Array.isArray(params) && params.length > 0) {
      const parts: string[] = [];
      for (const p of params) {
        if (!isRec(p) || typeof p['name'] !== 'string') continue;
        const v = typeof p['value'] === 'string' ? p['value'] : '';
        parts.push(`${encodeURIComponent(p['name'])}=${encodeURIComponent(v)}`);
      }
      text = parts.join('&');
    } else text = '';
  }
  const base64 = postData['encoding'] === 'base64';
  if (text === '' && (bodySize === undefined || bodySize <= 0) && mime === undefined) return undefined;
  return makeBody(text as string, base64, bodySize, mime, cap);
}

function responseBody(content: unknown, bodySize: number | undefined, cap: number): ExchangeBody | undefined {
  if (!isRec(content)) return undefined;
  const mime = mediaType(typeof content['mimeType'] === 'string' ? content['mimeType'] : undefined);
  const text = typeof content['text'] === 'string' ? content['text'] : '';
  // content.size is the decoded size; bodySize is what crossed the wire (maybe compressed): prefer the former.
  const size = num(content['size']) ?? bodySize;
  if (text === '' && (size === undefined || size <= 0) && mime === undefined) return undefined;
  return makeBody(text, content['encoding'] === 'base64', size, mime, cap);
}

/** Vendor fields some recorders add for the client side of the connection (HAR 1.2 has none). */
function clientAddressOf(entry: Rec): string | undefined {
  const v = entry['_clientAddress'] ?? entry['_clientIPAddress'] ?? entry['clientIPAddress'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** One HAR entry → Exchange, or the issue that says which field made it unusable. */
export function exchangeFromHarEntry(
  entry: unknown,
  index: number,
  ctx: EntryContext,
): Exchange | InputIssue {
  if (!isRec(entry)) return bad(ctx, index, '', 'entry is not an object');
  const req = entry['request'];
  if (!isRec(req)) return bad(ctx, index, 'request', 'entry has no request object');
  const method = normaliseMethod(req['method']);
  if (method === undefined) return bad(ctx, index, 'request.method', 'missing or invalid HTTP method');
  const url = req['url'];
  if (typeof url !== 'string' || url === '') return bad(ctx, index, 'request.url', 'missing request URL');
  const u = parseUrl(url);
  if (typeof u === 'string') return bad(ctx, index, 'request.url', `unusable request URL: ${u}`);
  const started = entry['startedDateTime'];
  const time = typeof started === 'string' ? Date.parse(started) : Number.NaN;
  if (Number.isNaN(time))
    return bad(ctx, index, 'startedDateTime', 'missing or invalid startedDateTime (ISO 8601 expected)');

  const headers = headersOf(req['headers']);
  cookiesInto(headers, req['cookies'], false);
  const ex: Exchange = {
    id: exchangeId(ctx.fileBase, index, started as string, method, url),
    time,
    source: ctx.file === undefined ? { kind: 'har', index } : { kind: 'har', file: ctx.file, index },
    client: {},
    request: {
      method,
      scheme: u.scheme,
      host: u.host,
      path: u.path,
      query: u.query,
      headers,
    },
  };
  if (u.port !== undefined) ex.request.port = u.port;
  const body = requestBody(req['postData'], num(req['bodySize']), ctx.bodyCap);
  if (body !== undefined) ex.request.body = body;
  if (typeof req['httpVersion'] === 'string' && req['httpVersion'] !== '')
    ex.request.httpVersion = req['httpVersion'];

  const res = entry['response'];
  if (isRec(res)) {
    // Some exporters write the status as a string ("200").
    const raw = res['status'];
    const status = typeof raw === 'string' && raw !== '' ? Number(raw) : num(raw);
    if (status !== undefined && Number.isInteger(status) && status > 0) {
      const rh = headersOf(res['headers']);
      cookiesInto(rh, res['cookies'], true);
      const response: ExchangeResponse = { status, headers: rh };
      const rb = responseBody(res['content'], num(res['bodySize']), ctx.bodyCap);
      if (rb !== undefined) response.body = rb;
      ex.response = response;
    }
  }
  const latency = num(entry['time']);
  if (latency !== undefined && latency >= 0) ex.latencyMs = latency;
  const client = clientAddressOf(entry);
  if (client !== undefined) ex.client.address = client;
  return ex;
}

function isIssue(v: Exchange | InputIssue): v is InputIssue {
  return (v as InputIssue).code !== undefined;
}

/** Converts a HAR document already in memory; bad entries go to `onIssue` and are skipped. */
export function exchangesFromHar(
  doc: unknown,
  opts: { file?: string; onIssue: (i: InputIssue) => void; bodyCap?: number },
): Exchange[] {
  const ctx: EntryContext = {
    file: opts.file,
    fileBase: opts.file === undefined ? '' : baseName(opts.file),
    bodyCap: opts.bodyCap ?? DEFAULT_BODY_CAP,
  };
  const log = isRec(doc) ? doc['log'] : undefined;
  const entries = isRec(log) ? log['entries'] : undefined;
  if (!Array.isArray(entries)) {
    const issue: InputIssue = {
      code: 'har.invalid',
      message: 'not a HAR document: no log.entries array',
      fatal: true,
    };
    if (opts.file !== undefined) issue.file = opts.file;
    opts.onIssue(issue);
    return [];
  }
  const out: Exchange[] = [];
  for (let i = 0; i < entries.length; i++) {
    const r = exchangeFromHarEntry(entries[i], i, ctx);
    if (isIssue(r)) opts.onIssue(r);
    else out.push(r);
  }
  return out;
}

/** Streams the exchanges of a HAR file; `src` is consumed and closed. */
export async function* readHar(src: ByteSource, opts: ReadOptions): AsyncGenerator<Exchange> {
  const file = src.file;
  const ctx: EntryContext = { file, fileBase: baseName(file), bodyCap: opts.bodyCap ?? DEFAULT_BODY_CAP };
  const scanner = new HarScanner();
  const progress = new ProgressTicker(src, opts.onProgress);
  let index = 0;
  try {
    // A read or gunzip error ends the loop: everything before it is used and it is reported with the cut.
    for await (const chunk of src.guardedChunks()) {
      scanner.push(chunk);
      const items = scanner.out;
      if (items.length > 0) {
        scanner.out = [];
        for (let k = 0; k < items.length; k++) {
          const i = index++;
          const item = items[k]!;
          if (typeof item === 'number') {
            opts.onIssue(
              item === TOO_LARGE
                ? {
                    code: 'har.entry.too-large',
                    message: `entry is larger than ${MAX_ENTRY_BYTES / 1048576} MiB even with its strings cut; skipped to keep memory bounded`,
                    file,
                    index: i,
                  }
                : { code: 'har.entry.invalid', message: 'entry is not a JSON object', file, index: i },
            );
            continue;
          }
          // The scanner's fast path hands over parsed entries; its byte path hands over their text.
          let entry: unknown = item;
          if (typeof item === 'string') {
            try {
              entry = JSON.parse(item);
            } catch (err) {
              opts.onIssue({
                code: 'har.entry.invalid',
                message: `entry is not valid JSON: ${(err as Error).message}`,
                file,
                index: i,
              });
              continue;
            }
          }
          const r = exchangeFromHarEntry(entry, i, ctx);
          if (isIssue(r)) opts.onIssue(r);
          else yield r;
        }
      }
      if (scanner.failure !== undefined) break;
      progress.tick();
    }
  } finally {
    src.close();
  }
  const streamError = src.error;
  const end = scanner.finish();
  if (end.kind === 'not-har') {
    opts.onIssue({
      code: 'har.invalid',
      message: `not a HAR file: ${end.reason}`,
      file,
      fatal: true,
      ...(streamError === undefined ? {} : { hint: streamError }),
    });
  } else if (end.kind === 'truncated') {
    opts.onIssue({
      code: 'har.truncated',
      message: end.inEntry
        ? `file is truncated inside entry ${end.index}; the ${end.index} entries before it were read`
        : `file is truncated after ${end.index} complete entries; all of them were read`,
      file,
      index: end.index,
      ...(streamError === undefined ? {} : { hint: streamError }),
    });
  } else if (streamError !== undefined) {
    opts.onIssue({ code: 'source.read', message: `read error after the last entry: ${streamError}`, file });
  }
  progress.done();
}
