import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../model/index.js';
import { diffInventory } from './diff.js';

function ep(path: string, over: Partial<Endpoint> = {}): Endpoint {
  return {
    host: 'api.shop.example',
    method: 'GET',
    path,
    tags: [],
    calls: 3,
    clients: 1,
    params: [],
    requestContentTypes: [],
    responseContentTypes: [],
    statuses: { '200': 3 },
    auth: [],
    sensitive: [],
    errorRate: 0,
    risk: 0,
    ...over,
  };
}

const observed = (unauthenticatedSuccess: number) => ({
  schemes: { https: 3 },
  responseHeaders: {},
  browserCalls: 0,
  errorLeaks: [],
  authSamples: {},
  unauthenticatedSuccess,
});

describe('diffInventory', () => {
  it('reports nothing for identical inventories', () => {
    const a = [ep('/users/{userId}')];
    expect(diffInventory(a, a)).toMatchObject({ changes: 0, newEndpoints: [], removedEndpoints: [] });
  });

  it('finds new and removed endpoints and new hosts; orphans do not count as observed', () => {
    const base = [ep('/users/{userId}'), ep('/legacy'), ep('/spec-only', { calls: 0 })];
    const cur = [
      ep('/users/{userId}'),
      ep('/orders', { method: 'POST' }),
      ep('/debug', { host: 'debug.shop.example' }),
      ep('/legacy', { calls: 0 }),
    ];
    const d = diffInventory(base, cur);
    expect(d.newEndpoints).toEqual([
      { host: 'api.shop.example', method: 'POST', path: '/orders' },
      { host: 'debug.shop.example', method: 'GET', path: '/debug' },
    ]);
    expect(d.removedEndpoints).toEqual([{ host: 'api.shop.example', method: 'GET', path: '/legacy' }]);
    expect(d.newHosts).toEqual(['debug.shop.example']);
    expect(d.changes).toBe(4);
  });

  it('finds new sensitive data by type, field and direction', () => {
    const email = {
      type: 'EMAIL',
      direction: 'response' as const,
      field: '$.email',
      count: 2,
      samples: ['a***'],
    };
    const base = [ep('/users/{userId}', { sensitive: [email] })];
    const cur = [
      ep('/users/{userId}', {
        sensitive: [
          email,
          { ...email, field: '$.backupEmail' },
          { ...email, direction: 'request' },
          {
            type: 'CREDIT_CARD',
            direction: 'response',
            field: '$.card',
            count: 1,
            samples: ['4111********1111'],
          },
        ],
      }),
    ];
    const d = diffInventory(base, cur);
    expect(d.newSensitive.map((s) => `${s.type} ${s.direction} ${s.field}`)).toEqual([
      'EMAIL response $.backupEmail',
      'EMAIL request $.email',
      'CREDIT_CARD response $.card',
    ]);
  });

  it('finds endpoints that lost authentication', () => {
    const jwt = { type: 'jwt' as const, in: 'header' as const, name: 'authorization', count: 3 };
    const base = [
      ep('/me', { auth: [jwt], observed: observed(0) }),
      ep('/public', { auth: [{ type: 'none', count: 3 }], observed: observed(3) }),
      ep('/mixed', { auth: [jwt, { type: 'none', count: 1 }], observed: observed(1) }),
    ];
    const cur = [
      ep('/me', { auth: [jwt, { type: 'none', count: 2 }], observed: observed(2) }),
      ep('/public', { auth: [{ type: 'none', count: 3 }], observed: observed(3) }),
      ep('/mixed', { auth: [jwt, { type: 'none', count: 1 }], observed: observed(1) }),
    ];
    const d = diffInventory(base, cur);
    expect(d.lostAuth).toHaveLength(1);
    expect(d.lostAuth[0]).toMatchObject({ path: '/me', before: ['jwt'], unauthenticatedSuccess: 2 });
    // still authenticated, 4xx without credentials: not lost
    const ok = diffInventory(base, [
      ep('/me', { auth: [jwt, { type: 'none', count: 2 }], observed: observed(0) }),
    ]);
    expect(ok.lostAuth).toEqual([]);
  });
});
