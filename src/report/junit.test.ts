import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { FINDINGS, RULES, XSS } from './fixtures/sample.js';
import { toJunit } from './junit.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

interface Parsed {
  testsuites: {
    name: string;
    tests: string;
    failures: string;
    testsuite: Array<{
      name: string;
      tests: string;
      failures: string;
      properties: { property: Array<{ name: string; value: string }> };
      testcase: Array<{
        classname: string;
        name: string;
        file?: string;
        line?: string;
        failure?: { message: string; type: string; '#text': string };
      }>;
    }>;
  };
}

function parse(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Parsed;
}

describe('toJunit', () => {
  it('is well-formed XML with one suite per rule, a failure per finding and a pass per quiet rule', () => {
    const doc = parse(toJunit(FINDINGS, { name: 'mamori audit', rules: RULES }));
    const root = doc.testsuites;
    expect(root.name).toBe('mamori audit');
    // 5 catalogue rules + the scanner test named by a finding
    expect(root.testsuite).toHaveLength(6);
    expect(root.tests).toBe('7'); // 5 findings + 2 quiet rules (MAM-INV-002, MAM-LIM-001)
    expect(root.failures).toBe('5');
    const auth = root.testsuite.find((s) => s.name.startsWith('MAM-AUTH-001'))!;
    expect(auth.tests).toBe('2');
    expect(auth.failures).toBe('2');
    expect(auth.properties.property).toContainEqual({ name: 'cwe', value: 'CWE-306' });
    const first = auth.testcase[0]!;
    expect(first.classname).toBe('MAM-AUTH-001');
    expect(first.name).toBe('specs/shop api.yaml:42:5');
    expect(first.file).toBe('specs/shop api.yaml');
    expect(first.line).toBe('42');
    expect(first.failure?.type).toBe('high');
    expect(first.failure?.['#text']).toContain('Pointer: /paths/~1users/post');
    expect(first.failure?.['#text']).toContain('Remediation: Add a security requirement');
    const quiet = root.testsuite.find((s) => s.name.startsWith('MAM-INV-002'))!;
    expect(quiet.testcase).toHaveLength(1);
    expect(quiet.testcase[0]?.failure).toBeUndefined();
    expect(quiet.failures).toBe('0');
  });

  it('escapes hostile text so it round-trips exactly, and shows characters XML cannot carry', () => {
    const xml = toJunit(FINDINGS, { name: `run ${XSS}`, rules: RULES });
    expect(xml).not.toContain('<script>');
    const doc = parse(xml);
    expect(doc.testsuites.name).toBe(`run ${XSS}`);
    const trf = doc.testsuites.testsuite.find((s) => s.name.startsWith('MAM-TRF-003'))!;
    expect(trf.testcase[0]?.name).toBe(`GET api.shop.example/search/${XSS}`);
    expect(trf.testcase[0]?.failure?.['#text']).toContain(
      `email j***@example.com in $.customer.email ${XSS}`,
    );
    const scan = doc.testsuites.testsuite.find((s) => s.name.startsWith('SCAN-BOLA-001'))!;
    expect(scan.testcase[0]?.failure?.['#text']).toContain('alice for bob\\x01s order');
    expect(scan.testcase[0]?.line).toBe('3');
  });

  it('groups by OWASP category on request', () => {
    const doc = parse(toJunit(FINDINGS, { name: 'mamori scan', rules: RULES, groupBy: 'owasp' }));
    const names = doc.testsuites.testsuite.map((s) => s.name);
    expect(names).toEqual([
      'API1:2023 Broken Object Level Authorization',
      'API2:2023 Broken Authentication',
      'API3:2023 Broken Object Property Level Authorization',
      'API4:2023 Unrestricted Resource Consumption',
      'API8:2023 Security Misconfiguration',
      'API9:2023 Improper Inventory Management',
    ]);
    const limits = doc.testsuites.testsuite[3]!;
    expect(limits.failures).toBe('0');
    expect(limits.testcase[0]?.name).toBe('MAM-LIM-001: String without maxLength');
  });

  it('with no findings every rule passes', () => {
    const doc = parse(toJunit([], { name: 'mamori audit', rules: RULES }));
    expect(doc.testsuites.tests).toBe(String(RULES.length));
    expect(doc.testsuites.failures).toBe('0');
  });
});
