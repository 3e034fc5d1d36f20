// Walks the whole catalogue (CRS-style): every rule must fire on its failing fixture and stay silent on its
// passing one; a rule without both fixtures, with unknown checks or with incomplete metadata fails.

import { describe, expect, it } from 'vitest';
import type { ApiSpec } from '../../model/index.js';
import { OWASP_API_2023, SEVERITIES } from '../../model/index.js';
import { loadSpecText } from '../../sources/spec.js';
import { CHECKS } from '../checks/index.js';
import { auditEndpoints, auditSpec } from '../engine.js';
import type { Fixture, Rule } from '../types.js';
import { fullEndpoint } from './fixture-kit.js';
import { RULES } from './index.js';
import { JA_TITLES } from './ja.js';

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
        expect(JA_TITLES[rule.id], 'Japanese title (rules/ja.ts)').toBeTruthy();
        expect(CHECKS[rule.then.check], `unknown check ${rule.then.check}`).toBeDefined();
        expect(CHECKS[rule.then.check]!.targets).toContain(rule.given.target);
        expect(rule.fixtures?.fail, 'failing fixture').toBeDefined();
        expect(rule.fixtures?.pass, 'passing fixture').toBeDefined();
      });
      it('fires on its failing fixture', async () => {
        expect(await ruleFires(rule, rule.fixtures.fail)).not.toEqual([]);
      });
      it('is silent on its passing fixture', async () => {
        expect(await ruleFires(rule, rule.fixtures.pass)).toEqual([]);
      });
    });
  }
});
