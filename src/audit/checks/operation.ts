// Checkers over operations, their parameters and their responses.

import type { SpecOperation } from '../../model/index.js';
import type { CheckContext, CheckDef, OperationNode } from '../types.js';
import { hintRegex, nameMatches, normaliseName } from './names.js';
import {
  hasAnonymousAlternative,
  headerNames,
  isObject,
  isUnsecured,
  opLabel,
  schemaTypes,
  str,
} from './util.js';

function asOp(node: { kind: string }): OperationNode | undefined {
  return node.kind === 'operation' ? (node as OperationNode) : undefined;
}

/** No security requirement (or only anonymous ones); with `anonymousAlternative`, secured but `{}` allowed too. */
export const operationUnsecured: CheckDef = {
  targets: ['operation'],
  options: { type: 'object', properties: { anonymousAlternative: { type: 'boolean' } } },
  run(node, options) {
    const n = asOp(node);
    if (!n) return [];
    if (options.anonymousAlternative) {
      return hasAnonymousAlternative(n.op.security)
        ? [{ message: `${opLabel(n.op)} accepts anonymous calls besides its security schemes` }]
        : [];
    }
    return isUnsecured(n.op.security) ? [{ message: `${opLabel(n.op)} requires no authentication` }] : [];
  },
};

function statusMatches(status: string, wanted: string): boolean {
  if (status === wanted) return true;
  const s = status.toUpperCase();
  const w = wanted.toUpperCase();
  // `4XX` in the spec covers a wanted `401`; a wanted `4XX` is covered by any 4xx.
  if (/^[1-5]XX$/.test(s) && w[0] === s[0] && /^\d{3}$/.test(w)) return true;
  if (/^[1-5]XX$/.test(w) && s[0] === w[0]) return true;
  return false;
}

/**
 * The operation documents none of `statuses`. `requireContent`: the matching response must also have a body
 * schema; `onlySecured`: only judged on operations that require authentication; `onlyWithPathParams`: only
 * on operations addressing one object; `pathHint`: only on operations whose path matches the hint.
 */
export const operationMissingResponse: CheckDef = {
  targets: ['operation'],
  options: {
    type: 'object',
    required: ['statuses'],
    properties: {
      statuses: { type: 'array', items: { type: 'string' }, minItems: 1 },
      requireContent: { type: 'boolean' },
      onlySecured: { type: 'boolean' },
      onlyWithPathParams: { type: 'boolean' },
      pathHint: { type: 'string' },
      rateLimitHeadersSatisfy: { type: 'boolean' },
    },
  },
  run(node, options) {
    const n = asOp(node);
    if (!n) return [];
    const op = n.op;
    if (options.onlySecured && isUnsecured(op.security)) return [];
    if (options.onlyWithPathParams && !op.parameters.some((p) => p.in === 'path')) return [];
    if (typeof options.pathHint === 'string' && !hintRegex(options.pathHint).test(op.path)) return [];
    if (op.responses.length === 0) return [];
    const statuses = options.statuses as string[];
    const matching = op.responses.filter((r) => statuses.some((w) => statusMatches(r.status, w)));
    if (matching.length > 0) {
      if (!options.requireContent) return [];
      if (matching.some((r) => r.content.some((c) => c.schema !== undefined))) return [];
      return [
        {
          message: `${opLabel(op)} documents ${matching.map((r) => r.status).join(', ')} without a body schema`,
          pointer: matching[0]!.pointer,
        },
      ];
    }
    if (options.rateLimitHeadersSatisfy) {
      const rl = /^(x-)?rate-?limit/i;
      if (op.responses.some((r) => r.headers.some((h) => rl.test(h)))) return [];
    }
    return [
      {
        message: `${opLabel(op)} documents no ${statuses.join('/')} response`,
        pointer: `${op.pointer}/responses`,
      },
    ];
  },
};

/** A response (narrowed by `given.status`) declares none of `anyHeaders`. */
export const responseMissingHeader: CheckDef = {
  targets: ['response'],
  options: {
    type: 'object',
    required: ['anyHeaders'],
    properties: { anyHeaders: { type: 'array', items: { type: 'string' }, minItems: 1 } },
  },
  run(node, options) {
    if (node.kind !== 'response') return [];
    const have = headerNames(node.raw, node.response.headers);
    const wanted = (options.anyHeaders as string[]).map((h) => h.toLowerCase());
    if (wanted.some((h) => have.has(h))) return [];
    return [
      {
        message: `${node.response.status} response of ${opLabel(node.op)} declares no ${(options.anyHeaders as string[]).join(' / ')} header`,
      },
    ];
  },
};

