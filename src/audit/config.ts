// Audit configuration (YAML or JSON): disable rules, change their severity, scope them to path globs,
// and add custom rules that use the same checkers as the built-in ones. Validated with ajv; every error
// names its field (and line/column in the file). No I/O: the CLI reads the file.
// biome-ignore-all lint/suspicious/noThenProperty: custom rules use Spectral's given/then vocabulary, like the catalogue.

import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import {
  COMPLIANCE_FRAMEWORKS,
  type ComplianceRef,
  type InputIssue,
  OWASP_API_2023,
  SEVERITIES,
  type Severity,
} from '../model/index.js';
import { CHECKS } from './checks/index.js';
import type { ActiveRule } from './engine.js';
import { type Given, type Rule, TARGETS, type Then } from './types.js';

export interface RuleSetting {
  enabled?: boolean;
  severity?: Severity;
  /** Globs over operation / endpoint paths (`/admin/**`); the rule runs only there. */
  paths?: string[];
  exclude?: string[];
}

export interface CustomRule {
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  owasp: keyof typeof OWASP_API_2023;
  cwe?: number;
  remediation: string;
  compliance?: ComplianceRef[];
  given: Given;
  then: Then;
  paths?: string[];
  exclude?: string[];
}

export interface AuditConfig {
  failOn?: Severity;
  rules: Record<string, RuleSetting>;
  custom: CustomRule[];
}

const RULE_ID = '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$';
const globs = { type: 'array', items: { type: 'string', minLength: 1 } };
const SETTING = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' }, severity: { enum: SEVERITIES }, paths: globs, exclude: globs },
};

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    failOn: { enum: SEVERITIES },
    rules: {
      type: 'object',
      propertyNames: { pattern: RULE_ID },
      additionalProperties: { anyOf: [{ enum: ['off', 'on', true, false] }, SETTING] },
    },
    custom: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'severity', 'owasp', 'remediation', 'given', 'then'],
        properties: {
          id: { type: 'string', pattern: RULE_ID },
          title: { type: 'string', minLength: 1 },
          description: { type: 'string' },
          severity: { enum: SEVERITIES },
          owasp: { enum: Object.keys(OWASP_API_2023) },
          cwe: { type: 'integer', minimum: 1 },
          remediation: { type: 'string', minLength: 1 },
          compliance: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['framework', 'clause'],
              properties: {
                framework: { enum: COMPLIANCE_FRAMEWORKS },
                clause: { type: 'string', minLength: 1 },
              },
            },
          },
          given: {
            type: 'object',
            additionalProperties: false,
            required: ['target'],
            properties: {
              target: { enum: TARGETS },
              methods: { type: 'array', items: { type: 'string', pattern: '^[A-Z]+$' } },
              roles: { type: 'array', items: { enum: ['parameter', 'request', 'response'] } },
              in: { type: 'array', items: { enum: ['path', 'query', 'header', 'cookie', 'formData'] } },
              status: { type: 'string', minLength: 1 },
            },
          },
          then: {
            type: 'object',
            additionalProperties: false,
            required: ['check'],
            properties: { check: { enum: Object.keys(CHECKS) }, options: { type: 'object' } },
          },
          paths: globs,
          exclude: globs,
        },
      },
    },
  },
} as const;

// Compiled on first use: most runs have no config file, and compiling the schema is a third of the
// command's start-up time.
let ajv: Ajv | undefined;
let configValidator: ValidateFunction | undefined;
const optionValidators = new Map<string, ValidateFunction>();

/** ajv itself is required on first use too (a synchronous CommonJS load): a tenth of a spec-only run. */
function compiler(): Ajv {
  if (!ajv) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    ajv = new AjvClass({ allErrors: true, strict: false });
  }
  return ajv;
}

function validateConfig(): ValidateFunction {
  configValidator ??= compiler().compile(CONFIG_SCHEMA);
  return configValidator;
}

function optionValidator(check: string): ValidateFunction | undefined {
  const schema = CHECKS[check]?.options;
  if (!schema) return undefined;
  let v = optionValidators.get(check);
  if (!v) {
    v = compiler().compile(schema);
    optionValidators.set(check, v);
  }
  return v;
}

type Located = { line: number; column: number } | undefined;

