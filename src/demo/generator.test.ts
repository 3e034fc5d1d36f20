import { describe, expect, it } from 'vitest';
import {
  corporateNumberComplete,
  generateEntries,
  ibanComplete,
  luhnComplete,
  myNumberComplete,
  shopSpec,
  TRUTH,
} from './generator.js';

describe('check-digit helpers', () => {
  it('complete published example numbers', () => {
    expect(luhnComplete('411111111111111')).toBe('4111111111111111');
    expect(myNumberComplete('12345678901')).toBe('123456789018');
    expect(corporateNumberComplete('000012050002')).toBe('7000012050002');
    expect(ibanComplete('GB', 'WEST12345698765432')).toBe('GB82WEST12345698765432');
  });
});

describe('generateEntries', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = JSON.stringify([...generateEntries({ entries: 50, seed: 7 })]);
    const b = JSON.stringify([...generateEntries({ entries: 50, seed: 7 })]);
    const c = JSON.stringify([...generateEntries({ entries: 50, seed: 8 })]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('only produces hosts and methods of the truth table', () => {
    const hosts = new Set(TRUTH.map((t) => `${t.method} ${t.host}`));
    for (const entry of generateEntries({ entries: 2000, attacks: true })) {
      const request = entry['request'] as { method: string; url: string };
      expect(hosts.has(`${request.method} ${new URL(request.url).hostname}`)).toBe(true);
    }
  });

  it('documents the v2 API in a spec that leaves the v1 twin out', () => {
    const paths = Object.keys(shopSpec()['paths'] as object);
    expect(paths).toContain('/v2/users/{userId}');
    expect(paths.some((p) => p.startsWith('/v1'))).toBe(false);
  });
});
