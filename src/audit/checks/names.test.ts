import { describe, expect, it } from 'vitest';
import { nameMatches, normaliseName } from './names.js';

describe('field-name hints', () => {
  it('normalises separators and case', () => {
    expect(normaliseName('My-Number')).toBe('mynumber');
    expect(nameMatches('my_number', ['national-id'])).toBe('national-id');
  });

  it("uses the sensitive catalogue's hints and exclusions for type: hints", () => {
    expect(nameMatches('customerEmail', ['type:EMAIL'])).toBe('EMAIL');
    expect(nameMatches('shippingAddress', ['type:POSTAL_ADDRESS'])).toBe('POSTAL_ADDRESS');
    expect(nameMatches('ipAddress', ['type:POSTAL_ADDRESS'])).toBeUndefined();
    expect(nameMatches('passwordPolicy', ['type:PASSWORD'])).toBeUndefined();
    expect(nameMatches('kojinBango', ['type:JP_MY_NUMBER'])).toBe('JP_MY_NUMBER');
    expect(nameMatches('username', ['type:PERSON_NAME'])).toBeUndefined();
    expect(nameMatches('anything', ['type:NO_SUCH_TYPE'])).toBeUndefined();
  });

  it('keeps pagination tokens and ids out of the credential hints', () => {
    expect(nameMatches('refresh_token', ['credential-param'])).toBe('credential-param');
    expect(nameMatches('orderId', ['credential-param', 'pii-param'])).toBeUndefined();
  });
});
