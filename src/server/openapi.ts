// The API's own OpenAPI 3.1 document, generated from the route schemas fastify validates with, so the
// description cannot drift from what the server enforces.

export interface RouteDoc {
  method: string;
  url: string;
  schema?: unknown;
  access?: string | undefined;
}

interface RouteSchema {
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  params?: { properties?: Record<string, unknown>; required?: string[] };
  body?: unknown;
  response?: Record<string, unknown>;
}

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted for analysis',
  '400': 'Invalid input (the field is named)',
  '401': 'Missing or invalid bearer token or session',
  '403': 'The token’s role may not call this route (or a cookie-authenticated change lacks x-mamori-csrf: 1)',
  '404': 'Not found',
  '409': 'Conflict with the current state',
  '413': 'Request body too large',
  '415': 'Unsupported media type',
  '429': 'Rate limit reached',
  '503': 'Ingest queue full; retry later',
};

const SUMMARY: Record<string, string> = {
  'GET /healthz': 'Health check (no authentication)',
  'GET /api/v1/openapi.json': 'This OpenAPI document',
  'POST /api/v1/traffic': 'Ingest traffic: a HAR document or JSONL exchanges',
  'GET /api/v1/inventory': 'List inventory endpoints',
  'GET /api/v1/inventory/endpoint': 'One endpoint with its findings and recent exchanges',
  'GET /api/v1/findings': 'List findings',
  'GET /api/v1/alerts': 'List alerts with their workflow state',
  'GET /api/v1/incidents': 'List incidents with their workflow state',
  'POST /api/v1/alerts/{id}/actions': 'Acknowledge, resolve, reopen, assign or comment on an alert',
  'POST /api/v1/incidents/{id}/actions': 'Acknowledge, resolve, reopen, assign or comment on an incident',
  'GET /api/v1/compliance': 'Compliance view of the findings',
  'GET /api/v1/reports/{format}': 'Download a report (JSON, SARIF, HTML)',
  'GET /api/v1/hunt': 'Query retained (masked) exchanges',
  'POST /api/v1/hunt/retro': 'Run a signature over the retained window',
  'GET /api/v1/audit-log': 'Query the audit log',
  'GET /api/v1/tokens': 'List API tokens (never their values)',
  'POST /api/v1/tokens/{role}': 'Create an API token of a role (its value is shown once)',
  'DELETE /api/v1/tokens/{id}': 'Revoke an API token',
  'POST /api/v1/scans': 'Start a scan of an allowed target (runs in the background)',
  'GET /api/v1/scans': 'List scans, newest first',
  'GET /api/v1/scans/{id}': 'One scan with its progress',
  'GET /api/v1/scans/{id}/findings': 'The findings of one scan',
  'POST /api/v1/scans/{id}/cancel': 'Cancel a queued or running scan',
  'GET /api/v1/settings': 'Installation settings (webhook secrets are never returned)',
  'PUT /api/v1/settings': 'Change settings: retention, masking, scan targets, integrations',
  'GET /api/v1/patches': 'List live virtual patches (all with includeExpired)',
  'POST /api/v1/patches': 'Make a virtual patch from a stored finding or alert',
  'DELETE /api/v1/patches/{id}': 'Revoke a virtual patch',
  'GET /api/v1/decisions': 'List actor decisions in force (block, throttle)',
  'POST /api/v1/decisions': 'Block or throttle an actor for a time',
  'DELETE /api/v1/decisions/{id}': 'Lift an actor decision',
  'GET /api/v1/hunt/saved': 'List saved hunt queries',
  'POST /api/v1/hunt/saved': 'Save a hunt query under a name',
  'DELETE /api/v1/hunt/saved/{id}': 'Delete a saved hunt query (its owner or an admin)',
  'GET /api/v1/overview': 'Counts, trends and maturity inputs for the console overview',
  'GET /api/v1/events': 'Live events (server-sent): alert, incident, scan',
  'POST /api/v1/session': 'Sign in: exchange the bearer token for a session cookie',
  'GET /api/v1/session': 'Who the caller is (role, name, session expiry)',
  'DELETE /api/v1/session': 'Sign out: end the session and clear its cookie',
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

export function openApiDocument(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const url = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const method = r.method.toLowerCase();
    const s = (r.schema ?? {}) as RouteSchema;
    const parameters: unknown[] = [];
    for (const [where, part] of [
      ['query', s.querystring],
      ['path', s.params],
    ] as const) {
      for (const [name, schema] of Object.entries(part?.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (part?.required ?? []).includes(name),
          schema,
        });
    }
    const responses: Record<string, unknown> = {};
    for (const [code, schema] of Object.entries(s.response ?? {})) {
      const isError = Number(code) >= 400;
      responses[code] = {
        description: STATUS_TEXT[code] ?? 'Response',
        content: { 'application/json': { schema: isError ? ERROR_REF : schema } },
      };
    }
    if (url === '/api/v1/reports/{format}')
      responses['200'] = {
        description: 'The report file',
        content: {
          'application/json': { schema: { type: 'object' } },
          'application/sarif+json': { schema: { type: 'object' } },
          'text/html': { schema: { type: 'string', maxLength: 50_000_000 } },
        },
      };
    if (url === '/api/v1/events')
      responses['200'] = {
        description: 'A text/event-stream of `alert`, `incident` and `scan` events, each with JSON data',
        content: { 'text/event-stream': { schema: { type: 'string', maxLength: 100_000_000 } } },
      };
    const op: Record<string, unknown> = {
      operationId: operationId(method, url),
      summary: SUMMARY[`${r.method} ${url}`] ?? `${r.method} ${url}`,
      tags: [url.split('/')[3] ?? 'health'],
      ...(parameters.length ? { parameters } : {}),
      responses,
      // Sign-in takes the bearer token only; everything else takes the session cookie too.
      security: !r.access
        ? []
        : r.method === 'POST' && url === '/api/v1/session'
          ? [{ bearer: [] }]
          : [{ bearer: [] }, { session: [] }],
    };
    if (s.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: s.body } } };
    if (url === '/api/v1/traffic')
      op['requestBody'] = {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: 'HAR 1.2 document',
              required: ['log'],
              additionalProperties: false,
              properties: { log: { type: 'object', description: 'HAR log; entries are checked one by one' } },
            },
          },
          'application/x-ndjson': {
            schema: {
              type: 'string',
              maxLength: 10 * 1024 * 1024,
              description: 'JSONL exchanges (docs/jsonl.md)',
            },
          },
        },
      };
    paths[url] ??= {};
    (paths[url] as Record<string, unknown>)[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mamori API',
      version,
      description:
        'The REST API of `mamori serve`: ingest traffic, read the inventory, findings and alerts, act on them, hunt.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (`mamori token create`)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'mamori_session',
          description:
            'Console session from POST /api/v1/session (HttpOnly, SameSite=Strict); state-changing calls also need the header x-mamori-csrf: 1',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', maxLength: 64 },
            message: { type: 'string', maxLength: 2000 },
            field: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
  };
}

function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, '')
    .split(/[/.{}-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method + words.join('');
}
