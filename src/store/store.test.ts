import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, Endpoint, Finding } from '../model/index.js';
import {
  DEFAULT_SETTINGS,
  openStore,
  type ScanRecord,
  type PlatformStore as Store,
  type StoredDecision,
  type StoredPatch,
} from './index.js';

const PG_URL = process.env['MAMORI_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function endpoint(path: string, extra: Partial<Endpoint> = {}): Endpoint {
  return {
    host: 'api.shop.example',
    method: 'GET',
    path,
    tags: [],
    calls: 1,
    clients: 1,
    params: [],
    requestContentTypes: [],
    responseContentTypes: [],
    statuses: { '200': 1 },
    auth: [{ type: 'none', count: 1 }],
    sensitive: [],
    errorRate: 0,
    risk: 0,
    ...extra,
  };
}

const finding = (id: string, severity: Finding['severity']): Finding => ({
  id,
  rule: `R-${id}`,
  title: id,
  severity,
  owasp: 'API2:2023',
  compliance: [],
  evidence: [],
  remediation: 'fix it',
});

const alert = (id: string, actor: string, lastSeen: string): Alert => ({
  id,
  type: 'signature.sqli',
  severity: 'high',
  actor,
  evidence: [3],
  evidenceRefs: [{ index: 3 }],
  firstSeen: lastSeen,
  lastSeen,
  count: 1,
  explanation: 'x',
});

