import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ApiSpec } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import { diffSpecs, widenings } from './diff.js';
import { doc, STR, secured, withBody, withResponse } from './rules/fixture-kit.js';
import { RULES } from './rules/index.js';

async function load(d: Record<string, unknown>, file: string): Promise<ApiSpec> {
  const { spec, issues } = await loadSpecText(stringify(d), file);
  if (!spec) throw new Error(issues.map((i) => i.message).join('; '));
  return spec;
}

const rules = (ids: string[]) => (ids.length ? RULES.filter((r) => ids.includes(r.id)) : RULES);

describe('security diff', () => {
  it('reports nothing when HEAD only moves things around', async () => {
    const base = await load(withResponse({ type: 'object', properties: { email: STR } }, {}), 'base.yaml');
    const moved = withResponse({ type: 'object', properties: { email: STR } }, {});
    (moved.info as Record<string, unknown>).description =
      'A longer\ndescription\nthat moves every line down.';
    const head = await load(moved, 'head.yaml');
    expect(diffSpecs(base, head, RULES)).toEqual([]);
  });

  it('flags removed authentication and the new unauthenticated write', async () => {
    const body = { type: 'object', properties: { name: STR }, additionalProperties: false };
    const baseDoc = withBody(body);
    const headDoc = withBody(body);
    (headDoc.paths as Record<string, Record<string, Record<string, unknown>>>)['/items']!.post!.security = [];
    const found = diffSpecs(await load(baseDoc, 'base.yaml'), await load(headDoc, 'head.yaml'), RULES);
    const ids = found.map((f) => f.rule);
    expect(ids).toContain('MAM-DIFF-001');
    expect(ids).toContain('MAM-AUTH-017');
    const auth = found.find((f) => f.rule === 'MAM-DIFF-001')!;
    expect(auth.location?.file).toBe('head.yaml');
    expect(auth.location?.pointer).toBe('/paths/~1items/post');
    expect(auth.location?.line).toBeGreaterThan(1);
  });

  it('flags new sensitive response fields', async () => {
    const base = await load(withResponse({ type: 'object', properties: { id: STR } }), 'base.yaml');
    const head = await load(withResponse({ type: 'object', properties: { id: STR, ssn: STR } }), 'head.yaml');
    const found = diffSpecs(base, head, rules(['MAM-EXPO-004']));
    const diff = found.find((f) => f.rule === 'MAM-DIFF-002');
    expect(diff?.description).toContain('$.ssn');
    expect(diff?.location?.pointer).toMatch(/properties\/ssn$/);
    expect(found.some((f) => f.rule === 'MAM-EXPO-004')).toBe(true);
  });

  it('flags widened inputs', async () => {
    const mk = (limitMax: number, nameSchema: Record<string, unknown>) =>
      doc({
        ...secured(),
        paths: {
          '/items': {
            post: {
              parameters: [
                { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: limitMax } },
              ],
              requestBody: {
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { name: nameSchema }, additionalProperties: false },
                  },
                },
              },
              responses: { '201': { description: 'created' } },
            },
          },
        },
      });
    const base = await load(mk(100, { type: 'string', maxLength: 64, enum: ['a', 'b'] }), 'base.yaml');
    const head = await load(mk(1000, { type: 'string', enum: ['a', 'b', 'c'] }), 'head.yaml');
    const widened = diffSpecs(base, head, []).filter((f) => f.rule === 'MAM-DIFF-003');
    const text = widened.map((f) => f.description).join('\n');
    expect(text).toContain('maximum raised 100 → 1000');
    expect(text).toContain('maxLength 64 removed');
    expect(text).toContain('enum gained "c"');
    // Narrowing is not a regression.
    expect(diffSpecs(head, base, []).filter((f) => f.rule === 'MAM-DIFF-003')).toEqual([]);
  });

  it('judges single schemas', () => {
    expect(widenings({ type: 'object', additionalProperties: false }, { type: 'object' })).toEqual([
      'object opened to additional properties',
    ]);
    expect(widenings({ type: 'string', pattern: '^a$' }, { type: 'string' })).toEqual(['pattern removed']);
    expect(widenings({ type: 'integer', minimum: 1 }, { type: 'integer', minimum: 5 })).toEqual([]);
  });
});
