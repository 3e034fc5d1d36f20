import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSpecText } from '../sources/spec.js';
import { applyConfig, parseAuditConfig } from './config.js';
import { runAudit } from './engine.js';
import { doc, secured } from './rules/fixture-kit.js';
import { RULES } from './rules/index.js';

const parse = (text: string) => parseAuditConfig(text, 'mamori-audit.yaml', RULES);

async function audit(config: string, d: Record<string, unknown>) {
  const { config: c, issues } = parse(config);
  expect(issues).toEqual([]);
  const { spec } = await loadSpecText(stringify(d), 'api.yaml');
  return runAudit({ specs: [spec!], rules: applyConfig(RULES, c) });
}

const twoPaths = doc({
  ...secured(),
  paths: {
    '/public/items': {
      get: {
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/orders': {
      get: {
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
});

describe('audit config', () => {
  it('disables rules, changes severity and scopes by path glob', async () => {
    const all = await audit('', twoPaths);
    expect(all.filter((f) => f.rule === 'MAM-INPUT-001')).toHaveLength(2);
    const tuned = await audit(
      `
rules:
  MAM-INPUT-002: off
  MAM-OP-003: { enabled: false }
  MAM-INPUT-001: { severity: high, exclude: ["/public/**"] }
`,
      twoPaths,
    );
    expect(tuned.some((f) => f.rule === 'MAM-INPUT-002' || f.rule === 'MAM-OP-003')).toBe(false);
    const limited = tuned.filter((f) => f.rule === 'MAM-INPUT-001');
    expect(limited).toHaveLength(1);
    expect(limited[0]?.path).toBe('/orders');
    expect(limited[0]?.severity).toBe('high');
  });

  it('runs custom rules with the built-in checkers', async () => {
    const found = await audit(
      `
custom:
  - id: ACME-001
    title: Search parameters must be named query
    severity: medium
    owasp: API8:2023
    remediation: Rename the parameter.
    compliance: [{ framework: PCI-DSS-4.0.1, clause: 6.2.4 }]
    given: { target: parameter, in: [query] }
    then: { check: parameter-name-matches, options: { rawPattern: "^q$" } }
    paths: ["/orders"]
`,
      twoPaths,
    );
    const acme = found.filter((f) => f.rule === 'ACME-001');
    expect(acme).toHaveLength(1);
    expect(acme[0]?.location?.pointer).toBe('/paths/~1orders/get/parameters/0');
    expect(acme[0]?.compliance).toEqual([{ framework: 'PCI-DSS-4.0.1', clause: '6.2.4' }]);
  });

  it('names the field, line and column of every error', () => {
    const bad = parse(`rules:\n  MAM-OP-003: { severity: hihg }\n  MAM-NOPE-001: off\n`);
    expect(bad.config).toBeUndefined();
    const sev = bad.issues.find((i) => i.field === 'rules.MAM-OP-003.severity');
    expect(sev?.message).toContain('must be one of critical, high, medium, low, info');
    expect(sev?.line).toBe(2);
    const custom = parse(
      `custom:\n  - id: ACME-002\n    title: t\n    severity: low\n    owasp: API8:2023\n    remediation: r\n    given: { target: server }\n    then: { check: parameter-name-matches, options: { hints: 3 } }\n`,
    );
    const fields = custom.issues.map((i) => i.field);
    expect(fields).toContain('custom[0].then.check');
    expect(fields).toContain('custom[0].then.options.hints');
    expect(parse('rules:\n  MAM-NOPE-001: off\n').issues[0]?.message).toContain('unknown rule MAM-NOPE-001');
    expect(parse('failOn: [\n').issues[0]).toMatchObject({ code: 'config.yaml', line: expect.any(Number) });
    expect(parse('nonsense: 1\n').issues[0]?.field).toBe('nonsense');
    expect(parse('rules:\n  MAM-OP-003: maybe\n').issues[0]?.message).toContain('must be off, on');
  });
});
