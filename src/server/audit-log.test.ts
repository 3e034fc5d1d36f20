// The audit log is itself queryable (issue 7): by who, what, which target and a time window given
// with any UTC offset; times no JavaScript date can hold (a leap second) are a 400, not a 500.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

type Entry = { at: string; who: string; action: string; target: string };
const entries = async (query: string) => {
  const res = await t.call('admin', { method: 'GET', url: `/api/v1/audit-log?${query}` });
  expect(res.statusCode, query).toBe(200);
  return (res.json() as { entries: Entry[] }).entries;
};

describe('audit log', () => {
  it('answers by who, action, target and time window, newest first', async () => {
    const created: string[] = [];
    for (const name of ['ci-1', 'ci-2']) {
      const res = await t.call('admin', { method: 'POST', url: '/api/v1/tokens/ingest', payload: { name } });
      expect(res.statusCode).toBe(201);
      created.push((res.json() as { token: { id: string } }).token.id);
    }
    const revoked = created[0] as string;
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${revoked}` })).statusCode).toBe(
      200,
    );

    const all = await entries('who=admin');
    expect(all.map((e) => e.action)).toEqual(['token.revoke', 'token.create', 'token.create']);
    expect((await entries(`target=${revoked}`)).map((e) => e.action)).toEqual([
      'token.revoke',
      'token.create',
    ]);
    expect((await entries('action=token.revoke')).map((e) => e.target)).toEqual([revoked]);
    expect(await entries('who=nobody')).toEqual([]);

    // A window around the newest entry, written with a +09:00 offset: the same instants as UTC.
    const newest = Date.parse((all[0] as Entry).at);
    const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace('Z', '+09:00');
    const window = await entries(
      `since=${encodeURIComponent(jst(newest))}&until=${encodeURIComponent(jst(newest + 1))}`,
    );
    expect(window.map((e) => e.action)).toEqual(['token.revoke']);
    expect(await entries(`until=${encodeURIComponent(jst(Date.parse(all[2]?.at ?? '')))}&who=admin`)).toEqual(
      [],
    );
  });

  it('answers 400 naming the field for times it cannot use, never 500', async () => {
    for (const [query, field] of [
      ['since=2026-06-30T23:59:60Z', 'querystring.since'],
      ['until=2026-06-30T23:59:60Z', 'querystring.until'],
      ['since=yesterday', 'querystring.since'],
    ] as const) {
      const res = await t.call('admin', { method: 'GET', url: `/api/v1/audit-log?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
    // Every route's times are checked alike (hunting passed NaN on to the query).
    const hunt = await t.call('analyst', { method: 'GET', url: '/api/v1/hunt?from=2026-06-30T23:59:60Z' });
    expect(hunt.statusCode).toBe(400);
    expect(hunt.json().field).toBe('querystring.from');
    const retro = await t.call('analyst', {
      method: 'POST',
      url: '/api/v1/hunt/retro',
      payload: { pattern: 'x', where: ['query'], to: '2026-12-31T23:59:60+00:00' },
    });
    expect(retro.statusCode).toBe(400);
    expect(retro.json().field).toBe('body.to');
  });
});
