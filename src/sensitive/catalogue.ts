// The sensitive-data catalogue, as data: one entry per type, read top to bottom. Each entry says
// what a value looks like (anchored patterns, each optionally needing a field-name hint), which
// field names hint at it (compact: lower case, separators dropped), which names rule it out, how
// to mask it, and carries examples that must match and look-alikes that must not — the catalogue
// test walks them all. Order is priority: the first type whose checks pass wins.

import { isIPv6 } from 'node:net';
import { decodeJwt } from '../identity/jwt.js';
import type { SensitiveType } from '../model/index.js';
import {
  corporateNumber,
  creditCard,
  highEntropySecret,
  iban,
  myNumber,
  plausibleDate,
  usSsn,
} from './validators.js';

export type MaskStyle =
  | 'card' // 4111********1111
  | 'email' // j***@example.com
  | 'last4' // ***-**-6789, ****5678 (fewer kept on short values)
  | 'full' // **** **** **** (separators kept)
  | 'secret' // known prefix kept, then ******** (length hidden)
  | 'ip' // 203.0.*.*
  | 'date' // ****-**-**
  | 'name' // J*** D***
  | 'initial' // 1***
  | 'iban'; // DE******************3000

export interface ValuePattern {
  /** Matched against the whole value (anchor it) unless the type is found inside text. */
  re: RegExp;
  /** Only under a field whose name hints at the type (or, for AWS secrets, next to an access key). */
  needsHint?: boolean;
  /** Hints for this pattern alone, replacing the type's (postal codes vs street lines). */
  hints?: readonly string[];
  validate?: (value: string) => boolean;
}

export interface Example {
  value: string;
  /** Field name or path the value sits under (`email`, `$.customer.name`, `query.ssn`). */
  field?: string;
  /** For scan-only context (AWS secret next to its access key id). */
  note?: string;
}

export interface SensitiveTypeDef {
  id: SensitiveType;
  description: string;
  /** Characters a value can start with when no hint is present (cheap pre-filter); absent = any. */
  firstChars?: string;
  minLength: number;
  maxLength: number;
  /** A substring every matching value contains (checked with indexOf before any regex). */
  contains?: string;
  /** How many ASCII digits / letters a matching value has, inclusive (counted once per value). */
  digits?: readonly [number, number];
  letters?: readonly [number, number];
  patterns: readonly ValuePattern[];
  /**
   * Field-name hints, compact (`firstName`, `first_name` → `firstname`). A hint matches a name equal
   * to it or ending with it (`customerEmail`); `=tel` matches only the exact name.
   */
  hints?: readonly string[];
  /** Names that rule the type out even when a hint or the value says otherwise (same matching). */
  notHints?: readonly string[];
  /** A hint that needs its parent too: `name` under `customer`, `number` under `card`. */
  contextHints?: ReadonlyArray<{ parents: readonly string[]; keys: readonly string[] }>;
  /** Without a hint, not under id-like names (`orderNumber`, `invoice_no`, `timestamp`). */
  vetoIdLike?: boolean;
  /** The hint can also be a sibling value of this type in the same object (AWS secret + key id). */
  siblingHint?: SensitiveType;
  mask: MaskStyle;
  examples: readonly Example[];
  lookalikes: readonly Example[];
}

