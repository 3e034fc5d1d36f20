import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import { collect, fixture, tempDir } from './test-support/collect.js';

function summary(ex: Exchange) {
  return {
    method: ex.request.method,
    url: `${ex.request.scheme}://${ex.request.host}${ex.request.port ? `:${ex.request.port}` : ''}${ex.request.path}`,
    query: ex.request.query,
    status: ex.response?.status,
    client: ex.client.address,
    latencyMs: ex.latencyMs,
  };
}

describe('combined / common logs', () => {
  it('reads combined and common lines and reports each unparsable line', async () => {
    const file = fixture('access-combined.txt');
    const { exchanges, issues } = await collect(file, { defaultHost: 'shop.example' });
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://shop.example/v1/users/42',
        query: [
          ['email', 'jane@example.com'],
          ['page', '2'],
        ],
        status: 200,
        client: '203.0.113.9',
        latencyMs: undefined,
      },
      {
        method: 'POST',
        url: 'https://shop.example/v1/orders',
        query: [],
        status: 201,
        client: '203.0.113.10',
        latencyMs: undefined,
      },
      {
        method: 'GET',
        url: 'https://shop.example/health',
        query: [],
        status: 200,
        client: '203.0.113.12',
        latencyMs: undefined,
      },
      {
        method: 'DELETE',
        url: 'http://admin.shop.example:8080/v1/users/7',
        query: [],
        status: 204,
        client: '203.0.113.14',
        latencyMs: undefined,
      },
    ]);
    const [a, b] = exchanges as [Exchange, Exchange];
    expect(a.time).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(b.time).toBe(Date.parse('2024-05-01T10:00:01Z'));
    expect(a.request.headers).toEqual({
      referer: 'https://www.shop.example/',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
    });
    expect(a.request.httpVersion).toBe('HTTP/1.1');
    expect(a.request.body).toBeUndefined();
    expect(a.response?.body).toBeUndefined();
    expect(a.source).toEqual({ kind: 'access-log', file, index: 0, line: 1 });
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['log.line.unparsed', 3],
      ['log.line.unparsed', 4],
      ['log.line.unparsed', 6],
    ]);
    expect(issues[2]?.message).toMatch(/invalid time/);
    expect(issues.every((i) => i.file === file && !i.fatal)).toBe(true);
  });

  it('uses "unknown" and https when the log has no host and none is given', async () => {
    const { exchanges } = await collect(fixture('access-combined.txt'));
    expect(exchanges[0]?.request.host).toBe('unknown');
    expect(exchanges[0]?.request.scheme).toBe('https');
    const http = await collect(fixture('access-combined.txt'), {
      defaultScheme: 'http',
      defaultHost: 'h:8080',
    });
    expect(http.exchanges[0]?.request).toMatchObject({ scheme: 'http', host: 'h', port: 8080 });
  });

  it('reads the vhost prefix, X-Forwarded-For and request time variants', async () => {
    const { exchanges, issues } = await collect(fixture('access-vhost.txt'));
    expect(issues).toEqual([]);
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://api.shop.example/v2/items',
        query: [['sku', 'AB-1']],
        status: 200,
        client: '198.51.100.1',
        latencyMs: 153,
      },
      {
        method: 'GET',
        url: 'https://api.shop.example/v2/items/9',
        query: [],
        status: 404,
        client: '198.51.100.2',
        latencyMs: 4,
      },
      {
        method: 'GET',
        url: 'https://legacy.shop.example/cgi-bin/old.pl',
        query: [],
        status: 500,
        client: '198.51.100.3',
        latencyMs: 153,
      },
    ]);
    expect(exchanges[0]?.request.headers['x-forwarded-for']).toBe('10.1.2.3, 192.0.2.44');
  });

  it('reads gzip logs', async () => {
    const dir = tempDir();
    const file = join(dir, 'access.log.gz');
    const lines = Array.from(
      { length: 5000 },
      (_, i) =>
        `192.0.2.${i % 250} - - [01/May/2024:10:00:00 +0000] "GET /items/${i}?n=${i} HTTP/1.1" 200 5 "-" "t"`,
    );
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const { exchanges, issues } = await collect(file);
    expect(issues).toEqual([]);
    expect(exchanges).toHaveLength(5000);
    expect(exchanges[4999]?.request.query).toEqual([['n', '4999']]);
    expect(exchanges[4999]?.source.line).toBe(5000);
  });
});

