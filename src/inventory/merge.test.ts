import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../model/index.js';
import { InventoryBuilder, type InventoryOptions } from './builder.js';
import { mergeEndpoints } from './merge.js';
import { type ExchangeInit, exchange, fakeClassifier, spec } from './test-support/exchanges.js';

const H = 'https://api.shop.example';

function run(inits: ExchangeInit[], opts: InventoryOptions = {}): Endpoint[] {
  const b = new InventoryBuilder({ classifier: fakeClassifier, ...opts });
  for (const i of inits) b.add(exchange(i));
  return b.endpoints();
}

const get = (list: Endpoint[], path: string, method = 'GET') =>
  list.find((e) => e.path === path && e.method === method)!;

describe('mergeEndpoints', () => {
  it('adds counts, unions sets, takes min/max of first/last seen, merges sketches', () => {
    const day1 = Date.UTC(2026, 0, 1);
    const day2 = Date.UTC(2026, 0, 2);
    const first = run([
      {
        url: `${H}/users/1?fields=a`,
        time: day1,
        latencyMs: 10,
        client: '198.51.100.1',
        responseBody: { text: '{"id":1,"email":"a@example.com"}' },
      },
      { url: `${H}/users/2`, time: day1 + 5, latencyMs: 10, client: '198.51.100.2', status: 404 },
    ]);
    const second = run([
      {
        url: `${H}/users/3?page=2`,
        time: day2,
        latencyMs: 1000,
        client: '198.51.100.2',
        responseBody: { text: '{"id":3,"name":"x","email":"b@example.com"}' },
      },
      { url: `${H}/users/4`, time: day2 + 5, latencyMs: 1000, client: '198.51.100.3' },
    ]);
    const merged = mergeEndpoints(first, second, {});
    expect(merged).toHaveLength(1);
    const e = merged[0]!;
    expect(e.calls).toBe(4);
    expect(e.clients).toBe(3); // 198.51.100.2 seen in both runs counts once
    expect(e.statuses).toEqual({ '200': 3, '404': 1 });
    expect(e.errorRate).toBe(0.25);
    expect(e.firstSeen).toBe(new Date(day1).toISOString());
    expect(e.lastSeen).toBe(new Date(day2 + 5).toISOString());
    expect(e.latency!.p50).toBeGreaterThan(9);
    expect(e.latency!.p50).toBeLessThan(11);
    expect(e.latency!.p95).toBeGreaterThan(950);
    expect(
      e.params
        .filter((p) => p.location === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['fields', 'page']);
    expect(e.params.find((p) => p.location === 'path')!.count).toBe(4);
    expect(e.sensitive).toHaveLength(1);
    expect(e.sensitive[0]).toMatchObject({ type: 'EMAIL', count: 2, samples: ['a***', 'b***'] });
    const schema = e.schemas!.responses!['200']!;
    expect(Object.keys(schema.properties as object).sort()).toEqual(['email', 'id', 'name']);
    expect(schema.required).toEqual(['id', 'email']);
    expect(e.sample).toEqual(first[0]!.sample);
  });

  it('folds stored literal paths into a template the fresh run learnt', () => {
    const slugs = [
      'red-shirt',
      'blue-hat',
      'green-scarf',
      'yellow-socks',
      'black-jeans',
      'white-tee',
      'pink-dress',
      'grey-coat',
    ];
    const stored = run([{ url: `${H}/products/red-shirt` }]);
    expect(stored[0]!.path).toBe('/products/red-shirt');
    const fresh = run(slugs.map((s) => ({ url: `${H}/products/${s}` })));
    const merged = mergeEndpoints(stored, fresh, {});
    expect(merged.map((e) => e.path)).toEqual(['/products/{productId}']);
    expect(merged[0]!.calls).toBe(9);
  });

  it('keeps a stored static sibling (`/users/search`, `/users/me`) apart from a fresh `/users/{userId}`', () => {
    const stored = run([
      { url: `${H}/users/search?q=a` },
      { url: `${H}/users/me` },
      { url: `${H}/users/v2` },
    ]);
    expect(stored.map((e) => e.path).sort()).toEqual(['/users/me', '/users/search', '/users/v2']);
    const fresh = run([1001, 1002, 1003, 1004, 1005].map((id) => ({ url: `${H}/users/${id}` })));
    expect(fresh.map((e) => e.path)).toEqual(['/users/{userId}']);
    const merged = mergeEndpoints(stored, fresh, {});
    expect(merged.map((e) => `${e.path} ${e.calls}`).sort()).toEqual([
      '/users/me 1',
      '/users/search 1',
      '/users/v2 1',
      '/users/{userId} 5',
    ]);
  });

  it('learns templates across runs: a few slugs in each run add up to a parameter', () => {
    const slugs = [
      'red-shirt',
      'blue-hat',
      'green-scarf',
      'yellow-socks',
      'black-jeans',
      'white-tee',
      'pink-dress',
      'grey-coat',
    ];
    const first = run(
      slugs.slice(0, 4).map((s, i) => ({ url: `${H}/products/${s}?ref=${i}`, client: `198.51.100.${i}` })),
    );
    const second = run(slugs.slice(4).map((s) => ({ url: `${H}/products/${s}` })));
    expect(first.map((e) => e.path)).toHaveLength(4);
    const merged = mergeEndpoints(first, second, {});
    expect(merged.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /products/{productId}']);
    const e = merged[0]!;
    expect(e.calls).toBe(8);
    expect(e.params.find((p) => p.location === 'path')).toMatchObject({ name: 'productId', count: 8 });
    expect(e.params.find((p) => p.location === 'query')).toMatchObject({ name: 'ref', count: 4 });
    // merging the result again changes nothing
    const again = mergeEndpoints(merged, [], {});
    expect(again.map((x) => `${x.path} ${x.calls}`)).toEqual(['/products/{productId} 8']);
  });

  it('recomputes tags: an orphan that is now called is no longer orphan; a new spec drops an old operation', () => {
    const v1 = spec({
      file: 'shop-v1.yaml',
      version: '1.0.0',
      ops: [
        { method: 'GET', path: '/orders', operationId: 'listOrders' },
        { method: 'GET', path: '/coupons', operationId: 'listCoupons' },
      ],
    });
    const v2 = spec({ file: 'shop-v2.yaml', version: '2.0.0', ops: [{ method: 'GET', path: '/orders' }] });
    const stored = run([{ url: `${H}/coupons` }], { specs: [v1] });
    expect(get(stored, '/orders').tags.map((t) => t.tag)).toEqual(['orphan']);
    expect(get(stored, '/coupons').tags).toEqual([]);
    const fresh = run([{ url: `${H}/orders` }, { url: `${H}/coupons` }], { specs: [v2] });
    expect(get(fresh, '/coupons').tags.map((t) => t.tag)).toEqual(['shadow']);
    const merged = mergeEndpoints(stored, fresh, { specs: [v2] });
    expect(get(merged, '/orders').tags).toEqual([]);
    expect(get(merged, '/orders').calls).toBe(1);
    const coupons = get(merged, '/coupons');
    expect(coupons.calls).toBe(2);
    expect(coupons.tags.map((t) => t.tag)).toEqual(['zombie']);
    expect(coupons.tags[0]!.reason).toMatch(/listed in shop-v1\.yaml .*no longer in shop-v2\.yaml/);
  });

  it('keeps stored endpoints the fresh run did not see, and approximates latency without sketches', () => {
    const a: Endpoint = {
      ...run([{ url: `${H}/a`, latencyMs: 10 }])[0]!,
    };
    const b = { ...run([{ url: `${H}/a`, latencyMs: 30 }])[0]! };
    delete a.sketch;
    delete b.sketch;
    const merged = mergeEndpoints([a, ...run([{ url: `${H}/only-stored` }])], [b], {});
    expect(merged.map((e) => e.path).sort()).toEqual(['/a', '/only-stored']);
    const m = get(merged, '/a');
    expect(m.latency!.p50).toBeGreaterThan(15);
    expect(m.latency!.p50).toBeLessThan(25);
    expect(m.clients).toBe(2);
  });
});

describe('mergeEndpoints folding into a template the store already has', () => {
  it('keeps the stored template’s calls when a stored literal folds into the same template', () => {
    const [base] = run([{ url: `${H}/users/search`, time: Date.UTC(2026, 0, 1) }]);
    const at = (path: string, calls: number): Endpoint => ({ ...base!, path, calls });
    // Stored: the template first, then a literal the fresh template covers (the order the store returns).
    const stored = [at('/users/{userId}', 31), at('/users/search', 2)];
    const merged = mergeEndpoints(stored, [at('/users/{userId}', 5)], {});
    expect(merged.reduce((n, e) => n + e.calls, 0)).toBe(38);
  });
});
