import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import { exchangesFromHar } from './har.js';
import { collect, fixture, tempDir } from './test-support/collect.js';

function withoutOrigin(ex: Exchange): Omit<Exchange, 'id' | 'source'> {
  const { id: _id, source: _source, ...rest } = ex;
  return rest;
}

/** A HAR of `n` entries with JSON bodies, built in memory (large inputs are generated, not committed). */
function generatedHar(n: number, pad = 0): string {
  const entries = [];
  for (let i = 0; i < n; i++) {
    entries.push({
      startedDateTime: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      time: i % 50,
      request: {
        method: i % 3 === 0 ? 'POST' : 'GET',
        url: `https://h${i % 4}.example/api/items/${i}?page=${i % 7}&q=caf%C3%A9`,
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'X-Trace', value: `"t\\${i}"` }],
        cookies: [],
        queryString: [],
        headersSize: -1,
        bodySize: -1,
        ...(i % 3 === 0
          ? { postData: { mimeType: 'application/json', text: JSON.stringify({ i, s: 'x"\\y' }) } }
          : {}),
      },
      response: {
        status: 200,
        headers: [],
        cookies: [],
        content: {
          size: -1,
          mimeType: 'application/json',
          text: JSON.stringify({ id: i, pad: 'p'.repeat(pad) }),
        },
        headersSize: -1,
        bodySize: -1,
      },
    });
  }
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'gen', version: '1' }, entries } });
}

