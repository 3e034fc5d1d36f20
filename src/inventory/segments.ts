// What one path segment looks like on its own: the shape rules that make a segment a parameter
// (numeric id, UUID, hash, date, email, opaque token…) or keep it literal (versions, file names,
// locales, well-known static words), and how a parameter is named from the segment before it.
// The rules are data, read top to bottom; `templatePath` applies them to one path without any
// learnt state (the scanner and detect use it), the InventoryBuilder adds learnt positions on top.

export type ShapeKind = 'int' | 'uuid' | 'hex' | 'date' | 'email' | 'token' | 'prefixed-id';

export interface ShapeRule {
  kind: ShapeKind;
  /** What a person reads in `explain`. */
  description: string;
  test(segment: string): boolean;
}

const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
const DATE = /^\d{4}-\d{2}(-\d{2}([tT ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?([zZ]|[+-]\d{2}:?\d{2})?)?)?$/;
const EMAIL = /^[^@\s/]+@[^@\s/]+\.[a-z]{2,}$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_\-.~+=%]+$/;
const PREFIXED_ID = /^[A-Za-z]{1,12}[-_:](?:\d{3,}|[A-Za-z0-9]*\d[A-Za-z0-9]*)$/;
const VERSION = /^(?:v\d+(?:[._]\d+)*(?:-?(?:alpha|beta|rc)\d*)?|\d+\.\d+(?:\.\d+)?)$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function hasLetter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** An opaque token: long, base64/base64url-ish, letters and digits mixed inside one run, high entropy.
 * Hyphenated word slugs (`red-shirt-size-42`) are not tokens: every run there is a word or a number. */
function isToken(s: string): boolean {
  if (s.length < 16 || !TOKEN_CHARS.test(s) || !hasDigit(s) || !hasLetter(s)) return false;
  let mixedRun = false;
  for (const run of s.split(/[-_.~+=%]/)) {
    if (run.length >= 8 && hasDigit(run) && hasLetter(run)) mixedRun = true;
  }
  return mixedRun && entropy(s) >= 3;
}

/** Shape rules, first match wins. Each is evidence on its own that the segment is a value, not a name. */
export const SHAPE_RULES: readonly ShapeRule[] = [
  { kind: 'int', description: 'numeric id', test: (s) => DIGITS.test(s) },
  { kind: 'uuid', description: 'UUID', test: (s) => s.length >= 32 && UUID.test(s) },
  {
    kind: 'hex',
    description: 'hex hash/object id',
    test: (s) => s.length >= 8 && HEX.test(s) && (s.length >= 16 || (hasDigit(s) && hasLetter(s))),
  },
  { kind: 'date', description: 'date/date-time', test: (s) => s.length >= 7 && DATE.test(s) },
  { kind: 'email', description: 'email address', test: (s) => s.includes('@') && EMAIL.test(s) },
  { kind: 'token', description: 'ULID', test: (s) => s.length === 26 && ULID.test(s) && hasDigit(s) },
  { kind: 'token', description: 'opaque token (base64/high entropy)', test: isToken },
  { kind: 'token', description: 'overlong segment (more than 128 characters)', test: (s) => s.length > 128 },
  {
    kind: 'prefixed-id',
    description: 'prefixed id (`ord_123`, `cus-9f8a`)',
    test: (s) => s.length <= 64 && PREFIXED_ID.test(s) && !VERSION.test(s),
  },
];

export type StaticKind = 'version' | 'file' | 'locale' | 'word';

/** Reasons a segment stays literal even where siblings vary. */
const FILE_EXT =
  /\.(?:json|ya?ml|xml|html?|txt|csv|js|mjs|css|map|ico|png|jpe?g|gif|svg|webp|pdf|zip|gz|wasm|woff2?|md|php|aspx?|jsp|do|cgi|well-known)$/i;
const LOCALE = /^[a-z]{2}(?:[-_](?:[A-Z]{2}|[A-Z][a-z]{3}|\d{3}))?(?:[-_][A-Z]{2})?$|^[a-z]{3}[-_][A-Z]{2}$/;

