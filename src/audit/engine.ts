// The audit engine: runs rules (data) over the shared spec index and over inventory endpoints, and turns
// checker hits into Findings with locations, evidence and stable fingerprints. No I/O.

import {
  type ApiSpec,
  type Endpoint,
  type Finding,
  SEVERITY_RANK,
  type SpecLocation,
  type SpecOperation,
} from '../model/index.js';
import { CHECKS } from './checks/index.js';
import { buildSpecIndex, type SpecIndex } from './spec-index.js';
import type { AnyNode, CheckContext, CheckDef, EndpointNode, Hit, Rule, Target } from './types.js';

/** A rule as the engine runs it: the catalogue's rule after configuration (severity, scope). */
export interface ActiveRule extends Omit<Rule, 'fixtures'> {
  /** Only nodes whose operation / endpoint path passes (config `paths` / `exclude` globs). */
  scope?: (path: string) => boolean;
}

const INPUT_ROLES = new Set(['parameter', 'request']);

function nodesOf(target: Target, index: SpecIndex): readonly AnyNode[] {
  switch (target) {
    case 'document':
      return [{ kind: 'document', pointer: '' }];
    case 'server':
      return index.servers;
    case 'security-scheme':
      return index.schemes;
    case 'operation':
      return index.operations;
    case 'parameter':
      return index.parameters;
    case 'response':
      return index.responses;
    case 'schema':
      return index.schemas;
    case 'endpoint':
      return [];
  }
}

function opOf(node: AnyNode): SpecOperation | undefined {
  switch (node.kind) {
    case 'operation':
    case 'parameter':
    case 'response':
    case 'schema':
      return node.op;
    default:
      return undefined;
  }
}

const statusRegexes = new Map<string, RegExp>();

function statusRegex(source: string): RegExp {
  let re = statusRegexes.get(source);
  if (!re) {
    re = new RegExp(source, 'i');
    statusRegexes.set(source, re);
  }
  return re;
}

/** What a rule's `given.roles` allow, worked out once per rule rather than once per schema node. */
interface RoleFilter {
  inputOnly: boolean;
  responseOnly: boolean;
}

function roleFilter(rule: ActiveRule): RoleFilter {
  const roles = rule.given.roles ?? [];
  return {
    inputOnly: roles.length > 0 && roles.every((r) => INPUT_ROLES.has(r)),
    responseOnly: roles.length > 0 && roles.every((r) => r === 'response'),
  };
}

function passesGiven(rule: ActiveRule, node: AnyNode, roles: RoleFilter = roleFilter(rule)): boolean {
  const g = rule.given;
  const op = opOf(node);
  if (g.methods && op && !g.methods.includes(op.method)) return false;
  if (g.methods && node.kind === 'endpoint' && !g.methods.includes(node.endpoint.method)) return false;
  if (node.kind === 'schema' && g.roles) {
    if (!g.roles.includes(node.role)) return false;
    // readOnly properties are not inputs; writeOnly ones are never returned.
    if (roles.inputOnly && node.readOnly) return false;
    if (roles.responseOnly && node.writeOnly) return false;
  }
  if (g.in && node.kind === 'parameter' && !g.in.includes(node.param.in)) return false;
  if (g.status && node.kind === 'response' && !statusRegex(g.status).test(node.response.status)) return false;
  if (rule.scope) {
    const path = op?.path ?? (node.kind === 'endpoint' ? node.endpoint.path : undefined);
    if (path !== undefined && !rule.scope(path)) return false;
  }
  return true;
}

/**
 * Stable 64-bit fingerprint (16 hex digits) of the parts: two 32-bit FNV-1a/murmur-mixed lanes. Not a
 * security hash — it only has to be stable and spread well; node's crypto hash cost ~40 µs a call here.
 */
