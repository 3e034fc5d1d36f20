import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../model/index.js';
import { InventoryBuilder } from './builder.js';
import { exchange, fakeClassifier, spec } from './test-support/exchanges.js';

const H = 'https://api.shop.example';

function build(urls: Array<string | Parameters<typeof exchange>[0]>, opts = {}): InventoryBuilder {
  const b = new InventoryBuilder({ classifier: fakeClassifier, ...opts });
  for (const u of urls) b.add(exchange(typeof u === 'string' ? { url: u } : u));
  return b;
}

function paths(b: InventoryBuilder): string[] {
  return b
    .endpoints()
    .map((e) => `${e.method} ${e.path}`)
    .sort();
}

function find(list: Endpoint[], method: string, path: string): Endpoint {
  const e = list.find((x) => x.method === method && x.path === path);
  if (!e) throw new Error(`no ${method} ${path} in ${list.map((x) => `${x.method} ${x.path}`).join(', ')}`);
  return e;
}

const SLUGS = [
  'red-shirt',
  'blue-hat',
  'green-scarf',
  'yellow-socks',
  'black-jeans',
  'white-tee',
  'pink-dress',
  'grey-coat',
  'brown-boots',
  'navy-cap',
];

describe('learnt templating', () => {
  it('turns many distinct slugs with the same subtree into one parameter named after the parent', () => {
    const b = build([
      ...SLUGS.map((s) => `${H}/products/${s}`),
      ...SLUGS.slice(0, 5).map((s) => `${H}/products/${s}/reviews`),
      `${H}/products/search`,
    ]);
    expect(paths(b)).toEqual([
      'GET /products/search',
      'GET /products/{productId}',
      'GET /products/{productId}/reviews',
    ]);
    const e = find(b.endpoints(), 'GET', '/products/{productId}');
    expect(e.calls).toBe(10);
    expect(e.params.find((p) => p.location === 'path')).toMatchObject({
      name: 'productId',
      types: ['string'],
    });
  });

  it('keeps a few static siblings literal (below the threshold)', () => {
    const b = build([`${H}/api/users`, `${H}/api/orders`, `${H}/api/products`, `${H}/api/health`]);
    expect(paths(b)).toEqual(['GET /api/health', 'GET /api/orders', 'GET /api/products', 'GET /api/users']);
  });

  it('keeps /users/me and /users/search beside numeric ids', () => {
    const b = build([
      `${H}/users/1`,
      `${H}/users/2`,
      `${H}/users/me`,
      `${H}/users/search`,
      `${H}/users/3/orders/9`,
    ]);
    expect(paths(b)).toEqual([
      'GET /users/me',
      'GET /users/search',
      'GET /users/{userId}',
      'GET /users/{userId}/orders/{orderId}',
    ]);
  });

  it('folds value-like literals (digits) into an id-shaped sibling', () => {
    const b = build([`${H}/items/123`, `${H}/items/sku-9a`, `${H}/items/pending`]);
    expect(paths(b)).toEqual(['GET /items/pending', 'GET /items/{itemId}']);
  });

  it('takes a few file names that carry values for one parameter, static file names stay', () => {
    const b = build([
      ...['01', '02', '05', '11'].map((m) => `${H}/files/report-2026-${m}.csv`),
      `${H}/files/openapi.json`,
    ]);
    expect(paths(b)).toEqual(['GET /files/openapi.json', 'GET /files/{fileName}']);
    // an encoded traversal attempt is not a value with digits: it stays visible on its own
    const t = build([
      ...['01', '02', '05', '11'].map((m) => `${H}/files/report-2026-${m}.csv`),
      `${H}/files/..%2f..%2fetc%2fpasswd`,
    ]);
    expect(paths(t)).toEqual(['GET /files/..%2f..%2fetc%2fpasswd', 'GET /files/{fileName}']);
    expect(paths(build([`${H}/files/report-2026-01.csv`, `${H}/files/report-2026-02.csv`]))).toEqual([
      'GET /files/report-2026-01.csv',
      'GET /files/report-2026-02.csv',
    ]);
  });

  it('learns a varying first segment from identical sub-paths (tenants)', () => {
    const tenants = [
      'acme',
      'globex',
      'initech',
      'umbrella',
      'hooli',
      'stark',
      'wayne',
      'tyrell',
      'cyberdyne',
    ];
    const b = build(tenants.map((t) => `${H}/${t}/api/orders`));
    expect(paths(b)).toEqual(['GET /{id}/api/orders']);
  });

  it('keeps locales literal, but makes them a {locale} parameter when they vary like ids', () => {
    expect(paths(build([`${H}/en-US/help`, `${H}/ja/help`]))).toEqual(['GET /en-US/help', 'GET /ja/help']);
    const locales = ['en', 'ja', 'fr', 'de', 'es', 'it', 'pt-BR', 'zh-Hant', 'ko'];
    expect(paths(build(locales.map((l) => `${H}/${l}/products`)))).toEqual(['GET /{locale}/products']);
  });

  it('keeps versions and file names literal even when many', () => {
    const b = build([
      `${H}/openapi.json`,
      `${H}/swagger.yaml`,
      `${H}/v1/users`,
      `${H}/v2/users`,
      `${H}/v3/users`,
      `${H}/robots.txt`,
    ]);
    expect(paths(b)).toEqual([
      'GET /openapi.json',
      'GET /robots.txt',
      'GET /swagger.yaml',
      'GET /v1/users',
      'GET /v2/users',
      'GET /v3/users',
    ]);
  });

  it('makes a position a parameter once its distinct values exceed the cap (bounded memory)', () => {
    const names = Array.from(
      { length: 30 },
      (_, i) => `user${String.fromCharCode(97 + (i % 26))}${'x'.repeat(i)}`,
    );
    const b = build(
      names.map((n) => `${H}/people/${n.replace(/\d/g, '')}/avatar`),
      { templateCap: 16 },
    );
    expect(paths(b)).toEqual(['GET /people/{personId}/avatar']);
    expect(b.explain('/people/someone-new/avatar', 'api.shop.example')[1]).toMatch(/cap reached/);
  });

  it('takes a few values under a collection with the same sub-paths for ids', () => {
    const users = ['alice', 'bob', 'carol', 'dave'];
    expect(paths(build(users.map((u) => `${H}/users/${u}/orders`)))).toEqual(['GET /users/{userId}/orders']);
    // not under a collection name: resources of an API stay literal
    expect(paths(build(['users', 'orders', 'carts', 'items'].map((r) => `${H}/api/${r}/1`)))).toEqual([
      'GET /api/carts/{cartId}',
      'GET /api/items/{itemId}',
      'GET /api/orders/{orderId}',
      'GET /api/users/{userId}',
    ]);
  });

  it('folds every value once the cap is reached, whatever their sub-paths (owner/repo)', () => {
    const owners = Array.from({ length: 12 }, (_, i) =>
      `owner${String.fromCharCode(97 + i)}`.replace(/\d/g, ''),
    );
    const b = build(
      owners.map((o, i) => `${H}/${o}/repo${String.fromCharCode(97 + i)}`),
      { templateCap: 8 },
    );
    expect(new Set(paths(b).map((p) => p.split('/')[1]))).toEqual(new Set(['{id}']));
  });

  it('takes usernames under a collection as ids once there are enough', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    expect(paths(build(users.map((u) => `${H}/users/${u}`)))).toEqual(['GET /users/{userId}']);
    expect(paths(build(users.slice(0, 3).map((u) => `${H}/users/${u}`)))).toEqual([
      'GET /users/alice',
      'GET /users/bob',
      'GET /users/carol',
    ]);
  });

  it('lets the spec template win where a spec covers the path', () => {
    const s = spec({
      file: 'shop.yaml',
      ops: [{ method: 'GET', path: '/products/{sku}', operationId: 'getProduct' }],
    });
    const b = build([`${H}/products/red-shirt`, `${H}/products/123`], { specs: [s] });
    const list = b.endpoints();
    expect(list.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /products/{sku}']);
    expect(list[0]!.calls).toBe(2);
    expect(list[0]!.spec).toMatchObject({
      file: 'shop.yaml',
      operationId: 'getProduct',
      path: '/products/{sku}',
    });
    expect(list[0]!.params.find((p) => p.location === 'path')).toMatchObject({ name: 'sku', count: 2 });
  });

  it('stays bounded on hostile paths (very deep, overlong segments)', () => {
    const deep = `/${Array.from({ length: 5000 }, (_, i) => `s${i % 7}x`).join('/')}`;
    const b = build([`${H}${deep}`, `${H}/blob/${'a'.repeat(5000)}`, `${H}/odd//double/`]);
    const list = paths(b);
    expect(list).toContain('GET /blob/{blobId}');
    expect(list).toContain('GET /odd//double/');
    const deepOne = list.find((p) => p.startsWith('GET /s0x'))!;
    expect(deepOne.split('/').length).toBeLessThanOrEqual(50);
  });

  it('files HEAD calls answered by a GET operation under HEAD', () => {
    const s = spec({ file: 'shop.yaml', ops: [{ method: 'GET', path: '/users/{id}' }] });
    const b = build([{ url: `${H}/users/1`, method: 'HEAD' }, `${H}/users/2`], { specs: [s] });
    expect(paths(b)).toEqual(['GET /users/{id}', 'HEAD /users/{id}']);
    expect(b.endpoints().find((e) => e.method === 'HEAD')!.spec!.path).toBe('/users/{id}');
  });

  it('keeps hosts apart', () => {
    const b = build([`${H}/users/1`, 'https://admin.shop.example/users/1']);
    expect(
      b
        .endpoints()
        .map((e) => `${e.host} ${e.path}`)
        .sort(),
    ).toEqual(['admin.shop.example /users/{userId}', 'api.shop.example /users/{userId}']);
  });
});

