// "No secret ever in a log line": the server's request log at its most verbose level, over calls that
// carry a bearer token, a session cookie, an API key header, and ingested traffic full of sensitive
// values, holds none of them (and does log the calls, so the check is not vacuous).

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, secretExchange } from '../pipeline/test-support.js';
import { exchangeToRecord } from '../sources/index.js';
import { startTestServer, type TestServer } from './test-support.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logger: { level: 'trace', stream: sink } });
});
afterAll(() => t.close());

describe('server log', () => {
  it('never holds a credential or a sensitive value', async () => {
    const ingest = await t.call('ingest', {
      method: 'POST',
      url: '/api/v1/traffic?wait=true',
      headers: { 'content-type': 'application/x-ndjson', 'x-api-key': 'ak_live_0123456789abcdef' },
      payload: `${JSON.stringify(exchangeToRecord({ ...secretExchange('log-1'), time: Date.now() }))}\n`,
    });
    expect(ingest.statusCode).toBe(202);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { authorization: `Bearer ${t.tokens.viewer}` },
    });
    expect(signIn.statusCode).toBeLessThan(300);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    expect(cookie.length).toBeGreaterThan(10);
    await t.app.inject({ method: 'GET', url: '/api/v1/inventory', headers: { cookie } });
    await t.call('analyst', { method: 'GET', url: '/api/v1/hunt?limit=5' });
    // A bad token is logged as a refused call, never as the token.
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts',
      headers: { authorization: 'Bearer not-a-real-token-0123456789' },
    });

    const log = lines.join('');
    expect(log).toContain('/api/v1/traffic');
    expect(log).toContain('/api/v1/hunt');
    for (const secret of [
      ...Object.values(t.tokens),
      cookie.split('=')[1] ?? cookie,
      'ak_live_0123456789abcdef',
      'not-a-real-token-0123456789',
      ...Object.values(SECRETS).filter((v) => typeof v === 'string' && v.length >= 6),
    ])
      expect(log, `log holds ${secret.slice(0, 6)}…`).not.toContain(secret);
  });
});
