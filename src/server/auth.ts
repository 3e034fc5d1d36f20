// Bearer tokens: random 32-byte values shown once, stored as SHA-256 hashes with a role. Roles are
// ordered by what they may do; ingest-only tokens may only send traffic.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PlatformStore, Role, TokenRecord } from '../store/index.js';

export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer', 'ingest'];

/**
 * Who may call a route: reads need viewer, actions analyst, administration admin, ingest ingest;
 * `any` is any valid token (the caller's own session).
 */
export type Access = 'read' | 'act' | 'admin' | 'ingest' | 'any';

const ALLOWED: Record<Access, readonly Role[]> = {
  read: ['admin', 'analyst', 'viewer'],
  act: ['admin', 'analyst'],
  admin: ['admin'],
  ingest: ['admin', 'analyst', 'ingest'],
  any: ['admin', 'analyst', 'viewer', 'ingest'],
};

export const mayAccess = (role: Role, access: Access): boolean => ALLOWED[access].includes(role);

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** `mam_` + 43 base64url characters (256 bits). */
export const newTokenValue = (): string => `mam_${randomBytes(32).toString('base64url')}`;

/** Creates a token and returns its record and the one-time secret value. */
export async function createToken(
  store: PlatformStore,
  name: string,
  role: Role,
  value: string = newTokenValue(),
): Promise<{ token: TokenRecord; value: string }> {
  const token: TokenRecord = { id: randomUUID(), name, role, created: new Date().toISOString() };
  await store.createToken({ ...token, hash: hashToken(value) });
  return { token, value };
}

/**
 * The first admin token: MAMORI_ADMIN_TOKEN when set (registered if new), else a generated one when
 * the store holds no token yet. Returns the value only when it was generated (to show it once).
 */
export async function ensureAdminToken(store: PlatformStore, fromEnv?: string): Promise<string | undefined> {
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error('MAMORI_ADMIN_TOKEN must be at least 16 characters');
    if (!(await store.touchToken(hashToken(fromEnv), new Date().toISOString())))
      await createToken(store, 'admin (MAMORI_ADMIN_TOKEN)', 'admin', fromEnv);
    return undefined;
  }
  if ((await store.listTokens()).length > 0) return undefined;
  return (await createToken(store, 'admin', 'admin')).value;
}