/** A response (narrowed by `given.status`) has no body schema. */
export const responseWithoutSchema: CheckDef = {
  targets: ['response'],
  run(node) {
    if (node.kind !== 'response') return [];
    if (node.response.content.some((c) => c.schema !== undefined)) return [];
    return [{ message: `${node.response.status} response of ${opLabel(node.op)} has no body schema` }];
  },
};

/** Every node the rule's `given` selects (e.g. `methods: [TRACE]`, deprecated filter). */
export const always: CheckDef = {
  targets: ['server', 'security-scheme', 'operation', 'parameter', 'response', 'schema'],
  run(node) {
    const label =
      node.kind === 'operation' || node.kind === 'parameter' || node.kind === 'response'
        ? opLabel(node.op)
        : node.kind;
    return [{ message: `${label} matches` }];
  },
};

export const operationDeprecated: CheckDef = {
  targets: ['operation'],
  run(node) {
    const n = asOp(node);
    return n?.op.deprecated ? [{ message: `${opLabel(n.op)} is deprecated but still published` }] : [];
  },
};

/** Request bodies accepting any media type. */
export const requestAnyContent: CheckDef = {
  targets: ['operation'],
  run(node) {
    const n = asOp(node);
    const media = n?.op.requestBody?.content.find((c) => c.contentType === '*/*');
    return n && media
      ? [{ message: `${opLabel(n.op)} accepts a request body of any media type`, pointer: media.pointer }]
      : [];
  },
};

export const operationWithoutResponses: CheckDef = {
  targets: ['operation'],
  run(node) {
    const n = asOp(node);
    if (!n) return [];
    if (n.op.responses.some((r) => r.status !== 'default')) return [];
    return [{ message: `${opLabel(n.op)} documents no concrete response status` }];
  },
};

const PAGINATION = /^(limit|pagesize|perpage|size|maxresults|maxitems|top|first|last|count|pagelimit|take)$/;

/** GET operations returning a list (array root, or an array under items/data/results) with no size limit parameter. */
export const listWithoutPagination: CheckDef = {
  targets: ['operation'],
  run(node) {
    const n = asOp(node);
    if (n?.op.method !== 'GET') return [];
    if (n.op.parameters.some((p) => p.in === 'query' && PAGINATION.test(normaliseName(p.name)))) return [];
    for (const r of n.op.responses) {
      if (!/^2/.test(r.status)) continue;
      for (const media of r.content) {
        const s = media.schema;
        if (!s) continue;
        if (returnsList(s))
          return [{ message: `${opLabel(n.op)} returns a list with no limit/page-size parameter` }];
      }
    }
    return [];
  },
};

function returnsList(s: Record<string, unknown>): boolean {
  const types = schemaTypes(s);
  if (types.has('array') && s.maxItems === undefined) return true;
  if (types.has('object') && isObject(s.properties)) {
    for (const key of ['items', 'data', 'results', 'records', 'entries', 'content', 'list']) {
      const p = s.properties[key];
      if (isObject(p) && schemaTypes(p).has('array') && p.maxItems === undefined) return true;
    }
  }
  return false;
}

