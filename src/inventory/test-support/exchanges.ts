// Builders of Exchange values and small specs for the inventory tests (analysis does no I/O: tests
// make their input in memory).

import type { ApiSpec, Exchange, SpecOperation } from '../../model/index.js';

export interface ExchangeInit {
  method?: string;
  url: string;
  status?: number;
  time?: number;
  index?: number;
  headers?: Record<string, string>;
  requestBody?: { text: string; mimeType?: string };
  responseBody?: { text: string; mimeType?: string };
  responseHeaders?: Record<string, string>;
  latencyMs?: number;
  client?: string;
  noResponse?: boolean;
}

let counter = 0;

export function exchange(init: ExchangeInit): Exchange {
  const u = new URL(init.url);
  const index = init.index ?? counter++;
  const body = (b: { text: string; mimeType?: string } | undefined) =>
    b
      ? {
          text: b.text,
          size: Buffer.byteLength(b.text),
          truncated: false,
          mimeType: b.mimeType ?? 'application/json',
        }
      : undefined;
  const reqBody = body(init.requestBody);
  const resBody = body(init.responseBody);
  const ex: Exchange = {
    id: `t${index}`,
    time: init.time ?? Date.UTC(2026, 0, 1) + index * 1000,
    source: { kind: 'har', file: 'test.har', index },
    client: { address: init.client ?? '203.0.113.7' },
    request: {
      method: (init.method ?? 'GET').toUpperCase(),
      scheme: u.protocol === 'http:' ? 'http' : 'https',
      host: u.hostname.toLowerCase(),
      path: u.pathname,
      query: [...u.searchParams],
      headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      ...(reqBody ? { body: reqBody } : {}),
    },
  };
  if (!init.noResponse)
    ex.response = {
      status: init.status ?? 200,
      headers: Object.fromEntries(
        Object.entries(init.responseHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      ...(resBody ? { body: resBody } : {}),
    };
  if (init.latencyMs !== undefined) ex.latencyMs = init.latencyMs;
  return ex;
}

export interface OpInit {
  method: string;
  path: string;
  operationId?: string;
  deprecated?: boolean;
}

/** A minimal in-memory spec (what src/sources/spec.ts produces), with one server. */
export function spec(init: {
  file: string;
  title?: string;
  version?: string;
  server?: string;
  ops: OpInit[];
}): ApiSpec {
  const url = init.server ?? 'https://api.shop.example';
  const m = /^(https?):\/\/([^/:]+)(\/.*)?$/.exec(url);
  const server = m
    ? { url, scheme: m[1] as 'http' | 'https', host: m[2]!, basePath: (m[3] ?? '').replace(/\/$/, '') }
    : { url, basePath: url.replace(/\/$/, '') };
  const operations: SpecOperation[] = init.ops.map((o, i) => ({
    method: o.method.toUpperCase(),
    path: o.path,
    ...(o.operationId ? { operationId: o.operationId } : {}),
    tags: [],
    deprecated: o.deprecated ?? false,
    parameters: [...o.path.matchAll(/\{([^}]+)\}/g)].map((p) => ({
      name: p[1]!,
      in: 'path' as const,
      required: true,
      deprecated: false,
      schema: { type: 'string' },
      pointer: `/paths/${i}/parameters/0`,
    })),
    responses: [],
    servers: [server],
    pointer: `/paths/${o.path.replace(/\//g, '~1')}/${o.method.toLowerCase()}`,
    extensions: {},
  }));
  return {
    file: init.file,
    kind: 'openapi',
    specVersion: '3.1.0',
    title: init.title ?? 'Shop',
    ...(init.version ? { apiVersion: init.version } : {}),
    servers: [server],
    operations,
    securitySchemes: [],
    document: {},
    files: [init.file],
    locate: () => ({ line: 1, column: 1 }),
    resolveRef: () => undefined,
  };
}

/** A tiny stand-in for the sensitive classifier: emails and 16-digit cards, in JSON bodies and query. */
export const fakeClassifier = {
  classifyValue(value: string, field?: string): string | undefined {
    if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(value)) return 'EMAIL';
    if (/^\d{16}$/.test(value)) return 'CREDIT_CARD';
    if (field === 'password') return 'PASSWORD';
    return undefined;
  },
  scanExchange(
    ex: Exchange,
    parsed?: { request?: unknown; response?: unknown },
  ): Array<{ type: string; direction: 'request' | 'response'; field: string; masked: string }> {
    const hits: Array<{ type: string; direction: 'request' | 'response'; field: string; masked: string }> =
      [];
    const walk = (v: unknown, field: string, direction: 'request' | 'response') => {
      if (typeof v === 'string') {
        const t = fakeClassifier.classifyValue(v, field.split('.').pop());
        if (t) hits.push({ type: t, direction, field, masked: `${v.slice(0, 1)}***` });
      } else if (Array.isArray(v)) for (const x of v) walk(x, `${field}[]`, direction);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          walk(x, `${field}.${k}`, direction);
    };
    for (const [k, v] of ex.request.query) {
      const t = fakeClassifier.classifyValue(v, k);
      if (t) hits.push({ type: t, direction: 'request', field: `query.${k}`, masked: `${v.slice(0, 1)}***` });
    }
    if (parsed?.request !== undefined) walk(parsed.request, '$', 'request');
    if (parsed?.response !== undefined) walk(parsed.response, '$', 'response');
    return hits;
  },
};
