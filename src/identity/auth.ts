// Which credential authenticated a call, and where it travelled: the endpoint's auth scheme
// (none, basic, bearer, JWT with its alg, API key in header/query/cookie, session cookie, digest).
// The same locations tell the sensitive-data scan which values are the call's own credentials.

import type { AuthObservation, AuthType, Exchange } from '../model/index.js';
import { parseCookieHeader } from './cookies.js';
import { decodeJwt } from './jwt.js';

/** One credential the request carried, raw value included (never print it: hash or mask). */
export interface Credential {
  type: AuthType;
  in: 'header' | 'query' | 'cookie';
  /** Header (lower case), query parameter or cookie name. */
  name: string;
  /** The credential itself: the token after the scheme word, the key, the cookie value. */
  value: string;
  /** JWT header `alg` when the value decodes as a JWT. */
  alg?: string;
}

/** Headers that carry an API key or token on their own (lower case). */
const API_KEY_HEADERS = new Set([
  'x-api-key',
  'api-key',
  'apikey',
  'x-apikey',
  'x-api-token',
  'api-token',
  'x-auth-token',
  'x-auth-key',
  'x-access-token',
  'x-token',
  'x-app-key',
  'x-application-key',
  'x-client-key',
  'x-functions-key',
  'x-goog-api-key',
  'ocp-apim-subscription-key',
  'private-token',
  'x-shopify-access-token',
  'x-vault-token',
  'x-session-token',
  'x-authorization',
]);

/** Vendor-specific key/token headers (`x-acme-token`, `x-shop-api-key`); CSRF tokens are not credentials. */
const API_KEY_HEADER_SHAPE =
  /^x-(?!.*(?:csrf|xsrf|request|trace|correlation|idempotency))[a-z0-9-]*-(?:token|api-?key|access-?key|auth-?key|auth|secret|key)$/;

/** Query parameters that carry a key by their name alone. */
const API_KEY_QUERY = new Set([
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'access_token',
  'accesstoken',
  'auth_token',
  'authtoken',
  'api_token',
  'apitoken',
  'private_token',
  'subscription-key',
  'jwt',
  'id_token',
]);

/** Generic names (`key`, `token`) count only when the value looks like a credential. */
const GENERIC_QUERY = new Set(['key', 'token', 'auth']);
const CREDENTIAL_LIKE = /^[A-Za-z0-9._~+/=-]{16,}$/;
const CREDENTIAL_LIKE_HEADER = /^(?:(?:bearer|token|apikey) )?[A-Za-z0-9._~+/=:-]{8,}$/i;

/** Cookie names that hold a server-side session id (lower case, `__Host-`/`__Secure-` stripped). */
const SESSION_COOKIES = new Set([
  'sessionid',
  'session',
  'session_id',
  'session-id',
  'sessid',
  'sess',
  'sid',
  'connect.sid',
  'jsessionid',
  'phpsessid',
  'asp.net_sessionid',
  '.aspnetcore.session',
  '.aspnetcore.cookies',
  '.aspxauth',
  'laravel_session',
  'ci_session',
  'rack.session',
  'express:sess',
  'express.sid',
  'koa.sess',
  'koa:sess',
  'cfid',
  'cftoken',
  'next-auth.session-token',
  'authjs.session-token',
  'auth_session',
  'user_session',
  'sessiontoken',
  'session_token',
  'session-token',
  'wordpress_logged_in',
]);
const SESSION_COOKIE_SHAPES =
  /(?:^|[_.-])sess(?:ion)?(?:[_-]?(?:id|token|key))?$|^aspsessionid|^wordpress_logged_in_/;

/** Cookie names that carry a bearer-style token (a JWT here is `jwt` auth in a cookie). */
const TOKEN_COOKIES =
  /^(?:jwt|token|auth|authorization|access_token|accesstoken|id_token|auth_token|authtoken|access-token|auth-token|refresh_token)$|[_-](?:jwt|token|auth)$/;

