import { describe, expect, it } from 'vitest';
import { maskValue } from './mask.js';

describe('maskValue', () => {
  it('uses each type’s style', () => {
    expect(maskValue('CREDIT_CARD', '4111 1111 1111 1111')).toBe('4111********1111');
    expect(maskValue('EMAIL', 'jane@example.com')).toBe('j***@example.com');
    expect(maskValue('US_SSN', '123-45-6789')).toBe('***-**-6789');
    expect(maskValue('JP_MY_NUMBER', '1234 5678 9018')).toBe('**** **** ****');
    expect(maskValue('IBAN', 'DE89 3704 0044 0532 0130 00')).toBe('DE****************3000');
    expect(maskValue('IP_ADDRESS', '203.0.113.42')).toBe('203.0.*.*');
    expect(maskValue('IP_ADDRESS', '2001:db8::8a2e:370:7334')).toBe('2001:db8:****');
    expect(maskValue('DATE_OF_BIRTH', '1990-05-17')).toBe('****-**-**');
    expect(maskValue('PERSON_NAME', 'Jane Doe')).toBe('J*** D***');
    expect(maskValue('PHONE', '090-1234-5678')).toBe('***-****-5678');
    expect(maskValue('POSTAL_ADDRESS', '221B Baker Street')).toBe('2***');
  });
  it('hides secrets entirely but for a vendor prefix, length included', () => {
    expect(maskValue('PASSWORD', 'hunter2')).toBe('********');
    expect(maskValue('API_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe('sk_live_********');
    expect(maskValue('API_KEY', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a')).toBe('ghp_********');
    expect(maskValue('AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE')).toBe('AKIA********');
    expect(maskValue('BEARER_TOKEN', 'Bearer abcdefghijkl')).toBe('Bearer ********');
    expect(maskValue('JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig')).toBe('eyJ********');
    expect(
      maskValue('PRIVATE_KEY', 'x\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----'),
    ).toBe('-----BEGIN EC PRIVATE KEY-----********');
    expect(maskValue('API_KEY', 'Zx81kPq7Ln3vTy9WmB2cDe5F')).toBe('********');
  });
  it('shows only the address of an email found inside text', () => {
    const text = 'Reset sent to jane@example.com for account 4111111111111111';
    expect(maskValue('EMAIL', text)).toBe('j***@example.com');
  });
  it('never returns the value, even when a style would keep all of it', () => {
    for (const [type, value] of [
      ['PERSON_NAME', '名'],
      ['PASSWORD', '+'],
      ['HEALTH_RECORD', 'A'],
      ['CUSTOM_TYPE', 'ab'],
      ['BANK_ACCOUNT', '1234'],
    ] as const) {
      const masked = maskValue(type, value);
      expect(masked, `${type} ${value}`).not.toContain(value);
    }
  });
  it('masks custom types keeping at most the last 4 characters', () => {
    expect(maskValue('EMPLOYEE_ID', 'EMP-123456')).toBe('***-**3456');
    expect(maskValue('EMPLOYEE_ID', 'EMP-1234')).toBe('***-**34');
    expect(maskValue('LOYALTY', 'LOY-1234-5678-9012')).toBe('***-****-****-9012');
  });
});
