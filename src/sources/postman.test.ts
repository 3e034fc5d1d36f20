import { describe, expect, it } from 'vitest';
import type { ApiSpec, SpecOperation } from '../model/index.js';
import { inferSchema } from './postman.js';
import { loadSpec, loadSpecText, matchOperation } from './spec.js';

const file = 'src/sources/fixtures/specs/shop.postman_collection.json';

async function collection(): Promise<ApiSpec> {
  const r = await loadSpec(file);
  expect(r.issues).toEqual([]);
  return r.spec!;
}

function op(s: ApiSpec, summary: string): SpecOperation {
  const o = s.operations.find((x) => x.summary === summary);
  expect(o, summary).toBeDefined();
  return o!;
}

describe('Postman collection v2.1', () => {
  it('turns items in nested folders into operations in document order', async () => {
    const s = await collection();
    expect(s.kind).toBe('postman');
    expect(s.specVersion).toBe('postman-2.1');
    expect(s.title).toBe('Shop collection');
    expect(s.operations.map((o) => `${o.method} ${o.path}`)).toEqual([
      'GET /users/{userId}',
      'POST /users/{tenant}',
      'GET /health',
      'POST /login',
      'DELETE /sessions/{sessionId}',
    ]);
    expect(op(s, 'Create user').tags).toEqual(['Users', 'Admin']);
    expect(op(s, 'Create user').pointer).toBe('/item/0/item/1/item/0');
    expect(s.locate(op(s, 'Create user').pointer)).toEqual({ line: 51, column: 13 });
  });

  it('derives servers from url.host and collection variables', async () => {
    const s = await collection();
    const get = op(s, 'Get user');
    expect(get.servers).toEqual([
      { url: 'https://API.shop.example/v1', scheme: 'https', host: 'api.shop.example', basePath: '/v1' },
    ]);
    expect(op(s, 'Public health').servers[0]).toMatchObject({
      host: 'status.shop.example',
      port: 8080,
      scheme: 'http',
    });
    expect(op(s, 'Login form').servers[0]).toEqual({ url: '/', basePath: '' });
    expect(s.servers.map((x) => x.url)).toEqual([
      'https://API.shop.example/v1',
      'http://status.shop.example:8080',
      '/',
    ]);
    expect(matchOperation(s, 'GET', 'api.shop.example', '/v1/users/7')?.summary).toBe('Get user');
    expect(matchOperation(s, 'GET', 'other.example', '/v1/users/7')).toBeUndefined();
  });

  it('collects path, query and header parameters without copying credentials', async () => {
    const s = await collection();
    const get = op(s, 'Get user');
    expect(get.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:userId',
      'query:fields',
      'query:debug',
      'header:X-Request-Id',
    ]);
    expect(get.parameters[0]).toMatchObject({
      required: true,
      pointer: '/item/0/item/0/request/url/variable/0',
    });
    expect(get.parameters[1]!.example).toBe('name');
    expect(get.parameters[2]!.example).toBeUndefined();
    expect(JSON.stringify(get)).not.toContain('secret-value');
    expect(op(s, 'Create user').parameters.map((p) => p.name)).toEqual(['tenant']);
  });

  it('maps auth with folder inheritance and noauth', async () => {
    const s = await collection();
    expect(s.security).toEqual([{ bearerAuth: [] }]);
    expect(op(s, 'Get user').security).toEqual([{ bearerAuth: [] }]);
    expect(op(s, 'Create user').security).toEqual([{ apiKeyAuth: [] }]);
    expect(op(s, 'Public health').security).toEqual([]);
    expect(op(s, 'OAuth').security).toEqual([{ oauth2Auth: ['read', 'write'] }]);
    expect(s.securitySchemes).toEqual([
      { name: 'bearerAuth', type: 'http', scheme: 'bearer', pointer: '/auth' },
      {
        name: 'apiKeyAuth',
        type: 'apiKey',
        paramName: 'X-Admin-Key',
        in: 'header',
        pointer: '/item/0/item/1/auth',
      },
      {
        name: 'oauth2Auth',
        type: 'oauth2',
        flows: {
          clientCredentials: { scopes: ['read', 'write'], tokenUrl: 'https://auth.shop.example/token' },
        },
        pointer: '/item/3/request/auth',
      },
    ]);
    expect(JSON.stringify(s.securitySchemes)).not.toContain('not-a-real-token');
  });

  it('infers request and response schemas from examples', async () => {
    const s = await collection();
    const create = op(s, 'Create user');
    expect(create.requestBody!.content[0]).toMatchObject({
      contentType: 'application/json',
      schema: {
        type: 'object',
        properties: { name: { type: 'string' }, age: { type: 'null' }, score: { type: 'number' } },
      },
      pointer: '/item/0/item/1/item/0/request/body',
    });
    const login = op(s, 'Login form');
    expect(login.requestBody!.content[0]).toMatchObject({
      contentType: 'application/x-www-form-urlencoded',
      schema: { type: 'object', properties: { user: { type: 'string' }, password: { type: 'string' } } },
    });
    const resp = op(s, 'Get user').responses[0]!;
    expect(resp.status).toBe('200');
    expect(resp.headers).toEqual(['Content-Type']);
    expect(resp.content[0]!.contentType).toBe('application/json');
    expect(resp.content[0]!.schema).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string' } },
        created: { type: 'string', format: 'date-time' },
      },
    });
  });

  it('rejects Postman v1 collections with a hint, accepts minimal v2 collections', async () => {
    const v1 = await loadSpec('src/sources/fixtures/specs/postman-v1.json');
    expect(v1.spec).toBeUndefined();
    expect(v1.issues[0]).toMatchObject({ code: 'spec.unknown-format', fatal: true });
    expect(v1.issues[0]!.hint).toMatch(/v1/);
    const min = await loadSpecText(
      JSON.stringify({
        info: { name: 'm' },
        item: [{ request: 'https://a.example/x/:id' }, { name: 'no request' }],
      }),
      'm.json',
    );
    expect(min.spec!.operations.map((o) => `${o.method} ${o.path} ${o.servers[0]!.host}`)).toEqual([
      'GET /x/{id} a.example',
    ]);
  });

  it('survives malformed items', async () => {
    const r = await loadSpecText(
      JSON.stringify({
        info: { name: 'bad', schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
        item: [
          null,
          3,
          { request: 5 },
          { request: { url: { host: 7, path: [1, null] }, header: 'X-A: 1\nbad' } },
        ],
      }),
      'bad.json',
    );
    expect(r.spec!.specVersion).toBe('postman-2.0');
    expect(r.spec!.operations.map((o) => o.path)).toEqual(['/', '/']);
  });
});

describe('inferSchema', () => {
  it('describes shapes and caps depth', () => {
    expect(inferSchema([null, { a: true }])).toEqual({
      type: 'array',
      items: { type: 'object', properties: { a: { type: 'boolean' } } },
    });
    expect(inferSchema('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toEqual({ type: 'string', format: 'uuid' });
    let deep: unknown = 1;
    for (let i = 0; i < 500; i++) deep = [deep];
    expect(() => inferSchema(deep)).not.toThrow();
  });
});