/** API words that name an action or a singleton, not an object (`/users/me`, `/orders/search`). */
export const STATIC_WORDS: ReadonlySet<string> = new Set(
  (
    'me self current mine my own all any none new latest recent default first last next previous top popular ' +
    'featured trending search find query lookup filter suggest autocomplete count stats statistics summary metrics ' +
    'report reports export import upload download batch bulk create update delete remove edit add list index ' +
    'details detail info status health healthz ready readyz live livez ping version versions config settings ' +
    'preferences profile account login logout signin signout signup register verify confirm reset refresh token ' +
    'tokens oauth auth callback authorize session sessions password activate deactivate enable disable approve ' +
    'reject cancel submit publish archive restore validate check preview history logs events webhooks admin ' +
    'internal public private api apis rest graphql rpc docs swagger openapi schema schemas spec static assets ' +
    'files media images v1 v2 v3 test debug metadata permissions roles members children parent tree'
  ).split(' '),
);

export function staticKind(segment: string): StaticKind | undefined {
  if (VERSION.test(segment)) return 'version';
  // a file name is static unless its name carries a value (`report-2026-01.csv`, `12345.pdf`)
  if (FILE_EXT.test(segment) && !/\d/.test(stripExtension(segment).base)) return 'file';
  if (STATIC_WORDS.has(segment.toLowerCase())) return 'word';
  if (LOCALE.test(segment) && segment.length <= 11) return 'locale';
  return undefined;
}

export function isLocale(segment: string): boolean {
  return LOCALE.test(segment);
}

export function isVersion(segment: string): boolean {
  return VERSION.test(segment);
}

/** `12345.pdf` → base `12345`, ext `.pdf`; no extension → ext ``. */
export function stripExtension(segment: string): { base: string; ext: string } {
  const m = /^(.+?)(\.[A-Za-z][A-Za-z0-9]{0,5})$/.exec(segment);
  if (!m || !FILE_EXT.test(segment)) return { base: segment, ext: '' };
  return { base: m[1]!, ext: m[2]! };
}

export interface SegmentShape {
  rule: ShapeRule;
  /** File extension kept literal after the parameter (`{invoiceId}.pdf`). */
  ext: string;
}

/** The shape rule a segment matches on its own, if any (file-name ids keep their extension). */
export function shapeOf(segment: string): SegmentShape | undefined {
  if (segment === '') return undefined;
  let decoded = segment;
  if (segment.includes('%')) {
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      decoded = segment;
    }
  }
  if (VERSION.test(decoded)) return undefined;
  for (const rule of SHAPE_RULES) if (rule.test(decoded)) return { rule, ext: '' };
  const { base, ext } = stripExtension(decoded);
  if (ext) for (const rule of SHAPE_RULES) if (rule.test(base)) return { rule, ext };
  return undefined;
}

const API_PREFIX = /^(?:api|apis|rest|version|ver)$/i;

/** Small numbers right after `api`/`rest` are API versions (`/rest/api/2/issue`), not ids. */
export function isApiVersionAfter(previous: string | undefined, segment: string): boolean {
  return previous !== undefined && API_PREFIX.test(previous) && /^\d{1,2}$/.test(segment);
}

/** `shapeOf` in context: the segment before can make a number a version. */
export function shapeAfter(previous: string | undefined, segment: string): SegmentShape | undefined {
  return isApiVersionAfter(previous, segment) ? undefined : shapeOf(segment);
}

/** JSON Schema `format` of a value, for parameters and inferred schemas. */
export function formatOf(value: string): string | undefined {
  const n = value.length;
  if (n < 6 || n > 320) return undefined;
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (n >= 10 && DATE.test(value)) return value.length > 10 ? 'date-time' : 'date';
    if (n >= 7 && /^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return 'ipv4';
  }
  if (n >= 32 && n <= 36 && UUID.test(value) && (n === 32 || value[8] === '-')) return 'uuid';
  if (value.includes('@') && EMAIL.test(value)) return 'email';
  if ((c === 104 || c === 72) && /^https?:\/\/\S+$/i.test(value)) return 'uri';
  if (
    value.includes(':') &&
    n <= 45 &&
    /^[0-9a-f:]+$/i.test(value) &&
    /::|(?:[0-9a-f]{1,4}:){7}/i.test(value)
  )
    return 'ipv6';
  return undefined;
}

