// Postman collections (v2.1, and the near-identical v2.0) → the spec model. Every request item, in
// folders at any depth, becomes an operation: `:id` and `{{id}}` path segments become `{id}`
// templates, the host comes from url.host with collection variables substituted (a `{{baseUrl}}` of
// `https://api.example.com/v1` gives host and basePath), auth (inherited down folders, `noauth`
// clearing it) becomes security schemes, and JSON bodies get a schema inferred from the example.

import type {
  InputIssue,
  JsonSchema,
  SecurityRequirement,
  SecuritySchemeModel,
  SpecMediaContent,
  SpecOperation,
  SpecParameter,
  SpecResponse,
  SpecServer,
} from '../model/index.js';
import { serverFromUrl } from './openapi.js';
import { joinPointer } from './spec-locate.js';
import { isObject, own, type SpecParts, str } from './spec-refs.js';

/** `postman-2.1` / `postman-2.0` for a collection, `postman-1` for the unsupported v1, else undefined. */
export function postmanVersion(doc: unknown): string | undefined {
  const info = own(doc, 'info');
  const schema = own(info, 'schema');
  if (typeof schema === 'string') {
    const m = /collection\/v(\d+)\.(\d+)/.exec(schema);
    if (m) return m[1] === '2' ? `postman-2.${m[2] === '0' ? '0' : '1'}` : `postman-${m[1]}`;
  }
  if (isObject(info) && Array.isArray(own(doc, 'item'))) return 'postman-2.1';
  if (Array.isArray(own(doc, 'requests')) && typeof own(doc, 'name') === 'string') return 'postman-1';
  return undefined;
}

/** Max folder depth walked; deeper folders are skipped with an issue. */
const MAX_DEPTH = 64;
/** Variable substitution passes (variables may name other variables). */
const MAX_SUBST = 5;

type Vars = Map<string, string>;

