import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEntries } from '../demo/generator.js';
import type { Endpoint } from '../model/index.js';
import { runCli } from './test-support.js';

const SAMPLE = 'samples/shop.har';
const SPEC = 'samples/shop-openapi.yaml';
let dir = '';

function har(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });
}
const entries = (n: number, seed: number) => [...generateEntries({ entries: n, seed })];
const key = (e: Endpoint) => `${e.method} ${e.host}${e.path}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-discover-'));
});

describe('mamori discover', () => {
  it('prints an inventory that validates against docs/schemas/inventory.schema.json, with every lifecycle tag', async () => {
    const run = await runCli(
      'discover',
      SAMPLE,
      '--spec',
      SPEC,
      '--approved-hosts',
      '*.shop.example',
      '--no-store',
      '--format',
      'json',
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { endpoints: Endpoint[]; summary: { exchanges: number } };
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync('docs/schemas/inventory.schema.json', 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.summary.exchanges).toBe(300);
    const tags = new Map(doc.endpoints.map((e) => [key(e), e.tags.map((t) => t.tag).sort()]));
    expect(tags.get('GET api.shop.example/v1/users/{userId}')).toEqual(['shadow', 'zombie']);
    expect(tags.get('GET api.shop.example/v2/legacy/export')).toEqual(['deprecated', 'zombie']);
    expect(tags.get('DELETE api.shop.example/v2/users/{userId}')).toEqual(['orphan']);
    expect(tags.get('GET api.shop-legacy.example/v1/customers/{customerId}')).toContain('rogue');
    expect(tags.get('GET api.shop.example/v2/users/{userId}')).toEqual([]);
    expect(run.stderr).toMatch(/300 exchanges from 1 file → \d+ endpoints on 4 hosts/);
    // Risk is scored: an anonymous rogue endpoint returning card numbers outranks the health check.
    const risk = new Map(doc.endpoints.map((e) => [key(e), e.risk]));
    expect(risk.get('GET api.shop-legacy.example/v1/customers/{customerId}')).toBeGreaterThan(
      risk.get('GET api.shop.example/health') ?? 100,
    );
    expect(doc.endpoints[0]?.risk).toBeGreaterThan(0);
  });

  it('never prints or stores a raw sensitive value', async () => {
    const db = join(dir, 'mask.db');
    const run = await runCli('discover', SAMPLE, '--db', db, '--format', 'json');
    expect(run.code).toBe(0);
    const raw = readFileSync(SAMPLE, 'utf8');
    const cards = [...new Set(raw.match(/cardNumber\\":\\"\d{16}/g)?.map((m) => m.slice(-16)) ?? [])];
    const emails = [...new Set(raw.match(/[a-z]+\.[a-z]+\d+@mail\.example\.jp/g) ?? [])];
    expect(cards.length).toBeGreaterThan(0);
    expect(emails.length).toBeGreaterThan(0);
    const stored =
      readFileSync(db).toString('latin1') + readFileSync(`${db}-wal`, { flag: 'a+' }).toString('latin1');
    for (const secret of [...cards, ...emails]) {
      expect(run.stdout).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it('merges a second run into the store', async () => {
    const db = join(dir, 'merge.db');
    const a = join(dir, 'a.har');
    const b = join(dir, 'b.har');
    writeFileSync(a, har(entries(200, 1)));
    writeFileSync(b, har(entries(100, 2)));
    const first = JSON.parse((await runCli('discover', a, '--db', db, '--format', 'json')).stdout);
    const second = JSON.parse((await runCli('discover', b, '--db', db, '--format', 'json')).stdout);
    const calls = (doc: { endpoints: Endpoint[] }) => doc.endpoints.reduce((n, e) => n + e.calls, 0);
    expect(calls(first)).toBe(200);
    expect(calls(second)).toBe(300);
  });

  it('skips a malformed HAR entry with one line naming it, and keeps the entries around it', async () => {
    const file = join(dir, 'bad.har');
    const list: unknown[] = entries(20, 3);
    list[7] = { request: { method: 'GET' }, response: { status: 200 } };
    writeFileSync(file, har(list));
    const run = await runCli('discover', file, '--no-store', '--format', 'json');
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('entry 7'))).toHaveLength(1);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ exchanges: 19, skipped: 1 });
    const strict = await runCli('discover', file, '--no-store', '--format', 'json', '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('entry 7');
  });

  it('fails with one line and exit 2 on unreadable or non-HAR input and bad specs', async () => {
    const missing = await runCli('discover', join(dir, 'nope.har'), '--no-store');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.har');
    const notSpec = join(dir, 'not-spec.yaml');
    writeFileSync(notSpec, 'hello: world\n');
    const bad = await runCli('discover', '--spec', notSpec, '--no-store');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not-spec.yaml');
  });

  it('reports changes against a baseline inventory', async () => {
    const before = join(dir, 'before.json');
    const base = await runCli('discover', SAMPLE, '--no-store', '--format', 'json');
    const doc = JSON.parse(base.stdout) as { endpoints: Endpoint[] };
    doc.endpoints = doc.endpoints.filter((e) => e.path !== '/v2/products/{productId}/reviews');
    writeFileSync(before, JSON.stringify(doc));
    const run = await runCli('discover', SAMPLE, '--no-store', '--format', 'json', '--baseline', before);
    expect(run.code).toBe(0);
    expect(JSON.stringify(JSON.parse(run.stdout).changes)).toContain('/v2/products/{productId}/reviews');
  });

  it('explains why segments became parameters', async () => {
    const run = await runCli('discover', SAMPLE, '--no-store', '--explain', '/v2/users/1042/orders');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1042/);
    expect(run.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });

  it('writes an OpenAPI 3.1 document of the observed API', async () => {
    const out = join(dir, 'observed.json');
    const run = await runCli('discover', SAMPLE, '--no-store', '--format', 'json', '--export-openapi', out);
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toContain('/v2/users/{userId}');
  });
});
