// Alerts, incidents and scanner findings in Japanese from the API (`?lang=ja`), as the findings route
// gives audit findings: titles, explanations rewritten from their figures, test names and remediations.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange, Finding } from '../model/index.js';
import { demoHar } from '../pipeline/test-support.js';
import { CATALOGUE } from '../scan/tests/index.js';
import { exchangeToRecord } from '../sources/index.js';
import { preferredLang } from './lang.js';
import { scanProducer } from './scans.js';
import { startTestServer, type TestServer } from './test-support.js';

const KANA = /[\u3041-\u3096\u30a1-\u30fa]/;
const figures = (text: string) => (text.match(/\d+(?:\.\d+)?/g) ?? []).sort();

let t: TestServer;
const get = async <T>(url: string) => {
  const res = await t.call('viewer', { method: 'GET', url });
  expect(res.statusCode, url).toBe(200);
  return res.json() as T;
};

beforeAll(async () => {
  t = await startTestServer();
  const res = await t.call('ingest', {
    method: 'POST',
    url: '/api/v1/traffic?wait=true',
    payload: demoHar(1200),
  });
  expect(res.statusCode).toBe(202);
  // One client attacking two endpoints within a minute: two alerts grouped into an incident.
  const attack = (i: number, path: string, q: string): Exchange => ({
    id: `i18n-${i}`,
    time: Date.UTC(2026, 10, 2, 10, 0, i),
    source: { kind: 'ingest', index: i },
    client: { address: '203.0.113.77' },
    request: {
      method: 'GET',
      scheme: 'https',
      host: 'api.shop.example',
      path,
      query: [['q', q]],
      headers: {},
    },
    response: { status: 200, headers: {} },
  });
  const records = [
    attack(1, '/v2/search', "' OR 1=1 -- "),
    attack(2, '/v2/items', '<script>alert(document.cookie)</script>'),
  ].map((x) => JSON.stringify(exchangeToRecord(x)));
  const more = await t.call('ingest', {
    method: 'POST',
    url: '/api/v1/traffic?wait=true',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${records.join('\n')}\n`,
  });
  expect(more.json()).toMatchObject({ accepted: 2, rejected: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('the API in Japanese', () => {
  it('alerts: a title for each, and in Japanese the explanation rewritten with the same figures', async () => {
    type A = { id: string; type: string; title: string; explanation: string };
    const en = (await get<{ alerts: A[] }>('/api/v1/alerts')).alerts;
    const ja = (await get<{ alerts: A[] }>('/api/v1/alerts?lang=ja')).alerts;
    expect(en.length).toBeGreaterThan(3);
    expect(ja.map((a) => a.id)).toEqual(en.map((a) => a.id));
    expect(new Set(en.map((a) => a.type)).size).toBeGreaterThan(1);
    for (const [i, a] of ja.entries()) {
      const e = en[i]!;
      expect(e.title).not.toMatch(KANA);
      expect(e.explanation).not.toMatch(KANA);
      expect(a.title, a.type).toMatch(KANA);
      expect(a.explanation, e.explanation).toMatch(KANA);
      expect(figures(a.explanation), `${e.explanation} → ${a.explanation}`).toEqual(figures(e.explanation));
    }
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/alerts?lang=fr' })).statusCode).toBe(400);
  });

  it("an endpoint's findings in Japanese", async () => {
    type F = { rule?: string; title: string; host: string; method: string; path: string };
    const all = (await get<{ findings: F[] }>('/api/v1/findings')).findings;
    const f = all.find((x) => x.rule?.startsWith('MAM-') && x.method && x.path)!;
    expect(f).toBeDefined();
    const q = `host=${f.host}&method=${f.method}&endpoint=${encodeURIComponent(f.path)}`;
    const en = (await get<{ findings: F[] }>(`/api/v1/inventory/endpoint?${q}`)).findings;
    const ja = (await get<{ findings: F[] }>(`/api/v1/inventory/endpoint?${q}&lang=ja`)).findings;
    expect(en.length).toBeGreaterThan(0);
    expect(en.every((x) => !KANA.test(x.title))).toBe(true);
    expect(ja.filter((x) => x.rule?.startsWith('MAM-')).every((x) => KANA.test(x.title))).toBe(true);
  });

  it('incidents: the summary in Japanese', async () => {
    type I = { id: string; summary: string };
    const en = (await get<{ incidents: I[] }>('/api/v1/incidents')).incidents;
    const ja = (await get<{ incidents: I[] }>('/api/v1/incidents?lang=ja')).incidents;
    expect(en.length).toBeGreaterThan(0);
    for (const [i, x] of ja.entries()) {
      expect(en[i]!.summary).not.toMatch(KANA);
      expect(x.summary).toMatch(/^\S+ からの関連アラート \d+ 件/);
    }
    expect((await t.call('viewer', { method: 'GET', url: '/api/v1/incidents?lang=xx' })).statusCode).toBe(
      400,
    );
  });

  it("a scan's findings: test name, description and remediation in Japanese, here and in all findings", async () => {
    const test = CATALOGUE.find((x) => x.id === 'MAM-SCAN-API1-001')!;
    const id = 'scan-i18n';
    await t.store.putScan({
      id,
      target: 'http://127.0.0.1:1/',
      status: 'done',
      started: new Date().toISOString(),
      progress: { sent: 3, findings: 1, testsRun: 1, testsTotal: 1, phase: 'done' },
      options: {},
    });
    const finding: Finding = {
      id: 'f-i18n',
      test: test.id,
      title: test.name,
      severity: test.severity,
      owasp: test.owasp,
      compliance: [],
      host: '127.0.0.1',
      method: 'GET',
      path: '/orders/7',
      evidence: [],
      description:
        'bob read an object owned by alice through GET /orders/7. Ruled out: a nonexistent id got 404.',
      remediation: test.remediation,
    };
    await t.store.replaceFindings(scanProducer(id), [finding]);
    type F = { title: string; description: string; remediation: string; path: string };
    const en = (await get<{ findings: F[] }>(`/api/v1/scans/${id}/findings`)).findings;
    expect(en[0]).toMatchObject({ title: test.name, remediation: test.remediation });
    const [ja] = (await get<{ findings: F[] }>(`/api/v1/scans/${id}/findings?lang=ja`)).findings;
    expect(ja?.title).toBe('他の利用者が所有するオブジェクトを読み取れる');
    expect(ja?.remediation).toMatch(/^オブジェクトへのアクセスのたびに/);
    expect(ja?.description).toMatch(KANA);
    expect(ja?.path).toBe('/orders/7');
    const all = (await get<{ findings: Array<F & { test?: string }> }>('/api/v1/findings?lang=ja')).findings;
    expect(all.find((f) => f.test === test.id)?.title).toBe(ja?.title);
    const bad = await t.call('viewer', { method: 'GET', url: `/api/v1/scans/${id}/findings?lang=de` });
    expect(bad.statusCode).toBe(400);
  });
});

describe('Accept-Language', () => {
  it('picks the supported language the client ranks highest', () => {
    expect(preferredLang(undefined)).toBe('en');
    expect(preferredLang('ja')).toBe('ja');
    expect(preferredLang('ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('ja');
    expect(preferredLang('en-GB,en;q=0.9,ja;q=0.8')).toBe('en');
    expect(preferredLang('fr-FR,fr;q=0.9,ja;q=0.5')).toBe('ja');
    expect(preferredLang('fr, de;q=0.5')).toBe('en');
    expect(preferredLang('ja;q=0, en;q=0.1')).toBe('en');
    expect(preferredLang('*;q=0.5, ja;q=0.6')).toBe('ja');
    expect(preferredLang(';;;,,q=,ja;q=abc')).toBe('ja');
  });

  it('answers in Japanese for Accept-Language: ja when ?lang is absent; an explicit ?lang wins', async () => {
    type A = { id: string; title: string };
    const call = (url: string, lang?: string) =>
      t.call('viewer', { method: 'GET', url, headers: lang ? { 'accept-language': lang } : {} });
    const ja = await call('/api/v1/alerts', 'ja-JP,ja;q=0.9,en;q=0.8');
    expect(ja.statusCode).toBe(200);
    expect(ja.headers['content-language']).toBe('ja');
    expect(String(ja.headers['vary'])).toMatch(/accept-language/i);
    const jaAlerts = (ja.json() as { alerts: A[] }).alerts;
    expect(jaAlerts[0]?.title).toMatch(KANA);
    const explicit = (await get<{ alerts: A[] }>('/api/v1/alerts?lang=ja')).alerts;
    expect(jaAlerts.map((a) => a.title)).toEqual(explicit.map((a) => a.title));

    const en = await call('/api/v1/alerts?lang=en', 'ja');
    expect(en.headers['content-language']).toBe('en');
    expect((en.json() as { alerts: A[] }).alerts[0]?.title).not.toMatch(KANA);
    const plain = await call('/api/v1/alerts');
    expect(plain.headers['content-language']).toBe('en');

    const incidents = await call('/api/v1/incidents', 'ja');
    expect(incidents.headers['content-language']).toBe('ja');
    // Routes without a language answer the same whatever the client prefers.
    const inventory = await call('/api/v1/inventory?limit=1', 'ja');
    expect(inventory.statusCode).toBe(200);
    expect(inventory.headers['content-language']).toBeUndefined();
  });
});
