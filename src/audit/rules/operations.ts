// Operation-level rules: object-level authorisation hints, documented error and rate-limit responses,
// lifecycle, pagination and risky methods (OWASP API1, API4, API8, API9).
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Rule } from '../types.js';
import { secured, withOp } from './fixture-kit.js';

const INT_PARAM = {
  name: 'orderId',
  in: 'path',
  required: true,
  schema: { type: 'integer', format: 'int64', minimum: 1, maximum: 1e12 },
};
const UUID_PARAM = { name: 'itemId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const ERR = {
  description: 'error',
  content: {
    'application/problem+json': {
      schema: { type: 'object', properties: { title: { type: 'string', maxLength: 200 } } },
    },
  },
};
const RATE_HEADERS = [
  'RateLimit',
  'RateLimit-Limit',
  'RateLimit-Policy',
  'X-RateLimit-Limit',
  'X-Rate-Limit-Limit',
];

export const OPERATION_RULES: Rule[] = [
  {
    id: 'MAM-BOLA-001',
    title: 'Sequential integer object id without object-level authorisation',
    description:
      'The operation addresses one object by a sequential integer id and shows no sign of an ownership check (no 403 response, no owner/permission note, no authorisation extension): ids can be enumerated to read other users’ objects.',
    severity: 'medium',
    owasp: 'API1:2023',
    cwe: 639,
    compliance: complianceOf('authorisation'),
    remediation:
      'Check on every call that the caller owns or may access the object, document the 403, and prefer random ids (UUIDs).',
    given: { target: 'operation' },
    then: { check: 'sequential-id-without-authz' },
    fixtures: {
      fail: { spec: withOp('get', '/orders/{orderId}', { parameters: [INT_PARAM] }, secured()) },
      pass: {
        spec: withOp(
          'get',
          '/orders/{orderId}',
          { parameters: [INT_PARAM], responses: { '200': { description: 'ok' }, '403': ERR } },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-BOLA-002',
    title: 'Numeric identifier parameter',
    description:
      'A parameter named like an id (`id`, `*_id`, `*Id`) is an integer: guessable ids make object-level authorisation flaws easy to exploit.',
    severity: 'low',
    owasp: 'API1:2023',
    cwe: 639,
    compliance: complianceOf('authorisation'),
    remediation: 'Use random, non-sequential identifiers (UUIDs or opaque strings).',
    given: { target: 'parameter' },
    then: {
      check: 'parameter-name-matches',
      options: { rawPattern: '^(id|.*(_id|Id|-id|ID))$', schemaTypes: ['integer'] },
    },
    fixtures: {
      fail: { spec: withOp('get', '/orders/{orderId}', { parameters: [INT_PARAM] }, secured()) },
      pass: { spec: withOp('get', '/items/{itemId}', { parameters: [UUID_PARAM] }, secured()) },
    },
  },
  {
    id: 'MAM-OP-001',
    title: 'No 401 response on an authenticated operation',
    description:
      'A secured operation documents no 401: clients and contract tests cannot tell how failed authentication looks, and gateways may leak framework errors instead.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 1059,
    compliance: complianceOf('development'),
    remediation: 'Document a 401 response with an error schema on every secured operation.',
    given: { target: 'operation' },
    then: { check: 'operation-missing-response', options: { statuses: ['401'], onlySecured: true } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '401': ERR } }, secured()),
      },
    },
  },
  {
    id: 'MAM-OP-002',
    title: 'No 403 response on an object operation',
    description:
      'A secured operation addressing one object documents no 403, suggesting no object- or function-level authorisation outcome was designed.',
    severity: 'low',
    owasp: 'API1:2023',
    cwe: 1059,
    compliance: complianceOf('authorisation'),
    remediation: 'Document the 403 returned when the caller may not access the object.',
    given: { target: 'operation' },
    then: {
      check: 'operation-missing-response',
      options: { statuses: ['403'], onlySecured: true, onlyWithPathParams: true },
    },
    fixtures: {
      fail: { spec: withOp('get', '/items/{itemId}', { parameters: [UUID_PARAM] }, secured()) },
      pass: {
        spec: withOp(
          'get',
          '/items/{itemId}',
          { parameters: [UUID_PARAM], responses: { '200': { description: 'ok' }, '403': ERR } },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-OP-003',
    title: 'No 429 response (rate limiting undocumented)',
    description:
      'The operation documents no 429 Too Many Requests: rate limiting may be missing, and clients cannot back off correctly.',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Rate-limit the operation and document the 429 response with Retry-After.',
    given: { target: 'operation' },
    then: { check: 'operation-missing-response', options: { statuses: ['429'] } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '429': ERR } }, secured()),
      },
    },
  },
  {
    id: 'MAM-OP-004',
    title: '429 response without Retry-After',
    description:
      'A 429 response declares no Retry-After header, so well-behaved clients cannot know when to retry and tend to hammer the API.',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Declare a Retry-After header on 429 responses.',
    given: { target: 'response', status: '^429$' },
    then: { check: 'response-missing-header', options: { anyHeaders: ['Retry-After'] } },
    fixtures: {
      fail: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '429': ERR } }, secured()),
      },
      pass: {
        spec: withOp(
          'get',
          '/items',
          {
            responses: {
              '200': { description: 'ok' },
              '429': {
                ...ERR,
                headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0, maximum: 86400 } } },
              },
            },
          },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-OP-005',
    title: 'Responses without rate-limit headers',
    description:
      'Success and client-error responses declare no rate-limit headers (RateLimit, X-RateLimit-Limit …): consumers cannot see their budget.',
    severity: 'info',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation:
      'Return and document RateLimit / RateLimit-Policy headers (IETF draft) or X-RateLimit-* headers.',
    // 429 answers carry Retry-After instead (MAM-OP-004).
    given: { target: 'response', status: '^(2|4(?!29))' },
    then: { check: 'response-missing-header', options: { anyHeaders: RATE_HEADERS } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp(
          'get',
          '/items',
          {
            responses: {
              '200': {
                description: 'ok',
                headers: { RateLimit: { schema: { type: 'string', maxLength: 100 } } },
              },
            },
          },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-OP-006',
    title: 'No validation error response (400/422)',
    description:
      'The operation documents no 400, 422 or 4XX response: input validation may be missing or its failures undocumented.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 20,
    compliance: complianceOf('development'),
    remediation: 'Validate input against the schema and document the 400/422 error response.',
    given: { target: 'operation' },
    then: { check: 'operation-missing-response', options: { statuses: ['400', '422', '4XX'] } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '400': ERR } }, secured()),
      },
    },
  },
  {
    id: 'MAM-OP-007',
    title: 'No server error response (500)',
    description:
      'The operation documents no 500/5XX response: unexpected failures may surface framework error pages and stack traces.',
    severity: 'info',
    owasp: 'API8:2023',
    cwe: 209,
    compliance: complianceOf('development'),
    remediation:
      'Document a generic 500 error schema and make sure the implementation never returns internals.',
    given: { target: 'operation' },
    then: { check: 'operation-missing-response', options: { statuses: ['500', '5XX'] } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '5XX': ERR } }, secured()),
      },
    },
  },
  {
    id: 'MAM-OP-008',
    title: 'Error response without a schema',
    description:
      'A 4xx/5xx response has no body schema, so nothing constrains what error bodies reveal (stack traces, SQL, internal hosts).',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 209,
    compliance: complianceOf('development'),
    remediation: 'Give every error response a schema (e.g. RFC 9457 problem details).',
    given: { target: 'response', status: '^[45]' },
    then: { check: 'response-without-schema' },
    fixtures: {
      fail: {
        spec: withOp(
          'get',
          '/items',
          { responses: { '200': { description: 'ok' }, '404': { description: 'not found' } } },
          secured(),
        ),
      },
      pass: {
        spec: withOp('get', '/items', { responses: { '200': { description: 'ok' }, '404': ERR } }, secured()),
      },
    },
  },
  {
    id: 'MAM-OP-009',
    title: 'Deprecated operation still published',
    description:
      'The operation is marked deprecated but still in the contract: deprecated endpoints tend to keep running unpatched (zombie APIs).',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 477,
    compliance: complianceOf('inventory'),
    remediation:
      'Set a sunset date (Sunset header), monitor its traffic, and remove it from the gateway when unused.',
    given: { target: 'operation' },
    then: { check: 'operation-deprecated' },
    fixtures: {
      fail: { spec: withOp('get', '/items', { deprecated: true }, secured()) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-OP-010',
    title: 'List operation without a page-size limit',
    description:
      'A GET returning a list takes no limit/page-size parameter and caps no array size: one call can ask the server for everything.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Add a bounded `limit` (or page-size) parameter with a maximum, and paginate.',
    given: { target: 'operation', methods: ['GET'] },
    then: { check: 'list-without-pagination' },
    fixtures: {
      fail: {
        spec: withOp(
          'get',
          '/items',
          {
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
              },
            },
          },
          secured(),
        ),
      },
      pass: {
        spec: withOp(
          'get',
          '/items',
          {
            parameters: [
              { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
            ],
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
              },
            },
          },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-OP-011',
    title: 'Authentication endpoint without rate limiting',
    description:
      'A login, token, password-reset or OTP operation documents no 429 and no rate-limit headers: credential stuffing and OTP brute force go unchecked.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 307,
    compliance: complianceOf('authentication'),
    remediation:
      'Rate-limit authentication endpoints per account and per client, with lockout or back-off, and document the 429.',
    given: { target: 'operation', methods: ['POST', 'PUT'] },
    then: {
      check: 'operation-missing-response',
      options: { statuses: ['429'], pathHint: 'auth-endpoint', rateLimitHeadersSatisfy: true },
    },
    fixtures: {
      fail: { spec: withOp('post', '/login', {}) },
      pass: { spec: withOp('post', '/login', { responses: { '200': { description: 'ok' }, '429': ERR } }) },
    },
  },
  {
    id: 'MAM-OP-012',
    title: 'TRACE method exposed',
    description:
      'The API defines a TRACE operation, which echoes requests (including cookies and authorization headers) back to the caller.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 693,
    compliance: complianceOf('configuration'),
    remediation: 'Remove TRACE from the API and disable it at the server/gateway.',
    given: { target: 'operation', methods: ['TRACE'] },
    then: { check: 'always' },
    fixtures: {
      fail: { spec: withOp('trace', '/items', {}, secured()) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-OP-013',
    title: 'Request body of any media type',
    description:
      'The request body is declared as `*/*`: any content type reaches the parser, widening the attack surface (XML entities, deserialisation).',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 20,
    compliance: complianceOf('development'),
    remediation: 'Declare the exact media types accepted and reject others with 415.',
    given: { target: 'operation' },
    then: { check: 'request-any-content' },
    fixtures: {
      fail: {
        spec: withOp(
          'post',
          '/items',
          { requestBody: { content: { '*/*': { schema: { type: 'string', maxLength: 10 } } } } },
          secured(),
        ),
      },
      pass: {
        spec: withOp(
          'post',
          '/items',
          { requestBody: { content: { 'application/json': { schema: { type: 'string', maxLength: 10 } } } } },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-OP-014',
    title: 'Operation documents no concrete response',
    description:
      'The operation has only a `default` response (or none): what it returns, and what it must never return, is undefined.',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 1059,
    compliance: complianceOf('inventory'),
    remediation: 'Document each status code the operation returns, with schemas.',
    given: { target: 'operation' },
    then: { check: 'operation-without-responses' },
    fixtures: {
      fail: { spec: withOp('get', '/items', { responses: { default: { description: 'any' } } }, secured()) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-OP-015',
    title: 'CORS policy not declared on responses',
    description:
      'Success responses declare no Access-Control-Allow-Origin header, so the intended browser exposure (none, one origin, any origin) is undocumented.',
    severity: 'info',
    owasp: 'API8:2023',
    cwe: 942,
    compliance: complianceOf('configuration'),
    remediation: 'Decide the CORS policy and document Access-Control-Allow-Origin on responses.',
    given: { target: 'response', status: '^2' },
    then: { check: 'response-missing-header', options: { anyHeaders: ['Access-Control-Allow-Origin'] } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp(
          'get',
          '/items',
          {
            responses: {
              '200': {
                description: 'ok',
                headers: {
                  'Access-Control-Allow-Origin': {
                    schema: { type: 'string', const: 'https://app.mamori.dev' },
                  },
                },
              },
            },
          },
          secured(),
        ),
      },
    },
  },
];
