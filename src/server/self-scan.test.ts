// The bar for the platform's own API: `mamori scan` on it, with its own tokens, finds nothing.
// Access control (API1, API5), authentication (API2), misconfiguration (API8) and schema enforcement,
// destructive tests included (they run against a throwaway store), from the served OpenAPI document.
// The whole catalogue (157 tests, ~70 s here) found nothing either on 2026-11-23; these categories
// are where an API server goes wrong, in ~10 s. Before JSON bodies were validated without coercion,
// SCHEMA-010 found `null` accepted for string fields of POST /hunt/retro.

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHar } from '../pipeline/test-support.js';
import { runScan } from '../scan/runner.js';
import { loadSpecText } from '../sources/spec.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.call('ingest', { method: 'POST', url: '/api/v1/traffic?wait=true', payload: demoHar(200) });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t.close());

describe('mamori scan on its own API', () => {
  it('finds nothing with analyst, viewer and admin tokens', { timeout: 240_000 }, async () => {
    const port = (t.app.server.address() as AddressInfo).port;
    const doc = (await t.call('viewer', { method: 'GET', url: '/api/v1/openapi.json' })).json();
    // The event stream never ends, so each probe of it would wait out the scanner's request timeout.
    delete doc.paths['/api/v1/events'];
    const { spec } = await loadSpecText(JSON.stringify(doc), 'mamori-openapi.json');
    expect(spec).toBeDefined();
    if (!spec) return;
    const r = await runScan({
      target: new URL(`http://127.0.0.1:${port}/`),
      spec,
      identities: [
        { name: 'alice', header: 'authorization', value: `Bearer ${t.tokens.analyst}`, admin: false },
        { name: 'bob', header: 'authorization', value: `Bearer ${t.tokens.viewer}`, admin: false },
        { name: 'admin', header: 'authorization', value: `Bearer ${t.tokens.admin}`, admin: true },
      ],
      only: ['API1', 'API2', 'API5', 'API8', 'SCHEMA'],
      destructive: true,
      rate: 5000,
      maxRequests: 20_000,
    });
    expect(r.stopped).toBeUndefined();
    expect(r.sent).toBeGreaterThan(100);
    expect(r.tests.run).toBeGreaterThan(20);
    expect(r.findings.map((f) => `${f.test} ${f.method} ${f.path}: ${f.title}`)).toEqual([]);
  });
});
