// The protocol signatures read request facts that inputs.ts derives from a whole exchange (the body's
// shape next to the method and media type, Connection/Accept values, empty headers, a form body as
// sent). The catalogue test feeds those inputs directly; this one checks that real exchanges produce
// them, so a change in inputs.ts that stopped deriving a fact would fail here.

import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../model/index.js';
import { parseBodies } from '../../sensitive/bodies.js';
import { requestInputs } from '../inputs.js';
import { SIGNATURES } from './catalogue.js';
import { compileCatalogue } from './matcher.js';

const catalogue = compileCatalogue(SIGNATURES);

function exchange(
  method: string,
  headers: Record<string, string>,
  body?: string,
  httpVersion?: string,
): Exchange {
  const type = headers['content-type'];
  return {
    id: 'x',
    time: 0,
    source: { kind: 'har', index: 0 },
    client: { address: '192.0.2.1' },
    request: {
      method,
      scheme: 'https',
      host: 'api.example.com',
      path: '/api/v1/items',
      query: [],
      headers: { host: 'api.example.com', 'user-agent': 'curl/8.4.0', accept: '*/*', ...headers },
      ...(body !== undefined
        ? {
            body: {
              text: body,
              size: body.length,
              truncated: false,
              ...(type ? { mimeType: type.split(';')[0]!.trim() } : {}),
            },
          }
        : {}),
      ...(httpVersion ? { httpVersion } : {}),
    },
  };
}

function ids(ex: Exchange): string[] {
  const parsed = parseBodies(ex).request;
  return [...new Set(catalogue.match(requestInputs(ex, parsed)).map((h) => h.signature.id))].sort();
}

describe('request facts read by protocol signatures', () => {
  it('flags a form body on GET and a body on HEAD, not a JSON search body on GET', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(ids(exchange('GET', form, 'hi=test'))).toContain('MAM-SIG-HTTP-012');
    expect(ids(exchange('HEAD', {}, 'abc'))).toContain('MAM-SIG-HTTP-012');
    expect(
      ids(exchange('GET', { 'content-type': 'application/json' }, '{"query":{"match_all":{}}}')),
    ).toEqual([]);
    expect(ids(exchange('POST', form, 'hi=test'))).toEqual([]);
  });

  it('flags form data sent as text/plain, not JSON sent as text/plain (sendBeacon)', () => {
    const text = { 'content-type': 'text/plain;charset=UTF-8' };
    expect(ids(exchange('POST', text, 'email=a@example.com&role=admin'))).toContain('MAM-SIG-HTTP-013');
    expect(ids(exchange('POST', text, '{"event":"page_view"}'))).toEqual([]);
  });

  it('reads Connection and Accept values and headers sent empty', () => {
    expect(ids(exchange('GET', { connection: 'keep-alive, close' }))).toContain('MAM-SIG-HTTP-009');
    expect(ids(exchange('GET', { connection: 'keep-alive, Upgrade' }))).toEqual([]);
    expect(ids(exchange('GET', { accept: '' }))).toContain('MAM-SIG-HTTP-010');
    expect(ids(exchange('GET', { 'user-agent': '' }))).toContain('MAM-SIG-HTTP-010');
    expect(ids(exchange('GET', { accept: 'text/html;charset=CP1026' }))).toContain('MAM-SIG-HTTP-011');
    expect(ids(exchange('GET', { 'accept-charset': 'utf-8' }))).toContain('MAM-SIG-HTTP-002');
  });

  it('reads a form body as sent for invalid percent-encoding', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(ids(exchange('POST', form, 'param=%1G'))).toContain('MAM-SIG-HTTP-014');
    expect(ids(exchange('POST', form, 'q=50%25+off&name=J%C3%BCrgen'))).toEqual([]);
  });

  it('reads the HTTP version when the source records it', () => {
    expect(ids(exchange('GET', {}, undefined, 'HTTP/1.2'))).toContain('MAM-SIG-HTTP-016');
    expect(ids(exchange('GET', {}, undefined, 'HTTP/1.1'))).toEqual([]);
    expect(ids(exchange('GET', {}))).toEqual([]);
  });
});
