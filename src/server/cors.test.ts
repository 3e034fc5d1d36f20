// CORS is off unless configured (issue 7): no Access-Control-* header and no preflight answer for any
// origin by default; with `corsOrigins` only those origins get them, preflight included (a browser asks
// before every call that carries a bearer token).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support.js';

const ALLOWED = 'https://console.example';
const OTHER = 'https://evil.example';

const preflight = (t: TestServer, origin: string) =>
  t.app.inject({
    method: 'OPTIONS',
    url: '/api/v1/settings',
    headers: {
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS', () => {
  let off: TestServer;
  let on: TestServer;
  beforeAll(async () => {
    off = await startTestServer();
    on = await startTestServer({ corsOrigins: [ALLOWED] });
  });
  afterAll(async () => {
    await off.close();
    await on.close();
  });

  it('is off unless configured', async () => {
    for (const origin of [ALLOWED, OTHER]) {
      const res = await off.call('viewer', { method: 'GET', url: '/api/v1/inventory', headers: { origin } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await preflight(off, origin);
      expect(pre.statusCode).toBe(404);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('answers configured origins only, preflight included', async () => {
    const res = await on.call('viewer', {
      method: 'GET',
      url: '/api/v1/inventory',
      headers: { origin: ALLOWED },
    });
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['vary']).toMatch(/origin/i);
    const pre = await preflight(on, ALLOWED);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(pre.headers['access-control-allow-methods'])).toContain('PUT');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    // The preflight itself carries no credentials and reveals nothing but what the API accepts.
    expect(pre.body).toBe('');

    const other = await on.call('viewer', {
      method: 'GET',
      url: '/api/v1/inventory',
      headers: { origin: OTHER },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const refused = await preflight(on, OTHER);
    expect(refused.statusCode).toBe(404);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    // An OPTIONS that is not a preflight is no route either.
    expect((await on.app.inject({ method: 'OPTIONS', url: '/api/v1/settings' })).statusCode).toBe(404);
  });
});
