import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { demoHar } from '../pipeline/test-support.js';
import { startServe } from './serve.js';
import { runCli } from './test-support.js';

const flags = (dataDir: string) => ({
  host: '127.0.0.1',
  port: '0',
  dataDir,
  spec: [],
  approvedHosts: [],
  trustedProxy: [],
  corsOrigin: [],
  bodyLimit: String(10 * 1024 * 1024),
  rateLimit: '10000',
  retentionDays: '36500',
  retentionMaxExchanges: '1000000',
});

describe('mamori serve, token and ingest', () => {
  it('starts on an empty store with demo data, a one-time admin token, and takes ingested files', {
    timeout: 120_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mamori-serve-'));
    const server = await startServe(flags(dataDir));
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.adminToken).toMatch(/^mam_/);
      const get = async (path: string, token?: string) => {
        const res = await request(`${server.url}${path}`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown[]> };
      };
      expect((await get('/api/v1/inventory')).status).toBe(401);
      const inventory = await get('/api/v1/inventory', server.adminToken);
      expect(inventory.body['endpoints']?.length).toBeGreaterThan(5);
      expect((await get('/api/v1/alerts', server.adminToken)).body['alerts']?.length).toBeGreaterThan(0);
      expect((await get('/api/v1/findings', server.adminToken)).body['findings']?.length).toBeGreaterThan(0);
      // The demo traffic is dated today, so the overview's trends show it.
      const overview = (await get('/api/v1/overview', server.adminToken)).body as unknown as {
        trends: Array<{ day: string; endpointsSeen: number; alerts: number }>;
      };
      const today = overview.trends.find((t) => t.day === new Date().toISOString().slice(0, 10));
      expect(today?.endpointsSeen).toBeGreaterThan(5);
      expect(today?.alerts).toBeGreaterThan(0);

      const created = await runCli(
        'token',
        'create',
        '--name',
        'sensor',
        '--role',
        'ingest',
        '--data-dir',
        dataDir,
      );
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(/^mam_/);
      const listed = await runCli('token', 'list', '--format', 'json', '--data-dir', dataDir);
      expect(listed.stdout).not.toContain(token);
      expect(JSON.parse(listed.stdout).tokens.map((t: { name: string }) => t.name)).toContain('sensor');

      const har = join(dataDir, 'more.har');
      writeFileSync(har, JSON.stringify(demoHar(300, 99)));
      const sent = await runCli('ingest', har, '--server', server.url, '--token', token, '--batch', '100');
      expect(sent.code).toBe(0);
      expect(sent.stderr).toContain('300 exchanges accepted');

      expect((await runCli('token', 'revoke', 'sensor', '--data-dir', dataDir)).code).toBe(0);
      expect((await runCli('ingest', har, '--server', server.url, '--token', token)).code).toBe(2);
    } finally {
      await server.close();
    }
    // A restart finds tokens and data: no new admin token is printed. Retention flags are written into
    // the stored settings; --scan-target allows that origin; --session-hours sets the cookie's life.
    const { retentionMaxExchanges: _kept, ...base } = flags(dataDir);
    const again = await startServe({
      ...base,
      retentionDays: '7',
      scanTarget: ['http://127.0.0.1:9/api'],
      sessionHours: '2',
    });
    try {
      expect(again.adminToken).toBeUndefined();
      const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
      const settings = await request(`${again.url}/api/v1/settings`, { headers: admin });
      expect(((await settings.body.json()) as { retention: unknown }).retention).toEqual({
        days: 7,
        maxRows: 1_000_000,
      });
      const scan = async (target: string) => {
        const res = await request(`${again.url}/api/v1/scans`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ target, useInventory: true }),
        });
        return (await res.body.json()) as { field?: string; message?: string };
      };
      // Allowed, but the inventory knows nothing of that host: the allow-list check passed.
      expect((await scan('http://127.0.0.1:9/api')).field).toBe('body.useInventory');
      expect((await scan('http://127.0.0.1:10/api')).field).toBe('body.target');
      const session = await request(`${again.url}/api/v1/session`, {
        method: 'POST',
        headers: { authorization: admin.authorization },
      });
      expect(String(session.headers['set-cookie'])).toContain('Max-Age=7200');
      await session.body.dump();
    } finally {
      await again.close();
    }
    await expect(startServe({ ...flags(dataDir), scanTarget: ['ftp://x'] })).rejects.toThrow(/--scan-target/);
  });
});
