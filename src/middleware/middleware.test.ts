import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import type { Patch } from '../respond/patch.js';
import { mamoriFastify } from './fastify.js';
import { withMamori } from './http.js';

function call(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              headers: res.headers,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    },
  );
}

const JSON_HDR = { 'content-type': 'application/json' };
const ATTACK = JSON.stringify({ q: "' OR 1=1 --", email: 'jane.doe@example.com' });

describe('node:http middleware', () => {
  for (const [mode, analysis] of [
    ['monitor', 'worker'],
    ['block', 'worker'],
    ['block', 'inline'],
  ] as const) {
    it(`${mode}, analysis ${analysis}: app gets the whole body; attacks are ${mode === 'block' ? 'blocked before the app' : 'recorded'}; exchanges masked`, async () => {
      const recorded: Exchange[] = [];
      const hits: string[] = [];
      const listener = withMamori(
        (req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            hits.push(body);
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ got: body.length, email: 'jane.doe@example.com' }));
          });
        },
        { mode, analysis, sink: (ex) => recorded.push(ex) },
      );
      const server = createServer(listener).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as { port: number }).port;
      try {
        const big = JSON.stringify({ name: 'n'.repeat(100_000) });
        const ok = await call(port, '/orders', { method: 'POST', headers: JSON_HDR, body: big });
        expect(ok.status).toBe(200);
        expect(JSON.parse(ok.body).got).toBe(big.length);
        const bad = await call(port, '/search', { method: 'POST', headers: JSON_HDR, body: ATTACK });
        if (mode === 'block') {
          expect(bad.status).toBe(403);
          expect(JSON.parse(bad.body).reason).toBe('signature.sqli');
          expect(hits).toHaveLength(1);
        } else {
          expect(bad.status).toBe(200);
          expect(hits).toHaveLength(2);
        }
        await new Promise((r) => setImmediate(r));
        await listener.sensor.guard.settled();
        expect(recorded).toHaveLength(2);
        expect(recorded[1]!.source.kind).toBe('middleware');
        expect(JSON.stringify(recorded)).not.toContain('jane.doe@example.com');
        // Decisions apply in-process too.
        listener.sensor.guard.decisions.set(
          { actor: 'ip:127.0.0.1', action: 'block', until: Date.now() + 60_000, reason: 'behaviour.test' },
          Date.now(),
        );
        expect((await call(port, '/orders')).status).toBe(403);
      } finally {
        server.close();
        await listener.sensor.close();
      }
    });
  }
});

