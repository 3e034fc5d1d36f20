// Positive security from a spec: a request must be an operation the spec has, with only the parameters
// it declares, each of the declared type and size, and a JSON body that validates against the
// operation's schema. Block mode rejects (403 with the reason); monitor mode lets it through and the
// exchange is recorded with the violation (a shadow call when the operation is unknown). No I/O.

import { Ajv, type ValidateFunction } from 'ajv';
import type { ApiSpec, Exchange, JsonSchema, SpecOperation, SpecParameter } from '../model/index.js';
import { matchOperation } from '../sources/spec.js';
import type { Mode, Rejection } from './guard.js';

export interface SpecViolation {
  /** `spec.unknown-operation` (shadow call), `spec.unknown-parameter`, `spec.invalid-parameter`, `spec.invalid-body`. */
  code: string;
  detail: string;
}

export class SpecGuard {
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  private readonly bodyValidators = new Map<SpecOperation, ValidateFunction | null>();
  /** Violations seen in monitor mode, by code (for stats and the record). */
  readonly counts = new Map<string, number>();

  constructor(private readonly spec: ApiSpec) {}

  /** The first violation of this request, if any. */
  violation(ex: Exchange): SpecViolation | undefined {
    const r = ex.request;
    const op = matchOperation(this.spec, r.method, r.host, r.path);
    if (!op) return { code: 'spec.unknown-operation', detail: `${r.method} ${r.path} is not in the spec` };
    const params = new Map<string, SpecParameter>();
    for (const p of op.parameters)
      params.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p);
    const seen = new Set<string>();
    for (const [name, value] of r.query) {
      const p = params.get(`query:${name}`);
      if (!p) return { code: 'spec.unknown-parameter', detail: `query parameter ${name} is not declared` };
      seen.add(`query:${name}`);
      const bad = checkValue(value, p.schema);
      if (bad) return { code: 'spec.invalid-parameter', detail: `query parameter ${name}: ${bad}` };
    }
    const tpl = op.path.split('/').filter(Boolean);
    const segs = r.path.split('/').filter(Boolean).slice(-tpl.length);
    for (let i = 0; i < tpl.length; i++) {
      const m = /^\{(.+)\}$/.exec(tpl[i]!);
      if (!m) continue;
      const p = params.get(`path:${m[1]}`);
      const bad = p ? checkValue(safeDecode(segs[i] ?? ''), p.schema) : undefined;
      if (bad) return { code: 'spec.invalid-parameter', detail: `path parameter ${m[1]}: ${bad}` };
    }
    for (const p of op.parameters) {
      if (!p.required || p.in !== 'query') continue;
      if (!seen.has(`query:${p.name}`))
        return { code: 'spec.invalid-parameter', detail: `query parameter ${p.name} is required` };
    }
    for (const p of op.parameters) {
      if (p.in !== 'header') continue;
      const v = r.headers[p.name.toLowerCase()];
      if (v === undefined) {
        if (p.required) return { code: 'spec.invalid-parameter', detail: `header ${p.name} is required` };
        continue;
      }
      const bad = checkValue(v, p.schema);
      if (bad) return { code: 'spec.invalid-parameter', detail: `header ${p.name}: ${bad}` };
    }
    const body = r.body;
    if (body && body.size > 0 && op.requestBody) {
      const validate = this.bodyValidator(op, body.mimeType);
      if (validate && !body.truncated) {
        let doc: unknown;
        try {
          doc = JSON.parse(body.text);
        } catch {
          return { code: 'spec.invalid-body', detail: 'body is not JSON' };
        }
        const unknown = unknownProperty(doc, jsonContent(op)?.schema);
        if (unknown)
          return { code: 'spec.unknown-parameter', detail: `body property ${unknown} is not declared` };
        if (!validate(doc)) {
          const e = validate.errors?.[0];
          return {
            code: 'spec.invalid-body',
            detail: `body${e?.instancePath ?? ''} ${e?.message ?? 'does not match the schema'}`,
          };
        }
      }
    } else if (body && body.size > 0 && !op.requestBody && r.method !== 'GET') {
      return { code: 'spec.unknown-parameter', detail: 'the operation takes no body' };
    }
    return undefined;
  }

  /** The rejection to send (block mode), or undefined; monitor mode only counts. */
  check(ex: Exchange, mode: Mode): Rejection | undefined {
    const v = this.violation(ex);
    if (!v) return undefined;
    this.counts.set(v.code, (this.counts.get(v.code) ?? 0) + 1);
    if (mode !== 'block') {
      ex.request.headers['x-mamori-spec'] = `${v.code}: ${v.detail}`.slice(0, 200);
      return undefined;
    }
    return {
      status: 403,
      body: { error: 'blocked', requestId: ex.id, reason: `${v.code}: ${v.detail}` },
      headers: {},
    };
  }

  private bodyValidator(op: SpecOperation, mime: string | undefined): ValidateFunction | null {
    if (mime !== undefined && !/json/.test(mime)) return null;
    let v = this.bodyValidators.get(op);
    if (v !== undefined) return v;
    const schema = jsonContent(op)?.schema;
    v = null;
    if (schema) {
      try {
        v = this.ajv.compile(stripRefs(schema, new WeakMap()) as object);
      } catch {
        v = null;
      }
    }
    this.bodyValidators.set(op, v);
    return v;
  }
}

