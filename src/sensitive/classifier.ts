// The sensitive-data classifier: the catalogue compiled once into dispatch tables (by a value's
// first character, length bounds, a required substring) and per-field-name hint lists (memoised),
// so that the common case — a short ordinary string under an ordinary name — costs a map lookup
// and a couple of comparisons. scanExchange walks every place a value can travel in an exchange.

import {
  type Credential,
  credentialsOf,
  isCredentialCookieName,
  parseCookieHeader,
  parseSetCookieHeader,
} from '../identity/index.js';
import type { Direction, Exchange, SensitiveType } from '../model/index.js';
import { InputError, SENSITIVE_TYPES } from '../model/index.js';
import { bodyKind, type ParsedBodies, parseBodies } from './bodies.js';
import { CATALOGUE, type SensitiveTypeDef, type ValuePattern } from './catalogue.js';
import { maskValue } from './mask.js';
import { corporateNumber, luhn, mod97, myNumber } from './validators.js';

export interface SensitiveHit {
  type: SensitiveType;
  direction: Direction;
  /** `$.customer.email`, `$.items[].card`, `query.card`, `header.x-api-key`, `cookie.ssn`, `path.3`, `form.password`. */
  field: string;
  /** maskValue of the first value seen there; never the raw value. */
  masked: string;
}

export interface CustomSensitiveType {
  /** UPPER_SNAKE_CASE, not a built-in type name. */
  name: string;
  /** A regular expression the whole value must match. */
  pattern: string;
  /** A case-insensitive regular expression the field's own name must match (`^emp(loyee)?_?id$`). */
  fieldHint?: string;
  validator?: 'luhn' | 'mod97' | 'my-number' | 'jp-corporate-number';
}

export interface Classifier {
  /** The type of one value, judged by its shape, validators and (optional) field name or path. */
  classifyValue(value: string, fieldName?: string): SensitiveType | undefined;
  /** Every sensitive value of an exchange, both directions, one hit per (type, direction, field). */
  scanExchange(ex: Exchange, parsed?: ParsedBodies): SensitiveHit[];
}

/** Bounds on one body walk: nesting depth and values visited. */
export const MAX_DEPTH = 32;
export const MAX_VALUES_PER_BODY = 5000;

interface CompiledType {
  def: SensitiveTypeDef;
  id: SensitiveType;
  /** Patterns that apply with no hint. */
  unhinted: readonly ValuePattern[];
}

interface HintedEntry {
  type: CompiledType;
  patterns: readonly ValuePattern[];
}

interface CompiledCustom {
  name: string;
  re: RegExp;
  hint: RegExp | undefined;
  validate: ((value: string) => boolean) | undefined;
}

/** What a field name says, computed once per distinct name. */
interface KeyInfo {
  hinted: HintedEntry[];
  vetoed: ReadonlySet<SensitiveType> | undefined;
  idLike: boolean;
  /** The leaf name is a context key (`name`, `number`, `line1`): its hints depend on the parent. */
  contextual: boolean;
  /** Hinted or contextual: numbers under it are worth classifying whatever their size. */
  numeric: boolean;
  /** Compact leaf name. */
  leaf: string;
  /** Parent given inside the name itself (`customer[email]`, `user.email`). */
  parentFromName: string | undefined;
  /** Custom types whose field hint this name satisfies (index into customs), or undefined. */
  customOk: boolean[] | undefined;
  /** Path segment for a JSON key: `.key` or `["odd key"]`. */
  seg: string;
  /** Context hints by parent name, filled as parents are met (contextual keys only). */
  byParent?: Map<string, HintedEntry[]>;
}

const VALIDATORS: Record<NonNullable<CustomSensitiveType['validator']>, (v: string) => boolean> = {
  luhn,
  mod97,
  'my-number': myNumber,
  'jp-corporate-number': corporateNumber,
};

