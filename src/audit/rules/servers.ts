// Server and document rules: transport, environments, inventory hygiene and versions (OWASP API8, API9).
// biome-ignore-all lint/suspicious/noThenProperty: rules use Spectral's given/then vocabulary; rule objects are plain data, never awaited.

import { complianceOf } from '../compliance.js';
import type { Rule } from '../types.js';
import { doc, secured, withOp } from './fixture-kit.js';

const srv = (server: Record<string, unknown>) => withOp('get', '/items', {}, secured({ servers: [server] }));
const swagger = (schemes: string[]) => ({
  swagger: '2.0',
  info: { title: 'Fixture', version: '1.0.0' },
  host: 'api.mamori.dev',
  basePath: '/v1',
  schemes,
  paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } },
});

export const SERVER_RULES: Rule[] = [
  {
    id: 'MAM-SRV-001',
    title: 'Server over plain HTTP',
    description:
      'A server URL uses http://: every request, credential and response crosses the network unencrypted and can be altered in transit.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 319,
    compliance: complianceOf('transport'),
    remediation: 'Serve the API over HTTPS (TLS 1.2+) only and redirect or refuse http.',
    given: { target: 'server' },
    then: { check: 'server-scheme', options: { schemes: ['http'], swagger: false } },
    fixtures: {
      fail: { spec: srv({ url: 'http://api.mamori.dev/v1' }) },
      pass: { spec: srv({ url: 'https://api.mamori.dev/v1' }) },
    },
  },
  {
    id: 'MAM-SRV-002',
    title: 'Swagger schemes include http',
    description: 'The Swagger 2.0 `schemes` list offers http: clients may talk to the API unencrypted.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 319,
    compliance: complianceOf('transport'),
    remediation: 'List only https (or wss) in schemes.',
    given: { target: 'server' },
    then: { check: 'server-scheme', options: { schemes: ['http'], swagger: true } },
    fixtures: {
      fail: { spec: swagger(['https', 'http']) },
      pass: { spec: swagger(['https']) },
    },
  },
  {
    id: 'MAM-SRV-003',
    title: 'WebSocket server without TLS',
    description: 'A server URL uses ws://: the socket carries messages and credentials unencrypted.',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 319,
    compliance: complianceOf('transport'),
    remediation: 'Use wss://.',
    given: { target: 'server' },
    then: { check: 'server-scheme', options: { schemes: ['ws'] } },
    fixtures: {
      fail: { spec: srv({ url: 'ws://stream.mamori.dev/v1' }) },
      pass: { spec: srv({ url: 'wss://stream.mamori.dev/v1' }) },
    },
  },
  {
    id: 'MAM-SRV-004',
    title: 'Placeholder server host',
    description:
      'A server points at a placeholder host (example.com, *.example, *.test …): the real deployment is not recorded, so it cannot be inventoried or tested.',
    severity: 'low',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'List the real production (and other environment) hosts.',
    given: { target: 'server' },
    then: { check: 'server-host', options: { kind: 'example' } },
    fixtures: {
      fail: { spec: srv({ url: 'https://api.example.com/v1' }) },
      pass: { spec: srv({ url: 'https://api.mamori.dev/v1' }) },
    },
  },
  {
    id: 'MAM-SRV-005',
    title: 'Internal server host published',
    description:
      'A server points at an internal host (localhost, private addresses, *.internal, *.local, *.corp): the document reveals internal topology, or a non-production environment is exposed.',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 200,
    compliance: complianceOf('configuration', 'inventory'),
    remediation: 'Publish only public endpoints; keep internal environments in a separate, non-public spec.',
    given: { target: 'server' },
    then: { check: 'server-host', options: { kind: 'internal' } },
    fixtures: {
      fail: { spec: srv({ url: 'https://orders.svc.internal/v1' }) },
      pass: { spec: srv({ url: 'https://api.mamori.dev/v1' }) },
    },
  },
  {
    id: 'MAM-SRV-006',
    title: 'Server audience not declared',
    description:
      'A server does not declare x-internal true/false: nobody can tell whether it is meant to be reachable from the internet.',
    severity: 'info',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Add `x-internal: true|false` to every server.',
    given: { target: 'server' },
    then: { check: 'server-field', options: { field: 'x-internal', defined: true } },
    fixtures: {
      fail: { spec: srv({ url: 'https://api.mamori.dev/v1' }) },
      pass: { spec: srv({ url: 'https://api.mamori.dev/v1', 'x-internal': false }) },
    },
  },
  {
    id: 'MAM-SRV-007',
    title: 'Server environment not described',
    description:
      'A server’s description does not say which environment it is (production, staging, sandbox …): test environments get mistaken for production and vice versa.',
    severity: 'info',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Describe each server’s environment (e.g. "Production", "Staging").',
    given: { target: 'server' },
    then: {
      check: 'server-field',
      options: { field: 'description', match: '(local|sandbox|alpha|beta|test|stag|prod|next|preprod|dev)' },
    },
    fixtures: {
      fail: { spec: srv({ url: 'https://api.mamori.dev/v1', description: 'Main API' }) },
      pass: { spec: srv({ url: 'https://api.mamori.dev/v1', description: 'Production' }) },
    },
  },
  {
    id: 'MAM-SRV-008',
    title: 'Unrestricted server variable',
    description:
      'A server variable has no enum: the server URL can be filled with any host, which generated clients and gateways may follow.',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 20,
    compliance: complianceOf('configuration'),
    remediation: 'Restrict server variables with an enum of the real values.',
    given: { target: 'server' },
    then: { check: 'server-variable-open' },
    fixtures: {
      fail: {
        spec: srv({ url: 'https://{region}.mamori.dev/v1', variables: { region: { default: 'eu' } } }),
      },
      pass: {
        spec: srv({
          url: 'https://{region}.mamori.dev/v1',
          variables: { region: { default: 'eu', enum: ['eu', 'jp'] } },
        }),
      },
    },
  },
  {
    id: 'MAM-DOC-001',
    title: 'Several API versions in one spec',
    description:
      'The spec serves more than one major version (/v1 and /v2): the older one tends to live on unmaintained as a zombie API.',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 1059,
    compliance: complianceOf('inventory'),
    remediation:
      'Retire the older version with a published sunset date, or split it into its own spec with its own owner.',
    given: { target: 'document' },
    then: { check: 'mixed-versions' },
    fixtures: {
      fail: {
        spec: doc({
          ...secured(),
          servers: [{ url: 'https://api.mamori.dev' }],
          paths: {
            '/v1/items': { get: { responses: { '200': { description: 'ok' } } } },
            '/v2/items': { get: { responses: { '200': { description: 'ok' } } } },
          },
        }),
      },
      pass: {
        spec: doc({
          ...secured(),
          servers: [{ url: 'https://api.mamori.dev' }],
          paths: { '/v2/items': { get: { responses: { '200': { description: 'ok' } } } } },
        }),
      },
    },
  },
  {
    id: 'MAM-DOC-002',
    title: 'Unversioned API',
    description:
      'Neither the server URLs nor the paths nor any parameter carry an API version: breaking changes cannot be rolled out beside the old contract, and old behaviour cannot be retired.',
    severity: 'low',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Version the API (/v1 in the base path, or a version header).',
    given: { target: 'document' },
    then: { check: 'unversioned' },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured({ servers: [{ url: 'https://api.mamori.dev' }] })) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-DOC-003',
    title: 'No server declared',
    description:
      'The spec declares no server (OpenAPI servers or Swagger host): where the API runs is not part of the inventory.',
    severity: 'low',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Declare every environment’s server URL.',
    given: { target: 'document' },
    then: { check: 'document-field-missing', options: { field: 'servers' } },
    fixtures: {
      fail: {
        spec: {
          openapi: '3.1.0',
          info: { title: 'Fixture', version: '1.0.0' },
          paths: { '/v1/items': { get: { responses: { '200': { description: 'ok' } } } } },
        },
      },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
  {
    id: 'MAM-DOC-004',
    title: 'No contact for the API',
    description:
      'info.contact is missing: there is no owner to route vulnerability reports and incidents to.',
    severity: 'info',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Add info.contact with the owning team’s address.',
    given: { target: 'document' },
    then: { check: 'document-field-missing', options: { field: 'info.contact' } },
    fixtures: {
      fail: { spec: withOp('get', '/items', {}, secured()) },
      pass: {
        spec: withOp(
          'get',
          '/items',
          {},
          secured({ info: { title: 'Fixture', version: '1.0.0', contact: { email: 'api@mamori.dev' } } }),
        ),
      },
    },
  },
  {
    id: 'MAM-DOC-005',
    title: 'Swagger 2.0 document',
    description:
      'The contract is Swagger 2.0, which cannot express several security features (OpenID Connect, cookie API keys, mutual TLS, per-operation servers).',
    severity: 'info',
    owasp: 'API9:2023',
    compliance: complianceOf('inventory'),
    remediation: 'Migrate the contract to OpenAPI 3.1.',
    given: { target: 'document' },
    then: { check: 'spec-version-old' },
    fixtures: {
      fail: { spec: swagger(['https']) },
      pass: { spec: withOp('get', '/items', {}, secured()) },
    },
  },
];
