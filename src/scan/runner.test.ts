import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSpec } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import type { Transport } from './client.js';
import { resolveBasePath, runScan, type ScanProgress } from './runner.js';
import { testApiDocument } from './test-support/spec.js';
import { startTestApi, type TestApi } from './test-support/vulnerable-api.js';
import type { Identity } from './types.js';

let api: TestApi;
let spec: ApiSpec;
const ids = (): Identity[] => [
  { name: 'alice', header: 'authorization', value: `Bearer ${api.tokens.alice}`, admin: false },
  { name: 'bob', header: 'authorization', value: `Bearer ${api.tokens.bob}`, admin: false },
];

beforeAll(async () => {
  api = await startTestApi('vulnerable');
  const r = await loadSpecText(JSON.stringify(testApiDocument()), 'test-api.json');
  spec = r.spec!;
});
afterAll(() => api.close());

describe('runScan safety', () => {
  it('--plan lists every request of every test and sends none', async () => {
    const before = api.requests();
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      plan: true,
      destructive: true,
    });
    expect(api.requests()).toBe(before);
    expect(r.sent).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.planned.length).toBeGreaterThan(200);
    expect(new Set(r.planned.map((p) => new URL(p.url).origin))).toEqual(new Set([api.url]));
    expect(r.planned.some((p) => p.method === 'DELETE')).toBe(true);
  });

  it('without --destructive sends only safe methods and changes nothing', async () => {
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      only: ['API1', 'API3', 'API5', 'INJ-001'],
    });
    const methods = new Set(r.exchanges.map((e) => e.request.method));
    expect([...methods].every((m) => m === 'GET' || m === 'TRACE' || m === 'HEAD')).toBe(true);
    expect(r.tests.skipped.some((s) => s.reason === 'needs --destructive')).toBe(true);
    expect(r.findings.some((f) => f.test === 'MAM-SCAN-API1-001')).toBe(true); // read-only BOLA still found
  });

  it('every request stays on the target origin (the SSRF callback is the target calling us)', async () => {
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      only: ['API7', 'API9-003'],
    });
    expect(r.exchanges.length).toBeGreaterThan(0);
    for (const e of r.exchanges) expect(new URL(e.url).origin).toBe(api.url);
    expect(r.findings.some((f) => f.test === 'MAM-SCAN-API7-001')).toBe(true);
  });

  it('is deterministic for a seed: same findings, ids and order twice', async () => {
    const run = () =>
      runScan({
        target: new URL(api.url),
        spec,
        identities: ids(),
        rate: 5000,
        seed: 42,
        only: ['API1-001', 'API2-005', 'API2-011', 'API2-017', 'API8', 'INJ-027'],
      });
    const a = await run();
    const b = await run();
    expect(a.findings.length).toBeGreaterThan(5);
    expect(b.findings.map((f) => [f.id, f.test, f.path])).toEqual(
      a.findings.map((f) => [f.id, f.test, f.path]),
    );
    expect(b.exchanges.map((e) => e.url)).toEqual(a.exchanges.map((e) => e.url));
  });

  it('stops at the request budget and says so', async () => {
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      maxRequests: 15,
    });
    expect(r.sent).toBe(15);
    expect(r.stopped).toMatch(/budget/);
    expect(r.tests.skipped.some((s) => s.reason.startsWith('not run'))).toBe(true);
  });
});

describe('runScan progress and cancel (used by the server)', () => {
  it('reports progress from learn through every test to done', async () => {
    const seen: ScanProgress[] = [];
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      only: ['API1-001', 'API2-005', 'API8-008'],
      onProgress: (p) => seen.push(p),
    });
    expect(seen[0]?.phase).toBe('learn');
    expect(seen.map((p) => p.phase)).toContain('test MAM-SCAN-API1-001');
    expect(seen.map((p) => p.phase)).toContain('test MAM-SCAN-API2-005');
    const last = seen.at(-1)!;
    expect(last).toEqual({
      sent: r.sent,
      findings: r.findings.length,
      testsRun: 3,
      testsTotal: 3,
      phase: 'done',
    });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.sent).toBeGreaterThanOrEqual(seen[i - 1]!.sent);
      expect(seen[i]!.testsRun).toBeGreaterThanOrEqual(seen[i - 1]!.testsRun);
    }
  });

  it('a cancel sends nothing more and returns what was confirmed before it', async () => {
    const ac = new AbortController();
    let sentAtAbort = -1;
    let requestsAtAbort = -1;
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      only: ['API1-001', 'API8', 'API9'],
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase.startsWith('test MAM-SCAN-API8') && !ac.signal.aborted) {
          sentAtAbort = p.sent;
          requestsAtAbort = api.requests();
          ac.abort();
        }
      },
    });
    expect(sentAtAbort).toBeGreaterThan(0);
    expect(r.stopped).toBe('cancelled');
    expect(r.sent).toBe(sentAtAbort);
    expect(api.requests()).toBe(requestsAtAbort);
    expect(r.findings.map((f) => f.test)).toContain('MAM-SCAN-API1-001');
    expect(r.tests.skipped.filter((s) => s.reason === 'not run: cancelled').length).toBeGreaterThan(3);
  });

  it('a cancel aborts the request in flight', async () => {
    const ac = new AbortController();
    let inFlight = 0;
    const transport: Transport = (_url, _m, _h, _b, _t, signal) =>
      new Promise((_resolve, reject) => {
        inFlight++;
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    setTimeout(() => ac.abort(), 50);
    const r = await runScan({
      target: new URL('http://api.example.test/api/v2'),
      spec,
      identities: ids(),
      transport,
      signal: ac.signal,
      timeoutMs: 60_000,
    });
    expect(inFlight).toBe(1);
    expect(r.stopped).toBe('cancelled');
    expect(r.sent).toBe(1);
  });
});

