import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import { Guard } from './guard.js';
import { startProxy } from './proxy.js';

describe('mamori proxy over TLS: HTTP/2 and HTTP/1.1 clients', () => {
  it('serves HTTP/2 and HTTP/1.1 on the same port and blocks over both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const upstream = createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
      });
      req.on('end', () => res.end(JSON.stringify({ got: n, path: req.url })));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const recorded: Exchange[] = [];
    const proxy = await startProxy(
      {
        upstream: new URL(`http://127.0.0.1:${(upstream.address() as { port: number }).port}`),
        guard: new Guard({ mode: 'block', sink: (e) => recorded.push(e) }),
        tls: { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      },
      '127.0.0.1',
      0,
    );
    const session = connect(`https://127.0.0.1:${proxy.port}`, { rejectUnauthorized: false });
    const h2 = (path: string, method = 'GET', body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const s = session.request({ ':path': path, ':method': method, 'content-type': 'application/json' });
        let status = 0;
        let text = '';
        s.on('response', (h) => {
          status = Number(h[':status']);
        });
        s.on('data', (d: Buffer) => {
          text += d.toString();
        });
        s.on('end', () => resolve({ status, body: text }));
        s.on('error', reject);
        s.end(body);
      });
    try {
      const ok = await h2('/items?x=1');
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).path).toBe('/items?x=1');
      const post = await h2('/items', 'POST', JSON.stringify({ a: 'b'.repeat(1000) }));
      expect(JSON.parse(post.body).got).toBe(1008);
      const bad = await h2(`/items?q=${encodeURIComponent("1' UNION SELECT password FROM users--")}`);
      expect(bad.status).toBe(403);
      expect(recorded.some((e) => e.request.httpVersion === 'HTTP/2.0' && e.request.scheme === 'https')).toBe(
        true,
      );

      const h1 = await new Promise<number>((resolve, reject) => {
        const r = httpsRequest(
          { host: '127.0.0.1', port: proxy.port, path: '/h1', rejectUnauthorized: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        r.on('error', reject);
        r.end();
      });
      expect(h1).toBe(200);
    } finally {
      session.close();
      await proxy.close();
      upstream.close();
    }
  });
});
