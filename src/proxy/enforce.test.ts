import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyFlags, startFromFlags } from '../cli/proxy.js';
import { verifySignature } from '../respond/handoff.js';
import type { Patch } from '../respond/patch.js';

let upstream: Server;
let upstreamUrl = '';
let calls = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});

afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

function flags(over: Partial<ProxyFlags>): ProxyFlags {
  return {
    listen: '127.0.0.1:0',
    upstream: upstreamUrl,
    mode: 'monitor',
    trustedProxy: [],
    spoolCap: String(1 << 20),
    bodyCap: '65536',
    policyInterval: '60000',
    spoolDir: mkdtempSync(join(tmpdir(), 'mamori-spool-')),
    ...over,
  };
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function send(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { host: 'api.test', ...(text ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const T = new Date().toISOString();
const massPatch: Patch = {
  id: 'patch-mass',
  created: T,
  createdBy: 'alice',
  source: { kind: 'finding', id: 'f-1' },
  description: 'block requests that send POST /users/{id} body role',
  match: { method: 'POST', path: '/users/{id}', where: 'body', name: 'role' },
  action: 'block',
};
const sqliPatch: Patch = {
  id: 'patch-sqli',
  created: T,
  createdBy: 'alice',
  source: { kind: 'alert', id: 'a-1' },
  description: 'block sqli in GET /search query q',
  match: { method: 'GET', path: '/search', where: 'query', name: 'q', pattern: '[\'";]|--' },
  action: 'block',
};

describe('proxy enforces virtual patches from a file (even in monitor mode)', () => {
  it('blocks the patched property and parameter with 403 + request id + patch id; the rest passes; expiry and reload honoured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-patches-'));
    const file = join(dir, 'patches.json');
    const expired: Patch = {
      ...sqliPatch,
      id: 'patch-old',
      match: { path: '/old' },
      expires: '2000-01-01T00:00:00Z',
    };
    writeFileSync(file, JSON.stringify({ patches: [massPatch, sqliPatch, expired] }));
    const h = await startFromFlags(flags({ patches: file }));
    try {
      const port = h.proxy.port;
      const before = calls;
      const blocked = await send(port, 'POST', '/users/42', { name: 'bob', role: 'admin' });
      expect(blocked.status).toBe(403);
      const body = JSON.parse(blocked.body) as Record<string, string>;
      expect(body).toMatchObject({ error: 'blocked', patchId: 'patch-mass' });
      expect(body['requestId']).toMatch(/^px-/);
      expect(blocked.headers['x-request-id']).toBe(body['requestId']);
      expect(calls).toBe(before);
      expect((await send(port, 'POST', '/users/42', { name: 'bob' })).status).toBe(200);
      expect((await send(port, 'GET', "/search?q=x'%20or%201=1--")).status).toBe(403);
      expect((await send(port, 'GET', '/search?q=shoes')).status).toBe(200);
      expect((await send(port, 'GET', "/other?q=x'")).status).toBe(200);
      expect((await send(port, 'GET', '/old')).status).toBe(200);
      // A revoked patch in the new file no longer applies after the reload.
      writeFileSync(file, JSON.stringify([{ ...massPatch, revoked: new Date().toISOString() }]));
      await new Promise((r) => setTimeout(r, 20));
      await h.policy!.poll();
      expect((await send(port, 'POST', '/users/42', { role: 'admin' })).status).toBe(200);
      expect((await send(port, 'GET', "/search?q=x'")).status).toBe(200);
    } finally {
      await h.stop();
    }
  });

  it('a malformed patches file is one configuration error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-patches-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ id: 'x', action: 'deny', match: {} }]));
    await expect(startFromFlags(flags({ patches: file }))).rejects.toThrow(/action must be "block" or "log"/);
  });
});

