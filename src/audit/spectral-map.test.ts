import { describe, expect, it } from 'vitest';
import { RULES } from './rules/index.js';
import { SPECTRAL_OWASP_MAP } from './spectral-map.js';

describe('Spectral OWASP map', () => {
  it('covers all 32 Spectral OWASP rules with existing mamori rules', () => {
    expect(SPECTRAL_OWASP_MAP).toHaveLength(32);
    expect(new Set(SPECTRAL_OWASP_MAP.map((m) => m.spectral)).size).toBe(32);
    const ids = new Set(RULES.map((r) => r.id));
    for (const m of SPECTRAL_OWASP_MAP) {
      expect(m.mamori.length, m.spectral).toBeGreaterThan(0);
      for (const id of m.mamori) expect(ids.has(id), `${m.spectral} → ${id}`).toBe(true);
    }
  });
});