describe('explain', () => {
  it('says why each segment is a parameter or a literal', () => {
    const b = build([...SLUGS.map((s) => `${H}/v2/products/${s}`), `${H}/v2/products/42/reviews`]);
    const lines = b.explain('/v2/products/red-shirt');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^v2 → v2: literal: version segment/);
    expect(lines[1]).toMatch(/^products → products: literal/);
    expect(lines[2]).toMatch(/^red-shirt → \{productId\}: parameter \(learnt\)/);
    expect(b.explain('/v2/products/42/reviews')[2]).toMatch(/42 → \{productId\}: parameter: numeric id/);
    expect(b.explain('/v2/unknown/3f2504e0-4f89-11d3-9a0c-0305e82c3301')[2]).toMatch(/UUID/);
    // a value never seen, at a position learnt as a parameter
    expect(b.explain('/v2/products/orange-gloves')[2]).toMatch(
      /^orange-gloves → \{productId\}: parameter: value not seen before/,
    );
    expect(b.explain('/v2/products/search')[2]).toMatch(/^search → search: literal: well-known static word/);
    // a full URL or a query string is fine too
    expect(b.explain('https://api.shop.example/v2/products/red-shirt?color=red')).toEqual(lines);
    expect(b.explain('https://elsewhere.example/v2/products/red-shirt')[0]).toMatch(/no traffic seen/);
  });

  it('names the spec when the spec decides', () => {
    const s = spec({
      file: 'shop.yaml',
      ops: [{ method: 'GET', path: '/users/{id}', operationId: 'getUser' }],
    });
    const b = build([], { specs: [s] });
    const lines = b.explain('/users/alice', 'api.shop.example');
    expect(lines).toEqual([
      'users → users: literal, from spec shop.yaml operation getUser',
      "alice → {id}: parameter, from spec shop.yaml operation getUser (the spec's template wins)",
    ]);
  });
});

