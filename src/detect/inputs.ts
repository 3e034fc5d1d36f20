// The inputs of one request that payload signatures read, each with where it came from and its name:
// the path, query names and values, headers (minus credentials and transport noise), cookies, JSON and
// form body keys and string values (walked with bounds), and other request bodies as text.

import { parseCookieHeader } from '../identity/index.js';
import type { Exchange } from '../model/index.js';
import type { Input } from './signatures/matcher.js';

/** Headers that carry credentials (the auth scheme, not a payload) or only transport facts. */
const SKIPPED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'connection',
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'upgrade-insecure-requests',
  'te',
  'priority',
  'if-none-match',
  'if-modified-since',
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-amzn-trace-id',
  'content-encoding',
  'transfer-encoding',
  'keep-alive',
  'dnt',
]);
const MAX_DEPTH = 16;
const MAX_BODY_VALUES = 1000;
const MAX_TEXT_BODY = 16384;
const FORM_LIKE =
  /^[^\s=&]*[%+][^\s=&]*$|^[\w.%[\]$-]{1,128}=[^\s]*(?:&[\w.%[\]$-]{1,128}=[^\s]*)*$|^[\w.%[\]$-]{1,128}=/;

export interface InputOptions {
  /** JSON paths not to read (LLM prompt text is judged by the prompt signatures instead). */
  skipFields?: (path: string) => boolean;
}

function walk(
  value: unknown,
  path: string,
  depth: number,
  out: Input[],
  opts: InputOptions,
  budget: { n: number },
) {
  if (budget.n <= 0 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    budget.n--;
    if (!opts.skipFields?.(path)) out.push({ location: 'json-value', name: path, raw: value });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const p = `${path}[]`;
    for (const item of value) {
      if (budget.n <= 0) return;
      walk(item, p, depth + 1, out, opts, budget);
    }
    return;
  }
  for (const key of Object.keys(value)) {
    if (budget.n <= 0) return;
    budget.n--;
    const p = `${path}.${key}`;
    out.push({ location: 'json-key', name: p, raw: key });
    walk((value as Record<string, unknown>)[key], p, depth + 1, out, opts, budget);
  }
}

export function requestInputs(ex: Exchange, parsedRequest: unknown, opts: InputOptions = {}): Input[] {
  const req = ex.request;
  const out: Input[] = [{ location: 'path', name: 'path', raw: req.path }];
  for (const [name, value] of req.query) {
    out.push({ location: 'query-name', name, raw: name });
    out.push({ location: 'query', name, raw: value });
  }
  for (const name of Object.keys(req.headers)) {
    if (SKIPPED_HEADERS.has(name) || name.startsWith('sec-')) continue;
    out.push({ location: 'header', name, raw: req.headers[name]! });
  }
  const cookie = req.headers['cookie'];
  if (cookie)
    for (const [name, value] of parseCookieHeader(cookie)) out.push({ location: 'cookie', name, raw: value });
  if (parsedRequest !== undefined) walk(parsedRequest, '$', 0, out, opts, { n: MAX_BODY_VALUES });
  else if (req.body && FORM_LIKE.test(req.body.text) && req.body.text.length <= MAX_TEXT_BODY) {
    // A form body sent without its media type (common with scripts and older clients): read it as
    // the server's form parser would, field by field.
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(req.body.text)) form[k] = k in form ? `${form[k]}&${v}` : v;
    walk(form, '$', 0, out, opts, { n: MAX_BODY_VALUES });
  } else if (req.body && req.body.text.length > 0)
    out.push({
      location: 'body',
      name: 'body',
      raw: req.body.text.length > MAX_TEXT_BODY ? req.body.text.slice(0, MAX_TEXT_BODY) : req.body.text,
    });
  return out;
}