describe('fastify plugin', () => {
  it('block mode stops attacks in query and JSON body before the handler; monitor records; responses copied masked', async () => {
    for (const mode of ['block', 'monitor'] as const) {
      const recorded: Exchange[] = [];
      let handled = 0;
      const app = Fastify();
      await app.register(mamoriFastify, { mode, sink: (ex) => recorded.push(ex) });
      app.post('/search', async () => {
        handled++;
        return { email: 'jane.doe@example.com' };
      });
      app.get('/items', async () => {
        handled++;
        return { ok: true };
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      try {
        expect((await call(port, '/items?id=5')).status).toBe(200);
        const q = await call(port, `/items?path=${encodeURIComponent('../../../../etc/passwd')}`);
        const b = await call(port, '/search', { method: 'POST', headers: JSON_HDR, body: ATTACK });
        if (mode === 'block') {
          expect(q.status).toBe(403);
          expect(b.status).toBe(403);
          expect(JSON.parse(b.body).requestId).toBe(b.headers['x-request-id']);
          expect(handled).toBe(1);
        } else {
          expect(q.status).toBe(200);
          expect(b.status).toBe(200);
          expect(handled).toBe(3);
        }
        await new Promise((r) => setImmediate(r));
        await (app as unknown as { mamori: { guard: { settled(): Promise<void> } } }).mamori.guard.settled();
        expect(recorded).toHaveLength(3);
        const text = JSON.stringify(recorded);
        expect(text).not.toContain('jane.doe@example.com');
        if (mode === 'monitor') expect(recorded[2]!.response?.body?.text).toContain('example.com');
        // Fastify hands its headers to writeHead (Node keeps none for getHeaders()): still recorded.
        expect(recorded[0]!.response?.headers['content-type']).toMatch(/^application\/json/);
        expect(recorded[0]!.response?.headers['content-length']).toMatch(/^\d+$/);
        expect(recorded[0]!.response?.body?.mimeType).toBe('application/json');
      } finally {
        await app.close();
      }
    }
  });
});

describe('behaviour decisions from the analysis reach later requests, in a worker thread or inline', () => {
  const headers = { 'user-agent': 'probe/1.0', accept: '*/*' };
  async function probe(mode: 'monitor' | 'block', analysis: 'worker' | 'inline') {
    const alerts: string[] = [];
    const listener = withMamori(
      (_req, res) => {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      },
      { mode, analysis, onAlert: (a) => alerts.push(`${a.type} ${a.actor}`) },
    );
    const server = createServer(listener).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    // Probing 40 paths that do not exist.
    for (let i = 0; i < 40; i++) await call(port, `/old-${i}/admin-${i * 7}`, { headers });
    await listener.sensor.guard.settled();
    const after: number[] = [];
    for (let i = 0; i < 3; i++) after.push((await call(port, '/anything', { headers })).status);
    server.close();
    await listener.sensor.close();
    return { alerts, after, decisions: listener.sensor.guard.decisions.list(Date.now()) };
  }

  it('monitor: the worker raises what inline analysis raises and makes the same decision', async () => {
    const worker = await probe('monitor', 'worker');
    const inline = await probe('monitor', 'inline');
    expect(inline.alerts.length).toBeGreaterThan(0);
    // Inline, the decision applies from the very next request, and a throttled request is not analysed;
    // from the worker it lands with the batch (up to 10 ms later), so the worker may see a little more.
    for (const a of inline.alerts) expect(worker.alerts).toContain(a);
    expect(worker.alerts.join('; ')).toContain('behaviour.not-found-spray ip:127.0.0.1');
    const of = (d: { actor: string; action: string }) => `${d.actor} ${d.action}`;
    expect(worker.decisions.map(of)).toEqual(inline.decisions.map(of));
    expect(worker.decisions.map(of)).toEqual(['ip:127.0.0.1 block']);
    // A behaviour decision is enforced in both modes (docs/respond.md), here from the worker's alert.
    expect(worker.after).toEqual([403, 403, 403]);
  });

  it('block: the decision made in the worker thread stops the actor on its next requests', async () => {
    const { decisions, after } = await probe('block', 'worker');
    const decision = decisions.find((d) => d.actor === 'ip:127.0.0.1');
    expect(decision?.reason).toMatch(/^behaviour\./);
    expect(after).toContain(decision?.action === 'block' ? 403 : 429);
  });
});

describe('virtual patches in node:http and Fastify (monitor mode: patches still apply)', () => {
  const patch: Patch = {
    id: 'patch-role',
    created: new Date().toISOString(),
    createdBy: 'test',
    source: { kind: 'manual', id: 'm' },
    description: 'block role in POST /users',
    match: { method: 'POST', path: '/users', where: 'body', name: 'role' },
    action: 'block',
  };
  const body = (o: unknown) => ({ method: 'POST', headers: JSON_HDR, body: JSON.stringify(o) });

  it('node:http: 403 with the patch id before the handler; other bodies reach it', async () => {
    let handled = 0;
    const actions: string[] = [];
    const listener = withMamori(
      (req, res) => {
        req.resume();
        req.on('end', () => {
          handled++;
          res.end('ok');
        });
      },
      { patches: [patch], onAction: (a) => actions.push(`${a.kind} ${a.patchId}`) },
    );
    const server = createServer(listener);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const blocked = await call(port, '/users', body({ name: 'x', role: 'admin' }));
      expect(blocked.status).toBe(403);
      expect(JSON.parse(blocked.body)).toMatchObject({ patchId: 'patch-role' });
      expect((await call(port, '/users', body({ name: 'x' }))).status).toBe(200);
      expect(handled).toBe(1);
      expect(actions).toEqual(['block patch-role']);
    } finally {
      await listener.sensor.close();
      server.close();
    }
  });

  it('Fastify: the same patch from a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mamori-mw-')), 'patches.json');
    writeFileSync(file, JSON.stringify({ patches: [patch] }));
    const app = Fastify();
    await app.register(mamoriFastify, { patches: file });
    app.post('/users', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    try {
      await (app as unknown as { mamori: { ready: Promise<void> } }).mamori.ready;
      expect((await call(port, '/users', body({ role: 'admin' }))).status).toBe(403);
      expect((await call(port, '/users', body({ name: 'x' }))).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
