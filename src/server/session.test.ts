import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from './console.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
let consoleDir: string;
beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'mamori-console-'));
  mkdirSync(join(consoleDir, 'assets'));
  writeFileSync(
    join(consoleDir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
  );
  writeFileSync(join(consoleDir, 'assets', 'app-1.js'), 'console.log(1)');
  t = await startTestServer({ consoleDir, sessionTtlMs: 60_000 });
});
afterAll(() => t.close());

const cookieOf = (setCookie: string | string[] | undefined) => {
  const line = [setCookie ?? ''].flat()[0] ?? '';
  return line.split(';')[0] ?? '';
};

async function signIn(token: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { authorization: `Bearer ${token}` },
  });
  return { res, cookie: cookieOf(res.headers['set-cookie']) };
}

describe('console session', () => {
  it('signs in with a token and sets an HttpOnly SameSite=Strict cookie', async () => {
    const { res, cookie } = await signIn(t.tokens.analyst);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'analyst', name: 'analyst' });
    const expires = Date.parse(res.json().expires);
    expect(expires - Date.now()).toBeGreaterThan(50_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(60_000);
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(
      /^mamori_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=60$/,
    );
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ role: 'analyst', name: 'analyst' });
    // The cookie authenticates every route, with the token's role.
    const inv = await t.app.inject({ method: 'GET', url: '/api/v1/inventory', headers: { cookie } });
    expect(inv.statusCode).toBe(200);
    const admin = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie } });
    expect(admin.statusCode).toBe(403);
    const log = await t.call('admin', { method: 'GET', url: '/api/v1/audit-log?action=session.create' });
    expect(log.json().entries[0]).toMatchObject({ who: 'analyst', action: 'session.create' });
  });

  it('refuses bad tokens without a cookie, and a cookie as sign-in credential', async () => {
    for (const authorization of ['Bearer mam_not-a-real-token-value', 'Bearer x', 'Basic YTpi', '']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const body = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { token: t.tokens.admin },
    });
    expect(body.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session' })).statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/inventory',
      headers: { cookie: `mamori_session=${'A'.repeat(43)}` },
    });
    expect(forged.statusCode).toBe(401);
    const { cookie } = await signIn(t.tokens.viewer);
    const renew = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { cookie, 'x-mamori-csrf': '1' },
    });
    expect(renew.statusCode).toBe(400);
    expect(renew.json()).toMatchObject({ field: 'headers.authorization' });
  });

  it('requires the CSRF header on cookie-authenticated changes, not on bearer ones', async () => {
    const { cookie } = await signIn(t.tokens.analyst);
    const act = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/none/actions',
        headers,
        payload: { action: 'acknowledge' },
      });
    const without = await act({ cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: 'csrf' });
    expect((await act({ cookie, 'x-mamori-csrf': '0' })).statusCode).toBe(403);
    expect((await act({ cookie, 'x-mamori-csrf': '1' })).statusCode).toBe(404);
    expect((await act({ authorization: `Bearer ${t.tokens.analyst}` })).statusCode).toBe(404);
  });

  it('signs out, and the cookie no longer works', async () => {
    const { cookie } = await signIn(t.tokens.viewer);
    const noCsrf = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, 'x-mamori-csrf': '1' },
    });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })).statusCode,
    ).toBe(401);
  });

  it('expires sessions and ends them when the token is revoked', async () => {
    const short = await startTestServer({ sessionTtlMs: 1000 });
    try {
      const res = await short.call('viewer', { method: 'POST', url: '/api/v1/session' });
      const cookie = cookieOf(res.headers['set-cookie']);
      const me = () => short.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
      expect((await me()).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await me()).statusCode).toBe(401);
      const again = await short.call('analyst', { method: 'POST', url: '/api/v1/session' });
      const cookie2 = cookieOf(again.headers['set-cookie']);
      await short.call('admin', { method: 'DELETE', url: '/api/v1/tokens/analyst' });
      expect(
        (await short.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: cookie2 } }))
          .statusCode,
      ).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('marks the cookie Secure when served over TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ]),
      { stdio: 'ignore' },
    );
    const tls = await startTestServer({
      https: { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
    });
    try {
      await tls.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = tls.app.server.address() as AddressInfo;
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/session',
            method: 'POST',
            rejectUnauthorized: false,
            headers: { authorization: `Bearer ${tls.tokens.viewer}` },
          },
          (res) => {
            res.resume();
            resolve(String(res.headers['set-cookie']));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(setCookie).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    } finally {
      await tls.close();
    }
  });
});

describe('console pages', () => {
  it('serves the built console with a strict CSP and falls back to index.html', async () => {
    for (const url of ['/', '/inventory', '/alerts/a-1?x=1']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('/assets/app-1.js');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    }
    const js = await t.app.inject({ method: 'GET', url: '/assets/app-1.js' });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    for (const url of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00.js', '/.env'])
      expect((await t.app.inject({ method: 'GET', url })).body, url).not.toContain('root:');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'not-found' });
  });

  it('says the console is not built when console/dist is missing', async () => {
    const bare = await startTestServer({ consoleDir: join(tmpdir(), 'mamori-no-such-console') });
    try {
      const res = await bare.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('console is not built');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    } finally {
      await bare.close();
    }
  });
});
