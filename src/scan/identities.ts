// `--identity "NAME=Header: value"`: named credentials the scan calls the API as.

import type { InputIssue } from '../model/index.js';
import type { Identity } from './types.js';

const ADMIN_NAME = /admin|root|super/i;

export function parseIdentity(text: string): Identity | InputIssue {
  const m = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9-]+):[ \t]*(\S.*)$/.exec(text);
  if (!m) {
    return {
      code: 'scan.identity.invalid',
      message: `invalid --identity ${JSON.stringify(text.replace(/:.*/s, ': …'))}`,
      hint: 'expected NAME=Header: value, e.g. alice=Authorization: Bearer eyJ…',
      fatal: true,
    };
  }
  const [, name, header, value] = m as unknown as [string, string, string, string];
  return { name, header: header.toLowerCase(), value: value.trim(), admin: ADMIN_NAME.test(name) };
}

export function parseIdentities(texts: string[]): { identities: Identity[]; issues: InputIssue[] } {
  const identities: Identity[] = [];
  const issues: InputIssue[] = [];
  for (const t of texts) {
    const r = parseIdentity(t);
    if ('code' in r) issues.push(r);
    else if (identities.some((i) => i.name === r.name)) {
      issues.push({
        code: 'scan.identity.duplicate',
        message: `identity ${r.name} given twice`,
        fatal: true,
      });
    } else identities.push(r);
  }
  return { identities, issues };
}
