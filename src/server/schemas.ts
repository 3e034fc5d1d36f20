// JSON Schemas of the API: they validate input (400 naming the field), serialise output and are the
// source of the OpenAPI document (openapi.ts).

const str = (maxLength = 256) => ({ type: 'string', maxLength }) as const;
const int = (minimum = 0, maximum = 1_000_000_000_000_000) =>
  ({ type: 'integer', minimum, maximum }) as const;
const SEVERITY = { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info'] } as const;
const LANG = { type: 'string', enum: ['en', 'ja'] } as const;
const looseObject = { type: 'object', additionalProperties: true } as const;
const listOf = (key: string) =>
  ({
    type: 'object',
    required: [key],
    properties: { [key]: { type: 'array', maxItems: 100_000, items: looseObject } },
  }) as const;

export const paging = { limit: int(1, 1000), offset: int(0, 1_000_000) } as const;

export const ErrorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: str(64), message: str(2000), field: str(256) },
} as const;

const SessionView = {
  type: 'object',
  required: ['role', 'name'],
  properties: {
    role: { type: 'string', enum: ['admin', 'analyst', 'viewer', 'ingest'] },
    name: str(128),
    expires: { type: 'string', format: 'date-time' },
  },
} as const;

const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));
/** Every authenticated route can answer these. */
const authErrors = errors(400, 401, 403, 429);

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' } },
} as const;

const dateTime = { type: 'string', format: 'date-time' } as const;

export const ScanProgressSchema = {
  type: 'object',
  required: ['sent', 'findings', 'testsRun', 'testsTotal', 'phase'],
  properties: {
    sent: int(),
    findings: int(),
    testsRun: int(),
    testsTotal: int(),
    phase: str(256),
  },
} as const;

export const ScanSchema = {
  type: 'object',
  required: ['id', 'target', 'status', 'started', 'progress', 'options'],
  properties: {
    id: str(64),
    target: str(2048),
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    started: dateTime,
    finished: dateTime,
    progress: ScanProgressSchema,
    options: {
      type: 'object',
      description: 'what the scan was asked to do; identities by name and header only',
      additionalProperties: true,
    },
    summary: { type: 'object', additionalProperties: true },
    error: str(2000),
    updated: { ...dateTime, description: 'last write by the server running it (every 15 s)' },
    owner: { ...str(256), description: 'instance name of the API server running it' },
  },
} as const;

