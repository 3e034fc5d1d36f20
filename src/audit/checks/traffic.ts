// Checkers over inventory endpoints (traffic rules): what the observed calls show about auth, transport,
// sensitive data, headers, error leaks and drift from the spec. Evidence points at exchanges.

import type { Endpoint, EvidenceRef, ExchangeSample, JsonSchema } from '../../model/index.js';
import type { CheckDef, EndpointNode, Hit } from '../types.js';
import { isInternalHost, isObject, schemaTypes, WRITE_METHODS } from './util.js';

function asEndpoint(node: { kind: string }): EndpointNode | undefined {
  return node.kind === 'endpoint' ? (node as EndpointNode) : undefined;
}

export function sampleRef(sample: ExchangeSample | undefined, excerpt?: string): EvidenceRef[] {
  if (!sample) return excerpt ? [{ excerpt }] : [];
  const ref: EvidenceRef = { index: sample.index };
  if (sample.file !== undefined) ref.file = sample.file;
  if (sample.line !== undefined) ref.line = sample.line;
  if (excerpt !== undefined) ref.excerpt = excerpt;
  return [ref];
}

function label(e: Endpoint): string {
  return `${e.method} ${e.host}${e.path}`;
}

/** Calls without credentials were answered (2xx) or the endpoint was only ever called anonymously. */
function servesAnonymous(e: Endpoint): boolean {
  const none = e.auth.find((a) => a.type === 'none');
  if (!none) return false;
  return (e.observed?.unauthenticatedSuccess ?? 0) > 0 || e.auth.every((a) => a.type === 'none');
}

function sensitiveOf(e: Endpoint, types: string[] | undefined, direction?: string) {
  return e.sensitive.filter(
    (s) => (!types || types.includes(s.type)) && (!direction || s.direction === direction),
  );
}

/** Sensitive data (of `types`, default any) in responses of an endpoint that answers anonymous calls. */
export const trafficSensitiveUnauthenticated: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    properties: {
      types: { type: 'array', items: { type: 'string' } },
      exceptTypes: { type: 'array', items: { type: 'string' } },
    },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const e = n.endpoint;
    if (!servesAnonymous(e)) return [];
    const except = (options.exceptTypes as string[] | undefined) ?? [];
    const hits = sensitiveOf(e, options.types as string[] | undefined, 'response').filter(
      (s) => !except.includes(s.type),
    );
    if (hits.length === 0) return [];
    const types = [...new Set(hits.map((h) => h.type))];
    const first = hits[0]!;
    return [
      {
        message: `${label(e)} returns ${types.join(', ')} to calls without credentials (${first.field} e.g. ${first.samples[0] ?? 'masked'})`,
        evidence: sampleRef(e.observed?.authSamples.none, `${first.field}: ${first.samples[0] ?? ''}`),
      },
    ];
  },
};

/** Endpoints with one of the lifecycle `tags`; `sensitive`: only when they carry sensitive data. */
export const trafficLifecycle: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    required: ['tags'],
    properties: { tags: { type: 'array', items: { type: 'string' } }, sensitive: { type: 'boolean' } },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const e = n.endpoint;
    const tag = e.tags.find((t) => (options.tags as string[]).includes(t.tag));
    if (!tag) return [];
    if (options.sensitive && e.sensitive.length === 0) return [];
    const types = [...new Set(e.sensitive.map((s) => s.type))];
    return [
      {
        message: `${label(e)} is ${tag.tag} (${tag.reason})${options.sensitive ? ` and carries ${types.join(', ')}` : ''}`,
        evidence: sampleRef(tag.sample, tag.reason),
      },
    ];
  },
};

