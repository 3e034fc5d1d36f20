import { describe, expect, it } from 'vitest';
import { authOf, credentialsOf, isCredentialCookieName, isSessionCookieName } from './auth.js';
import { makeExchange, makeJwt } from './test-support/make-exchange.js';

const jwt = makeJwt({ alg: 'ES256', typ: 'JWT' }, { sub: 'alice' });

describe('authOf', () => {
  it('reports none when the call carried no credential', () => {
    expect(authOf(makeExchange({ headers: { cookie: 'theme=dark' }, query: [['q', 'x']] }))).toEqual([
      { type: 'none' },
    ]);
  });
  it('tells basic, opaque bearer, JWT bearer (with alg) and digest apart', () => {
    expect(authOf(makeExchange({ headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } }))).toEqual([
      { type: 'basic', in: 'header', name: 'authorization' },
    ]);
    expect(authOf(makeExchange({ headers: { authorization: 'Bearer 2YotnFZFEjr1zCsicMWpAA' } }))).toEqual([
      { type: 'bearer', in: 'header', name: 'authorization' },
    ]);
    expect(authOf(makeExchange({ headers: { authorization: `Bearer ${jwt}` } }))).toEqual([
      { type: 'jwt', in: 'header', name: 'authorization', alg: 'ES256' },
    ]);
    expect(
      authOf(
        makeExchange({ headers: { authorization: 'Digest username="alice", realm="api", response="abc"' } }),
      ),
    ).toEqual([{ type: 'digest', in: 'header', name: 'authorization' }]);
  });
  it('finds API keys in headers, Authorization schemes, and query parameters', () => {
    expect(authOf(makeExchange({ headers: { 'x-api-key': 'k-123' } }))).toEqual([
      { type: 'api-key', in: 'header', name: 'x-api-key' },
    ]);
    expect(authOf(makeExchange({ headers: { authorization: 'ApiKey abc123' } }))).toEqual([
      { type: 'api-key', in: 'header', name: 'authorization' },
    ]);
    expect(authOf(makeExchange({ headers: { authorization: 'Token abc123' } }))).toEqual([
      { type: 'api-key', in: 'header', name: 'authorization' },
    ]);
    expect(authOf(makeExchange({ query: [['api_key', 'abc']] }))).toEqual([
      { type: 'api-key', in: 'query', name: 'api_key' },
    ]);
    expect(authOf(makeExchange({ query: [['access_token', jwt]] }))).toEqual([
      { type: 'jwt', in: 'query', name: 'access_token', alg: 'ES256' },
    ]);
  });
  it('counts generic `key`/`token` query names only for credential-like values', () => {
    expect(authOf(makeExchange({ query: [['key', 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe']] }))).toEqual([
      { type: 'api-key', in: 'query', name: 'key' },
    ]);
    expect(authOf(makeExchange({ query: [['key', 'user-42']] }))).toEqual([{ type: 'none' }]);
  });
  it('finds session cookies and JWTs in cookies', () => {
    expect(authOf(makeExchange({ headers: { cookie: 'theme=dark; JSESSIONID=ABC123DEF' } }))).toEqual([
      { type: 'session-cookie', in: 'cookie', name: 'JSESSIONID' },
    ]);
    expect(authOf(makeExchange({ headers: { cookie: `access_token=${jwt}` } }))).toEqual([
      { type: 'jwt', in: 'cookie', name: 'access_token', alg: 'ES256' },
    ]);
  });
  it('lists every credential once, header first', () => {
    const ex = makeExchange({
      headers: { authorization: `Bearer ${jwt}`, 'x-api-key': 'k', cookie: 'sid=1; sid=2' },
      query: [['apikey', 'q']],
    });
    expect(authOf(ex).map((a) => `${a.type}:${a.in}:${a.name}`)).toEqual([
      'jwt:header:authorization',
      'api-key:header:x-api-key',
      'api-key:query:apikey',
      'session-cookie:cookie:sid',
    ]);
    expect(credentialsOf(ex)).toHaveLength(5);
  });
});

describe('isSessionCookieName', () => {
  it('knows framework session cookies', () => {
    for (const name of [
      'sessionid',
      'session',
      'sid',
      'connect.sid',
      'JSESSIONID',
      'PHPSESSID',
      'laravel_session',
      '_myapp_session',
      '__Host-session',
      'ASPSESSIONIDQQGGGNCU',
      'ASP.NET_SessionId',
    ])
      expect(isSessionCookieName(name), name).toBe(true);
  });
  it('leaves other cookies alone', () => {
    for (const name of ['theme', '_ga', 'consent', 'lang', 'possession'])
      expect(isSessionCookieName(name), name).toBe(false);
  });
  it('does not take anti-forgery cookies for credentials', () => {
    expect(isCredentialCookieName('XSRF-TOKEN')).toBe(false);
    expect(isCredentialCookieName('_csrf_token')).toBe(false);
    expect(isCredentialCookieName('remember_user_token')).toBe(true);
    expect(authOf(makeExchange({ headers: { cookie: 'XSRF-TOKEN=abcdef0123456789' } }))).toEqual([
      { type: 'none' },
    ]);
  });
});

describe('vendor-specific key headers', () => {
  it('treats x-…-token / x-…-api-key headers with credential-like values as api keys', () => {
    expect(authOf(makeExchange({ headers: { 'x-acme-token': 'a1b2c3d4e5f6' } }))).toEqual([
      { type: 'api-key', in: 'header', name: 'x-acme-token' },
    ]);
    expect(authOf(makeExchange({ headers: { 'x-shop-api-key': 'k_123456789' } }))).toEqual([
      { type: 'api-key', in: 'header', name: 'x-shop-api-key' },
    ]);
  });
  it('leaves CSRF tokens, request ids and short values alone', () => {
    for (const headers of [
      { 'x-csrf-token': 'a1b2c3d4e5f6g7h8' },
      { 'x-xsrf-token': 'a1b2c3d4e5f6g7h8' },
      { 'x-idempotency-key': 'a1b2c3d4e5f6g7h8' },
      { 'x-acme-token': 'short' },
    ])
      expect(authOf(makeExchange({ headers }))).toEqual([{ type: 'none' }]);
  });
});
