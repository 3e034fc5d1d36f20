import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApiDocument } from '../scan/test-support/spec.js';
import { startTestApi, type TestApi } from '../scan/test-support/vulnerable-api.js';
import { runCli } from './test-support.js';

const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default;
let api: TestApi;
const specFile = join(tmpdir(), `mamori-scan-spec-${process.pid}.json`);
const noServers = join(tmpdir(), `mamori-scan-noservers-${process.pid}.json`);

beforeAll(async () => {
  api = await startTestApi('vulnerable');
  writeFileSync(specFile, JSON.stringify(testApiDocument()));
  const doc = testApiDocument();
  delete doc['servers'];
  writeFileSync(noServers, JSON.stringify(doc));
});
afterAll(() => api.close());

const who = () => [
  `--identity`,
  `alice=Authorization: Bearer ${api.tokens.alice}`,
  `--identity`,
  `bob=Authorization: Bearer ${api.tokens.bob}`,
];

describe('mamori scan: bad input is one line and exit 2', () => {
  it('invalid identity syntax', async () => {
    const r = await runCli('scan', '--target', api.url, '--spec', specFile, '--identity', 'alice:Bearer abc');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid --identity/);
  });

  it('unreachable target', async () => {
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    const port = (s.address() as AddressInfo).port;
    await new Promise((res) => s.close(res));
    const r = await runCli('scan', '--target', `http://127.0.0.1:${port}`, '--spec', specFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unreachable/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('spec without servers and a target without a path', async () => {
    const r = await runCli('scan', '--target', api.url, '--spec', noServers);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/declares no servers/);
  });
});

describe('mamori scan: output and gates', () => {
  it('--plan prints the requests and sends none', async () => {
    const before = api.requests();
    const r = await runCli(
      'scan',
      '--target',
      api.url,
      '--spec',
      specFile,
      ...who(),
      '--plan',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(api.requests()).toBe(before);
    const plan = JSON.parse(r.stdout).plan as Array<{ url: string }>;
    expect(plan.length).toBeGreaterThan(100);
    expect(r.stdout).not.toContain(api.tokens.alice);
  });

  it('json findings, --fail-on, --baseline, SARIF and JUnit', async () => {
    const args = [
      'scan',
      '--target',
      api.url,
      '--spec',
      specFile,
      ...who(),
      '--only',
      'API8,API2-001',
      '--rate',
      '2000',
    ];
    const r = await runCli(...args, '--format', 'json', '--fail-on', 'medium');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> };
    const findingsSchema = JSON.parse(
      readFileSync(new URL('../../docs/schemas/findings.schema.json', import.meta.url), 'utf8'),
    );
    const validateFindings = new Ajv2020({ strict: false, allErrors: true }).compile(findingsSchema);
    expect(validateFindings(doc), JSON.stringify(validateFindings.errors?.slice(0, 3))).toBe(true);
    const { findings } = doc;
    expect(findings.length).toBeGreaterThan(3);
    for (const f of findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['id', 'test', 'title', 'severity', 'owasp', 'method', 'path', 'evidence']),
      );
    }
    expect(r.stdout).not.toContain(api.tokens.alice);
    const base = join(tmpdir(), `mamori-scan-baseline-${process.pid}.json`);
    writeFileSync(base, r.stdout);
    const again = await runCli(...args, '--format', 'json', '--fail-on', 'low', '--baseline', base);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).findings).toEqual([]);

    const sarif = await runCli(...args, '--format', 'sarif');
    const schema = JSON.parse(
      readFileSync(new URL('../../docs/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(sarif.stdout)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const junit = await runCli(...args, '--format', 'junit');
    expect(junit.stdout).toMatch(/^<\?xml[^>]*\?>\s*<testsuites/);
    expect(junit.stdout).toContain('<failure');
  });
});

describe('mamori scan --inventory', () => {
  it('scans from the inventory that mamori discover stored (exported as OpenAPI), end to end', async () => {
    // Traffic of the test API recorded as a HAR, as a proxy or a browser would have captured it.
    const calls = [
      '/api/v2/products?category=books',
      '/api/v2/products?category=lamps',
      '/api/v2/products/search?q=lamp',
      '/api/v2/greeting?name=visitor',
    ];
    const entries = [];
    for (const path of calls) {
      const res = await fetch(`${api.url}${path}`);
      const text = await res.text();
      const u = new URL(`${api.url}${path}`);
      entries.push({
        startedDateTime: new Date().toISOString(),
        time: 1,
        request: {
          method: 'GET',
          url: u.href,
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'host', value: u.host }],
          queryString: [...u.searchParams].map(([name, value]) => ({ name, value })),
          cookies: [],
          headersSize: -1,
          bodySize: 0,
        },
        response: {
          status: res.status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'content-type', value: res.headers.get('content-type') ?? '' }],
          cookies: [],
          content: { size: text.length, mimeType: res.headers.get('content-type') ?? '', text },
          redirectURL: '',
          headersSize: -1,
          bodySize: text.length,
        },
        cache: {},
        timings: { send: 0, wait: 1, receive: 0 },
      });
    }
    const har = join(tmpdir(), `mamori-scan-inventory-${process.pid}.har`);
    const db = join(tmpdir(), `mamori-scan-inventory-${process.pid}.sqlite`);
    writeFileSync(
      har,
      JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } }),
    );
    const discover = await runCli('discover', har, '--db', db, '--format', 'json');
    expect(discover.code, discover.stderr).toBe(0);

    const before = api.requests();
    const r = await runCli(
      'scan',
      '--target',
      api.url,
      '--inventory',
      '--db',
      db,
      '--only',
      'INJ-001,INJ-032,SCHEMA',
      '--rate',
      '2000',
      '--format',
      'json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(api.requests()).toBeGreaterThan(before);
    const findings = JSON.parse(r.stdout).findings as Array<{
      test: string;
      path: string;
      title: string;
      where?: unknown;
    }>;
    expect(findings.map((f) => `${f.test} ${f.path}`)).toEqual(
      expect.arrayContaining(['MAM-SCAN-INJ-001 /api/v2/products', 'MAM-SCAN-INJ-032 /api/v2/greeting']),
    );
    expect(findings.find((f) => f.test === 'MAM-SCAN-INJ-001')?.title).toContain('query.category');
    expect(findings.find((f) => f.test === 'MAM-SCAN-INJ-001')?.where).toEqual({
      location: 'query',
      name: 'category',
    });

    // An inventory without the target's host is bad input, not an empty scan.
    const other = await runCli('scan', '--target', 'http://127.0.0.2:9', '--inventory', '--db', db);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds no endpoint of host 127\.0\.0\.2/);
  });
});
