// The inputs of one request that payload signatures read, each with where it came from and its name:
// the path, query names and values, headers (minus credentials and transport noise), cookies, JSON and
// form body keys and string values (walked with bounds), multipart parts (names, file names, text
// content), and other request bodies as text. Two more views, because attackers hide payloads there:
// a parameter or cookie *name* that is not a plain identifier is also read as a value (a form body
// `pay%3D%3Bdrop` arrives as the name `pay=;drop`), and a value that is valid base64 of printable text
// is read decoded as well (under the same name).

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
/** Header names every client sends: as names they carry nothing (their values are still read). */
const ORDINARY_HEADERS = new Set([
  ...SKIPPED_HEADERS,
  'user-agent',
  'referer',
  'origin',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'forwarded',
  'x-api-key',
  'x-requested-with',
]);
const MAX_DEPTH = 16;
const MAX_BODY_VALUES = 1000;
const MAX_TEXT_BODY = 16384;
/** Names made only of these are read as names only (signatures that care, such as PHP function or Java
 * class names, look at query names and JSON keys too); any other name is also read as a value. */
const PLAIN_NAME_RE = /^[\w\-[\]$]*$/;
/** base64 (standard or URL alphabet) long enough to hide a payload. */
const BASE64_RE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const MAX_BASE64 = 8192;
const MAX_PART_TEXT = 16384;
/** A form body: one escaped token (`%27or`, `a+b`), or a leading `name=` (which any `a=1&b=2` has).
 * Each alternative reads the text once: no quantified part can also match what follows it. */
const FORM_LIKE = /^[^\s=&%+]*[%+][^\s=&]*$|^[\w.%[\]$-]{1,128}=/;

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
    if (!opts.skipFields?.(path)) pushValue(out, 'json-value', path, value);
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
    pushOddName(out, 'json-value', p, key);
    walk((value as Record<string, unknown>)[key], p, depth + 1, out, opts, budget);
  }
}

/**
 * The text a base64 value stands for, when it is printable text (a payload), else undefined: ids,
 * hashes and binary tokens decode to bytes and are left alone.
 */
export function base64Text(raw: string): string | undefined {
  if (raw.length > MAX_BASE64 || !BASE64_RE.test(raw)) return undefined;
  // Plain words and hex ids fit the alphabet too: real base64 mixes cases or digits with letters.
  if (!/[A-Z]/.test(raw) || !/[a-z0-9]/.test(raw)) return undefined;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length < 8) return undefined;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return printable === bytes.length ? bytes.toString('latin1') : undefined;
}

function pushValue(out: Input[], location: Input['location'], name: string, raw: string): void {
  out.push({ location, name, raw });
  if (raw.length >= 16) {
    const decoded = base64Text(raw);
    if (decoded !== undefined) out.push({ location, name, raw: decoded });
  }
}

/** A name that is not an identifier is read as a value too; `a=b` smuggled into a name, its tail too. */
function pushOddName(out: Input[], location: Input['location'], name: string, raw: string): void {
  if (PLAIN_NAME_RE.test(raw)) return;
  out.push({ location, name, raw });
  const eq = raw.indexOf('=');
  if (eq >= 0 && eq < raw.length - 1) out.push({ location, name, raw: raw.slice(eq + 1) });
}

interface Part {
  name: string;
  filename?: string;
  text?: string;
}

/** The parts of a multipart/form-data body (boundary from its first line): names, file names, and
 * the content of parts that are text. */
export function multipartParts(text: string): Part[] | undefined {
  const eol = text.indexOf('\n');
  if (!text.startsWith('--') || eol < 3) return undefined;
  const delimiter = text.slice(0, eol).replace(/\r$/, '');
  const parts: Part[] = [];
  for (const chunk of text.split(delimiter).slice(1)) {
    if (chunk.startsWith('--')) break;
    const split = chunk.search(/\r?\n\r?\n/);
    const head = split < 0 ? chunk : chunk.slice(0, split);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0];
    if (disposition === undefined) continue;
    const name = /;\s*name="([^"]*)"|;\s*name=([^;\s]*)/i.exec(disposition);
    const file = /;\s*filename\*?="([^"]*)"|;\s*filename\*?=([^;\s]*)/i.exec(disposition);
    const part: Part = { name: name ? (name[1] ?? name[2] ?? '') : '' };
    if (file) part.filename = file[1] ?? file[2] ?? '';
    if (split >= 0) {
      const body = chunk
        .slice(split)
        .replace(/^\r?\n\r?\n/, '')
        .replace(/\r?\n$/, '');
      if (!body.includes('\u0000'))
        part.text = body.length > MAX_PART_TEXT ? body.slice(0, MAX_PART_TEXT) : body;
    }
    parts.push(part);
  }
  return parts.length > 0 ? parts : undefined;
}

