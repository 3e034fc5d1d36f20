// The API's responses against the published JSON Schemas: GET /inventory, /findings and /alerts follow
// the DESIGN.md contracts (docs/schemas/{inventory,findings,alerts}.schema.json), and the console's
// routes have their own docs/schemas/api-*.schema.json, written from the route schemas the server
// serialises with (MAMORI_WRITE_SCHEMAS=1 rewrites them), so the documents cannot drift.

import { readFileSync, writeFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHar } from '../pipeline/test-support.js';
import type { Role } from '../store/index.js';
import { schemas } from './schemas.js';
import { startTestServer, type TestServer } from './test-support.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module namespace.
const addFormats = (addFormatsModule as unknown as { default: (a: Ajv2020.default) => Ajv2020.default })
  .default;
const ajv = addFormats(new Ajv2020.default({ allErrors: true, strict: false }));

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  expect(
    (await t.call('ingest', { method: 'POST', url: '/api/v1/traffic?wait=true', payload: demoHar(400) }))
      .statusCode,
  ).toBe(202);
  await t.store.putScan({
    id: 'scan-1',
    target: 'http://127.0.0.1:8080/api',
    status: 'done',
    started: '2026-11-23T10:00:00.000Z',
    finished: '2026-11-23T10:01:00.000Z',
    progress: { sent: 10, findings: 1, testsRun: 3, testsTotal: 3, phase: 'done' },
    options: { source: 'spec', identities: [{ name: 'alice', header: 'authorization' }] },
    summary: { findings: 1 },
  });
  const alert = (await t.call('viewer', { method: 'GET', url: '/api/v1/alerts' })).json().alerts[0];
  await t.call('analyst', {
    method: 'POST',
    url: '/api/v1/patches',
    payload: { from: 'alert', id: alert.id },
  });
  await t.call('analyst', {
    method: 'POST',
    url: '/api/v1/decisions',
    payload: { actor: 'ip:1.2.3.4', action: 'throttle', ttlSeconds: 60, reason: 'x', ratePerSecond: 1 },
  });
  await t.call('analyst', {
    method: 'POST',
    url: '/api/v1/hunt/saved',
    payload: { name: 'errors', query: { status: 500 } },
  });
  await t.call('admin', {
    method: 'PUT',
    url: '/api/v1/settings',
    payload: {
      organisation: { industry: 'healthcare', country: 'JP' },
      scanTargets: ['http://127.0.0.1:8080'],
      integrations: {
        webhooks: [{ url: 'https://hooks.example/x', events: ['alert'], secret: 'whsec-0123456789abcdef' }],
      },
    },
  });
});
afterAll(() => t.close());

describe('DESIGN.md contracts', () => {
  for (const [name, key, url] of [
    ['inventory', 'endpoints', '/api/v1/inventory'],
    ['findings', 'findings', '/api/v1/findings'],
    ['alerts', 'alerts', '/api/v1/alerts'],
  ] as const)
    it(`GET ${url} validates against docs/schemas/${name}.schema.json`, async () => {
      const body = (await t.call('viewer', { method: 'GET', url })).json();
      expect(body[key].length).toBeGreaterThan(0);
      // The platform adds each alert's workflow state (described in the alerts schema as platform-only).
      if (name === 'alerts')
        for (const a of body.alerts as Array<Record<string, unknown>>) {
          expect(a['status']).toMatch(/^(open|acknowledged|resolved)$/);
          expect(Array.isArray(a['comments'])).toBe(true);
        }
      const validate = ajv.compile(JSON.parse(readFileSync(`docs/schemas/${name}.schema.json`, 'utf8')));
      expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    });
});

const API_DOCS: Array<{ name: string; title: string; url: string; role: Role; schema: unknown }> = [
  {
    name: 'overview',
    title: 'GET /api/v1/overview',
    url: '/api/v1/overview',
    role: 'viewer',
    schema: schemas.overview.response[200],
  },
  {
    name: 'scans',
    title: 'GET /api/v1/scans',
    url: '/api/v1/scans',
    role: 'viewer',
    schema: schemas.scans.response[200],
  },
  {
    name: 'scan',
    title: 'GET /api/v1/scans/{id}',
    url: '/api/v1/scans/scan-1',
    role: 'viewer',
    schema: schemas.scan.response[200],
  },
  {
    name: 'settings',
    title: 'GET /api/v1/settings',
    url: '/api/v1/settings',
    role: 'viewer',
    schema: schemas.settings.response[200],
  },
  {
    name: 'session',
    title: 'GET /api/v1/session',
    url: '/api/v1/session',
    role: 'viewer',
    schema: schemas.session.response[200],
  },
  {
    name: 'patches',
    title: 'GET /api/v1/patches',
    url: '/api/v1/patches',
    role: 'viewer',
    schema: schemas.patches.response[200],
  },
  {
    name: 'decisions',
    title: 'GET /api/v1/decisions',
    url: '/api/v1/decisions',
    role: 'viewer',
    schema: schemas.decisions.response[200],
  },
  {
    name: 'saved-queries',
    title: 'GET /api/v1/hunt/saved',
    url: '/api/v1/hunt/saved',
    role: 'analyst',
    schema: schemas.savedList.response[200],
  },
];

const documentOf = (d: (typeof API_DOCS)[number]) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://mamori.dev/schemas/api-${d.name}/v1.json`,
  title: `mamori API: ${d.title}`,
  description:
    'Version 1, generated from the route schema the server validates and serialises with (src/server/schemas.ts). Additive changes keep the version.',
  ...(d.schema as Record<string, unknown>),
});

describe('console route schemas', () => {
  for (const d of API_DOCS)
    it(`${d.title} matches docs/schemas/api-${d.name}.schema.json`, async () => {
      const file = `docs/schemas/api-${d.name}.schema.json`;
      const doc = documentOf(d);
      if (process.env['MAMORI_WRITE_SCHEMAS'] === '1')
        writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc);
      const res = await t.call(d.role, { method: 'GET', url: d.url });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const validate = ajv.compile(doc);
      expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      // Every list the document describes has something in it here, so the check is not vacuous.
      for (const value of Object.values(body as Record<string, unknown>))
        if (Array.isArray(value)) expect(value.length, d.title).toBeGreaterThan(0);
    });
});
