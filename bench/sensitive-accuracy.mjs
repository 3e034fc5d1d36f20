#!/usr/bin/env node
// Sensitive-data classifier accuracy on generated, labelled values — not the catalogue's own
// examples. True values are drawn fresh (cards of every brand with a computed Luhn digit, IBANs of
// several countries with computed mod-97 check digits, My Numbers and Corporate Numbers with computed
// check digits, SSNs, phones in national and E.164 formats …) under realistic field names; look-alikes
// are what API traffic is full of (ids, order numbers, epoch timestamps, UUIDs, hashes, versions,
// product names, ISO dates, prices). Reports recall per type and false positives per look-alike kind.
//
//   npm run build && node bench/sensitive-accuracy.mjs [--per 2000] [--seed 1]

import { compileClassifier } from '../dist/sensitive/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const PER = opt('per', 2000);
let seed = opt('seed', 1);
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = (a) => a[rnd(a.length)];
const digits = (n) => Array.from({ length: n }, () => rnd(10)).join('');
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('');
const alnum = (n) =>
  Array.from(
    { length: n },
    () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[rnd(62)],
  ).join('');

function luhnDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function card() {
  const [prefix, len] = pick([
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['35', 16],
    ['36', 14],
    ['62', 16],
  ]);
  const p = prefix === '35' ? `35${28 + rnd(62)}` : prefix;
  const body = p + digits(len - 1 - p.length);
  const n = body + luhnDigit(body);
  return pick([n, n.replace(/(\d{4})(?=\d)/g, '$1 '), n.replace(/(\d{4})(?=\d)/g, '$1-')]);
}
function ibanOf(cc, bban) {
  const s = `${bban}${cc}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let r = 0;
  for (const ch of s) r = (r * 10 + Number(ch)) % 97;
  return `${cc}${String(98 - r).padStart(2, '0')}${bban}`;
}
function iban() {
  const [cc, make] = pick([
    ['DE', () => digits(18)],
    ['GB', () => `${pick(['WEST', 'BARC', 'NWBK'])}${digits(14)}`],
    ['FR', () => `${digits(10)}${alnum(11).toUpperCase()}${digits(2)}`],
    ['NL', () => `${pick(['ABNA', 'INGB', 'RABO'])}${digits(10)}`],
    ['ES', () => digits(20)],
  ]);
  return ibanOf(cc, make());
}
function myNumber() {
  for (;;) {
    const base = digits(11);
    let sum = 0;
    for (let n = 1; n <= 11; n++) sum += Number(base[11 - n]) * (n <= 6 ? n + 1 : n - 5);
    const r = sum % 11;
    const v = base + String(r <= 1 ? 0 : 11 - r);
    if (!/^(\d)\1+$/.test(v)) return v;
  }
}
function corporate() {
  const base = digits(12);
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return String(9 - (sum % 9)) + base;
}
function ssn() {
  let area;
  do area = 1 + rnd(899);
  while (area === 666);
  return `${String(area).padStart(3, '0')}-${String(1 + rnd(99)).padStart(2, '0')}-${String(1 + rnd(9999)).padStart(4, '0')}`;
}
const FIRST = ['Jane', 'Taro', 'María', 'Wei', 'Olusegun', 'Ana', 'Hiroshi', 'Émile'];
const LAST = ['Doe', 'Yamada', 'García', 'Chen', 'Adeyemi', 'Silva', 'Suzuki', 'Dubois'];

// [expected type, value generator, field name generator]
const TRUE = [
  ['CREDIT_CARD', card, () => pick([undefined, 'card_number', 'pan', '$.payment.card.number', 'value'])],
  ['IBAN', iban, () => pick([undefined, 'iban', 'account'])],
  ['JP_MY_NUMBER', myNumber, () => pick([undefined, 'my_number', 'kojin_bango', 'マイナンバー'])],
  ['JP_CORPORATE_NUMBER', corporate, () => pick(['corporate_number', 'houjin_bangou', '法人番号'])],
  ['US_SSN', ssn, () => pick([undefined, 'ssn', 'social_security_number'])],
  [
    'EMAIL',
    () =>
      `${pick(FIRST).normalize('NFD').replace(/[^\w]/g, '').toLowerCase()}.${rnd(9999)}@${pick(['example.com', 'mail.co.jp', 'corp.example.org'])}`,
    () => pick([undefined, 'email', 'contact', '$.user.email']),
  ],
  [
    'PHONE',
    () =>
      pick([
        `+81 90-${digits(4)}-${digits(4)}`,
        `090-${digits(4)}-${digits(4)}`,
        `03-${digits(4)}-${digits(4)}`,
        `+1${2 + rnd(8)}${digits(9)}`,
        `(${2 + rnd(8)}${digits(2)}) ${digits(3)}-${digits(4)}`,
        `+44 20 ${digits(4)} ${digits(4)}`,
      ]),
    () => pick([undefined, 'phone', 'tel', 'mobile']),
  ],
  [
    'PHONE',
    () => `0${pick(['80', '90', '70'])}${digits(8)}`,
    () => pick(['phone', 'phoneNumber', 'tel', 'denwa_bangou']),
  ],
  [
    'IP_ADDRESS',
    () =>
      rnd(3) === 0
        ? `2001:db8:${hex(4)}::${hex(3)}`
        : `${1 + rnd(223)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`,
    () => pick([undefined, 'ip', 'client_ip', 'remoteAddr']),
  ],
  ['AWS_ACCESS_KEY', () => `AKIA${alnum(16).toUpperCase()}`, () => pick([undefined, 'AccessKeyId'])],
  [
    'AWS_SECRET_KEY',
    () => `${alnum(20)}/${alnum(10)}+${alnum(8)}`,
    () => pick(['aws_secret_access_key', 'SecretAccessKey']),
  ],
  [
    'API_KEY',
    () =>
      pick([
        `sk_live_${alnum(24)}`,
        `ghp_${alnum(36)}`,
        `xoxb-${digits(12)}-${alnum(24)}`,
        `AIza${alnum(35)}`,
      ]),
    () => pick([undefined, 'config', 'value']),
  ],
  [
    'API_KEY',
    () => alnum(32),
    () => pick(['api_key', 'apiKey', 'client_secret', 'x-api-key', 'access_token']),
  ],
  [
    'DATE_OF_BIRTH',
    () => `${1940 + rnd(70)}-0${1 + rnd(9)}-1${rnd(10)}`,
    () => pick(['dob', 'birthDate', 'date_of_birth', '生年月日']),
  ],
  ['PASSWORD', () => `${alnum(6)}!${rnd(99)}`, () => pick(['password', 'newPassword', 'passwd', 'pwd'])],
  [
    'PERSON_NAME',
    () => `${pick(FIRST)} ${pick(LAST)}`,
    () => pick(['fullName', '$.customer.name', '$.patient.name', 'cardholder_name']),
  ],
  [
    'POSTAL_ADDRESS',
    () => `${1 + rnd(2000)} ${pick(['Main', 'Oak', 'Baker'])} Street`,
    () => pick(['address', 'street', '$.shipping.line1']),
  ],
  [
    'PASSPORT_NUMBER',
    () => `${pick(['TK', 'TR', 'MZ'])}${digits(7)}`,
    () => pick(['passport', 'passport_number']),
  ],
  ['BANK_ACCOUNT', () => digits(7 + rnd(6)), () => pick(['account_number', 'bank_account', '口座番号'])],
  [
    'HEALTH_RECORD',
    () => pick(['E11.9', 'J45.909', 'I10', 'Type 2 diabetes', 'Asthma']),
    () => pick(['diagnosis', 'icd10', 'medical_condition']),
  ],
];

// [look-alike kind, value generator, field name generator] — nothing here is sensitive.
const NEUTRAL = ['id', 'orderId', 'order_number', 'reference', 'value', 'code', 'data', undefined];
const FALSE = [
  [
    '16-digit order number',
    () => `4${digits(15)}`,
    () => pick(['orderNumber', 'order_no', 'tracking_number']),
  ],
  ['16-digit number, no name', () => `${1 + rnd(9)}${digits(15)}`, () => undefined],
  [
    '12-digit id',
    () => `${1 + rnd(9)}${digits(11)}`,
    () => pick(['invoiceNumber', 'id', 'customer_no', 'ref']),
  ],
  // A bare 12-digit number is a My Number whenever its check digit holds (1 in ~10): shape alone
  // cannot tell, which is why id-like names veto it. Reported to show the floor.
  ['12-digit number, no name', () => `${1 + rnd(9)}${digits(11)}`, () => undefined],
  [
    '13-digit epoch ms',
    () => String(1.6e12 + rnd(2e11)),
    () => pick(['createdAt', 'timestamp', 'updated', undefined]),
  ],
  ['10-digit epoch s', () => String(1.6e9 + rnd(2e8)), () => pick(['created', 'exp', undefined])],
  ['UUID', () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`, () => pick(NEUTRAL)],
  [
    'md5/sha1/sha256 hex',
    () => hex(pick([32, 40, 64])),
    () => pick(['etag', 'sha', 'checksum', 'hash', 'digest', undefined]),
  ],
  [
    'version string',
    () => `${rnd(20)}.${rnd(20)}.${rnd(50)}.${rnd(200)}`,
    () => pick(['version', 'appVersion', 'build', 'sdk_version']),
  ],
  [
    'product name',
    () => `${pick(['Widget', 'Gadget', 'Sprocket'])} ${pick(['Pro', 'Mini', 'Max'])}`,
    () => pick(['$.product.name', 'title', 'name']),
  ],
  [
    'ISO date-time',
    () => new Date(1.6e12 + rnd(2e11)).toISOString(),
    () => pick(['createdAt', 'date', 'updated_at', undefined]),
  ],
  ['price / quantity', () => String(rnd(100000) / 100), () => pick(['price', 'amount', 'total', 'qty'])],
  [
    'status word',
    () => pick(['active', 'pending', 'shipped', 'ok', 'ja-JP', 'USD']),
    () => pick(['status', 'state', 'locale', 'currency']),
  ],
  [
    'SKU / slug',
    () => `${pick(['sku', 'item', 'prod'])}-${alnum(6).toLowerCase()}`,
    () => pick(['sku', 'slug', 'code']),
  ],
  [
    'URL',
    () => `https://api.example.com/v1/items/${rnd(99999)}?page=${rnd(9)}`,
    () => pick(['href', 'url', 'next']),
  ],
  [
    'random token, neutral name',
    () => alnum(32),
    () => pick(['requestId', 'trace', 'cursor', 'nonce', undefined]),
  ],
  ['phone-like with no format', () => `0${digits(10)}`, () => pick(NEUTRAL)],
  [
    'time of day',
    () => `${String(rnd(24)).padStart(2, '0')}:${String(rnd(60)).padStart(2, '0')}:00`,
    () => pick(['time', 'opens', undefined]),
  ],
];