/** The same endpoint was called both with and without credentials, or with different schemes. */
export const trafficMixedAuth: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    if (!n) return [];
    const e = n.endpoint;
    const types = [...new Set(e.auth.map((a) => a.type))];
    if (!types.includes('none') || types.length < 2) return [];
    if ((e.observed?.unauthenticatedSuccess ?? 0) === 0) return [];
    const evidence = [
      ...sampleRef(e.observed?.authSamples.none, 'no credentials'),
      ...types
        .filter((t) => t !== 'none')
        .flatMap((t) => sampleRef(e.observed?.authSamples[t], `${t} credentials`)),
    ];
    return [
      {
        message: `${label(e)} answered ${e.observed?.unauthenticatedSuccess ?? 0} call(s) without credentials while other calls used ${types.filter((t) => t !== 'none').join(', ')}`,
        evidence,
      },
    ];
  },
};

/** Sensitive data of `types` seen in query strings; `authInQuery`: also credentials carried in the query. */
export const trafficQuerySensitive: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    properties: { types: { type: 'array', items: { type: 'string' } }, authInQuery: { type: 'boolean' } },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const e = n.endpoint;
    const hits: Hit[] = [];
    const inQuery = e.sensitive.filter(
      (s) => s.field.startsWith('query.') && (!options.types || (options.types as string[]).includes(s.type)),
    );
    if (inQuery.length > 0) {
      const s = inQuery[0]!;
      hits.push({
        message: `${label(e)} carries ${[...new Set(inQuery.map((q) => q.type))].join(', ')} in the query string (${s.field})`,
        evidence: [{ excerpt: `${s.field}=${s.samples[0] ?? '***'}` }],
      });
    }
    if (options.authInQuery && hits.length === 0) {
      const a = e.auth.find((x) => x.in === 'query');
      if (a)
        hits.push({
          message: `${label(e)} receives ${a.type} credentials in query parameter \`${a.name ?? '?'}\``,
          evidence: sampleRef(e.observed?.authSamples[a.type], `query.${a.name ?? ''}`),
        });
    }
    return hits;
  },
};

/** Calls over plain http. */
export const trafficPlainHttp: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    const calls = n?.endpoint.observed?.schemes.http ?? 0;
    if (!n || calls === 0) return [];
    return [{ message: `${label(n.endpoint)} was called ${calls} time(s) over plain http` }];
  },
};

/** Responses leaking a stack trace or a SQL error. */
export const trafficErrorLeak: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: ['stack-trace', 'sql-error'] } },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const leak = n.endpoint.observed?.errorLeaks.find((l) => l.kind === options.kind);
    if (!leak) return [];
    return [
      {
        message: `${label(n.endpoint)} returned a ${leak.kind} in ${leak.count} response(s)`,
        evidence: sampleRef(leak.sample, leak.excerpt),
      },
    ];
  },
};

/** Response headers announcing server or framework versions. */
export const trafficVersionHeader: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    const headers = n?.endpoint.observed?.responseHeaders;
    if (!n || !headers) return [];
    const leaks: string[] = [];
    for (const name of ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator']) {
      const h = headers[name];
      if (!h) continue;
      if (name === 'server' && !/\d/.test(h.sample)) continue;
      leaks.push(`${name}: ${h.sample}`);
    }
    if (leaks.length === 0) return [];
    return [
      {
        message: `${label(n.endpoint)} announces ${leaks.join('; ')}`,
        evidence: [{ excerpt: leaks.join('\n') }],
      },
    ];
  },
};

