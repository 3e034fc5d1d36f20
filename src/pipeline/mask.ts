// Masking at rest: the copy of an exchange the platform keeps for hunting and forensics. Every value the
// classifier recognises (query, headers, cookies, path segments, JSON and form bodies, tokens inside
// other text) is replaced by its masked form; credentials (Authorization, cookies, API-key headers,
// secret-named fields) are dropped and only a keyed hash reference is kept, so hunting can still
// correlate "the same key" without holding it. Bodies are capped. Pure function, no I/O.

import { createHmac } from 'node:crypto';
import type { Exchange, ExchangeBody, Headers } from '../model/index.js';
import { bodyKind, type Classifier, maskValue } from '../sensitive/index.js';

/** What to do with a value of a sensitive type: show it masked (default), keep only a hash, or keep it raw. */
export type MaskAction = 'mask' | 'hash' | 'keep';

export interface MaskOptions {
  /** Per sensitive type (`EMAIL`, `CREDIT_CARD` …) override of the default `mask`. */
  types?: Record<string, MaskAction>;
  /** Body characters kept per message (default 16 KiB). */
  bodyCap?: number;
  /** Key of the HMAC behind credential references (an installation secret); empty = plain SHA-256. */
  hashKey?: string;
}

const CREDENTIAL_HEADER =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token|x-amz-security-token|x-[a-z0-9-]*-(?:token|key|secret))$/;
const SECRET_NAME =
  /pass(?:word|wd)?|secret|token|api[-_]?key|^pin$|cvv|cvc|otp|credential|^auth|signature|session/i;
/** Candidate values inside free text: runs without separators (emails, cards with dashes, keys). */
const TEXT_TOKEN = /[^\s"'<>{}[\]()=&,;|]+(?: [0-9]{4}){0,3}/g;
const MAX_DEPTH = 64;
/** `"key": "value"` pairs in JSON text that did not parse (cut at the cap): keyed so secrets are found by name. */
const KEYED = /"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)(?:"|$)/g;
/** `name=value` pairs in other text (a form body without its media type, a log line). */
const FORM_PAIR = /(^|[&?\s])([\w.[\]-]{1,64})=([^&\s]*)/g;

export const DEFAULT_BODY_CAP = 16 * 1024;

/**
 * References already worked out: a credential repeats on every call of its session or client, and an
 * HMAC costs ≈ 3 µs (≈ 10 % of masking an exchange of the demo traffic). Bounded; emptied when full.
 */
const refs = new Map<string, string>();
const MAX_REFS = 8192;

export function credentialRef(value: string, key = ''): string {
  const k = `${key}\u0000${value}`;
  let ref = refs.get(k);
  if (ref === undefined) {
    const h = key ? createHmac('sha256', key).update(value) : createHmac('sha256', 'mamori').update(value);
    ref = `[ref:${h.digest('hex').slice(0, 16)}]`;
    if (refs.size >= MAX_REFS) refs.clear();
    refs.set(k, ref);
  }
  return ref;
}