export function fingerprint(...parts: string[]): string {
  // Hashes the parts joined by NUL without building the joined string (one per finding, ~10^5 on a large spec).
  let length = Math.max(0, parts.length - 1);
  for (const p of parts) length += p.length;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ length;
  for (let k = 0; k < parts.length; k++) {
    if (k > 0) {
      h1 = Math.imul(h1, 0x01000193);
      h2 = Math.imul(h2, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    const text = parts[k]!;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function nodePointer(node: AnyNode): { pointer: string; file?: string } {
  switch (node.kind) {
    case 'schema':
      return { pointer: node.pointer, file: node.file };
    case 'endpoint':
      return { pointer: '' };
    default:
      return { pointer: node.pointer };
  }
}

/** Locations of one spec, cached per file + pointer (many rules report the same operation or response). */
function locator(spec: ApiSpec): (pointer: string, file: string) => SpecLocation {
  const cache = new Map<string, { line: number; column: number }>();
  return (pointer, file) => {
    const key = `${file}#${pointer}`;
    let at = cache.get(key);
    if (!at) {
      at = { line: 1, column: 1 };
      try {
        at = spec.locate(pointer, file === spec.file ? undefined : file);
      } catch {
        // A pointer the locator cannot place (synthesised for a Postman request) stays at the file start.
      }
      cache.set(key, at);
    }
    return { file, pointer, line: at.line, column: at.column };
  };
}

function baseFinding(rule: ActiveRule, id: string, hit: Hit): Finding {
  const f: Finding = {
    id,
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    owasp: rule.owasp,
    compliance: rule.compliance,
    evidence: hit.evidence ?? [],
    description: hit.message,
    remediation: rule.remediation,
  };
  if (rule.cwe !== undefined) f.cwe = rule.cwe;
  return f;
}

/** A rule ready to run: its checker looked up once, its options defaulted. */
interface Prepared {
  rule: ActiveRule;
  check: CheckDef;
  options: Record<string, unknown>;
  roles: RoleFilter;
}

/** Node kinds of a spec in the order the engine visits them (findings are sorted afterwards). */
const SPEC_TARGETS: readonly Target[] = [
  'document',
  'server',
  'security-scheme',
  'operation',
  'parameter',
  'response',
  'schema',
];

function prepare(rules: readonly ActiveRule[]): Map<Target, Prepared[]> {
  const byTarget = new Map<Target, Prepared[]>();
  for (const rule of rules) {
    const check = CHECKS[rule.then.check];
    if (!check) throw new Error(`rule ${rule.id}: unknown check ${rule.then.check}`);
    let list = byTarget.get(rule.given.target);
    if (!list) {
      list = [];
      byTarget.set(rule.given.target, list);
    }
    list.push({ rule, check, options: rule.then.options ?? {}, roles: roleFilter(rule) });
  }
  return byTarget;
}

/**
 * Spec findings of `rules` (non-endpoint targets) on one spec. The index is one walk of the document;
 * each node of it is visited once and handed to every rule of its kind (not one pass over the nodes
 * per rule), so the cost is one traversal plus the checks themselves.
 */
export function auditSpec(
  spec: ApiSpec,
  rules: readonly ActiveRule[],
  index = buildSpecIndex(spec),
): Finding[] {
  const ctx: CheckContext = { spec, index };
  const locate = locator(spec);
  const out = new Map<string, Finding>();
  const byTarget = prepare(rules);
  for (const target of SPEC_TARGETS) {
    const prepared = byTarget.get(target);
    if (!prepared) continue;
    // Schema nodes are most of a spec: hand each only the rules of its role (input or response).
    const byRole =
      target === 'schema'
        ? new Map(
            (['parameter', 'request', 'response'] as const).map((role) => [
              role,
              prepared.filter((p) => !p.rule.given.roles || p.rule.given.roles.includes(role)),
            ]),
          )
        : undefined;
    for (const node of nodesOf(target, index)) {
      let at: { pointer: string; file?: string } | undefined;
      const candidates = (node.kind === 'schema' && byRole?.get(node.role)) || prepared;
      for (const { rule, check, options, roles } of candidates) {
        if (!passesGiven(rule, node, roles)) continue;
        const hits = check.run(node, options, ctx);
        if (hits.length === 0) continue;
        at ??= nodePointer(node);
        for (const hit of hits) {
          const pointer = hit.pointer ?? at.pointer;
          const file = hit.file ?? at.file ?? spec.file;
          const id = fingerprint(rule.id, file, pointer);
          if (out.has(id)) continue;
          const f = baseFinding(rule, id, hit);
          f.location = locate(pointer, file);
          const op = opOf(node);
          if (op) {
            f.method = op.method;
            f.path = op.path;
            const host = op.servers[0]?.host;
            if (host) f.host = host;
          }
          out.set(id, f);
        }
      }
    }
  }
  return [...out.values()];
}

/** Match an endpoint to the spec operation that documents it (endpoint.spec names file, method, path). */
function specOpOf(e: Endpoint, specs: readonly ApiSpec[]): EndpointNode['specOp'] {
  if (!e.spec) return undefined;
  const spec = specs.find((s) => s.file === e.spec!.file) ?? (specs.length === 1 ? specs[0] : undefined);
  const op = spec?.operations.find((o) => o.method === e.method && o.path === e.spec!.path);
  return spec && op ? { spec, op } : undefined;
}

/** Traffic findings of `rules` (endpoint targets) over inventory endpoints. */
export function auditEndpoints(
  endpoints: readonly Endpoint[],
  specs: readonly ApiSpec[],
  rules: readonly ActiveRule[],
): Finding[] {
  const out = new Map<string, Finding>();
  const endpointRules = rules.filter((r) => r.given.target === 'endpoint');
  for (const endpoint of endpoints) {
    const node: EndpointNode = { kind: 'endpoint', endpoint };
    const specOp = specOpOf(endpoint, specs);
    if (specOp) node.specOp = specOp;
    for (const rule of endpointRules) {
      const check = CHECKS[rule.then.check];
      if (!check) throw new Error(`rule ${rule.id}: unknown check ${rule.then.check}`);
      if (!passesGiven(rule, node)) continue;
      for (const hit of check.run(node, rule.then.options ?? {}, {})) {
        const id = fingerprint(rule.id, endpoint.host, endpoint.method, endpoint.path);
        if (out.has(id)) continue;
        const f = baseFinding(rule, id, hit);
        f.host = endpoint.host;
        f.method = endpoint.method;
        f.path = endpoint.path;
        out.set(id, f);
      }
    }
  }
  return [...out.values()];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Worst first; then by place, so output is stable (code-unit order: locale-independent and fast). */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.location?.file ?? a.host ?? '', b.location?.file ?? b.host ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      cmp(a.path ?? '', b.path ?? '') ||
      cmp(a.method ?? '', b.method ?? '') ||
      cmp(a.rule ?? '', b.rule ?? ''),
  );
}

export interface AuditRun {
  specs: readonly ApiSpec[];
  endpoints?: readonly Endpoint[];
  rules: readonly ActiveRule[];
}

/** Spec rules on every spec plus traffic rules on the endpoints, sorted worst first. */
export function runAudit(run: AuditRun): Finding[] {
  // Concatenate without spreading: a huge spec yields more findings than a call can take as arguments.
  let findings: Finding[] = [];
  for (const spec of run.specs) findings = findings.concat(auditSpec(spec, run.rules));
  if (run.endpoints) findings = findings.concat(auditEndpoints(run.endpoints, run.specs, run.rules));
  return sortFindings(findings);
}
