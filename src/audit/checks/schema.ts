// Checkers over schema nodes of the spec index (inputs and responses).

import { luhn } from '../../sensitive/validators.js';
import type { CheckDef, Hit, SchemaNode } from '../types.js';
import { hintRegex, nameMatches } from './names.js';
import { isObject, isUnsecured, maskSecret, str } from './util.js';

function asSchema(node: { kind: string }): SchemaNode | undefined {
  return node.kind === 'schema' ? (node as SchemaNode) : undefined;
}

function where(n: SchemaNode): string {
  const place =
    n.role === 'response'
      ? `the ${n.status ?? ''} response of ${n.op.method} ${n.op.path}`
      : n.role === 'request'
        ? `the request body of ${n.op.method} ${n.op.path}`
        : `a parameter of ${n.op.method} ${n.op.path}`;
  return `${n.path ? `\`${n.path}\`` : 'the schema'} in ${place}`;
}

/** A schema of one of `types` must carry one of the keyword sets in `anyOf` (`[["maxLength"], ["enum"]]`). */
export const schemaRequires: CheckDef = {
  targets: ['schema'],
  options: {
    type: 'object',
    required: ['types', 'anyOf'],
    properties: {
      types: { type: 'array', items: { type: 'string' } },
      anyOf: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
      exemptFormats: { type: 'array', items: { type: 'string' } },
      onlyFormats: { type: 'array', items: { type: 'string' } },
    },
  },
  run(node, options) {
    const n = asSchema(node);
    if (!n) return [];
    const s = n.schema;
    const types = n.types;
    const wanted = (options.types as string[]) ?? [];
    const type = wanted.find((t) => types.has(t));
    if (!type) return [];
    const format = str(s.format);
    const exempt = options.exemptFormats as string[] | undefined;
    if (format && exempt?.includes(format)) return [];
    const only = options.onlyFormats as string[] | undefined;
    if (only && !(format && only.includes(format)) && !(only.includes('binary') && s.contentMediaType))
      return [];
    const sets = (options.anyOf as string[][]) ?? [];
    if (sets.some((set) => set.every((k) => s[k] !== undefined))) return [];
    const need = sets.map((set) => set.join('+')).join(' or ');
    return [{ message: `${type} ${where(n)} has no ${need}` }];
  },
};

/** `format` (or another keyword) of a typed schema must be one of `values`. */
export const schemaKeywordIn: CheckDef = {
  targets: ['schema'],
  options: {
    type: 'object',
    required: ['types', 'keyword', 'values'],
    properties: {
      types: { type: 'array', items: { type: 'string' } },
      keyword: { type: 'string' },
      values: { type: 'array' },
    },
  },
  run(node, options) {
    const n = asSchema(node);
    if (!n) return [];
    const types = n.types;
    if (!(options.types as string[]).some((t) => types.has(t))) return [];
    const keyword = options.keyword as string;
    const value = n.schema[keyword];
    if ((options.values as unknown[]).includes(value)) return [];
    return [
      {
        message: `${where(n)} has ${keyword} ${value === undefined ? '(none)' : JSON.stringify(value)}, expected one of ${(options.values as unknown[]).join(', ')}`,
      },
    ];
  },
};

/**
 * Objects open to properties nobody declared. `when`:
 * - `absent-or-true`: declared properties, but neither additionalProperties nor unevaluatedProperties is false;
 * - `true-or-schema`: `keyword` explicitly allows extra properties (true, or a schema);
 * - `schema-without-max`: `keyword` is a schema and maxProperties is missing.
 */
export const schemaOpenObject: CheckDef = {
  targets: ['schema'],
  options: {
    type: 'object',
    required: ['when'],
    properties: {
      when: { enum: ['absent-or-true', 'true-or-schema', 'schema-without-max'] },
      keyword: { enum: ['additionalProperties', 'unevaluatedProperties'] },
    },
  },
  run(node, options) {
    const n = asSchema(node);
    if (!n) return [];
    const s = n.schema;
    const types = n.types;
    if (!types.has('object')) return [];
    const keyword = (options.keyword as string | undefined) ?? 'additionalProperties';
    const value = s[keyword];
    const ptr = `${n.pointer}/${keyword}`;
    switch (options.when) {
      case 'absent-or-true': {
        if (!isObject(s.properties) || Object.keys(s.properties).length === 0) return [];
        if (s.additionalProperties === false || s.unevaluatedProperties === false) return [];
        if (isObject(s.additionalProperties) || isObject(s.unevaluatedProperties)) return [];
        return [
          {
            message: `${where(n)} accepts properties it does not declare (additionalProperties is ${s.additionalProperties === true ? 'true' : 'not set'})`,
          },
        ];
      }
      case 'true-or-schema':
        if (value === true || isObject(value))
          return [{ message: `${where(n)} allows extra properties through ${keyword}`, pointer: ptr }];
        return [];
      case 'schema-without-max':
        if (isObject(value) && s.maxProperties === undefined)
          return [{ message: `${where(n)} has a ${keyword} schema but no maxProperties`, pointer: ptr }];
        return [];
      default:
        return [];
    }
  },
};

/**
 * Property names matching hint sets (`password`, `card`, `privileged` … see names.ts).
 * `notReadOnly`: only properties a client may write; `notWriteOnly`: only those a server returns;
 * `unauthenticatedOnly`: only on operations without security; `exceptPaths`: skip operations whose path matches.
 */
export const schemaNameMatches: CheckDef = {
  targets: ['schema'],
  options: {
    type: 'object',
    required: ['hints'],
    properties: {
      hints: { type: 'array', items: { type: 'string' }, minItems: 1 },
      notReadOnly: { type: 'boolean' },
      notWriteOnly: { type: 'boolean' },
      requireWriteOnly: { type: 'boolean' },
      unauthenticatedOnly: { type: 'boolean' },
      exceptPaths: { type: 'string' },
      scalarOnly: { type: 'boolean' },
    },
  },
  run(node, options) {
    const n = asSchema(node);
    if (!n?.name || n.root) return [];
    if (options.notReadOnly && n.readOnly) return [];
    if (options.notWriteOnly && n.writeOnly) return [];
    if (options.requireWriteOnly && n.writeOnly) return [];
    if (options.unauthenticatedOnly && !isUnsecured(n.op.security)) return [];
    if (typeof options.exceptPaths === 'string') {
      if (hintRegex(options.exceptPaths).test(n.op.path)) return [];
    }
    if (options.scalarOnly) {
      const t = n.types;
      if (t.has('object') || t.has('array')) return [];
    }
    const hint = nameMatches(n.name, options.hints as string[]);
    if (!hint) return [];
    return [{ message: `property ${where(n)} looks like ${hint} data` }];
  },
};

/** `pattern` keywords: `unanchored` (no ^…$) or `redos` (nested quantifiers). */
export const schemaPattern: CheckDef = {
  targets: ['schema'],
  options: {
    type: 'object',
    required: ['mode'],
    properties: { mode: { enum: ['unanchored', 'redos'] } },
  },
  run(node, options) {
    const n = asSchema(node);
    const pattern = n ? str(n.schema.pattern) : undefined;
    if (!n || pattern === undefined) return [];
    const pointer = `${n.pointer}/pattern`;
    if (options.mode === 'unanchored') {
      if (pattern.startsWith('^') && pattern.endsWith('$') && !pattern.endsWith('\\$')) return [];
      return [{ message: `pattern of ${where(n)} is not anchored with ^…$`, pointer }];
    }
    // A quantified group that itself contains a quantifier: (a+)+, (\w*)*, (x+){2,}.
    if (/\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/.test(pattern))
      return [{ message: `pattern of ${where(n)} nests quantifiers (catastrophic backtracking)`, pointer }];
    return [];
  },
};

const SECRET_VALUE_PATTERNS: Array<[string, RegExp]> = [
  ['JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['AWS access key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN (RSA |EC |OPENSSH |)PRIVATE KEY-----/],
];

/** Secret-looking example or default values (JWTs, cloud keys, private keys, Luhn-valid card numbers). */
export function secretInValue(value: unknown, depth = 0): { kind: string; masked: string } | undefined {
  if (depth > 6) return undefined;
  if (typeof value === 'string') {
    for (const [kind, re] of SECRET_VALUE_PATTERNS) {
      const m = re.exec(value);
      if (m) return { kind, masked: maskSecret(m[0]) };
    }
    if (value.length < 13) return undefined; // too short for a card number (13–19 digits)
    const digits = value.replace(/[ -]/g, '');
    if (/^\d{13,19}$/.test(digits) && luhn(digits) && !/^(\d)\1+$/.test(digits))
      return /^(4111111111111111|5555555555554444|378282246310005|4242424242424242)$/.test(digits)
        ? undefined
        : { kind: 'card number', masked: maskSecret(digits) };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 50)) {
      const r = secretInValue(v, depth + 1);
      if (r) return r;
    }
  } else if (isObject(value)) {
    for (const v of Object.values(value).slice(0, 200)) {
      const r = secretInValue(v, depth + 1);
      if (r) return r;
    }
  }
  return undefined;
}

export const exampleSecret: CheckDef = {
  targets: ['schema', 'response'],
  run(node) {
    const hits: Hit[] = [];
    if (node.kind === 'schema') {
      for (const key of ['example', 'examples', 'default', 'const']) {
        const found = secretInValue(node.schema[key]);
        if (found)
          hits.push({
            message: `${key} of ${where(node)} holds a real-looking ${found.kind} (${found.masked})`,
            pointer: `${node.pointer}/${key}`,
          });
      }
    } else if (node.kind === 'response' && isObject(node.raw.content)) {
      for (const [ct, media] of Object.entries(node.raw.content)) {
        if (!isObject(media)) continue;
        for (const key of ['example', 'examples']) {
          const found = secretInValue(media[key]);
          if (found)
            hits.push({
              message: `${key} of the ${node.response.status} response of ${node.op.method} ${node.op.path} holds a real-looking ${found.kind} (${found.masked})`,
              pointer: `${node.pointer}/content/${ct.replaceAll('~', '~0').replaceAll('/', '~1')}/${key}`,
            });
        }
      }
    }
    return hits;
  },
};