describe('proxy polls patches and decisions from the platform', () => {
  it('applies the platform decision for an actor and lifts it when the platform deletes it', async () => {
    let decisions: unknown[] = [
      { id: 'd1', actor: 'ip:127.0.0.1', action: 'block', until: Date.now() + 60_000, reason: 'soc: manual' },
    ];
    const auth: string[] = [];
    let down = false;
    const platform = createServer((req, res) => {
      auth.push(req.headers.authorization ?? '');
      req.resume();
      if (down) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/api/v1/patches') res.end(JSON.stringify({ patches: [sqliPatch] }));
      else if (req.url === '/api/v1/decisions') res.end(JSON.stringify({ decisions }));
      else res.end('{}');
    });
    platform.listen(0, '127.0.0.1');
    await once(platform, 'listening');
    const url = `http://127.0.0.1:${(platform.address() as { port: number }).port}`;
    const h = await startFromFlags(flags({ server: url, token: 'tok-1' }));
    try {
      const port = h.proxy.port;
      const r = await send(port, 'GET', '/anything');
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: 'blocked', reason: 'soc: manual' });
      expect(auth).toContain('Bearer tok-1');
      // The platform failing keeps the last good policy in force.
      down = true;
      await h.policy!.poll();
      expect((await send(port, 'GET', '/anything')).status).toBe(403);
      down = false;
      decisions = [];
      await h.policy!.poll();
      expect((await send(port, 'GET', '/anything')).status).toBe(200);
      expect((await send(port, 'GET', "/search?q='")).status).toBe(403);
    } finally {
      await h.stop();
      platform.closeAllConnections();
      platform.close();
    }
  });
});

describe('proxy hands alerts and actions off', () => {
  it('signed webhooks verify, syslog gets CEF over UDP, OCSF lines are written', async () => {
    const secret = 'whsec-test-1';
    process.env['MAMORI_TEST_WEBHOOK_SECRET'] = secret;
    const received: Array<{ body: string; sig: string }> = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          sig: String(req.headers['x-mamori-signature']),
        });
        res.writeHead(204).end();
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    const udp = createSocket('udp4');
    const lines: string[] = [];
    udp.on('message', (m) => lines.push(m.toString('utf8')));
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const dir = mkdtempSync(join(tmpdir(), 'mamori-handoff-'));
    const ocsf = join(dir, 'ocsf.jsonl');
    const h = await startFromFlags(
      flags({
        mode: 'block',
        webhook: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`,
        webhookSecretEnv: 'MAMORI_TEST_WEBHOOK_SECRET',
        webhookDeadLetter: join(dir, 'dead.jsonl'),
        syslog: `127.0.0.1:${udp.address().port}`,
        ocsf,
      }),
    );
    try {
      const r = await send(
        h.proxy.port,
        'GET',
        '/search?q=1%27%20UNION%20SELECT%20password%20FROM%20users--',
      );
      expect(r.status).toBe(403);
      // The alert comes from the analysis worker a batch after the response.
      await h.guard.settled();
      await h.sinks!.flush();
      for (let i = 0; i < 50 && (received.length < 2 || lines.length < 2); i++)
        await new Promise((res) => setTimeout(res, 20));
      const kinds = received.map((e) => (JSON.parse(e.body) as { kind: string }).kind).sort();
      expect(kinds).toEqual(['action', 'alert']);
      const now = Math.floor(Date.now() / 1000);
      for (const e of received) {
        expect(verifySignature(secret, e.body, e.sig, now)).toBe(true);
        expect(verifySignature('wrong', e.body, e.sig, now)).toBe(false);
      }
      const action = received.map((e) => JSON.parse(e.body)).find((e) => e.kind === 'action');
      expect(action.action).toMatchObject({ kind: 'block', reason: 'signature.sqli', path: '/search' });
      expect(lines.some((l) => /^<\d+>1 \S+ \S+ mamori \d+ action\.block - CEF:0\|mamori\|/.test(l))).toBe(
        true,
      );
      expect(lines.some((l) => l.includes('CEF:0|mamori|mamori|') && l.includes('signature.sqli'))).toBe(
        true,
      );
      const events = readFileSync(ocsf, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.map((e) => e['class_uid']).sort()).toEqual([2004, 6003]);
      expect(events.find((e) => e['class_uid'] === 6003)).toMatchObject({ disposition_id: 2, action_id: 2 });
    } finally {
      await h.stop();
      hook.closeAllConnections();
      hook.close();
      udp.close();
      delete process.env['MAMORI_TEST_WEBHOOK_SECRET'];
    }
  });

  it('refuses --webhook without a secret variable', async () => {
    await expect(startFromFlags(flags({ webhook: 'http://127.0.0.1:9/x' }))).rejects.toThrow(
      /webhook-secret-env/,
    );
  });
});
