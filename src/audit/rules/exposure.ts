// Response exposure rules: sensitive fields returned by operations, secrets in examples (OWASP API3, API8).
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Given, Rule } from '../types.js';
import { STR, withBody, withOp, withResponse } from './fixture-kit.js';

const RESPONSES: Given = { target: 'schema', roles: ['response'] };
const obj = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  additionalProperties: false,
});
const s = { type: 'string', maxLength: 64 };

function exposureRule(
  id: string,
  hint: string | string[],
  title: string,
  what: string,
  severity: Rule['severity'],
  cwe: number,
  families: Parameters<typeof complianceOf>,
  failField: string,
  extraOptions: Record<string, unknown> = {},
): Rule {
  return {
    id,
    title,
    description: `A response schema returns ${what}. Whoever can call the operation, or read its logs and caches, receives it.`,
    severity,
    owasp: 'API3:2023',
    cwe,
    compliance: complianceOf(...families),
    remediation: `Do not return ${what}; return a masked or derived value, or mark input-only fields writeOnly and filter responses by an explicit allow-list.`,
    given: RESPONSES,
    then: {
      check: 'schema-name-matches',
      options: {
        hints: Array.isArray(hint) ? hint : [hint],
        notWriteOnly: true,
        scalarOnly: true,
        ...extraOptions,
      },
    },
    fixtures: {
      fail: { spec: withResponse(obj({ name: s, [failField]: s })) },
      pass: { spec: withResponse(obj({ name: s, [failField]: { ...s, writeOnly: true } })) },
    },
  };
}

export const EXPOSURE_RULES: Rule[] = [
  exposureRule(
    'MAM-EXPO-001',
    ['password', 'type:PASSWORD'],
    'Password returned in a response',
    'a password (or its hash)',
    'high',
    200,
    ['credentials', 'personal-data'],
    'password',
  ),
  exposureRule(
    'MAM-EXPO-002',
    'secret',
    'Secret or key returned in a response',
    'a secret, private key or API key',
    'high',
    200,
    ['secrets'],
    'clientSecret',
  ),
  exposureRule(
    'MAM-EXPO-003',
    'token',
    'Token returned outside an authentication endpoint',
    'an access, refresh or session token outside the login/token flow',
    'medium',
    200,
    ['credentials'],
    'refreshToken',
    { exceptPaths: 'auth-endpoint' },
  ),
  exposureRule(
    'MAM-EXPO-004',
    ['national-id', 'type:US_SSN', 'type:JP_MY_NUMBER', 'type:PASSPORT_NUMBER'],
    'National identifier returned in a response',
    'a national identifier (SSN, My Number, passport or tax id)',
    'high',
    359,
    ['personal-data', 'national-id'],
    'myNumber',
  ),
  exposureRule(
    'MAM-EXPO-005',
    ['card', 'type:CREDIT_CARD'],
    'Card number returned in a response',
    'a payment card number (PAN)',
    'high',
    359,
    ['personal-data', 'cardholder'],
    'cardNumber',
  ),
  exposureRule(
    'MAM-EXPO-006',
    'card-auth-data',
    'Card security code or track data returned in a response',
    'sensitive authentication data of a card (CVV/CVC, track data, PIN block)',
    'critical',
    359,
    ['cardholder'],
    'cvv',
  ),
  exposureRule(
    'MAM-EXPO-007',
    ['health', 'type:HEALTH_RECORD'],
    'Health data returned in a response',
    'health data (diagnoses, prescriptions, medical records)',
    'medium',
    359,
    ['personal-data', 'health'],
    'diagnosis',
  ),
  exposureRule(
    'MAM-EXPO-008',
    ['bank', 'type:BANK_ACCOUNT'],
    'Bank account returned in a response',
    'a bank account number or IBAN',
    'medium',
    359,
    ['personal-data'],
    'iban',
  ),
  {
    ...exposureRule(
      'MAM-EXPO-009',
      ['pii', 'type:EMAIL', 'type:PHONE', 'type:DATE_OF_BIRTH', 'type:POSTAL_ADDRESS', 'type:PERSON_NAME'],
      'Personal data returned by an unauthenticated operation',
      'personal data (email, phone, birth date, address, name) from an operation that requires no authentication',
      'medium',
      359,
      ['personal-data', 'authentication'],
      'email',
      { unauthenticatedOnly: true },
    ),
    fixtures: {
      fail: { spec: withResponse(obj({ id: s, email: s }), {}) },
      pass: { spec: withResponse(obj({ id: s, email: s })) },
    },
  },
  exposureRule(
    'MAM-EXPO-010',
    'internal',
    'Internal or debug field returned in a response',
    'internal diagnostics (debug, stack trace, SQL, internal host)',
    'low',
    209,
    ['development'],
    'stackTrace',
  ),
  {
    id: 'MAM-EXPO-011',
    title: 'Password input not marked writeOnly',
    description:
      'A request schema carries a password that is not writeOnly: when the same schema describes responses, tools and code generators will happily return it.',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 200,
    compliance: complianceOf('credentials'),
    remediation: 'Mark password fields writeOnly: true.',
    given: { target: 'schema', roles: ['request'] },
    then: {
      check: 'schema-name-matches',
      options: { hints: ['password'], notWriteOnly: true, scalarOnly: true },
    },
    fixtures: {
      fail: { spec: withBody(obj({ user: STR, password: s })) },
      pass: { spec: withBody(obj({ user: STR, password: { ...s, writeOnly: true } })) },
    },
  },
  {
    id: 'MAM-EXPO-012',
    title: 'Real-looking secret in a schema example',
    description:
      'A schema example, default or const holds a real-looking credential or card number (JWT, cloud access key, private key, Luhn-valid PAN): specs are published, so the value is too.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 798,
    compliance: complianceOf('secrets'),
    remediation:
      'Use obviously fake placeholders (test card 4111 1111 1111 1111, `<token>`), and rotate the exposed credential.',
    given: { target: 'schema' },
    then: { check: 'example-secret' },
    fixtures: {
      fail: { spec: withResponse(obj({ key: { ...s, example: 'AKIAZ7QXJ3M2P5L8W4RT' } })) },
      pass: { spec: withResponse(obj({ key: { ...s, example: '<access-key-id>' } })) },
    },
  },
  {
    id: 'MAM-EXPO-013',
    title: 'Real-looking secret in a response example',
    description: 'A response example holds a real-looking token, key or card number.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 798,
    compliance: complianceOf('secrets'),
    remediation: 'Replace the example with a fake placeholder and rotate the exposed credential.',
    given: { target: 'response' },
    then: { check: 'example-secret' },
    fixtures: {
      fail: {
        spec: withOp('get', '/me', {
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: obj({ card: s }), example: { card: '4539 1488 0343 6467' } },
              },
            },
          },
        }),
      },
      pass: {
        spec: withOp('get', '/me', {
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: obj({ card: s }), example: { card: '4111 1111 1111 1111' } },
              },
            },
          },
        }),
      },
    },
  },
];