function storeSuite(name: string, open: () => Promise<Store>) {
  describe(name, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it('upserts endpoints by host, method and path and filters them', async () => {
      const s = await fresh();
      await s.putEndpoints([
        endpoint('/users/{userId}', {
          risk: 80,
          tags: [{ tag: 'shadow', reason: 'not in spec' }],
          sensitive: [
            { type: 'EMAIL', direction: 'response', field: '$.email', count: 1, samples: ['j***@x.io'] },
          ],
        }),
        endpoint('/health', { risk: 1 }),
      ]);
      await s.putEndpoints([endpoint('/health', { calls: 7, risk: 2 })]);
      const all = await s.listEndpoints();
      expect(all.map((e) => e.path)).toEqual(['/users/{userId}', '/health']);
      expect((await s.getEndpoint('api.shop.example', 'GET', '/health'))?.calls).toBe(7);
      expect((await s.listEndpoints({ tag: 'shadow' })).map((e) => e.path)).toEqual(['/users/{userId}']);
      expect((await s.listEndpoints({ tag: 'shad' })).length).toBe(0);
      expect((await s.listEndpoints({ sensitiveType: 'EMAIL' })).length).toBe(1);
      expect((await s.listEndpoints({ minRisk: 50 })).length).toBe(1);
      expect((await s.listEndpoints({ search: 'HEALTH' })).map((e) => e.path)).toEqual(['/health']);
      expect((await s.listEndpoints({ limit: 1, offset: 1 })).map((e) => e.path)).toEqual(['/health']);
      const summaries = await s.listEndpointSummaries({ tag: 'shadow' });
      expect(summaries).toEqual([
        {
          host: 'api.shop.example',
          method: 'GET',
          path: '/users/{userId}',
          tags: [{ tag: 'shadow', reason: 'not in spec' }],
          calls: 1,
          auth: [{ type: 'none', count: 1 }],
          sensitive: [
            { type: 'EMAIL', direction: 'response', field: '$.email', count: 1, samples: ['j***@x.io'] },
          ],
          risk: 80,
        },
      ]);
      expect((await s.listEndpointSummaries({ limit: 1, offset: 1 })).map((e) => e.path)).toEqual([
        '/health',
      ]);
      // The stored JSON spliced as bytes: the same lists, in the same order, filters and pages (UTF-8 too).
      await s.putEndpoints([endpoint('/検索/{q}', { host: 'jp.shop.example', risk: 10 })]);
      for (const filter of [{}, { tag: 'shadow' }, { limit: 1, offset: 1 }, { host: 'nowhere.example' }]) {
        expect(JSON.parse(String(await s.listEndpointsJson(filter)))).toEqual(await s.listEndpoints(filter));
        expect(JSON.parse(String(await s.listEndpointsJson(filter, 'summary')))).toEqual(
          await s.listEndpointSummaries(filter),
        );
      }
      expect(String(await s.listEndpointsJson({ host: 'nowhere.example' }))).toBe('[]');
    });

    it('replaces one producer’s findings and keeps the others', async () => {
      const s = await fresh();
      await s.replaceFindings('audit:spec', [finding('a', 'low'), finding('b', 'critical')]);
      await s.replaceFindings('scan:1', [finding('c', 'medium')]);
      await s.replaceFindings('audit:spec', [finding('d', 'high')]);
      expect((await s.listFindings()).map((f) => f.id)).toEqual(['d', 'c']);
      expect((await s.listFindings({ minSeverity: 'high' })).map((f) => f.id)).toEqual(['d']);
      expect((await s.listFindings({ producer: 'scan:1' })).map((f) => f.id)).toEqual(['c']);
      expect((await s.getFinding('c'))?.severity).toBe('medium');
      expect(await s.getFinding('a')).toBeUndefined();
    });

    it('stores alerts newest first and updates them in place', async () => {
      const s = await fresh();
      await s.putAlerts([
        alert('1', 'ip:10.0.0.1', '2026-01-01T00:00:00Z'),
        alert('2', 'jwt:ab', '2026-01-02T00:00:00Z'),
      ]);
      await s.putAlerts([{ ...alert('1', 'ip:10.0.0.1', '2026-01-03T00:00:00Z'), count: 5 }]);
      const list = await s.listAlerts();
      expect(list.map((a) => [a.id, a.count])).toEqual([
        ['1', 5],
        ['2', 1],
      ]);
      expect((await s.listAlerts({ actor: 'jwt:ab' })).map((a) => a.id)).toEqual(['2']);
      expect((await s.getAlert('1'))?.count).toBe(5);
      await s.putAlerts([
        { ...alert('e', 'ip:9', '2026-01-04T00:00:00Z'), host: 'api.x', method: 'GET', path: '/u/{id}' },
      ]);
      expect(
        (await s.listAlerts({ host: 'API.X', method: 'get', path: '/u/{id}' })).map((a) => a.id),
      ).toEqual(['e']);
      expect(await s.listAlerts({ host: 'api.x', path: '/other' })).toEqual([]);
      await s.putWorkflow({ kind: 'alert', id: 'e', status: 'resolved', updated: 't', comments: [] });
      expect((await s.listAlerts({ status: 'resolved' })).map((a) => a.id)).toEqual(['e']);
      expect((await s.listAlerts({ status: 'open' })).map((a) => a.id)).toEqual(['1', '2']);
      expect(await s.getAlert('9')).toBeUndefined();
    });

    it('keeps meta values and incidents', async () => {
      const s = await fresh();
      await s.setMeta('k', 'v1');
      await s.setMeta('k', 'v2');
      expect(await s.getMeta('k')).toBe('v2');
      expect(await s.getMeta('missing')).toBeUndefined();
      await s.putIncidents([
        {
          id: 'i1',
          actor: 'a',
          severity: 'high',
          alerts: ['1'],
          firstSeen: 't',
          lastSeen: 't',
          summary: 's',
        },
      ]);
      expect((await s.listIncidents()).map((i) => i.id)).toEqual(['i1']);
      expect(await s.listIncidents({ limit: 0 })).toEqual([]);
    });

    it('commits ingest batches, remembers processed ids, hunts and prunes retained exchanges', async () => {
      const s = await fresh();
      const x = (id: string, time: number, actor: string, status: number, hits: string[] = []) => ({
        id,
        time,
        actor,
        host: 'api.shop.example',
        method: 'GET',
        path: '/users/{userId}',
        status,
        hits,
        data: JSON.stringify({ id, note: `masked-${id}` }),
      });
      await s.commitIngest({
        processed: ['a', 'b', 'c'],
        exchanges: [
          x('a', 1000, 'ip:1', 200),
          x('b', 2000, 'ip:2', 500, ['signature.sqli']),
          x('c', 3000, 'ip:1', 200),
        ],
        endpoints: [endpoint('/users/{userId}', { calls: 3 })],
        findings: [{ producer: 'traffic:x', findings: [finding('f', 'high')] }],
        alerts: [alert('al', 'ip:2', '2026-01-01T00:00:00Z')],
        incidents: [],
      });
      expect(await s.unprocessed(['a', 'z', 'c', 'y'])).toEqual(['z', 'y']);
      expect((await s.queryExchanges({ actor: 'ip:1' })).map((r) => r.id)).toEqual(['c', 'a']);
      expect((await s.queryExchanges({ hit: 'signature.sqli' })).map((r) => [r.id, r.hits])).toEqual([
        ['b', ['signature.sqli']],
      ]);
      expect((await s.queryExchanges({ from: 1500, to: 3000 })).map((r) => r.id)).toEqual(['b']);
      expect((await s.queryExchanges({ status: 200, limit: 1, offset: 1 })).map((r) => r.id)).toEqual(['a']);
      expect((await s.queryExchanges({ contains: 'masked-c' })).map((r) => r.id)).toEqual(['c']);
      expect((await s.listAlerts()).map((a) => a.id)).toEqual(['al']);
      expect(await s.pruneExchanges({ before: 1500 })).toBe(1);
      expect(await s.pruneExchanges({ maxRows: 1 })).toBe(1);
      expect((await s.queryExchanges({})).map((r) => r.id)).toEqual(['c']);
      // Retention prunes processed ids with the exchanges (beyond maxRows here), so 'a' may come again.
      expect(await s.unprocessed(['a'])).toEqual(['a']);
      await s.commitIngest({
        processed: ['d1', 'd2'],
        exchanges: [
          { ...x('d1', 86_400_000 + 5, 'ip:1', 200), path: '/a' },
          { ...x('d2', 86_400_000 + 9, 'ip:1', 200), path: '/b' },
        ],
        endpoints: [],
        findings: [],
        alerts: [],
        incidents: [],
      });
      expect(await s.exchangeDays(0)).toEqual([
        { day: '1970-01-01', exchanges: 1, endpoints: 1 },
        { day: '1970-01-02', exchanges: 2, endpoints: 2 },
      ]);
      expect(await s.exchangeDays(86_400_000)).toEqual([{ day: '1970-01-02', exchanges: 2, endpoints: 2 }]);
    });

    it('keeps tokens hashed with role, use and revocation; audit log; workflow state', async () => {
      const s = await fresh();
      await s.createToken({
        id: 't1',
        name: 'ci',
        role: 'ingest',
        hash: 'h1',
        created: '2026-01-01T00:00:00Z',
      });
      expect(await s.touchToken('h1', '2026-01-02T00:00:00Z')).toMatchObject({
        id: 't1',
        role: 'ingest',
        lastUsed: '2026-01-02T00:00:00Z',
      });
      expect(await s.touchToken('nope', 'x')).toBeUndefined();
      expect(await s.revokeToken('ci', '2026-01-03T00:00:00Z')).toBe(true);
      expect(await s.touchToken('h1', 'x')).toBeUndefined();
      expect((await s.listTokens())[0]).toMatchObject({ name: 'ci', revoked: '2026-01-03T00:00:00Z' });
      await s.appendAudit({
        id: 'e1',
        at: '2026-01-01T00:00:00Z',
        who: 'ci',
        action: 'token.create',
        target: 't2',
        details: { role: 'viewer' },
      });
      await s.appendAudit({
        id: 'e2',
        at: '2026-01-02T00:00:00Z',
        who: 'admin',
        action: 'alert.resolve',
        target: 'a1',
        details: {},
      });
      expect((await s.listAudit()).map((e) => e.id)).toEqual(['e2', 'e1']);
      expect((await s.listAudit({ who: 'ci' }))[0]?.details).toEqual({ role: 'viewer' });
      await s.putWorkflow({
        kind: 'alert',
        id: 'a1',
        status: 'acknowledged',
        updated: 't',
        comments: [{ who: 'x', at: 't', text: 'hi' }],
      });
      await s.putWorkflow({
        kind: 'alert',
        id: 'a1',
        status: 'resolved',
        assignee: 'bob',
        updated: 't2',
        comments: [],
      });
      expect(await s.getWorkflow('alert', 'a1')).toMatchObject({ status: 'resolved', assignee: 'bob' });
      expect(await s.getWorkflow('incident', 'a1')).toBeUndefined();
      expect((await s.listWorkflow('alert')).length).toBe(1);
    });

    it('keeps scans with progress, newest first', async () => {
      const s = await fresh();
      const scan = (id: string, started: string): ScanRecord => ({
        id,
        target: 'http://127.0.0.1:8080/api',
        status: 'queued',
        started,
        progress: { sent: 0, findings: 0, testsRun: 0, testsTotal: 0, phase: 'queued' },
        options: { identities: [{ name: 'alice', header: 'authorization' }] },
      });
      await s.putScan(scan('s1', '2026-01-01T00:00:00Z'));
      await s.putScan(scan('s2', '2026-01-02T00:00:00Z'));
      await s.putScan({
        ...scan('s1', '2026-01-01T00:00:00Z'),
        status: 'done',
        finished: '2026-01-01T00:01:00Z',
        progress: { sent: 40, findings: 2, testsRun: 10, testsTotal: 10, phase: 'done' },
        summary: { findings: 2 },
      });
      expect(await s.getScan('s1')).toMatchObject({ status: 'done', progress: { sent: 40 } });
      expect(await s.getScan('nope')).toBeUndefined();
      expect((await s.listScans()).map((x) => x.id)).toEqual(['s2', 's1']);
      expect((await s.listScans({ limit: 1, offset: 1 })).map((x) => x.id)).toEqual(['s1']);
      expect((await s.listScans({ active: true })).map((x) => x.id)).toEqual(['s2']);
    });

    it('keeps saved hunt queries per owner', async () => {
      const s = await fresh();
      await s.putSavedQuery({ id: 'q1', name: 'b', owner: 'ann', query: { actor: 'ip:1' }, created: 't' });
      await s.putSavedQuery({ id: 'q2', name: 'a', owner: 'bob', query: { status: 500 }, created: 't' });
      expect((await s.listSavedQueries()).map((q) => q.id)).toEqual(['q2', 'q1']);
      expect(await s.listSavedQueries('ann')).toEqual([
        { id: 'q1', name: 'b', owner: 'ann', query: { actor: 'ip:1' }, created: 't' },
      ]);
      expect(await s.deleteSavedQuery('q1')).toBe(true);
      expect(await s.deleteSavedQuery('q1')).toBe(false);
      expect((await s.listSavedQueries()).map((q) => q.id)).toEqual(['q2']);
    });

    it('keeps patches, lists live ones and revokes', async () => {
      const s = await fresh();
      const patch = (id: string, created: string, expires?: string): StoredPatch => ({
        id,
        created,
        createdBy: 'ann',
        ...(expires ? { expires } : {}),
        source: { kind: 'finding', id: 'f1' },
        description: 'block SQL injection in q',
        match: { host: 'api.shop.example', method: 'GET', path: '/search', where: 'query', name: 'q' },
        action: 'block',
      });
      await s.putPatch(patch('p1', '2026-01-01T00:00:00Z'));
      await s.putPatch(patch('p2', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'));
      await s.putPatch(patch('p3', '2026-01-04T00:00:00Z'));
      const at = Date.parse('2026-01-05T00:00:00Z');
      expect((await s.listPatches({ now: at })).map((p) => p.id)).toEqual(['p3', 'p1']);
      expect(await s.revokePatch('p3', '2026-01-05T00:00:00Z', 'bob')).toBe(true);
      expect(await s.revokePatch('p3', '2026-01-05T00:00:00Z', 'bob')).toBe(false);
      expect(await s.revokePatch('zz', '2026-01-05T00:00:00Z', 'bob')).toBe(false);
      expect((await s.listPatches({ now: at })).map((p) => p.id)).toEqual(['p1']);
      expect((await s.listPatches({ includeExpired: true })).map((p) => p.id)).toEqual(['p3', 'p2', 'p1']);
      expect(await s.getPatch('p3')).toMatchObject({ revoked: '2026-01-05T00:00:00Z', match: { name: 'q' } });
      expect(await s.getPatch('zz')).toBeUndefined();
    });

    it('keeps decisions until they expire and deletes them', async () => {
      const s = await fresh();
      const decision = (id: string, until: number): StoredDecision => ({
        id,
        created: `2026-01-0${id.slice(1)}T00:00:00Z`,
        createdBy: 'ann',
        actor: `ip:10.0.0.${id.slice(1)}`,
        action: 'throttle',
        until,
        reason: 'manual',
        ratePerSecond: 2,
      });
      await s.putDecision(decision('d1', 5000));
      await s.putDecision(decision('d2', 1000));
      expect((await s.listDecisions(2000)).map((d) => d.id)).toEqual(['d1']);
      expect((await s.listDecisions(0)).map((d) => d.id)).toEqual(['d2', 'd1']);
      expect((await s.listDecisions(0))[1]).toEqual(decision('d1', 5000));
      expect(await s.deleteDecision('d1')).toBe(true);
      expect(await s.deleteDecision('d1')).toBe(false);
      expect(await s.listDecisions(0)).toHaveLength(1);
    });

    it('keeps sessions of live tokens until they expire', async () => {
      const s = await fresh();
      await s.createToken({ id: 't1', name: 'ann', role: 'analyst', hash: 'h1', created: 't' });
      await s.createSession({ hash: 's1', tokenId: 't1', created: 'x', expires: '2026-01-02T00:00:00Z' });
      await s.createSession({ hash: 's2', tokenId: 't1', created: 'x', expires: '2026-01-03T00:00:00Z' });
      expect(await s.touchSession('s1', '2026-01-01T00:00:00Z')).toMatchObject({
        token: { id: 't1', role: 'analyst', lastUsed: '2026-01-01T00:00:00Z' },
        expires: '2026-01-02T00:00:00Z',
      });
      expect(await s.touchSession('s1', '2026-01-02T00:00:00Z')).toBeUndefined();
      expect(await s.touchSession('nope', '2026-01-01T00:00:00Z')).toBeUndefined();
      await s.deleteSession('s2');
      expect(await s.touchSession('s2', '2026-01-01T00:00:00Z')).toBeUndefined();
      await s.createSession({ hash: 's3', tokenId: 't1', created: 'x', expires: '2026-01-03T00:00:00Z' });
      await s.revokeToken('t1', '2026-01-01T00:00:00Z');
      expect(await s.touchSession('s3', '2026-01-01T00:00:00Z')).toBeUndefined();
    });

    it('counts the overview in the database', async () => {
      const s = await fresh();
      await s.putEndpoints([
        endpoint('/a', {
          tags: [{ tag: 'shadow', reason: 'x' }],
          sensitive: [{ type: 'EMAIL', direction: 'response', field: '$.e', count: 1, samples: [] }],
        }),
        endpoint('/b', {
          sensitive: [{ type: 'EMAIL', direction: 'response', field: '$.e', count: 1, samples: [] }],
          auth: [
            { type: 'none', count: 1 },
            { type: 'bearer', count: 3 },
          ],
          spec: { file: 'shop.yaml', path: '/b' },
        }),
        { ...endpoint('/c', { tags: [{ tag: 'orphan', reason: 'x' }], calls: 0 }), host: 'other.example' },
      ]);
      await s.putAlerts([
        alert('1', 'ip:1', '2026-01-01T10:00:00Z'),
        alert('2', 'ip:1', '2026-01-02T10:00:00Z'),
        alert('3', 'ip:2', '2026-01-02T11:00:00Z'),
      ]);
      await s.putWorkflow({ kind: 'alert', id: '3', status: 'resolved', updated: 't', comments: [] });
      await s.putIncidents([
        {
          id: 'i1',
          actor: 'a',
          severity: 'high',
          alerts: ['1'],
          firstSeen: 't',
          lastSeen: 't',
          summary: 's',
        },
        {
          id: 'i2',
          actor: 'b',
          severity: 'high',
          alerts: ['2'],
          firstSeen: 't',
          lastSeen: 't',
          summary: 's',
        },
      ]);
      await s.putWorkflow({ kind: 'incident', id: 'i2', status: 'resolved', updated: 't', comments: [] });
      await s.replaceFindings('audit:spec', [finding('f1', 'low'), finding('f2', 'high')]);
      expect(await s.overviewCounts('2026-01-02T00:00:00.000Z')).toEqual({
        endpoints: 3,
        hosts: 2,
        tags: { shadow: 1, zombie: 0, deprecated: 0, orphan: 1, rogue: 0 },
        sensitive: 2,
        sensitiveWithoutAuth: 1,
        documented: 1,
        observed: 2,
        openAlerts: 2,
        alertsByDay: { '2026-01-02': 2 },
        openIncidents: { high: 1 },
        findings: 2,
      });
    });

    it('keeps settings in meta with defaults filled in', async () => {
      const s = await fresh();
      expect(await s.getSettings()).toEqual(DEFAULT_SETTINGS);
      await s.putSettings({
        ...DEFAULT_SETTINGS,
        retention: { days: 7, maxRows: 10 },
        scanTargets: ['http://127.0.0.1:8080'],
      });
      expect((await s.getSettings()).retention).toEqual({ days: 7, maxRows: 10 });
      await s.setMeta('settings', '{"masking":{"types":{"EMAIL":"keep","X":"bogus"}}}');
      expect(await s.getSettings()).toEqual({ ...DEFAULT_SETTINGS, masking: { types: { EMAIL: 'keep' } } });
    });
  });
}

let dir = '';
storeSuite('SQLite store', async () => {
  dir ||= mkdtempSync(join(tmpdir(), 'mamori-store-'));
  return openStore(join(dir, `${Math.random().toString(36).slice(2)}.db`));
});

const pgSchemas: string[] = [];
storeSuite('PostgreSQL store', async () => {
  const schema = `mamori_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  pgSchemas.push(schema);
  return openStore(`${PG_URL}?schema=${schema}`);
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const schema of pgSchemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('SQLite file', () => {
  it('is created in the given place and survives reopening', async () => {
    dir ||= mkdtempSync(join(tmpdir(), 'mamori-store-'));
    const file = join(dir, 'nested', 'inventory.db');
    const a = await openStore(file);
    await a.putEndpoints([endpoint('/x')]);
    await a.close();
    const b = await openStore(file);
    expect((await b.listEndpoints()).length).toBe(1);
    await b.close();
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('lists summaries of rows written before the summary column, from their records', async () => {
    dir ||= mkdtempSync(join(tmpdir(), 'mamori-store-'));
    const file = join(dir, 'old-rows.db');
    const a = await openStore(file);
    await a.putEndpoints([endpoint('/x', { risk: 5 })]);
    const fresh = await a.listEndpointSummaries();
    await a.close();
    const raw = new Database(file);
    raw.prepare('UPDATE endpoints SET summary = NULL').run();
    raw.close();
    const b = await openStore(file);
    expect(await b.listEndpointSummaries()).toEqual(fresh);
    expect(JSON.parse(String(await b.listEndpointsJson({}, 'summary')))).toEqual(fresh);
    expect(fresh[0]).toMatchObject({ path: '/x', risk: 5 });
    await b.close();
  });
});
