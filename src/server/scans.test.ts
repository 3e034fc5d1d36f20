import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestQueue, createPipeline } from '../pipeline/index.js';
import { testApiDocument } from '../scan/test-support/spec.js';
import { startTestApi, type TestApi } from '../scan/test-support/vulnerable-api.js';
import { DEFAULT_SETTINGS, openStore, type ScanRecord } from '../store/index.js';
import { buildServer } from './app.js';
import { startTestServer, type TestServer } from './test-support.js';

let api: TestApi;
let t: TestServer;
const specText = () => JSON.stringify(testApiDocument());
const identities = () => [
  { name: 'alice', header: 'Authorization', value: `Bearer ${api.tokens.alice}` },
  { name: 'bob', header: 'Authorization', value: `Bearer ${api.tokens.bob}` },
];

beforeAll(async () => {
  api = await startTestApi('vulnerable');
  t = await startTestServer({ eventsPollMs: 100, scanSweepMs: 200 });
  await t.store.putSettings({ ...DEFAULT_SETTINGS, scanTargets: [api.url] });
});
afterAll(async () => {
  await t.close();
  await api.close();
});

const start = (body: Record<string, unknown>, role: 'analyst' | 'viewer' = 'analyst') =>
  t.call(role, { method: 'POST', url: '/api/v1/scans', payload: body });