/** Headers whose values only protocol signatures read (conflicting Connection tokens, Accept charsets). */
const PROTOCOL_HEADERS = new Set(['connection', 'accept']);

/** What the request body is, for protocol signatures: none, json, form, multipart, binary or text. */
function bodyShape(ex: Exchange, parsedRequest: unknown, multipart: boolean): string {
  const body = ex.request.body;
  if (body === undefined || (body.text.length === 0 && body.size === 0)) return 'none';
  if (multipart) return 'multipart';
  if (body.text.length === 0) return 'binary';
  if (parsedRequest !== undefined)
    return body.mimeType === 'application/x-www-form-urlencoded' ? 'form' : 'json';
  return FORM_LIKE.test(body.text) ? 'form' : 'text';
}

export function requestInputs(ex: Exchange, parsedRequest: unknown, opts: InputOptions = {}): Input[] {
  const req = ex.request;
  const out: Input[] = [
    { location: 'path', name: 'path', raw: req.path },
    { location: 'method', name: 'method', raw: req.method },
  ];
  for (const [name, value] of req.query) {
    out.push({ location: 'query-name', name, raw: name });
    pushOddName(out, 'query', name, name);
    pushValue(out, 'query', name, value);
  }
  for (const name of Object.keys(req.headers)) {
    if (!ORDINARY_HEADERS.has(name)) out.push({ location: 'header-name', name, raw: name });
    if (name === 'content-type') out.push({ location: 'content-type', name, raw: req.headers[name]! });
    if (PROTOCOL_HEADERS.has(name) || req.headers[name] === '')
      out.push({ location: 'protocol-header', name, raw: req.headers[name]! });
    if (SKIPPED_HEADERS.has(name) || name.startsWith('sec-')) continue;
    pushValue(out, 'header', name, req.headers[name]!);
  }
  const cookie = req.headers['cookie'];
  if (cookie)
    for (const [name, value] of parseCookieHeader(cookie)) {
      pushOddName(out, 'cookie', name, name);
      pushValue(out, 'cookie', name, value);
    }
  const body = req.body?.text ?? '';
  const parts =
    body.startsWith('--') &&
    (req.body?.mimeType === 'multipart/form-data' || /^content-disposition:/im.test(body.slice(0, 1024)))
      ? multipartParts(body)
      : undefined;
  const shape = bodyShape(ex, parsedRequest, parts !== undefined);
  out.push({
    location: 'request-shape',
    name: 'request',
    raw: `${req.method} ${req.body?.mimeType ?? '-'} ${shape} ${req.httpVersion ?? '-'}`,
  });
  if (shape === 'form' && body.length <= MAX_TEXT_BODY)
    out.push({ location: 'body-raw', name: 'body', raw: body });
  if (parts !== undefined) {
    for (const part of parts.slice(0, MAX_BODY_VALUES)) {
      const path = `$.${part.name}`;
      out.push({ location: 'json-key', name: path, raw: part.name });
      out.push({ location: 'part-name', name: path, raw: part.name });
      pushOddName(out, 'json-value', path, part.name);
      if (part.filename !== undefined)
        out.push({ location: 'json-value', name: `${path}#filename`, raw: part.filename });
      if (part.text !== undefined && !opts.skipFields?.(path)) pushValue(out, 'json-value', path, part.text);
    }
  } else if (parsedRequest !== undefined) walk(parsedRequest, '$', 0, out, opts, { n: MAX_BODY_VALUES });
  else if (req.body && req.body.text.length <= MAX_TEXT_BODY && FORM_LIKE.test(req.body.text)) {
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
