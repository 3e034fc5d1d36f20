import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, secretExchange } from '../pipeline/test-support.js';
import { exchangeToRecord } from '../sources/index.js';
import { DEFAULT_SETTINGS } from '../store/index.js';
import { applyRetention } from './settings.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ onSettings: (s) => applyRetention(t.store, s) });
});
afterAll(() => t.close());

const put = (payload: unknown, role: 'admin' | 'analyst' = 'admin') =>
  t.call(role, { method: 'PUT', url: '/api/v1/settings', payload: payload as Record<string, unknown> });

async function ingest(id: string) {
  const res = await t.call('ingest', {
    method: 'POST',
    url: '/api/v1/traffic?wait=true',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${JSON.stringify(exchangeToRecord({ ...secretExchange(id), time: Date.now() }))}\n`,
  });
  expect(res.statusCode).toBe(202);
}

describe('settings', () => {
  it('answers the defaults to readers; only admins change them, audited', async () => {
    const res = await t.call('viewer', { method: 'GET', url: '/api/v1/settings' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(DEFAULT_SETTINGS);
    expect((await put({ retention: { days: 7, maxRows: 100 } }, 'analyst')).statusCode).toBe(403);
    expect((await t.call('ingest', { method: 'GET', url: '/api/v1/settings' })).statusCode).toBe(403);
    const ok = await put({
      retention: { days: 7, maxRows: 100 },
      scanTargets: ['http://127.0.0.1:9/api', 'http://127.0.0.1:9'],
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      retention: { days: 7, maxRows: 100 },
      scanTargets: ['http://127.0.0.1:9'],
    });
    const log = (
      await t.call('admin', { method: 'GET', url: '/api/v1/audit-log?action=settings.update' })
    ).json();
    expect(log.entries[0]).toMatchObject({
      who: 'admin',
      details: { changed: ['retention', 'scanTargets'] },
    });
  });

  it('keeps webhook secrets write-only', async () => {
    const secret = 'whsec-0123456789abcdef';
    const res = await put({
      integrations: { webhooks: [{ url: 'https://hooks.example/a', events: ['alert'], secret }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().integrations.webhooks).toEqual([
      { url: 'https://hooks.example/a', events: ['alert'], signed: true },
    ]);
    const again = await put({
      integrations: {
        webhooks: [{ url: 'https://hooks.example/a', events: ['alert', 'incident'] }],
        ocsf: true,
      },
    });
    expect(again.json().integrations).toEqual({
      webhooks: [{ url: 'https://hooks.example/a', events: ['alert', 'incident'], signed: true }],
      ocsf: true,
    });
    expect((await t.store.getSettings()).integrations.webhooks[0]?.secret).toBe(secret);
    for (const role of ['admin', 'viewer'] as const) {
      const body = (await t.call(role, { method: 'GET', url: '/api/v1/settings' })).body;
      expect(body.includes(secret)).toBe(false);
    }
    const audit = (await t.call('admin', { method: 'GET', url: '/api/v1/audit-log' })).body;
    expect(audit.includes(secret)).toBe(false);
  });

  it('applies masking and retention to the pipeline at once', async () => {
    await ingest('masked-1');
    const stored = async (id: string) => (await t.store.queryExchanges({ contains: id }))[0]?.data ?? '';
    expect(await stored('masked-1')).not.toContain(SECRETS.email);
    expect((await put({ masking: { types: { EMAIL: 'keep' } } })).statusCode).toBe(200);
    await ingest('kept-1');
    expect(await stored('kept-1')).toContain(SECRETS.email);
    await put({ masking: { types: {} } });
    await ingest('masked-2');
    expect(await stored('masked-2')).not.toContain(SECRETS.email);
    expect(await t.store.countExchanges()).toBe(3);
    await put({ retention: { days: 30, maxRows: 1 } });
    expect(await t.store.countExchanges()).toBe(1);
    // By size: a budget of stored JSON smaller than the one exchange left deletes it.
    const bytes = await put({ retention: { days: 30, maxRows: 10, maxBytes: 100 } });
    expect(bytes.json().retention).toEqual({ days: 30, maxRows: 10, maxBytes: 100 });
    expect(await t.store.countExchanges()).toBe(0);
  });

  it('answers 400 naming the field to bad bodies, never 500', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'body'],
      [{ retention: { days: 0, maxRows: 1 } }, 'body.retention.days'],
      [{ retention: { days: 1 } }, 'body.retention.maxRows'],
      [{ masking: { types: { EMAIL: 'raw' } } }, 'body.masking.types.EMAIL'],
      [{ masking: { types: { 'bad type': 'keep' } } }, 'body.masking.types'],
      [{ scanTargets: ['ftp://x'] }, 'body.scanTargets.0'],
      [{ integrations: { webhooks: [{ url: 'nope', events: [] }] } }, 'body.integrations.webhooks.0.url'],
      [
        { integrations: { webhooks: [{ url: 'https://x', events: ['boom'] }] } },
        'body.integrations.webhooks.0.events.0',
      ],
      [{ integrations: { syslog: { host: 'x', port: 70000 } } }, 'body.integrations.syslog.port'],
      [{ role: 'admin' }, 'body.role'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().field, JSON.stringify(body)).toBe(field);
    }
    for (const payload of ['{', '[]', 'null', '"x"', '\u0000', '{"retention":[]}']) {
      const res = await t.call('admin', {
        method: 'PUT',
        url: '/api/v1/settings',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
    }
  });
});
