import { describe, expect, it } from 'vitest';
import type { Endpoint, LifecycleTagName } from '../model/index.js';
import { InventoryBuilder, type InventoryOptions } from './builder.js';
import { compareVersions } from './lifecycle.js';
import { exchange, fakeClassifier, spec } from './test-support/exchanges.js';

const H = 'https://api.shop.example';

function run(calls: Array<[string, string]>, opts: InventoryOptions = {}): Endpoint[] {
  const b = new InventoryBuilder({ classifier: fakeClassifier, ...opts });
  calls.forEach(([method, url], i) => {
    b.add(exchange({ method, url, index: i }));
  });
  return b.endpoints();
}

function tagsOf(
  list: Endpoint[],
  method: string,
  path: string,
  host = 'api.shop.example',
): LifecycleTagName[] {
  const e = list.find((x) => x.method === method && x.path === path && x.host === host);
  if (!e)
    throw new Error(`no ${method} ${path}: ${list.map((x) => `${x.method} ${x.host}${x.path}`).join(', ')}`);
  return e.tags.map((t) => t.tag).sort();
}

function tag(list: Endpoint[], method: string, path: string, name: LifecycleTagName) {
  return list.find((x) => x.method === method && x.path === path)?.tags.find((t) => t.tag === name);
}

const shop = spec({
  file: 'shop.yaml',
  version: '2.0.0',
  ops: [
    { method: 'GET', path: '/v2/users/{id}', operationId: 'getUser' },
    { method: 'GET', path: '/v2/orders', operationId: 'listOrders' },
    { method: 'DELETE', path: '/v2/orders/{id}', operationId: 'deleteOrder', deprecated: true },
    { method: 'GET', path: '/v2/legacy-report', operationId: 'legacyReport', deprecated: true },
  ],
});

describe('lifecycle tags', () => {
  it('nothing is tagged without specs or approved hosts', () => {
    const list = run([
      ['GET', `${H}/v2/users/1`],
      ['GET', `${H}/v2/orders`],
    ]);
    for (const e of list) expect(e.tags).toEqual([]);
  });

  it('shadow: called, documented nowhere (with evidence)', () => {
    const list = run(
      [
        ['GET', `${H}/v2/users/1`],
        ['POST', `${H}/v2/admin/export`],
      ],
      { specs: [shop] },
    );
    expect(tagsOf(list, 'POST', '/v2/admin/export')).toEqual(['shadow']);
    expect(tagsOf(list, 'GET', '/v2/users/{id}')).toEqual([]);
    const t = tag(list, 'POST', '/v2/admin/export', 'shadow')!;
    expect(t.reason).toMatch(/shop\.yaml/);
    expect(t.sample).toEqual({ file: 'test.har', index: 1 });
    expect(t.firstSeen).toBeDefined();
  });

  it('orphan: in the spec, never called; host from the spec servers', () => {
    const list = run([['GET', `${H}/v2/users/1`]], { specs: [shop] });
    expect(tagsOf(list, 'GET', '/v2/orders')).toEqual(['orphan']);
    const o = list.find((e) => e.path === '/v2/orders')!;
    expect(o.calls).toBe(0);
    expect(o.host).toBe('api.shop.example');
    expect(tag(list, 'GET', '/v2/orders', 'orphan')!.spec).toEqual({
      file: 'shop.yaml',
      version: '2.0.0',
      operationId: 'listOrders',
    });
  });

  it('deprecated alone (not called: also orphan) and deprecated + zombie when still called', () => {
    const list = run([['DELETE', `${H}/v2/orders/5`]], { specs: [shop] });
    expect(tagsOf(list, 'GET', '/v2/legacy-report')).toEqual(['deprecated', 'orphan']);
    expect(tagsOf(list, 'DELETE', '/v2/orders/{id}')).toEqual(['deprecated', 'zombie']);
    expect(tag(list, 'DELETE', '/v2/orders/{id}', 'zombie')!.reason).toMatch(/deprecated in shop\.yaml/);
  });

  it('zombie: an older version still called while the newer exists in traffic', () => {
    const list = run([
      ['GET', `${H}/v1/users/1`],
      ['GET', `${H}/v2/users/2`],
    ]);
    expect(tagsOf(list, 'GET', '/v1/users/{userId}')).toEqual(['zombie']);
    expect(tagsOf(list, 'GET', '/v2/users/{userId}')).toEqual([]);
    expect(tag(list, 'GET', '/v1/users/{userId}', 'zombie')!.replacedBy).toBe('GET /v2/users/{userId}');
  });

  it('shadow + zombie: an undocumented /v1 twin of a documented /v2 endpoint', () => {
    const list = run([['GET', `${H}/v1/users/1`]], { specs: [shop] });
    expect(tagsOf(list, 'GET', '/v1/users/{userId}')).toEqual(['shadow', 'zombie']);
    const z = tag(list, 'GET', '/v1/users/{userId}', 'zombie')!;
    expect(z.replacedBy).toBe('GET /v2/users/{id}');
    expect(z.reason).toMatch(/in the spec/);
  });

  it('zombie: listed only in an older version of the spec, still called', () => {
    const v1 = spec({
      file: 'shop-v1.yaml',
      version: '1.4.0',
      ops: [
        { method: 'GET', path: '/v2/users/{id}', operationId: 'getUser' },
        { method: 'GET', path: '/v2/coupons', operationId: 'listCoupons' },
      ],
    });
    const list = run(
      [
        ['GET', `${H}/v2/coupons`],
        ['GET', `${H}/v2/users/3`],
      ],
      { specs: [v1, shop] },
    );
    expect(tagsOf(list, 'GET', '/v2/coupons')).toEqual(['zombie']);
    expect(tag(list, 'GET', '/v2/coupons', 'zombie')!.reason).toMatch(
      /no longer in shop\.yaml \(version 2\.0\.0\)/,
    );
    // documented by the newest spec, not the older one
    expect(list.find((e) => e.path === '/v2/users/{id}')!.spec!.file).toBe('shop.yaml');
    // the older spec's operations are not orphans of the current API
    expect(list.filter((e) => e.spec?.file === 'shop-v1.yaml' && e.calls === 0)).toEqual([]);
  });

  it('rogue: host outside the approved globs (combined with shadow)', () => {
    const list = run(
      [
        ['GET', `${H}/v2/users/1`],
        ['GET', 'https://tmp-debug.herokuapp.com/dump'],
      ],
      { specs: [shop], approvedHosts: ['*.shop.example'] },
    );
    expect(tagsOf(list, 'GET', '/v2/users/{id}')).toEqual([]);
    expect(tagsOf(list, 'GET', '/dump', 'tmp-debug.herokuapp.com')).toEqual(['rogue', 'shadow']);
    expect(tag(list, 'GET', '/dump', 'rogue')!.reason).toMatch(
      /outside the approved hosts \(\*\.shop\.example\)/,
    );
  });

  it('compares versions numerically', () => {
    expect(compareVersions('v10', 'v9')).toBeGreaterThan(0);
    expect(compareVersions('1.10.0', '1.9.3')).toBeGreaterThan(0);
    expect(compareVersions('v2', 'v2.0')).toBe(0);
  });
});