async function until(id: string, done: (s: ScanRecord) => boolean, ms = 60_000): Promise<ScanRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await t.call('viewer', { method: 'GET', url: `/api/v1/scans/${id}` });
    const scan = res.json().scan as ScanRecord;
    if (done(scan)) return scan;
    if (Date.now() > end) throw new Error(`scan ${id} stuck: ${JSON.stringify(scan)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scans from the server', () => {
  it('refuses targets outside the allow-list and bad requests, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ target: 'http://127.0.0.1:1/api', spec: specText() }, 'body.target'],
      [{ target: 'not a url', spec: specText() }, 'body.target'],
      [{ target: 'file:///etc/passwd', spec: specText() }, 'body.target'],
      [{ target: `http://u:p@${new URL(api.url).host}`, spec: specText() }, 'body.target'],
      [{ target: api.url }, 'body.spec'],
      [{ target: api.url, spec: specText(), useInventory: true }, 'body.spec'],
      [{ target: api.url, spec: 'openapi: [' }, 'body.spec'],
      [{ target: api.url, useInventory: true }, 'body.useInventory'],
      [{ target: api.url, spec: specText(), only: ['NO-SUCH-TEST'] }, 'body.only'],
      [
        { target: api.url, spec: specText(), identities: [...identities(), identities()[0]] },
        'body.identities.2.name',
      ],
      [
        { target: api.url, spec: specText(), identities: [{ name: 'a', header: 'x y', value: 'v' }] },
        'body.identities.0.header',
      ],
      [{ target: api.url, spec: specText(), rate: 0 }, 'body.rate'],
      [{ target: api.url, spec: specText(), bogus: 1 }, 'body.bogus'],
      [{ spec: specText() }, 'body.target'],
    ];
    for (const [body, field] of cases) {
      const res = await start(body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.json().field, JSON.stringify(body).slice(0, 120)).toBe(field);
    }
    expect((await start({ target: api.url, spec: specText() }, 'viewer')).statusCode).toBe(403);
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/scans' })).json().scans).toEqual([]);
  });

  it('never answers 500 to garbage bodies', async () => {
    const junk = [
      '{',
      '[]',
      'null',
      '"x"',
      '{"target":{}}',
      '{"target":"http://x","identities":"a"}',
      '\u0000',
    ];
    for (const payload of junk) {
      const res = await t.call('analyst', {
        method: 'POST',
        url: '/api/v1/scans',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
    }
    for (const url of ['/api/v1/scans/..%2f', '/api/v1/scans/x/findings', '/api/v1/scans/%00']) {
      const res = await t.call('viewer', { method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('runs a scan in the background with progress, events and stored findings; secrets never kept', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    const events: Array<{ event: string; data: ScanRecord }> = [];
    const stream = request({
      host: '127.0.0.1',
      port,
      path: '/api/v1/events',
      headers: { authorization: `Bearer ${t.tokens.viewer}` },
    });
    const opened = new Promise<string>((resolve) => {
      stream.on('response', (res) => {
        resolve(String(res.headers['content-type']));
        let buf = '';
        res.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        });
      });
    });
    stream.on('error', () => undefined);
    stream.end();
    expect(await opened).toContain('text/event-stream');

    const res = await start({
      target: api.url,
      spec: specText(),
      identities: identities(),
      only: ['API1', 'INJ-001'],
      rate: 5000,
    });
    expect(res.statusCode).toBe(202);
    const { scan } = res.json() as { scan: ScanRecord };
    expect(scan).toMatchObject({ target: `${api.url}/`, status: 'queued' });
    expect(scan.options['identities']).toEqual([
      { name: 'alice', header: 'authorization' },
      { name: 'bob', header: 'authorization' },
    ]);
    const done = await until(scan.id, (s) => s.status === 'done' || s.status === 'failed');
    expect(done.status, done.error).toBe('done');
    expect(done.progress.sent).toBeGreaterThan(0);
    expect(done.progress.phase).toBe('done');
    expect(done.summary?.['findings']).toBeGreaterThan(0);
    const findings = (
      await t.call('viewer', { method: 'GET', url: `/api/v1/scans/${scan.id}/findings` })
    ).json().findings as Array<{ test: string }>;
    expect(findings.length).toBe(done.summary?.['findings']);
    expect(findings.some((f) => f.test === 'MAM-SCAN-API1-001')).toBe(true);
    const all = (await t.call('viewer', { method: 'GET', url: '/api/v1/findings' })).json()
      .findings as unknown[];
    expect(all.length).toBeGreaterThanOrEqual(findings.length);
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/scans' })).json().scans[0].id).toBe(
      scan.id,
    );

    for (let i = 0; i < 50 && !events.some((e) => e.data.id === scan.id && e.data.status === 'done'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const mine = events.filter((e) => e.event === 'scan' && e.data.id === scan.id);
    expect(mine.map((e) => e.data.status)).toContain('running');
    expect(mine.at(-1)?.data.status).toBe('done');
    stream.destroy();

    // Identity values are in no stored byte and no answer.
    const db = readFileSync(t.file).toString('latin1') + readFileSync(`${t.file}-wal`).toString('latin1');
    for (const token of [api.tokens.alice, api.tokens.bob]) {
      expect(db.includes(token)).toBe(false);
      expect(JSON.stringify(events).includes(token)).toBe(false);
      expect(JSON.stringify(findings).includes(token)).toBe(false);
    }
    const log = (await t.call('admin', { method: 'GET', url: '/api/v1/audit-log?action=scan.start' })).json();
    expect(log.entries[0]).toMatchObject({ who: 'analyst', target: scan.id });
  });

  it('cancels a running scan, audited; a finished scan cannot be cancelled', async () => {
    const res = await start({ target: api.url, spec: specText(), identities: identities(), rate: 2 });
    const { scan } = res.json() as { scan: ScanRecord };
    await until(scan.id, (s) => s.status === 'running');
    const cancel = await t.call('analyst', { method: 'POST', url: `/api/v1/scans/${scan.id}/cancel` });
    expect(cancel.statusCode).toBe(202);
    const ended = await until(scan.id, (s) => s.status !== 'running', 15_000);
    expect(ended.status).toBe('cancelled');
    expect(ended.finished).toBeDefined();
    const again = await t.call('analyst', { method: 'POST', url: `/api/v1/scans/${scan.id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(
      (await t.call('viewer', { method: 'POST', url: `/api/v1/scans/${scan.id}/cancel` })).statusCode,
    ).toBe(403);
    expect((await t.call('analyst', { method: 'POST', url: '/api/v1/scans/nope/cancel' })).statusCode).toBe(
      404,
    );
    const log = (
      await t.call('admin', { method: 'GET', url: '/api/v1/audit-log?action=scan.cancel' })
    ).json();
    expect(log.entries[0]).toMatchObject({ who: 'analyst', target: scan.id });
  });

  it('accepts --scan-target origins besides the settings; fails scans whose server stopped, not other servers’ live ones', async () => {
    const other = await startTestServer({ scanTargets: [`${api.url}/`] });
    try {
      const res = await other.call('analyst', {
        method: 'POST',
        url: '/api/v1/scans',
        payload: { target: `${api.url}/api/v2`, spec: specText(), only: ['API8'], rate: 5000 },
      });
      expect(res.statusCode).toBe(202);
    } finally {
      await other.close();
    }
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'mamori-scan-')), 'x.db'));
    const record = (id: string, updated: number): ScanRecord => ({
      id,
      target: api.url,
      status: 'running',
      started: new Date(Date.now() - 3_600_000).toISOString(),
      updated: new Date(updated).toISOString(),
      progress: { sent: 1, findings: 0, testsRun: 0, testsTotal: 1, phase: 'learn' },
      options: {},
    });
    // One left by a server that stopped ten minutes ago; one another server is still running.
    await store.putScan(record('stale', Date.now() - 10 * 60_000));
    await store.putScan(record('alive', Date.now() - 20_000));
    const app = await buildServer({ store, queue: createIngestQueue(createPipeline({ store })) });
    expect(await store.getScan('stale')).toMatchObject({
      status: 'failed',
      error: 'the server running it stopped',
    });
    expect((await store.getScan('alive'))?.status).toBe('running');
    await app.close();
    await store.close();
  });

  it('a restarted server fails its own earlier scans at once, and only its own', async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'mamori-scan-')), 'restart.db'));
    const record = (id: string, owner: string, status: ScanRecord['status']): ScanRecord => ({
      id,
      target: api.url,
      status,
      started: new Date(Date.now() - 60_000).toISOString(),
      // Rewritten a second ago: nobody would call these stale.
      updated: new Date(Date.now() - 1000).toISOString(),
      owner,
      progress: { sent: 1, findings: 0, testsRun: 0, testsTotal: 1, phase: 'learn' },
      options: {},
    });
    // What the server `host-a:7443` left when it died, and what a live `host-b:7443` is running.
    await store.putScan(record('mine-running', 'host-a:7443', 'running'));
    await store.putScan(record('mine-queued', 'host-a:7443', 'queued'));
    await store.putScan(record('mine-done', 'host-a:7443', 'done'));
    await store.putScan(record('theirs', 'host-b:7443', 'running'));
    const app = await buildServer({
      store,
      queue: createIngestQueue(createPipeline({ store })),
      instance: 'host-a:7443',
    });
    try {
      for (const id of ['mine-running', 'mine-queued'])
        expect(await store.getScan(id)).toMatchObject({
          status: 'failed',
          owner: 'host-a:7443',
          error: 'the server running it stopped (restarted)',
          finished: expect.any(String),
        });
      expect((await store.getScan('mine-done'))?.status).toBe('done');
      expect(await store.getScan('theirs')).toMatchObject({ status: 'running', owner: 'host-b:7443' });
    } finally {
      await app.close();
    }
    // Another server name starting on the same store leaves host-b's live scan alone too.
    const other = await buildServer({
      store,
      queue: createIngestQueue(createPipeline({ store })),
      instance: 'host-c:7443',
    });
    expect((await store.getScan('theirs'))?.status).toBe('running');
    await other.close();
    await store.close();
  });

  it('cancels a scan running on another API server of the same store', async () => {
    const store = await openStore(t.file);
    const other = await buildServer({
      store,
      queue: createIngestQueue(createPipeline({ store })),
      rateLimit: 100_000,
    });
    try {
      const res = await start({ target: api.url, spec: specText(), identities: identities(), rate: 2 });
      const { scan } = res.json() as { scan: ScanRecord };
      await until(scan.id, (s) => s.status === 'running');
      const cancel = await other.inject({
        method: 'POST',
        url: `/api/v1/scans/${scan.id}/cancel`,
        headers: { authorization: `Bearer ${t.tokens.analyst}` },
      });
      expect(cancel.statusCode).toBe(202);
      expect((await until(scan.id, (s) => s.status !== 'running', 15_000)).status).toBe('cancelled');
    } finally {
      await other.close();
      await store.close();
    }
  });
});
