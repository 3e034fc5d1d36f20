// "No input makes it answer 500 or crash": every route the server's own OpenAPI document describes,
// called by an admin with hostile path parameters, query strings and bodies. Each answer must be a
// 2xx-4xx with a JSON error body for 4xx, and the server must still answer afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExchanges } from '../pipeline/test-support.js';
import { exchangeToRecord } from '../sources/index.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ bodyLimit: 256 * 1024 });
  const lines = demoExchanges(60).map((x) => JSON.stringify(exchangeToRecord(x)));
  const res = await t.call('ingest', {
    method: 'POST',
    url: '/api/v1/traffic?wait=true',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${lines.join('\n')}\n`,
  });
  expect(res.statusCode).toBe(202);
});
afterAll(() => t.close());

/** Values that have broken parsers, SQL builders and path handling elsewhere. */
const HOSTILE_TEXT = [
  '',
  '%00',
  '%ff%fe',
  "'%20OR%201=1--",
  '..%2f..%2fetc%2fpasswd',
  '-1',
  '1e309',
  'NaN',
  '9999999999999999999999',
  '2026-13-45T99:99:99Z',
  'x'.repeat(5000),
  '%F0%9F%92%A9',
  '[object%20Object]',
];

const HOSTILE_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: { polluted: true } } },
  { name: null, action: null, target: null, pattern: null, where: null },
  { name: 'x'.repeat(100_000) },
  { retention: { days: -1, maxRows: 1e308 }, masking: { types: { EMAIL: 'explode' } } },
  { target: 'file:///etc/passwd', spec: 1 },
  { pattern: '(a+)+$', where: ['query'], limit: 1e9 },
  { actor: { $gt: '' }, action: 'block', ttlSeconds: 'forever' },
  { query: { from: 'yesterday', status: 'x' }, name: '' },
];

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
}

describe('garbage on every route', () => {
  it('never answers 500 and keeps answering', { timeout: 120_000 }, async () => {
    const doc = (await t.call('admin', { method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const failures: string[] = [];
    let calls = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const upper = method.toUpperCase();
        // The event stream stays open: its validation is covered by events.test.ts.
        if (path.endsWith('/events')) continue;
        const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const [i, text] of HOSTILE_TEXT.entries()) {
          const url =
            path.replace(/\{[^}]+\}/g, text || 'x') +
            (queryNames.length ? `?${queryNames.map((n) => `${n}=${text}`).join('&')}` : '');
          const bodies =
            upper === 'GET' || upper === 'DELETE' ? [undefined] : [HOSTILE_BODIES[i % HOSTILE_BODIES.length]];
          if (upper !== 'GET' && upper !== 'DELETE' && i === 0) bodies.push(...HOSTILE_BODIES);
          for (const body of bodies) {
            calls++;
            const res = await t.call('admin', {
              method: upper as 'GET',
              url,
              ...(body !== undefined
                ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
                : {}),
            });
            if (res.statusCode >= 500)
              failures.push(
                `${upper} ${url.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)} → ${res.statusCode}`,
              );
            else if (res.statusCode >= 400 && !(res.json() as { error?: string }).error)
              failures.push(`${upper} ${url.slice(0, 120)} → ${res.statusCode} without an error body`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(500);
    expect((await t.call(undefined, { method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
