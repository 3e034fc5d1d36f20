// The observed API as an OpenAPI 3.1 document (`discover --export-openapi`): one server per host
// (path items list their hosts when not every host serves them), parameters seen in path, query,
// header and cookie, request bodies and responses per status with the inferred schemas and examples
// (already masked when inferred), security schemes derived from the auth observations. Endpoints never
// seen in traffic (orphans) are left out: this documents what runs, not what a spec claims.

import type { AuthObservation, Endpoint, JsonSchema, ParamObservation } from '../model/index.js';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function schemaOfParam(p: ParamObservation): JsonSchema {
  const types = p.types.length ? p.types : ['string'];
  const schema: JsonSchema = { type: types.length === 1 ? types[0] : types };
  if (p.formats.length === 1) schema.format = p.formats[0];
  return schema;
}

/** Name and definition of the security scheme an auth observation corresponds to. */
function securityScheme(a: AuthObservation): [string, Record<string, unknown>] | undefined {
  switch (a.type) {
    case 'basic':
      return ['basicAuth', { type: 'http', scheme: 'basic' }];
    case 'digest':
      return ['digestAuth', { type: 'http', scheme: 'digest' }];
    case 'jwt':
      return ['bearerJwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }];
    case 'bearer':
      return ['bearerAuth', { type: 'http', scheme: 'bearer' }];
    case 'oauth2':
      return [
        'oauth2Bearer',
        {
          type: 'http',
          scheme: 'bearer',
          description: 'OAuth 2.0 access token (flows not observable in traffic)',
        },
      ];
    case 'api-key': {
      const where = a.in ?? 'header';
      const name = a.name ?? (where === 'header' ? 'x-api-key' : 'api_key');
      return [
        `apiKey_${where}_${name}`.replace(/[^A-Za-z0-9._-]/g, '_'),
        { type: 'apiKey', in: where, name },
      ];
    }
    case 'session-cookie': {
      const name = a.name ?? 'session';
      return [`session_${name}`.replace(/[^A-Za-z0-9._-]/g, '_'), { type: 'apiKey', in: 'cookie', name }];
    }
    default:
      return undefined;
  }
}

/** An example value assembled from a schema's (masked) examples, bounded in depth. */
function exampleOf(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (props) {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(props)) {
      const v = exampleOf(s, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  const items = schema.items as JsonSchema | undefined;
  if (items) {
    const v = exampleOf(items, depth + 1);
    return v === undefined ? [] : [v];
  }
  return undefined;
}

function mediaType(schema: JsonSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (schema) out.schema = schema;
  const ex = exampleOf(schema);
  if (ex !== undefined) out.example = ex;
  return out;
}

function operationId(method: string, path: string, host: string, taken: Set<string>): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_'))
    .filter(Boolean);
  const base = `${method.toLowerCase()}${words.map((w) => `_${w}`).join('') || '_root'}`;
  let id = base;
  if (taken.has(id)) id = `${base}__${host.replace(/[^A-Za-z0-9]+/g, '_')}`;
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
  taken.add(id);
  return id;
}

function pickJson(types: string[]): string | undefined {
  return types.find((t) => t === 'application/json') ?? types.find((t) => t.includes('json'));
}

function serverUrl(e: Endpoint): string {
  const scheme =
    e.observed && (e.observed.schemes.https ?? 0) === 0 && (e.observed.schemes.http ?? 0) > 0
      ? 'http'
      : 'https';
  return e.host ? `${scheme}://${e.host}` : '/';
}

export function exportOpenApi(endpoints: Endpoint[], info: { title?: string } = {}): Record<string, unknown> {
  const observed = endpoints
    .filter((e) => e.calls > 0 && METHODS.has(e.method.toLowerCase()))
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method) || b.calls - a.calls);
  const servers = new Map<string, string>();
  for (const e of observed) servers.set(e.host, serverUrl(e));
  const allHosts = [...servers.keys()];
  const paths: Record<string, Record<string, unknown>> = {};
  const hostsOfPath = new Map<string, Set<string>>();
  const schemes: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  for (const e of observed) {
    let item = paths[e.path];
    if (!item) {
      item = {};
      paths[e.path] = item;
      hostsOfPath.set(e.path, new Set());
    }
    hostsOfPath.get(e.path)!.add(e.host);
    const method = e.method.toLowerCase();
    if (item[method]) continue; // same template on another host: the busiest one describes it
    const parameters: Record<string, unknown>[] = [];
    const pathNames = new Set([...e.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
    for (const name of pathNames) {
      const p = e.params.find((x) => x.location === 'path' && x.name === name);
      parameters.push({
        name,
        in: 'path',
        required: true,
        schema: p ? schemaOfParam(p) : { type: 'string' },
      });
    }
    for (const p of e.params) {
      if (p.location !== 'query' && p.location !== 'header' && p.location !== 'cookie') continue;
      parameters.push({
        name: p.name,
        in: p.location,
        required: p.count >= e.calls,
        schema: schemaOfParam(p),
      });
    }
    const op: Record<string, unknown> = {
      operationId: operationId(method, e.path, e.host, ids),
      summary: `${e.method} ${e.path} (observed ${e.calls} call${e.calls === 1 ? '' : 's'})`,
    };
    if (e.tags.length) op.tags = [...new Set(e.tags.map((t) => t.tag))];
    if (e.tags.some((t) => t.tag === 'deprecated')) op.deprecated = true;
    if (parameters.length) op.parameters = parameters;
    const reqTypes = e.requestContentTypes.filter((t) => t !== 'unknown');
    if (reqTypes.length || e.schemas?.request) {
      const content: Record<string, unknown> = {};
      const json = pickJson(reqTypes);
      for (const t of reqTypes)
        content[t] = t === json || (!json && t.includes('form')) ? mediaType(e.schemas?.request) : {};
      if (!reqTypes.length) content['application/json'] = mediaType(e.schemas?.request);
      op.requestBody = { content };
    }
    const responses: Record<string, unknown> = {};
    const resJson = pickJson(e.responseContentTypes);
    for (const status of Object.keys(e.statuses)) {
      if (!/^[1-5]\d\d$/.test(status)) continue;
      const schema = e.schemas?.responses?.[status];
      const resp: Record<string, unknown> = { description: `observed ${e.statuses[status]} time(s)` };
      if (schema) resp.content = { [resJson ?? 'application/json']: mediaType(schema) };
      responses[status] = resp;
    }
    if (Object.keys(responses).length === 0) responses.default = { description: 'no response observed' };
    op.responses = responses;
    const requirements: Record<string, string[]>[] = [];
    for (const a of e.auth) {
      if (a.type === 'none') continue;
      const s = securityScheme(a);
      if (!s) continue;
      schemes[s[0]] = s[1];
      if (!requirements.some((r) => s[0] in r)) requirements.push({ [s[0]]: [] });
    }
    if (requirements.length && e.auth.some((a) => a.type === 'none')) requirements.push({});
    op.security = requirements;
    if (e.sensitive.length)
      op['x-mamori-sensitive'] = e.sensitive.map((s) => ({
        type: s.type,
        direction: s.direction,
        field: s.field,
      }));
    item[method] = op;
  }
  for (const [path, hosts] of hostsOfPath) {
    if (hosts.size < allHosts.length)
      paths[path]!.servers = [...hosts].map((h) => ({ url: servers.get(h)! }));
  }
  const doc: Record<string, unknown> = {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Observed API',
      version: 'observed',
      description: 'Generated by mamori discover from observed traffic; example values are masked.',
    },
    servers: allHosts.map((h) => ({ url: servers.get(h)! })),
    paths,
  };
  if (Object.keys(schemes).length) doc.components = { securitySchemes: schemes };
  return doc;
}
