import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHar } from '../pipeline/test-support.js';
import { SIGNATURE_HEADER, verifySignature } from '../respond/handoff.js';
import { startTestServer, type TestServer } from './test-support.js';

const SECRET = 'whsec-handoff-0123456789';
const posts: Array<{ valid: boolean; body: { type: string; data: Record<string, unknown> } }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => {
    posts.push({
      valid: verifySignature(
        SECRET,
        body,
        String(req.headers[SIGNATURE_HEADER]),
        Math.floor(Date.now() / 1000),
      ),
      body: JSON.parse(body),
    });
    res.end('ok');
  });
});
const syslog = createSocket('udp4');
const lines: string[] = [];
syslog.on('message', (m) => lines.push(m.toString()));

let t: TestServer;
beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => syslog.bind(0, '127.0.0.1', r));
  t = await startTestServer({
    eventsPollMs: 50,
    handoff: { deadLetter: join(mkdtempSync(join(tmpdir(), 'mamori-handoff-')), 'dead.jsonl') },
  });
});
afterAll(async () => {
  await t.close();
  receiver.close();
  syslog.close();
});

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hand-off to the configured integrations', () => {
  it('sends new alerts to signed webhooks (as OCSF when asked) and to syslog', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const res = await t.call('admin', {
      method: 'PUT',
      url: '/api/v1/settings',
      payload: {
        integrations: {
          webhooks: [
            { url, events: ['alert'], secret: SECRET },
            { url: `${url}-unsigned`, events: ['alert'] },
          ],
          syslog: { host: '127.0.0.1', port: (syslog.address() as AddressInfo).port },
          ocsf: true,
        },
      },
    });
    expect(res.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await t.call('ingest', { method: 'POST', url: '/api/v1/traffic?wait=true', payload: demoHar(400) });
    const alerts = (await t.call('viewer', { method: 'GET', url: '/api/v1/alerts' })).json()
      .alerts as unknown[];
    expect(alerts.length).toBeGreaterThan(0);
    await waitFor(() => posts.length >= alerts.length && lines.length >= alerts.length);
    expect(posts.every((p) => p.valid && p.body.type === 'alert')).toBe(true);
    // OCSF Detection Finding (class 2004); a webhook without a secret gets nothing.
    expect(posts.every((p) => p.body.data['class_uid'] === 2004)).toBe(true);
    expect(posts.length).toBe(alerts.length);
    expect(lines[0]).toMatch(/^<\d+>1 \S+ \S+ mamori \d+ \S+ - CEF:0\|/);
  });
});
