// Walks the whole catalogue (CRS-style): every rule must fire on its failing fixture and stay silent on its
// passing one; a rule without both fixtures, with unknown checks or with incomplete metadata fails.

import { describe, expect, it } from 'vitest';
import type { ApiSpec } from '../../model/index.js';
import { OWASP_API_2023, SEVERITIES } from '../../model/index.js';
import { loadSpecText } from '../../sources/spec.js';
import { CHECKS } from '../checks/index.js';
import { DIFF_RULES } from '../diff.js';
import { auditEndpoints, auditSpec } from '../engine.js';
import { jaMessage } from '../messages-ja.js';
import type { Fixture, Rule } from '../types.js';
import { fullEndpoint } from './fixture-kit.js';
import { RULES } from './index.js';
import { JA } from './ja.js';

/** Hiragana or katakana: Japanese prose, not English (or kanji-only) left in place. */
const KANA = /[\u3041-\u3096\u30a1-\u30fa]/;

async function specOf(doc: Record<string, unknown>): Promise<ApiSpec> {
  const { spec, issues } = await loadSpecText(JSON.stringify(doc, null, 2), 'fixture.json');
  if (!spec) throw new Error(`fixture does not load: ${issues.map((i) => i.message).join('; ')}`);
  return spec;
}

async function ruleFires(rule: Rule, fixture: Fixture): Promise<string[]> {
  if (rule.given.target === 'endpoint') {
    const specs = fixture.spec ? [await specOf(fixture.spec)] : [];
    return auditEndpoints([fullEndpoint(fixture.endpoint ?? {})], specs, [rule]).map(
      (f) => f.description ?? '',
    );
  }
  if (!fixture.spec) throw new Error(`${rule.id}: spec rule fixture without a spec`);
  return auditSpec(await specOf(fixture.spec), [rule]).map((f) => f.description ?? '');
}

describe('rule catalogue', () => {
  it('has at least 80 rules with unique ids', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('has Japanese title, description and remediation for every rule and diff rule, and for no other id', () => {
    const ids = [...RULES, ...DIFF_RULES].map((r) => r.id);
    for (const id of ids) {
      const ja = JA[id];
      expect(ja, `${id}: Japanese text missing (rules/ja.ts)`).toBeDefined();
      for (const field of ['title', 'description', 'remediation'] as const)
        expect(ja?.[field] ?? '', `${id} ${field}`).toMatch(KANA);
    }
    expect(Object.keys(JA).sort()).toEqual([...ids].sort());
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('is complete metadata', () => {
        expect(rule.id).toMatch(/^MAM-[A-Z]+-\d{3}$/);
        expect(rule.title.length).toBeGreaterThan(5);
        expect(rule.description.length).toBeGreaterThan(20);
        expect(rule.remediation.length).toBeGreaterThan(10);
        expect(SEVERITIES).toContain(rule.severity);
        expect(Object.keys(OWASP_API_2023)).toContain(rule.owasp);
        expect(rule.compliance.length).toBeGreaterThan(0);
        expect(CHECKS[rule.then.check], `unknown check ${rule.then.check}`).toBeDefined();
        expect(CHECKS[rule.then.check]!.targets).toContain(rule.given.target);
        expect(rule.fixtures?.fail, 'failing fixture').toBeDefined();
        expect(rule.fixtures?.pass, 'passing fixture').toBeDefined();
      });
      it('fires on its failing fixture, and each message has its Japanese form (messages-ja.ts)', async () => {
        const messages = await ruleFires(rule, rule.fixtures.fail);
        expect(messages).not.toEqual([]);
        for (const m of messages) expect(jaMessage(m) ?? '', m).toMatch(KANA);
      });
      it('is silent on its passing fixture', async () => {
        expect(await ruleFires(rule, rule.fixtures.pass)).toEqual([]);
      });
    });
  }
});
