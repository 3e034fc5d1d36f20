// The checks that turn "looks like" into "is": check digits, registry ranges and validity rules.
// Each takes the value as seen (separators allowed) and answers yes or no; none throws.

/** Digits of a value, separators (space, hyphen, dot) dropped; undefined if anything else is there. */
export function digitsOf(value: string): string | undefined {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) out += value[i];
    else if (c !== 32 && c !== 45 && c !== 46) return undefined;
  }
  return out;
}

// Digits of the value being checked, reused across calls: validators run on every candidate and
// must not allocate.
const buf = new Uint8Array(64);

/** Digits of `value` into `buf` (separators skipped); their count, or -1 if anything else is there. */
function loadDigits(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (n === 64) return -1;
      buf[n++] = c - 48;
    } else if (c !== 32 && c !== 45 && c !== 46) return -1;
  }
  return n;
}

function luhnOfBuf(n: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = n - 1; i >= 0; i--) {
    let d = buf[i] as number;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function repeatedDigit(n: number): boolean {
  for (let i = 1; i < n; i++) if (buf[i] !== buf[0]) return false;
  return true;
}

/** Luhn (mod 10) over the digits of `value`. */
export function luhn(value: string): boolean {
  const n = loadDigits(value);
  return n >= 2 && luhnOfBuf(n);
}

/** Issuer ranges (IIN prefixes, inclusive, same digit count as written) and PAN lengths by brand. */
export const CARD_BRANDS: ReadonlyArray<{
  brand: string;
  ranges: Array<[number, number]>;
  lengths: number[];
}> = [
  { brand: 'visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  {
    brand: 'mastercard',
    ranges: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  },
  {
    brand: 'amex',
    ranges: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  },
  {
    brand: 'discover',
    ranges: [
      [6011, 6011],
      [644, 649],
      [65, 65],
    ],
    lengths: [16, 17, 18, 19],
  },
  {
    brand: 'diners',
    ranges: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { brand: 'jcb', ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: 'unionpay', ranges: [[62, 62]], lengths: [16, 17, 18, 19] },
  {
    brand: 'maestro',
    ranges: [
      [50, 50],
      [56, 58],
      [6304, 6304],
      [6759, 6759],
      [6761, 6763],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
  { brand: 'mir', ranges: [[2200, 2204]], lengths: [16, 17, 18, 19] },
];

// The table above as [brand, low, high, width, lengths bitmask] rows, for an allocation-free lookup.
const BRAND_ROWS = CARD_BRANDS.flatMap((b) =>
  b.ranges.map(
    ([lo, hi]) => [b.brand, lo, hi, String(lo).length, b.lengths.reduce((m, l) => m | (1 << l), 0)] as const,
  ),
);

function brandOfBuf(n: number): string | undefined {
  if (n < 12 || n > 19) return undefined;
  const p1 = buf[0] as number;
  const p2 = p1 * 10 + (buf[1] as number);
  const p3 = p2 * 10 + (buf[2] as number);
  const p4 = p3 * 10 + (buf[3] as number);
  for (const [brand, lo, hi, width, lengths] of BRAND_ROWS) {
    if ((lengths & (1 << n)) === 0) continue;
    const prefix = width === 1 ? p1 : width === 2 ? p2 : width === 3 ? p3 : p4;
    if (prefix >= lo && prefix <= hi) return brand;
  }
  return undefined;
}

/** Card brand whose IIN range and length fit the digits, or undefined. */
export function cardBrand(value: string): string | undefined {
  return brandOfBuf(loadDigits(value));
}

/** A payment card number: real brand range and length, Luhn-valid, not one repeated digit. */
export function creditCard(value: string): boolean {
  const n = loadDigits(value);
  if (n < 12 || n > 19) return false;
  return brandOfBuf(n) !== undefined && !repeatedDigit(n) && luhnOfBuf(n);
}

/** IBAN lengths by country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 7064 mod 97-10 over an alphanumeric string (letters A=10 … Z=35). */
export function mod97(value: string): boolean {
  const s = value.replace(/[\s-]/g, '').toUpperCase();
  if (s.length < 5 || !/^[A-Z0-9]+$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

/** An IBAN: known country, that country's length, mod-97 remainder 1. */
export function iban(value: string): boolean {
  const s = value.replace(/ /g, '').toUpperCase();
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  return len !== undefined && s.length === len && mod97(s);
}

/**
 * Japanese My Number (個人番号), 12 digits, the last a check digit: with P(n) the n-th digit
 * counted from the right of the first 11 and Q(n) = n+1 for n ≤ 6, n−5 for n ≥ 7,
 * check = 11 − (Σ P·Q mod 11), or 0 when that is 10 or 11 (番号法施行令 第8条).
 */
export function myNumber(value: string): boolean {
  if (loadDigits(value) !== 12 || repeatedDigit(12)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += (buf[11 - n] as number) * (n <= 6 ? n + 1 : n - 5);
  const r = sum % 11;
  return (r <= 1 ? 0 : 11 - r) === buf[11];
}

/**
 * Japanese Corporate Number (法人番号), 13 digits, the FIRST a check digit: with P(n) the n-th
 * digit from the right of the other 12 and Q(n) = 1 for odd n, 2 for even n,
 * check = 9 − (Σ P·Q mod 9) (法人番号の指定等に関する省令 第2条). A leading `T` (qualified-invoice
 * issuer number, 適格請求書発行事業者登録番号) is accepted.
 */
export function corporateNumber(value: string): boolean {
  if (loadDigits(value.charCodeAt(0) === 0x54 /* T */ ? value.slice(1) : value) !== 13) return false;
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += (buf[13 - n] as number) * (n % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9) === buf[0];
}

/** US SSN validity: area not 000, 666 or 9xx; group not 00; serial not 0000; not the famous ads. */
export function usSsn(value: string): boolean {
  if (loadDigits(value) !== 9) return false;
  const area = (buf[0] as number) * 100 + (buf[1] as number) * 10 + (buf[2] as number);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (buf[3] === 0 && buf[4] === 0) return false;
  if (buf[5] === 0 && buf[6] === 0 && buf[7] === 0 && buf[8] === 0) return false;
  // Published in advertising and used by thousands as their own (SSA): test data, not a person.
  const d = value.replace(/\D/g, '');
  return d !== '078051120' && d !== '219099999';
}

// Reused across calls: entropy runs on every candidate secret.
const counts = new Int32Array(128);

/** Shannon entropy in bits per character (characters ≥ 128 counted together). */
export function entropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  counts.fill(0);
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) counts[c] = (counts[c] as number) + 1;
    else high++;
  }
  let h = 0;
  for (let i = 0; i < 128; i++) {
    const k = counts[i] as number;
    if (k > 0) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  if (high > 0) {
    const p = high / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A random-looking secret: no whitespace, letters and digits both present, entropy ≥ 3 bits per
 * character (a word, a slug, `aaaaaaaa…` or `1234567890…` fall below).
 */
export function highEntropySecret(value: string): boolean {
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return entropy(value) >= 3;
}

/** A calendar date that could be a birth date: year 1900–2100, real month and day. */
export function plausibleDate(value: string): boolean {
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})/.exec(value);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(value);
    if (!match) return /^(?:昭和|平成|令和|[STHR])\d{1,2}[年.]\d{1,2}[月.]\d{1,2}日?$/.test(value);
    const a = Number(match[1]);
    const b = Number(match[2]);
    y = Number(match[3]);
    // DD/MM/YYYY or MM/DD/YYYY: accept when either reading is a real date.
    return y >= 1900 && y <= 2100 && ((validDay(y, b, a) && b <= 12) || (validDay(y, a, b) && a <= 12));
  }
  return y >= 1900 && y <= 2100 && validDay(y, m, d);
}

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= (days[m - 1] as number);
}
