// Walks the whole catalogue: every type must carry examples that match it and look-alikes that do
// not, and each one is checked through the compiled classifier (OWASP CRS style regression table).

import { describe, expect, it } from 'vitest';
import { SENSITIVE_TYPES } from '../model/index.js';
import { CATALOGUE } from './catalogue.js';
import { compileClassifier } from './classifier.js';
import { maskValue } from './mask.js';

const classifier = compileClassifier();

describe('sensitive-data catalogue', () => {
  it('covers every built-in type exactly once', () => {
    expect(CATALOGUE.map((t) => t.id).sort()).toEqual([...SENSITIVE_TYPES].sort());
  });

  for (const def of CATALOGUE) {
    describe(def.id, () => {
      it('has true examples and look-alikes', () => {
        expect(def.examples.length).toBeGreaterThan(0);
        expect(def.lookalikes.length).toBeGreaterThan(0);
        expect(def.description.length).toBeGreaterThan(10);
      });
      for (const ex of def.examples) {
        it(`matches ${JSON.stringify(ex.value.slice(0, 40))}${ex.field ? ` under ${ex.field}` : ''}`, () => {
          expect(classifier.classifyValue(ex.value, ex.field)).toBe(def.id);
        });
        it(`masks ${JSON.stringify(ex.value.slice(0, 40))} without leaking it`, () => {
          const masked = maskValue(def.id, ex.value);
          expect(masked).not.toBe(ex.value);
          expect(masked).not.toContain(ex.value);
          expect(masked).toContain('*');
        });
      }
      for (const ex of def.lookalikes) {
        it(`does not take ${JSON.stringify(ex.value.slice(0, 40))}${ex.field ? ` under ${ex.field}` : ''} for ${def.id}`, () => {
          expect(classifier.classifyValue(ex.value, ex.field)).not.toBe(def.id);
        });
      }
    });
  }
});
