// Traffic rules over inventory endpoints (`mamori audit --inventory`): what observed calls prove about
// authentication, transport, sensitive data, headers, errors, lifecycle and drift from the spec.
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Rule } from '../types.js';
import { ANON_AUTH, anonObserved, ep, observed, sensitive, withResponse } from './fixture-kit.js';

const HIGH_RISK = [
  'CREDIT_CARD',
  'US_SSN',
  'JP_MY_NUMBER',
  'PASSWORD',
  'PRIVATE_KEY',
  'AWS_SECRET_KEY',
  'AWS_ACCESS_KEY',
  'API_KEY',
  'BEARER_TOKEN',
  'JWT',
  'HEALTH_RECORD',
  'PASSPORT_NUMBER',
  'BANK_ACCOUNT',
  'IBAN',
];
const CREDENTIAL_TYPES = [
  'JWT',
  'API_KEY',
  'BEARER_TOKEN',
  'PASSWORD',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'PRIVATE_KEY',
];
const PII_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'JP_MY_NUMBER',
  'IBAN',
  'DATE_OF_BIRTH',
  'PASSPORT_NUMBER',
  'BANK_ACCOUNT',
  'POSTAL_ADDRESS',
  'PERSON_NAME',
  'HEALTH_RECORD',
];
const T = { target: 'endpoint' } as const;
const tag = (name: 'shadow' | 'zombie' | 'rogue' | 'deprecated', reason: string) => ({
  tag: name,
  reason,
  sample: { file: 'traffic.har', index: 4 },
});
const browser = (headers: Record<string, { count: number; sample: string }>) =>
  observed({ browserCalls: 10, responseHeaders: headers });

