import { once } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, SIGNATURES, type SignatureFamily } from '../detect/index.js';
import type { SignatureExample } from '../detect/signatures/types.js';
import type { Alert, Exchange } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import { Guard } from './guard.js';
import { type RunningProxy, startProxy } from './proxy.js';
import { Shipper } from './shipper.js';
import { SpecGuard } from './spec-guard.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let upstream: Server;
let upstreamPort = 0;
let endStream: () => void = () => undefined;
const seen: Seen[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/big')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(200_000));
        return;
      }
      if (req.url?.startsWith('/stream')) {
        // A stream (server-sent events): the first event, then the rest only when the test says so.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        endStream = () => res.end('data: last\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, email: 'jane.doe@example.com', len: body.length }));
    });
  });
  upstream.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.write(`xff=${req.headers['x-forwarded-for']}\n`);
    socket.on('data', (d: Buffer) => socket.write(d));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamPort = (upstream.address() as { port: number }).port;
});

afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function call(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function proxyWith(guard: Guard, spec?: SpecGuard): Promise<RunningProxy> {
  const url = new URL(`http://127.0.0.1:${upstreamPort}`);
  return startProxy({ upstream: url, guard, ...(spec ? { spec } : {}) }, '127.0.0.1', 0);
}

const SAFE_HEADER = /^[\t\x20-\x7e]*$/;

/** The request that carries one example at its location, or undefined when HTTP cannot carry it. */
function requestFor(
  ex: SignatureExample,
): { path: string; headers: Record<string, string>; body?: string; method?: string } | undefined {
  const field = ex.name?.replace(/^\$\./, '').replace(/\[\]$/, '');
  switch (ex.in) {
    case 'path':
      return { path: encodeURI(ex.value.startsWith('/') ? ex.value : `/${ex.value}`), headers: {} };
    case 'query':
      return {
        path: `/api/items?${encodeURIComponent(ex.name ?? 'q')}=${encodeURIComponent(ex.value)}`,
        headers: {},
      };
    case 'query-name':
      return { path: `/api/items?${encodeURIComponent(ex.value)}=1`, headers: {} };
    case 'header':
      if (!SAFE_HEADER.test(ex.value)) return undefined;
      return { path: '/api/items', headers: { [ex.name ?? 'x-test']: ex.value } };
    case 'cookie':
      if (!SAFE_HEADER.test(ex.value) || /[;]/.test(ex.value)) return undefined;
      return { path: '/api/items', headers: { cookie: `${ex.name ?? 'c'}=${ex.value}` } };
    case 'json-value':
      if (field?.includes('.')) return undefined;
      return {
        path: '/api/items',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [field ?? 'q']: ex.value }),
      };
    case 'json-key':
      return {
        path: '/api/items',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [ex.value]: { x: 1 } }),
      };
    case 'body':
      return {
        path: '/api/items',
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: ex.value,
      };
    default:
      return undefined;
  }
}

function examplesOf(family: SignatureFamily): SignatureExample[] {
  const out: SignatureExample[] = [];
  for (const s of SIGNATURES) {
    if (s.family !== family) continue;
    for (const a of s.attacks) {
      const ex: SignatureExample = typeof a === 'string' ? { in: s.where[0]!, value: a } : a;
      if (s.fieldPattern && ex.name === undefined) continue;
      out.push(ex);
    }
  }
  return out;
}

