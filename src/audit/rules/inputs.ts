// Input rules: parameters (SSRF, credentials and PII in URLs, redirects, file paths), unbounded inputs
// and open request schemas inviting mass assignment (OWASP API3, API4, API7, API8).
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Given, Rule } from '../types.js';
import { STR, withBody, withParam } from './fixture-kit.js';

const INPUTS: Given = { target: 'schema', roles: ['parameter', 'request'] };
const WRITE_BODY: Given = { target: 'schema', roles: ['request'], methods: ['POST', 'PUT', 'PATCH'] };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...extra,
});

export const INPUT_RULES: Rule[] = [
  {
    id: 'MAM-PARAM-001',
    title: 'URL-valued parameter (SSRF)',
    description:
      'A parameter takes a URL (named *url/*uri/callback/webhook/redirect, or format uri): if the server fetches it, attackers can reach internal services and cloud metadata.',
    severity: 'medium',
    owasp: 'API7:2023',
    cwe: 918,
    compliance: complianceOf('development'),
    remediation:
      'Avoid fetching client-given URLs; otherwise allow-list schemes and hosts, resolve and block private ranges, and disable redirects.',
    given: { target: 'parameter' },
    then: {
      check: 'parameter-name-matches',
      options: { hints: ['url-param'], formats: ['uri', 'url', 'iri', 'uri-reference'] },
    },
    fixtures: {
      fail: {
        spec: withParam({ name: 'imageUrl', in: 'query', schema: { type: 'string', maxLength: 200 } }),
      },
      pass: { spec: withParam({ name: 'imageId', in: 'query', schema: { type: 'string', format: 'uuid' } }) },
    },
  },
  {
    id: 'MAM-PARAM-002',
    title: 'Credentials in URL parameters',
    description:
      'A path or query parameter carries a password, token, secret or API key: URLs are logged and cached everywhere.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 598,
    compliance: complianceOf('credentials'),
    remediation: 'Move credentials to the Authorization header or the request body.',
    given: { target: 'parameter', in: ['path', 'query'] },
    then: {
      check: 'parameter-name-matches',
      options: {
        hints: ['credential-param'],
        exceptNames: '(page|pagination|continuation|next|sync|cursor|prev|previous)token',
      },
    },
    fixtures: {
      fail: { spec: withParam({ name: 'access_token', in: 'query', schema: STR }) },
      pass: { spec: withParam({ name: 'pageToken', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-PARAM-003',
    title: 'Personal data in URL parameters',
    description:
      'A path or query parameter carries personal data (email, phone, SSN, My Number, card number, IBAN, date of birth): it lands in logs and analytics.',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 598,
    compliance: complianceOf('personal-data'),
    remediation: 'Pass personal data in request bodies (POST search) or refer to it by opaque ids.',
    given: { target: 'parameter', in: ['path', 'query'] },
    then: { check: 'parameter-name-matches', options: { hints: ['pii-param'] } },
    fixtures: {
      fail: {
        spec: withParam({
          name: 'email',
          in: 'query',
          schema: { type: 'string', format: 'email', maxLength: 254 },
        }),
      },
      pass: {
        spec: withParam({ name: 'customerId', in: 'query', schema: { type: 'string', format: 'uuid' } }),
      },
    },
  },
  {
    id: 'MAM-PARAM-004',
    title: 'Parameter without a schema',
    description: 'A parameter declares no schema or content: nothing constrains its type, size or format.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 20,
    compliance: complianceOf('development'),
    remediation: 'Give every parameter a schema with type and bounds.',
    given: { target: 'parameter' },
    then: { check: 'parameter-without-schema' },
    fixtures: {
      fail: { spec: withParam({ name: 'q', in: 'query' }) },
      pass: { spec: withParam({ name: 'q', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-PARAM-005',
    title: 'Redirect target taken from the request (open redirect)',
    description:
      'An operation that answers with a redirect takes the target from a parameter (`redirect`, `next`, `returnTo` …): attackers can bounce users to phishing sites with a trusted link.',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 601,
    compliance: complianceOf('development'),
    remediation: 'Redirect only to allow-listed paths or ids mapped server-side.',
    given: { target: 'parameter', in: ['query', 'path'] },
    then: { check: 'parameter-name-matches', options: { hints: ['redirect-param'], opResponses: '^3' } },
    fixtures: {
      fail: {
        spec: withParam({ name: 'returnTo', in: 'query', schema: STR }, '/session/end', {
          '302': { description: 'redirect' },
        }),
      },
      pass: {
        spec: withParam({ name: 'returnTo', in: 'query', schema: STR }, '/session/end', {
          '200': { description: 'ok' },
        }),
      },
    },
  },
  {
    id: 'MAM-PARAM-006',
    title: 'File or path name taken from the request',
    description:
      'A parameter names a file, directory or template: without canonicalisation it invites path traversal (`../../etc/passwd`).',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 22,
    compliance: complianceOf('development'),
    remediation:
      'Map ids to files server-side; if names are unavoidable, restrict them with a strict pattern and canonicalise under a fixed root.',
    given: { target: 'parameter', in: ['query', 'path'] },
    then: { check: 'parameter-name-matches', options: { hints: ['file-param'] } },
    fixtures: {
      fail: { spec: withParam({ name: 'filename', in: 'query', schema: STR }) },
      pass: {
        spec: withParam({ name: 'documentId', in: 'query', schema: { type: 'string', format: 'uuid' } }),
      },
    },
  },
  {
    id: 'MAM-INPUT-001',
    title: 'String input without maximum length',
    description:
      'A string input has no maxLength, enum or const: oversized values cost memory, CPU (regexes, parsers) and storage.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Set maxLength (or enum/const) on every string input.',
    given: INPUTS,
    then: {
      check: 'schema-requires',
      options: {
        types: ['string'],
        anyOf: [['maxLength'], ['enum'], ['const']],
        exemptFormats: ['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6', 'binary', 'byte', 'base64'],
      },
    },
    fixtures: {
      fail: { spec: withParam({ name: 'q', in: 'query', schema: { type: 'string', pattern: '^[a-z]+$' } }) },
      pass: { spec: withParam({ name: 'q', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-INPUT-002',
    title: 'String input without format, pattern or enum',
    description:
      'A string input has no format, pattern, enum or const: any character sequence reaches the application, including injection payloads.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 20,
    compliance: complianceOf('development'),
    remediation: 'Constrain strings with a format, an anchored pattern or an enum.',
    given: INPUTS,
    then: {
      check: 'schema-requires',
      options: { types: ['string'], anyOf: [['format'], ['pattern'], ['enum'], ['const']] },
    },
    fixtures: {
      fail: { spec: withParam({ name: 'q', in: 'query', schema: { type: 'string', maxLength: 10 } }) },
      pass: { spec: withParam({ name: 'q', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-INPUT-003',
    title: 'Array input without maximum items',
    description:
      'An array input has no maxItems: one request can carry millions of elements, each processed (and perhaps written) by the server.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Set maxItems on every array input (and bound its items).',
    given: INPUTS,
    then: { check: 'schema-requires', options: { types: ['array'], anyOf: [['maxItems']] } },
    fixtures: {
      fail: { spec: withBody(obj({ tags: { type: 'array', items: STR } })) },
      pass: { spec: withBody(obj({ tags: { type: 'array', maxItems: 20, items: STR } })) },
    },
  },
  {
    id: 'MAM-INPUT-004',
    title: 'Integer input without bounds',
    description:
      'An integer input lacks a minimum and maximum: negative quantities, huge page sizes and overflow values reach business logic.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 1284,
    compliance: complianceOf('development'),
    remediation: 'Set minimum and maximum (or enum) on integer inputs.',
    given: INPUTS,
    then: {
      check: 'schema-requires',
      options: {
        types: ['integer'],
        anyOf: [
          ['minimum', 'maximum'],
          ['exclusiveMinimum', 'exclusiveMaximum'],
          ['minimum', 'exclusiveMaximum'],
          ['exclusiveMinimum', 'maximum'],
          ['enum'],
          ['const'],
        ],
      },
    },
    fixtures: {
      fail: {
        spec: withParam({
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', format: 'int32', minimum: 1 },
        }),
      },
      pass: {
        spec: withParam({
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 100 },
        }),
      },
    },
  },
  {
    id: 'MAM-INPUT-005',
    title: 'Number input without bounds',
    description:
      'A number input lacks a minimum and maximum: negative amounts, NaN-like extremes and precision abuse reach business logic.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 1284,
    compliance: complianceOf('development'),
    remediation: 'Set minimum and maximum on number inputs (e.g. amounts ≥ 0.01 and ≤ a business limit).',
    given: INPUTS,
    then: {
      check: 'schema-requires',
      options: {
        types: ['number'],
        anyOf: [
          ['minimum', 'maximum'],
          ['exclusiveMinimum', 'exclusiveMaximum'],
          ['minimum', 'exclusiveMaximum'],
          ['exclusiveMinimum', 'maximum'],
          ['enum'],
          ['const'],
        ],
      },
    },
    fixtures: {
      fail: { spec: withBody(obj({ amount: { type: 'number' } })) },
      pass: { spec: withBody(obj({ amount: { type: 'number', minimum: 0.01, maximum: 10000 } })) },
    },
  },
  {
    id: 'MAM-INPUT-006',
    title: 'Integer input without int32/int64 format',
    description:
      'An integer input declares no int32/int64 format: implementations may disagree on its range, opening overflow and truncation bugs.',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 190,
    compliance: complianceOf('development'),
    remediation: 'Declare format int32 or int64 on integers.',
    given: INPUTS,
    then: {
      check: 'schema-keyword-in',
      options: { types: ['integer'], keyword: 'format', values: ['int32', 'int64'] },
    },
    fixtures: {
      fail: {
        spec: withParam({
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 100 },
        }),
      },
      pass: {
        spec: withParam({
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 100 },
        }),
      },
    },
  },
  {
    id: 'MAM-INPUT-007',
    title: 'Unanchored pattern',
    description:
      'A pattern lacks ^ and $ anchors, so it only has to match somewhere inside the value: `^[a-z]+` accepts `abc<script>`.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 625,
    compliance: complianceOf('development'),
    remediation: 'Anchor input patterns with ^…$.',
    given: INPUTS,
    then: { check: 'schema-pattern', options: { mode: 'unanchored' } },
    fixtures: {
      fail: {
        spec: withParam({
          name: 'q',
          in: 'query',
          schema: { type: 'string', maxLength: 10, pattern: '[a-z]+' },
        }),
      },
      pass: { spec: withParam({ name: 'q', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-INPUT-008',
    title: 'Pattern prone to catastrophic backtracking (ReDoS)',
    description:
      'A pattern nests quantifiers (`(a+)+`, `(\\w*)*`): a crafted input makes backtracking regex engines run for seconds or minutes.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 1333,
    compliance: complianceOf('development'),
    remediation:
      'Rewrite the pattern without nested quantifiers, bound the input length, or use a linear-time regex engine.',
    given: INPUTS,
    then: { check: 'schema-pattern', options: { mode: 'redos' } },
    fixtures: {
      fail: {
        spec: withParam({
          name: 'q',
          in: 'query',
          schema: { type: 'string', maxLength: 64, pattern: '^([a-z]+)+$' },
        }),
      },
      pass: { spec: withParam({ name: 'q', in: 'query', schema: STR }) },
    },
  },
  {
    id: 'MAM-INPUT-009',
    title: 'File upload without size limit',
    description: 'A binary/base64 request field has no maxLength: uploads of any size are accepted.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Set maxLength on binary fields and enforce a body size limit at the gateway.',
    given: { target: 'schema', roles: ['request'] },
    then: {
      check: 'schema-requires',
      options: { types: ['string'], onlyFormats: ['binary', 'byte', 'base64'], anyOf: [['maxLength']] },
    },
    fixtures: {
      fail: { spec: withBody(obj({ file: { type: 'string', format: 'binary' } })) },
      pass: { spec: withBody(obj({ file: { type: 'string', format: 'binary', maxLength: 5_000_000 } })) },
    },
  },
  {
    id: 'MAM-MASS-001',
    title: 'Write body accepts undeclared properties (mass assignment)',
    description:
      'A request body object for a write operation does not set additionalProperties (or unevaluatedProperties) to false: clients can send fields the API never meant to accept, and frameworks binding bodies to models will store them.',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 915,
    compliance: complianceOf('authorisation', 'development'),
    remediation: 'Set additionalProperties: false on write bodies and bind only allow-listed fields.',
    given: WRITE_BODY,
    then: { check: 'schema-open-object', options: { when: 'absent-or-true' } },
    fixtures: {
      fail: { spec: withBody({ type: 'object', properties: { name: STR } }) },
      pass: { spec: withBody(obj({ name: STR })) },
    },
  },
  {
    id: 'MAM-MASS-002',
    title: 'additionalProperties explicitly allowed',
    description:
      'An object schema explicitly allows additional properties (true or a schema): arbitrary keys flow in (mass assignment) or out (excessive data exposure).',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 915,
    compliance: complianceOf('development'),
    remediation:
      'Use additionalProperties: false unless the object is a genuine map; then bound it with maxProperties.',
    given: { target: 'schema' },
    then: {
      check: 'schema-open-object',
      options: { when: 'true-or-schema', keyword: 'additionalProperties' },
    },
    fixtures: {
      fail: { spec: withBody({ type: 'object', properties: { name: STR }, additionalProperties: true }) },
      pass: { spec: withBody(obj({ name: STR })) },
    },
  },
  {
    id: 'MAM-MASS-003',
    title: 'Map object without maxProperties',
    description:
      'An object allows additional properties through a schema but sets no maxProperties: a request can carry an unbounded number of keys.',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Bound map-like objects with maxProperties.',
    given: { target: 'schema' },
    then: {
      check: 'schema-open-object',
      options: { when: 'schema-without-max', keyword: 'additionalProperties' },
    },
    fixtures: {
      fail: { spec: withBody({ type: 'object', additionalProperties: STR }) },
      pass: { spec: withBody({ type: 'object', additionalProperties: STR, maxProperties: 20 }) },
    },
  },
  {
    id: 'MAM-MASS-004',
    title: 'unevaluatedProperties explicitly allowed',
    description:
      'An object schema allows unevaluated properties (true or a schema): properties no subschema declares are accepted.',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 915,
    compliance: complianceOf('development'),
    remediation: 'Set unevaluatedProperties: false on composed request schemas.',
    given: { target: 'schema' },
    then: {
      check: 'schema-open-object',
      options: { when: 'true-or-schema', keyword: 'unevaluatedProperties' },
    },
    fixtures: {
      fail: { spec: withBody({ type: 'object', properties: { name: STR }, unevaluatedProperties: true }) },
      pass: { spec: withBody({ type: 'object', properties: { name: STR }, unevaluatedProperties: false }) },
    },
  },
  {
    id: 'MAM-MASS-005',
    title: 'unevaluatedProperties schema without maxProperties',
    description:
      'An object admits unevaluated properties through a schema but sets no maxProperties: the number of extra keys is unbounded.',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 770,
    compliance: complianceOf('development'),
    remediation: 'Bound the object with maxProperties or close it with unevaluatedProperties: false.',
    given: { target: 'schema' },
    then: {
      check: 'schema-open-object',
      options: { when: 'schema-without-max', keyword: 'unevaluatedProperties' },
    },
    fixtures: {
      fail: { spec: withBody({ type: 'object', properties: { name: STR }, unevaluatedProperties: STR }) },
      pass: {
        spec: withBody({
          type: 'object',
          properties: { name: STR },
          unevaluatedProperties: STR,
          maxProperties: 10,
        }),
      },
    },
  },
  {
    id: 'MAM-MASS-006',
    title: 'Writable privileged property',
    description:
      'A write body lets the client set a privilege-bearing property (role, isAdmin, permissions, scopes, balance, tenantId …) that is not readOnly: users can grant themselves rights.',
    severity: 'high',
    owasp: 'API3:2023',
    cwe: 915,
    compliance: complianceOf('authorisation'),
    remediation:
      'Mark such properties readOnly in client-facing schemas and set them only through dedicated, admin-only operations.',
    given: WRITE_BODY,
    then: { check: 'schema-name-matches', options: { hints: ['privileged'], notReadOnly: true } },
    fixtures: {
      fail: { spec: withBody(obj({ name: STR, isAdmin: { type: 'boolean' } })) },
      pass: { spec: withBody(obj({ name: STR, isAdmin: { type: 'boolean', readOnly: true } })) },
    },
  },
  {
    id: 'MAM-MASS-007',
    title: 'Writable server-managed property',
    description:
      'A write body lets the client set audit fields (createdAt, updatedBy …) that the server should own.',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 915,
    compliance: complianceOf('development'),
    remediation: 'Mark server-managed fields readOnly and ignore them on input.',
    given: WRITE_BODY,
    then: { check: 'schema-name-matches', options: { hints: ['server-managed'], notReadOnly: true } },
    fixtures: {
      fail: { spec: withBody(obj({ name: STR, createdAt: { type: 'string', format: 'date-time' } })) },
      pass: {
        spec: withBody(
          obj({ name: STR, createdAt: { type: 'string', format: 'date-time', readOnly: true } }),
        ),
      },
    },
  },
];
