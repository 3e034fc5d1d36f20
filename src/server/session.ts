// Console sign-in: a browser exchanges an API token for a session cookie (`mamori_session`, HttpOnly,
// SameSite=Strict, Secure under TLS), so the token never sits in page-readable storage. Only the
// SHA-256 of the cookie value is stored, with an absolute expiry. A cookie is sent by the browser on
// its own, so state-changing calls authenticated by it must also carry `x-mamori-csrf: 1`: a header
// another site cannot add without a CORS preflight we never grant (defence in depth over SameSite).

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformStore, TokenRecord } from '../store/index.js';
import { hashToken } from './auth.js';
import { schemas } from './schemas.js';

export const SESSION_COOKIE = 'mamori_session';
export const CSRF_HEADER = 'x-mamori-csrf';
export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** The session cookie's value from a Cookie header, if well formed. */
export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return COOKIE_VALUE.test(value) ? value : undefined;
  }
  return undefined;
}

export function setCookieHeader(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeS))}${secure ? '; Secure' : ''}`;
}

export async function createSession(
  store: PlatformStore,
  token: TokenRecord,
  ttlMs: number,
  now = Date.now(),
): Promise<{ value: string; expires: string }> {
  const value = randomBytes(32).toString('base64url');
  const expires = new Date(now + ttlMs).toISOString();
  await store.createSession({
    hash: hashToken(value),
    tokenId: token.id,
    created: new Date(now).toISOString(),
    expires,
  });
  return { value, expires };
}

export type SessionAuth =
  | { kind: 'session'; token: TokenRecord; expires: string; hash: string }
  | { kind: 'csrf' }
  | undefined;

/** The token behind the request's session cookie; `csrf` when a state-changing call lacks the header. */
export async function sessionAuth(store: PlatformStore, req: FastifyRequest): Promise<SessionAuth> {
  const value = sessionCookie(req.headers.cookie);
  if (!value) return undefined;
  const hash = hashToken(value);
  const found = await store.touchSession(hash, new Date().toISOString());
  if (!found) return undefined;
  if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== '1') return { kind: 'csrf' };
  return { kind: 'session', ...found, hash };
}

export interface SessionRouteContext {
  store: PlatformStore;
  ttlMs: number;
  /** Served over TLS: the cookie gets `Secure`. */
  secure: boolean;
  audit: (
    req: FastifyRequest,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ) => Promise<void>;
}

const sessionView = (token: TokenRecord, expires: string) => ({
  role: token.role,
  name: token.name,
  expires,
});

export function registerSessionRoutes(app: FastifyInstance, ctx: SessionRouteContext): void {
  const { store } = ctx;
  // Sign-in takes the token in the Authorization header (as every other route), never in a body, so
  // the route is authenticated like the rest and the OpenAPI document says so.
  app.post(
    '/api/v1/session',
    { schema: schemas.sessionCreate, config: { access: 'any' } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const token = req.token as TokenRecord;
      if (req.session)
        return reply.code(400).send({
          error: 'invalid-input',
          message: 'sign in with the token in an Authorization: Bearer header',
          field: 'headers.authorization',
        });
      const { value, expires } = await createSession(store, token, ctx.ttlMs);
      await ctx.audit(req, 'session.create', token.id, { expires });
      reply.header('set-cookie', setCookieHeader(value, ctx.ttlMs / 1000, ctx.secure));
      return reply.code(201).send(sessionView(token, expires));
    },
  );

  app.get(
    '/api/v1/session',
    { schema: schemas.session, config: { access: 'any' } },
    async (req: FastifyRequest) => {
      const token = req.token as TokenRecord;
      // A bearer caller has no session; it sees its token's identity with no expiry.
      return req.session ? sessionView(token, req.session.expires) : { role: token.role, name: token.name };
    },
  );

  app.delete(
    '/api/v1/session',
    { schema: schemas.session, config: { access: 'any' } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const token = req.token as TokenRecord;
      if (req.session) {
        await store.deleteSession(req.session.hash);
        await ctx.audit(req, 'session.delete', token.id);
      }
      reply.header('set-cookie', setCookieHeader('', 0, ctx.secure));
      return { role: token.role, name: token.name };
    },
  );
}
