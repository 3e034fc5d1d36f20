import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig, RULES, runAudit } from '../audit/index.js';
import { shopSpec } from '../demo/generator.js';
import { createIngestQueue, createPipeline } from '../pipeline/index.js';
import { demoHar, SECRETS, secretExchange } from '../pipeline/test-support.js';
import { exchangeToRecord } from '../sources/index.js';
import { loadSpecText } from '../sources/spec.js';
import { openStore, type PlatformStore, type Role } from '../store/index.js';
import { buildServer } from './app.js';
import { createToken } from './auth.js';

const dir = mkdtempSync(join(tmpdir(), 'mamori-server-'));
const file = join(dir, 'server.db');
let store: PlatformStore;
let app: FastifyInstance;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  store = await openStore(file);
  const { spec } = await loadSpecText(JSON.stringify(shopSpec()), 'shop-openapi.json');
  const pipeline = createPipeline({
    store,
    specs: spec ? [spec] : [],
    options: { approvedHosts: ['*.shop.example'] },
  });
  app = await buildServer({
    store,
    queue: createIngestQueue(pipeline),
    bodyLimit: 2 * 1024 * 1024,
    rateLimit: 100_000,
  });
  for (const role of ['admin', 'analyst', 'viewer', 'ingest'] as const)
    tokens[role] = (await createToken(store, role, role)).value;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
const get = (url: string, role?: Role) => app.inject({ method: 'GET', url, headers: role ? auth(role) : {} });

const READS = [
  '/api/v1/openapi.json',
  '/api/v1/inventory',
  '/api/v1/findings',
  '/api/v1/alerts',
  '/api/v1/incidents',
  '/api/v1/compliance',
  '/api/v1/reports/json',
];

describe('authentication and roles', () => {
  it('answers /healthz without a token and nothing else', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    for (const url of [...READS, '/api/v1/hunt', '/api/v1/audit-log', '/api/v1/tokens']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(
        (
          await app.inject({
            method: 'GET',
            url,
            headers: { authorization: 'Bearer mam_not-a-real-token-value' },
          })
        ).statusCode,
      ).toBe(401);
    }
    expect((await app.inject({ method: 'POST', url: '/api/v1/traffic', payload: {} })).statusCode).toBe(401);
  });

  it('lets each role do what it may and answers 403 otherwise', async () => {
    for (const url of READS) {
      for (const role of ['admin', 'analyst', 'viewer'] as const)
        expect((await get(url, role)).statusCode, `${role} ${url}`).toBe(200);
      expect((await get(url, 'ingest')).statusCode, url).toBe(403);
    }
    expect((await get('/api/v1/hunt', 'viewer')).statusCode).toBe(403);
    expect((await get('/api/v1/hunt', 'analyst')).statusCode).toBe(200);
    expect((await get('/api/v1/audit-log', 'analyst')).statusCode).toBe(403);
    expect((await get('/api/v1/tokens', 'viewer')).statusCode).toBe(403);
    const ndjson = `${JSON.stringify(exchangeToRecord(secretExchange('role-check')))}\n`;
    const post = (role: Role) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/traffic?wait=true',
        headers: { ...auth(role), 'content-type': 'application/x-ndjson' },
        payload: ndjson,
      });
    expect((await post('viewer')).statusCode).toBe(403);
    expect((await post('ingest')).statusCode).toBe(202);
    const action = {
      method: 'POST' as const,
      url: '/api/v1/alerts/x/actions',
      payload: { action: 'acknowledge' },
    };
    expect((await app.inject({ ...action, headers: auth('viewer') })).statusCode).toBe(403);
    expect((await app.inject({ ...action, headers: auth('analyst') })).statusCode).toBe(404);
  });

  it('creates and revokes tokens (stored hashed), audited', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens/viewer',
      headers: auth('admin'),
      payload: { name: 'temp' },
    });
    expect(created.statusCode).toBe(201);
    const { token, value } = created.json() as { token: { id: string }; value: string };
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/inventory',
          headers: { authorization: `Bearer ${value}` },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers: auth('admin') }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/inventory',
          headers: { authorization: `Bearer ${value}` },
        })
      ).statusCode,
    ).toBe(401);
    const log = (await get('/api/v1/audit-log?action=token.create', 'admin')).json() as {
      entries: Array<{ who: string; target: string }>;
    };
    expect(log.entries[0]).toMatchObject({ who: 'admin', target: token.id });
    expect(readFileSync(file).toString('latin1').includes(value)).toBe(false);
  });
});