/** Headers that carry transport metadata, not data about a person (forwarding chains are identity's). */
const SKIP_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'content-type',
  'content-encoding',
  'content-language',
  'content-disposition',
  'transfer-encoding',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'user-agent',
  'cache-control',
  'pragma',
  'expires',
  'date',
  'age',
  'etag',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'vary',
  'server',
  'via',
  'upgrade',
  'te',
  'trailer',
  'origin',
  'referer',
  'location',
  'link',
  'priority',
  'dnt',
  'range',
  'content-range',
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'cf-connecting-ip',
  'x-request-id',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'x-powered-by',
  'referrer-policy',
  'permissions-policy',
  'alt-svc',
  'x-envoy-upstream-service-time',
  'x-envoy-external-address',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'www-authenticate',
  'nel',
  'report-to',
  'server-timing',
  'timing-allow-origin',
]);
const SKIP_HEADER_PREFIXES = ['sec-', 'access-control-', 'x-b3-', 'cf-', 'x-amz-cf-', 'x-cache'];
// Forwarding metadata (the client address chain is identity's business, not a data finding).
for (const h of [
  'for',
  'host',
  'proto',
  'port',
  'prefix',
  'server',
  'ssl',
  'scheme',
  'uri',
  'path',
  'client-ip',
])
  SKIP_HEADERS.add(`x-forwarded-${h}`);

function skipHeader(name: string): boolean {
  if (SKIP_HEADERS.has(name)) return true;
  for (const p of SKIP_HEADER_PREFIXES) if (name.startsWith(p)) return true;
  return false;
}

const ID_LIKE_SUFFIXES = [
  'id',
  'ids',
  'uuid',
  'guid',
  'number',
  'num',
  'ref',
  'reference',
  'timestamp',
  'version',
  'hash',
  'sku',
  'serial',
  'code',
  'count',
  'seq',
  'sequence',
  'index',
  'total',
  'amount',
  'price',
  'balance',
  'quantity',
  'size',
  'bytes',
  'length',
  'offset',
  'duration',
  '番号',
];
const ID_LIKE_TOKENS = new Set([
  'no',
  'nr',
  'ts',
  'time',
  'at',
  'date',
  'key',
  'idx',
  'ean',
  'isbn',
  'gtin',
  'upc',
  'qty',
  'ms',
]);
const ID_LIKE_PREFIXES = [
  'order',
  'invoice',
  'tracking',
  'transaction',
  'shipment',
  'receipt',
  'request',
  'trace',
];

const NON_ASCII = /[^\x00-\x7f]/;

function compact(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function lastToken(name: string): string {
  const tokens = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]) return tokens[i] as string;
  return '';
}

/** Does a catalogue hint (`email`, `=tel`, `dob`) match a name (compact + last token)? */
function hintMatches(hint: string, name: string, token: string): boolean {
  if (hint.charCodeAt(0) === 0x3d /* = */) return name === hint.slice(1);
  if (name === hint) return true;
  // Short hints (`dob`, `zip`, `ip`) only as a whole last word: `clientIp` yes, `hotel` no.
  if (hint.length < 4 && !NON_ASCII.test(hint)) return token === hint;
  if (name.endsWith(hint)) return true;
  // `address1`, `phone2`: numbered copies of a hinted field.
  const stripped = name.replace(/\d+$/, '');
  return stripped !== name && stripped.endsWith(hint);
}

function anyHint(hints: readonly string[] | undefined, name: string, token: string): boolean {
  if (hints === undefined) return false;
  for (const h of hints) if (hintMatches(h, name, token)) return true;
  return false;
}