/** Browser-facing endpoints (browser-like calls seen) whose responses lack `header`; `httpsOnly` for HSTS. */
export const trafficMissingHeader: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    required: ['anyHeaders'],
    properties: {
      anyHeaders: { type: 'array', items: { type: 'string' } },
      httpsOnly: { type: 'boolean' },
    },
  },
  run(node, options) {
    const n = asEndpoint(node);
    const o = n?.endpoint.observed;
    if (!n || !o || o.browserCalls === 0) return [];
    if (options.httpsOnly && (o.schemes.https ?? 0) === 0) return [];
    const wanted = options.anyHeaders as string[];
    const have = wanted.filter((h) => o.responseHeaders[h.toLowerCase()]);
    // Present on only some responses still counts as missing on the others.
    const fullyCovered = have.some(
      (h) => (o.responseHeaders[h.toLowerCase()]?.count ?? 0) >= n.endpoint.calls,
    );
    if (fullyCovered || (have.length > 0 && n.endpoint.calls === 0)) return [];
    return [
      {
        message: `${label(n.endpoint)} is called from browsers (${o.browserCalls} call(s)) but its responses ${have.length > 0 ? 'do not always carry' : 'lack'} ${wanted.join(' / ')}`,
      },
    ];
  },
};

/** Any origin with credentials: `Access-Control-Allow-Origin: *` (or reflected) together with allow-credentials. */
export const trafficCorsCredentials: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    const h = n?.endpoint.observed?.responseHeaders;
    if (!n || !h) return [];
    const origin = h['access-control-allow-origin']?.sample;
    const creds = h['access-control-allow-credentials']?.sample;
    if (!origin || !creds || creds.trim().toLowerCase() !== 'true') return [];
    if (origin.trim() !== '*' && origin.trim() !== 'null') return [];
    return [
      {
        message: `${label(n.endpoint)} allows origin ${origin.trim()} with credentials`,
        evidence: [
          { excerpt: `access-control-allow-origin: ${origin}\naccess-control-allow-credentials: ${creds}` },
        ],
      },
    ];
  },
};

/** JWTs whose header `alg` matches `algs` (regex); `publicOnly`: only on non-internal hosts. */
export const trafficJwtAlg: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    required: ['algs'],
    properties: { algs: { type: 'string' }, publicOnly: { type: 'boolean' } },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const e = n.endpoint;
    if (options.publicOnly && isInternalHost(e.host)) return [];
    const re = new RegExp(options.algs as string, 'i');
    const a = e.auth.find(
      (x) => (x.type === 'jwt' || x.type === 'bearer') && x.alg !== undefined && re.test(x.alg),
    );
    if (!a) return [];
    return [
      {
        message: `${label(e)} accepted ${a.count} call(s) with a JWT signed alg ${a.alg}`,
        evidence: sampleRef(e.observed?.authSamples[a.type], `alg: ${a.alg}`),
      },
    ];
  },
};

/** Credentials of `authTypes` seen in traffic (e.g. basic). */
export const trafficAuthType: CheckDef = {
  targets: ['endpoint'],
  options: {
    type: 'object',
    required: ['authTypes'],
    properties: { authTypes: { type: 'array', items: { type: 'string' } } },
  },
  run(node, options) {
    const n = asEndpoint(node);
    if (!n) return [];
    const a = n.endpoint.auth.find((x) => (options.authTypes as string[]).includes(x.type));
    if (!a) return [];
    return [
      {
        message: `${label(n.endpoint)} received ${a.count} call(s) with ${a.type} credentials`,
        evidence: sampleRef(n.endpoint.observed?.authSamples[a.type]),
      },
    ];
  },
};

/** State-changing calls answered 2xx without credentials. */
export const trafficUnauthenticatedWrite: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    if (!n || !WRITE_METHODS.includes(n.endpoint.method)) return [];
    const e = n.endpoint;
    if (!servesAnonymous(e)) return [];
    return [
      {
        message: `${label(e)} changed state for ${e.observed?.unauthenticatedSuccess ?? 0} call(s) without credentials`,
        evidence: sampleRef(e.observed?.authSamples.none),
      },
    ];
  },
};

/** Sensitive responses without `Cache-Control: no-store`. */
export const trafficSensitiveCacheable: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    const o = n?.endpoint.observed;
    if (!n || !o) return [];
    if (!n.endpoint.sensitive.some((s) => s.direction === 'response')) return [];
    const cc = o.responseHeaders['cache-control'];
    if (cc && /no-store/i.test(cc.sample) && cc.count >= n.endpoint.calls) return [];
    return [
      {
        message: `${label(n.endpoint)} returns sensitive data without Cache-Control: no-store${cc ? ` (saw ${cc.sample})` : ''}`,
      },
    ];
  },
};

