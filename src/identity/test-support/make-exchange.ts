// Builds Exchange values for tests in identity/ and sensitive/: only what a test names differs
// from a plain `GET https://api.example.com/` answered 200.

import type { Exchange, ExchangeBody, Headers } from '../../model/index.js';

export interface ExchangeParts {
  method?: string;
  path?: string;
  host?: string;
  query?: Array<[string, string]>;
  headers?: Headers;
  body?: string | ExchangeBody;
  mimeType?: string;
  client?: string;
  status?: number;
  responseHeaders?: Headers;
  responseBody?: string | ExchangeBody;
  responseMimeType?: string;
  noResponse?: boolean;
}

function body(
  text: string | ExchangeBody | undefined,
  mimeType: string | undefined,
): ExchangeBody | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string') return text;
  const b: ExchangeBody = { text, size: Buffer.byteLength(text), truncated: false };
  if (mimeType !== undefined) b.mimeType = mimeType;
  return b;
}

export function makeExchange(parts: ExchangeParts = {}): Exchange {
  const ex: Exchange = {
    id: 'ex-1',
    time: Date.UTC(2026, 0, 1),
    source: { kind: 'har', index: 0 },
    client: {},
    request: {
      method: parts.method ?? 'GET',
      scheme: 'https',
      host: parts.host ?? 'api.example.com',
      path: parts.path ?? '/',
      query: parts.query ?? [],
      headers: parts.headers ?? {},
    },
  };
  if (parts.client !== undefined) ex.client.address = parts.client;
  const reqBody = body(
    parts.body,
    parts.mimeType ?? (typeof parts.body === 'string' ? 'application/json' : undefined),
  );
  if (reqBody) ex.request.body = reqBody;
  if (!parts.noResponse) {
    ex.response = { status: parts.status ?? 200, headers: parts.responseHeaders ?? {} };
    const resBody = body(
      parts.responseBody,
      parts.responseMimeType ?? (typeof parts.responseBody === 'string' ? 'application/json' : undefined),
    );
    if (resBody) ex.response.body = resBody;
  }
  return ex;
}

/** A JWT (unsigned: the signature part is filler) with the given header and claims. */
export function makeJwt(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const enc = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.c2lnbmF0dXJl`;
}
