import { describe, expect, it } from 'vitest';
import { decodeJwt } from './jwt.js';
import { makeJwt } from './test-support/make-exchange.js';

describe('decodeJwt', () => {
  it('decodes header and claims without verifying', () => {
    const token = makeJwt({ alg: 'RS256', kid: 'k1' }, { sub: 'alice', iss: 'https://idp.example' });
    expect(decodeJwt(token)).toEqual({
      header: { alg: 'RS256', kid: 'k1' },
      payload: { sub: 'alice', iss: 'https://idp.example' },
    });
  });
  it('accepts alg none with an empty signature', () => {
    expect(decodeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.')?.header).toEqual({ alg: 'none' });
  });
  it('refuses tokens whose header has no alg or whose parts are not JSON objects', () => {
    expect(decodeJwt(makeJwt({ typ: 'JWT' }, { sub: 'x' }))).toBeUndefined();
    expect(decodeJwt('eyJhbGciOi.not-base64-json.x')).toBeUndefined();
    expect(
      decodeJwt(
        `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.x`,
      ),
    ).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
    expect(decodeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0')).toBeUndefined();
    expect(decodeJwt('eyJ has spaces.eyJ.x')).toBeUndefined();
  });
});
