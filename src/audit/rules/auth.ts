// Authentication rules over security schemes, requirements and operations (OWASP API2, API5).
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Rule } from '../types.js';
import { BEARER, doc, secured, withOp, withScheme } from './fixture-kit.js';

const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];

export const AUTH_RULES: Rule[] = [
  {
    id: 'MAM-AUTH-001',
    title: 'HTTP Basic authentication scheme',
    description:
      'The API accepts HTTP Basic credentials: the reusable user password travels with every request, base64-encoded, and cannot be scoped, rotated or revoked per client.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 522,
    compliance: complianceOf('credentials'),
    remediation:
      'Use OAuth 2.0 / OpenID Connect bearer tokens or scoped API keys instead of passwords on every call.',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-is', options: { type: 'basic' } },
    fixtures: {
      fail: { spec: withScheme({ type: 'http', scheme: 'basic' }) },
      pass: { spec: withScheme({ type: 'http', scheme: 'bearer' }) },
    },
  },
  {
    id: 'MAM-AUTH-002',
    title: 'Basic credentials over plain HTTP',
    description:
      'A Basic authentication scheme is offered while a server is reachable over plain http: passwords cross the network readable by anyone on the path.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 319,
    compliance: complianceOf('credentials', 'transport'),
    remediation: 'Serve the API over HTTPS only and drop Basic authentication.',
    given: { target: 'security-scheme' },
    then: { check: 'basic-over-http' },
    fixtures: {
      fail: {
        spec: withScheme(
          { type: 'http', scheme: 'basic' },
          { servers: [{ url: 'http://api.mamori.dev/v1' }] },
        ),
      },
      pass: { spec: withScheme({ type: 'http', scheme: 'basic' }) },
    },
  },
  {
    id: 'MAM-AUTH-003',
    title: 'API key sent in the query string',
    description:
      'An apiKey scheme takes its key from the URL query: keys end up in access logs, proxy logs, browser history and Referer headers.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 598,
    compliance: complianceOf('credentials'),
    remediation:
      'Accept API keys in a request header (e.g. `X-API-Key`) and reject them in the query string.',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-is', options: { type: 'apiKey', in: ['query'] } },
    fixtures: {
      fail: { spec: withScheme({ type: 'apiKey', in: 'query', name: 'api_key' }) },
      pass: { spec: withScheme({ type: 'apiKey', in: 'header', name: 'X-API-Key' }) },
    },
  },
  {
    id: 'MAM-AUTH-004',
    title: 'OAuth 2.0 implicit flow',
    description:
      'The implicit flow returns access tokens in the redirect URL fragment, where they leak through history, logs and injected scripts; OAuth 2.0 Security BCP forbids it.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 522,
    compliance: complianceOf('credentials'),
    remediation: 'Use the authorization code flow with PKCE.',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-is', options: { type: 'oauth2', flows: ['implicit'] } },
    fixtures: {
      fail: {
        spec: withScheme({
          type: 'oauth2',
          flows: { implicit: { authorizationUrl: 'https://auth.mamori.dev/authorize', scopes: {} } },
        }),
      },
      pass: {
        spec: withScheme({
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://auth.mamori.dev/authorize',
              tokenUrl: 'https://auth.mamori.dev/token',
              refreshUrl: 'https://auth.mamori.dev/token',
              scopes: {},
            },
          },
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-005',
    title: 'OAuth 2.0 resource owner password flow',
    description:
      'The password flow hands the user’s password to the client application and cannot support multi-factor authentication; OAuth 2.0 Security BCP forbids it.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 522,
    compliance: complianceOf('credentials'),
    remediation: 'Use the authorization code flow with PKCE (or client credentials for machine clients).',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-is', options: { type: 'oauth2', flows: ['password'] } },
    fixtures: {
      fail: {
        spec: withScheme({
          type: 'oauth2',
          flows: { password: { tokenUrl: 'https://auth.mamori.dev/token', scopes: {} } },
        }),
      },
      pass: {
        spec: withScheme({
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: 'https://auth.mamori.dev/token', scopes: {} } },
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-006',
    title: 'Outdated HTTP authentication scheme',
    description:
      'The scheme uses an HTTP authentication method considered outdated or weak (Negotiate/NTLM, OAuth 1.0 signatures, Digest).',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 1390,
    compliance: complianceOf('credentials'),
    remediation: 'Move to OAuth 2.0 bearer tokens (authorization code + PKCE) or mutual TLS.',
    given: { target: 'security-scheme' },
    then: {
      check: 'scheme-is',
      options: { type: 'http', schemes: ['negotiate', 'ntlm', 'oauth', 'digest'] },
    },
    fixtures: {
      fail: { spec: withScheme({ type: 'http', scheme: 'negotiate' }) },
      pass: { spec: withScheme({ type: 'http', scheme: 'bearer' }) },
    },
  },
  {
    id: 'MAM-AUTH-007',
    title: 'JWT scheme without RFC 8725 commitment',
    description:
      'An OAuth 2.0 or JWT bearer scheme does not state that tokens follow RFC 8725 (JWT best current practices: explicit algorithms, no `alg: none`, audience and issuer checks).',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 347,
    compliance: complianceOf('credentials'),
    remediation:
      'Validate JWTs per RFC 8725 (fixed algorithm list, issuer, audience, expiry) and say so in the scheme description.',
    given: { target: 'security-scheme' },
    then: { check: 'jwt-without-bcp' },
    fixtures: {
      fail: { spec: withScheme({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) },
      pass: {
        spec: withScheme({
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'JWS access tokens validated per RFC8725 (ES256 only, iss/aud/exp checked).',
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-008',
    title: 'OAuth flow without refresh tokens',
    description:
      'A user-facing OAuth flow declares no refreshUrl: access tokens are probably long-lived, widening the window in which a stolen token works.',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 613,
    compliance: complianceOf('credentials'),
    remediation: 'Issue short-lived access tokens with refresh tokens and declare the flow’s refreshUrl.',
    given: { target: 'security-scheme' },
    then: { check: 'oauth-without-refresh' },
    fixtures: {
      fail: {
        spec: withScheme({
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://auth.mamori.dev/authorize',
              tokenUrl: 'https://auth.mamori.dev/token',
              scopes: {},
            },
          },
        }),
      },
      pass: {
        spec: withScheme({
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://auth.mamori.dev/authorize',
              tokenUrl: 'https://auth.mamori.dev/token',
              refreshUrl: 'https://auth.mamori.dev/token',
              scopes: {},
            },
          },
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-009',
    title: 'Authorization server reached over plain HTTP',
    description:
      'An OAuth authorization/token/refresh URL or an OpenID Connect discovery URL uses http://: codes, tokens and client secrets cross the network in clear text.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 319,
    compliance: complianceOf('credentials', 'transport'),
    remediation: 'Use https:// for every authorization server endpoint.',
    given: { target: 'security-scheme' },
    then: { check: 'auth-url-insecure' },
    fixtures: {
      fail: {
        spec: withScheme({
          type: 'openIdConnect',
          openIdConnectUrl: 'http://auth.mamori.dev/.well-known/openid-configuration',
        }),
      },
      pass: {
        spec: withScheme({
          type: 'openIdConnect',
          openIdConnectUrl: 'https://auth.mamori.dev/.well-known/openid-configuration',
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-010',
    title: 'API key carried in a cookie',
    description:
      'Browsers attach cookies to cross-site requests automatically: an API key in a cookie makes every state-changing operation a CSRF target unless other defences exist.',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 352,
    compliance: complianceOf('credentials'),
    remediation: 'Send API keys in a header; if cookies are required, use SameSite=Strict and CSRF tokens.',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-is', options: { type: 'apiKey', in: ['cookie'] } },
    fixtures: {
      fail: { spec: withScheme({ type: 'apiKey', in: 'cookie', name: 'key' }) },
      pass: { spec: withScheme({ type: 'apiKey', in: 'header', name: 'X-API-Key' }) },
    },
  },
  {
    id: 'MAM-AUTH-011',
    title: 'Security scheme defined but never required',
    description:
      'A security scheme is declared but no requirement uses it: the document may not say how operations are really protected.',
    severity: 'info',
    owasp: 'API8:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Remove the unused scheme or require it where it applies.',
    given: { target: 'security-scheme' },
    then: { check: 'scheme-unused' },
    fixtures: {
      fail: {
        spec: withOp(
          'get',
          '/items',
          {},
          secured({
            components: {
              securitySchemes: { ...BEARER, spare: { type: 'apiKey', in: 'header', name: 'X-Key' } },
            },
          }),
        ),
      },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-012',
    title: 'No security scheme at all',
    description:
      'The API defines no security scheme for any of its operations: either it is entirely public or its protection is undocumented.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication'),
    remediation: 'Declare the security schemes the API uses and require them at document or operation level.',
    given: { target: 'document' },
    then: { check: 'no-security-schemes' },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-013',
    title: 'Requirement names an undefined security scheme',
    description:
      'A security requirement references a scheme that is not defined, so the protection it claims does not exist in the contract.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 287,
    compliance: complianceOf('authentication'),
    remediation: 'Define the scheme under components.securitySchemes or fix the requirement’s name.',
    given: { target: 'document' },
    then: { check: 'requirement-undefined', options: { what: 'scheme' } },
    fixtures: {
      fail: { spec: withOp('get', '/items', { security: [{ oauth: [] }] }, secured()) },
      pass: { spec: withOp('get', '/items', { security: [{ bearer: [] }] }, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-014',
    title: 'Requirement uses scopes the scheme does not define',
    description:
      'An OAuth requirement asks for scopes that none of the scheme’s flows define: the authorisation it describes cannot be granted as written.',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 285,
    compliance: complianceOf('authorisation'),
    remediation: 'Define every required scope in the scheme’s flows, or correct the requirement.',
    given: { target: 'document' },
    then: { check: 'requirement-undefined', options: { what: 'scopes' } },
    fixtures: {
      fail: {
        spec: withOp(
          'get',
          '/items',
          { security: [{ oauth: ['items:admin'] }] },
          {
            components: {
              securitySchemes: {
                oauth: {
                  type: 'oauth2',
                  flows: {
                    clientCredentials: {
                      tokenUrl: 'https://auth.mamori.dev/token',
                      scopes: { 'items:read': 'read' },
                    },
                  },
                },
              },
            },
          },
        ),
      },
      pass: {
        spec: withOp(
          'get',
          '/items',
          { security: [{ oauth: ['items:read'] }] },
          {
            components: {
              securitySchemes: {
                oauth: {
                  type: 'oauth2',
                  flows: {
                    clientCredentials: {
                      tokenUrl: 'https://auth.mamori.dev/token',
                      scopes: { 'items:read': 'read' },
                    },
                  },
                },
              },
            },
          },
        ),
      },
    },
  },
  {
    id: 'MAM-AUTH-015',
    title: 'Document-level security allows anonymous access',
    description:
      'The global requirement list contains an empty `{}` alternative: every operation that inherits it can be called without credentials.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication'),
    remediation: 'Remove `{}` from the global security list and mark the few public operations explicitly.',
    given: { target: 'document' },
    then: { check: 'anonymous-global-security' },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured({ security: [{ bearer: [] }, {}] })) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-016',
    title: 'Operation also accepts anonymous calls',
    description:
      'The operation lists a security scheme but also an empty `{}` alternative, so authentication is optional.',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication'),
    remediation:
      'Drop the `{}` alternative unless the operation is meant to be public; then document it as public only.',
    given: { target: 'operation', methods: WRITE },
    then: { check: 'operation-unsecured', options: { anonymousAlternative: true } },
    fixtures: {
      fail: { spec: withOp('post', '/items', { security: [{ bearer: [] }, {}] }, secured()) },
      pass: { spec: withOp('post', '/items', { security: [{ bearer: [] }] }, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-017',
    title: 'State-changing operation without authentication',
    description:
      'A POST, PUT, PATCH or DELETE operation requires no credentials: anyone who can reach it can change data.',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication', 'authorisation'),
    remediation: 'Require a security scheme on every operation that changes state.',
    given: { target: 'operation', methods: WRITE },
    then: { check: 'operation-unsecured' },
    fixtures: {
      fail: {
        spec: withOp('delete', '/items/{itemId}', {
          parameters: [
            { name: 'itemId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
        }),
      },
      pass: {
        spec: withOp(
          'delete',
          '/items/{itemId}',
          {
            parameters: [
              { name: 'itemId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
          },
          secured(),
        ),
      },
    },
  },
  {
    id: 'MAM-AUTH-018',
    title: 'Read operation without authentication',
    description:
      'A GET or HEAD operation requires no credentials. Fine for public catalogues, but every such operation should be public on purpose.',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication'),
    remediation:
      'Require authentication, or record that the operation is deliberately public (and check what it returns).',
    given: { target: 'operation', methods: ['GET', 'HEAD'] },
    then: { check: 'operation-unsecured' },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, { components: { securitySchemes: BEARER } }) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-AUTH-019',
    title: 'Admin operation shares its security schemes with ordinary operations',
    description:
      'Operations under /admin (or tagged admin) are protected only by schemes ordinary operations also use: an ordinary user’s credential may reach them if function-level checks are missing.',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 285,
    compliance: complianceOf('authorisation'),
    remediation:
      'Protect administrative functions with a distinct scheme (separate audience, mTLS, or admin-only issuer).',
    given: { target: 'operation' },
    then: { check: 'admin-not-distinct', options: { mode: 'schemes' } },
    fixtures: {
      fail: {
        spec: doc({
          ...secured(),
          paths: {
            '/items': { get: { responses: { '200': { description: 'ok' } } } },
            '/admin/users': { get: { responses: { '200': { description: 'ok' } } } },
          },
        }),
      },
      pass: {
        spec: doc({
          security: [{ bearer: [] }],
          components: { securitySchemes: { ...BEARER, adminMtls: { type: 'mutualTLS' } } },
          paths: {
            '/items': { get: { responses: { '200': { description: 'ok' } } } },
            '/admin/users': {
              get: { security: [{ adminMtls: [] }], responses: { '200': { description: 'ok' } } },
            },
          },
        }),
      },
    },
  },
  {
    id: 'MAM-AUTH-020',
    title: 'Privileged operation without a distinct scope',
    description:
      'An admin operation requires no OAuth scope beyond those ordinary operations need, so any token good for the ordinary API also unlocks it.',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 285,
    compliance: complianceOf('authorisation'),
    remediation: 'Require an admin-only scope (e.g. `admin:users`) on privileged operations.',
    given: { target: 'operation' },
    then: { check: 'admin-not-distinct', options: { mode: 'scopes' } },
    fixtures: {
      fail: { spec: adminScopesDoc(['items:read']) },
      pass: { spec: adminScopesDoc(['admin:users']) },
    },
  },
];

function adminScopesDoc(adminScopes: string[]) {
  return doc({
    components: {
      securitySchemes: {
        oauth: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: 'https://auth.mamori.dev/token',
              scopes: { 'items:read': 'read', 'admin:users': 'manage users' },
            },
          },
        },
      },
    },
    paths: {
      '/items': {
        get: { security: [{ oauth: ['items:read'] }], responses: { '200': { description: 'ok' } } },
      },
      '/admin/users': {
        get: { security: [{ oauth: adminScopes }], responses: { '200': { description: 'ok' } } },
      },
    },
  });
}
