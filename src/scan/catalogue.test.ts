// Walks the whole catalogue against the deliberately vulnerable test API (every test must fire)
// and against its correctly built twin (every test must stay silent). Both on 127.0.0.1, port 0.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSpec } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import { localiseScanFindings } from './messages-ja.js';
import { runScan, type ScanResult } from './runner.js';
import { englishRun } from './test-support/english-run.js';
import { testApiDocument } from './test-support/spec.js';
import { startTestApi, type TestApi } from './test-support/vulnerable-api.js';
import { CATALOGUE } from './tests/index.js';
import { CHECKER_NAMES, type Identity } from './types.js';

/** Tests whose flaw depends on the environment, not on the API: verified by their own unit tests. */
const ENVIRONMENT_ONLY = new Set(['MAM-SCAN-API8-010']);

async function spec(): Promise<ApiSpec> {
  const r = await loadSpecText(JSON.stringify(testApiDocument()), 'test-api.json');
  if (!r.spec) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

function identities(api: TestApi): Identity[] {
  return [
    { name: 'alice', header: 'authorization', value: `Bearer ${api.tokens.alice}`, admin: false },
    { name: 'bob', header: 'authorization', value: `Bearer ${api.tokens.bob}`, admin: false },
    { name: 'admin', header: 'authorization', value: `Bearer ${api.tokens.admin}`, admin: true },
  ];
}

async function scan(mode: 'vulnerable' | 'secure'): Promise<{ result: ScanResult; api: TestApi }> {
  const api = await startTestApi(mode);
  try {
    const result = await runScan({
      target: new URL(api.url),
      spec: await spec(),
      identities: identities(api),
      destructive: true,
      rate: 5000,
      seed: 7,
    });
    return { result, api };
  } finally {
    await api.close();
  }
}

describe('catalogue', () => {
  it('has at least 120 distinct tests with a full header and a known checker', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(120);
    expect(new Set(CATALOGUE.map((t) => t.id)).size).toBe(CATALOGUE.length);
    expect(new Set(CATALOGUE.map((t) => JSON.stringify([t.checker, t.options]))).size).toBe(CATALOGUE.length);
    for (const t of CATALOGUE) {
      expect(t.name && t.sends && t.decides && t.remediation && t.owasp, t.id).toBeTruthy();
      expect(CHECKER_NAMES).toContain(t.checker);
    }
  });
});

describe('against the test API', () => {
  let vulnerable: ScanResult;
  let secure: ScanResult;
  beforeAll(async () => {
    [vulnerable, secure] = await Promise.all([
      scan('vulnerable').then((r) => r.result),
      scan('secure').then((r) => r.result),
    ]);
  }, 120_000);
  afterAll(() => {});

  it('every test fires on the vulnerable API', () => {
    const fired = new Set(vulnerable.findings.map((f) => f.test));
    const missing = CATALOGUE.filter((t) => !ENVIRONMENT_ONLY.has(t.id) && !fired.has(t.id)).map((t) => t.id);
    expect(missing).toEqual([]);
    expect(vulnerable.stopped).toBeUndefined();
  });

  it('no test fires on the correctly built twin', () => {
    expect(secure.findings.map((f) => `${f.test} ${f.method} ${f.path} ${f.title}`)).toEqual([]);
  });

  it('every finding carries proof: exchanges, a curl command, a control and a confidence', () => {
    for (const f of vulnerable.findings) {
      expect(f.evidence.length, f.test).toBeGreaterThan(0);
      expect(
        f.evidence.some((e) => e.excerpt?.startsWith('curl ')),
        f.test,
      ).toBe(true);
      expect(f.description, f.test).toContain('Ruled out:');
      expect(f.confidence, f.test).toBeGreaterThan(0);
    }
  });

  it('every finding has its own Japanese sentences and evidence, naming the same data as the English', () => {
    const problems: string[] = [];
    for (const f of vulnerable.findings) {
      const ja = f.i18n?.ja;
      const text = ja?.description ?? '';
      if (!/[\u3041-\u3096\u30a1-\u30fa].*除外した可能性: .*[\u3041-\u3096\u30a1-\u30fa]/.test(text))
        problems.push(`${f.test}: no Japanese sentence: ${text}`);
      const english = englishRun(text);
      if (english) problems.push(`${f.test}: English left ("${english}"): ${text}`);
      if (ja?.evidence?.length !== f.evidence.length) problems.push(`${f.test}: evidence not localised`);
      ja?.evidence?.forEach((excerpt, i) => {
        const en = f.evidence[i]?.excerpt ?? '';
        if (en.startsWith('curl ') ? excerpt !== en : !/として\)|\(認証情報なし\)/.test(excerpt))
          problems.push(`${f.test}: evidence ${i}: ${excerpt}`);
      });
      // The identities and the method of the English sentence are in the Japanese one.
      const names = (f.description ?? '').match(/\b(?:alice|bob|carol|admin)\b/g) ?? [];
      for (const n of names) if (!text.includes(n)) problems.push(`${f.test}: ${n} missing: ${text}`);
      if (f.method && f.description?.includes(`${f.method} /`) && !text.includes(`${f.method} /`))
        problems.push(`${f.test}: ${f.method} missing: ${text}`);
    }
    expect(problems).toEqual([]);
    const bola = vulnerable.findings.find((f) => f.test === 'MAM-SCAN-API1-001')!;
    const [shown] = localiseScanFindings([bola], 'ja');
    expect(shown?.description).toMatch(/^\S+ が \S+ の所有するオブジェクトを GET \S+ で読み取れた。/);
    expect(shown?.description).toContain('判定: ');
    expect(shown?.evidence.map((e) => e.excerpt)).toEqual(bola.i18n?.ja?.evidence);
  });

  it('never prints an identity token', () => {
    const text = JSON.stringify(vulnerable.findings);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);
  });
});
