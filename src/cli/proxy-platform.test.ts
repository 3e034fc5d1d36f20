import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ProxyFlags, startFromFlags } from './proxy.js';
import { startServe } from './serve.js';
import { runCli } from './test-support.js';

describe('mamori proxy ⇄ mamori serve', () => {
  it('enforces the decisions and patches the platform serves, and lifts a deleted decision', {
    timeout: 120_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mamori-pp-'));
    const server = await startServe({
      host: '127.0.0.1',
      port: '0',
      dataDir,
      spec: [],
      approvedHosts: [],
      trustedProxy: [],
      corsOrigin: [],
      bodyLimit: String(1024 * 1024),
      rateLimit: '10000',
      retentionDays: '36500',
      retentionMaxExchanges: '1000000',
    } as Parameters<typeof startServe>[0]);
    const upstream = createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const token = server.adminToken!;
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, Record<string, unknown>> };
    };
    const made = await api('POST', '/api/v1/decisions', {
      actor: 'ip:127.0.0.1',
      action: 'block',
      ttlSeconds: 600,
      reason: 'soc: stop this client',
    });
    expect(made.status).toBe(201);
    const findings = (await api('GET', '/api/v1/findings')).body['findings'] as unknown as Array<{
      id: string;
      path?: string;
    }>;
    const finding = findings.find((f) => f.path !== undefined)!;
    const patched = await api('POST', '/api/v1/patches', {
      from: 'finding',
      id: finding.id,
      action: 'block',
    });
    expect(patched.status).toBe(201);
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
    expect(created.code, created.stderr).toBe(0);
    const sensorToken = created.stdout.trim();
    const flags: ProxyFlags = {
      listen: '127.0.0.1:0',
      upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`,
      mode: 'monitor',
      trustedProxy: [],
      spoolCap: '1048576',
      bodyCap: '65536',
      policyInterval: '60000',
      server: server.url,
      // The sensor's usual token: ingest-only, which may also read patches and decisions.
      token: sensorToken,
      spoolDir: join(dataDir, 'spool'),
    };
    const h = await startFromFlags(flags);
    try {
      // The platform's patch list reached the guard (a block patch makes the proxy read bodies first).
      expect(h.guard.patchesBlock).toBe(true);
      const blocked = await fetch(`http://127.0.0.1:${h.proxy.port}/anything`);
      expect(blocked.status).toBe(403);
      expect(await blocked.json()).toMatchObject({ error: 'blocked', reason: 'soc: stop this client' });
      expect((await api('DELETE', `/api/v1/decisions/${made.body['decision']!['id']}`)).status).toBe(200);
      expect((await api('DELETE', `/api/v1/patches/${patched.body['patch']!['id']}`)).status).toBe(200);
      await h.policy!.poll();
      expect(h.guard.patchesBlock).toBe(false);
      const ok = await fetch(`http://127.0.0.1:${h.proxy.port}/anything`);
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    } finally {
      await h.stop();
      upstream.close();
      await server.close();
    }
  });
});