export const TRAFFIC_RULES: Rule[] = [
  {
    id: 'MAM-TRF-001',
    title: 'Highly sensitive data served without authentication',
    description:
      'The endpoint answered calls that carried no credentials with card numbers, national ids, health records, passwords or keys.',
    severity: 'critical',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication', 'personal-data', 'cardholder', 'national-id'),
    remediation:
      'Require authentication and object-level authorisation on the endpoint now; then review who accessed it.',
    given: T,
    then: { check: 'traffic-sensitive-unauthenticated', options: { types: HIGH_RISK } },
    fixtures: {
      fail: {
        endpoint: ep({
          auth: ANON_AUTH,
          observed: anonObserved(),
          sensitive: [sensitive('CREDIT_CARD', '$.card')],
        }),
      },
      pass: { endpoint: ep({ sensitive: [sensitive('CREDIT_CARD', '$.card')] }) },
    },
  },
  {
    id: 'MAM-TRF-002',
    title: 'Personal data served without authentication',
    description:
      'The endpoint answered calls without credentials with personal data (emails, phone numbers, names, addresses …).',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 359,
    compliance: complianceOf('authentication', 'personal-data'),
    remediation: 'Require authentication, or strip personal data from the public response.',
    given: T,
    then: { check: 'traffic-sensitive-unauthenticated', options: { exceptTypes: HIGH_RISK } },
    fixtures: {
      fail: {
        endpoint: ep({
          auth: ANON_AUTH,
          observed: anonObserved(),
          sensitive: [sensitive('EMAIL', '$.email')],
        }),
      },
      pass: { endpoint: ep({ sensitive: [sensitive('EMAIL', '$.email')] }) },
    },
  },
  {
    id: 'MAM-TRF-003',
    title: 'Shadow endpoint carrying sensitive data',
    description:
      'The endpoint is in no spec (shadow) yet carries sensitive data: it escapes review, testing and gateway policy.',
    severity: 'high',
    owasp: 'API9:2023',
    cwe: 1059,
    compliance: complianceOf('inventory', 'personal-data'),
    remediation: 'Document it in the spec (and review it) or shut it down.',
    given: T,
    then: { check: 'traffic-lifecycle', options: { tags: ['shadow'], sensitive: true } },
    fixtures: {
      fail: {
        endpoint: ep({ tags: [tag('shadow', 'in no spec')], sensitive: [sensitive('EMAIL', '$.email')] }),
      },
      pass: { endpoint: ep({ tags: [tag('shadow', 'in no spec')] }) },
    },
  },
  {
    id: 'MAM-TRF-004',
    title: 'Zombie endpoint carrying sensitive data',
    description:
      'An old or deprecated version of an endpoint still serves traffic with sensitive data; old versions lack the fixes and controls of the new one.',
    severity: 'high',
    owasp: 'API9:2023',
    cwe: 1059,
    compliance: complianceOf('inventory', 'personal-data'),
    remediation: 'Move the remaining clients to the current version and switch the old one off.',
    given: T,
    then: { check: 'traffic-lifecycle', options: { tags: ['zombie'], sensitive: true } },
    fixtures: {
      fail: {
        endpoint: ep({ tags: [tag('zombie', 'v2 exists')], sensitive: [sensitive('PHONE', '$.phone')] }),
      },
      pass: { endpoint: ep({ sensitive: [sensitive('PHONE', '$.phone')] }) },
    },
  },
  {
    id: 'MAM-TRF-005',
    title: 'Endpoint on an unapproved host (rogue)',
    description:
      'Traffic reached an API host outside the approved list: an unmanaged deployment, a forgotten environment or a third party.',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 1059,
    compliance: complianceOf('inventory', 'third-party'),
    remediation: 'Find the owner; approve and inventory the host, or take it down.',
    given: T,
    then: { check: 'traffic-lifecycle', options: { tags: ['rogue'] } },
    fixtures: {
      fail: { endpoint: ep({ host: 'old-api.mamori.dev', tags: [tag('rogue', 'host not approved')] }) },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-006',
    title: 'Deprecated operation still called',
    description: 'The spec marks the operation deprecated, but clients still call it.',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 477,
    compliance: complianceOf('inventory'),
    remediation: 'Contact the remaining callers, announce a sunset date and remove the operation.',
    given: T,
    then: { check: 'traffic-lifecycle', options: { tags: ['deprecated'] } },
    fixtures: {
      fail: { endpoint: ep({ tags: [tag('deprecated', 'spec marks it deprecated')] }) },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-007',
    title: 'Authentication not enforced consistently',
    description:
      'Some calls to the endpoint carried credentials and others did not, and the anonymous ones succeeded: authentication is optional or bypassable.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 287,
    compliance: complianceOf('authentication'),
    remediation:
      'Enforce authentication in one place (gateway or middleware) for every route, and return 401 for anonymous calls.',
    given: T,
    then: { check: 'traffic-mixed-auth' },
    fixtures: {
      fail: {
        endpoint: ep({
          auth: [
            { type: 'bearer', in: 'header', name: 'authorization', count: 8 },
            { type: 'none', count: 2 },
          ],
          observed: observed({
            unauthenticatedSuccess: 2,
            authSamples: {
              bearer: { file: 'traffic.har', index: 1 },
              none: { file: 'traffic.har', index: 9 },
            },
          }),
        }),
      },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-008',
    title: 'Credentials in query strings',
    description:
      'Tokens, API keys or passwords were sent in URL query strings, where logs, proxies and browser history keep them.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 598,
    compliance: complianceOf('credentials'),
    remediation: 'Accept credentials only in headers; reject them in the query and rotate the exposed ones.',
    given: T,
    then: { check: 'traffic-query-sensitive', options: { types: CREDENTIAL_TYPES, authInQuery: true } },
    fixtures: {
      fail: { endpoint: ep({ auth: [{ type: 'api-key', in: 'query', name: 'api_key', count: 10 }] }) },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-009',
    title: 'Personal data in query strings',
    description:
      'Personal data (emails, phone numbers, card numbers, national ids …) was sent in URL query strings.',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 598,
    compliance: complianceOf('personal-data'),
    remediation: 'Move personal data into request bodies, or replace it with opaque ids.',
    given: T,
    then: { check: 'traffic-query-sensitive', options: { types: PII_TYPES } },
    fixtures: {
      fail: { endpoint: ep({ sensitive: [sensitive('EMAIL', 'query.email', 'request')] }) },
      pass: { endpoint: ep({ sensitive: [sensitive('EMAIL', '$.email', 'request')] }) },
    },
  },
  {
    id: 'MAM-TRF-010',
    title: 'Plain HTTP traffic',
    description:
      'Calls reached the endpoint over plain http: requests, credentials and responses were readable and alterable in transit.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 319,
    compliance: complianceOf('transport'),
    remediation:
      'Refuse http at the edge (no redirect for APIs), enable HSTS, and rotate credentials seen over http.',
    given: T,
    then: { check: 'traffic-plain-http' },
    fixtures: {
      fail: { endpoint: ep({ observed: observed({ schemes: { http: 3, https: 7 } }) }) },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-011',
    title: 'Stack traces in responses',
    description:
      'Responses contained stack traces: they reveal frameworks, file paths and code structure to attackers.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 209,
    compliance: complianceOf('development', 'configuration'),
    remediation: 'Return generic error bodies in production; log details server-side only.',
    given: T,
    then: { check: 'traffic-error-leak', options: { kind: 'stack-trace' } },
    fixtures: {
      fail: {
        endpoint: ep({
          observed: observed({
            errorLeaks: [
              {
                kind: 'stack-trace',
                count: 2,
                sample: { file: 'traffic.har', index: 5 },
                excerpt: 'at Object.<anonymous> (/srv/app/…',
              },
            ],
          }),
        }),
      },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-012',
    title: 'SQL errors in responses',
    description:
      'Responses contained database error messages: a strong sign of injectable queries and a map of the schema.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 209,
    compliance: complianceOf('development', 'runtime-protection'),
    remediation: 'Use parameterised queries, return generic errors, and test the endpoint for SQL injection.',
    given: T,
    then: { check: 'traffic-error-leak', options: { kind: 'sql-error' } },
    fixtures: {
      fail: {
        endpoint: ep({
          observed: observed({
            errorLeaks: [
              {
                kind: 'sql-error',
                count: 1,
                sample: { file: 'traffic.har', index: 6 },
                excerpt: 'syntax error at or near "\'"',
              },
            ],
          }),
        }),
      },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-013',
    title: 'Server or framework version disclosed',
    description:
      'Response headers announce server or framework versions (Server: nginx/1.18.0, X-Powered-By …), telling attackers which exploits to try.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 497,
    compliance: complianceOf('configuration'),
    remediation: 'Remove X-Powered-By / X-AspNet-Version and version numbers from Server headers.',
    given: T,
    then: { check: 'traffic-version-header' },
    fixtures: {
      fail: {
        endpoint: ep({
          observed: observed({ responseHeaders: { server: { count: 10, sample: 'nginx/1.18.0' } } }),
        }),
      },
      pass: {
        endpoint: ep({ observed: observed({ responseHeaders: { server: { count: 10, sample: 'nginx' } } }) }),
      },
    },
  },
  {
    id: 'MAM-TRF-014',
    title: 'Browser-facing API without HSTS',
    description:
      'Browsers call the endpoint over HTTPS but responses carry no Strict-Transport-Security: a network attacker can downgrade the first visit.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 319,
    compliance: complianceOf('transport', 'configuration'),
    remediation: 'Send Strict-Transport-Security: max-age=31536000; includeSubDomains.',
    given: T,
    then: {
      check: 'traffic-missing-header',
      options: { anyHeaders: ['strict-transport-security'], httpsOnly: true },
    },
    fixtures: {
      fail: { endpoint: ep({ observed: browser({}) }) },
      pass: {
        endpoint: ep({
          observed: browser({ 'strict-transport-security': { count: 10, sample: 'max-age=31536000' } }),
        }),
      },
    },
  },
  {
    id: 'MAM-TRF-015',
    title: 'Browser-facing API without X-Content-Type-Options',
    description:
      'Browsers call the endpoint but responses lack X-Content-Type-Options: nosniff, so browsers may sniff JSON into executable content.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 693,
    compliance: complianceOf('configuration'),
    remediation: 'Send X-Content-Type-Options: nosniff on every response.',
    given: T,
    then: { check: 'traffic-missing-header', options: { anyHeaders: ['x-content-type-options'] } },
    fixtures: {
      fail: { endpoint: ep({ observed: browser({}) }) },
      pass: {
        endpoint: ep({ observed: browser({ 'x-content-type-options': { count: 10, sample: 'nosniff' } }) }),
      },
    },
  },
  {
    id: 'MAM-TRF-016',
    title: 'Browser-facing API without framing protection',
    description:
      'Browsers call the endpoint but responses carry neither Content-Security-Policy nor X-Frame-Options: pages can be framed for clickjacking.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 1021,
    compliance: complianceOf('configuration'),
    remediation: "Send Content-Security-Policy: frame-ancestors 'none' (or X-Frame-Options: DENY).",
    given: T,
    then: {
      check: 'traffic-missing-header',
      options: { anyHeaders: ['content-security-policy', 'x-frame-options'] },
    },
    fixtures: {
      fail: { endpoint: ep({ observed: browser({}) }) },
      pass: { endpoint: ep({ observed: browser({ 'x-frame-options': { count: 10, sample: 'DENY' } }) }) },
    },
  },
  {
    id: 'MAM-TRF-017',
    title: 'CORS allows any origin with credentials',
    description:
      'Responses allow any origin (`*` or `null`) together with Access-Control-Allow-Credentials: true.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 942,
    compliance: complianceOf('configuration'),
    remediation: 'Allow-list exact origins; never combine credentials with a wildcard or null origin.',
    given: T,
    then: { check: 'traffic-cors-credentials' },
    fixtures: {
      fail: {
        endpoint: ep({
          observed: observed({
            responseHeaders: {
              'access-control-allow-origin': { count: 10, sample: 'null' },
              'access-control-allow-credentials': { count: 10, sample: 'true' },
            },
          }),
        }),
      },
      pass: {
        endpoint: ep({
          observed: observed({
            responseHeaders: {
              'access-control-allow-origin': { count: 10, sample: 'https://app.mamori.dev' },
              'access-control-allow-credentials': { count: 10, sample: 'true' },
            },
          }),
        }),
      },
    },
  },
  {
    id: 'MAM-TRF-018',
    title: 'Unsigned JWT accepted (alg none)',
    description: 'Calls presented JWTs with `alg: none` and were served: anyone can forge tokens.',
    severity: 'critical',
    owasp: 'API2:2023',
    cwe: 347,
    compliance: complianceOf('authentication', 'credentials'),
    remediation: 'Verify JWTs with a fixed allow-list of algorithms; reject `none`.',
    given: T,
    then: { check: 'traffic-jwt-alg', options: { algs: '^none$' } },
    fixtures: {
      fail: {
        endpoint: ep({ auth: [{ type: 'jwt', in: 'header', name: 'authorization', alg: 'none', count: 3 }] }),
      },
      pass: {
        endpoint: ep({
          auth: [{ type: 'jwt', in: 'header', name: 'authorization', alg: 'ES256', count: 3 }],
        }),
      },
    },
  },
  {
    id: 'MAM-TRF-019',
    title: 'Symmetric JWT signatures on a public API',
    description:
      'A public API accepts HS256/384/512 JWTs: every verifier holds the signing secret, and a weak secret can be brute-forced offline from one token.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 327,
    compliance: complianceOf('credentials'),
    remediation: 'Sign tokens asymmetrically (ES256, EdDSA, RS256/PS256) with keys held by the issuer only.',
    given: T,
    then: { check: 'traffic-jwt-alg', options: { algs: '^HS(256|384|512)$', publicOnly: true } },
    fixtures: {
      fail: {
        endpoint: ep({
          auth: [{ type: 'jwt', in: 'header', name: 'authorization', alg: 'HS256', count: 3 }],
        }),
      },
      pass: {
        endpoint: ep({
          host: 'orders.svc.internal',
          auth: [{ type: 'jwt', in: 'header', name: 'authorization', alg: 'HS256', count: 3 }],
        }),
      },
    },
  },
  {
    id: 'MAM-TRF-020',
    title: 'Responses carry fields the spec does not declare',
    description:
      'Observed responses contain properties absent from the documented response schema: the implementation returns more than the contract (excessive data exposure), or the spec is stale.',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 213,
    compliance: complianceOf('personal-data', 'inventory'),
    remediation:
      'Serialise responses from an explicit allow-list matching the spec; document fields that should be there.',
    given: T,
    then: { check: 'traffic-undeclared-fields' },
    fixtures: {
      fail: {
        spec: withResponse({
          type: 'object',
          properties: { id: { type: 'string', maxLength: 36 } },
          additionalProperties: false,
        }),
        endpoint: ep({
          path: '/v1/items/{itemId}',
          spec: { file: 'fixture.json', path: '/items/{itemId}' },
          schemas: {
            responses: {
              '200': {
                type: 'object',
                properties: { id: { type: 'string' }, passwordHash: { type: 'string' } },
              },
            },
          },
        }),
      },
      pass: {
        spec: withResponse({
          type: 'object',
          properties: { id: { type: 'string', maxLength: 36 } },
          additionalProperties: false,
        }),
        endpoint: ep({
          path: '/v1/items/{itemId}',
          spec: { file: 'fixture.json', path: '/items/{itemId}' },
          schemas: { responses: { '200': { type: 'object', properties: { id: { type: 'string' } } } } },
        }),
      },
    },
  },
  {
    id: 'MAM-TRF-021',
    title: 'Basic authentication in use',
    description: 'Calls authenticated with HTTP Basic: user passwords travel with every request.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 522,
    compliance: complianceOf('credentials'),
    remediation: 'Move clients to tokens (OAuth 2.0) or scoped API keys.',
    given: T,
    then: { check: 'traffic-auth-type', options: { authTypes: ['basic'] } },
    fixtures: {
      fail: { endpoint: ep({ auth: [{ type: 'basic', in: 'header', name: 'authorization', count: 4 }] }) },
      pass: { endpoint: ep() },
    },
  },
  {
    id: 'MAM-TRF-022',
    title: 'State changed by anonymous calls',
    description: 'A POST/PUT/PATCH/DELETE endpoint returned success to calls that carried no credentials.',
    severity: 'high',
    owasp: 'API5:2023',
    cwe: 306,
    compliance: complianceOf('authentication', 'authorisation'),
    remediation: 'Require authentication and function-level authorisation on every state-changing endpoint.',
    given: T,
    then: { check: 'traffic-unauthenticated-write' },
    fixtures: {
      fail: { endpoint: ep({ method: 'DELETE', auth: ANON_AUTH, observed: anonObserved() }) },
      pass: { endpoint: ep({ method: 'DELETE' }) },
    },
  },
  {
    id: 'MAM-TRF-023',
    title: 'Sensitive responses may be cached',
    description:
      'Responses with sensitive data do not always carry Cache-Control: no-store, so shared caches and browsers may keep them.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 524,
    compliance: complianceOf('personal-data'),
    remediation: 'Send Cache-Control: no-store on responses carrying personal or secret data.',
    given: T,
    then: { check: 'traffic-sensitive-cacheable' },
    fixtures: {
      fail: { endpoint: ep({ sensitive: [sensitive('EMAIL', '$.email')] }) },
      pass: {
        endpoint: ep({
          sensitive: [sensitive('EMAIL', '$.email')],
          observed: observed({ responseHeaders: { 'cache-control': { count: 10, sample: 'no-store' } } }),
        }),
      },
    },
  },
];
