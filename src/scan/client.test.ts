import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DestructiveRefused,
  isDestructive,
  LimitReached,
  ScanClient,
  ScopeError,
  type Transport,
} from './client.js';

const servers: Server[] = [];
async function counting(
  handler?: (path: string) => [number, Record<string, string>],
): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const s = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const [status, headers] = handler?.(req.url ?? '/') ?? [200, {}];
    res.writeHead(status, headers);
    res.end('ok');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const base = {
  destructive: false,
  plan: false,
  rate: 1000,
  maxRequests: 100,
  deadline: Date.now() + 60_000,
  timeoutMs: 2000,
};

describe('ScanClient safety', () => {
  it('refuses any path that would leave the target origin', async () => {
    const target = await counting();
    const c = new ScanClient({ ...base, target: new URL(target.url) });
    for (const p of ['//evil.example/x', 'http://127.0.0.1:1/x', 'relative', '/\\evil.example']) {
      await expect(c.send({ method: 'GET', path: p })).rejects.toBeInstanceOf(ScopeError);
    }
    expect(target.hits).toEqual([]);
    expect(c.refused.scope).toBe(4);
  });

  it('never follows a redirect, on or off scope', async () => {
    const elsewhere = await counting();
    const target = await counting((p) =>
      p === '/go' ? [302, { location: `${elsewhere.url}/stolen` }] : [200, {}],
    );
    const c = new ScanClient({ ...base, target: new URL(target.url) });
    const ex = await c.send({ method: 'GET', path: '/go' });
    expect(ex.response.status).toBe(302);
    expect(elsewhere.hits).toEqual([]);
    expect(target.hits).toEqual(['GET /go']);
  });

  it('sends no state-changing request without --destructive', async () => {
    const target = await counting();
    const c = new ScanClient({ ...base, target: new URL(target.url) });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await expect(c.send({ method, path: '/x', body: '{}' })).rejects.toBeInstanceOf(DestructiveRefused);
    }
    const marked = { method: 'GET', path: '/', extensions: { 'x-destructive': true } } as never;
    await expect(c.send({ method: 'GET', path: '/x', op: marked })).rejects.toBeInstanceOf(
      DestructiveRefused,
    );
    expect(target.hits).toEqual([]);
    const d = new ScanClient({ ...base, destructive: true, target: new URL(target.url) });
    await d.send({ method: 'DELETE', path: '/x' });
    expect(target.hits).toEqual(['DELETE /x']);
    expect(isDestructive({ method: 'OPTIONS', path: '/' })).toBe(false);
  });

  it('--plan records every request and sends none', async () => {
    const target = await counting();
    const c = new ScanClient({ ...base, plan: true, destructive: true, target: new URL(target.url) });
    await c.send({ method: 'GET', path: '/a', as: 'alice' });
    await c.send({ method: 'POST', path: '/b', body: '{}' });
    expect(c.planned.map((p) => `${p.method} ${new URL(p.url).pathname} ${p.as}`)).toEqual([
      'GET /a alice',
      'POST /b ',
    ]);
    expect(c.sent).toBe(0);
    expect(target.hits).toEqual([]);
  });

  it('stops at the request budget and at the deadline', async () => {
    const transport: Transport = async () => ({ status: 200, headers: {}, body: '', truncated: false });
    const c = new ScanClient({ ...base, maxRequests: 2, target: new URL('http://127.0.0.1:9'), transport });
    await c.send({ method: 'GET', path: '/1' });
    await c.send({ method: 'GET', path: '/2' });
    await expect(c.send({ method: 'GET', path: '/3' })).rejects.toBeInstanceOf(LimitReached);
    let now = 1000;
    const late = new ScanClient({
      ...base,
      deadline: 1500,
      now: () => now,
      target: new URL('http://127.0.0.1:9'),
      transport,
    });
    await late.send({ method: 'GET', path: '/1' });
    now = 1500;
    await expect(late.send({ method: 'GET', path: '/2' })).rejects.toBeInstanceOf(LimitReached);
  });

  it('paces requests with a token bucket (rate 2/s → the third request waits)', async () => {
    let now = 0;
    const waits: number[] = [];
    const transport: Transport = async () => ({ status: 200, headers: {}, body: '', truncated: false });
    const c = new ScanClient({
      ...base,
      rate: 2,
      deadline: Number.MAX_SAFE_INTEGER,
      target: new URL('http://127.0.0.1:9'),
      transport,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 4; i++) await c.send({ method: 'GET', path: `/${i}` });
    expect(waits).toEqual([500, 500]);
    expect(now).toBe(1000);
  });
});

describe('bodies the server cuts short', () => {
  it('keeps the status, headers and what arrived, marked truncated (not a lost connection)', async () => {
    const s = createServer((req, res) => {
      // Declares 1000 bytes, sends 20, then closes: what a server whose middleware rewrote the body
      // after setting Content-Length does.
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      res.write('<title>listing</title>');
      setTimeout(() => req.socket.destroy(), 20);
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const c = new ScanClient({ ...base, target: new URL(url), deadline: Date.now() + 60_000 });
    const ex = await c.send({ method: 'GET', path: '/ftp' });
    expect(ex.response.status).toBe(200);
    expect(ex.response.truncated).toBe(true);
    expect(ex.response.body).toBe('<title>listing</title>');
    expect(c.incidents).toEqual([]);
  });
});