/** A copy of `ex` safe to store: sensitive values masked, credentials replaced by references, bodies capped. */
export function maskExchange(ex: Exchange, classifier: Classifier, opts: MaskOptions = {}): Exchange {
  const cap = opts.bodyCap ?? DEFAULT_BODY_CAP;
  const key = opts.hashKey ?? '';
  const ref = (v: string) => credentialRef(v, key);
  const value = (v: string, field?: string): string => {
    if (v === '') return v;
    if (field && SECRET_NAME.test(field)) return ref(v);
    const type = classifier.classifyValue(v, field);
    if (!type) return v;
    const action = opts.types?.[type] ?? 'mask';
    if (action === 'keep') return v;
    if (action === 'hash') return ref(v);
    return maskValue(type, v);
  };
  // Keyed pairs first (a secret is found by its name), then every other token by its shape; the
  // references the first passes wrote are left alone.
  const text = (t: string): string =>
    t
      .replace(KEYED, (_m, k: string, v: string) => `"${k}":"${value(v, k)}"`)
      .replace(FORM_PAIR, (_m, sep: string, k: string, v: string) => `${sep}${k}=${value(v, k)}`)
      .replace(TEXT_TOKEN, (tok) => (tok.startsWith('[ref:') ? tok : value(tok)));

  const req = ex.request;
  const out: Exchange = {
    ...ex,
    client: { ...ex.client },
    request: {
      ...req,
      path: req.path
        .split('/')
        .map((seg, i) => (seg ? encodeSegment(value(decodeSafe(seg), `path.${i}`), seg) : seg))
        .join('/'),
      query: req.query.map(([n, v]): [string, string] => [n, value(v, `query.${n}`)]),
      headers: maskHeaders(req.headers, value, ref),
    },
  };
  const reqBody = maskBody(req.body, cap, value, text);
  if (reqBody) out.request.body = reqBody;
  else delete out.request.body;
  if (ex.response) {
    out.response = { ...ex.response, headers: maskHeaders(ex.response.headers, value, ref) };
    const resBody = maskBody(ex.response.body, cap, value, text);
    if (resBody) out.response.body = resBody;
    else delete out.response.body;
  }
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function encodeSegment(masked: string, original: string): string {
  return masked === decodeSafe(original) ? original : encodeURIComponent(masked);
}

function maskHeaders(
  headers: Headers,
  value: (v: string, field?: string) => string,
  ref: (v: string) => string,
): Headers {
  const out: Headers = {};
  for (const [name, v] of Object.entries(headers)) {
    if (name === 'cookie') out[name] = maskCookies(v, '; ', ref);
    else if (name === 'set-cookie')
      out[name] = v
        .split('\n')
        .map((line) => {
          const semi = line.indexOf(';');
          const pair = semi < 0 ? line : line.slice(0, semi);
          return maskCookies(pair, '; ', ref) + (semi < 0 ? '' : line.slice(semi));
        })
        .join('\n');
    else if (CREDENTIAL_HEADER.test(name)) out[name] = credentialHeader(v, ref);
    else out[name] = value(v, `header.${name}`);
  }
  return out;
}

/** `Bearer abc` → `Bearer [ref:…]`: the scheme stays visible, the credential does not. */
function credentialHeader(v: string, ref: (v: string) => string): string {
  const m = /^([A-Za-z][A-Za-z0-9-]*) +(\S.*)$/.exec(v);
  return m ? `${m[1]} ${ref(m[2] as string)}` : ref(v);
}

function maskCookies(header: string, sep: string, ref: (v: string) => string): string {
  return header
    .split(/;\s*/)
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? ref(pair) : `${pair.slice(0, eq)}=${ref(pair.slice(eq + 1))}`;
    })
    .join(sep);
}

function maskBody(
  body: ExchangeBody | undefined,
  cap: number,
  value: (v: string, field?: string) => string,
  text: (t: string) => string,
): ExchangeBody | undefined {
  if (!body) return undefined;
  let masked: string | undefined;
  const kind = bodyKind(body);
  if (kind === 'json') {
    try {
      masked = JSON.stringify(maskJson(JSON.parse(body.text), value, '', 0));
    } catch {
      masked = undefined; // truncated or invalid JSON: the token pass below still masks what it can see
    }
  } else if (kind === 'form') {
    const params = new URLSearchParams(body.text);
    const next = new URLSearchParams();
    for (const [n, v] of params) next.append(n, value(v, `form.${n}`));
    masked = next.toString();
  }
  masked ??= text(body.text);
  const truncated = body.truncated || masked.length > cap;
  const out: ExchangeBody = {
    text: masked.length > cap ? masked.slice(0, cap) : masked,
    size: body.size,
    truncated,
  };
  if (body.mimeType) out.mimeType = body.mimeType;
  return out;
}

function maskJson(
  node: unknown,
  value: (v: string, field?: string) => string,
  key: string,
  depth: number,
): unknown {
  if (depth > MAX_DEPTH) return '[depth]';
  if (typeof node === 'string') {
    const v = value(node, key || undefined);
    // JSON serialised inside a string: mask inside it too.
    if (v === node && (node.startsWith('{') || node.startsWith('['))) {
      try {
        return JSON.stringify(maskJson(JSON.parse(node), value, key, depth + 1));
      } catch {
        return v;
      }
    }
    return v;
  }
  if (typeof node === 'number' || typeof node === 'bigint') {
    const s = String(node);
    const v = value(s, key || undefined);
    return v === s ? node : v;
  }
  if (Array.isArray(node)) return node.map((n) => maskJson(n, value, key, depth + 1));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = maskJson(v, value, k, depth + 1);
    return out;
  }
  return node;
}
