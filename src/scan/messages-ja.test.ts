import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/index.js';
import { localiseScanFindings, scanTestJa } from './messages-ja.js';
import { englishRun } from './test-support/english-run.js';
import { CATALOGUE } from './tests/index.js';

/** Hiragana or katakana: Japanese prose, not English (or kanji-only) left in place. */
const KANA = /[\u3041-\u3096\u30a1-\u30fa]/;

describe('scanner tests in Japanese', () => {
  it('every test has a Japanese name, what it sends, how it decides and a remediation, with no English prose left', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(161);
    for (const test of CATALOGUE) {
      const ja = scanTestJa(test.id);
      expect(ja, `${test.id}: Japanese text missing (src/scan/messages-ja.ts)`).toBeDefined();
      for (const field of ['name', 'sends', 'decides', 'remediation'] as const) {
        const text = ja?.[field] ?? '';
        expect(text, `${test.id} ${field}`).toMatch(KANA);
        expect(englishRun(text), `${test.id} ${field}: ${text}`).toBeUndefined();
      }
    }
  });

  it('keeps payloads, regexes and field names exactly as the English test sends them', () => {
    const byId = (id: string) => CATALOGUE.find((t) => t.id === id)!;
    expect(scanTestJa('MAM-SCAN-API3-002')?.sends).toContain('{"isAdmin":true}');
    expect(scanTestJa('MAM-SCAN-API7-007')?.sends).toContain(
      String(byId('MAM-SCAN-API7-007').options['payload']),
    );
    expect(scanTestJa('MAM-SCAN-API9-011')?.decides).toContain('/^# (HELP|TYPE) \\w+/');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is literal `${…}` text
    expect(scanTestJa('MAM-SCAN-INJ-028')?.sends).toContain('${A*B}');
    expect(scanTestJa('MAM-SCAN-NOPE')).toBeUndefined();
  });

  it('the English check finds the English texts themselves (it would catch an untranslated one)', () => {
    const flagged = CATALOGUE.filter((t) => englishRun(t.remediation) !== undefined);
    expect(flagged.length).toBeGreaterThan(CATALOGUE.length * 0.9);
    expect(englishRun('2xx の応答 with the same body')).toBe('with the same body');
    expect(
      englishRun('Spring Boot Actuator の env、`read the docs`、/Types of profiles available/'),
    ).toBeUndefined();
  });

  it('localises scanner findings: title with its place, description and remediation; others unchanged', () => {
    const test = CATALOGUE.find((t) => t.id === 'MAM-SCAN-INJ-001')!;
    const finding: Finding = {
      id: 'f1',
      test: test.id,
      title: `${test.name} (query.q)`,
      severity: 'critical',
      owasp: 'API8:2023',
      compliance: [],
      method: 'GET',
      path: '/api/items',
      evidence: [],
      description: 'GET /api/items shows a database error. Ruled out: the plain request does not.',
      remediation: test.remediation,
    };
    const { test: _, ...rest } = finding;
    const audit: Finding = { ...rest, id: 'f2', rule: 'MAM-AUTH-001', title: 'Basic' };
    const [ja, other] = localiseScanFindings([finding, audit], 'ja');
    expect(ja?.title).toBe('クエリパラメーターの SQL インジェクション(エラーベース) (query.q)');
    expect(ja?.remediation).toMatch(/パラメーター化クエリ/);
    expect(ja?.description).toMatch(/^判定: .*データベースのエラーメッセージ/);
    expect(ja?.path).toBe('/api/items');
    expect(other).toEqual(audit);
    expect(localiseScanFindings([finding], 'en')[0]).toEqual(finding);
  });
});
