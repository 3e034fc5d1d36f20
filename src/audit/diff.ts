// Security diff for pull requests: what HEAD made worse than BASE. New findings (matched by rule + pointer,
// so moved lines do not count), plus semantic regressions no single-spec rule sees: authentication removed
// from an operation, new sensitive fields in responses, inputs widened (bounds, enums, patterns dropped).

import type { ApiSpec, Finding, JsonSchema, SpecOperation } from '../model/index.js';
import { nameMatches } from './checks/names.js';
import { hasAnonymousAlternative, isObject, isUnsecured, schemaTypes } from './checks/util.js';
import { complianceOf } from './compliance.js';
import { type ActiveRule, auditSpec, fingerprint, sortFindings } from './engine.js';
import { buildSpecIndex } from './spec-index.js';
import type { RuleMeta } from './types.js';

export const DIFF_RULES: readonly RuleMeta[] = [
  {
    id: 'MAM-DIFF-001',
    title: 'Authentication removed from an operation',
    description:
      'The operation required credentials in the base spec and no longer does (or now also accepts anonymous calls).',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 306,
    compliance: complianceOf('authentication'),
    remediation:
      'Restore the security requirement, or get an explicit security review for making the operation public.',
  },
  {
    id: 'MAM-DIFF-002',
    title: 'New sensitive field in a response',
    description:
      'A response now returns a field that looks sensitive (password, token, national id, card, health, bank, personal data) that the base spec did not return.',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 359,
    compliance: complianceOf('personal-data'),
    remediation:
      'Confirm the field must be returned to every caller of the operation; otherwise remove or mask it.',
  },
  {
    id: 'MAM-DIFF-003',
    title: 'Input widened',
    description:
      'An input accepts more than before: a maxLength, maxItems, maximum, minimum, enum, pattern or format was removed or relaxed, or an object was opened to extra properties.',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 20,
    compliance: complianceOf('development'),
    remediation: 'Keep the previous bound unless the wider input is needed and handled safely.',
  },
];

const SENSITIVE_HINTS = [
  'password',
  'secret',
  'token',
  'national-id',
  'card',
  'card-auth-data',
  'health',
  'bank',
  'pii',
  // The sensitive-data catalogue's field-name hints (with its exclusions).
  ...[
    'PASSWORD',
    'US_SSN',
    'JP_MY_NUMBER',
    'PASSPORT_NUMBER',
    'CREDIT_CARD',
    'HEALTH_RECORD',
    'BANK_ACCOUNT',
  ],
  ...['EMAIL', 'PHONE', 'DATE_OF_BIRTH', 'POSTAL_ADDRESS', 'PERSON_NAME'],
].map((h) => (/^[A-Z_]+$/.test(h) ? `type:${h}` : h));

function opKey(op: SpecOperation): string {
  // Template parameter names may be renamed between versions without changing the operation.
  return `${op.method} ${op.path.replace(/\{[^}]*\}/g, '{}')}`;
}

function diffFinding(
  rule: RuleMeta,
  head: ApiSpec,
  op: SpecOperation,
  pointer: string,
  what: string,
  message: string,
): Finding {
  let at = { line: 1, column: 1 };
  try {
    at = head.locate(pointer);
  } catch {
    // Stays at the file start.
  }
  const f: Finding = {
    id: fingerprint(rule.id, op.method, op.path, what),
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    owasp: rule.owasp,
    compliance: rule.compliance,
    method: op.method,
    path: op.path,
    location: { file: head.file, pointer, line: at.line, column: at.column },
    evidence: [],
    description: message,
    remediation: rule.remediation,
  };
  if (rule.cwe !== undefined) f.cwe = rule.cwe;
  return f;
}

/** Property paths of a resolved schema (`$.a.b`, `$.items[].c`) → their schema; cycles and depth cut. */
function fields(
  schema: JsonSchema | undefined,
  prefix = '$',
  out = new Map<string, JsonSchema>(),
  depth = 0,
  seen = new Set<object>(),
): Map<string, JsonSchema> {
  // `seen` holds the ancestors only: a schema reused in two places (YAML aliases) is walked twice, a cycle once.
  if (!schema || depth > 10 || seen.has(schema)) return out;
  seen.add(schema);
  out.set(prefix, schema);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) if (isObject(s)) fields(s, prefix, out, depth + 1, seen);
  }
  if (isObject(schema.properties))
    for (const [name, sub] of Object.entries(schema.properties))
      if (isObject(sub)) fields(sub, `${prefix}.${name}`, out, depth + 1, seen);
  if (isObject(schema.items)) fields(schema.items, `${prefix}[]`, out, depth + 1, seen);
  seen.delete(schema);
  return out;
}

function responseFields(op: SpecOperation): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const r of op.responses) {
    if (!/^2/.test(r.status)) continue;
    for (const c of r.content) if (c.schema) fields(c.schema, '$', out);
  }
  return out;
}

function inputFields(op: SpecOperation): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const p of op.parameters) if (p.schema) fields(p.schema, `${p.in}.${p.name}`, out);
  for (const c of op.requestBody?.content ?? []) if (c.schema) fields(c.schema, 'body', out);
  return out;
}