describe('mamori proxy: payload signatures', () => {
  const families = [...new Set(SIGNATURES.map((s) => s.family))];

  it('block mode answers 403 with a request id and a JSON body for every signature family; monitor forwards and records', async () => {
    const blocked: Exchange[] = [];
    const recorded: Exchange[] = [];
    const alerts: Alert[] = [];
    const block = await proxyWith(new Guard({ mode: 'block', sink: (ex) => blocked.push(ex) }));
    const monitor = await proxyWith(
      new Guard({
        mode: 'monitor',
        detector: createDetector(),
        sink: (ex) => recorded.push(ex),
        onAlert: (a) => alerts.push(a),
      }),
    );
    try {
      const missed: string[] = [];
      for (const family of families) {
        let ok = false;
        for (const example of examplesOf(family).slice(0, 12)) {
          const r = requestFor(example);
          if (!r) continue;
          const before = seen.length;
          const res = await call(block.port, r.path, r);
          if (res.status !== 403) continue;
          const body = JSON.parse(res.body) as { error: string; requestId: string; reason: string };
          expect(body.error).toBe('blocked');
          expect(body.reason).toMatch(/^signature\./);
          expect(res.headers['x-request-id']).toBe(body.requestId);
          expect(seen.length).toBe(before); // never reached the upstream
          expect(blocked.some((e) => e.id === body.requestId && e.response?.status === 403)).toBe(true);
          // The same request in monitor mode goes through and is recorded.
          const m = await call(monitor.port, r.path, r);
          expect(m.status).toBe(200);
          expect(seen.length).toBe(before + 1);
          ok = true;
          break;
        }
        if (!ok) missed.push(family);
      }
      expect(missed).toEqual([]);
      const types = new Set(alerts.map((a) => a.type));
      for (const family of families) expect(types.has(`signature.${family}`), family).toBe(true);
      expect(recorded.length).toBeGreaterThanOrEqual(families.length);
    } finally {
      await block.close();
      await monitor.close();
    }
  });

  it('masks sensitive values and credentials before an exchange leaves, and streams bodies past the cap', async () => {
    const recorded: Exchange[] = [];
    const p = await proxyWith(new Guard({ mode: 'monitor', bodyCap: 1024, sink: (ex) => recorded.push(ex) }));
    try {
      const res = await call(p.port, '/api/users?email=jane.doe@example.com', {
        method: 'POST',
        headers: { authorization: 'Bearer abc.def.ghi', 'content-type': 'application/json' },
        body: JSON.stringify({ card: '4111111111111111', password: 'hunter2', pad: 'y'.repeat(5000) }),
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).len).toBeGreaterThan(5000); // whole body reached the upstream
      const big = await call(p.port, '/big');
      expect(big.body.length).toBe(200_000);
      const text = JSON.stringify(recorded);
      expect(text).not.toContain('jane.doe@example.com');
      expect(text).not.toContain('4111111111111111');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('abc.def.ghi');
      const first = recorded.find((e) => e.request.path === '/api/users')!;
      expect(first.request.body?.truncated).toBe(true);
      expect(first.request.body?.size).toBeGreaterThan(5000);
      const bigEx = recorded.find((e) => e.request.path === '/big')!;
      expect(bigEx.response?.body?.size).toBe(200_000);
      expect(bigEx.response?.body?.text.length).toBe(1024);

      // A streamed answer's first event reaches the client while the upstream is still sending.
      const got: string[] = [];
      const streamed = new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port: p.port, path: '/stream' }, (res) => {
          res.on('data', (c: Buffer) => {
            got.push(c.toString('utf8'));
            if (got.length === 1) endStream();
          });
          res.on('end', () => resolve());
        })
          .on('error', reject)
          .end();
      });
      await streamed;
      expect(got[0]).toBe('data: first\n\n');
      expect(got.join('')).toBe('data: first\n\ndata: last\n\n');
    } finally {
      await p.close();
    }
  });

  it('appends X-Forwarded-For, answers 400 to a malformed request and keeps serving, passes WebSocket upgrades', async () => {
    const p = await proxyWith(new Guard({ mode: 'block' }));
    try {
      await call(p.port, '/xff', { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(seen.at(-1)?.headers['x-forwarded-for']).toBe('198.51.100.7, 127.0.0.1');

      const sock = connect(p.port, '127.0.0.1');
      sock.write('GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n');
      const [raw] = (await once(sock, 'data')) as [Buffer];
      expect(raw.toString()).toMatch(/^HTTP\/1\.1 400/);
      sock.destroy();
      expect((await call(p.port, '/after')).status).toBe(200);

      const ws = connect(p.port, '127.0.0.1');
      ws.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      let got = '';
      ws.on('data', (d: Buffer) => {
        got += d.toString();
      });
      while (!got.includes('xff=')) await once(ws, 'data');
      expect(got).toMatch(/^HTTP\/1\.1 101/);
      ws.write('ping-frame');
      while (!got.includes('ping-frame')) await once(ws, 'data');
      expect(got).toContain('xff=127.0.0.1');
      ws.destroy();
    } finally {
      await p.close();
    }
  });
});

