// Walks the whole catalogue (payload + prompt signatures): every attack must match its signature,
// every benign example must match NO signature at all, and the catalogue itself must be well formed.

import { describe, expect, it } from 'vitest';
import { PROMPT_SIGNATURES } from '../ai/prompt-signatures.js';
import { SIGNATURES } from './catalogue.js';
import { compileCatalogue } from './matcher.js';
import type { Signature, SignatureExample } from './types.js';

const ALL: Signature[] = [...SIGNATURES, ...PROMPT_SIGNATURES];
const catalogue = compileCatalogue(ALL);

function example(sig: Signature, e: string | SignatureExample): SignatureExample {
  return typeof e === 'string' ? { in: sig.where[0]!, value: e, name: 'q' } : e;
}

describe('signature catalogue', () => {
  it('is well formed: unique ids, both kinds of example, compiled patterns', () => {
    const ids = new Set<string>();
    for (const sig of ALL) {
      expect(ids.has(sig.id), sig.id).toBe(false);
      ids.add(sig.id);
      expect(sig.attacks.length, `${sig.id} attacks`).toBeGreaterThan(0);
      expect(sig.benign.length, `${sig.id} benign`).toBeGreaterThan(0);
      expect(sig.where.length).toBeGreaterThan(0);
      expect(sig.cwe).toBeGreaterThan(0);
      for (const e of [...sig.attacks, ...sig.benign]) expect(sig.where).toContain(example(sig, e).in);
    }
  });

  for (const sig of ALL) {
    describe(sig.id, () => {
      it.each(sig.attacks.map((e) => [example(sig, e).value, example(sig, e)] as const))(
        'matches attack %s',
        (_v, e) => {
          const hits = catalogue.matchOne({ location: e.in, name: e.name ?? 'q', raw: e.value });
          expect(hits.map((h) => h.signature.id)).toContain(sig.id);
        },
      );
      it.each(sig.benign.map((e) => [example(sig, e).value, example(sig, e)] as const))(
        'ignores benign %s',
        (_v, e) => {
          const hits = catalogue.matchOne({ location: e.in, name: e.name ?? 'q', raw: e.value });
          expect(hits.map((h) => `${h.signature.id}: ${h.detail}`)).toEqual([]);
        },
      );
    });
  }
});