const selectors = {
  type: 'array',
  maxItems: 100,
  items: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

const RETENTION = {
  type: 'object',
  required: ['days', 'maxRows'],
  additionalProperties: false,
  properties: {
    days: int(1, 36_500),
    maxRows: int(1, 10_000_000_000),
    maxBytes: {
      ...int(1, 1_000_000_000_000_000),
      description: 'at most this many bytes of stored (masked) exchange JSON; the oldest go first',
    },
  },
} as const;
const MASKING = {
  type: 'object',
  required: ['types'],
  additionalProperties: false,
  properties: {
    types: {
      type: 'object',
      maxProperties: 200,
      propertyNames: { pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
      additionalProperties: { type: 'string', enum: ['mask', 'keep'] },
    },
  },
} as const;
const SYSLOG = {
  type: 'object',
  required: ['host', 'port'],
  additionalProperties: false,
  properties: { host: str(253), port: int(1, 65_535) },
} as const;
const webhook = (input: boolean) =>
  ({
    type: 'object',
    required: ['url', 'events'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', minLength: 1, maxLength: 2048 },
      events: {
        type: 'array',
        maxItems: 10,
        uniqueItems: true,
        items: { type: 'string', enum: ['alert', 'incident', 'scan'] },
      },
      ...(input
        ? { secret: { type: 'string', minLength: 16, maxLength: 256, writeOnly: true } }
        : { signed: { type: 'boolean', description: 'a signing secret is set (it is never returned)' } }),
    },
  }) as const;
const settingsShape = (input: boolean) =>
  ({
    type: 'object',
    additionalProperties: false,
    ...(input ? {} : { required: ['retention', 'masking', 'scanTargets', 'integrations'] }),
    properties: {
      retention: RETENTION,
      masking: MASKING,
      organisation: {
        type: 'object',
        additionalProperties: false,
        description: 'who the installation is, for peer comparisons',
        properties: {
          industry: {
            type: 'string',
            enum: ['all', 'financial-services', 'government', 'healthcare', 'energy-utilities'],
          },
          country: { type: 'string', enum: ['US', 'UK', 'DE', 'JP', 'SG', 'IN', 'other'] },
        },
      },
      scanTargets: {
        type: 'array',
        maxItems: 100,
        description: 'origins (scheme://host[:port]) the server may scan',
        items: { type: 'string', minLength: 1, maxLength: 2048 },
      },
      integrations: {
        type: 'object',
        additionalProperties: false,
        ...(input ? {} : { required: ['webhooks'] }),
        properties: {
          webhooks: { type: 'array', maxItems: 20, items: webhook(input) },
          syslog: SYSLOG,
          ocsf: { type: 'boolean' },
        },
      },
    },
  }) as const;

export const PatchSchema = {
  type: 'object',
  required: ['id', 'created', 'createdBy', 'source', 'description', 'match', 'action'],
  properties: {
    id: str(64),
    created: dateTime,
    createdBy: str(128),
    expires: dateTime,
    revoked: dateTime,
    revokedBy: str(128),
    source: {
      type: 'object',
      required: ['kind', 'id'],
      properties: { kind: { type: 'string', enum: ['finding', 'alert', 'manual'] }, id: str(512) },
    },
    description: str(2000),
    match: {
      type: 'object',
      properties: {
        host: str(253),
        method: str(16),
        path: str(2048),
        where: { type: 'string', enum: ['query', 'header', 'cookie', 'body', 'path'] },
        name: str(256),
        pattern: str(1000),
        actor: str(256),
      },
    },
    action: { type: 'string', enum: ['block', 'log'] },
  },
} as const;

export const DecisionSchema = {
  type: 'object',
  required: ['id', 'created', 'createdBy', 'actor', 'action', 'until', 'reason'],
  properties: {
    id: str(64),
    created: dateTime,
    createdBy: str(128),
    actor: str(256),
    action: { type: 'string', enum: ['block', 'throttle'] },
    until: dateTime,
    reason: str(500),
    ratePerSecond: { type: 'number', minimum: 0, maximum: 10_000 },
  },
} as const;

const huntParams = {
  actor: str(256),
  host: str(253),
  method: { type: 'string', maxLength: 16, pattern: '^[A-Za-z]+$' },
  endpoint: str(2048),
  from: dateTime,
  to: dateTime,
  status: int(0, 999),
  hit: str(128),
  contains: str(256),
} as const;

export const SavedQuerySchema = {
  type: 'object',
  required: ['id', 'name', 'owner', 'query', 'created'],
  properties: {
    id: str(64),
    name: str(128),
    owner: str(128),
    query: { type: 'object', properties: huntParams },
    created: dateTime,
  },
} as const;

const counts = (keys: readonly string[]) =>
  ({
    type: 'object',
    required: keys,
    additionalProperties: false,
    properties: Object.fromEntries(keys.map((k) => [k, int()])),
  }) as const;

export const OverviewSchema = {
  type: 'object',
  required: [
    'apis',
    'endpoints',
    'tags',
    'sensitiveEndpoints',
    'sensitiveWithoutAuth',
    'openAlerts',
    'openIncidents',
    'topRisky',
    'trends',
    'maturity',
  ],
  properties: {
    apis: int(),
    endpoints: int(),
    tags: counts(['shadow', 'zombie', 'deprecated', 'orphan', 'rogue']),
    sensitiveEndpoints: int(),
    sensitiveWithoutAuth: int(),
    openAlerts: int(),
    openIncidents: counts(['critical', 'high', 'medium', 'low', 'info']),
    topRisky: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['host', 'method', 'path', 'risk', 'tags', 'sensitive'],
        properties: {
          host: str(253),
          method: str(16),
          path: str(2048),
          risk: { type: 'number', minimum: 0, maximum: 100 },
          tags: { type: 'array', maxItems: 10, items: str(32) },
          sensitive: { type: 'array', maxItems: 100, items: str(64) },
        },
      },
    },
    trends: {
      type: 'array',
      maxItems: 14,
      items: {
        type: 'object',
        required: ['day', 'endpointsSeen', 'alerts'],
        properties: {
          day: { type: 'string', format: 'date' },
          endpointsSeen: int(),
          alerts: int(),
          findings: { ...int(), description: 'findings open that day; absent before the first record' },
        },
      },
    },
    maturity: {
      type: 'object',
      required: ['documentedShare', 'sensitiveClassified', 'realTimeDetection', 'scansLast30Days'],
      properties: {
        documentedShare: { type: 'number', minimum: 0, maximum: 1 },
        sensitiveClassified: { type: 'boolean' },
        realTimeDetection: { type: 'boolean' },
        lastIngest: dateTime,
        scansLast30Days: int(),
        lastScan: dateTime,
      },
    },
  },
} as const;