describe('mamori proxy: decisions', () => {
  it('throttles and blocks an actor until the decision expires', async () => {
    let clock = 1_000_000;
    const guard = new Guard({ mode: 'monitor', now: () => clock });
    const p = await proxyWith(guard);
    try {
      guard.decisions.set(
        { actor: 'ip:127.0.0.1', action: 'throttle', until: clock + 5000, reason: 'test', ratePerSecond: 1 },
        clock,
      );
      expect((await call(p.port, '/t')).status).toBe(200);
      const limited = await call(p.port, '/t');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('1');
      clock += 1000; // next second: one more allowed
      expect((await call(p.port, '/t')).status).toBe(200);
      clock += 5000; // expired
      expect((await call(p.port, '/t')).status).toBe(200);
      expect((await call(p.port, '/t')).status).toBe(200);

      guard.decisions.set(
        { actor: 'ip:127.0.0.1', action: 'block', until: clock + 60_000, reason: 'behaviour.x' },
        clock,
      );
      const b = await call(p.port, '/t');
      expect(b.status).toBe(403);
      expect(JSON.parse(b.body).reason).toBe('behaviour.x');
      clock += 60_001;
      expect((await call(p.port, '/t')).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it("a behavioural alert blocks (high) or throttles (medium) the actor's next requests", async () => {
    let severity: Alert['severity'] = 'medium';
    const fake = {
      config: createDetector().config,
      process: (ex: Exchange): Alert[] =>
        ex.request.path === '/trigger'
          ? [
              {
                id: 'a1',
                type: 'behaviour.bola-enumeration',
                severity,
                actor: 'ip:127.0.0.1',
                evidence: [],
                evidenceRefs: [],
                firstSeen: '',
                lastSeen: '',
                count: 1,
                explanation: '',
              },
            ]
          : [],
      flush: () => {
        throw new Error('unused');
      },
      state: () => ({}),
    };
    const guard = new Guard({ mode: 'block', detector: fake, throttleRate: 1 });
    const p = await proxyWith(guard);
    try {
      expect((await call(p.port, '/trigger')).status).toBe(200);
      const codes = [(await call(p.port, '/x')).status, (await call(p.port, '/x')).status];
      expect(codes).toContain(429);
      severity = 'high';
      guard.decisions.delete('ip:127.0.0.1');
      await call(p.port, '/trigger');
      const b = await call(p.port, '/x');
      expect(b.status).toBe(403);
      expect(JSON.parse(b.body).reason).toBe('behaviour.bola-enumeration');
    } finally {
      await p.close();
    }
  });
});

describe('mamori proxy: positive security from the spec', () => {
  const SPEC = `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /api/items/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
        - { name: fields, in: query, schema: { type: string, maxLength: 10 } }
      responses: { '200': { description: ok } }
  /api/items:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: { name: { type: string, maxLength: 20 }, qty: { type: integer } }
      responses: { '201': { description: ok } }
`;

  it('rejects unknown operations, unknown parameters, wrong types and sizes in block mode; records shadow calls in monitor mode', async () => {
    const { spec } = await loadSpecText(SPEC, 'api.yaml');
    const blockGuard = new SpecGuard(spec!);
    const block = await proxyWith(new Guard({ mode: 'block' }), blockGuard);
    const recorded: Exchange[] = [];
    const monGuard = new SpecGuard(spec!);
    const monitor = await proxyWith(new Guard({ mode: 'monitor', sink: (e) => recorded.push(e) }), monGuard);
    const json = { 'content-type': 'application/json' };
    try {
      expect((await call(block.port, '/api/items/42?fields=name')).status).toBe(200);
      expect(
        (
          await call(block.port, '/api/items', {
            method: 'POST',
            headers: json,
            body: '{"name":"a","qty":2}',
          })
        ).status,
      ).toBe(200);
      const cases: Array<[string, Parameters<typeof call>[2], string]> = [
        ['/api/admin', {}, 'spec.unknown-operation'],
        ['/api/items/42?debug=1', {}, 'spec.unknown-parameter'],
        ['/api/items/abc', {}, 'spec.invalid-parameter'],
        ['/api/items/42?fields=aaaaaaaaaaaaaaaa', {}, 'spec.invalid-parameter'],
        [
          '/api/items',
          { method: 'POST', headers: json, body: '{"name":"a","role":"admin"}' },
          'spec.unknown-parameter',
        ],
        [
          '/api/items',
          { method: 'POST', headers: json, body: '{"name":"a","qty":"many"}' },
          'spec.invalid-body',
        ],
        [
          '/api/items',
          { method: 'POST', headers: json, body: `{"name":"${'n'.repeat(30)}"}` },
          'spec.invalid-body',
        ],
      ];
      for (const [path, opts, code] of cases) {
        const r = await call(block.port, path, opts);
        expect(r.status, path).toBe(403);
        expect(JSON.parse(r.body).reason.startsWith(code), `${path} ${r.body}`).toBe(true);
        expect((await call(monitor.port, path, opts)).status).toBe(200);
      }
      expect(monGuard.counts.get('spec.unknown-operation')).toBe(1);
      const shadow = recorded.find((e) => e.request.path === '/api/admin')!;
      expect(shadow.request.headers['x-mamori-spec']).toMatch(/^spec\.unknown-operation/);
    } finally {
      await block.close();
      await monitor.close();
    }
  });
});

describe('platform shipper', () => {
  it('spools while the platform is down and drains when it returns: nothing lost or doubled', async () => {
    const received: string[] = [];
    let auth = '';
    const platform = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        auth = req.headers.authorization ?? '';
        expect(req.headers['content-type']).toBe('application/x-ndjson');
        for (const line of Buffer.concat(chunks).toString('utf8').split('\n'))
          if (line) received.push((JSON.parse(line) as { id: string }).id);
        res.writeHead(202).end('{}');
      });
    });
    platform.listen(0, '127.0.0.1');
    await once(platform, 'listening');
    const port = (platform.address() as { port: number }).port;
    const spoolDir = mkdtempSync(join(tmpdir(), 'mamori-spool-'));
    const shipper = new Shipper({
      server: `http://127.0.0.1:${port}`,
      token: 'T0k',
      spoolDir,
      batchSize: 10,
      flushMs: 60_000,
      timeoutMs: 2000,
    });
    const recorded: Exchange[] = [];
    const p = await proxyWith(
      new Guard({
        mode: 'monitor',
        sink: (ex) => {
          recorded.push(ex);
          shipper.push(ex);
        },
      }),
    );
    try {
      for (let i = 0; i < 5; i++) await call(p.port, `/a/${i}`);
      await shipper.flush();
      expect(received.length).toBe(5);
      expect(auth).toBe('Bearer T0k');

      platform.closeAllConnections();
      await new Promise<void>((r) => platform.close(() => r()));
      for (let i = 0; i < 25; i++) {
        const r = await call(p.port, `/b/${i}`); // proxied traffic does not wait on the platform
        expect(r.status).toBe(200);
      }
      await shipper.flush();
      expect(shipper.stats.spooled).toBe(25);
      expect(readdirSync(spoolDir).filter((n) => n.endsWith('.jsonl')).length).toBeGreaterThan(0);

      platform.listen(port, '127.0.0.1');
      await once(platform, 'listening');
      for (let i = 0; i < 3; i++) await call(p.port, `/c/${i}`);
      await shipper.flush();
      expect(readdirSync(spoolDir)).toEqual([]);
      expect(received.length).toBe(33);
      expect(new Set(received).size).toBe(33);
      expect(new Set(received)).toEqual(new Set(recorded.map((e) => e.id)));
    } finally {
      await p.close();
      await shipper.close();
      platform.closeAllConnections();
      platform.close();
    }
  });

  it('drops and counts batches past the spool cap', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'mamori-spool-'));
    const shipper = new Shipper({
      server: 'http://127.0.0.1:9',
      spoolDir,
      spoolCap: 600,
      batchSize: 1,
      flushMs: 60_000,
      timeoutMs: 500,
    });
    const guard = new Guard({ mode: 'monitor' });
    for (let i = 0; i < 5; i++) {
      const ex = guard.exchangeOf(
        { method: 'GET', url: `/x/${i}`, scheme: 'http', headers: { host: 'a' }, peer: '127.0.0.1' },
        undefined,
        'proxy',
      );
      shipper.push(ex);
    }
    await shipper.close();
    expect(shipper.stats.spooled + shipper.stats.dropped).toBe(5);
    expect(shipper.stats.dropped).toBeGreaterThan(0);
  });
});
