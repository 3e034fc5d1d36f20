import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FINDINGS, RULES } from './fixtures/sample.js';
import { relativeUri, toSarif } from './sarif.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module namespace.
const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default;

const schema = JSON.parse(
  readFileSync(new URL('../../docs/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as object;
// The schema's `language` pattern is not valid with the u flag; ajv must compile patterns without it.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

// Read back loosely: the schema test above is what holds the shape.
// biome-ignore lint/suspicious/noExplicitAny: test reads deep optional SARIF fields
type Loose = any;
interface Log {
  runs: Array<{
    tool: { driver: { rules: Loose[] } };
    results: Loose[];
  }>;
}

describe('toSarif', () => {
  const log = toSarif(FINDINGS, { name: 'mamori', version: '0.1.0', rules: RULES }) as Log;
  const run = log.runs[0]!;

  it('validates against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects a broken log (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
  });

  it('an empty run still validates and lists every rule checked', () => {
    const empty = toSarif([], { name: 'mamori', version: '0.1.0', rules: RULES }) as Log;
    expect(validate(empty)).toBe(true);
    expect(empty.runs[0]?.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(empty.runs[0]?.results).toEqual([]);
  });

  it('describes rules the way code-scanning tools read them', () => {
    const auth = run.tool.driver.rules.find((r) => r.id === 'MAM-AUTH-001')!;
    expect(auth.name).toBe('OperationWithoutSecurityChangesState');
    expect(auth.shortDescription.text).toBe('Operation without security changes state');
    expect(auth.fullDescription.text).toContain('declares no security requirement');
    expect(auth.help.markdown).toContain('## Remediation');
    expect(auth.help.markdown).toContain('Add a security requirement');
    expect(auth.defaultConfiguration.level).toBe('error');
    expect(auth.properties.tags).toEqual(
      expect.arrayContaining(['security', 'API2:2023', 'external/cwe/cwe-306', 'PCI-DSS-4.0.1 8.2.1']),
    );
    expect(auth.properties['security-severity']).toBe('8.0');
    const crit = run.tool.driver.rules.find((r) => r.id === 'MAM-TRF-003')!;
    expect(Number(crit.properties['security-severity'])).toBeGreaterThanOrEqual(9);
    const med = run.tool.driver.rules.find((r) => r.id === 'MAM-SRV-001')!;
    expect(med.defaultConfiguration.level).toBe('warning');
    expect(Number(med.properties['security-severity'])).toBeGreaterThanOrEqual(4);
    expect(Number(med.properties['security-severity'])).toBeLessThan(7);
  });

  it('adds a rule for a finding whose rule is not in the catalogue (scanner test) and points ruleIndex at it', () => {
    const scan = run.results.find((r) => r.ruleId === 'SCAN-BOLA-001')!;
    expect(run.tool.driver.rules[scan.ruleIndex]?.id).toBe('SCAN-BOLA-001');
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it('spec findings carry a relative uri and 1-based region', () => {
    const r = run.results.find((x) => x.partialFingerprints['mamoriFindingId/v1'] === 'f-auth-1')!;
    expect(r.level).toBe('error');
    expect(r.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'specs/shop%20api.yaml' },
      region: { startLine: 42, startColumn: 5 },
    });
  });

  it('traffic findings carry the endpoint as a logical location and the evidence file as the anchor', () => {
    const r = run.results.find((x) => x.ruleId === 'MAM-TRF-003')!;
    expect(r.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(
      /^GET api\.shop\.example\/search\//,
    );
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('traffic/shop.har');
    expect(r.relatedLocations).toHaveLength(1);
    expect(r.message.text).toContain('Evidence: traffic/shop.har#12');
    const scan = run.results.find((x) => x.ruleId === 'SCAN-BOLA-001')!;
    expect(scan.locations[0].physicalLocation.region).toEqual({ startLine: 3 });
    expect(scan.properties.confidence).toBe(0.95);
  });

  it('lists results worst first with a fingerprint from Finding.id', () => {
    expect(run.results.map((r) => r.partialFingerprints['mamoriFindingId/v1'])).toEqual([
      'f-trf-1',
      'f-auth-1',
      'f-auth-2',
      'f-scan-1',
      'f-srv-1',
    ]);
  });

  it('a finding known only by its endpoint (inventory, no evidence file) still validates', () => {
    const base = FINDINGS[3]!;
    const only = toSarif([{ ...base, evidence: [{ exchangeId: 'ex-9' }] }], {
      name: 'mamori',
      version: '0.1.0',
      rules: [],
    }) as Log;
    expect(validate(only)).toBe(true);
    const loc = only.runs[0]?.results[0].locations[0];
    expect(loc.physicalLocation).toBeUndefined();
    expect(loc.logicalLocations[0].kind).toBe('resource');
  });

  it('makes paths relative to baseDir and encodes unsafe characters', () => {
    expect(relativeUri('/repo/api/a b#1.yaml', '/repo')).toBe('api/a%20b%231.yaml');
    expect(relativeUri('.\\api\\x.yaml')).toBe('api/x.yaml');
    expect(relativeUri('/elsewhere/x.yaml', '/repo')).toBe('file:///elsewhere/x.yaml');
  });
});