const OBJECT_AUTHZ_TEXT =
  /\b(owner|owned|own|authori[sz]|permission|access control|belongs? to|tenant|acl|only the|caller'?s)\b/i;

/** Integer object ids in the path with no sign of object-level authorisation (403, text, x-… extension). */
export const sequentialIdWithoutAuthz: CheckDef = {
  targets: ['operation'],
  run(node) {
    const n = asOp(node);
    if (!n) return [];
    const idParam = n.op.parameters.find(
      (p) =>
        p.in === 'path' &&
        (p.name === 'id' || /(_id|Id|-id|ID)$/.test(p.name)) &&
        p.schema !== undefined &&
        schemaTypes(p.schema).has('integer'),
    );
    if (!idParam) return [];
    if (n.op.responses.some((r) => r.status === '403')) return [];
    const text = `${n.op.summary ?? ''} ${n.op.description ?? ''}`;
    if (OBJECT_AUTHZ_TEXT.test(text)) return [];
    if (Object.keys(n.op.extensions).some((k) => /auth|owner|acl|permission/i.test(k))) return [];
    return [
      {
        message: `${opLabel(n.op)} addresses objects by sequential integer \`${idParam.name}\` with no object-level authorisation (no 403, no owner/permission note)`,
        pointer: idParam.pointer,
      },
    ];
  },
};

/** Per operation: asked once per operation by two rules and again for the spec's non-admin summary. */
const adminOps = new WeakMap<SpecOperation, boolean>();

function isAdminOp(op: SpecOperation): boolean {
  let admin = adminOps.get(op);
  if (admin === undefined) {
    admin =
      hintRegex('admin-path').test(op.path) ||
      op.tags.some((t) => /^admin/i.test(t)) ||
      /^admin/i.test(op.operationId ?? '');
    adminOps.set(op, admin);
  }
  return admin;
}

interface AdminSummary {
  schemes: Set<string>;
  scopes: Set<string>;
}

const adminCache = new WeakMap<object, AdminSummary>();

function nonAdminSecurity(ctx: CheckContext): AdminSummary {
  const key = ctx.index ?? ctx;
  let s = adminCache.get(key);
  if (!s) {
    s = { schemes: new Set(), scopes: new Set() };
    for (const o of ctx.index?.operations ?? []) {
      if (isAdminOp(o.op)) continue;
      for (const req of o.op.security ?? [])
        for (const [name, scopes] of Object.entries(req)) {
          s.schemes.add(name);
          for (const sc of scopes) s.scopes.add(`${name}:${sc}`);
        }
    }
    adminCache.set(key, s);
  }
  return s;
}

/**
 * Admin operations (path, tag or operationId say admin) must be told apart from ordinary ones:
 * `mode: schemes` — by a security scheme no ordinary operation uses; `mode: scopes` — by a scope no ordinary
 * operation needs.
 */
export const adminNotDistinct: CheckDef = {
  targets: ['operation'],
  options: { type: 'object', required: ['mode'], properties: { mode: { enum: ['schemes', 'scopes'] } } },
  run(node, options, ctx) {
    const n = asOp(node);
    if (!n || !isAdminOp(n.op) || isUnsecured(n.op.security)) return [];
    const others = nonAdminSecurity(ctx);
    const reqs = (n.op.security ?? []).filter((r) => Object.keys(r).length > 0);
    if (options.mode === 'schemes') {
      if (others.schemes.size === 0) return [];
      const distinct = reqs.every((r) => Object.keys(r).some((name) => !others.schemes.has(name)));
      return distinct
        ? []
        : [
            {
              message: `${opLabel(n.op)} is an admin operation secured only by schemes ordinary operations use`,
            },
          ];
    }
    const distinct = reqs.every((r) =>
      Object.entries(r).some(([name, scopes]) => scopes.some((sc) => !others.scopes.has(`${name}:${sc}`))),
    );
    return distinct
      ? []
      : [
          {
            message: `${opLabel(n.op)} is an admin operation requiring no scope beyond what ordinary operations need`,
          },
        ];
  },
};

/**
 * Parameter names matching hint sets (names.ts) or a case-sensitive `rawPattern`; `formats` also match on the
 * schema format; `schemaTypes` narrows to those types; `opResponses` only when the operation has a matching status.
 */
export const parameterNameMatches: CheckDef = {
  targets: ['parameter'],
  options: {
    type: 'object',
    properties: {
      hints: { type: 'array', items: { type: 'string' } },
      rawPattern: { type: 'string' },
      formats: { type: 'array', items: { type: 'string' } },
      schemaTypes: { type: 'array', items: { type: 'string' } },
      opResponses: { type: 'string' },
      exceptNames: { type: 'string' },
    },
  },
  run(node, options) {
    if (node.kind !== 'parameter') return [];
    const p = node.param;
    if (typeof options.exceptNames === 'string' && hintRegex(options.exceptNames).test(normaliseName(p.name)))
      return [];
    const types = p.schema ? schemaTypes(p.schema) : new Set<string>();
    const wantTypes = options.schemaTypes as string[] | undefined;
    if (wantTypes && !wantTypes.some((t) => types.has(t))) return [];
    if (typeof options.opResponses === 'string') {
      const re = new RegExp(options.opResponses);
      if (!node.op.responses.some((r) => re.test(r.status))) return [];
    }
    let why: string | undefined;
    const hints = options.hints as string[] | undefined;
    if (hints) {
      const hint = nameMatches(p.name, hints);
      if (hint) why = `named like ${hint}`;
    }
    if (!why && typeof options.rawPattern === 'string' && new RegExp(options.rawPattern).test(p.name))
      why = `name matches ${options.rawPattern}`;
    const formats = options.formats as string[] | undefined;
    const format = p.schema ? str(p.schema.format) : undefined;
    if (!why && formats && format && formats.includes(format)) why = `format ${format}`;
    if (!why) return [];
    return [{ message: `${p.in} parameter \`${p.name}\` of ${opLabel(node.op)} (${why})` }];
  },
};

export const parameterWithoutSchema: CheckDef = {
  targets: ['parameter'],
  run(node) {
    if (node.kind !== 'parameter' || node.param.schema !== undefined) return [];
    return [
      { message: `${node.param.in} parameter \`${node.param.name}\` of ${opLabel(node.op)} has no schema` },
    ];
  },
};