/** An email address inside text: whitespace, brackets, quotes or start/end on both sides. */
export const EMAIL_IN_TEXT =
  /(?:^|[\s<("'])[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?=$|[\s>)"',;!?]|\.(?:$|\s))/;

const DIGIT = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = DIGIT + UPPER + LOWER;

function isJwt(value: string): boolean {
  return decodeJwt(value) !== undefined;
}

/** Not a URL, an email or a placeholder: what a free-text hinted field must not be. */
function freeText(value: string): boolean {
  if (/^(?:https?:\/\/|www\.)/i.test(value) || /^[^\s@]+@[^\s@]+$/.test(value)) return false;
  return !PLACEHOLDER.test(value);
}
const PLACEHOLDER =
  /^(?:[*•xX#?.\-_ ]+|n\/?a|none|null|nil|undefined|unknown|redacted|\[redacted\]|\[filtered\]|masked|hidden|secret|true|false|-?\d{1,2}|<[^>]*>|\{\{[^}]*\}\}|\$\{[^}]*\})$/i;

function notPlaceholder(value: string): boolean {
  return !PLACEHOLDER.test(value);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const NAME_ASCII = /^[A-Za-z][A-Za-z'.\- ]*$/;
const NAME_ANY = /^[\p{L}\p{M}][\p{L}\p{M}'’.\- 　]*$/u;

/** A person's name: letters (any script), spaces, apostrophes, hyphens, dots; no digits; ≤ 6 words. */
function personName(value: string): boolean {
  // Most names are ASCII: a plain class is several times cheaper than Unicode property escapes.
  const shape = ASCII_ONLY.test(value) ? NAME_ASCII : NAME_ANY;
  if (!shape.test(value)) return false;
  if (value.split(/[ 　]+/).length > 6) return false;
  return (
    notPlaceholder(value) && !/^(?:admin|administrator|root|test|user|guest|anonymous|system)$/i.test(value)
  );
}

/** A street line: has letters (any script) and either a digit or CJK text, 5+ characters. */
function streetLine(value: string): boolean {
  if (!freeText(value)) return false;
  if (ASCII_ONLY.test(value)) return /[A-Za-z]/.test(value) && /\d/.test(value);
  if (!/[\p{L}]/u.test(value)) return false;
  return /\d/.test(value) || /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(value);
}

export const CATALOGUE: readonly SensitiveTypeDef[] = [
  {
    id: 'PRIVATE_KEY',
    description:
      'A PEM private key block (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP), anywhere in a value.',
    minLength: 40,
    maxLength: 1 << 20,
    contains: 'PRIVATE KEY',
    patterns: [{ re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ }],
    mask: 'secret',
    examples: [
      {
        value:
          '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----',
      },
      {
        value:
          'key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
      },
      { value: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----' },
    ],
    lookalikes: [
      { value: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----' },
      { value: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUEXAMPLE\n-----END CERTIFICATE-----' },
      { value: 'Rotate the private key every 90 days, see docs for PRIVATE KEY handling.' },
    ],
  },
  {
    id: 'JWT',
    description: 'A JSON Web Token: three base64url parts whose header decodes to JSON naming an alg.',
    firstChars: 'e',
    minLength: 20,
    maxLength: 16384,
    patterns: [
      { re: /^eyJ[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}$/, validate: isJwt },
    ],
    hints: ['token', 'jwt', 'idtoken', 'accesstoken', 'refreshtoken'],
    mask: 'secret',
    examples: [
      {
        value:
          'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      },
      { value: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.', field: 'id_token' },
    ],
    lookalikes: [
      { value: 'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiJ4In0.c2ln', note: 'header has no alg' },
      { value: 'eyJhbGciOi.not-base64-json.x' },
      { value: 'a.b.c' },
      { value: 'example.com.au' },
    ],
  },
  {
    id: 'BEARER_TOKEN',
    description: 'A `Bearer …` credential carried somewhere other than the call’s own Authorization header.',
    firstChars: 'Bb',
    minLength: 15,
    maxLength: 16384,
    patterns: [{ re: /^bearer\s+[A-Za-z0-9\-._~+/]{8,}=*$/i }],
    mask: 'secret',
    examples: [
      { value: 'Bearer 8f14e45fceea167a5a36dedd4bea2543f0a1', field: 'x-forwarded-authorization' },
      { value: 'bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.abc', field: '$.headers.authorization' },
    ],
    lookalikes: [{ value: 'Bearer' }, { value: 'Bearer of bad news' }, { value: 'Bearer token required' }],
  },
  {
    id: 'AWS_ACCESS_KEY',
    description:
      'An AWS access key id (AKIA long-term, ASIA temporary, and the other IAM unique-id prefixes).',
    firstChars: 'A',
    minLength: 20,
    maxLength: 20,
    patterns: [
      { re: /^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}$/ },
    ],
    mask: 'secret',
    examples: [{ value: 'AKIAIOSFODNN7EXAMPLE' }, { value: 'ASIAY34FZKBOKMUTVV7A' }],
    lookalikes: [
      { value: 'AKIA1234' },
      { value: 'ABCDEFGHIJKLMNOPQRST' },
      { value: 'akiaiosfodnn7example' },
      { value: 'AKIAIOSFODNN7EXAMPLEX' },
    ],
  },
  {
    id: 'AWS_SECRET_KEY',
    description:
      'An AWS secret access key: 40 base64-ish characters, only under a secret-key name or next to an access key id.',
    firstChars: ALNUM + '+/',
    minLength: 40,
    maxLength: 40,
    patterns: [
      {
        re: /^[A-Za-z0-9/+]{40}$/,
        needsHint: true,
        validate: (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v),
      },
    ],
    hints: [
      'awssecretaccesskey',
      'secretaccesskey',
      'awssecretkey',
      'awssecret',
      'secretkey',
      'awskeysecret',
      'secretaccesskeyid',
    ],
    siblingHint: 'AWS_ACCESS_KEY',
    mask: 'secret',
    examples: [{ value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', field: 'aws_secret_access_key' }],
    lookalikes: [
      { value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', field: 'description' },
      { value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', field: 'secret_key', note: 'sha1 hex, one case' },
      { value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', field: 'sha' },
    ],
  },
  {
    id: 'API_KEY',
    description:
      'An API key or secret token: a known vendor prefix (Stripe, GitHub, Slack, Google, GitLab, OpenAI, npm, SendGrid …), or a high-entropy value under an api-key-like name.',
    minLength: 16,
    maxLength: 4096,
    patterns: [
      {
        re: /^(?:(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}|gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244}|xox[abposr]-[A-Za-z0-9-]{10,250}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|hf_[A-Za-z0-9]{30,}|sq0(?:atp|csp)-[0-9A-Za-z_-]{22,60}|key-[0-9a-zA-Z]{32})$/,
      },
      {
        re: /^[A-Za-z0-9_\-+/=.:~]{16,4096}$/,
        needsHint: true,
        validate: highEntropySecret,
      },
    ],
    hints: [
      'apikey',
      'apisecret',
      'apitoken',
      'apisecretkey',
      'accesskey',
      'secretkey',
      'clientsecret',
      'consumersecret',
      'appsecret',
      'appkey',
      'secret',
      'privatekey',
      'signingkey',
      'signingsecret',
      'webhooksecret',
      'encryptionkey',
      'masterkey',
      'accesstoken',
      'refreshtoken',
      'authtoken',
      'sessiontoken',
      'bearertoken',
      'token',
      'credential',
      'credentials',
      'subscriptionkey',
      'licensekey',
      'personalaccesstoken',
      'xapikey',
    ],
    notHints: [
      'csrftoken',
      'xsrftoken',
      'csrf',
      'pagetoken',
      'nextpagetoken',
      'nexttoken',
      'continuationtoken',
      'synctoken',
      'cursortoken',
      'paginationtoken',
      'idempotencykey',
      'tokentype',
      'publickey',
      'publishablekey',
      'secretname',
      'secretid',
    ],
    firstChars: ALNUM + '_-+/=.:~',
    mask: 'secret',
    examples: [
      { value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' },
      { value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
      { value: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx' },
      { value: 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe' },
      { value: 'glpat-xxxxXXXX1234yyyyZZZZ' },
      { value: 'Zx81kPq7Ln3vTy9WmB2cDe5F', field: 'api_key' },
      { value: '9f86d081884c7d659a2feaa0c55ad015', field: 'client_secret' },
      { value: '550e8400-e29b-41d4-a716-446655440000', field: 'x-api-key' },
    ],
    lookalikes: [
      { value: 'sk_live_' },
      { value: 'ghp_short' },
      { value: 'Zx81kPq7Ln3vTy9WmB2cDe5F', field: 'description' },
      { value: '9f86d081884c7d659a2feaa0c55ad015', field: 'etag' },
      { value: 'd41d8cd98f00b204e9800998ecf8427e', field: 'checksum' },
      { value: '550e8400-e29b-41d4-a716-446655440000', field: 'requestId' },
      { value: 'Zx81kPq7Ln3vTy9WmB2cDe5F', field: 'csrf_token' },
      { value: 'aaaaaaaaaaaaaaaaaaaaaaaa', field: 'api_key' },
      { value: 'my-service-name-here', field: 'secret_name' },
    ],
  },
  {
    id: 'CREDIT_CARD',
    description: 'A payment card number: a real brand’s IIN range and length, Luhn-valid.',
    firstChars: '2345678',
    minLength: 12,
    maxLength: 23,
    digits: [12, 19],
    letters: [0, 0],
    patterns: [{ re: /^\d{4}(?:[ -]?\d{2,7}){1,4}$|^\d{12,19}$/, validate: creditCard }],
    hints: [
      'cardnumber',
      'creditcard',
      'creditcardnumber',
      'ccnumber',
      'cardno',
      '=pan',
      'primaryaccountnumber',
    ],
    contextHints: [
      {
        parents: ['card', 'creditcard', 'paymentcard', 'paymentmethod', 'payment'],
        keys: ['number', 'no', 'num'],
      },
    ],
    vetoIdLike: true,
    mask: 'card',
    examples: [
      { value: '4111111111111111' },
      { value: '4111 1111 1111 1111' },
      { value: '5555-5555-5555-4444' },
      { value: '378282246310005' },
      { value: '3530111333300000' },
      { value: '4242424242424242', field: '$.card.number' },
    ],
    lookalikes: [
      { value: '4111111111111112', note: 'fails Luhn' },
      { value: '1234567812345670', note: 'Luhn-valid, no brand starts with 1' },
      { value: '4000123412341234', field: 'orderId', note: '16-digit order number failing Luhn' },
      { value: '4242424242424242', field: 'order_number', note: 'Luhn-valid but under an id-like name' },
      { value: '1700000000000' },
      { value: '0000000000000000' },
    ],
  },
  {
    id: 'IBAN',
    description: 'An International Bank Account Number: known country, that country’s length, mod-97 valid.',
    firstChars: UPPER + LOWER,
    minLength: 15,
    maxLength: 42,
    digits: [2, 34],
    patterns: [{ re: /^[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,8}$/, validate: iban }],
    mask: 'iban',
    examples: [
      { value: 'DE89370400440532013000' },
      { value: 'DE89 3704 0044 0532 0130 00' },
      { value: 'GB82WEST12345698765432' },
      { value: 'FR1420041010050500013M02606' },
    ],
    lookalikes: [
      { value: 'DE89370400440532013001', note: 'fails mod-97' },
      { value: 'XX89370400440532013000', note: 'no such country' },
      { value: 'GB82WEST1234569876543', note: 'wrong length' },
      { value: 'AB12CD34EF56GH78IJ90' },
    ],
  },
  {
    id: 'US_SSN',
    description:
      'A US Social Security Number: dashed form alone, bare digits only under an ssn name; area not 000/666/9xx, group not 00, serial not 0000.',
    firstChars: '012345678',
    minLength: 9,
    maxLength: 11,
    digits: [9, 9],
    letters: [0, 0],
    patterns: [
      { re: /^\d{3}-\d{2}-\d{4}$/, validate: usSsn },
      { re: /^\d{3} ?\d{2} ?\d{4}$/, needsHint: true, validate: usSsn },
    ],
    hints: [
      'ssn',
      'socialsecuritynumber',
      'socialsecurityno',
      'socialsecurity',
      'ssnumber',
      'taxpayerid',
      'ussocialsecurity',
    ],
    vetoIdLike: true,
    mask: 'last4',
    examples: [{ value: '123-45-6789' }, { value: '123456789', field: 'ssn' }, { value: '219-09-9998' }],
    lookalikes: [
      { value: '000-12-3456' },
      { value: '666-12-3456' },
      { value: '900-12-3456' },
      { value: '123-00-4567' },
      { value: '123-45-0000' },
      { value: '078-05-1120', note: 'the Woolworth wallet number' },
      { value: '123456789', note: 'bare digits without a hint' },
      { value: '12345-6789', note: 'ZIP+4' },
    ],
  },
  {
    id: 'JP_MY_NUMBER',
    description: 'A Japanese My Number (個人番号): 12 digits with a valid check digit.',
    firstChars: DIGIT,
    minLength: 12,
    maxLength: 14,
    digits: [12, 12],
    letters: [0, 0],
    patterns: [{ re: /^\d{12}$|^\d{4}[ -]\d{4}[ -]\d{4}$/, validate: myNumber }],
    hints: [
      'mynumber',
      'mynumberid',
      'kojinbango',
      'kojinbangou',
      'kojinbangoo',
      'individualnumber',
      'personalnumber',
      '個人番号',
      'マイナンバー',
    ],
    vetoIdLike: true,
    mask: 'full',
    examples: [
      { value: '123456789018' },
      { value: '1234 5678 9018' },
      { value: '987654321093', field: 'kojin_bango' },
      { value: '444455556665', field: 'マイナンバー' },
    ],
    lookalikes: [
      { value: '123456789012', note: 'check digit fails' },
      { value: '202411150004', field: 'invoiceNumber', note: '12-digit invoice number failing the check' },
      { value: '202411150005', field: 'invoice_no', note: 'passes the check, under an id-like name' },
      { value: '111111111111' },
      { value: '1700000000000', note: 'epoch ms' },
    ],
  },
  {
    id: 'JP_CORPORATE_NUMBER',
    description:
      'A Japanese Corporate Number (法人番号): 13 digits, the first a check digit; bare digits only under a hint, `T`-prefixed invoice-issuer numbers alone.',
    firstChars: 'T',
    minLength: 13,
    maxLength: 14,
    digits: [13, 13],
    letters: [0, 1],
    patterns: [
      { re: /^T\d{13}$/, validate: corporateNumber },
      { re: /^\d{13}$/, needsHint: true, validate: corporateNumber },
    ],
    hints: [
      'corporatenumber',
      'corporateno',
      'hojinbango',
      'houjinbangou',
      'hojinbangou',
      'houjinbango',
      '法人番号',
      'invoiceregistrationnumber',
      'registrationnumber',
      'tourokubangou',
      'torokubango',
      '登録番号',
    ],
    mask: 'last4',
    examples: [
      { value: '7000012050002', field: 'corporate_number' },
      { value: 'T7000012050002' },
      { value: '5010001008846', field: '法人番号' },
    ],
    lookalikes: [
      { value: '7000012050002', note: 'bare 13 digits without a hint' },
      { value: '1700000000000', field: 'timestamp', note: 'epoch ms' },
      { value: '1000012050002', field: 'corporate_number', note: 'check digit fails' },
      { value: 'T1000012050002' },
    ],
  },
  {
    id: 'EMAIL',
    description: 'An email address, as the whole value or delimited inside text.',
    minLength: 6,
    maxLength: 4096,
    contains: '@',
    patterns: [
      { re: /^[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/ },
      // Inside text (`User jane@example.com not found`): delimited on both sides, so `git@host:repo`
      // and `@handle` stay out.
      { re: EMAIL_IN_TEXT },
    ],
    hints: ['email', 'emailaddress', 'mail', 'mailaddress', 'メールアドレス'],
    mask: 'email',
    examples: [
      { value: 'jane.doe@example.com' },
      { value: 'j+tag@sub.example.co.jp' },
      { value: 'taro@example.jp', field: 'mail_address' },
      { value: 'No account for jane.doe@example.com, please sign up.' },
    ],
    lookalikes: [
      { value: 'user@localhost' },
      { value: '@handle' },
      { value: 'git@github.com:org/repo.git' },
      { value: 'not an email' },
      { value: 'a@b' },
      { value: 'Run git clone git@github.com:org/repo.git first' },
      { value: 'ping @channel about it' },
    ],
  },
  {
    id: 'PHONE',
    description:
      'A phone number: E.164 and national formats (Japanese 0X0-XXXX-XXXX, US (555) 123-4567); bare digit strings only under a phone name.',
    firstChars: '+(0123456789',
    minLength: 7,
    maxLength: 24,
    digits: [7, 15],
    letters: [0, 0],
    patterns: [
      { re: /^\+[1-9]\d{7,14}$/ },
      { re: /^\+[1-9]\d{0,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,5}){1,4}$/ },
      { re: /^0\d{1,4}-\d{1,4}-\d{4}$/, validate: (v) => /^(?:\d-?){10,11}$/.test(v) },
      { re: /^0\d{1,4}\(\d{1,4}\)\d{4}$/ },
      { re: /^\(\d{3}\) ?\d{3}[ .-]\d{4}$|^\d{3}[ .-]\d{3}[ .-]\d{4}$/ },
      { re: /^\+?\d{7,15}$/, needsHint: true },
      { re: /^\+?[\d ().-]{7,24}$/, needsHint: true, validate: (v) => /^(?:\D*\d){7,15}\D*$/.test(v) },
    ],
    hints: [
      'phone',
      'phonenumber',
      'phoneno',
      'telephone',
      'telephonenumber',
      '=tel',
      'telno',
      'telnumber',
      'mobile',
      'mobilenumber',
      'mobilephone',
      'cellphone',
      'cellnumber',
      '=cell',
      '=fax',
      'faxnumber',
      'msisdn',
      'denwa',
      'denwabangou',
      'denwabango',
      'keitai',
      'keitaibangou',
      '電話番号',
      '電話',
      '携帯番号',
    ],
    vetoIdLike: true,
    mask: 'last4',
    examples: [
      { value: '+14155552671' },
      { value: '+81 90-1234-5678' },
      { value: '090-1234-5678' },
      { value: '03-1234-5678' },
      { value: '(415) 555-2671' },
      { value: '415-555-2671' },
      { value: '09012345678', field: 'phone' },
      { value: '+44 20 7946 0958' },
      { value: '０９０－１２３４－５６７８', note: 'full-width' },
    ],
    lookalikes: [
      { value: '09012345678', note: 'bare digits without a hint' },
      { value: '1700000000', note: 'epoch seconds' },
      { value: '2024-01-15' },
      { value: '123-45-6789' },
      { value: '1.2.3.4', field: 'version' },
      { value: '415-555-2671', field: 'order_number' },
    ],
  },
  {
    id: 'IP_ADDRESS',
    description: 'An IPv4 or IPv6 address (not a version string under a version-like name).',
    firstChars: DIGIT + 'abcdefABCDEF:',
    minLength: 3,
    maxLength: 45,
    patterns: [
      { re: /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/ },
      // Cheap shape first (fails at a UUID's first hyphen), then node's own IPv6 parser.
      { re: /^[0-9a-fA-F:.]{3,45}$/, validate: (v) => v.indexOf(':') >= 0 && isIPv6(v) },
    ],
    hints: ['ip', 'ipaddress', 'ipaddr', 'clientip', 'remoteip', 'sourceip', 'ipv4', 'ipv6', 'remoteaddr'],
    notHints: [
      'version',
      'ver',
      '=v',
      'build',
      'buildnumber',
      'release',
      'firmware',
      'revision',
      'oid',
      'semver',
      'sdkversion',
      'osversion',
    ],
    mask: 'ip',
    examples: [
      { value: '203.0.113.42' },
      { value: '2001:db8::8a2e:370:7334' },
      { value: 'fe80::1' },
      { value: '10.0.0.1', field: 'client_ip' },
    ],
    lookalikes: [
      { value: '1.2.3.4', field: 'version' },
      { value: '10.2.0.1', field: 'appVersion' },
      { value: '256.1.1.1' },
      { value: '1.2.3' },
      { value: '12:30:45' },
      { value: '00:1a:2b:3c:4d:5e', note: 'MAC address' },
      { value: '01.02.03.04' },
    ],
  },
  {
    id: 'DATE_OF_BIRTH',
    description: 'A birth date, only under a birth-date name (dob, birthdate, birthday, 生年月日 …).',
    minLength: 6,
    maxLength: 32,
    digits: [4, 20],
    patterns: [
      {
        re: /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$|^\d{8}$|^\d{4}年\d{1,2}月\d{1,2}日$/,
        needsHint: true,
        validate: plausibleDate,
      },
      { re: /^(?:昭和|平成|令和|[STHR])\d{1,2}[年.]\d{1,2}[月.]\d{1,2}日?$/, needsHint: true },
    ],
    hints: [
      'dob',
      'dateofbirth',
      'birthdate',
      'birthday',
      'birthdt',
      'bday',
      'borndate',
      'birth',
      '生年月日',
      '誕生日',
      'seinengappi',
      'seinengapi',
      'tanjoubi',
      'tanjobi',
    ],
    mask: 'date',
    examples: [
      { value: '1990-05-17', field: 'dob' },
      { value: '17/05/1990', field: 'date_of_birth' },
      { value: '19900517', field: 'birthDate' },
      { value: '1990年5月17日', field: '生年月日' },
      { value: '平成2年5月17日', field: 'seinengappi' },
      { value: '1990-05-17T00:00:00Z', field: '$.customer.birthday' },
    ],
    lookalikes: [
      { value: '1990-05-17', field: 'created_at' },
      { value: '2024-13-45', field: 'dob' },
      { value: '1700000000', field: 'dob' },
      { value: '1990-05-17' },
    ],
  },
  {
    id: 'PASSWORD',
    description: 'A password or PIN, only under a password-like name.',
    minLength: 1,
    maxLength: 256,
    patterns: [{ re: /^[^\r\n]+$/, needsHint: true, validate: (v) => freeText(v) && !/^\s+$/.test(v) }],
    hints: [
      'password',
      'passwd',
      'pwd',
      '=pass',
      'pw',
      'passphrase',
      'passcode',
      'newpassword',
      'oldpassword',
      'currentpassword',
      'passwordconfirm',
      'passwordconfirmation',
      'confirmpassword',
      'userpassword',
      'pin',
      'pincode',
      'pinnumber',
      'パスワード',
      '暗証番号',
      'anshobango',
      'anshoubangou',
    ],
    notHints: [
      'forgotpassword',
      'resetpassword',
      'changepassword',
      'haspassword',
      'requirepassword',
      'passwordless',
      'passwordpolicy',
      'passwordhint',
      'passwordstrength',
      'passwordexpires',
      'passwordreseturl',
    ],
    mask: 'secret',
    examples: [
      { value: 'hunter2', field: 'password' },
      { value: 'correct horse battery staple', field: 'newPassword' },
      { value: '1234', field: 'pin' },
      { value: 'S3cr3t!', field: 'form.passwd' },
    ],
    lookalikes: [
      { value: '********', field: 'password' },
      { value: '[FILTERED]', field: 'password' },
      { value: 'https://example.com/reset', field: 'forgot_password' },
      { value: 'hunter2', field: 'comment' },
      { value: 'true', field: 'password' },
    ],
  },
  {
    id: 'PASSPORT_NUMBER',
    description: 'A passport number, only under a passport name.',
    minLength: 6,
    maxLength: 12,
    digits: [1, 9],
    patterns: [
      { re: /^[A-Za-z0-9]{6,9}$|^[A-Za-z]{1,2} ?\d{6,8}$/, needsHint: true, validate: (v) => /\d/.test(v) },
    ],
    hints: [
      'passport',
      'passportno',
      'passportnumber',
      'passportnum',
      'passportid',
      '旅券番号',
      'パスポート番号',
      'ryokenbangou',
      'ryokenbango',
    ],
    mask: 'last4',
    examples: [
      { value: 'TK1234567', field: 'passport_number' },
      { value: '123456789', field: 'passportNo' },
      { value: 'X1234567', field: '$.traveller.passport' },
    ],
    lookalikes: [
      { value: 'TK1234567', field: 'coupon' },
      { value: 'JAPAN', field: 'passport' },
      { value: 'TK1234567', field: 'passport_country' },
    ],
  },
  {
    id: 'BANK_ACCOUNT',
    description: 'A bank account number (or sort/routing code), only under an account-number name.',
    minLength: 4,
    maxLength: 24,
    digits: [4, 17],
    letters: [0, 0],
    patterns: [
      { re: /^\d[\d -]{2,22}\d$/, needsHint: true, validate: (v) => /^(?:\D*\d){4,17}\D*$/.test(v) },
    ],
    hints: [
      'bankaccount',
      'bankaccountnumber',
      'bankaccountno',
      'accountnumber',
      'accountno',
      'acctno',
      'acctnumber',
      'routingnumber',
      'sortcode',
      'kouzabangou',
      'kozabango',
      'kouzabango',
      '口座番号',
      'bsb',
    ],
    contextHints: [
      {
        parents: ['bankaccount', 'bank', 'account', 'payout', 'kouza', 'koza'],
        keys: ['number', 'no', 'num'],
      },
    ],
    mask: 'last4',
    examples: [
      { value: '12345678', field: 'account_number' },
      { value: '1234567', field: '口座番号' },
      { value: '12-34-56', field: 'sort_code' },
      { value: '000123456789', field: '$.bank_account.number' },
    ],
    lookalikes: [
      { value: '12345678', field: 'quantity' },
      { value: 'ACME-CORP', field: 'account_number' },
      { value: '12', field: 'account_number' },
    ],
  },
  {
    id: 'HEALTH_RECORD',
    description:
      'Health information: diagnosis, condition, medication fields, ICD-10 codes under diagnosis names.',
    minLength: 2,
    maxLength: 2000,
    patterns: [
      // ICD-10 codes (E11.9, J45.909, I10) under code-only names: the value must be a code.
      {
        re: /^[A-TV-Z]\d{2}(?:\.\d{1,4}[A-Z]?)?$/i,
        needsHint: true,
        hints: ['icd', 'icd10', 'icd10code', 'icdcode', 'diagnosiscode', 'icd10cm'],
      },
      { re: /^[\s\S]+$/, needsHint: true, validate: (v) => freeText(v) && /[\p{L}\d]/u.test(v) },
    ],
    hints: [
      'diagnosis',
      'diagnoses',
      'medicalcondition',
      'medicalconditions',
      'medicalhistory',
      'medication',
      'medications',
      'prescription',
      'prescriptions',
      'allergy',
      'allergies',
      'bloodtype',
      'medicalrecordnumber',
      '=mrn',
      'healthrecord',
      'symptom',
      'symptoms',
      'treatment',
      'disability',
      'hivstatus',
      'pregnancy',
      '病名',
      '診断',
      '診断名',
      '既往歴',
      'byomei',
      'byoumei',
      'shindan',
      'kioureki',
    ],
    contextHints: [
      {
        parents: ['diagnosis', 'diagnoses', 'condition', 'conditions', 'problem', 'problems', 'icd10'],
        keys: ['code', 'name', 'display', 'description'],
      },
    ],
    mask: 'initial',
    examples: [
      { value: 'Type 2 diabetes mellitus', field: 'diagnosis' },
      { value: 'E11.9', field: 'icd10' },
      { value: 'J45.909', field: '$.diagnoses[].code' },
      { value: 'Penicillin', field: 'allergies' },
      { value: '高血圧', field: '病名' },
    ],
    lookalikes: [
      { value: 'E11.9', field: 'sku' },
      { value: 'pending', field: 'icd10', note: 'not a code under a code-only name' },
      { value: 'J45.909', field: '$.product.code' },
      { value: 'none', field: 'allergies' },
      { value: 'Type 2 diabetes mellitus', field: 'title' },
    ],
  },
  {
    id: 'PERSON_NAME',
    description:
      'A person’s name, only under a name field of a person (firstName, lastName, fullName, or `name` under customer/user/person …), not a product’s name.',
    minLength: 1,
    maxLength: 100,
    patterns: [{ re: /^[^\d@/\\<>{}[\]|=_:;]+$/, needsHint: true, validate: personName }],
    hints: [
      'firstname',
      'lastname',
      'fullname',
      'givenname',
      'familyname',
      'surname',
      'middlename',
      'maidenname',
      'cardholdername',
      'cardholder',
      'holdername',
      'accountholdername',
      'accountholder',
      'customername',
      'patientname',
      'contactname',
      'recipientname',
      'sendername',
      'billingname',
      'shippingname',
      'legalname',
      'personname',
      'employeename',
      'authorname',
      'ownername',
      '氏名',
      '名前',
      'お名前',
      '姓',
      '名',
      'シメイ',
      'shimei',
      'seimei',
      'namae',
      'furigana',
      'namekana',
      'seikana',
      'meikana',
      'firstnamekana',
      'lastnamekana',
    ],
    notHints: ['username', 'hostname', 'filename', 'productname', 'companyname', 'displayname'],
    contextHints: [
      {
        parents: [
          'customer',
          'user',
          'person',
          'people',
          'patient',
          'employee',
          'contact',
          'member',
          'owner',
          'holder',
          'cardholder',
          'recipient',
          'sender',
          'buyer',
          'seller',
          'guardian',
          'applicant',
          'author',
          'billing',
          'shipping',
          'profile',
          'traveller',
          'traveler',
          'passenger',
          'beneficiary',
          'payer',
          'payee',
          'student',
          'staff',
        ],
        keys: ['name', 'first', 'last', 'given', 'family', 'full'],
      },
    ],
    mask: 'name',
    examples: [
      { value: 'Jane', field: 'firstName' },
      { value: 'Doe', field: 'last_name' },
      { value: 'Jane Doe', field: '$.customer.name' },
      { value: 'Alice Smith', field: '$.users[].name' },
      { value: '山田 太郎', field: '氏名' },
      { value: "Seán O'Brien", field: 'cardholder_name' },
    ],
    lookalikes: [
      { value: 'Widget Pro', field: '$.product.name' },
      { value: 'jdoe42', field: 'username' },
      { value: 'Jane Doe', field: 'title' },
      { value: 'api-gateway', field: '$.service.name' },
      { value: 'admin', field: '$.user.name' },
      { value: 'Acme Corp', field: 'company_name' },
    ],
  },
  {
    id: 'POSTAL_ADDRESS',
    description:
      'A postal address: a street/address line (letters with a number or CJK text) under an address name, or a postal code under a zip/postcode name.',
    minLength: 3,
    maxLength: 500,
    patterns: [
      { re: /^[^\r\n]{5,500}$/, needsHint: true, validate: streetLine },
      {
        re: /^〒? ?\d{3}-?\d{4}$|^\d{5}(?:-\d{4})?$|^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$|^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$|^\d{4,6}$/,
        needsHint: true,
        hints: [
          'zip',
          'zipcode',
          'postalcode',
          'postcode',
          'postal',
          'yubinbango',
          'yuubinbangou',
          '郵便番号',
          '〒',
        ],
      },
    ],
    hints: [
      'address',
      'streetaddress',
      'street',
      'addressline',
      'addressline1',
      'addressline2',
      'address1',
      'address2',
      'postaladdress',
      'mailingaddress',
      'billingaddress',
      'shippingaddress',
      'homeaddress',
      'residentialaddress',
      'deliveryaddress',
      'jusho',
      'juusho',
      'jyusho',
      '住所',
      '所在地',
    ],
    notHints: [
      'ipaddress',
      'macaddress',
      'emailaddress',
      'mailaddress',
      'remoteaddress',
      'serveraddress',
      'walletaddress',
      'contractaddress',
      'hostaddress',
      'localaddress',
      'clientaddress',
      'peeraddress',
      'bitcoinaddress',
      'ethaddress',
      'listenaddress',
      'bindaddress',
      'proxyaddress',
      'addresstype',
      'addressid',
    ],
    contextHints: [
      {
        parents: [
          'address',
          'billingaddress',
          'shippingaddress',
          'billing',
          'shipping',
          'residence',
          'location',
        ],
        keys: ['line1', 'line2', 'street', 'street1', 'street2', 'zip', 'postcode', 'postalcode'],
      },
    ],
    mask: 'initial',
    examples: [
      { value: '1600 Amphitheatre Parkway, Mountain View, CA', field: 'address' },
      { value: '東京都千代田区千代田1-1', field: '住所' },
      { value: '221B Baker Street', field: '$.shipping.line1' },
      { value: '100-0001', field: 'zip' },
      { value: '〒100-0001', field: '郵便番号' },
      { value: '94043', field: '$.address.postalCode' },
      { value: 'SW1A 1AA', field: 'postcode' },
    ],
    lookalikes: [
      { value: '10.0.0.1', field: 'ip_address' },
      { value: 'jane@example.com', field: 'email_address' },
      { value: 'Main Street', field: 'street', note: 'no number' },
      { value: '94043', field: 'quantity' },
      { value: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', field: 'wallet_address' },
      { value: 'https://example.com/address', field: 'address' },
    ],
  },
];