/** What makes `head` accept more than `base`, in words; empty when nothing widened. */
export function widenings(base: JsonSchema, head: JsonSchema): string[] {
  const out: string[] = [];
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  for (const key of ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'] as const) {
    const b = num(base[key]);
    const h = num(head[key]);
    if (b === undefined) continue;
    if (h === undefined) out.push(`${key} ${b} removed`);
    else if (h > b) out.push(`${key} raised ${b} → ${h}`);
  }
  for (const key of ['minimum', 'exclusiveMinimum', 'minLength'] as const) {
    const b = num(base[key]);
    const h = num(head[key]);
    if (b === undefined) continue;
    if (h === undefined) out.push(`${key} ${b} removed`);
    else if (h < b) out.push(`${key} lowered ${b} → ${h}`);
  }
  if (Array.isArray(base.enum)) {
    if (!Array.isArray(head.enum)) out.push('enum removed');
    else {
      const added = head.enum.filter(
        (v) => !(base.enum as unknown[]).some((b) => JSON.stringify(b) === JSON.stringify(v)),
      );
      if (added.length > 0) out.push(`enum gained ${added.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
  if (base.const !== undefined && head.const === undefined && !Array.isArray(head.enum))
    out.push('const removed');
  if (typeof base.pattern === 'string' && head.pattern === undefined) out.push('pattern removed');
  else if (typeof base.pattern === 'string' && head.pattern !== base.pattern) out.push('pattern changed');
  if (typeof base.format === 'string' && head.format === undefined) out.push(`format ${base.format} removed`);
  if (
    base.additionalProperties === false &&
    head.additionalProperties !== false &&
    head.unevaluatedProperties !== false
  )
    out.push('object opened to additional properties');
  const bt = schemaTypes(base);
  const ht = schemaTypes(head);
  if (bt.size > 0 && ht.size === 0) out.push('type removed');
  else if ([...ht].some((t) => !bt.has(t)) && bt.size > 0) out.push(`type widened to ${[...ht].join('|')}`);
  return out;
}

/** Semantic regressions between matched operations. */
function regressions(base: ApiSpec, head: ApiSpec): Finding[] {
  const out: Finding[] = [];
  const baseOps = new Map(base.operations.map((o) => [opKey(o), o]));
  const headIndex = buildSpecIndex(head);
  const schemaPointer = new Map<string, string>();
  for (const n of headIndex.schemas) {
    const key = `${n.role === 'response' ? 'resp' : 'in'}|${opKey(n.op)}|${n.path}`;
    if (!schemaPointer.has(key)) schemaPointer.set(key, n.pointer);
  }
  const [authRule, fieldRule, widenRule] = DIFF_RULES as [RuleMeta, RuleMeta, RuleMeta];
  for (const op of head.operations) {
    const before = baseOps.get(opKey(op));
    if (!before) continue;
    const lostAuth =
      (!isUnsecured(before.security) && isUnsecured(op.security)) ||
      (!isUnsecured(before.security) &&
        !hasAnonymousAlternative(before.security) &&
        hasAnonymousAlternative(op.security));
    if (lostAuth)
      out.push(
        diffFinding(
          authRule,
          head,
          op,
          op.pointer,
          'auth',
          `${op.method} ${op.path} no longer requires authentication`,
        ),
      );

    const baseResp = responseFields(before);
    for (const [path] of responseFields(op)) {
      if (baseResp.has(path) || path === '$') continue;
      const name =
        path
          .split(/[.[\]]+/)
          .filter(Boolean)
          .pop() ?? '';
      const hint = nameMatches(name, SENSITIVE_HINTS);
      if (!hint) continue;
      const rel = path.replace(/^\$\.?/, '').replaceAll('[]', '');
      const pointer = schemaPointer.get(`resp|${opKey(op)}|${rel}`) ?? op.pointer;
      out.push(
        diffFinding(
          fieldRule,
          head,
          op,
          pointer,
          `field:${path}`,
          `${op.method} ${op.path} now returns ${path} (${hint} data)`,
        ),
      );
    }

    const baseIn = inputFields(before);
    for (const [path, schema] of inputFields(op)) {
      const was = baseIn.get(path);
      if (!was) continue;
      const widened = widenings(was, schema);
      if (widened.length === 0) continue;
      const rel = path
        .replace(/^body\.?/, '')
        .replace(/^(query|path|header|cookie|formData)\./, '')
        .replaceAll('[]', '');
      const pointer =
        schemaPointer.get(`in|${opKey(op)}|${rel}`) ??
        `${op.pointer}/${path.startsWith('body') ? 'requestBody' : 'parameters'}`;
      out.push(
        diffFinding(
          widenRule,
          head,
          op,
          pointer,
          `input:${path}`,
          `${op.method} ${op.path}: ${path} ${widened.join('; ')}`,
        ),
      );
    }
  }
  return out;
}

/** Where a finding sits independent of the file name (BASE and HEAD are different files). */
function placeKey(f: Finding, spec: ApiSpec): string {
  const file = f.location && f.location.file !== spec.file ? f.location.file : '';
  return `${f.rule}|${file}|${f.location?.pointer ?? ''}`;
}

/** Findings HEAD has and BASE has not, plus semantic regressions; worst first. */
export function diffSpecs(base: ApiSpec, head: ApiSpec, rules: readonly ActiveRule[]): Finding[] {
  const before = new Set(auditSpec(base, rules).map((f) => placeKey(f, base)));
  const fresh = auditSpec(head, rules).filter((f) => !before.has(placeKey(f, head)));
  return sortFindings(regressions(base, head).concat(fresh));
}
