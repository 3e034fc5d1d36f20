// Builders for the rules' own fixtures: small OpenAPI 3.1 documents and partial inventory endpoints.
// Fixtures are data the catalogue test feeds through the real spec loader and the engine.

import type { Endpoint, TrafficObservations } from '../../model/index.js';

type Obj = Record<string, unknown>;

export const BEARER: Obj = { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'opaque' } };

/** A minimal valid document; `extra` replaces top-level fields. */
export function doc(extra: Obj = {}): Obj {
  return {
    openapi: '3.1.0',
    info: { title: 'Fixture', version: '1.0.0' },
    servers: [{ url: 'https://api.mamori.dev/v1' }],
    paths: {},
    ...extra,
  };
}

/** Document-level bearer security. */
export function secured(extra: Obj = {}): Obj {
  return { security: [{ bearer: [] }], components: { securitySchemes: BEARER }, ...extra };
}

/** A document with one operation (default response 200). */
export function withOp(method: string, path: string, operation: Obj, extra: Obj = {}): Obj {
  return doc({
    paths: { [path]: { [method]: { responses: { '200': { description: 'ok' } }, ...operation } } },
    ...extra,
  });
}

/** A document whose only security scheme is `scheme`, used by one GET operation. */
export function withScheme(scheme: Obj, extra: Obj = {}): Obj {
  return doc({
    paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } },
    components: { securitySchemes: { main: scheme } },
    security: [{ main: [] }],
    ...extra,
  });
}

/** A secured write operation whose JSON request body is `schema`. */
export function withBody(schema: Obj, method = 'post'): Obj {
  return withOp(
    method,
    '/items',
    {
      requestBody: { required: true, content: { 'application/json': { schema } } },
      responses: { '201': { description: 'created' } },
    },
    secured(),
  );
}

/** A secured GET /items/{itemId} whose 200 JSON response is `schema`. */
export function withResponse(schema: Obj, extra: Obj = secured()): Obj {
  return withOp(
    'get',
    '/items/{itemId}',
    {
      parameters: [
        { name: 'itemId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
    },
    extra,
  );
}

/** A secured GET /items with one parameter. */
export function withParam(param: Obj, path = '/items', responses?: Obj): Obj {
  return withOp('get', path, { parameters: [param], ...(responses ? { responses } : {}) }, secured());
}

export const STR = { type: 'string', maxLength: 64, pattern: '^[a-z]+$' };

export function observed(partial: Partial<TrafficObservations> = {}): TrafficObservations {
  return {
    schemes: { https: 10 },
    responseHeaders: {},
    browserCalls: 0,
    errorLeaks: [],
    authSamples: { bearer: { file: 'traffic.har', index: 3 } },
    unauthenticatedSuccess: 0,
    ...partial,
  };
}

/** A partial endpoint: an authenticated GET seen 10 times over https (the rule test fills in the rest). */
export function ep(partial: Partial<Endpoint> = {}): Partial<Endpoint> {
  return {
    host: 'api.mamori.dev',
    method: 'GET',
    path: '/v1/items/{itemId}',
    calls: 10,
    clients: 2,
    auth: [{ type: 'bearer', in: 'header', name: 'authorization', count: 10 }],
    observed: observed(),
    ...partial,
  };
}

export const ANON_AUTH: Endpoint['auth'] = [{ type: 'none', count: 10 }];

export function anonObserved(extra: Partial<TrafficObservations> = {}): TrafficObservations {
  return observed({
    authSamples: { none: { file: 'traffic.har', index: 7 } },
    unauthenticatedSuccess: 10,
    ...extra,
  });
}

export function sensitive(
  type: string,
  field: string,
  direction: 'request' | 'response' = 'response',
): Endpoint['sensitive'][number] {
  return { type, direction, field, count: 3, samples: ['4111********1111'] };
}

/** A complete Endpoint from a partial one (defaults: nothing observed). */
export function fullEndpoint(partial: Partial<Endpoint>): Endpoint {
  return {
    host: 'api.mamori.dev',
    method: 'GET',
    path: '/v1/items',
    tags: [],
    calls: 1,
    clients: 1,
    params: [],
    requestContentTypes: [],
    responseContentTypes: ['application/json'],
    statuses: { '200': 1 },
    auth: [],
    sensitive: [],
    errorRate: 0,
    risk: 0,
    ...partial,
  };
}
