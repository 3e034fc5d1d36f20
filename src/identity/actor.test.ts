import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actorOf, clearIdentityCaches } from './actor.js';
import { parseTrustedProxies } from './address.js';
import { makeExchange, makeJwt } from './test-support/make-exchange.js';

const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

describe('actorOf', () => {
  it('keys a JWT bearer on a hash of iss + sub, never the token', () => {
    const token = makeJwt({ alg: 'RS256' }, { iss: 'https://idp.example', sub: 'alice', iat: 1 });
    const other = makeJwt({ alg: 'RS256' }, { iss: 'https://idp.example', sub: 'alice', iat: 2 });
    const a = actorOf(
      makeExchange({ headers: { authorization: `Bearer ${token}` }, client: '198.51.100.1' }),
    );
    expect(a).toEqual({ id: `jwt:${h('https://idp.example\nalice')}`, kind: 'jwt', address: '198.51.100.1' });
    // A refreshed token for the same subject is the same actor.
    expect(actorOf(makeExchange({ headers: { authorization: `Bearer ${other}` } })).id).toBe(a.id);
    expect(JSON.stringify(a)).not.toContain('alice');
  });
  it('prefers the JWT subject over an API key on the same call', () => {
    const token = makeJwt({ alg: 'HS256' }, { sub: 'bob' });
    const a = actorOf(makeExchange({ headers: { 'x-api-key': 'k1', cookie: `token=${token}` } }));
    expect(a.kind).toBe('jwt');
  });
  it('falls back to API key, then session, then basic username', () => {
    expect(actorOf(makeExchange({ headers: { 'x-api-key': 'key-1' } }))).toEqual({
      id: `key:${h('key-1')}`,
      kind: 'api-key',
    });
    expect(actorOf(makeExchange({ headers: { authorization: 'Bearer opaque-123' } })).id).toBe(
      `key:${h('opaque-123')}`,
    );
    expect(actorOf(makeExchange({ headers: { cookie: 'PHPSESSID=s1' } }))).toEqual({
      id: `session:${h('s1')}`,
      kind: 'session',
    });
    const basic = Buffer.from('carol:pw').toString('base64');
    expect(actorOf(makeExchange({ headers: { authorization: `Basic ${basic}` } }))).toEqual({
      id: `basic:${h('carol')}`,
      kind: 'basic',
    });
    expect(
      actorOf(makeExchange({ headers: { authorization: 'Digest username="dave", realm="x"' } })).id,
    ).toBe(`basic:${h('dave')}`);
  });
  it('treats a JWT without a subject as an opaque token', () => {
    const token = makeJwt({ alg: 'HS256' }, { scope: 'read' });
    expect(actorOf(makeExchange({ headers: { authorization: `Bearer ${token}` } })).id).toBe(
      `key:${h(token)}`,
    );
  });
  it('uses the client address when nothing else identifies the caller', () => {
    expect(actorOf(makeExchange({ client: '198.51.100.1' }))).toEqual({
      id: 'ip:198.51.100.1',
      kind: 'address',
      address: '198.51.100.1',
    });
    expect(actorOf(makeExchange())).toEqual({ id: 'ip:unknown', kind: 'address' });
  });
  it('resolves the address through trusted proxies only', () => {
    const ex = makeExchange({ client: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(actorOf(ex, parseTrustedProxies(['10.0.0.0/8'])).id).toBe('ip:203.0.113.9');
    expect(actorOf(ex).id).toBe('ip:10.0.0.2');
  });
});

describe('actorOf with signed requests', () => {
  it('keys SigV4 on the access key id, not the per-request signature', () => {
    const sig = (s: string) =>
      `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${s}`;
    const a = actorOf(makeExchange({ headers: { authorization: sig('aaaa') } }));
    const b = actorOf(makeExchange({ headers: { authorization: sig('bbbb') } }));
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(`key:${h('AKIAIOSFODNN7EXAMPLE')}`);
    const presigned = actorOf(
      makeExchange({
        query: [['X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request']],
      }),
    );
    expect(presigned.id).toBe(a.id);
  });
  it('keys OAuth 1.0a on the token', () => {
    const hdr = (nonce: string) =>
      `OAuth oauth_consumer_key="ck", oauth_token="tok-1", oauth_nonce="${nonce}"`;
    expect(actorOf(makeExchange({ headers: { authorization: hdr('1') } })).id).toBe(
      actorOf(makeExchange({ headers: { authorization: hdr('2') } })).id,
    );
  });
  it('caches identity per credential-bearing header, not per value alone', () => {
    // The same text under a key header, a non-credential header and a cookie of another name.
    const key = actorOf(makeExchange({ headers: { 'x-api-key': 'same-value-123' }, client: '198.51.100.7' }));
    expect(key).toEqual({ id: `key:${h('same-value-123')}`, kind: 'api-key', address: '198.51.100.7' });
    const csrf = actorOf(
      makeExchange({ headers: { 'x-csrf-token': 'same-value-123' }, client: '198.51.100.7' }),
    );
    expect(csrf.id).toBe('ip:198.51.100.7');
    expect(actorOf(makeExchange({ headers: { cookie: 'PHPSESSID=s9' } })).id).toBe(`session:${h('s9')}`);
    expect(actorOf(makeExchange({ headers: { cookie: 'theme=dark' }, client: '198.51.100.8' })).id).toBe(
      'ip:198.51.100.8',
    );
    // Two credentials on one call: the JWT subject still wins, on the first call and from the cache.
    const token = makeJwt({ alg: 'HS256' }, { sub: 'dave' });
    const both = () => makeExchange({ headers: { 'x-api-key': 'k2', cookie: `token=${token}` } });
    expect(actorOf(both()).kind).toBe('jwt');
    expect(actorOf(both()).id).toBe(actorOf(both()).id);
  });
  it('resolves the same actors after its memos are cleared (benchmarks clear them between rounds)', () => {
    const token = makeJwt({ alg: 'HS256' }, { sub: 'erin' });
    const calls = [
      makeExchange({ headers: { authorization: `Bearer ${token}` }, client: '198.51.100.9' }),
      makeExchange({ headers: { 'x-api-key': 'k-77' } }),
      makeExchange({ headers: { cookie: 'PHPSESSID=s10' } }),
      makeExchange({ client: '198.51.100.10' }),
    ];
    const before = calls.map((ex) => actorOf(ex));
    clearIdentityCaches();
    const after = calls.map((ex) => actorOf(ex));
    expect(after).toEqual(before);
    expect(after.map((a) => a.kind)).toEqual(['jwt', 'api-key', 'session', 'address']);
    expect(after[3]!.id).toBe('ip:198.51.100.10');
  });
});