function cookieBaseName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('__host-')) return lower.slice(7);
  if (lower.startsWith('__secure-')) return lower.slice(9);
  return lower;
}

/** True for a cookie name that holds a session id (`sessionid`, `JSESSIONID`, `_myapp_session`, …). */
export function isSessionCookieName(name: string): boolean {
  const base = cookieBaseName(name);
  return SESSION_COOKIES.has(base) || SESSION_COOKIE_SHAPES.test(base);
}

function isTokenCookieName(name: string): boolean {
  const base = cookieBaseName(name);
  // Angular's XSRF-TOKEN, Rails' csrf_token …: anti-forgery values, not who the caller is.
  return TOKEN_COOKIES.test(base) && !/csrf|xsrf/.test(base);
}

/** True for a cookie that carries a session id or an auth token: the auth scheme, not data. */
export function isCredentialCookieName(name: string): boolean {
  return isSessionCookieName(name) || isTokenCookieName(name);
}

function bearerLike(
  type: 'bearer' | 'api-key',
  where: Credential['in'],
  name: string,
  value: string,
): Credential {
  const jwt = decodeJwt(value);
  if (jwt !== undefined) return { type: 'jwt', in: where, name, value, alg: jwt.header['alg'] as string };
  return { type, in: where, name, value };
}

function fromAuthorization(name: string, raw: string): Credential | undefined {
  const header = raw.trim();
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) {
    // A bare token with no scheme word: some APIs take the key as the whole header.
    return bearerLike('api-key', 'header', name, header);
  }
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  switch (scheme) {
    case 'aws4-hmac-sha256': {
      // SigV4 signs each request: the stable credential is the access key id in `Credential=`.
      const keyId = /Credential=([^/,\s]+)/.exec(value)?.[1];
      return { type: 'api-key', in: 'header', name, value: keyId ?? value };
    }
    case 'oauth': {
      // OAuth 1.0a: the token (or consumer key) names the caller; nonce and signature change per call.
      const token =
        /oauth_token="([^"]+)"/.exec(value)?.[1] ?? /oauth_consumer_key="([^"]+)"/.exec(value)?.[1];
      return { type: 'api-key', in: 'header', name, value: token ?? value };
    }
    case 'hawk':
    case 'signature': {
      const id = /(?:^|[\s,])(?:id|keyId)="([^"]+)"/.exec(value)?.[1];
      return { type: 'api-key', in: 'header', name, value: id ?? value };
    }
    case 'basic':
      return { type: 'basic', in: 'header', name, value };
    case 'bearer':
      return bearerLike('bearer', 'header', name, value);
    case 'digest':
      return { type: 'digest', in: 'header', name, value };
    case 'jwt':
      return bearerLike('bearer', 'header', name, value);
    default:
      // `ApiKey k`, `Token t`, `Key k`, `SSWS k`, `AWS4-HMAC-SHA256 Credential=…`, `OAuth …`:
      // a key or signature tied to an account rather than a session.
      return bearerLike('api-key', 'header', name, value);
  }
}

/**
 * Every credential the request carried, in the order header, query, cookie. `cookies` is the
 * request's Cookie header already parsed, for callers that parse it anyway.
 */