describe('AWS ALB logs', () => {
  it('reads ALB lines with absolute URLs, processing times and client ports', async () => {
    const file = fixture('alb-access.txt');
    const { exchanges, issues } = await collect(file);
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://api.shop.example/v1/users/42',
        query: [['email', 'a@b.c']],
        status: 200,
        client: '192.0.2.10',
        latencyMs: 21,
      },
      {
        method: 'POST',
        url: 'https://api.shop.example:8443/v1/orders',
        query: [],
        status: 503,
        client: '192.0.2.11',
        latencyMs: undefined,
      },
      {
        method: 'GET',
        url: 'http://api.shop.example/',
        query: [],
        status: 301,
        client: '192.0.2.13',
        latencyMs: 2,
      },
    ]);
    expect(exchanges[0]?.time).toBe(Date.parse('2024-05-01T10:00:00.100Z'));
    expect(exchanges[0]?.request.headers['user-agent']).toBe('curl/7.46.0');
    expect(exchanges[1]?.request.httpVersion).toBe('HTTP/2.0');
    expect(issues.map((i) => [i.code, i.line])).toEqual([['log.line.unparsed', 3]]);
  });
});

describe('Envoy JSON logs', () => {
  it('reads Envoy default JSON keys', async () => {
    const file = fixture('envoy.jsonl');
    const { exchanges, issues } = await collect(file);
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://bank.example/api/v1/accounts/77',
        query: [['iban', 'DE89370400440532013000']],
        status: 200,
        client: '10.0.0.9',
        latencyMs: 17,
      },
      // The original path wins over the rewritten one; response_code 0 means no response was sent.
      {
        method: 'POST',
        url: 'https://bank.example:8443/api/v1/transfers',
        query: [],
        status: undefined,
        client: '2001:db8::1',
        latencyMs: 3,
      },
    ]);
    expect(exchanges[0]?.request.headers).toEqual({
      'user-agent': 'okhttp/4.9',
      'x-forwarded-for': '203.0.113.5',
      'x-request-id': '8f1c-aa',
    });
    expect(exchanges[0]?.request.httpVersion).toBe('HTTP/1.1');
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['log.line.unparsed', 3],
      ['log.line.unparsed', 4],
    ]);
    expect(issues[0]?.message).toMatch(/method/);
    expect(issues[1]?.message).toMatch(/not valid JSON/);
  });
});

describe('JSON access logs', () => {
  it('finds the fields of nginx JSON, ECS and GCP httpRequest logs without a field map', async () => {
    const file = fixture('json-access.txt');
    const { exchanges, issues } = await collect(file);
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://api.shop.example/v1/search',
        query: [['q', 'jane@example.com']],
        status: 200,
        client: '192.0.2.1',
        latencyMs: 12,
      },
      {
        method: 'PUT',
        url: 'http://api.shop.example/v1/profile',
        query: [['lang', 'ja']],
        status: 204,
        client: '192.0.2.2',
        latencyMs: 2.5,
      },
      {
        method: 'GET',
        url: 'https://api.shop.example/v1/items',
        query: [['id', '5']],
        status: 500,
        client: '192.0.2.3',
        latencyMs: 250,
      },
    ]);
    expect(exchanges[0]?.request.headers).toEqual({ 'user-agent': 'Mozilla/5.0' });
    expect(exchanges[0]?.time).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [4, 'no HTTP method field'],
      [5, 'line is not a JSON object'],
    ]);
  });

  it('follows a configured field map (dot paths)', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    writeFileSync(
      file,
      [
        JSON.stringify({
          at: 1714557600,
          r: { verb: 'get', target: '/a/b?x=1', vhost: 'svc.internal:8443' },
          code: 201,
          peer: '10.9.9.9',
          ms: 7,
          h: { 'X-Api-Key': 'k' },
        }),
        JSON.stringify({ at: 'later', r: { verb: 'GET', target: '/c' }, code: 200 }),
        JSON.stringify({ at: 1714557601500, r: { verb: 'GET', target: '/d' }, code: 200 }),
      ].join('\n'),
    );
    const { exchanges, issues } = await collect(file, {
      format: 'json-log',
      fieldMap: {
        time: 'at',
        method: 'r.verb',
        url: 'r.target',
        host: 'r.vhost',
        status: 'code',
        client: 'peer',
        latencyMs: 'ms',
        requestHeaders: 'h',
      },
    });
    expect(exchanges.map(summary)).toEqual([
      {
        method: 'GET',
        url: 'https://svc.internal:8443/a/b',
        query: [['x', '1']],
        status: 201,
        client: '10.9.9.9',
        latencyMs: 7,
      },
      {
        method: 'GET',
        url: 'https://unknown/d',
        query: [],
        status: 200,
        client: undefined,
        latencyMs: undefined,
      },
    ]);
    expect(exchanges[0]?.time).toBe(1714557600000);
    expect(exchanges[1]?.time).toBe(1714557601500);
    expect(exchanges[0]?.request.headers).toEqual({ 'x-api-key': 'k' });
    expect(issues.map((i) => [i.line, i.message])).toEqual([[2, 'invalid time']]);
  });
});