describe('aggregation per endpoint', () => {
  it('collects params by location, content types, statuses, auth, clients, latency, error rate', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    const list = build([
      {
        url: `${H}/orders/1?expand=items&limit=10`,
        method: 'POST',
        headers: {
          'x-tenant-id': 'acme',
          'user-agent': 'curl',
          accept: '*/*',
          cookie: 'theme=dark',
          authorization: `Bearer ${jwt}`,
        },
        requestBody: { text: '{"customer":{"email":"a@example.com"},"items":[{"sku":"A1","qty":2}]}' },
        responseBody: { text: '{"id":1,"total":9.5,"createdAt":"2026-01-01T10:00:00Z"}' },
        status: 201,
        latencyMs: 100,
        client: '198.51.100.1',
      },
      {
        url: `${H}/orders/2?limit=20`,
        method: 'POST',
        status: 500,
        latencyMs: 300,
        client: '198.51.100.2',
        responseBody: { text: 'oops', mimeType: 'text/plain' },
      },
    ]).endpoints();
    const e = find(list, 'POST', '/orders/{orderId}');
    expect(e.calls).toBe(2);
    expect(e.clients).toBe(2);
    expect(e.statuses).toEqual({ '201': 1, '500': 1 });
    expect(e.errorRate).toBe(0.5);
    expect(e.latency!.p50).toBeGreaterThan(95);
    expect(e.latency!.p50).toBeLessThan(105);
    expect(e.latency!.p95).toBeGreaterThan(290);
    expect(e.latency!.p95).toBeLessThan(310);
    const byName = (loc: string, name: string) => e.params.find((p) => p.location === loc && p.name === name);
    expect(byName('path', 'orderId')).toMatchObject({ types: ['integer'], count: 2 });
    expect(byName('query', 'limit')).toMatchObject({ types: ['integer'], count: 2 });
    expect(byName('query', 'expand')).toMatchObject({ types: ['string'], count: 1 });
    expect(byName('header', 'x-tenant-id')).toMatchObject({ types: ['string'] });
    expect(byName('header', 'user-agent')).toBeUndefined();
    expect(byName('header', 'authorization')).toBeUndefined();
    expect(byName('cookie', 'theme')).toBeDefined();
    expect(byName('body', '$.customer.email')).toMatchObject({ types: ['string'], formats: ['email'] });
    expect(byName('body', '$.items[].qty')).toMatchObject({ types: ['integer'] });
    expect(e.requestContentTypes).toEqual(['application/json']);
    expect(e.responseContentTypes).toEqual(['application/json', 'text/plain']);
    expect(e.auth.map((a) => a.type).sort()).toEqual(['jwt', 'none']);
    expect(e.observed!.unauthenticatedSuccess).toBe(0);
    expect(e.observed!.browserCalls).toBe(1);
    expect(e.observed!.authSamples.jwt).toEqual({ file: 'test.har', index: expect.any(Number) });
    expect(e.sensitive).toEqual([
      { type: 'EMAIL', direction: 'request', field: '$.customer.email', count: 1, samples: ['a***'] },
    ]);
    // inferred schemas, examples masked
    const req = e.schemas!.request!;
    expect(req).toMatchObject({ type: 'object', required: ['customer', 'items'] });
    const props = req.properties as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    const email = props.customer!.properties.email!;
    expect(email.format).toBe('email');
    expect(JSON.stringify(req)).not.toContain('a@example.com');
    expect(e.schemas!.responses!['201']).toMatchObject({
      type: 'object',
      properties: { total: { type: 'number' }, createdAt: { type: 'string', format: 'date-time' } },
    });
    expect(e.firstSeen! <= e.lastSeen!).toBe(true);
    expect(e.sample).toMatchObject({ file: 'test.har' });
  });

  it('counts unauthenticated 2xx answers and posture headers with masked samples', () => {
    const list = build([
      {
        url: `${H}/profile/7`,
        responseHeaders: {
          server: 'nginx/1.25',
          'set-cookie': 'sid=abc123; HttpOnly',
          'x-powered-by': 'Express',
        },
      },
      { url: `${H}/profile/8`, headers: { 'x-api-key': 'k-1234567890abcdef' } },
    ]).endpoints();
    const e = find(list, 'GET', '/profile/{profileId}');
    expect(e.observed!.unauthenticatedSuccess).toBe(1);
    expect(e.observed!.responseHeaders.server).toEqual({ count: 1, sample: 'nginx/1.25' });
    expect(e.observed!.responseHeaders['set-cookie']!.sample).toBe('sid=***; HttpOnly');
    expect(e.observed!.schemes).toEqual({ https: 2 });
  });

  it('records stack-trace and SQL-error leaks with a masked excerpt and a sample', () => {
    const list = build([
      {
        url: `${H}/search?q=x`,
        status: 500,
        index: 41,
        responseBody: {
          mimeType: 'text/html',
          text: "<pre>You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''alice@example.com'' at line 1</pre>",
        },
      },
    ]).endpoints();
    const e = find(list, 'GET', '/search');
    expect(e.observed!.errorLeaks).toHaveLength(1);
    expect(e.observed!.errorLeaks[0]).toMatchObject({ kind: 'sql-error', count: 1, sample: { index: 41 } });
    expect(e.observed!.errorLeaks[0]!.excerpt).not.toContain('alice@example.com');
  });

  it('finds sensitive data with the real classifier, names path fields after the template, never keeps raw values', () => {
    const b = new InventoryBuilder({});
    b.add(
      exchange({
        url: `${H}/users/alice@example.com/cards`,
        responseBody: { text: '{"card":"4111111111111111","owner":{"email":"bob@example.org"}}' },
      }),
    );
    const e = b.endpoints()[0]!;
    expect(e.path).toBe('/users/{userId}/cards');
    const fields = e.sensitive.map((s) => `${s.type} ${s.direction} ${s.field}`).sort();
    expect(fields).toContain('EMAIL request path.{userId}');
    expect(fields).toContain('CREDIT_CARD response $.card');
    expect(fields).toContain('EMAIL response $.owner.email');
    const text = JSON.stringify(e);
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('bob@example.org');
    expect(text).not.toContain('alice@example.com');
  });

  it('keeps calls without a response out of the error rate', () => {
    const e = build([
      { url: `${H}/ping-me`, noResponse: true },
      { url: `${H}/ping-me`, status: 404 },
    ]).endpoints()[0]!;
    expect(e.calls).toBe(2);
    expect(e.errorRate).toBe(1);
  });
});