describe('readTraffic on HAR', () => {
  it('converts every field of a HAR 1.2 entry', async () => {
    const { exchanges, issues } = await collect(fixture('simple.har'));
    expect(issues).toEqual([]);
    expect(exchanges).toHaveLength(4);
    const [a, b, c, d] = exchanges as [Exchange, Exchange, Exchange, Exchange];

    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.source).toEqual({ kind: 'har', file: fixture('simple.har'), index: 0 });
    expect(a.time).toBe(Date.parse('2024-05-01T10:00:00.000Z'));
    expect(a.latencyMs).toBe(42.5);
    expect(a.client.address).toBe('10.0.0.7');
    expect(a.request).toMatchObject({
      method: 'GET',
      scheme: 'https',
      host: 'api.shop.example',
      path: '/v1/users/123',
      httpVersion: 'HTTP/2',
    });
    expect(a.request.port).toBeUndefined();
    expect(a.request.query).toEqual([
      ['q', 'a b'],
      ['name', 'Jürgen'],
      ['flag', ''],
      ['x', '1 2'],
    ]);
    // Pseudo-headers dropped, names lower-cased, repeats joined, cookies rebuilt from the cookie list.
    expect(a.request.headers).toEqual({
      accept: 'application/json',
      'x-multi': 'one, two',
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.sig',
      cookie: 'sid=abc',
    });
    expect(a.request.body).toBeUndefined();
    expect(a.response?.status).toBe(200);
    expect(a.response?.headers['set-cookie']).toBe('a=1\nb=2');
    expect(a.response?.body).toEqual({
      text: '{"id":123,"email":"jane.doe@example.com"}',
      size: 44,
      truncated: true, // content.size says 44 bytes, the text holds 41: the recorder cut it
      mimeType: 'application/json',
    });

    expect(b.request.method).toBe('POST');
    expect(b.request.scheme).toBe('http');
    expect(b.request.port).toBe(8080);
    expect(b.time).toBe(Date.parse('2024-05-01T08:00:01.500Z'));
    expect(b.request.body?.text).toBe('{"card": "4111111111111111", "note": "日本語"}');
    expect(b.request.body?.size).toBe(Buffer.byteLength(b.request.body?.text ?? ''));
    expect(b.request.body?.truncated).toBe(false);
    expect(b.response?.body).toEqual({
      text: '{"orderId":"ord_1234567"}',
      size: 25,
      truncated: false,
      mimeType: 'application/json',
    });

    // Status 0: no response. Form params become an urlencoded body. time -1: no latency.
    expect(c.response).toBeUndefined();
    expect(c.latencyMs).toBeUndefined();
    expect(c.request.body?.text).toBe('user=jane&pass%20word=s3cr%26t');
    expect(c.request.body?.mimeType).toBe('application/x-www-form-urlencoded');

    // Binary bodies are kept as "" with their size; :443 on https is the default port.
    expect(d.request.port).toBeUndefined();
    expect(d.response?.body).toEqual({ text: '', size: 8, truncated: false, mimeType: 'image/png' });
  });

  it('gives deterministic ids', async () => {
    const one = await collect(fixture('simple.har'));
    const two = await collect(fixture('simple.har'));
    expect(one.exchanges.map((e) => e.id)).toEqual(two.exchanges.map((e) => e.id));
    expect(new Set(one.exchanges.map((e) => e.id)).size).toBe(4);
  });

  it('reads gzip HAR files (by magic bytes, whatever the name)', async () => {
    const dir = tempDir();
    const file = join(dir, 'traffic.bin');
    writeFileSync(file, gzipSync(readFileSync(fixture('simple.har'))));
    const plain = await collect(fixture('simple.har'));
    const gz = await collect(file);
    expect(gz.issues).toEqual([]);
    expect(gz.exchanges.map(withoutOrigin)).toEqual(plain.exchanges.map(withoutOrigin));
  });

  it('reads every entry before the cut of a truncated file and reports the cut once', async () => {
    const { exchanges, issues } = await collect(fixture('truncated.har'));
    expect(exchanges.map((e) => e.source.index)).toEqual([0, 1]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'har.truncated', index: 2, file: fixture('truncated.har') });
    expect(issues[0]?.fatal).toBeUndefined();
  });

  it('reports a truncated gzip stream as the one cut', async () => {
    const dir = tempDir();
    const file = join(dir, 'cut.har.gz');
    const gz = gzipSync(Buffer.from(generatedHar(400)));
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const { exchanges, issues } = await collect(file);
    expect(exchanges.length).toBeGreaterThan(100);
    expect(exchanges.length).toBeLessThan(400);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'har.truncated', index: exchanges.length });
    expect(issues[0]?.hint).toMatch(/end of file/);
  });

  it('skips malformed entries with one issue each and keeps the rest', async () => {
    const { exchanges, issues } = await collect(fixture('bad-entries.har'));
    expect(exchanges.map((e) => e.source.index)).toEqual([0, 6]);
    expect(exchanges[1]?.request.method).toBe('POST');
    expect(issues.map((i) => [i.code, i.index, i.field])).toEqual([
      ['har.entry.invalid', 1, 'request.url'],
      ['har.entry.invalid', 2, undefined],
      ['har.entry.invalid', 3, 'request.method'],
      ['har.entry.invalid', 4, 'startedDateTime'],
      ['har.entry.invalid', 5, 'request.url'],
    ]);
    expect(issues[1]?.message).toMatch(/not valid JSON/);
    expect(issues[4]?.message).toMatch(/unsupported URL scheme/);
    expect(issues.every((i) => i.file === fixture('bad-entries.har') && !i.fatal)).toBe(true);
  });

  it('reports elements of log.entries that are not objects at their array position', async () => {
    const dir = tempDir();
    const file = join(dir, 'nulls.har');
    const doc = JSON.parse(readFileSync(fixture('simple.har'), 'utf8'));
    doc.log.entries.splice(1, 0, null, 'x');
    writeFileSync(file, JSON.stringify(doc));
    const { exchanges, issues } = await collect(file);
    expect(exchanges.map((e) => e.source.index)).toEqual([0, 3, 4, 5]);
    expect(issues.map((i) => [i.index, i.message])).toEqual([
      [1, 'entry is not a JSON object'],
      [2, 'entry is not a JSON object'],
    ]);
  });

  it('gives one fatal issue for a file that is not HAR', async () => {
    const dir = tempDir();
    const notHar = join(dir, 'x.har');
    writeFileSync(notHar, JSON.stringify({ openapi: '3.1.0', paths: {} }, null, 2));
    const r1 = await collect(notHar, { format: 'har' });
    expect(r1.exchanges).toEqual([]);
    expect(r1.issues).toHaveLength(1);
    expect(r1.issues[0]).toMatchObject({ code: 'har.invalid', fatal: true });
    expect(r1.issues[0]?.message).toMatch(/no log.entries/);

    const arr = join(dir, 'arr.har');
    writeFileSync(arr, '[1, 2, 3]');
    const r2 = await collect(arr, { format: 'har' });
    expect(r2.issues).toEqual([expect.objectContaining({ code: 'har.invalid', fatal: true })]);
    const r3 = await collect(arr);
    expect(r3.issues).toEqual([expect.objectContaining({ code: 'source.format.unknown', fatal: true })]);

    const missing = await collect(join(dir, 'nope.har'));
    expect(missing.issues).toEqual([expect.objectContaining({ code: 'source.unreadable', fatal: true })]);
  });

  it('cuts bodies at the body cap without splitting a character', async () => {
    const { exchanges } = await collect(fixture('simple.har'), { bodyCap: 42 });
    const body = exchanges[1]?.request.body;
    // The card JSON is 47 bytes; 42 bytes fall inside "日" (3 bytes each), which must not be split.
    expect(body?.truncated).toBe(true);
    expect(body?.text).toBe('{"card": "4111111111111111", "note": "日');
    expect(Buffer.byteLength(body?.text ?? '')).toBeLessThanOrEqual(42);
    expect(body?.size).toBe(Buffer.byteLength('{"card": "4111111111111111", "note": "日本語"}'));
    const small = await collect(fixture('simple.har'), { bodyCap: 10 });
    expect(small.exchanges[1]?.response?.body).toMatchObject({
      text: '{"orderId"',
      truncated: true,
      size: 25,
    });
  });

  it('streams a multi-megabyte HAR and reports progress', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.har');
    const text = generatedHar(3000, 1200);
    writeFileSync(file, text);
    const { exchanges, issues, progress } = await collect(file);
    expect(issues).toEqual([]);
    expect(exchanges).toHaveLength(3000);
    expect(exchanges[2999]?.request.path).toBe('/api/items/2999');
    expect(exchanges[2999]?.request.query).toEqual([
      ['page', String(2999 % 7)],
      ['q', 'café'],
    ]);
    expect(exchanges[3]?.request.headers['x-trace']).toBe('"t\\3"');
    expect(exchanges[3]?.request.body?.text).toBe(JSON.stringify({ i: 3, s: 'x"\\y' }));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toEqual([text.length, text.length]);
    // Same result as converting the parsed document in memory.
    const inMemory = exchangesFromHar(JSON.parse(text), { file, onIssue: () => {} });
    expect(inMemory).toEqual(exchanges);
  });

  it('stops at the first issue when onIssue throws (--strict)', async () => {
    const strict = collect(fixture('bad-entries.har'), {
      onIssue: (i) => {
        throw new Error(`strict: ${i.code} ${i.index}`);
      },
    });
    await expect(strict).rejects.toThrow('strict: har.entry.invalid 1');
  });
});