const c = compileClassifier();
console.log(`Sensitive classifier accuracy: ${PER} generated values per row (seed ${opt('seed', 1)})\n`);
console.log('True values (recall)');
const byType = new Map();
for (const [type, value, field] of TRUE) {
  const row = byType.get(type) ?? { n: 0, ok: 0, other: new Map() };
  for (let i = 0; i < PER; i++) {
    const got = c.classifyValue(value(), field());
    row.n++;
    if (got === type) row.ok++;
    else {
      const k = got ?? 'none';
      row.other.set(k, (row.other.get(k) ?? 0) + 1);
    }
  }
  byType.set(type, row);
}
let tn = 0;
let tok = 0;
for (const [type, row] of byType) {
  tn += row.n;
  tok += row.ok;
  const misses = [...row.other].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    `  ${type.padEnd(22)} ${((100 * row.ok) / row.n).toFixed(1).padStart(6)}%  ${misses ? `(missed → ${misses})` : ''}`,
  );
}
console.log(`  ${'all'.padEnd(22)} ${((100 * tok) / tn).toFixed(1).padStart(6)}%\n`);
console.log('Look-alikes (false positives)');
let fn = 0;
let ffp = 0;
for (const [kind, value, field] of FALSE) {
  const hits = new Map();
  let fp = 0;
  for (let i = 0; i < PER; i++) {
    const got = c.classifyValue(value(), field());
    if (got !== undefined) {
      fp++;
      hits.set(got, (hits.get(got) ?? 0) + 1);
    }
  }
  fn += PER;
  ffp += fp;
  const what = [...hits].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    `  ${kind.padEnd(28)} ${((100 * fp) / PER).toFixed(2).padStart(6)}%  ${what ? `(${what})` : ''}`,
  );
}
console.log(`  ${'all'.padEnd(28)} ${((100 * ffp) / fn).toFixed(2).padStart(6)}%`);