function parentVariants(p: string): string[] {
  const out = [p, `${p}s`, `${p}es`];
  if (p.endsWith('y')) out.push(`${p.slice(0, -1)}ies`);
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const URL_WITH_PARAMS = /^https?:\/\/[^\s]*[?#][^\s]*=/;

export function compileClassifier(custom: CustomSensitiveType[] = []): Classifier {
  const customs = compileCustoms(custom);
  const types: CompiledType[] = CATALOGUE.map((def) => ({
    def,
    id: def.id,
    unhinted: mergePatterns(def.patterns.filter((p) => !p.needsHint)),
  }));
  const byId = new Map(types.map((t) => [t.id, t]));

  // First-character buckets of the types that can match with no hint (index 128: non-ASCII).
  const buckets: CompiledType[][] = Array.from({ length: 129 }, () => []);
  let minUnhinted = Number.POSITIVE_INFINITY;
  for (const t of types) {
    if (t.unhinted.length === 0) continue;
    minUnhinted = Math.min(minUnhinted, t.def.minLength);
    const first = t.def.firstChars;
    for (let c = 0; c < 129; c++) {
      if (first === undefined || (c < 128 && first.includes(String.fromCharCode(c)))) buckets[c]?.push(t);
    }
  }

  const bucketMin = buckets.map((list) => Math.min(...list.map((t) => t.def.minLength)));

  // Context hints: leaf key → [type, parent variants].
  const contextKeys = new Map<string, Array<{ type: CompiledType; parents: string[] }>>();
  for (const t of types) {
    for (const ctx of t.def.contextHints ?? []) {
      const parents = ctx.parents.flatMap(parentVariants);
      for (const k of ctx.keys) {
        const list = contextKeys.get(k) ?? [];
        list.push({ type: t, parents });
        contextKeys.set(k, list);
      }
    }
  }

  const KEY_CACHE_MAX = 8192;
  const keyCache = new Map<string, KeyInfo>();

  function buildKeyInfo(raw: string): KeyInfo {
    const parts =
      raw.indexOf('.') >= 0 || raw.indexOf('[') >= 0 ? raw.split(/[.[\]]+/).filter(Boolean) : [raw];
    const leafRaw = parts.length > 0 ? (parts[parts.length - 1] as string) : raw;
    const parentRaw = parts.length > 1 ? parts[parts.length - 2] : undefined;
    const name = compact(leafRaw);
    const token = lastToken(leafRaw);
    const hinted: HintedEntry[] = [];
    let vetoed: Set<SensitiveType> | undefined;
    for (const t of types) {
      if (anyHint(t.def.notHints, name, token)) {
        vetoed ??= new Set();
        vetoed.add(t.id);
        continue;
      }
      const typeHint = anyHint(t.def.hints, name, token);
      const patterns = t.def.patterns.filter((p) =>
        p.hints !== undefined ? anyHint(p.hints, name, token) : typeHint,
      );
      if (patterns.length > 0) hinted.push({ type: t, patterns: mergePatterns(patterns) });
    }
    let idLike = ID_LIKE_TOKENS.has(token);
    if (!idLike) for (const s of ID_LIKE_SUFFIXES) if (name.endsWith(s)) idLike = true;
    if (!idLike) for (const p of ID_LIKE_PREFIXES) if (name.startsWith(p)) idLike = true;
    const contextual = contextKeys.has(name);
    return {
      hinted,
      vetoed,
      idLike,
      contextual,
      numeric: hinted.length > 0 || contextual,
      leaf: name,
      parentFromName: parentRaw,
      customOk:
        customs.length > 0 ? customs.map((c) => c.hint === undefined || c.hint.test(leafRaw)) : undefined,
      seg: IDENTIFIER.test(raw) ? `.${raw}` : `[${JSON.stringify(raw)}]`,
    };
  }

  function keyInfo(raw: string): KeyInfo {
    let info = keyCache.get(raw);
    if (info === undefined) {
      info = buildKeyInfo(raw);
      if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
      keyCache.set(raw, info);
    }
    return info;
  }

  const NO_KEY: KeyInfo = {
    hinted: [],
    vetoed: undefined,
    idLike: false,
    contextual: false,
    numeric: false,
    leaf: '',
    parentFromName: undefined,
    customOk: customs.length > 0 ? customs.map((c) => c.hint === undefined) : undefined,
    seg: '',
  };
  // A path segment is an identifier slot: a bare 12-digit number there is far more often a record id
  // than a My Number (1 random number in 10 passes the check digit). Card numbers stay: a PAN in a
  // URL is a finding worth its rare false positive (brand range + Luhn: ~3% of random 16 digits).
  const PATH_SEGMENT: KeyInfo = { ...NO_KEY, vetoed: new Set<SensitiveType>(['JP_MY_NUMBER']) };

  /** Hints that need the parent too (`name` under `customer`); memoised per (parent, key). */
  function contextEntries(info: KeyInfo, parent: string | undefined): HintedEntry[] | undefined {
    const p = info.parentFromName ?? parent;
    if (p === undefined) return undefined;
    // Memoised on the key's own info, by parent name: no per-value key strings to build and hash.
    info.byParent ??= new Map();
    let entries = info.byParent.get(p);
    if (entries === undefined) {
      entries = [];
      const parentName = compact(p);
      for (const { type, parents } of contextKeys.get(info.leaf) ?? []) {
        if (info.vetoed?.has(type.id)) continue;
        if (parents.some((v) => parentName === v || (v.length >= 4 && parentName.endsWith(v))))
          entries.push({ type, patterns: mergePatterns(type.def.patterns) });
      }
      if (info.byParent.size >= 1024) info.byParent.clear();
      info.byParent.set(p, entries);
    }
    return entries.length > 0 ? entries : undefined;
  }

  // Digit and letter counts of the value being classified, computed at most once per value.
  let profiled = false;
  let digitCount = 0;
  let letterCount = 0;
  function profileFits(def: SensitiveTypeDef, v: string): boolean {
    if (def.digits === undefined && def.letters === undefined) return true;
    if (!profiled) {
      digitCount = 0;
      letterCount = 0;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c >= 48 && c <= 57) digitCount++;
        else if ((c | 0x20) >= 97 && (c | 0x20) <= 122) letterCount++;
      }
      profiled = true;
    }
    const d = def.digits;
    const l = def.letters;
    return (
      (d === undefined || (digitCount >= d[0] && digitCount <= d[1])) &&
      (l === undefined || (letterCount >= l[0] && letterCount <= l[1]))
    );
  }

  function tryEntry(entry: HintedEntry, v: string): boolean {
    const def = entry.type.def;
    const len = v.length;
    if (len < def.minLength || len > def.maxLength) return false;
    if (def.contains !== undefined && v.indexOf(def.contains) < 0) return false;
    if (!profileFits(def, v)) return false;
    for (const p of entry.patterns)
      if (p.re.test(v) && (p.validate === undefined || p.validate(v))) return true;
    return false;
  }

  function classify(v: string, info: KeyInfo, extra: HintedEntry[] | undefined): SensitiveType | undefined {
    if (v.length === 0) return undefined;
    // Full-width digits and signs (０９０－１２３４－５６７８, ＋８１…), common in Japanese forms.
    const first = v.charCodeAt(0);
    if (first >= 0xff01 && first <= 0xff5e) v = v.normalize('NFKC');
    const len = v.length;
    profiled = false;
    if (info.customOk !== undefined) {
      for (let i = 0; i < customs.length; i++) {
        const c = customs[i] as CompiledCustom;
        if (info.customOk[i] && c.re.test(v) && (c.validate === undefined || c.validate(v))) return c.name;
      }
    }
    for (const entry of info.hinted) if (tryEntry(entry, v)) return entry.type.id;
    if (extra !== undefined) for (const entry of extra) if (tryEntry(entry, v)) return entry.type.id;
    if (len < minUnhinted) return undefined;
    const b = Math.min(v.charCodeAt(0), 128);
    if (len < (bucketMin[b] as number)) return undefined;
    const bucket = buckets[b] as CompiledType[];
    for (const t of bucket) {
      const def = t.def;
      if (len < def.minLength || len > def.maxLength) continue;
      if (info.vetoed?.has(t.id) || (def.vetoIdLike === true && info.idLike)) continue;
      if (def.contains !== undefined && v.indexOf(def.contains) < 0) continue;
      if (!profileFits(def, v)) continue;
      for (const p of t.unhinted)
        if (p.re.test(v) && (p.validate === undefined || p.validate(v))) return t.id;
    }
    return undefined;
  }

  const awsSecret = byId.get('AWS_SECRET_KEY');
  const siblingEntries: HintedEntry[] = awsSecret
    ? [{ type: awsSecret, patterns: awsSecret.def.patterns }]
    : [];
  const AWS_SECRET_SHAPE = /^[A-Za-z0-9/+]{40}$/;

  // Field names/paths given to classifyValue → what they hint (paths are parsed once per name).
  const fieldCache = new Map<string, { info: KeyInfo; context: HintedEntry[] | undefined }>();

  function classifyValue(value: string, fieldName?: string): SensitiveType | undefined {
    if (fieldName === undefined || fieldName === '') return classify(value, NO_KEY, undefined);
    let field = fieldCache.get(fieldName);
    if (field === undefined) {
      if (fieldName.startsWith('path.')) field = { info: PATH_SEGMENT, context: undefined };
      else {
        const name = fieldName
          .replace(/^(?:\$\.?|query\.|header\.|cookie\.|form\.)/, '')
          .replace(/\[\]/g, '');
        const info = buildKeyInfo(name);
        field = { info, context: info.contextual ? contextEntries(info, undefined) : undefined };
      }
      if (fieldCache.size >= KEY_CACHE_MAX) fieldCache.clear();
      fieldCache.set(fieldName, field);
    }
    return classify(value, field.info, field.context);
  }

  // Scan state lives here rather than in per-call closures: scanExchange is not re-entrant, and
  // one exchange at a time needs no fresh functions or objects beyond its hits.
  let hits: SensitiveHit[] = [];
  let seen: Set<string> | undefined;
  let direction: Direction = 'request';
  let visited = 0;

  function add(type: SensitiveType, field: string, value: string): void {
    // A handful of hits per exchange: a linear look beats building keys for a Set.
    if (seen === undefined) {
      for (const h of hits) if (h.field === field && h.type === type && h.direction === direction) return;
      if (hits.length >= 16) seen = new Set(hits.map((h) => `${h.type}\u0000${h.direction}\u0000${h.field}`));
    } else {
      const key = `${type}\u0000${direction}\u0000${field}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    hits.push({ type, direction, field, masked: maskValue(type, value) });
  }

  /** Classify one value; on a hit, record it at `base + seg` (joined only then). */
  function scalar(
    v: string,
    info: KeyInfo,
    parent: string | undefined,
    base: string,
    seg: string,
  ): SensitiveType | undefined {
    const t = classify(v, info, info.contextual ? contextEntries(info, parent) : undefined);
    if (t !== undefined) add(t, base + seg, v);
    return t;
  }

  function numberText(n: number, info: KeyInfo): string | undefined {
    // Unhinted numeric types need ≥ 12 digits; a hinted name (pin, phone, zip) takes any integer.
    if (!info.numeric && !(n >= 1e11)) return undefined;
    return Number.isInteger(n) ? String(n) : undefined;
  }

  function walkObject(
    obj: Record<string, unknown>,
    path: string,
    parent: string | undefined,
    depth: number,
  ): void {
    let accessKeyHere = false;
    let pending: Array<[string, KeyInfo]> | undefined;
    for (const k in obj) {
      if (++visited > MAX_VALUES_PER_BODY) return;
      const v = obj[k];
      if (typeof v === 'string') {
        if (v.length === 0) continue;
        const info = keyInfo(k);
        const inner = depth < MAX_DEPTH ? embeddedJson(v) : undefined;
        if (inner !== undefined) {
          if (Array.isArray(inner)) walkArray(inner, `${path}${info.seg}[]`, k, depth + 1);
          else walkObject(inner, path + info.seg, k, depth + 1);
          continue;
        }
        const t = scalar(v, info, parent, path, info.seg);
        if (t === undefined && v.length < 4096 && v.charCodeAt(0) === 0x68 /* h */ && URL_WITH_PARAMS.test(v))
          urlParams(v, path, info.seg);
        else if (t === 'AWS_ACCESS_KEY') accessKeyHere = true;
        else if (t === undefined && v.length === 40 && AWS_SECRET_SHAPE.test(v)) {
          pending ??= [];
          pending.push([v, info]);
        }
      } else if (typeof v === 'number') {
        const info = keyInfo(k);
        const text = numberText(v, info);
        if (text !== undefined) scalar(text, info, parent, path, info.seg);
      } else if (v !== null && typeof v === 'object' && depth < MAX_DEPTH) {
        const info = keyInfo(k);
        if (Array.isArray(v)) walkArray(v, `${path}${info.seg}[]`, k, depth + 1);
        else walkObject(v as Record<string, unknown>, path + info.seg, k, depth + 1);
      }
    }
    if (accessKeyHere && pending !== undefined) {
      for (const [v, info] of pending) {
        const t = classify(v, info, siblingEntries);
        if (t !== undefined) add(t, path + info.seg, v);
      }
    }
  }

  function walkArray(arr: unknown[], path: string, key: string | undefined, depth: number): void {
    const info = key === undefined ? NO_KEY : keyInfo(key);
    for (const item of arr) {
      if (++visited > MAX_VALUES_PER_BODY) return;
      if (typeof item === 'string') {
        if (item.length > 0) scalar(item, info, undefined, path, '');
      } else if (typeof item === 'number') {
        const text = numberText(item, info);
        if (text !== undefined) scalar(text, info, undefined, path, '');
      } else if (item !== null && typeof item === 'object' && depth < MAX_DEPTH) {
        if (Array.isArray(item)) walkArray(item, `${path}[]`, key, depth + 1);
        else walkObject(item as Record<string, unknown>, path, key, depth + 1);
      }
    }
  }

  function walkBody(body: unknown, kind: 'json' | 'form'): void {
    visited = 0;
    if (kind === 'form') {
      const form = body as Record<string, string | string[]>;
      for (const name in form) {
        const value = form[name];
        const info = keyInfo(name);
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v) scalar(v, info, undefined, 'form.', name);
        }
      }
    } else if (Array.isArray(body)) walkArray(body, '$[]', undefined, 1);
    else if (body !== null && typeof body === 'object')
      walkObject(body as Record<string, unknown>, '$', undefined, 1);
    else if (typeof body === 'string' && body.length > 0) scalar(body, NO_KEY, undefined, '$', '');
  }

  /** Classify the query and fragment parameters of a URL, recording hits at `base + seg`. */
  function urlParams(url: string, base: string, seg: string): boolean {
    const q = url.indexOf('?');
    const h = url.indexOf('#');
    if (q < 0 && h < 0) return false;
    let found = false;
    const parts = [
      q >= 0 ? url.slice(q + 1, h > q ? h : undefined) : '',
      h >= 0 && url.indexOf('=', h) > h ? url.slice(h + 1) : '',
    ];
    for (const part of parts) {
      if (part.length === 0) continue;
      for (const [k, v] of new URLSearchParams(part)) {
        if (!v) continue;
        const t = classify(v, keyInfo(k), undefined);
        if (t !== undefined) {
          add(t, base + seg, v);
          found = true;
        }
      }
    }
    return found;
  }

  /** Is `name` in `where` one of the call's own credentials (a handful at most: a linear look)? */
  function isCredential(creds: Credential[], where: Credential['in'], name: string): boolean {
    for (const c of creds) if (c.name === name && c.in === where) return true;
    return false;
  }

  function scanHeaders(
    list: Record<string, string>,
    creds: Credential[],
    cookies: Array<[string, string]> | undefined,
  ): void {
    for (const name in list) {
      const value = list[name];
      if (!value) continue;
      if (name === 'cookie' || name === 'set-cookie') {
        const jar = cookies ?? (name === 'cookie' ? parseCookieHeader(value) : parseSetCookieHeader(value));
        for (const [cname, cvalue] of jar) {
          if (!cvalue) continue;
          if (direction === 'response' ? isCredentialCookieName(cname) : isCredential(creds, 'cookie', cname))
            continue;
          scalar(cvalue, keyInfo(cname), undefined, 'cookie.', cname);
        }
        continue;
      }
      if (name === 'referer' || name === 'location') {
        // Query strings of these URLs leak to logs and third parties: `?email=…`, `#access_token=…`.
        urlParams(value, 'header.', name);
        continue;
      }
      if (skipHeader(name) || isCredential(creds, 'header', name)) continue;
      scalar(value, keyInfo(name), undefined, 'header.', name);
    }
  }

  const NO_CREDENTIALS: Credential[] = [];

  function scanExchange(ex: Exchange, parsed?: ParsedBodies): SensitiveHit[] {
    hits = [];
    seen = undefined;
    direction = 'request';
    visited = 0;
    const req = ex.request;
    const cookieHeader = req.headers['cookie'];
    const cookies = cookieHeader ? parseCookieHeader(cookieHeader) : undefined;
    const creds: Credential[] = credentialsOf(ex, cookies);

    for (const [name, value] of req.query) {
      if (!value) continue;
      if (isCredential(creds, 'query', name)) continue;
      scalar(value, keyInfo(name), undefined, 'query.', name);
    }
    scanHeaders(req.headers, creds, cookies);
    const segments = req.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      let seg = segments[i] as string;
      if (seg.length < minUnhinted) continue;
      if (seg.indexOf('%') >= 0) {
        try {
          seg = decodeURIComponent(seg);
        } catch {
          // keep the raw segment
        }
      }
      scalar(seg, PATH_SEGMENT, undefined, 'path.', String(i));
    }
    const bodies = parsed ?? parseBodies(ex);
    const reqKind = bodyKind(req.body);
    if (reqKind !== undefined && bodies.request !== undefined) walkBody(bodies.request, reqKind);

    const res = ex.response;
    if (res !== undefined) {
      direction = 'response';
      scanHeaders(res.headers, NO_CREDENTIALS, undefined);
      const resKind = bodyKind(res.body);
      if (resKind !== undefined && bodies.response !== undefined) walkBody(bodies.response, resKind);
    }
    return hits;
  }

  return { classifyValue, scanExchange };
}