describe('exchangesFromHar', () => {
  it('converts an in-memory HAR and reports bad entries', () => {
    const doc = JSON.parse(readFileSync(fixture('simple.har'), 'utf8'));
    doc.log.entries.splice(1, 0, { request: { method: 'GET', url: 'https://x.example/' } });
    const issues: unknown[] = [];
    const out = exchangesFromHar(doc, { file: 'mem.har', onIssue: (i) => issues.push(i) });
    expect(out).toHaveLength(4);
    expect(out.map((e) => e.source.index)).toEqual([0, 2, 3, 4]);
    expect(issues).toEqual([
      expect.objectContaining({ index: 1, field: 'startedDateTime', file: 'mem.har' }),
    ]);
  });

  it('accepts a string status and drops a non-numeric one', () => {
    const entry = (status: unknown) => ({
      startedDateTime: '2024-05-01T10:00:00Z',
      request: { method: 'GET', url: 'https://x.example/' },
      response: { status, headers: [], content: {} },
    });
    const out = exchangesFromHar({ log: { entries: [entry('204'), entry('n/a')] } }, { onIssue: () => {} });
    expect(out.map((e) => e.response?.status)).toEqual([204, undefined]);
  });

  it('gives a fatal issue for a document without log.entries', () => {
    const issues: Array<{ fatal?: boolean }> = [];
    expect(exchangesFromHar({ log: {} }, { onIssue: (i) => issues.push(i) })).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ code: 'har.invalid', fatal: true })]);
  });
});
