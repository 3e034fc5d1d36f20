import { describe, expect, it } from 'vitest';
import { parseIdentities, parseIdentity } from './identities.js';
import { Masker, maskSecret } from './mask.js';

describe('identities', () => {
  it('parses NAME=Header: value and marks admin-like names', () => {
    expect(parseIdentity('alice=Authorization: Bearer eyJabc.def.ghi')).toEqual({
      name: 'alice',
      header: 'authorization',
      value: 'Bearer eyJabc.def.ghi',
      admin: false,
    });
    expect(parseIdentity('root-admin=X-Api-Key: k123456')).toMatchObject({
      admin: true,
      header: 'x-api-key',
    });
  });

  it('rejects bad syntax with one line that does not echo the secret', () => {
    for (const bad of ['alice', 'alice=Bearer xyz', '=Authorization: x', 'alice=Authorization:']) {
      const r = parseIdentity(bad);
      expect('code' in r && r.code).toBe('scan.identity.invalid');
    }
    const r = parseIdentity('alice=Auth orization: supersecretvalue');
    expect(JSON.stringify(r)).not.toContain('supersecretvalue');
    expect(parseIdentities(['a=X: 1', 'a=X: 2']).issues[0]?.code).toBe('scan.identity.duplicate');
  });
});

describe('masking', () => {
  it('masks identity values everywhere', () => {
    expect(maskSecret('Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe('Bearer eyJ…****');
    expect(maskSecret('abc')).toBe('****');
    const m = new Masker(['Bearer tok_1234567890'], new Set(['x-custom']));
    expect(m.header('x-custom', 'value-123')).toBe('val…****');
    expect(m.header('authorization', 'Bearer tok_1234567890')).toBe('Bearer tok…****');
    expect(m.text('echo tok_1234567890 back')).toBe('echo tok…**** back');
    expect(m.text('jwt eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. end')).toBe('jwt eyJ…**** end');
  });
});

describe('masking sensitive response fields', () => {
  it('masks values of sensitive keys, card numbers and SSNs in evidence text', () => {
    const m = new Masker();
    const body =
      '{"passwordHash":"$2b$10$abcdefghij","apiKey":"sk_live_123456","ssn":"078-05-1120","card":"4111 1111 1111 1111","name":"Al"}';
    const masked = m.text(body);
    expect(masked).not.toMatch(/abcdefghij|sk_live_123456|078-05-1120|4111 1111 1111 1111/);
    expect(masked).toContain('"name":"Al"');
    expect(masked).toContain('1111"');
  });
});
