// Small pieces every traffic source shares: deterministic exchange ids, the body cap, text-vs-binary,
// media types, header joining. Kept free of per-call allocation where the HAR hot path uses them.

import type { ExchangeBody, Headers } from '../model/index.js';

export const DEFAULT_BODY_CAP = 65536;

/**
 * 16 hex chars (64 bits) identifying a record in its file; the same input always gives the same id.
 * A two-lane multiplicative hash (cyrb53's mixing, both lanes kept) fed part by part, rather than sha1:
 * it runs once per exchange, and createHash plus the joined string cost 1–7 µs per call here, a visible
 * share of reading a 1 GB HAR. Ids are references, not integrity checks.
 */
export function exchangeId(
  fileBase: string,
  index: number,
  time: string | number,
  method: string,
  url: string,
): string {
  lane1 = 0xdeadbeef;
  lane2 = 0x41c6ce57;
  feed(fileBase);
  feed(String(index));
  feed(typeof time === 'string' ? time : String(time));
  feed(method);
  feed(url);
  let h1 = lane1;
  let h2 = lane2;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex32(h2) + hex32(h1);
}

let lane1 = 0;
let lane2 = 0;

/** Mixes one part and a separator into the hash lanes (no joined string is built). */
function feed(s: string): void {
  let h1 = lane1;
  let h2 = lane2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  lane1 = Math.imul(h1 ^ 10, 2654435761);
  lane2 = Math.imul(h2 ^ 10, 1597334677);
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function hex32(h: number): string {
  return HEX[h >>> 24]! + HEX[(h >>> 16) & 255]! + HEX[(h >>> 8) & 255]! + HEX[h & 255]!;
}

/** `Application/JSON; charset=utf-8` → `application/json`; empty → undefined. */
export function mediaType(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const semi = raw.indexOf(';');
  const t = (semi >= 0 ? raw.slice(0, semi) : raw).trim().toLowerCase();
  return t === '' ? undefined : t;
}

/** Media types whose bytes are text we keep; everything else is binary and kept as "". */
export function isTextual(mime: string | undefined): boolean {
  if (mime === undefined) return true; // decided from the bytes by the caller
  if (mime.startsWith('text/')) return true;
  if (mime.endsWith('+json') || mime.endsWith('+xml') || mime.endsWith('+yaml')) return true;
  switch (mime) {
    case 'application/json':
    case 'application/x-www-form-urlencoded':
    case 'application/xml':
    case 'application/javascript':
    case 'application/ecmascript':
    case 'application/x-javascript':
    case 'application/graphql':
    case 'application/x-ndjson':
    case 'application/jsonl':
    case 'application/yaml':
    case 'application/x-yaml':
    case 'application/soap+xml':
    case 'application/csv':
    case 'multipart/form-data':
      return true;
    default:
      return mime.includes('json') || mime.includes('xml');
  }
}

/** Bytes that look binary: a NUL in the first KiB (what `file` and git use). */
function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 1024);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

/** Cuts `text` so that its UTF-8 encoding is at most `cap` bytes, never splitting a character. */
function cutUtf8(text: string, cap: number): string {
  const buf = Buffer.from(text.length > cap ? text.slice(0, cap) : text, 'utf8');
  if (buf.length <= cap) return buf.toString('utf8');
  let end = cap;
  // Step back over continuation bytes (10xxxxxx) to the start of the character the cap falls in.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

/**
 * The Exchange body for source text. `declaredSize` is the source's own figure of the body size
 * (HAR bodySize/content.size), negative or undefined when unknown. `base64` decodes first.
 */
export function makeBody(
  text: string,
  base64: boolean,
  declaredSize: number | undefined,
  mime: string | undefined,
  cap: number,
): ExchangeBody {
  let out: string;
  let bytes: number;
  let truncated = false;
  if (base64) {
    const buf = Buffer.from(text, 'base64');
    bytes = buf.length;
    if (!isTextual(mime) || (mime === undefined && looksBinary(buf))) out = '';
    else if (bytes > cap) {
      let end = cap;
      while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
      out = buf.toString('utf8', 0, end);
      truncated = true;
    } else out = buf.toString('utf8');
  } else {
    bytes = Buffer.byteLength(text);
    if (bytes > cap) {
      out = cutUtf8(text, cap);
      truncated = true;
    } else out = text;
    if (!isTextual(mime)) out = '';
  }
  let size = bytes;
  if (declaredSize !== undefined && declaredSize > bytes) {
    // Only the source knew the full size: the text it gave us was already cut.
    truncated = true;
    size = declaredSize;
  }
  const body: ExchangeBody = { text: out, size, truncated };
  if (mime !== undefined) body.mimeType = mime;
  return body;
}

/** Adds one header to a lower-cased header map, joining repeats (set-cookie with "\n", others ", "). */
export function addHeader(headers: Headers, name: string, value: string): void {
  const prev = headers[name];
  if (prev === undefined) headers[name] = value;
  else headers[name] = `${prev}${name === 'set-cookie' ? '\n' : ', '}${value}`;
}

/** `/a/b/c.har` → `c.har` (ids use the base name so that moving a file keeps its ids). */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COMMON_METHODS = new Set([
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** Upper-cased method, or undefined when it is not an HTTP token. */
export function normaliseMethod(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (COMMON_METHODS.has(raw)) return raw;
  if (raw.length === 0 || raw.length > 32 || !HTTP_TOKEN.test(raw)) return undefined;
  return raw.toUpperCase();
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const CLF_TIME =
  /^(\d{1,2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})$/;

/** Common Log Format time `10/Oct/2000:13:55:36 -0700` → epoch ms, NaN when malformed. */
export function parseClfTime(s: string): number {
  const m = CLF_TIME.exec(s);
  if (m === null) return Number.NaN;
  const month = MONTHS[m[2]!];
  if (month === undefined) return Number.NaN;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const offset = (Number(m[9]) * 60 + Number(m[10])) * 60_000 * (m[8] === '-' ? -1 : 1);
  return utc + ms - offset;
}

/**
 * A time field of a structured log: ISO 8601 string, CLF string, or a number of epoch seconds or
 * milliseconds (told apart by magnitude: below 1e11 is seconds, i.e. before 5138 AD). NaN when unusable.
 */
export function parseTimeValue(v: unknown): number {
  if (typeof v === 'number')
    return Number.isFinite(v) ? (v < 1e11 ? Math.round(v * 1000) : Math.round(v)) : Number.NaN;
  if (typeof v !== 'string' || v === '') return Number.NaN;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57 && v.length <= 20 && /^\d+(?:\.\d+)?$/.test(v)) return parseTimeValue(Number(v));
  const iso = Date.parse(v);
  if (!Number.isNaN(iso)) return iso;
  return parseClfTime(v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v);
}

/** Strips a `:port` from `1.2.3.4:5678` / `[::1]:5678`; keeps bare IPv6 addresses whole. */
export function addressWithoutPort(s: string): string {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    return close > 0 ? s.slice(1, close) : s;
  }
  const colon = s.indexOf(':');
  if (colon >= 0 && colon === s.lastIndexOf(':')) return s.slice(0, colon);
  return s;
}
