// The catalogue: every active test, as data. Read it top to bottom; the logic is in ../checkers.

import type { ScanTest } from '../types.js';
import { API1, API2 } from './api1-api2.js';
import { API3, API4, API5, API6 } from './api3-api4-api5.js';
import { API7, API8, API9 } from './api7-api8-api9.js';
import { INJECTION, SCHEMA } from './injection.js';

export const CATALOGUE: readonly ScanTest[] = [
  ...API1,
  ...API2,
  ...API3,
  ...API4,
  ...API5,
  ...API6,
  ...API7,
  ...API8,
  ...API9,
  ...INJECTION,
  ...SCHEMA,
];

/** `--only` / `--skip` selectors: a test id, an id prefix (`MAM-SCAN-API2`), an OWASP category
 *  (`API2`, `API2:2023`), `INJ`/`injection`, `SCHEMA`/`schema`, or a checker name (`sqli-error`). */
export function matchesSelector(test: ScanTest, selector: string): boolean {
  const s = selector.trim().toLowerCase();
  if (!s) return false;
  if (test.id.toLowerCase() === s || test.id.toLowerCase().startsWith(`${s}-`) || test.checker === s)
    return true;
  const cat = /^(api\d+)(:2023)?$/.exec(s);
  if (cat && test.owasp.toLowerCase().startsWith(`${cat[1]}:`) && !/-(inj|schema)-/i.test(test.id))
    return true;
  if ((s === 'injection' || s === 'inj') && test.id.includes('-INJ-')) return true;
  if (s === 'schema' && test.id.includes('-SCHEMA-')) return true;
  const id = test.id.toLowerCase();
  return id === `mam-scan-${s}` || id.startsWith(`mam-scan-${s}-`);
}

export function selectTests(only: string[], skip: string[]): ScanTest[] {
  return CATALOGUE.filter(
    (t) =>
      (only.length === 0 || only.some((o) => matchesSelector(t, o))) &&
      !skip.some((s) => matchesSelector(t, s)),
  );
}
