import { describe, expect, it } from 'vitest';
import type { ApiSpec, SpecOperation, SpecServer } from '../model/index.js';
import { loadSpec } from './spec.js';
import { compileTemplate, matchOperation, pathSegments } from './spec-match.js';

function fakeSpec(ops: Array<[string, string, SpecServer[]?]>, servers: SpecServer[]): ApiSpec {
  const operations: SpecOperation[] = ops.map(([method, path, s]) => ({
    method,
    path,
    tags: [],
    deprecated: false,
    parameters: [],
    responses: [],
    servers: s ?? servers,
    pointer: `/paths/${path}/${method.toLowerCase()}`,
    extensions: {},
  }));
  return {
    file: 'fake.yaml',
    kind: 'openapi',
    specVersion: '3.0.0',
    title: 'fake',
    servers,
    operations,
    securitySchemes: [],
    document: {},
    files: ['fake.yaml'],
    locate: () => ({ line: 1, column: 1 }),
    resolveRef: () => undefined,
  };
}

const api: SpecServer = {
  url: 'https://api.example.com/v2',
  scheme: 'https',
  host: 'api.example.com',
  basePath: '/v2',
};
const rel: SpecServer = { url: '/', basePath: '' };

function hit(spec: ApiSpec, method: string, host: string | undefined, path: string): string | undefined {
  const o = matchOperation(spec, method, host, path);
  return o ? `${o.method} ${o.path}` : undefined;
}

describe('matchOperation', () => {
  const spec = fakeSpec(
    [
      ['GET', '/users/{id}'],
      ['GET', '/users/me'],
      ['GET', '/users/{id}/orders/{orderId}'],
      ['GET', '/users/me/orders/{orderId}'],
      ['GET', '/files/{name}.json'],
      ['GET', '/files/{name}'],
      ['POST', '/users'],
      ['GET', '/'],
    ],
    [api],
  );

  it('requires the server basePath and host', () => {
    expect(hit(spec, 'GET', 'api.example.com', '/v2/users/42')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', 'API.example.com:443', '/v2/users/42')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', 'api.example.com', '/users/42')).toBeUndefined();
    expect(hit(spec, 'GET', 'other.example.com', '/v2/users/42')).toBeUndefined();
    expect(hit(spec, 'GET', undefined, '/v2/users/42')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', 'api.example.com', '/v2')).toBe('GET /');
    expect(hit(spec, 'GET', undefined, 'https://api.example.com/v2/users/7?x=1')).toBe('GET /users/{id}');
  });

  it('prefers literal segments over templated ones, wherever they differ', () => {
    expect(hit(spec, 'GET', undefined, '/v2/users/me')).toBe('GET /users/me');
    expect(hit(spec, 'GET', undefined, '/v2/users/me/orders/9')).toBe('GET /users/me/orders/{orderId}');
    expect(hit(spec, 'GET', undefined, '/v2/users/5/orders/9')).toBe('GET /users/{id}/orders/{orderId}');
    expect(hit(spec, 'GET', undefined, '/v2/files/a.json')).toBe('GET /files/{name}.json');
    expect(hit(spec, 'GET', undefined, '/v2/files/a.xml')).toBe('GET /files/{name}');
  });

  it('decodes percent-escapes per segment, ignores query, trailing slash and method case', () => {
    expect(hit(spec, 'get', undefined, '/v2/users/m%65')).toBe('GET /users/me');
    expect(hit(spec, 'GET', undefined, '/v2/users/a%2Fb')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', undefined, '/v2/users/42/?a=b')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', undefined, '/v2/users/%E0%A4%A')).toBe('GET /users/{id}'); // bad escape kept raw
    expect(hit(spec, 'GET', undefined, '/v2/users//42')).toBe('GET /users/{id}');
  });

  it('matches method exactly, HEAD falling back to GET', () => {
    expect(hit(spec, 'DELETE', undefined, '/v2/users/42')).toBeUndefined();
    expect(hit(spec, 'POST', undefined, '/v2/users')).toBe('POST /users');
    expect(hit(spec, 'HEAD', undefined, '/v2/users/42')).toBe('GET /users/{id}');
    expect(hit(spec, 'GET', undefined, '/v2/users/42/extra')).toBeUndefined();
  });

  it('prefers a server naming the host over a relative one, and honours per-operation servers', () => {
    const s = fakeSpec(
      [
        ['GET', '/a', [rel]],
        ['GET', '/a', [{ url: 'https://x.example', host: 'x.example', basePath: '' }]],
        ['GET', '/b', [{ url: 'http://y.example:8080', host: 'y.example', port: 8080, basePath: '' }]],
      ],
      [rel],
    );
    expect(matchOperation(s, 'GET', 'x.example', '/a')).toBe(s.operations[1]);
    expect(matchOperation(s, 'GET', 'z.example', '/a')).toBe(s.operations[0]);
    expect(hit(s, 'GET', 'y.example:8080', '/b')).toBe('GET /b');
    expect(hit(s, 'GET', 'y.example:9090', '/b')).toBeUndefined();
    expect(hit(s, 'GET', 'y.example', '/b')).toBe('GET /b');
  });

  it('works on a loaded spec with several servers', async () => {
    const r = await loadSpec('src/sources/fixtures/specs/openapi-3.0.yaml');
    const s = r.spec!;
    expect(hit(s, 'GET', 'api.shop.example:8443', '/api/v2/users/12')).toBe('GET /users/{id}');
    expect(hit(s, 'GET', 'anything.example', '/api/v2/users/12')).toBe('GET /users/{id}'); // relative server
    expect(hit(s, 'GET', 'me.shop.example', '/users/me')).toBe('GET /users/me');
    expect(hit(s, 'GET', 'api.shop.example', '/api/v2/users/me')).toBe('GET /users/{id}');
  });
});

describe('templates', () => {
  it('compiles one template to a matcher returning parameters', () => {
    const m = compileTemplate('/users/{userId}/files/{name}.{ext}');
    expect(m('/users/7/files/report.final.pdf')).toEqual({ userId: '7', name: 'report', ext: 'final.pdf' });
    expect(m('/users/7/files/report')).toBeUndefined();
    expect(m('/users/7/files')).toBeUndefined();
    expect(compileTemplate('/a/b')('/a/b/')).toEqual({});
  });

  it('splits paths into decoded segments', () => {
    expect(pathSegments('/a//b%20c/?q=1#f')).toEqual(['a', 'b c']);
  });
});
