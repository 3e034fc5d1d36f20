import { describe, expect, it } from 'vitest';
import {
  cardBrand,
  corporateNumber,
  creditCard,
  digitsOf,
  entropy,
  highEntropySecret,
  iban,
  luhn,
  mod97,
  myNumber,
  plausibleDate,
  usSsn,
} from './validators.js';

describe('luhn and card brands', () => {
  it('accepts Luhn-valid numbers and rejects one-digit changes', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    expect(luhn('4111-1111-1111-1111')).toBe(true);
    expect(luhn('4111x1111')).toBe(false);
  });
  it('knows brand IIN ranges and lengths', () => {
    expect(cardBrand('4111111111111111')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('6011111111111117')).toBe('discover');
    expect(cardBrand('3530111333300000')).toBe('jcb');
    expect(cardBrand('30569309025904')).toBe('diners');
    expect(cardBrand('6200000000000005')).toBe('unionpay');
    expect(cardBrand('37828224631000')).toBeUndefined(); // amex prefix, wrong length
    expect(cardBrand('1234567812345670')).toBeUndefined();
    expect(cardBrand('7000000000000000')).toBeUndefined();
  });
  it('needs brand, length and Luhn together', () => {
    expect(creditCard('4111 1111 1111 1111')).toBe(true);
    expect(creditCard('4111111111111112')).toBe(false);
    expect(creditCard('1234567812345670')).toBe(false);
    expect(creditCard('4444444444444448')).toBe(true);
    expect(creditCard('0000000000000000')).toBe(false);
  });
});

describe('IBAN mod-97', () => {
  it('validates the checksum and the per-country length', () => {
    expect(mod97('GB82WEST12345698765432')).toBe(true);
    expect(iban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(iban('NO9386011117947')).toBe(true);
    expect(iban('GB82WEST12345698765433')).toBe(false);
    expect(iban('GB82WEST123456987654')).toBe(false);
    expect(iban('ZZ82WEST12345698765432')).toBe(false);
  });
});

describe('My Number check digit (個人番号)', () => {
  it('accepts the official-algorithm check digit', () => {
    expect(myNumber('123456789018')).toBe(true);
    expect(myNumber('1234-5678-9018')).toBe(true);
    expect(myNumber('987654321093')).toBe(true);
  });
  it('rejects other check digits, wrong lengths and repeated digits', () => {
    for (let c = 0; c <= 9; c++) if (c !== 8) expect(myNumber(`12345678901${c}`)).toBe(false);
    expect(myNumber('12345678901')).toBe(false);
    expect(myNumber('000000000000')).toBe(false);
  });
  it('maps remainders 0 and 1 to check digit 0', () => {
    // Digit 1 at weight 7 plus digit 2 at weight 2: Σ = 11, remainder 0 → check digit 0, not 11.
    expect(myNumber('000001000020')).toBe(true);
    expect(myNumber('000001000021')).toBe(false);
  });
});

describe('Corporate Number check digit (法人番号)', () => {
  it('accepts real corporate numbers (check digit first)', () => {
    expect(corporateNumber('7000012050002')).toBe(true); // 国税庁
    expect(corporateNumber('T7000012050002')).toBe(true);
    expect(corporateNumber('5010001008846')).toBe(true);
  });
  it('rejects a wrong check digit and wrong lengths', () => {
    expect(corporateNumber('1000012050002')).toBe(false);
    expect(corporateNumber('700001205000')).toBe(false);
  });
});

describe('US SSN rules', () => {
  it('applies area, group and serial rules', () => {
    expect(usSsn('123-45-6789')).toBe(true);
    expect(usSsn('000-45-6789')).toBe(false);
    expect(usSsn('666-45-6789')).toBe(false);
    expect(usSsn('912-45-6789')).toBe(false);
    expect(usSsn('123-00-6789')).toBe(false);
    expect(usSsn('123-45-0000')).toBe(false);
    expect(usSsn('078-05-1120')).toBe(false);
  });
});

describe('helpers', () => {
  it('digitsOf keeps digits, drops separators, refuses letters', () => {
    expect(digitsOf('4111 1111-1111.1111')).toBe('4111111111111111');
    expect(digitsOf('41a1')).toBeUndefined();
  });
  it('entropy separates random tokens from words', () => {
    expect(entropy('aaaaaaaa')).toBe(0);
    expect(entropy('Zx81kPq7Ln3vTy9WmB2cDe5F')).toBeGreaterThan(4);
    expect(highEntropySecret('Zx81kPq7Ln3vTy9WmB2cDe5F')).toBe(true);
    expect(highEntropySecret('passwordpassword')).toBe(false);
    expect(highEntropySecret('1111111111111111')).toBe(false);
  });
  it('plausibleDate checks calendar days', () => {
    expect(plausibleDate('2000-02-29')).toBe(true);
    expect(plausibleDate('1900-02-29')).toBe(false);
    expect(plausibleDate('31/12/1999')).toBe(true);
    expect(plausibleDate('12/31/1999')).toBe(true);
    expect(plausibleDate('31/31/1999')).toBe(false);
    expect(plausibleDate('1850-01-01')).toBe(false);
  });
});