/** JSON type of a value that travels as text (query, header, cookie, path). */
export function textTypeOf(value: string): 'integer' | 'number' | 'boolean' | 'string' {
  if (value === 'true' || value === 'false') return 'boolean';
  if (value.length > 0 && value.length <= 15 && /^-?\d+$/.test(value)) return 'integer';
  if (value.length > 0 && value.length <= 24 && /^-?\d+\.\d+(?:e[+-]?\d+)?$/i.test(value)) return 'number';
  return 'string';
}

const IRREGULAR: Record<string, string> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  data: 'data',
  media: 'media',
  news: 'news',
  status: 'status',
  analysis: 'analysis',
  indices: 'index',
  matrices: 'matrix',
};

/** English singular of a resource name, good enough for parameter names (`categories` → `category`). */
export function singular(word: string): string {
  const w = word.toLowerCase();
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(?:ss|x|ch|sh|zz)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 4 && /ses$/.test(w) && !/(?:ss)es$/.test(w)) return w.slice(0, -1);
  if (w.length > 2 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

function camel(word: string): string {
  const parts = word.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts
    .map((p, i) => (i === 0 ? p.toLowerCase() : p[0]!.toUpperCase() + p.slice(1).toLowerCase()))
    .join('');
}

/** Plural-looking collection name (`users`, `categories`), the usual parent of an id. */
export function isCollectionName(segment: string): boolean {
  return /^[a-z][a-z_-]*[a-z]s$/i.test(segment) && !STATIC_WORDS.has(segment.toLowerCase());
}

/**
 * Parameter name for a value that follows `previous` (a literal segment, or undefined after a
 * parameter / at the start): `users` → `userId`, `api-keys` → `apiKeyId`; dates → `date`,
 * locales → `locale`, file names → `fileName`. `taken` de-duplicates within one template (`id`, `id2`).
 */
export function paramName(
  previous: string | undefined,
  kind: string | undefined,
  taken: Set<string>,
): string {
  let base: string;
  if (kind === 'date') base = 'date';
  else if (kind === 'locale') base = 'locale';
  else if (kind === 'file') base = 'fileName';
  else if (previous && !VERSION.test(previous) && /[A-Za-z]/.test(previous) && previous.length <= 40) {
    const words = previous.split(/[^A-Za-z0-9]+/).filter(Boolean);
    const last = words.pop() ?? '';
    const name = camel([...words, singular(last)].join('-'));
    base = name ? `${name}Id` : 'id';
    if (/^\d/.test(base)) base = 'id';
  } else base = 'id';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/** Splits a raw path into segments (leading slash dropped; a trailing slash gives a last empty segment). */
export function splitPath(path: string): string[] {
  const p = path.startsWith('/') ? path.slice(1) : path;
  return p === '' ? [] : p.split('/');
}

/**
 * Shape-only templating of one path: segments that look like values on their own (numeric ids,
 * UUIDs, hashes, dates, emails, opaque tokens, prefixed ids) become `{name}` parameters named after
 * the segment before them. No learnt state: `/products/red-shirt` stays literal here.
 */
export function templatePath(path: string): string {
  const segments = splitPath(path);
  const taken = new Set<string>();
  let previous: string | undefined;
  const out: string[] = [];
  for (const seg of segments) {
    const shape = shapeAfter(previous, seg);
    if (shape) {
      out.push(`{${paramName(previous, shape.rule.kind, taken)}}${shape.ext}`);
      previous = undefined;
    } else {
      out.push(seg);
      previous = seg;
    }
  }
  return `/${out.join('/')}`;
}