function fieldOf(segments: string[]): string {
  return segments.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** Parse and validate a config text. Any issue means no config (a CI gate must not run half-configured). */
export function parseAuditConfig(
  text: string,
  file: string,
  builtIn: readonly Pick<Rule, 'id'>[],
): { config?: AuditConfig; issues: InputIssue[] } {
  // The `yaml` package is required here, not imported: a spec-only run (no config file) never pays its load.
  const { LineCounter, parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const p = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        const pos = p ? { line: p.line, col: p.col } : undefined;
        return {
          code: 'config.yaml',
          message: `bad YAML: ${e.message.split('\n')[0]}`,
          file,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          fatal: true,
        };
      }),
    };
  }
  const where = (segments: Array<string | number>): Located => {
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const p = lineCounter.linePos(node.range[0]);
        return { line: p.line, column: p.col };
      }
    }
    return undefined;
  };
  const issue = (segments: Array<string | number>, message: string): InputIssue => {
    const field = fieldOf(segments.map(String)) || '(root)';
    const at = where(segments);
    return {
      code: 'config.invalid',
      message: `${field === '(root)' ? 'config' : field}: ${message}`,
      file,
      field,
      ...(at ? { line: at.line, column: at.column } : {}),
      fatal: true,
    };
  };

  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return { config: { rules: {}, custom: [] }, issues: [] };
  const validate = validateConfig();
  if (!validate(value)) return { issues: schemaIssues(validate.errors ?? [], value, issue) };
  const raw = value as { failOn?: Severity; rules?: Record<string, unknown>; custom?: CustomRule[] };

  const issues: InputIssue[] = [];
  const known = new Set(builtIn.map((r) => r.id));
  const custom = raw.custom ?? [];
  custom.forEach((c, i) => {
    if (known.has(c.id)) issues.push(issue(['custom', i, 'id'], `${c.id} is a built-in rule id`));
    const check = CHECKS[c.then.check]!;
    if (!check.targets.includes(c.given.target))
      issues.push(
        issue(
          ['custom', i, 'then', 'check'],
          `${c.then.check} does not apply to ${c.given.target} (it judges ${check.targets.join(', ')})`,
        ),
      );
    const v = optionValidator(c.then.check);
    if (v && !v(c.then.options ?? {}))
      for (const e of v.errors ?? []) {
        const seg = e.instancePath.split('/').slice(1);
        if (e.keyword === 'required') seg.push(String(e.params.missingProperty));
        issues.push(issue(['custom', i, 'then', 'options', ...seg], e.message ?? 'is invalid'));
      }
    if (c.given.status !== undefined && !isRegex(c.given.status))
      issues.push(issue(['custom', i, 'given', 'status'], 'is not a valid regular expression'));
    known.add(c.id);
  });
  const rules: Record<string, RuleSetting> = {};
  for (const [id, setting] of Object.entries(raw.rules ?? {})) {
    if (!known.has(id)) {
      issues.push(issue(['rules', id], `unknown rule ${id}`));
      continue;
    }
    rules[id] =
      setting === 'off' || setting === false
        ? { enabled: false }
        : setting === 'on' || setting === true
          ? { enabled: true }
          : (setting as RuleSetting);
  }
  if (issues.length > 0) return { issues };
  const config: AuditConfig = { rules, custom };
  if (raw.failOn) config.failOn = raw.failOn;
  return { config, issues: [] };
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function schemaIssues(
  errors: ErrorObject[],
  value: unknown,
  issue: (segments: Array<string | number>, message: string) => InputIssue,
): InputIssue[] {
  const out: InputIssue[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    const segments: Array<string | number> = err.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    // A rule setting is `off`/`on` or an object: report the branch that matches the value's shape.
    const inRuleSetting = /\/rules\/additionalProperties\/anyOf\/(\d)/.exec(err.schemaPath);
    if (inRuleSetting) {
      const isObj = typeof valueAtPath(value, segments.slice(0, 2)) === 'object';
      if (!isObj || inRuleSetting[1] !== '1') continue;
    }
    let message = err.message ?? 'is invalid';
    if (err.keyword === 'anyOf') {
      if (typeof valueAtPath(value, segments) === 'object') continue;
      message = 'must be off, on, or an object with enabled, severity, paths, exclude';
    } else if (err.keyword === 'additionalProperties') {
      segments.push(String(err.params.additionalProperty));
      message = 'unknown setting';
    } else if (err.keyword === 'enum') {
      message = `must be one of ${(err.params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    } else if (err.keyword === 'required') {
      segments.push(String(err.params.missingProperty));
      message = 'is required';
    } else if (err.keyword === 'propertyNames') {
      segments.push(String(err.params.propertyName));
      message = 'is not a rule id (e.g. MAM-AUTH-001, ACME-001)';
    }
    const key = `${segments.join('.')}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue(segments, message));
  }
  return out;
}

function valueAtPath(value: unknown, path: Array<string | number>): unknown {
  let cur = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function scopeOf(paths?: string[], exclude?: string[]): ((path: string) => boolean) | undefined {
  if (!paths?.length && !exclude?.length) return undefined;
  const opts = { dot: true };
  const inc = paths?.length ? picomatch(paths, opts) : () => true;
  const exc = exclude?.length ? picomatch(exclude, opts) : () => false;
  return (path) => inc(path) && !exc(path);
}

/** The rules to run: the catalogue with settings applied, plus custom rules. */
export function applyConfig(catalogue: readonly Rule[], config?: AuditConfig): ActiveRule[] {
  const out: ActiveRule[] = [];
  for (const rule of catalogue) {
    const s = config?.rules[rule.id];
    if (s?.enabled === false) continue;
    const active: ActiveRule = { ...rule };
    if (s?.severity) active.severity = s.severity;
    const scope = scopeOf(s?.paths, s?.exclude);
    if (scope) active.scope = scope;
    out.push(active);
  }
  for (const c of config?.custom ?? []) {
    if (config?.rules[c.id]?.enabled === false) continue;
    const active: ActiveRule = {
      id: c.id,
      title: c.title,
      description: c.description ?? c.title,
      severity: config?.rules[c.id]?.severity ?? c.severity,
      owasp: c.owasp,
      remediation: c.remediation,
      compliance: c.compliance ?? [],
      given: c.given,
      then: c.then,
    };
    if (c.cwe !== undefined) active.cwe = c.cwe;
    const scope = scopeOf(c.paths ?? config?.rules[c.id]?.paths, c.exclude ?? config?.rules[c.id]?.exclude);
    if (scope) active.scope = scope;
    out.push(active);
  }
  return out;
}
