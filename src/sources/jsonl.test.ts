import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import { exchangeFromRecord, exchangeToRecord } from './jsonl.js';
import { collect, fixture, tempDir } from './test-support/collect.js';

const schema = JSON.parse(
  readFileSync(new URL('../../docs/schemas/exchange.schema.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

describe('readTraffic on JSONL exchanges', () => {
  it('reads good lines and reports each bad line by number', async () => {
    const file = fixture('exchanges.jsonl');
    const { exchanges, issues } = await collect(file);
    expect(exchanges.map((e) => e.source.line)).toEqual([1, 3, 7]);
    const [a, b, c] = exchanges as [Exchange, Exchange, Exchange];
    expect(a).toMatchObject({
      id: 'ex-1',
      time: Date.parse('2024-05-01T10:00:00.000Z'),
      source: { kind: 'jsonl', file, index: 0, line: 1 },
      client: { address: '198.51.100.7' },
      latencyMs: 12.5,
      request: {
        method: 'GET',
        scheme: 'https',
        host: 'api.shop.example',
        path: '/v1/users/42',
        query: [
          ['card', '4111111111111111'],
          ['q', 'a b'],
        ],
        headers: { authorization: 'Bearer abc', accept: 'application/json, text/plain' },
      },
      response: {
        status: 200,
        body: {
          text: '{"email":"jane@example.com"}',
          size: 28,
          truncated: false,
          mimeType: 'application/json',
        },
      },
    });
    expect(b.id).toMatch(/^[0-9a-f]{16}$/);
    expect(b.time).toBe(1714557601000);
    expect(b.request).toMatchObject({
      method: 'POST',
      scheme: 'http',
      host: 'shop.example',
      port: 8080,
      path: '/orders',
      query: [
        ['tag', 'a'],
        ['tag', 'b'],
        ['n', '1'],
      ],
      headers: { 'content-type': 'application/json', 'x-id': '7' },
      body: { text: '{"card":"4111111111111111"}', size: 27, truncated: false },
    });
    expect(c.request.method).toBe('DELETE');
    expect(issues.map((i) => [i.code, i.line, i.field])).toEqual([
      ['jsonl.line.invalid', 4, undefined],
      ['jsonl.record.invalid', 5, 'request.method'],
      ['jsonl.record.invalid', 6, 'time'],
      ['jsonl.record.invalid', 8, 'response.status'],
    ]);
    expect(issues.every((i) => i.file === file && !i.fatal)).toBe(true);
  });

  it('cuts bodies at the body cap', async () => {
    const { exchanges } = await collect(fixture('exchanges.jsonl'), { bodyCap: 8 });
    expect(exchanges[0]?.response?.body).toMatchObject({ text: '{"email"', truncated: true, size: 28 });
  });
});

describe('exchangeToRecord / exchangeFromRecord', () => {
  it('round-trips every exchange of every fixture and writes schema-valid records', async () => {
    const all: Exchange[] = [];
    for (const f of [
      'simple.har',
      'exchanges.jsonl',
      'access-combined.txt',
      'alb-access.txt',
      'envoy.jsonl',
    ]) {
      all.push(...(await collect(fixture(f))).exchanges);
    }
    expect(all.length).toBeGreaterThan(12);
    for (const ex of all) {
      const rec = exchangeToRecord(ex);
      const line = JSON.stringify(rec);
      expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
      expect(exchangeFromRecord(JSON.parse(line), ex.source)).toEqual(ex);
    }
  });

  it('round-trips awkward values: binary bodies, cut bodies, encoded query, ports, IPv6', () => {
    const ex: Exchange = {
      id: 'x1',
      time: 1714557600123,
      source: { kind: 'proxy', index: 3 },
      client: { address: '::1' },
      request: {
        method: 'PATCH',
        scheme: 'http',
        host: '[::1]',
        port: 8080,
        path: '/a%2Fb/c d',
        query: [
          ['a+b', 'c&d=e'],
          ['', 'x'],
          ['日本', '%'],
        ],
        headers: { 'set-cookie': 'a=1\nb=2' },
        body: { text: '', size: 900, truncated: false, mimeType: 'image/png' },
        httpVersion: 'HTTP/1.1',
      },
      response: { status: 200, headers: {}, body: { text: 'abc', size: 9000, truncated: true } },
      latencyMs: 0,
    };
    const rec = JSON.parse(JSON.stringify(exchangeToRecord(ex)));
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(exchangeFromRecord(rec, ex.source)).toEqual(ex);
  });

  it('returns an issue naming the field for bad records', () => {
    const ref = { kind: 'ingest' as const, index: 0 };
    const cases: Array<[unknown, string]> = [
      [null, ''],
      [{ time: 1, request: { method: 'GET', url: 'ftp://x/' } }, 'request.url'],
      [{ time: 1, request: { method: 'GET', scheme: 'gopher', host: 'x' } }, 'request.scheme'],
      [
        { time: 1, request: { method: 'GET', url: 'https://x/', headers: { a: { b: 1 } } } },
        'request.headers.a',
      ],
      [{ time: 1, request: { method: 'GET', url: 'https://x/', body: 5 } }, 'request.body'],
      [
        { time: 1, request: { method: 'GET', url: 'https://x/', bodyEncoding: 'hex', body: '' } },
        'request.bodyEncoding',
      ],
      [{ time: 1, request: { method: 'GET', url: 'https://x/' }, latencyMs: -2 }, 'latencyMs'],
      [{ time: 1, id: '', request: { method: 'GET', url: 'https://x/' } }, 'id'],
    ];
    for (const [obj, field] of cases) {
      const r = exchangeFromRecord(obj, ref);
      expect('code' in r && r.code, JSON.stringify(obj)).toBe('jsonl.record.invalid');
      expect('code' in r ? (r.field ?? '') : undefined).toBe(field);
    }
  });

  it('reads a generated file with long lines split across read chunks', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      lines.push(
        JSON.stringify({
          time: 1714557600000 + i,
          request: { method: 'POST', url: `https://h.example/i/${i}`, body: 'ü'.repeat(3000 + i) },
          response: { status: 200 },
        }),
      );
    }
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const { exchanges, issues } = await collect(file, { bodyCap: 1 << 20 });
    expect(issues).toEqual([]);
    expect(exchanges).toHaveLength(400);
    expect(exchanges[399]?.request.body?.text).toBe('ü'.repeat(3399));
    expect(exchanges[399]?.source.line).toBe(400);
  });
});
