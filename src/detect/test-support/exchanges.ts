// Exchange values for detection tests: one call per line, sensible defaults, JSON bodies serialised.

import type { Exchange } from '../../model/index.js';

export interface FakeExchange {
  method?: string;
  host?: string;
  path?: string;
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body?: unknown;
  status?: number;
  response?: unknown;
  responseSize?: number;
  time?: number;
  index?: number;
  /** Client (peer) address; `null` for none (a HAR without client addresses). */
  address?: string | null;
  file?: string;
}

export const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
let counter = 0;

function body(v: unknown): NonNullable<Exchange['request']['body']> | undefined {
  if (v === undefined) return undefined;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    text,
    size: Buffer.byteLength(text),
    truncated: false,
    ...(typeof v === 'string' ? {} : { mimeType: 'application/json' }),
  };
}

export function fakeExchange(f: FakeExchange = {}): Exchange {
  const index = f.index ?? counter++;
  const responseBody = body(f.response);
  const ex: Exchange = {
    id: `ex-${index}`,
    time: f.time ?? T0 + index * 100,
    source: { kind: 'har', index, ...(f.file ? { file: f.file } : {}) },
    client: f.address === null ? {} : { address: f.address ?? '203.0.113.7' },
    request: {
      method: f.method ?? 'GET',
      scheme: 'https',
      host: f.host ?? 'api.example.com',
      path: f.path ?? '/',
      query: f.query ?? [],
      headers: { 'user-agent': 'test-agent/1.0', ...(f.headers ?? {}) },
      ...(f.body !== undefined ? { body: body(f.body)! } : {}),
    },
    response: {
      status: f.status ?? 200,
      headers: { 'content-type': 'application/json' },
      ...(responseBody ? { body: { ...responseBody, size: f.responseSize ?? responseBody.size } } : {}),
    },
  };
  return ex;
}

/** A JWT (unsigned; decoded, never verified) naming `sub`, for an authenticated actor. */
export function bearer(sub: string): Record<string, string> {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return { authorization: `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat: 1 })}.c2ln` };
}
