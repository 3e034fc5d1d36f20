import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { anonObserved, ep, fullEndpoint, observed, sensitive } from '../audit/rules/fixture-kit.js';
import type { Finding } from '../model/index.js';
import { openStore } from '../store/index.js';
import { runCli } from './test-support.js';

const FIX = 'src/audit/fixtures';
type Obj = Record<string, unknown>;
const at = (o: Obj, ...keys: string[]): Obj => keys.reduce((cur, k) => cur[k] as Obj, o);
const CLEAN = ['petstore-secure.yaml', 'orders-secure.json', 'catalog-secure-swagger.yaml'];
let dir: string;

const schema = JSON.parse(await readFile('docs/schemas/findings.schema.json', 'utf8')) as object;
const validate = new Ajv2020.default({ strict: false, allErrors: true }).compile(schema);

function findingsJson(stdout: string): { findings: Finding[]; summary: { risk: number } } {
  const doc = JSON.parse(stdout) as { findings: Finding[]; summary: { risk: number } };
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mamori-audit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mamori audit', () => {
  for (const file of CLEAN)
    it(`finds nothing medium or worse in the clean spec ${file}`, async () => {
      const r = await runCli('audit', `${FIX}/${file}`, '--format', 'json', '--fail-on', 'medium');
      const { findings } = findingsJson(r.stdout);
      expect(findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity))).toEqual([]);
      expect(r.code).toBe(0);
    });

  it('reports an insecure spec with locations, validates against the schema, and gates on --fail-on', async () => {
    const r = await runCli('audit', `${FIX}/insecure-shop.yaml`, '--format', 'json');
    expect(r.code).toBe(1);
    const { findings, summary } = findingsJson(r.stdout);
    const basic = findings.find((f) => f.rule === 'MAM-AUTH-002');
    expect(basic?.location).toEqual({
      file: `${FIX}/insecure-shop.yaml`,
      pointer: '/components/securitySchemes/basic',
      line: 9,
      column: 5,
    });
    const card = findings.find((f) => f.rule === 'MAM-EXPO-005');
    expect(card?.method).toBe('GET');
    expect(card?.path).toBe('/orders/{orderId}');
    expect(summary.risk).toBeGreaterThan(50);
    // Stable fingerprints across runs.
    const again = findingsJson(
      (await runCli('audit', `${FIX}/insecure-shop.yaml`, '--format', 'json')).stdout,
    );
    expect(again.findings.map((f) => f.id)).toEqual(findings.map((f) => f.id));
    expect(
      (await runCli('audit', `${FIX}/insecure-shop.yaml`, '--format', 'json', '--fail-on', 'critical')).code,
    ).toBe(0);
    expect(
      (await runCli('audit', `${FIX}/insecure-shop.yaml`, '--format', 'json', '--fail-on', 'none')).code,
    ).toBe(0);
  });

  it('writes table, SARIF, JUnit, Markdown and HTML', async () => {
    const spec = `${FIX}/insecure-shop.yaml`;
    const table = await runCli('audit', spec, '--format', 'table');
    expect(table.stdout).toMatch(/^SEVERITY\s+RULE\s+WHERE\s+FINDING/);
    expect(table.stdout).toContain('insecure-shop.yaml:9:5');
    const sarif = JSON.parse((await runCli('audit', spec, '--format', 'sarif')).stdout) as {
      runs: Array<{ results: unknown[]; tool: { driver: { rules: unknown[] } } }>;
    };
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(10);
    expect(sarif.runs[0]?.tool.driver.rules.length).toBeGreaterThanOrEqual(80);
    expect((await runCli('audit', spec, '--format', 'junit')).stdout).toContain('<testsuites');
    expect((await runCli('audit', spec, '--format', 'markdown')).stdout).toContain('MAM-AUTH-002');
    const ja = await runCli('audit', spec, '--format', 'html', '--lang', 'ja');
    expect(ja.stdout).toMatch(/^<!doctype html>/i);
    expect(ja.stdout).toContain('lang="ja"');
    expect(ja.stdout).toContain('クエリ文字列で送られる API キー');
  });

  it('writes the HTML and Markdown reports fully in Japanese with --lang ja', async () => {
    const spec = `${FIX}/insecure-shop.yaml`;
    // Visible text with code spans, markup and entities removed: what a reader sees as prose.
    const prose = (text: string) =>
      text
        .replace(/<style>[\s\S]*?<\/style>/, '')
        .replace(/<code[^>]*>[\s\S]*?<\/code>/g, ' ')
        .replace(/`[^`]*`/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&#?\w+;/g, ' ');
    const englishRuns = (text: string) => prose(text).match(/\b[A-Za-z]+(?:[ ,]+[A-Za-z]+){3,}\b/g) ?? [];
    const en = await runCli('audit', spec, '--format', 'html', '--lang', 'en');
    expect(englishRuns(en.stdout).length).toBeGreaterThan(20); // the check can see English
    const html = (await runCli('audit', spec, '--format', 'html', '--lang', 'ja')).stdout;
    expect(englishRuns(html)).toEqual([]);
    expect(html).toContain('<h1>mamori 監査</h1>');
    expect(html).toContain('平文 HTTP 上の Basic 認証'); // rule title
    expect(html).toContain('API は HTTPS のみで提供し、Basic 認証は廃止してください。'); // remediation
    expect(html).toContain('POST /users は認証を要求しません'); // the finding's own message
    expect(html).toContain('取扱いの安全性'); // GDPR Art. 32, clause title
    expect(html).toContain('第21条第2項(h)'); // NIS2 clause as Japanese cites it
    expect(html).toMatch(/<time datetime="[^"]+">\d{4}年\d{1,2}月\d{1,2}日 /);
    const md = (await runCli('audit', spec, '--format', 'markdown', '--lang', 'ja')).stdout;
    expect(englishRuns(md)).toEqual([]);
    expect(md).toContain('### mamori 監査');
    expect(md).toMatch(/検出事項 \*\*\d+\*\* 件: 🟥 緊急/);
    expect(md).toContain('| 重大度 | ルール | 検出事項 | 場所 |');
    expect(md).toContain('**対策:**');
  });

  it('exits 2 with one line naming the place on bad input, and never crashes', async () => {
    const bad = await runCli('audit', `${FIX}/bad-yaml.yaml`, '--format', 'json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad-yaml\.yaml:\d+:\d+: /);
    const ref = await runCli('audit', `${FIX}/unresolved-ref.yaml`, '--format', 'json');
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain('/paths/~1items/get/responses/200/$ref');
    const not = await runCli('audit', `${FIX}/not-openapi.json`, '--format', 'json');
    expect(not.code).toBe(2);
    expect(not.stderr).toContain('not an OpenAPI');
    const missing = await runCli('audit', `${FIX}/nope.yaml`);
    expect(missing.code).toBe(2);
    expect((await runCli('audit')).code).toBe(2);
    // A bad spec beside a good one: the good one is still audited, the run still fails.
    const mixed = await runCli(
      'audit',
      `${FIX}/bad-yaml.yaml`,
      `${FIX}/insecure-shop.yaml`,
      '--format',
      'json',
    );
    expect(mixed.code).toBe(2);
    expect(findingsJson(mixed.stdout).findings.length).toBeGreaterThan(0);
  });

  it('diffs BASE and HEAD, and fails closed on a HEAD that does not parse', async () => {
    const base = `${FIX}/petstore-secure.yaml`;
    const doc = parse(await readFile(base, 'utf8')) as Obj;
    at(doc, 'paths', '/pets/{petId}', 'delete').security = [];
    at(doc, 'components', 'schemas', 'Pet', 'properties').ownerEmail = {
      type: 'string',
      maxLength: 254,
      format: 'email',
    };
    at(doc, 'paths', '/pets', 'get', 'parameters', '0', 'schema').maximum = 10000;
    const head = join(dir, 'head.yaml');
    await writeFile(head, stringify(doc));
    const r = await runCli('audit', '--diff', base, head, '--format', 'json');
    expect(r.code).toBe(1);
    const rules = findingsJson(r.stdout).findings.map((f) => f.rule);
    expect(rules).toContain('MAM-DIFF-001');
    expect(rules).toContain('MAM-DIFF-002');
    expect(rules).toContain('MAM-DIFF-003');
    expect(rules).toContain('MAM-AUTH-017');
    const same = await runCli('audit', '--diff', base, base, '--format', 'json');
    expect(findingsJson(same.stdout).findings).toEqual([]);
    expect(same.code).toBe(0);
    const broken = await runCli('audit', '--diff', base, `${FIX}/bad-yaml.yaml`, '--format', 'json');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad-yaml\.yaml:\d+:\d+/);
    expect((await runCli('audit', '--diff', base)).code).toBe(2);
  });

  it('audits the inventory in the store with traffic rules and evidence', async () => {
    const db = join(dir, 'inv.db');
    const store = await openStore(db);
    await store.putEndpoints([
      fullEndpoint(
        ep({
          path: '/v1/cards/{cardId}',
          auth: [{ type: 'none', count: 10 }],
          observed: anonObserved(),
          sensitive: [sensitive('CREDIT_CARD', '$.number')],
        }),
      ),
      fullEndpoint(ep({ path: '/v1/health', observed: observed({ schemes: { http: 2, https: 8 } }) })),
    ]);
    await store.close();
    const r = await runCli('audit', '--inventory', '--db', db, '--format', 'json');
    expect(r.code).toBe(1);
    const { findings } = findingsJson(r.stdout);
    const critical = findings.find((f) => f.rule === 'MAM-TRF-001');
    expect(critical?.path).toBe('/v1/cards/{cardId}');
    expect(critical?.evidence[0]).toMatchObject({ file: 'traffic.har', index: 7 });
    expect(findings.some((f) => f.rule === 'MAM-TRF-010' && f.path === '/v1/health')).toBe(true);
    const reopened = await openStore(db);
    expect((await reopened.listFindings({ rule: 'MAM-TRF-001' })).length).toBe(1);
    // The risk the audit computed is written back to the stored endpoints (the server reads it from there).
    const riskiest = (JSON.parse(r.stdout) as { riskiest: Array<{ path: string; risk: number }> }).riskiest;
    const stored = await reopened.listEndpoints();
    const card = stored.find((e) => e.path === '/v1/cards/{cardId}');
    expect(card?.risk).toBeGreaterThan(50);
    expect(card?.risk).toBe(riskiest.find((e) => e.path === '/v1/cards/{cardId}')?.risk);
    expect((await reopened.listEndpoints({ minRisk: 50 })).map((e) => e.path)).toEqual([
      '/v1/cards/{cardId}',
    ]);
    await reopened.close();
    // Traffic findings are stored under the producer audit:traffic, and a second run replaces them.
    await runCli('audit', '--inventory', '--db', db, '--format', 'json');
    const sqlite = new Database(db, { readonly: true });
    const producers = sqlite
      .prepare('SELECT producer, count(*) AS n FROM findings GROUP BY producer')
      .all() as Array<{ producer: string; n: number }>;
    sqlite.close();
    expect(producers).toEqual([{ producer: 'audit:traffic', n: findings.length }]);
  });

  it('applies a config file and names the bad field of a broken one', async () => {
    const cfg = join(dir, 'audit.yaml');
    await writeFile(cfg, 'failOn: critical\nrules:\n  MAM-SRV-001: off\n');
    const r = await runCli('audit', `${FIX}/insecure-shop.yaml`, '--config', cfg, '--format', 'json');
    expect(r.code).toBe(0);
    expect(findingsJson(r.stdout).findings.some((f) => f.rule === 'MAM-SRV-001')).toBe(false);
    await writeFile(cfg, 'rules:\n  MAM-SRV-001: { severity: urgent }\n');
    const bad = await runCli('audit', `${FIX}/insecure-shop.yaml`, '--config', cfg);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules.MAM-SRV-001.severity');
    expect(bad.stderr).toMatch(/audit\.yaml:2:/);
  });
});