function substitute(text: string, vars: Vars): string {
  let out = text;
  for (let i = 0; i < MAX_SUBST && out.includes('{{'); i++) {
    const next = out.replace(/\{\{([^{}]+)\}\}/g, (whole, name: string) => vars.get(name.trim()) ?? whole);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** `:id`, `{{id}}`, `user-{{id}}` → `{id}`, `user-{id}`. */
function templateSegment(seg: string): string {
  if (/^:[^/]+$/.test(seg)) return `{${seg.slice(1)}}`;
  return seg.replace(/\{\{([^{}]+)\}\}/g, (_w, name: string) => `{${name.trim()}}`);
}

interface UrlParts {
  origin: string | undefined; // protocol://host:port, variables substituted (may carry a base path)
  path: string[];
  query: Array<{ key: string; value: string | undefined; pointer: string }>;
  pathVars: Array<{ key: string; pointer: string }>;
}

function segmentText(s: unknown): string | undefined {
  if (typeof s === 'string') return s;
  const v = own(s, 'value');
  return typeof v === 'string' ? v : undefined;
}

function parseRawUrl(raw: string): { origin: string | undefined; path: string[]; query: string } {
  const hashCut = raw.indexOf('#');
  let rest = hashCut === -1 ? raw : raw.slice(0, hashCut);
  const q = rest.indexOf('?');
  const query = q === -1 ? '' : rest.slice(q + 1);
  if (q !== -1) rest = rest.slice(0, q);
  let origin: string | undefined;
  const proto = /^([a-z][a-z0-9+.-]*:\/\/)?([^/]*)(.*)$/i.exec(rest.trim());
  if (proto) {
    const hostPart = proto[2] ?? '';
    if (proto[1] || hostPart !== '') origin = `${proto[1] ?? ''}${hostPart}`;
    rest = proto[3] ?? '';
  }
  return { origin, path: rest.split('/').filter((s) => s !== ''), query };
}

function urlParts(url: unknown, pointer: string): UrlParts {
  const parts: UrlParts = { origin: undefined, path: [], query: [], pathVars: [] };
  if (typeof url === 'string') {
    const p = parseRawUrl(url);
    parts.origin = p.origin;
    parts.path = p.path;
    for (const kv of p.query.split('&')) {
      if (kv === '') continue;
      const eq = kv.indexOf('=');
      parts.query.push({
        key: eq === -1 ? kv : kv.slice(0, eq),
        value: eq === -1 ? undefined : kv.slice(eq + 1),
        pointer,
      });
    }
    return parts;
  }
  if (!isObject(url)) return parts;
  const raw = str(url.raw);
  const parsedRaw = raw !== undefined ? parseRawUrl(raw) : undefined;
  const host = url.host;
  const hostText = Array.isArray(host)
    ? host
        .map(segmentText)
        .filter((s) => s !== undefined)
        .join('.')
    : typeof host === 'string'
      ? host
      : undefined;
  if (hostText !== undefined && hostText !== '') {
    const protocol = str(url.protocol);
    const port = str(url.port) ?? (typeof url.port === 'number' ? String(url.port) : undefined);
    parts.origin = `${protocol ? `${protocol}://` : ''}${hostText}${port ? `:${port}` : ''}`;
  } else parts.origin = parsedRaw?.origin;
  const path = url.path;
  if (Array.isArray(path))
    parts.path = path.map(segmentText).filter((s): s is string => s !== undefined && s !== '');
  else if (typeof path === 'string') parts.path = path.split('/').filter((s) => s !== '');
  else parts.path = parsedRaw?.path ?? [];
  const query = url.query;
  if (Array.isArray(query)) {
    query.forEach((q, i) => {
      const key = str(own(q, 'key'));
      if (key === undefined || key === '' || own(q, 'disabled') === true) return;
      const value = own(q, 'value');
      parts.query.push({
        key,
        value: typeof value === 'string' ? value : undefined,
        pointer: joinPointer(pointer, 'query', i),
      });
    });
  }
  const variable = url.variable;
  if (Array.isArray(variable)) {
    variable.forEach((v, i) => {
      const key = str(own(v, 'key')) ?? str(own(v, 'id'));
      if (key) parts.pathVars.push({ key, pointer: joinPointer(pointer, 'variable', i) });
    });
  }
  return parts;
}

/** Postman auth params are `[{ key, value }]` in v2.1 and `{ key: value }` in v2.0. */
function authParams(auth: unknown, type: string): Map<string, string> {
  const out = new Map<string, string>();
  const p = own(auth, type);
  if (Array.isArray(p)) {
    for (const kv of p) {
      const k = str(own(kv, 'key'));
      const v = own(kv, 'value');
      if (k !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
        out.set(k, String(v));
    }
  } else if (isObject(p)) {
    for (const [k, v] of Object.entries(p)) if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

const GRANT_FLOWS: Record<string, string> = {
  authorization_code: 'authorizationCode',
  authorization_code_with_pkce: 'authorizationCode',
  implicit: 'implicit',
  password_credentials: 'password',
  client_credentials: 'clientCredentials',
};

interface SchemeDraft {
  base: string;
  model: Omit<SecuritySchemeModel, 'name' | 'pointer'>;
}

function schemeOf(auth: Record<string, unknown>, type: string, vars: Vars): SchemeDraft | undefined {
  const p = authParams(auth, type);
  switch (type) {
    case 'basic':
      return { base: 'basicAuth', model: { type: 'http', scheme: 'basic' } };
    case 'bearer':
      return { base: 'bearerAuth', model: { type: 'http', scheme: 'bearer' } };
    case 'digest':
      return { base: 'digestAuth', model: { type: 'http', scheme: 'digest' } };
    case 'jwt':
      return { base: 'jwtAuth', model: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
    case 'apikey': {
      const where = (p.get('in') ?? 'header').toLowerCase();
      const name = substitute(p.get('key') ?? 'X-API-Key', vars);
      const m: SchemeDraft['model'] = { type: 'apiKey', paramName: name };
      m.in = where === 'query' ? 'query' : 'header';
      return { base: 'apiKeyAuth', model: m };
    }
    case 'oauth2': {
      const grant = p.get('grant_type') ?? 'authorization_code';
      const flow: { scopes: string[]; authorizationUrl?: string; tokenUrl?: string } = {
        scopes: (p.get('scope') ?? '').split(/[\s,]+/).filter((s) => s !== ''),
      };
      const authUrl = p.get('authUrl');
      const tokenUrl = p.get('accessTokenUrl');
      if (authUrl) flow.authorizationUrl = substitute(authUrl, vars);
      if (tokenUrl) flow.tokenUrl = substitute(tokenUrl, vars);
      return {
        base: 'oauth2Auth',
        model: { type: 'oauth2', flows: { [GRANT_FLOWS[grant] ?? grant]: flow } },
      };
    }
    default:
      // awsv4, hawk, ntlm, oauth1, akamai edgegrid …: an HTTP Authorization scheme by that name
      return { base: `${type}Auth`, model: { type: 'http', scheme: type.toLowerCase() } };
  }
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // `{"id": {{id}}}`: unquoted variables make the example invalid JSON; read them as null
    try {
      return JSON.parse(text.replace(/(?<!")\{\{[^{}]+\}\}(?!")/g, 'null'));
    } catch {
      return undefined;
    }
  }
}

const FORMATS: Array<[RegExp, string]> = [
  [/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/, 'date-time'],
  [/^\d{4}-\d{2}-\d{2}$/, 'date'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'uuid'],
  [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email'],
  [/^https?:\/\/\S+$/, 'uri'],
];

/** A JSON Schema describing one example value (shape only; depth-capped). */
export function inferSchema(value: unknown, depth = 0): JsonSchema {
  if (depth > 64) return {};
  if (value === null) return { type: 'null' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'string') {
    const f = FORMATS.find(([re]) => re.test(value));
    return f ? { type: 'string', format: f[1] } : { type: 'string' };
  }
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null);
    return first === undefined ? { type: 'array' } : { type: 'array', items: inferSchema(first, depth + 1) };
  }
  if (isObject(value)) {
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(properties, k, {
        value: inferSchema(v, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return { type: 'object', properties };
  }
  return {};
}

function headerList(h: unknown): Array<{ key: string; value: string | undefined; index: number }> {
  const out: Array<{ key: string; value: string | undefined; index: number }> = [];
  if (Array.isArray(h)) {
    h.forEach((x, index) => {
      const key = str(own(x, 'key'));
      if (key === undefined || key === '' || own(x, 'disabled') === true) return;
      out.push({ key, value: str(own(x, 'value')), index });
    });
  } else if (typeof h === 'string') {
    // v2.0 allows the raw header block
    h.split(/\r?\n/).forEach((line, index) => {
      const c = line.indexOf(':');
      if (c > 0) out.push({ key: line.slice(0, c).trim(), value: line.slice(c + 1).trim(), index });
    });
  }
  return out;
}

const RAW_LANGUAGES: Record<string, string> = {
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  javascript: 'application/javascript',
  text: 'text/plain',
  graphql: 'application/json',
};

function bodyOf(
  body: unknown,
  contentTypeHeader: string | undefined,
  pointer: string,
): SpecOperation['requestBody'] | undefined {
  if (!isObject(body) || body.disabled === true) return undefined;
  const mode = str(body.mode);
  let media: SpecMediaContent | undefined;
  if (mode === 'raw') {
    const raw = str(body.raw) ?? '';
    if (raw.trim() === '') return undefined;
    const lang = str(own(own(own(body, 'options'), 'raw'), 'language'));
    const parsed = jsonOrUndefined(raw);
    const ct =
      contentTypeHeader ??
      (lang ? RAW_LANGUAGES[lang] : undefined) ??
      (parsed !== undefined && typeof parsed === 'object' ? 'application/json' : 'text/plain');
    media = { contentType: ct, pointer };
    if (/json/i.test(ct) && parsed !== undefined) {
      media.schema = inferSchema(parsed);
      media.example = parsed;
    } else media.schema = { type: 'string' };
  } else if (mode === 'urlencoded' || mode === 'formdata') {
    const list = own(body, mode);
    const properties: Record<string, unknown> = {};
    if (Array.isArray(list)) {
      for (const f of list) {
        const key = str(own(f, 'key'));
        if (key === undefined || key === '' || own(f, 'disabled') === true) continue;
        const file = own(f, 'type') === 'file';
        Object.defineProperty(properties, key, {
          value: file ? { type: 'string', format: 'binary' } : { type: 'string' },
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    media = {
      contentType:
        contentTypeHeader ??
        (mode === 'urlencoded' ? 'application/x-www-form-urlencoded' : 'multipart/form-data'),
      schema: { type: 'object', properties },
      pointer,
    };
  } else if (mode === 'graphql') {
    media = {
      contentType: 'application/json',
      schema: { type: 'object', properties: { query: { type: 'string' }, variables: { type: 'object' } } },
      pointer,
    };
  } else if (mode === 'file') {
    media = {
      contentType: contentTypeHeader ?? 'application/octet-stream',
      schema: { type: 'string', format: 'binary' },
      pointer,
    };
  }
  if (!media) return undefined;
  return { required: true, content: [media], pointer };
}

function responsesOf(list: unknown, pointer: string): SpecResponse[] {
  const out: SpecResponse[] = [];
  if (!Array.isArray(list)) return out;
  list.forEach((r, i) => {
    if (!isObject(r)) return;
    const code = r.code;
    const status = typeof code === 'number' || typeof code === 'string' ? String(code) : 'default';
    const rp = joinPointer(pointer, i);
    const headers = headerList(r.header);
    const resp: SpecResponse = { status, content: [], headers: headers.map((h) => h.key), pointer: rp };
    const d = str(r.status) ?? str(r.name);
    if (d !== undefined) resp.description = d;
    const body = str(r.body);
    const ctHeader = headers.find((h) => h.key.toLowerCase() === 'content-type')?.value;
    if (body !== undefined && body.trim() !== '') {
      const parsed = jsonOrUndefined(body);
      const ct =
        ctHeader?.split(';')[0]?.trim() || (parsed !== undefined ? 'application/json' : 'text/plain');
      const m: SpecMediaContent = { contentType: ct, pointer: rp };
      if (/json/i.test(ct) && parsed !== undefined) {
        m.schema = inferSchema(parsed);
        m.example = parsed;
      }
      resp.content.push(m);
    }
    out.push(resp);
  });
  return out;
}

function descriptionOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return str(own(v, 'content'));
}

export function normalisePostman(doc: unknown, issues: InputIssue[], file: string): SpecParts {
  const info = own(doc, 'info');
  const parts: SpecParts = {
    title: str(own(info, 'name')) ?? '',
    servers: [],
    operations: [],
    securitySchemes: [],
  };
  const version = own(info, 'version');
  if (typeof version === 'string') parts.apiVersion = version;
  else if (isObject(version) && version.major !== undefined)
    parts.apiVersion = [version.major, version.minor ?? 0, version.patch ?? 0].join('.');

  const vars: Vars = new Map();
  const variable = own(doc, 'variable');
  if (Array.isArray(variable)) {
    for (const v of variable) {
      const key = str(own(v, 'key')) ?? str(own(v, 'id'));
      const value = own(v, 'value');
      if (key && (typeof value === 'string' || typeof value === 'number')) vars.set(key, String(value));
    }
  }

  // security schemes keyed by what they are; named after the first definition
  const schemes = new Map<string, SecuritySchemeModel>();
  const requirementOf = (auth: unknown, pointer: string): SecurityRequirement[] | undefined => {
    if (!isObject(auth)) return undefined;
    const type = str(auth.type);
    if (!type || type === 'inherit') return undefined;
    if (type === 'noauth') return [];
    const draft = schemeOf(auth, type, vars);
    if (!draft) return undefined;
    const sig = JSON.stringify(draft.model);
    let scheme = schemes.get(sig);
    if (!scheme) {
      let name = draft.base;
      const taken = new Set([...schemes.values()].map((s) => s.name));
      for (let n = 2; taken.has(name); n++) name = `${draft.base}${n}`;
      scheme = { name, ...draft.model, pointer };
      schemes.set(sig, scheme);
    }
    const scopes = scheme.type === 'oauth2' ? (Object.values(scheme.flows ?? {})[0]?.scopes ?? []) : [];
    return [{ [scheme.name]: scopes }];
  };

  const collectionSecurity = requirementOf(own(doc, 'auth'), '/auth');
  if (collectionSecurity) parts.security = collectionSecurity;

  const serverKeys = new Map<string, SpecServer>();
  const serverFor = (origin: string | undefined): SpecServer => {
    const sub = origin === undefined ? undefined : substitute(origin, vars);
    let server: SpecServer;
    if (sub === undefined || sub.includes('{{')) server = { url: '/', basePath: '' };
    else server = serverFromUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(sub) ? sub : `//${sub}`);
    const key = server.url;
    const known = serverKeys.get(key);
    if (known) return known;
    serverKeys.set(key, server);
    return server;
  };

  // folders are walked in document order; depth is capped so recursion stays shallow
  const walkItems = (
    items: unknown[],
    pointer: string,
    tags: string[],
    inherited: SecurityRequirement[] | undefined,
    depth: number,
  ): void => {
    items.forEach((item, i) => {
      const ip = joinPointer(pointer, i);
      if (!isObject(item)) return;
      const name = str(item.name);
      const children = item.item;
      if (Array.isArray(children)) {
        if (depth >= MAX_DEPTH) {
          issues.push({
            code: 'spec.limit',
            message: `folders nested deeper than ${MAX_DEPTH} are skipped`,
            file,
            pointer: ip,
          });
          return;
        }
        const folderSecurity = requirementOf(item.auth, joinPointer(ip, 'auth')) ?? inherited;
        walkItems(
          children,
          joinPointer(ip, 'item'),
          name ? [...tags, name] : tags,
          folderSecurity,
          depth + 1,
        );
        return;
      }
      const op = operationOf(item, ip, tags, inherited, name);
      if (op) parts.operations.push(op);
    });
  };

  const operationOf = (
    item: Record<string, unknown>,
    ip: string,
    tags: string[],
    inherited: SecurityRequirement[] | undefined,
    name: string | undefined,
  ): SpecOperation | undefined => {
    const req = item.request;
    if (req === undefined) return undefined;
    const rp = joinPointer(ip, 'request');
    const request: Record<string, unknown> =
      typeof req === 'string' ? { url: req } : isObject(req) ? req : {};
    const url = urlParts(request.url, joinPointer(rp, 'url'));
    const method = (str(request.method) ?? 'GET').toUpperCase();
    const path = `/${url.path.map(templateSegment).join('/')}`;
    const op: SpecOperation = {
      method,
      path,
      tags,
      deprecated: false,
      parameters: [],
      responses: responsesOf(item.response, joinPointer(ip, 'response')),
      servers: [serverFor(url.origin)],
      pointer: ip,
      extensions: {},
    };
    if (name !== undefined) op.summary = name;
    const description = descriptionOf(request.description) ?? descriptionOf(item.description);
    if (description !== undefined) op.description = description;

    const pathNames = new Set<string>();
    for (const m of path.matchAll(/\{([^{}]+)\}/g)) pathNames.add(m[1]!);
    for (const pname of pathNames) {
      const declared = url.pathVars.find((v) => v.key === pname);
      op.parameters.push(param(pname, 'path', true, declared?.pointer ?? joinPointer(rp, 'url')));
    }
    for (const q of url.query) {
      const p = param(q.key, 'query', false, q.pointer);
      if (q.value !== undefined && !q.value.includes('{{')) p.example = q.value;
      op.parameters.push(p);
    }
    let contentType: string | undefined;
    for (const h of headerList(request.header)) {
      const lower = h.key.toLowerCase();
      if (lower === 'content-type') {
        contentType = h.value?.split(';')[0]?.trim() || undefined;
        continue;
      }
      // the credential is the operation's security, not a parameter; header values are never copied
      if (lower === 'authorization') continue;
      op.parameters.push(param(h.key, 'header', false, joinPointer(rp, 'header', h.index)));
    }
    const body = bodyOf(request.body, contentType, joinPointer(rp, 'body'));
    if (body) op.requestBody = body;
    const security = requirementOf(request.auth, joinPointer(rp, 'auth')) ?? inherited;
    if (security) op.security = security;
    return op;
  };

  const rootItems = own(doc, 'item');
  if (Array.isArray(rootItems)) walkItems(rootItems, '/item', [], collectionSecurity, 0);
  parts.servers = [...serverKeys.values()];
  if (parts.servers.length === 0) parts.servers = [{ url: '/', basePath: '' }];
  parts.securitySchemes = [...schemes.values()];
  return parts;
}

function param(name: string, where: SpecParameter['in'], required: boolean, pointer: string): SpecParameter {
  return { name, in: where, required, deprecated: false, pointer };
}