describe('validation, limits and garbage', () => {
  it('answers 400 naming the field', async () => {
    const res = await get('/api/v1/inventory?minRisk=high', 'viewer');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-input', field: 'querystring.minRisk' });
    const extra = await get('/api/v1/alerts?bogus=1', 'viewer');
    expect(extra.json()).toMatchObject({ field: 'querystring.bogus' });
    const action = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts/a1/actions',
      headers: auth('analyst'),
      payload: { action: 'explode' },
    });
    expect(action.statusCode).toBe(400);
    expect(action.json().field).toBe('body.action');
    // Found by a destructive self-scan (MAM-SCAN-SCHEMA-010): null must not pass as an empty string.
    const retro = await app.inject({
      method: 'POST',
      url: '/api/v1/hunt/retro',
      headers: auth('analyst'),
      payload: { pattern: 'x', where: ['query'], title: null },
    });
    expect(retro.statusCode).toBe(400);
    expect(retro.json().field).toBe('body.title');
  });

  it('answers 413 past the body limit and 415 for other media types', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/traffic',
      headers: { ...auth('ingest'), 'content-type': 'application/x-ndjson' },
      payload: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(big.statusCode).toBe(413);
    const text = await app.inject({
      method: 'POST',
      url: '/api/v1/traffic',
      headers: { ...auth('ingest'), 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
  });

  it('never answers 500 to garbage', async () => {
    const junk = [
      '{',
      '[]',
      'null',
      '{"log":{"entries":"x"}}',
      '{"log":{"entries":[1,{"request":5}]}}',
      '\u0000\uffff',
      '"str"',
    ];
    for (const payload of junk) {
      for (const type of ['application/json', 'application/x-ndjson']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/traffic?wait=true',
          headers: { ...auth('ingest'), 'content-type': type },
          payload,
        });
        expect(res.statusCode, `${type} ${payload}`).toBeLessThan(500);
      }
      const retro = await app.inject({
        method: 'POST',
        url: '/api/v1/hunt/retro',
        headers: { ...auth('analyst'), 'content-type': 'application/json' },
        payload,
      });
      expect(retro.statusCode).toBeLessThan(500);
    }
    for (const url of [
      '/api/v1/inventory/endpoint?host=%00&method=GET&endpoint=%ff',
      '/api/v1/hunt?from=yesterday',
      '/api/v1/reports/pdf',
      '/api/v1/alerts/%2e%2e/actions',
      '/nope',
    ]) {
      expect((await get(url, 'admin')).statusCode, url).toBeLessThan(500);
    }
    const badRegex = await app.inject({
      method: 'POST',
      url: '/api/v1/hunt/retro',
      headers: auth('analyst'),
      payload: { pattern: '(', where: ['query'] },
    });
    expect(badRegex.statusCode).toBe(400);
  });
});

