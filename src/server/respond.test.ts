import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHar } from '../pipeline/test-support.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  const res = await t.call('ingest', {
    method: 'POST',
    url: '/api/v1/traffic?wait=true',
    payload: demoHar(600),
  });
  expect(res.statusCode).toBe(202);
});
afterAll(() => t.close());

describe('virtual patches', () => {
  it('makes patches from a finding and an alert, lists, revokes; audited; roles', async () => {
    const findings = (await t.call('viewer', { method: 'GET', url: '/api/v1/findings' })).json()
      .findings as Array<{
      id: string;
      path?: string;
    }>;
    const finding = findings.find((f) => f.path);
    const alert = (await t.call('viewer', { method: 'GET', url: '/api/v1/alerts' })).json().alerts[0] as {
      id: string;
    };
    expect(finding && alert).toBeTruthy();
    const fromFinding = await t.call('analyst', {
      method: 'POST',
      url: '/api/v1/patches',
      payload: { from: 'finding', id: finding?.id, ttlHours: 2 },
    });
    expect(fromFinding.statusCode).toBe(201);
    const p1 = fromFinding.json().patch;
    expect(p1).toMatchObject({ createdBy: 'analyst', source: { kind: 'finding', id: finding?.id } });
    expect(Date.parse(p1.expires) - Date.parse(p1.created)).toBe(2 * 3600_000);
    const fromAlert = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/patches',
      payload: { from: 'alert', id: alert.id, action: 'log' },
    });
    expect(fromAlert.statusCode).toBe(201);
    expect(fromAlert.json().patch).toMatchObject({ action: 'log', source: { kind: 'alert', id: alert.id } });
    const list = (await t.call('viewer', { method: 'GET', url: '/api/v1/patches' })).json().patches as Array<{
      id: string;
    }>;
    expect(list.map((p) => p.id).sort()).toEqual([p1.id, fromAlert.json().patch.id].sort());
    expect(
      (
        await t.call('viewer', {
          method: 'POST',
          url: '/api/v1/patches',
          payload: { from: 'alert', id: alert.id },
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.call('viewer', { method: 'DELETE', url: `/api/v1/patches/${p1.id}` })).statusCode).toBe(
      403,
    );
    const revoked = await t.call('analyst', { method: 'DELETE', url: `/api/v1/patches/${p1.id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().patch).toMatchObject({ id: p1.id, revokedBy: 'analyst' });
    expect((await t.call('analyst', { method: 'DELETE', url: `/api/v1/patches/${p1.id}` })).statusCode).toBe(
      404,
    );
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/patches' })).json().patches).toHaveLength(
      1,
    );
    expect(
      (await t.call('viewer', { method: 'GET', url: '/api/v1/patches?includeExpired=true' })).json().patches,
    ).toHaveLength(2);
    const log = (await t.call('admin', { method: 'GET', url: '/api/v1/audit-log' })).json().entries as Array<{
      action: string;
    }>;
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['patch.create', 'patch.revoke']));
  });

  it('answers 404 for unknown sources and 400 naming the field otherwise', async () => {
    expect(
      (
        await t.call('analyst', {
          method: 'POST',
          url: '/api/v1/patches',
          payload: { from: 'finding', id: 'nope' },
        })
      ).statusCode,
    ).toBe(404);
    const cases: Array<[unknown, string]> = [
      [{ from: 'spec', id: 'x' }, 'body.from'],
      [{ from: 'alert' }, 'body.id'],
      [{ from: 'alert', id: 'x', ttlHours: 0 }, 'body.ttlHours'],
      [{ from: 'alert', id: 'x', action: 'drop' }, 'body.action'],
      [{ from: 'alert', id: 'x', createdBy: 'root' }, 'body.createdBy'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.call('analyst', {
        method: 'POST',
        url: '/api/v1/patches',
        payload: payload as Record<string, unknown>,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });
});

describe('actor decisions', () => {
  it('blocks and throttles actors with a TTL, lists live ones, lifts them; audited; roles', async () => {
    const block = await t.call('analyst', {
      method: 'POST',
      url: '/api/v1/decisions',
      payload: { actor: 'ip:203.0.113.9', action: 'block', ttlSeconds: 600, reason: 'credential stuffing' },
    });
    expect(block.statusCode).toBe(201);
    const d = block.json().decision;
    expect(d).toMatchObject({ actor: 'ip:203.0.113.9', action: 'block', createdBy: 'analyst' });
    expect(Date.parse(d.until) - Date.parse(d.created)).toBe(600_000);
    const throttle = await t.call('analyst', {
      method: 'POST',
      url: '/api/v1/decisions',
      payload: { actor: 'key:abc', action: 'throttle', ttlSeconds: 1, reason: 'scraping', ratePerSecond: 2 },
    });
    expect(throttle.statusCode).toBe(201);
    expect(
      (await t.call('viewer', { method: 'GET', url: '/api/v1/decisions' })).json().decisions,
    ).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1100));
    const live = (await t.call('viewer', { method: 'GET', url: '/api/v1/decisions' })).json().decisions;
    expect(live.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await t.call('viewer', { method: 'DELETE', url: `/api/v1/decisions/${d.id}` })).statusCode).toBe(
      403,
    );
    expect((await t.call('analyst', { method: 'DELETE', url: `/api/v1/decisions/${d.id}` })).statusCode).toBe(
      200,
    );
    expect((await t.call('analyst', { method: 'DELETE', url: `/api/v1/decisions/${d.id}` })).statusCode).toBe(
      404,
    );
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/decisions' })).json().decisions).toEqual(
      [],
    );
    const log = (await t.call('admin', { method: 'GET', url: '/api/v1/audit-log' })).json().entries as Array<{
      action: string;
    }>;
    expect(log.map((e) => e.action)).toEqual(
      expect.arrayContaining(['decision.block', 'decision.throttle', 'decision.delete']),
    );
  });

  it('answers 400 naming the field to bad decisions and garbage, never 500', async () => {
    const ok = { actor: 'ip:1.2.3.4', action: 'block', ttlSeconds: 60, reason: 'x' };
    const cases: Array<[unknown, string]> = [
      [{ ...ok, action: 'ban' }, 'body.action'],
      [{ ...ok, ttlSeconds: 0 }, 'body.ttlSeconds'],
      [{ ...ok, ttlSeconds: 1e12 }, 'body.ttlSeconds'],
      [{ ...ok, actor: '' }, 'body.actor'],
      [{ ...ok, reason: undefined }, 'body.reason'],
      [{ ...ok, action: 'throttle' }, 'body.ratePerSecond'],
      [{ ...ok, ratePerSecond: 5 }, 'body.ratePerSecond'],
      [{ ...ok, until: 5 }, 'body.until'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.call('analyst', {
        method: 'POST',
        url: '/api/v1/decisions',
        payload: payload as Record<string, unknown>,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    for (const url of ['/api/v1/decisions', '/api/v1/patches', '/api/v1/hunt/saved'])
      for (const payload of ['{', '[]', 'null', '"x"', '\u0000', '{"a":'.repeat(500)]) {
        const res = await t.call('analyst', {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        expect(res.statusCode, `${url} ${payload.slice(0, 10)}`).toBe(400);
      }
    for (const url of ['/api/v1/decisions/%00', '/api/v1/patches/..', '/api/v1/hunt/saved/%2e%2e%2f'])
      expect((await t.call('analyst', { method: 'DELETE', url })).statusCode, url).toBeLessThan(500);
  });
});
