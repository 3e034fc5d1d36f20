// Small helpers the checkers share.

import type { SecurityRequirement, SpecOperation } from '../../model/index.js';
import { isObject } from '../spec-index.js';

export { isObject };

/** JSON Schema `type` as a set (3.1 arrays included); inferred from structure when absent. */
export function schemaTypes(s: Record<string, unknown>): ReadonlySet<string> {
  const t = s.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  const out = new Set<string>();
  if (isObject(s.properties)) out.add('object');
  if (isObject(s.items)) out.add('array');
  return out;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** No requirement at all, or only anonymous (`{}`) alternatives. */
export function isUnsecured(security: SecurityRequirement[] | undefined): boolean {
  return !security || security.length === 0 || security.every((r) => Object.keys(r).length === 0);
}

/** Secured, but one alternative is anonymous (`security: [{ key: [] }, {}]`). */
export function hasAnonymousAlternative(security: SecurityRequirement[] | undefined): boolean {
  return (
    !!security &&
    security.some((r) => Object.keys(r).length === 0) &&
    security.some((r) => Object.keys(r).length > 0)
  );
}

export function opLabel(op: SpecOperation): string {
  return `${op.method} ${op.path}`;
}

/** Response headers declared on a raw response object (names lower-cased). */
export function headerNames(raw: Record<string, unknown>, fallback: string[]): Set<string> {
  const out = new Set(fallback.map((h) => h.toLowerCase()));
  if (isObject(raw.headers)) for (const h of Object.keys(raw.headers)) out.add(h.toLowerCase());
  return out;
}

const EXAMPLE_HOSTS = /(^|\.)(example\.(com|org|net)|example|test|invalid|localhost)$/;
const INTERNAL_HOSTS =
  /^(localhost|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[?::1\]?|\[?f[cd][0-9a-f]{2}:.*)$|\.(internal|local|localdomain|corp|lan|intranet|intra|private|home\.arpa)$/;

export function isExampleHost(host: string): boolean {
  return EXAMPLE_HOSTS.test(host) && !INTERNAL_HOSTS.test(host);
}

export function isInternalHost(host: string): boolean {
  return INTERNAL_HOSTS.test(host) || (!host.includes('.') && !host.includes(':') && host !== '');
}

/** Mask all but a short prefix/suffix: findings never carry a raw secret. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 8, 12))}${value.slice(-4)}`;
}
