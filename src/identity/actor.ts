// Who made a call, as a stable pseudonymous id that behaviour detection keys on. The credential is
// never kept: only a short SHA-256 prefix of it. JWT claims are decoded, not verified — good enough
// to tell callers apart, never used to decide what a caller may do.

import { createHash } from 'node:crypto';
import type { Actor, Exchange } from '../model/index.js';
import { clientAddressOf, type TrustedProxies } from './address.js';
import { type Credential, clearAuthMemo, credentialParts, credentialsOf } from './auth.js';
import { clearJwtCache, decodeJwt } from './jwt.js';

/** First 12 hex characters of SHA-256: short enough to read, ample to tell clients apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

// The same credential shows up on thousands of exchanges: hash it once.
const ID_CACHE_MAX = 8192;
const idCache = new Map<string, { id: string; kind: Actor['kind'] }>();

function cached(
  key: string,
  make: () => { id: string; kind: Actor['kind'] },
): { id: string; kind: Actor['kind'] } {
  const hit = idCache.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  if (idCache.size >= ID_CACHE_MAX) idCache.clear();
  idCache.set(key, made);
  return made;
}

function jwtIdentity(token: string): { id: string; kind: Actor['kind'] } | undefined {
  const jwt = decodeJwt(token);
  if (jwt === undefined) return undefined;
  const { payload } = jwt;
  const iss = typeof payload['iss'] === 'string' ? payload['iss'] : '';
  const sub = payload['sub'];
  if (typeof sub === 'string' || typeof sub === 'number')
    return { id: `jwt:${shortHash(`${iss}\n${String(sub)}`)}`, kind: 'jwt' };
  // Client-credentials tokens name the client instead of a subject.
  const client = payload['client_id'] ?? payload['azp'] ?? payload['cid'];
  if (typeof client === 'string') return { id: `jwt:${shortHash(`${iss}\nclient:${client}`)}`, kind: 'jwt' };
  return undefined;
}

function basicUser(value: string): string {
  try {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return decoded.slice(0, colon);
  } catch {
    // fall through: hash the credential as given
  }
  return value;
}

function digestUser(value: string): string {
  const m = /(?:^|[\s,])username="?([^",]*)"?/i.exec(value);
  return m?.[1] ?? value;
}

function identityOf(creds: Credential[]): { id: string; kind: Actor['kind'] } | undefined {
  // JWT subject first: it names a person or client whichever transport carried the token.
  for (const c of creds) {
    if (c.type === 'jwt') {
      const found = cached(`jwt\u0000${c.value}`, () => jwtIdentity(c.value) ?? { id: '', kind: 'jwt' });
      if (found.id) return found;
    }
  }
  // Then keys and opaque bearer tokens (a JWT without a subject is an opaque token too).
  for (const c of creds) {
    if (c.type === 'api-key' || c.type === 'bearer' || c.type === 'jwt')
      return cached(`key\u0000${c.value}`, () => ({ id: `key:${shortHash(c.value)}`, kind: 'api-key' }));
  }
  for (const c of creds) {
    if (c.type === 'session-cookie')
      return cached(`session\u0000${c.value}`, () => ({
        id: `session:${shortHash(c.value)}`,
        kind: 'session',
      }));
  }
  for (const c of creds) {
    if (c.type === 'basic')
      return cached(`basic\u0000${c.value}`, () => ({
        id: `basic:${shortHash(basicUser(c.value))}`,
        kind: 'basic',
      }));
    if (c.type === 'digest')
      return cached(`digest\u0000${c.value}`, () => ({
        id: `basic:${shortHash(digestUser(c.value))}`,
        kind: 'basic',
      }));
  }
  return undefined;
}

type Who = { id: string; kind: Actor['kind'] } | null;

// Identity by what the request carried: the same Authorization, cookie or key header comes back on
// thousands of calls, so the whole resolution (credential parsing, JWT decoding, hashing) runs once
// per distinct value. Bounded: a full table is dropped (it is a cache; everything can be recomputed).
const WHO_CACHE_MAX = 8192;
const whoBySingle = new Map<string, Map<string, Who>>();
const whoByJoined = new Map<string, Who>();
let whoSingleSize = 0;

function whoOf(ex: Exchange): Who {
  const parts = credentialParts(ex);
  if (parts === undefined) return null;
  if (typeof parts === 'string') {
    let who = whoByJoined.get(parts);
    if (who === undefined) {
      who = identityOf(credentialsOf(ex)) ?? null;
      if (whoByJoined.size >= WHO_CACHE_MAX) whoByJoined.clear();
      whoByJoined.set(parts, who);
    }
    return who;
  }
  let byValue = whoBySingle.get(parts.name);
  if (byValue === undefined) {
    byValue = new Map();
    whoBySingle.set(parts.name, byValue);
  }
  let who = byValue.get(parts.value);
  if (who === undefined) {
    who = identityOf(credentialsOf(ex)) ?? null;
    if (whoSingleSize >= WHO_CACHE_MAX) {
      whoBySingle.clear();
      whoSingleSize = 0;
      whoBySingle.set(parts.name, byValue);
      byValue.clear();
    }
    byValue.set(parts.value, who);
    whoSingleSize++;
  }
  return who;
}

// `ip:<address>` ids, built once per address so the tables keyed on them hash one stable string.
const addressIds = new Map<string, string>();
function addressId(address: string | undefined): string {
  if (address === undefined) return 'ip:unknown';
  let id = addressIds.get(address);
  if (id === undefined) {
    id = `ip:${address}`;
    if (addressIds.size >= WHO_CACHE_MAX) addressIds.clear();
    addressIds.set(address, id);
  }
  return id;
}

/**
 * Forgets every memoised identity (credentials and addresses → actor ids, decoded JWTs, which header
 * names may carry a credential). The memos are bounded and recomputable, so no result changes:
 * benchmarks call it to measure resolution at first sight of every value.
 */
export function clearIdentityCaches(): void {
  idCache.clear();
  whoBySingle.clear();
  whoByJoined.clear();
  whoSingleSize = 0;
  addressIds.clear();
  clearJwtCache();
  clearAuthMemo();
}

/**
 * The caller of an exchange: JWT subject (hash of iss + sub), else API key or opaque token, else
 * session id, else basic/digest username — each hashed — else the client address (`ip:<address>`,
 * `ip:unknown` when no address is known). `address` is the client address after trusted-proxy
 * X-Forwarded-For resolution.
 */
export function actorOf(ex: Exchange, trusted?: TrustedProxies): Actor {
  const address = clientAddressOf(ex, trusted);
  const who = whoOf(ex);
  const actor: Actor =
    who !== null ? { id: who.id, kind: who.kind } : { id: addressId(address), kind: 'address' };
  if (address !== undefined) actor.address = address;
  return actor;
}
