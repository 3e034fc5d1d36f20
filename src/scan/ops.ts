// Reading intent from a spec operation: login-like, admin, item/collection, expensive.

import type { SpecOperation } from '../model/index.js';

export const LOGIN_PATH =
  /(^|\/)(login|signin|sign-in|authenticate|auth\/token|token|session|sessions)(\/|$)/i;
export const RESET_PATH =
  /(password[-_]?reset|forgot[-_]?password|reset[-_]?password|otp|verify[-_]?code|mfa)/i;

function bodyProps(op: SpecOperation): string[] {
  const media =
    op.requestBody?.content.find((c) => c.contentType.includes('json')) ?? op.requestBody?.content[0];
  const props = media?.schema?.['properties'];
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

export function isLoginOp(op: SpecOperation): boolean {
  return op.method === 'POST' && LOGIN_PATH.test(op.path) && bodyProps(op).some((p) => /pass/i.test(p));
}

export function isResetOp(op: SpecOperation): boolean {
  return op.method === 'POST' && RESET_PATH.test(op.path);
}

export function credentialFields(op: SpecOperation): { user?: string; pass?: string } {
  const props = bodyProps(op);
  const user = props.find((p) => /^(user(name)?|login|email|e-?mail|account|name|identifier)$/i.test(p));
  const pass = props.find((p) => /pass/i.test(p));
  return { ...(user ? { user } : {}), ...(pass ? { pass } : {}) };
}

export function resetField(op: SpecOperation): string | undefined {
  return bodyProps(op).find((p) => /^(user(name)?|login|email|e-?mail|account|phone|identifier)$/i.test(p));
}

export function isAdminOp(op: SpecOperation): boolean {
  if (/(^|\/)(admin|administration|internal\/admin|manage|management)(\/|$)/i.test(op.path)) return true;
  if (op.tags.some((t) => /admin/i.test(t))) return true;
  if (op.extensions['x-admin'] === true) return true;
  return (op.security ?? []).some((r) =>
    Object.values(r).some((scopes) => scopes.some((s) => /admin/i.test(s))),
  );
}

/** Declared expensive (x-expensive / x-mamori-expensive) or a search/report/export operation. */
export function isExpensiveOp(op: SpecOperation): boolean {
  return (
    op.extensions['x-expensive'] === true ||
    op.extensions['x-mamori-expensive'] === true ||
    /(^|\/)(search|report|export|analytics)(\/|$)/i.test(op.path)
  );
}

/** `/notes/{id}` → `{ collection: '/notes', param: 'id' }`. */
export function itemOf(path: string): { collection: string; param: string } | undefined {
  const m = /^(.*)\/\{([^}]+)\}$/.exec(path);
  return m ? { collection: m[1] ?? '', param: m[2] ?? '' } : undefined;
}

export function hasPathParams(op: SpecOperation): boolean {
  return op.path.includes('{');
}