describe('embedded mode end to end', () => {
  it('ingests a HAR into inventory, findings, alerts; masks at rest; hunts; acts with audit', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/traffic?wait=true',
      headers: auth('ingest'),
      payload: demoHar(1200),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1200, rejected: 0, processed: 1200 });
    const secrets = await app.inject({
      method: 'POST',
      url: '/api/v1/traffic?wait=true',
      headers: { ...auth('ingest'), 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(exchangeToRecord(secretExchange('s-1')))}\nnot json\n{"x":1}\n`,
    });
    expect(secrets.json()).toMatchObject({ accepted: 1, rejected: 2 });
    expect((secrets.json() as { issues: Array<{ line: number }> }).issues.map((i) => i.line)).toEqual([2, 3]);

    const inventory = (await get('/api/v1/inventory?tag=shadow', 'viewer')).json() as {
      endpoints: Array<{ tags: Array<{ tag: string }> }>;
    };
    expect(inventory.endpoints.length).toBeGreaterThan(0);
    expect(inventory.endpoints.every((e) => e.tags.some((t) => t.tag === 'shadow'))).toBe(true);
    const withEmail = (await get('/api/v1/inventory?sensitive=EMAIL', 'viewer')).json() as {
      endpoints: Array<{ host: string; method: string; path: string }>;
    };
    expect(withEmail.endpoints.length).toBeGreaterThan(0);
    const first = withEmail.endpoints[0] as { host: string; method: string; path: string };
    const detail = await get(
      `/api/v1/inventory/endpoint?host=${first.host}&method=${first.method}&endpoint=${encodeURIComponent(first.path)}`,
      'viewer',
    );
    expect(detail.statusCode).toBe(200);
    expect((detail.json() as { exchanges: unknown[] }).exchanges.length).toBeGreaterThan(0);
    expect(
      ((await get('/api/v1/findings', 'viewer')).json() as { findings: unknown[] }).findings.length,
    ).toBeGreaterThan(0);
    const alerts = (await get('/api/v1/alerts', 'viewer')).json() as {
      alerts: Array<{ id: string; type: string; status: string }>;
    };
    expect(alerts.alerts.some((a) => a.type.startsWith('signature.'))).toBe(true);
    expect(alerts.alerts.every((a) => a.status === 'open')).toBe(true);

    const alert = alerts.alerts[0] as { id: string; type: string };
    const act = (payload: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${encodeURIComponent(alert.id)}/actions`,
        headers: auth('analyst'),
        payload,
      });
    expect((await act({ action: 'acknowledge' })).statusCode).toBe(200);
    await act({ action: 'assign', assignee: 'kenji' });
    const commented = (await act({ action: 'comment', text: 'looking' })).json() as {
      status: string;
      assignee: string;
      comments: Array<{ who: string; text: string }>;
    };
    expect(commented).toMatchObject({
      status: 'acknowledged',
      assignee: 'kenji',
      comments: [{ who: 'analyst', text: 'looking' }],
    });
    expect(
      ((await get('/api/v1/alerts?status=acknowledged', 'viewer')).json() as { alerts: unknown[] }).alerts
        .length,
    ).toBe(1);
    const log = (await get('/api/v1/audit-log?who=analyst', 'admin')).json() as {
      entries: Array<{ action: string }>;
    };
    expect(log.entries.map((e) => e.action)).toEqual(['alert.comment', 'alert.assign', 'alert.acknowledge']);

    const hunted = (
      await get(`/api/v1/hunt?hit=${encodeURIComponent(alert.type)}&limit=5`, 'analyst')
    ).json() as { exchanges: Array<{ hits: string[] }> };
    expect(hunted.exchanges.length).toBeGreaterThan(0);
    expect(hunted.exchanges.every((x) => x.hits.includes(alert.type))).toBe(true);
    const retro = await app.inject({
      method: 'POST',
      url: '/api/v1/hunt/retro',
      headers: auth('analyst'),
      payload: { pattern: '<script[^>]*>', where: ['query', 'json-value'] },
    });
    expect(retro.statusCode).toBe(200);
    expect((retro.json() as { matches: unknown[] }).matches.length).toBeGreaterThan(0);

    for (const format of ['json', 'sarif', 'html'])
      expect((await get(`/api/v1/reports/${format}`, 'viewer')).statusCode).toBe(200);
    expect(
      ((await get('/api/v1/compliance', 'viewer')).json() as { frameworks: unknown[] }).frameworks.length,
    ).toBeGreaterThan(0);
    // In Japanese: audit findings' titles and remediations, and the compliance clause titles.
    const kana = /[\u3040-\u30ff\u4e00-\u9fff]/;
    type F = { rule?: string; title: string; remediation: string };
    const en = (await get('/api/v1/findings', 'viewer')).json() as { findings: F[] };
    const ja = (await get('/api/v1/findings?lang=ja', 'viewer')).json() as { findings: F[] };
    const audited = ja.findings.filter((f) => f.rule?.startsWith('MAM-'));
    expect(audited.length).toBeGreaterThan(0);
    for (const f of audited) expect(`${f.title} ${f.remediation}`).toMatch(kana);
    expect(en.findings.some((f) => kana.test(f.title))).toBe(false);
    type Fw = { clauses: Array<{ title?: string }> };
    const jaView = (await get('/api/v1/compliance?lang=ja', 'viewer')).json() as { frameworks: Fw[] };
    expect(jaView.frameworks.flatMap((fw) => fw.clauses).some((c) => kana.test(c.title ?? ''))).toBe(true);
    expect((await get('/api/v1/findings?lang=fr', 'viewer')).statusCode).toBe(400);

    // Masking at rest: no raw value of the ingested secrets anywhere in the database files.
    const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`)]).toString('latin1');
    for (const [name, raw] of Object.entries(SECRETS)) expect(bytes.includes(raw), name).toBe(false);
  });
});

describe('its own OpenAPI document', () => {
  it('describes every route and passes our own audit with nothing medium or above', async () => {
    const doc = (await get('/api/v1/openapi.json', 'viewer')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/traffic');
    expect(Object.keys(doc.paths)).toContain('/api/v1/alerts/{id}/actions');
    const { spec, issues } = await loadSpecText(JSON.stringify(doc), 'openapi.json');
    expect(issues.filter((i) => i.fatal)).toEqual([]);
    const findings = runAudit({ specs: [spec!], rules: applyConfig(RULES) });
    const serious = findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity));
    expect(
      serious.map(
        (f) => `${f.rule} ${f.severity} ${f.method ?? ''} ${f.path ?? ''} ${f.location?.pointer ?? ''}`,
      ),
    ).toEqual([]);
  });
});

describe('rate limit', () => {
  it('answers 429 past the per-token limit', async () => {
    const s = await openStore(join(dir, 'rate.db'));
    const limited = await buildServer({
      store: s,
      queue: createIngestQueue(createPipeline({ store: s })),
      rateLimit: 3,
    });
    const t = (await createToken(s, 'v', 'viewer')).value;
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (
          await limited.inject({
            method: 'GET',
            url: '/api/v1/findings',
            headers: { authorization: `Bearer ${t}` },
          })
        ).statusCode,
      );
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    // Bad tokens are limited per address too: guessing is not free.
    const guesses: number[] = [];
    for (let i = 0; i < 5; i++)
      guesses.push(
        (
          await limited.inject({
            method: 'GET',
            url: '/api/v1/findings',
            headers: { authorization: `Bearer mam_guess-${i}-aaaaaaaaaaaaaaaa` },
          })
        ).statusCode,
      );
    expect(guesses).toEqual([401, 401, 401, 429, 429]);
    await limited.close();
    await s.close();
  });
});