describe('a target that crashes mid-scan', () => {
  it('is reported with the request that crashed it, and the scan goes on once it is back', async () => {
    const crashes = api.crashes();
    const r = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      rate: 5000,
      only: ['SCHEMA-009', 'API4-008', 'API2-001'],
    });
    expect(api.crashes()).toBeGreaterThan(crashes);
    const crash = r.findings.find((f) => f.test === 'MAM-SCAN-API4-008');
    expect(crash?.path).toBe('/api/v2/orders');
    expect(crash?.evidence.some((e) => /batch=9{20}/.test(e.excerpt ?? ''))).toBe(true);
    expect(crash?.evidence.some((e) => /liveness probe|ECONNREFUSED/.test(e.excerpt ?? ''))).toBe(true);
    expect(r.incidents.filter((i) => i.kind === 'crash' && i.recovered).length).toBeGreaterThan(0);
    expect(r.stopped).toBeUndefined();
    expect(r.findings.some((f) => f.test === 'MAM-SCAN-API2-001')).toBe(true); // tests after the crash ran
  });

  it('a target that never comes back stops the scan with a finding, not silence', async () => {
    let calls = 0;
    const transport: Transport = async () => {
      calls++;
      if (calls > 3)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}', truncated: false };
    };
    const r = await runScan({
      target: new URL('http://api.example.test/api/v2'),
      spec,
      identities: ids(),
      transport,
      timeMs: 1500,
    });
    expect(r.stopped).toMatch(/stopped answering|time limit/);
    expect(r.findings.map((f) => f.test)).toContain('MAM-SCAN-API4-008');
    expect(r.incidents[0]).toMatchObject({ kind: 'crash', recovered: false });
  });
});

describe('base path and plain http', () => {
  it('takes the base path from --target, else from the spec servers, else fails', () => {
    expect(resolveBasePath(new URL('http://h/api/v9/'), spec)).toBe('/api/v9');
    expect(resolveBasePath(new URL('http://h'), spec)).toBe('/api/v2');
    const r = resolveBasePath(new URL('http://h'), { ...spec, servers: [] });
    expect(typeof r === 'object' && r.code).toBe('scan.spec.no-servers');
  });

  it('reports plain http on a non-loopback target (fake transport: nothing leaves the process)', async () => {
    const transport: Transport = async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      truncated: false,
    });
    const r = await runScan({
      target: new URL('http://api.example.test'),
      spec,
      identities: ids(),
      transport,
      only: ['MAM-SCAN-API8-010'],
    });
    expect(r.findings.map((f) => f.test)).toEqual(['MAM-SCAN-API8-010']);
    const loop = await runScan({
      target: new URL(api.url),
      spec,
      identities: ids(),
      only: ['MAM-SCAN-API8-010'],
    });
    expect(loop.findings).toEqual([]);
  });
});

describe('test API containment', () => {
  it('its SSRF feature refuses every non-loopback address without resolving names', async () => {
    for (const u of [
      'http://10.0.0.1/',
      'http://example.com/',
      'http://[fd00::1]/',
      'http://192.168.1.1:8080/',
    ]) {
      const res = await fetch(`${api.url}/api/v2/preview?url=${encodeURIComponent(u)}`, {
        headers: { authorization: `Bearer ${api.tokens.alice}` },
      });
      expect(res.status, u).toBe(400);
      expect(await res.text()).toMatch(/refused non-loopback/);
    }
  });
});
