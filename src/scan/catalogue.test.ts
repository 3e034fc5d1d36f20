// Walks the whole catalogue against the deliberately vulnerable test API (every test must fire)
// and against its correctly built twin (every test must stay silent). Both on 127.0.0.1, port 0.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSpec } from '../model/index.js';
import { loadSpecText } from '../sources/spec.js';
import { runScan, type ScanResult } from './runner.js';
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

  it('never prints an identity token', () => {
    const text = JSON.stringify(vulnerable.findings);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);
  });
});