function declaredFields(
  schema: JsonSchema | undefined,
  prefix: string,
  out: Set<string>,
  depth = 0,
  ancestors = new Set<object>(),
): boolean {
  // Returns false when the schema is open (no properties declared): nothing below it counts as undeclared.
  // `ancestors` cuts cycles only; a schema reused in two places is walked in both.
  if (!schema || depth > 8 || ancestors.has(schema)) return false;
  ancestors.add(schema);
  try {
    let closed = false;
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list))
        for (const s of list)
          if (isObject(s) && declaredFields(s, prefix, out, depth + 1, ancestors)) closed = true;
    }
    const types = schemaTypes(schema);
    if (types.has('array') && isObject(schema.items))
      return declaredFields(schema.items, `${prefix}[]`, out, depth + 1, ancestors);
    if (isObject(schema.properties)) {
      closed = true;
      for (const [name, sub] of Object.entries(schema.properties)) {
        const path = `${prefix}.${name}`;
        out.add(path);
        if (isObject(sub)) {
          const subOut = new Set<string>();
          if (declaredFields(sub, path, subOut, depth + 1, ancestors)) for (const p of subOut) out.add(p);
          else out.add(`${path}.*`);
        }
      }
    }
    return closed;
  } finally {
    ancestors.delete(schema);
  }
}

function observedFields(schema: JsonSchema | undefined, prefix: string, out: string[], depth = 0): void {
  if (!schema || depth > 8) return;
  const types = schemaTypes(schema);
  if (types.has('array') && isObject(schema.items))
    observedFields(schema.items, `${prefix}[]`, out, depth + 1);
  if (isObject(schema.properties))
    for (const [name, sub] of Object.entries(schema.properties)) {
      const path = `${prefix}.${name}`;
      out.push(path);
      if (isObject(sub)) observedFields(sub, path, out, depth + 1);
    }
}

function covered(path: string, declared: Set<string>): boolean {
  if (declared.has(path)) return true;
  // A declared open object (`$.meta.*`) covers everything below it.
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--)
    if (declared.has(`${parts.slice(0, i).join('.')}.*`)) return true;
  return false;
}

/** Response fields seen in traffic that the spec's response schema for that status does not declare. */
export const trafficUndeclaredFields: CheckDef = {
  targets: ['endpoint'],
  run(node) {
    const n = asEndpoint(node);
    if (!n?.specOp || !n.endpoint.schemas?.responses) return [];
    const hits: Hit[] = [];
    for (const [status, observed] of Object.entries(n.endpoint.schemas.responses)) {
      const resp =
        n.specOp.op.responses.find((r) => r.status === status) ??
        n.specOp.op.responses.find((r) => r.status.toUpperCase() === `${status[0]}XX`);
      const schema = resp?.content.find((c) => c.schema)?.schema;
      if (!resp || !schema) continue;
      const declared = new Set<string>();
      if (!declaredFields(schema, '$', declared)) continue;
      const seen: string[] = [];
      observedFields(observed, '$', seen);
      const extra = seen.filter((p) => !covered(p, declared));
      // Report the outermost undeclared fields only.
      const outer = extra.filter((p) => !extra.some((q) => q !== p && p.startsWith(`${q}.`)));
      if (outer.length === 0) continue;
      hits.push({
        message: `${label(n.endpoint)} ${status} responses carry field(s) the spec does not declare: ${outer.slice(0, 8).join(', ')}${outer.length > 8 ? ` (+${outer.length - 8})` : ''}`,
        evidence: [{ excerpt: outer.slice(0, 8).join(', ') }],
      });
    }
    return hits;
  },
};