export const schemas = {
  health: {
    response: { 200: { type: 'object', required: ['status'], properties: { status: str(16) } } },
  },
  openapi: { response: { 200: looseObject, ...authErrors } },
  traffic: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { wait: { type: 'boolean' } },
    },
    response: {
      202: {
        type: 'object',
        required: ['accepted', 'rejected', 'issues'],
        properties: {
          accepted: int(),
          rejected: int(),
          duplicates: int(),
          processed: int(),
          issues: {
            type: 'array',
            maxItems: 1000,
            items: {
              type: 'object',
              properties: {
                code: str(128),
                message: str(2000),
                index: int(),
                line: int(),
                field: str(256),
              },
            },
          },
        },
      },
      ...errors(400, 401, 403, 413, 415, 429, 503),
    },
  },
  inventory: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: str(253),
        tag: { type: 'string', enum: ['shadow', 'zombie', 'deprecated', 'orphan', 'rogue'] },
        sensitive: { type: 'string', maxLength: 64, pattern: '^[A-Z0-9_]+$' },
        minRisk: { type: 'number', minimum: 0, maximum: 100 },
        search: str(256),
        fields: {
          type: 'string',
          enum: ['full', 'summary'],
          description: 'summary: host, method, path, tags, calls, auth, sensitive, risk, lastSeen',
        },
        limit: {
          ...paging.limit,
          description: 'endpoints per answer (default 100); `total` counts them all',
        },
        offset: paging.offset,
      },
    },
    response: {
      200: {
        type: 'object',
        required: ['endpoints', 'total'],
        properties: {
          endpoints: listOf('endpoints').properties.endpoints,
          total: { type: 'integer', minimum: 0, description: 'endpoints matching the filters, all pages' },
        },
      },
      ...authErrors,
    },
  },
  endpoint: {
    querystring: {
      type: 'object',
      required: ['host', 'method', 'endpoint'],
      additionalProperties: false,
      properties: {
        host: str(253),
        method: { type: 'string', maxLength: 16, pattern: '^[A-Za-z]+$' },
        endpoint: str(2048),
        lang: { ...LANG, description: 'ja: findings of the endpoint in Japanese' },
      },
    },
    response: {
      200: {
        type: 'object',
        required: ['endpoint', 'findings', 'exchanges'],
        properties: {
          endpoint: looseObject,
          findings: { type: 'array', maxItems: 10_000, items: looseObject },
          exchanges: { type: 'array', maxItems: 100, items: looseObject },
        },
      },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  findings: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minSeverity: SEVERITY,
        rule: str(128),
        host: str(253),
        lang: { ...LANG, description: 'ja: audit rule titles, descriptions and remediations in Japanese' },
        ...paging,
      },
    },
    response: { 200: listOf('findings'), ...authErrors },
  },
  alerts: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        actor: str(256),
        type: str(128),
        host: str(253),
        method: { type: 'string', maxLength: 16, pattern: '^[A-Za-z]+$' },
        endpoint: { ...str(2048), description: 'path template of the endpoint' },
        minSeverity: SEVERITY,
        status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
        lang: { ...LANG, description: 'title of each alert in this language; ja: explanations in Japanese' },
        ...paging,
      },
    },
    response: { 200: listOf('alerts'), ...authErrors },
  },
  incidents: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
        lang: { ...LANG, description: 'ja: incident summaries in Japanese' },
      },
    },
    response: { 200: listOf('incidents'), ...authErrors },
  },
  action: {
    params: idParams,
    body: {
      type: 'object',
      required: ['action'],
      additionalProperties: false,
      properties: {
        action: { type: 'string', enum: ['acknowledge', 'resolve', 'reopen', 'assign', 'comment'] },
        assignee: { type: 'string', minLength: 1, maxLength: 128 },
        text: { type: 'string', minLength: 1, maxLength: 4000 },
      },
    },
    response: { 200: looseObject, ...errors(400, 401, 403, 404, 429) },
  },
  compliance: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { lang: { ...LANG, description: 'ja: clause titles and finding texts in Japanese' } },
    },
    response: { 200: listOf('frameworks'), ...authErrors },
  },
  report: {
    params: {
      type: 'object',
      required: ['format'],
      properties: { format: { type: 'string', enum: ['json', 'sarif', 'html'] } },
    },
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { lang: LANG },
    },
    response: { ...authErrors },
  },
  hunt: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        actor: str(256),
        host: str(253),
        method: { type: 'string', maxLength: 16, pattern: '^[A-Za-z]+$' },
        endpoint: str(2048),
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        status: int(0, 999),
        hit: str(128),
        contains: str(256),
        ...paging,
      },
    },
    response: { 200: listOf('exchanges'), ...authErrors },
  },
  retroHunt: {
    body: {
      type: 'object',
      required: ['pattern', 'where'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
        title: str(256),
        severity: SEVERITY,
        pattern: { type: 'string', minLength: 1, maxLength: 1000 },
        flags: { type: 'string', maxLength: 4, pattern: '^[imsu]*$' },
        where: {
          type: 'array',
          minItems: 1,
          maxItems: 9,
          uniqueItems: true,
          items: {
            type: 'string',
            enum: ['path', 'query', 'query-name', 'header', 'cookie', 'json-value', 'json-key', 'body'],
          },
        },
        fieldPattern: str(256),
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        limit: int(1, 1000),
      },
    },
    response: {
      200: {
        type: 'object',
        required: ['matches', 'scanned'],
        properties: {
          scanned: int(),
          truncated: { type: 'boolean' },
          matches: { type: 'array', maxItems: 1000, items: looseObject },
        },
      },
      ...authErrors,
    },
  },
  auditLog: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        who: str(128),
        action: str(64),
        target: { ...str(256), description: 'what was changed: a token, alert, scan, patch … id' },
        since: { type: 'string', format: 'date-time', description: 'entries at or after this time' },
        until: { type: 'string', format: 'date-time', description: 'entries before this time' },
        ...paging,
      },
    },
    response: { 200: listOf('entries'), ...authErrors },
  },
  tokensList: { response: { 200: listOf('tokens'), ...authErrors } },
  tokenCreate: {
    // The role is chosen by the (admin-only) route, never by a writable body property.
    params: {
      type: 'object',
      required: ['role'],
      properties: { role: { type: 'string', enum: ['admin', 'analyst', 'viewer', 'ingest'] } },
    },
    body: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 128 } },
    },
    response: {
      201: {
        type: 'object',
        required: ['token', 'value'],
        properties: { token: looseObject, value: str(128) },
      },
      ...authErrors,
    },
  },
  sessionCreate: { response: { 201: SessionView, ...errors(400, 401, 403, 429) } },
  session: { response: { 200: SessionView, ...errors(401, 403, 429) } },
  scanStart: {
    body: {
      type: 'object',
      required: ['target'],
      additionalProperties: false,
      properties: {
        target: { type: 'string', minLength: 1, maxLength: 2048, description: 'base URL of the API to scan' },
        spec: { type: 'string', minLength: 1, maxLength: 5_000_000, description: 'OpenAPI/Swagger text' },
        useInventory: { type: 'boolean', description: 'describe the target from the stored inventory' },
        identities: {
          type: 'array',
          maxItems: 10,
          items: {
            type: 'object',
            required: ['name', 'header', 'value'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' },
              header: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' },
              value: { type: 'string', minLength: 1, maxLength: 8192, writeOnly: true },
            },
          },
        },
        only: selectors,
        skip: selectors,
        destructive: { type: 'boolean' },
        rate: { type: 'number', minimum: 0.1, maximum: 10_000 },
        maxRequests: int(1, 1_000_000),
        maxTimeS: int(1, 86_400),
      },
    },
    response: {
      202: { type: 'object', required: ['scan'], properties: { scan: ScanSchema } },
      ...errors(400, 401, 403, 413, 429),
    },
  },
  scans: {
    querystring: { type: 'object', additionalProperties: false, properties: { ...paging } },
    response: {
      200: {
        type: 'object',
        required: ['scans'],
        properties: { scans: { type: 'array', maxItems: 1000, items: ScanSchema } },
      },
      ...authErrors,
    },
  },
  scan: {
    params: idParams,
    response: {
      200: { type: 'object', required: ['scan'], properties: { scan: ScanSchema } },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  scanFindings: {
    params: idParams,
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        lang: { ...LANG, description: 'ja: test names, descriptions and remediations in Japanese' },
      },
    },
    response: { 200: listOf('findings'), ...errors(400, 401, 403, 404, 429) },
  },
  scanCancel: {
    params: idParams,
    response: {
      202: { type: 'object', required: ['scan'], properties: { scan: ScanSchema } },
      ...errors(400, 401, 403, 404, 409, 429),
    },
  },
  events: { response: { ...authErrors } },
  overview: { response: { 200: OverviewSchema, ...authErrors } },
  patches: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { includeExpired: { type: 'boolean', description: 'also revoked and expired patches' } },
    },
    response: {
      200: {
        type: 'object',
        required: ['patches'],
        properties: { patches: { type: 'array', maxItems: 100_000, items: PatchSchema } },
      },
      ...authErrors,
    },
  },
  patchCreate: {
    body: {
      type: 'object',
      required: ['from', 'id'],
      additionalProperties: false,
      properties: {
        from: { type: 'string', enum: ['finding', 'alert'] },
        id: { type: 'string', minLength: 1, maxLength: 512 },
        ttlHours: { type: 'number', exclusiveMinimum: 0, maximum: 8760 },
        action: { type: 'string', enum: ['block', 'log'], description: 'override the suggested action' },
      },
    },
    response: {
      201: { type: 'object', required: ['patch'], properties: { patch: PatchSchema } },
      ...errors(400, 401, 403, 404, 413, 429),
    },
  },
  patchRevoke: {
    params: idParams,
    response: {
      200: { type: 'object', required: ['patch'], properties: { patch: PatchSchema } },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  decisions: {
    response: {
      200: {
        type: 'object',
        required: ['decisions'],
        properties: { decisions: { type: 'array', maxItems: 100_000, items: DecisionSchema } },
      },
      ...authErrors,
    },
  },
  decisionCreate: {
    body: {
      type: 'object',
      required: ['actor', 'action', 'ttlSeconds', 'reason'],
      additionalProperties: false,
      properties: {
        actor: { type: 'string', minLength: 1, maxLength: 256, description: 'actor id, e.g. ip:203.0.113.9' },
        action: { type: 'string', enum: ['block', 'throttle'] },
        ttlSeconds: int(1, 90 * 86_400),
        reason: { type: 'string', minLength: 1, maxLength: 500 },
        ratePerSecond: { type: 'number', minimum: 0.01, maximum: 10_000 },
      },
    },
    response: {
      201: { type: 'object', required: ['decision'], properties: { decision: DecisionSchema } },
      ...errors(400, 401, 403, 413, 429),
    },
  },
  decisionDelete: {
    params: idParams,
    response: {
      200: { type: 'object', required: ['deleted'], properties: { deleted: str(64) } },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  savedList: {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { mine: { type: 'boolean', description: 'only the caller’s own queries' } },
    },
    response: {
      200: {
        type: 'object',
        required: ['queries'],
        properties: { queries: { type: 'array', maxItems: 100_000, items: SavedQuerySchema } },
      },
      ...authErrors,
    },
  },
  savedCreate: {
    body: {
      type: 'object',
      required: ['name', 'query'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 128 },
        query: { type: 'object', additionalProperties: false, properties: huntParams },
      },
    },
    response: {
      201: { type: 'object', required: ['query'], properties: { query: SavedQuerySchema } },
      ...errors(400, 401, 403, 413, 429),
    },
  },
  savedDelete: {
    params: idParams,
    response: {
      200: { type: 'object', required: ['deleted'], properties: { deleted: str(64) } },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  settings: { response: { 200: settingsShape(false), ...authErrors } },
  settingsPut: {
    body: { ...settingsShape(true), minProperties: 1 },
    response: { 200: settingsShape(false), ...errors(400, 401, 403, 413, 429) },
  },
  tokenRevoke: {
    params: idParams,
    response: { 200: looseObject, ...errors(400, 401, 403, 404, 429) },
  },
} as const;
