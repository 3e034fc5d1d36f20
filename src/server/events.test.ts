import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/index.js';
import { demoExchanges, demoHar } from '../pipeline/test-support.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
let port = 0;
beforeAll(async () => {
  t = await startTestServer({ eventsPollMs: 50 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

interface Stream {
  status: number;
  type: string;
  events: Array<{ event: string; data: { id?: string } }>;
  close(): void;
}

function listen(headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/events', headers }, (res) => {
      const stream: Stream = {
        status: res.statusCode ?? 0,
        type: String(res.headers['content-type']),
        events: [],
        close: () => req.destroy(),
      };
      let buf = '';
      res.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) stream.events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live events', () => {
  it('needs a token or session and a reading role', async () => {
    const none = await listen({});
    expect(none.status).toBe(401);
    none.close();
    const ingest = await listen({ authorization: `Bearer ${t.tokens.ingest}` });
    expect(ingest.status).toBe(403);
    ingest.close();
  });

  it('pushes new alerts and incidents to a session-cookie listener', async () => {
    const signIn = await t.call('viewer', { method: 'POST', url: '/api/v1/session' });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const stream = await listen({ cookie });
    expect(stream.status).toBe(200);
    expect(stream.type).toContain('text/event-stream');
    // Let the watcher take its first look before anything happens.
    await new Promise((r) => setTimeout(r, 200));
    const res = await t.call('ingest', {
      method: 'POST',
      url: '/api/v1/traffic?wait=true',
      payload: demoHar(400),
    });
    expect(res.statusCode).toBe(202);
    const alerts = (await t.call('viewer', { method: 'GET', url: '/api/v1/alerts' })).json().alerts as Array<{
      id: string;
    }>;
    expect(alerts.length).toBeGreaterThan(0);
    await waitFor(() => stream.events.filter((e) => e.event === 'alert').length >= alerts.length);
    expect(new Set(stream.events.filter((e) => e.event === 'alert').map((e) => e.data.id))).toEqual(
      new Set(alerts.map((a) => a.id)),
    );
    // An incident written by another process (a scale-out worker) reaches the stream too.
    await t.store.putIncidents([
      {
        id: 'inc-1',
        actor: 'ip:203.0.113.9',
        severity: 'high',
        alerts: alerts.slice(0, 2).map((a) => a.id),
        firstSeen: new Date().toISOString(),
        lastSeen: new Date().toISOString(),
        summary: 'two alerts from one actor',
      },
    ]);
    await waitFor(() => stream.events.some((e) => e.event === 'incident' && e.data.id === 'inc-1'));
    stream.close();
  });

  it('closes the server with a stream still open', async () => {
    const other = await startTestServer();
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    const otherPort = (other.app.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      request(
        {
          host: '127.0.0.1',
          port: otherPort,
          path: '/api/v1/events',
          headers: { authorization: `Bearer ${other.tokens.viewer}` },
        },
        (res) => {
          res.on('error', () => undefined);
          resolve();
        },
      )
        .on('error', () => undefined)
        .end();
    });
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('the hand-off watcher', () => {
  it('takes its first look when the server is ready: what start-up wrote (demo traffic) is not announced', async () => {
    const posts: Array<{ type: string; data: { id: string; type: string; actor: string } }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const deadLetter = join(mkdtempSync(join(tmpdir(), 'mamori-events-')), 'dead.jsonl');
    const s = await startTestServer({ eventsPollMs: 20, handoff: { deadLetter } });
    try {
      const settings = await s.store.getSettings();
      settings.integrations.webhooks = [
        {
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
          events: ['alert'],
          secret: 'whsec-events-0123456789',
        },
      ];
      await s.store.putSettings(settings);
      // Start-up work between building the server and listening, as `mamori serve --demo` loads its
      // demo traffic; a watcher started with the server would have looked at the empty store already.
      await new Promise((r) => setTimeout(r, 100));
      await createPipeline({ store: s.store }).ingest(demoExchanges(400));
      const before = await s.store.listAlerts({});
      expect(before.length).toBeGreaterThan(0);
      await s.app.ready();
      await new Promise((r) => setTimeout(r, 100));
      // One SQL injection attempt after start: the only alert hand-off sends.
      const attack = {
        time: new Date().toISOString(),
        client: { address: '203.0.113.77' },
        request: { method: 'GET', url: "https://api.shop.example/v2/users/search?q=' OR 1=1--", headers: {} },
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: '[]' },
      };
      const res = await s.call('ingest', {
        method: 'POST',
        url: '/api/v1/traffic?wait=true',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: `${JSON.stringify(attack)}\n`,
      });
      expect(res.statusCode).toBe(202);
      await waitFor(() => posts.some((p) => p.data.actor === 'ip:203.0.113.77'));
      const stale = new Set(before.map((a) => a.id));
      expect(posts.filter((p) => stale.has(p.data.id)).map((p) => p.data.type)).toEqual([]);
      expect(posts.map((p) => p.data.type)).toEqual(['signature.sqli']);
    } finally {
      await s.close();
      receiver.close();
    }
  });
});
