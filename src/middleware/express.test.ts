import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import type { Patch } from '../respond/patch.js';
import { mamoriExpress } from './express.js';

function call(port: number, path: string, opts: { method?: string; body?: unknown } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const text = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: text ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const rolePatch: Patch = {
  id: 'patch-role',
  created: new Date().toISOString(),
  createdBy: 'test',
  source: { kind: 'manual', id: 'm' },
  description: 'block role in POST /users',
  match: { method: 'POST', path: '/users', where: 'body', name: 'role' },
  action: 'block',
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function listen(app: express.Express): Promise<number> {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

describe('mamori/express in a real Express app', () => {
  for (const placement of ['before', 'after'] as const) {
    it(`mounted ${placement} express.json(): blocks attacks and patched properties before the handler; the app gets the whole body; exchanges masked`, async () => {
      const out: Exchange[] = [];
      const handled: unknown[] = [];
      const mw = mamoriExpress({ mode: 'block', patches: [rolePatch], sink: (ex) => out.push(ex) });
      const app = express();
      if (placement === 'before') app.use(mw);
      app.use(express.json());
      if (placement === 'after') app.use(mw);
      app.post('/users', (req, res) => {
        handled.push(req.body);
        res.json({ ok: true, email: 'jane.doe@example.com' });
      });
      app.get('/search', (_req, res) => {
        handled.push('search');
        res.json({ ok: true });
      });
      const port = await listen(app);
      const big = 'y'.repeat(100_000);
      const ok = await call(port, '/users', { method: 'POST', body: { name: 'bob', bio: big } });
      expect(ok.status).toBe(200);
      expect(handled[0]).toEqual({ name: 'bob', bio: big });
      const patched = await call(port, '/users', { method: 'POST', body: { name: 'bob', role: 'admin' } });
      expect(patched.status).toBe(403);
      expect(JSON.parse(patched.body)).toMatchObject({ error: 'blocked', patchId: 'patch-role' });
      const sqli = await call(port, "/search?q=1'%20UNION%20SELECT%20password%20FROM%20users--");
      expect(sqli.status).toBe(403);
      expect(JSON.parse(sqli.body)).toMatchObject({ error: 'blocked', reason: 'signature.sqli' });
      expect(JSON.parse(sqli.body).requestId).toMatch(/^mw-/);
      expect(handled).toHaveLength(1);
      await mw.sensor.close();
      expect(out).toHaveLength(3);
      expect(out[0]!.response?.body?.text).not.toContain('jane.doe@example.com');
    });
  }

  it('monitor mode records attacks and lets them through; patches still apply', async () => {
    const out: Exchange[] = [];
    const mw = mamoriExpress({ patches: [rolePatch], sink: (ex) => out.push(ex) });
    const app = express();
    app.use(mw);
    app.use(express.json());
    app.all('/{*rest}', (_req, res) => res.json({ ok: true }));
    const port = await listen(app);
    expect((await call(port, "/search?q=1'%20OR%201=1--")).status).toBe(200);
    expect((await call(port, '/users', { method: 'POST', body: { role: 'admin' } })).status).toBe(403);
    await mw.sensor.close();
    expect(out).toHaveLength(2);
  });

  it('records responses whose headers the app set as numbers (Express 404: numeric Content-Length) without crashing', async () => {
    const out: Exchange[] = [];
    const mw = mamoriExpress({ mode: 'block', sink: (ex) => out.push(ex) });
    const app = express();
    app.use(mw);
    app.get('/n', (_req, res) => {
      res.setHeader('x-count', 3);
      res.end('three');
    });
    const port = await listen(app);
    expect((await call(port, '/missing')).status).toBe(404);
    expect((await call(port, '/n')).status).toBe(200);
    await mw.sensor.close();
    expect(out.map((ex) => ex.response?.status)).toEqual([404, 200]);
    expect(out[0]!.response?.headers['content-length']).toMatch(/^\d+$/);
    expect(out[1]!.response?.headers['x-count']).toBe('3');
  });

  it('the package exports mamori/express without a runtime dependency on express', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, { default: string }>;
      dependencies: Record<string, string>;
    };
    expect(pkg.exports['./express']?.default).toBe('./dist/middleware/express.js');
    expect(pkg.dependencies['express']).toBeUndefined();
    expect(readFileSync('src/middleware/express.ts', 'utf8')).not.toMatch(/^import .* from 'express'/m);
  });
});