function jsonContent(op: SpecOperation) {
  return op.requestBody?.content.find((c) => /json/.test(c.contentType));
}

/** A top-level property the schema does not declare (only when it declares some). */
function unknownProperty(doc: unknown, schema: JsonSchema | undefined): string | undefined {
  if (!schema || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const props = schema['properties'];
  if (!props || typeof props !== 'object' || schema['additionalProperties'] === true) return undefined;
  if (schema['allOf'] || schema['oneOf'] || schema['anyOf']) return undefined;
  for (const k of Object.keys(doc)) if (!(k in (props as object))) return k;
  return undefined;
}

/** Resolved schemas may be cyclic and carry OpenAPI-only keywords: copy with cycles cut. */
function stripRefs(node: unknown, seen: WeakMap<object, unknown>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (seen.has(node)) return {};
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    seen.set(node, out);
    for (const n of node) out.push(stripRefs(n, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(node, out);
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' || k === 'discriminator' || k === 'xml' || k === 'example' || k.startsWith('x-'))
      continue;
    if (k === 'nullable') continue;
    out[k] = stripRefs(v, seen);
  }
  if ((node as Record<string, unknown>)['nullable'] === true && typeof out['type'] === 'string')
    out['type'] = [out['type'], 'null'];
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** One parameter value against its (simple) schema: type, size, range, enum, pattern. */
export function checkValue(value: string, schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  const type = Array.isArray(schema['type'])
    ? (schema['type'] as string[])[0]
    : (schema['type'] as string | undefined);
  if (type === 'integer' && !/^-?\d+$/.test(value)) return 'must be an integer';
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value))))
    return 'must be a number';
  if (type === 'boolean' && value !== 'true' && value !== 'false') return 'must be true or false';
  if (type === 'integer' || type === 'number') {
    const n = Number(value);
    if (typeof schema['maximum'] === 'number' && n > schema['maximum'])
      return `must be at most ${schema['maximum']}`;
    if (typeof schema['minimum'] === 'number' && n < schema['minimum'])
      return `must be at least ${schema['minimum']}`;
  }
  if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength'])
    return `longer than ${schema['maxLength']} characters`;
  if (typeof schema['minLength'] === 'number' && value.length < schema['minLength'])
    return `shorter than ${schema['minLength']} characters`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).map(String).includes(value))
    return 'not an allowed value';
  if (typeof schema['pattern'] === 'string') {
    try {
      if (!new RegExp(schema['pattern'], 'u').test(value)) return 'does not match the pattern';
    } catch {
      /* a pattern JS cannot compile is not the client's fault */
    }
  }
  return undefined;
}
