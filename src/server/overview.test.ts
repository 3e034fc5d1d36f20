import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExchanges } from '../pipeline/test-support.js';
import { exchangeToRecord } from '../sources/index.js';
import { overview } from './overview.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ bodyLimit: 64 * 1024 });
  // Demo traffic moved to yesterday and today, so the trends and real-time signal have something to show.
  const now = Date.now();
  const exchanges = demoExchanges(300);
  const lines = exchanges.map((x, i) =>
    JSON.stringify(exchangeToRecord({ ...x, time: now - (i % 2 ? 86_400_000 : 60_000) + i })),
  );
  for (let i = 0; i < lines.length; i += 50) {
    const res = await t.call('ingest', {
      method: 'POST',
      url: '/api/v1/traffic?wait=true',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${lines.slice(i, i + 50).join('\n')}\n`,
    });
    expect(res.statusCode).toBe(202);
  }
});
afterAll(() => t.close());

describe('overview', () => {
  it('counts the inventory, open work, trends and maturity inputs', async () => {
    const res = await t.call('viewer', { method: 'GET', url: '/api/v1/overview' });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    const endpoints = (await t.call('viewer', { method: 'GET', url: '/api/v1/inventory' })).json()
      .endpoints as Array<{
      host: string;
      risk: number;
      tags: Array<{ tag: string }>;
    }>;
    expect(o.endpoints).toBe(endpoints.length);
    expect(o.apis).toBe(new Set(endpoints.map((e) => e.host)).size);
    expect(o.tags.shadow).toBe(endpoints.filter((e) => e.tags.some((x) => x.tag === 'shadow')).length);
    expect(o.topRisky).toHaveLength(Math.min(10, endpoints.length));
    expect(o.topRisky[0].risk).toBe(Math.max(...endpoints.map((e) => e.risk)));
    const alerts = (await t.call('viewer', { method: 'GET', url: '/api/v1/alerts' })).json().alerts;
    expect(o.openAlerts).toBe(alerts.length);
    expect(o.openAlerts).toBeGreaterThan(0);
    expect(o.trends).toHaveLength(14);
    const today = new Date().toISOString().slice(0, 10);
    const last = o.trends.at(-1);
    expect(last.day).toBe(today);
    expect(last.endpointsSeen).toBeGreaterThan(0);
    expect(o.trends.at(-2).endpointsSeen).toBeGreaterThan(0);
    expect(last.findings).toBe(
      (await t.call('viewer', { method: 'GET', url: '/api/v1/findings' })).json().findings.length,
    );
    expect(o.trends[0].findings).toBeUndefined();
    expect(o.maturity).toMatchObject({
      sensitiveClassified: true,
      realTimeDetection: true,
      scansLast30Days: 0,
    });
    expect(o.maturity.documentedShare).toBe(0);
    expect(Date.now() - Date.parse(o.maturity.lastIngest)).toBeLessThan(2 * 86_400_000);
    // Acting on an alert takes it out of the open count.
    await t.call('analyst', {
      method: 'POST',
      url: `/api/v1/alerts/${encodeURIComponent(alerts[0].id)}/actions`,
      payload: { action: 'resolve' },
    });
    expect((await overview(t.store)).openAlerts).toBe(alerts.length - 1);
    expect((await t.call('ingest', { method: 'GET', url: '/api/v1/overview' })).statusCode).toBe(403);
    // An endpoint's alerts, filtered in the store.
    const a0 = alerts.find((a: { path?: string }) => a.path) as {
      host: string;
      method: string;
      path: string;
    };
    const q = `host=${a0.host}&method=${a0.method}&endpoint=${encodeURIComponent(a0.path)}`;
    const mine = (await t.call('viewer', { method: 'GET', url: `/api/v1/alerts?${q}` })).json().alerts;
    expect(mine.length).toBeGreaterThan(0);
    expect(
      mine.every((a: typeof a0) => a.host === a0.host && a.method === a0.method && a.path === a0.path),
    ).toBe(true);
  });

  it('answers the inventory in its summary form on request', async () => {
    const res = await t.call('viewer', { method: 'GET', url: '/api/v1/inventory?fields=summary&limit=5' });
    const rows = res.json().endpoints as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows)
      expect(Object.keys(r).sort()).toEqual(
        ['auth', 'calls', 'host', 'lastSeen', 'method', 'path', 'risk', 'sensitive', 'tags']
          .filter((k) => k in r)
          .sort(),
      );
    expect(Object.keys(rows[0] ?? {})).not.toContain('params');
    expect(
      (await t.call('viewer', { method: 'GET', url: '/api/v1/inventory?fields=all' })).json().field,
    ).toBe('querystring.fields');
  });

  it('pages the inventory by 100 by default with the total, the stored records as they are', async () => {
    // Copies of the demo inventory on other hosts: more endpoints than one default page.
    const seeded = await t.store.listEndpoints({ limit: 1000 });
    for (let k = 1; seeded.length * (k + 1) <= 150; k++)
      await t.store.putEndpoints(seeded.map((e) => ({ ...e, host: `copy${k}.${e.host}` })));
    const total = (await t.store.listEndpoints({ limit: 1000 })).length;
    expect(total).toBeGreaterThan(100);
    const first = await t.call('viewer', { method: 'GET', url: '/api/v1/inventory' });
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.json()).toEqual({ endpoints: await t.store.listEndpoints({ limit: 100 }), total });
    const rest = await t.call('viewer', { method: 'GET', url: '/api/v1/inventory?offset=100&limit=1000' });
    expect(rest.json()).toEqual({
      endpoints: await t.store.listEndpoints({ limit: 1000, offset: 100 }),
      total,
    });
    const host = `copy1.${seeded[0]?.host}`;
    const one = await t.call('viewer', { method: 'GET', url: `/api/v1/inventory?host=${host}&limit=1` });
    expect(one.json().total).toBe(seeded.filter((e) => e.host === seeded[0]?.host).length);
    expect(one.json().endpoints.map((e: { host: string }) => e.host)).toEqual([host]);
  });
});

describe('saved hunt queries', () => {
  it('saves, lists and deletes queries in the hunt route’s terms; only the owner or an admin deletes', async () => {
    const saved = await t.call('analyst', {
      method: 'POST',
      url: '/api/v1/hunt/saved',
      payload: {
        name: 'server errors',
        query: { status: 500, from: '2026-01-01T00:00:00.000Z', endpoint: '/v1/users/{id}' },
      },
    });
    expect(saved.statusCode).toBe(201);
    const q = saved.json().query;
    expect(q).toMatchObject({
      name: 'server errors',
      owner: 'analyst',
      query: { status: 500, from: '2026-01-01T00:00:00.000Z', endpoint: '/v1/users/{id}' },
    });
    expect((await t.store.listSavedQueries('analyst'))[0]?.query).toEqual({
      status: 500,
      from: Date.parse('2026-01-01T00:00:00Z'),
      path: '/v1/users/{id}',
    });
    await t.call('admin', { method: 'POST', url: '/api/v1/hunt/saved', payload: { name: 'all', query: {} } });
    expect(
      (await t.call('analyst', { method: 'GET', url: '/api/v1/hunt/saved' })).json().queries,
    ).toHaveLength(2);
    expect(
      (await t.call('analyst', { method: 'GET', url: '/api/v1/hunt/saved?mine=true' })).json().queries,
    ).toHaveLength(1);
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/hunt/saved' })).statusCode).toBe(403);
    const adminQuery = (await t.call('admin', { method: 'GET', url: '/api/v1/hunt/saved?mine=true' })).json()
      .queries[0];
    expect(
      (await t.call('analyst', { method: 'DELETE', url: `/api/v1/hunt/saved/${adminQuery.id}` })).statusCode,
    ).toBe(403);
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/hunt/saved/${q.id}` })).statusCode).toBe(
      200,
    );
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/hunt/saved/${q.id}` })).statusCode).toBe(
      404,
    );
    const log = (await t.call('admin', { method: 'GET', url: '/api/v1/audit-log' })).json().entries as Array<{
      action: string;
    }>;
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['hunt.save', 'hunt.unsave']));
  });

  it('names the field of bad queries and answers 413 past the body limit', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: '', query: {} }, 'body.name'],
      [{ name: 'x' }, 'body.query'],
      [{ name: 'x', query: { status: 'teapot' } }, 'body.query.status'],
      [{ name: 'x', query: { from: 'yesterday' } }, 'body.query.from'],
      [{ name: 'x', query: { sql: 'drop table' } }, 'body.query.sql'],
      // JSON bodies are not coerced: null is not a string, "5" is not a number.
      [{ name: null, query: {} }, 'body.name'],
      [{ name: 'x', query: { status: '500' } }, 'body.query.status'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.call('analyst', {
        method: 'POST',
        url: '/api/v1/hunt/saved',
        payload: payload as Record<string, unknown>,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    const big = { name: 'x'.repeat(100_000), query: {} };
    for (const [method, url] of [
      ['POST', '/api/v1/hunt/saved'],
      ['POST', '/api/v1/scans'],
      ['POST', '/api/v1/decisions'],
      ['POST', '/api/v1/patches'],
      ['PUT', '/api/v1/settings'],
    ] as const) {
      const res = await t.call('admin', { method, url, payload: big });
      expect(res.statusCode, url).toBe(413);
    }
  });
});
