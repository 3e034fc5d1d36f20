import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { IngestCommit, RetainedExchange } from './index.js';
import { openStore, type PlatformStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'mamori-prune-'));
const stores: PlatformStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  vi.useRealTimers();
});

const row = (id: string, time: number): RetainedExchange => ({
  id,
  time,
  actor: 'ip:203.0.113.9',
  host: 'api.shop.example',
  method: 'GET',
  path: '/v2/orders',
  status: 200,
  hits: [],
  data: '{}',
});
const commit = (rows: RetainedExchange[]): IngestCommit => ({
  processed: rows.map((r) => r.id),
  exchanges: rows,
  endpoints: [],
  findings: [],
  alerts: [],
  incidents: [],
});

describe('retention prunes the processed ids with the exchanges', () => {
  it('forgets ids processed before the window, remembers those inside it', async () => {
    const store = await openStore(join(dir, 'age.db'));
    stores.push(store);
    const day = 86_400_000;
    const t0 = Date.UTC(2026, 10, 1);
    vi.useFakeTimers({ now: t0, toFake: ['Date'] });
    await store.commitIngest(commit([row('old-1', t0), row('old-2', t0)]));
    vi.setSystemTime(t0 + 10 * day);
    await store.commitIngest(commit([row('new-1', t0 + 10 * day)]));
    vi.useRealTimers();

    expect(await store.pruneExchanges({ before: t0 + 5 * day })).toBe(2);
    // Outside the window: forgotten (the table stays bounded). Inside: still a duplicate.
    expect(await store.unprocessed(['old-1', 'old-2', 'new-1'])).toEqual(['old-1', 'old-2']);
  });

  it('keeps at most maxRows processed ids, the newest', async () => {
    const store = await openStore(join(dir, 'rows.db'));
    stores.push(store);
    const t0 = Date.UTC(2026, 10, 1);
    vi.useFakeTimers({ now: t0, toFake: ['Date'] });
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(t0 + i * 1000);
      await store.commitIngest(commit([row(`x${i}`, t0 + i)]));
    }
    vi.useRealTimers();
    expect(await store.pruneExchanges({ maxRows: 3 })).toBe(2);
    expect(await store.countExchanges()).toBe(3);
    expect(await store.unprocessed(['x0', 'x1', 'x2', 'x3', 'x4'])).toEqual(['x0', 'x1']);
  });
});

describe('retention by size', () => {
  const PG_URL = process.env['MAMORI_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `mamori_prune_${process.pid}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  for (const [name, location] of [
    ['SQLite', () => join(dir, 'bytes.db')],
    ['PostgreSQL', () => `${PG_URL}?schema=${schema}`],
  ] as const)
    it(`keeps the newest exchanges within maxBytes of stored JSON (${name})`, async () => {
      const store = await openStore(location());
      stores.push(store);
      const t0 = Date.UTC(2026, 10, 1);
      // Ten exchanges of 300 characters of stored JSON each, one a second.
      const rows = Array.from({ length: 10 }, (_, i) => ({
        ...row(`b${i}`, t0 + i * 1000),
        data: JSON.stringify({ pad: 'x'.repeat(290) }),
      }));
      expect(rows.every((r) => r.data.length === 300)).toBe(true);
      await store.commitIngest(commit(rows));
      // Within budget: nothing goes.
      expect(await store.pruneExchanges({ maxBytes: 3000 })).toBe(0);
      // 1,000 bytes hold the newest three (900); the fourth would pass the budget.
      expect(await store.pruneExchanges({ maxBytes: 1000 })).toBe(7);
      expect((await store.queryExchanges({})).map((r) => r.id)).toEqual(['b9', 'b8', 'b7']);
    });
});