/**
 * A JSON object or array serialised into a string value (`"payload": "{\"ssn\": …}"`, event
 * envelopes, GraphQL variables sent as text), parsed so its fields are walked like any other.
 */
function embeddedJson(v: string): Record<string, unknown> | unknown[] | undefined {
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  if (
    !((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d)) ||
    v.length < 7 ||
    v.length > 65536
  )
    return undefined;
  try {
    const value: unknown = JSON.parse(v);
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown> | unknown[])
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs of patterns with no validator (and the same flags) joined into one alternation: one regex
 * call instead of several for the values that match none of them, which is nearly all values.
 */
function mergePatterns(patterns: readonly ValuePattern[]): ValuePattern[] {
  const out: ValuePattern[] = [];
  for (const p of patterns) {
    const last = out[out.length - 1];
    if (
      last !== undefined &&
      last.validate === undefined &&
      p.validate === undefined &&
      last.re.flags === p.re.flags &&
      last.needsHint === p.needsHint
    ) {
      const merged: ValuePattern = { re: new RegExp(`(?:${last.re.source})|(?:${p.re.source})`, p.re.flags) };
      if (p.needsHint !== undefined) merged.needsHint = p.needsHint;
      out[out.length - 1] = merged;
    } else out.push(p);
  }
  return out;
}

function compileCustoms(custom: CustomSensitiveType[]): CompiledCustom[] {
  const builtIn = new Set<string>(SENSITIVE_TYPES);
  const names = new Set<string>();
  return custom.map((c) => {
    const fail = (message: string, field: string, hint?: string): never => {
      throw new InputError({
        code: 'config.sensitive.invalid',
        message: `custom sensitive type ${c.name || '(unnamed)'}: ${message}`,
        field,
        ...(hint !== undefined ? { hint } : {}),
      });
    };
    if (!/^[A-Z][A-Z0-9_]*$/.test(c.name)) fail('name must be UPPER_SNAKE_CASE', 'name', 'e.g. EMPLOYEE_ID');
    if (builtIn.has(c.name)) fail('name is a built-in type', 'name');
    if (names.has(c.name)) fail('name is defined twice', 'name');
    names.add(c.name);
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${c.pattern})$`);
    } catch (err) {
      fail(`invalid pattern: ${(err as Error).message}`, 'pattern');
    }
    let hint: RegExp | undefined;
    if (c.fieldHint !== undefined) {
      try {
        hint = new RegExp(c.fieldHint, 'i');
      } catch (err) {
        fail(`invalid fieldHint: ${(err as Error).message}`, 'fieldHint');
      }
    }
    let validate: ((v: string) => boolean) | undefined;
    if (c.validator !== undefined) {
      validate = VALIDATORS[c.validator];
      if (validate === undefined)
        fail(
          `unknown validator "${String(c.validator)}"`,
          'validator',
          `one of ${Object.keys(VALIDATORS).join(', ')}`,
        );
    }
    return { name: c.name, re: re as RegExp, hint, validate };
  });
}