export function credentialsOf(ex: Exchange, cookies?: Array<[string, string]>): Credential[] {
  const out: Credential[] = [];
  const headers = ex.request.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    if (name === 'authorization' || name === 'proxy-authorization') {
      const c = fromAuthorization(name, value);
      if (c) out.push(c);
    } else if (
      API_KEY_HEADERS.has(name) ||
      (API_KEY_HEADER_SHAPE.test(name) && CREDENTIAL_LIKE_HEADER.test(value))
    ) {
      // `X-Authorization: Bearer …` is an Authorization header under another name.
      if (/^(?:bearer|basic|digest|token|apikey) /i.test(value)) {
        const c = fromAuthorization(name, value);
        if (c) out.push(c);
      } else out.push(bearerLike('api-key', 'header', name, value.trim()));
    }
  }
  for (const [name, value] of ex.request.query) {
    if (!value) continue;
    const lower = name.toLowerCase();
    if (API_KEY_QUERY.has(lower) || (GENERIC_QUERY.has(lower) && CREDENTIAL_LIKE.test(value)))
      out.push(bearerLike('api-key', 'query', name, value));
    else if (lower === 'x-amz-credential') {
      // A presigned URL: the access key id before the first `/` is the caller.
      const slash = value.indexOf('/');
      out.push({ type: 'api-key', in: 'query', name, value: slash > 0 ? value.slice(0, slash) : value });
    }
  }
  const cookie = headers['cookie'];
  if (cookie) {
    for (const [name, value] of cookies ?? parseCookieHeader(cookie)) {
      if (!value) continue;
      if (!isCredentialCookieName(name)) continue;
      const jwt = decodeJwt(value);
      out.push(
        jwt !== undefined
          ? { type: 'jwt', in: 'cookie', name, value, alg: jwt.header['alg'] as string }
          : { type: 'session-cookie', in: 'cookie', name, value },
      );
    }
  }
  return out;
}

/** True for a header whose value credentialsOf may read (its name alone decides; the value may still
 * be rejected). Memoised: header names repeat on every call. */
const headerMayCarry = new Map<string, boolean>();

/** Forgets the header-name memo (see clearIdentityCaches). */
export function clearAuthMemo(): void {
  headerMayCarry.clear();
}
function mayCarryCredential(name: string): boolean {
  let v = headerMayCarry.get(name);
  if (v === undefined) {
    v =
      name === 'authorization' ||
      name === 'proxy-authorization' ||
      name === 'cookie' ||
      API_KEY_HEADERS.has(name) ||
      API_KEY_HEADER_SHAPE.test(name);
    if (headerMayCarry.size >= 4096) headerMayCarry.clear();
    headerMayCarry.set(name, v);
  }
  return v;
}

function queryMayCarry(name: string): boolean {
  const lower = name.toLowerCase();
  return API_KEY_QUERY.has(lower) || GENERIC_QUERY.has(lower) || lower === 'x-amz-credential';
}

/**
 * Everything credentialsOf reads, as cache keys: `credentialsOf(ex)` is a function of the returned
 * parts alone (names and values, in order). `undefined` when the request carries nothing it could
 * read; one part (the usual case) is returned as its header name and raw value, so a caller can key
 * on the value without building a string.
 */
export function credentialParts(ex: Exchange): { name: string; value: string } | string | undefined {
  let first: { name: string; value: string } | undefined;
  let joined: string | undefined;
  const add = (name: string, value: string) => {
    if (first === undefined) first = { name, value };
    else joined = `${joined ?? `${first.name}\u0001${first.value}`}\u0000${name}\u0001${value}`;
  };
  const headers = ex.request.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    if (mayCarryCredential(name)) add(name, value);
  }
  const query = ex.request.query;
  for (let i = 0; i < query.length; i++) {
    const [name, value] = query[i]!;
    if (value && queryMayCarry(name)) add(`?${name}`, value);
  }
  return joined ?? first;
}

/** The auth schemes a call used, without values; `[{ type: 'none' }]` when it carried no credential. */
export function authOf(ex: Exchange): Array<Omit<AuthObservation, 'count'>> {
  const creds = credentialsOf(ex);
  if (creds.length === 0) return [{ type: 'none' }];
  const out: Array<Omit<AuthObservation, 'count'>> = [];
  const seen = new Set<string>();
  for (const c of creds) {
    const key = `${c.type}\u0000${c.in}\u0000${c.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const obs: Omit<AuthObservation, 'count'> = { type: c.type, in: c.in, name: c.name };
    if (c.alg !== undefined) obs.alg = c.alg;
    out.push(obs);
  }
  return out;
}
