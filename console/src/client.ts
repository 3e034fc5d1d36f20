// The console's API client: openapi-fetch typed by `paths`, which scripts/gen-api.mjs generates at build
// time from the server's own OpenAPI document, so routes, parameters and bodies are never written twice.
// Item shapes the document leaves open (inventory endpoints, findings, alerts) come from src/model,
// the types the server itself stores and serves.
// Authentication is the server's HttpOnly session cookie: nothing secret is readable or stored here.

import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api';

export type { paths };

/** What the server said went wrong (its `{ error, message, field }` body). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let expired: () => void = () => undefined;
/** Called when a request answers 401: the session ended (expiry, sign-out elsewhere, revoked token). */
export function onSessionExpired(handler: () => void): void {
  expired = handler;
}

const guard: Middleware = {
  onRequest({ request }) {
    // CSRF defence the server requires of cookie-authenticated changes.
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-mamori-csrf', '1');
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/api/v1/session')) expired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });
api.use(guard);

/** The data of an openapi-fetch answer, or an ApiError. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined && data !== null) return data as NonNullable<T>;
  const body = (error ?? {}) as { error?: string; message?: string; field?: string };
  throw new ApiError(
    response.status,
    body.error ?? `http-${response.status}`,
    body.message ?? response.statusText,
    body.field,
  );
}

type Ok<Op> = Op extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : R extends { 202: { content: { 'application/json': infer B } } }
        ? B
        : never
  : never;

/** The JSON body a route answers with on success, as the server's OpenAPI document describes it. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = Ok<paths[P][M]>;
