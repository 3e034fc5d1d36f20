// Checkers over servers and the document as a whole (inventory hygiene, versions, transport).

import type { CheckDef, ServerNode } from '../types.js';
import { isExampleHost, isInternalHost, isObject, str } from './util.js';

function asServer(node: { kind: string }): ServerNode | undefined {
  return node.kind === 'server' ? (node as ServerNode) : undefined;
}

/** Servers (or Swagger 2.0 `schemes`) using one of `schemes` (`http`, `ws`). */
export const serverScheme: CheckDef = {
  targets: ['server'],
  options: {
    type: 'object',
    required: ['schemes'],
    properties: {
      schemes: { type: 'array', items: { type: 'string' } },
      swagger: { type: 'boolean' },
    },
  },
  run(node, options) {
    const n = asServer(node);
    if (!n?.scheme) return [];
    if (options.swagger !== undefined && Boolean(n.swaggerScheme) !== options.swagger) return [];
    if (n.swaggerScheme && n.pointer === '/host') return [];
    return (options.schemes as string[]).includes(n.scheme)
      ? [{ message: `server ${n.url} uses ${n.scheme}://` }]
      : [];
  },
};

/** Hosts that are placeholders (`example`) or internal/private (`internal`). */
export const serverHost: CheckDef = {
  targets: ['server'],
  options: { type: 'object', required: ['kind'], properties: { kind: { enum: ['example', 'internal'] } } },
  run(node, options) {
    const n = asServer(node);
    if (!n?.host) return [];
    const bad = options.kind === 'example' ? isExampleHost(n.host) : isInternalHost(n.host);
    return bad
      ? [
          {
            message: `server ${n.url} points at ${options.kind === 'example' ? 'a placeholder' : 'an internal'} host`,
          },
        ]
      : [];
  },
};

/** Server variables whose value is free (no enum): the URL can be pointed anywhere. */
export const serverVariableOpen: CheckDef = {
  targets: ['server'],
  run(node) {
    const n = asServer(node);
    if (!n || !isObject(n.raw.variables)) return [];
    return Object.entries(n.raw.variables)
      .filter(([, v]) => isObject(v) && !Array.isArray(v.enum))
      .map(([name]) => ({
        message: `server variable \`${name}\` of ${n.raw.url as string} accepts any value`,
        pointer: `${n.pointer}/variables/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      }));
  },
};

/**
 * A field of a server object (`x-internal`, `description`): `defined` it must exist; `match` it must match.
 * Only OpenAPI 3 servers (Swagger 2.0 has no server objects).
 */
export const serverField: CheckDef = {
  targets: ['server'],
  options: {
    type: 'object',
    required: ['field'],
    properties: { field: { type: 'string' }, defined: { type: 'boolean' }, match: { type: 'string' } },
  },
  run(node, options) {
    const n = asServer(node);
    if (!n || n.swaggerScheme) return [];
    const field = options.field as string;
    const value = n.raw[field];
    if (options.defined && value === undefined)
      return [{ message: `server ${n.url} does not declare ${field}` }];
    if (typeof options.match === 'string' && value === undefined)
      return [{ message: `server ${n.url} has no ${field}` }];
    if (typeof options.match === 'string' && !new RegExp(options.match, 'i').test(str(value) ?? ''))
      return [
        {
          message: `server ${n.url}: ${field} ${JSON.stringify(str(value) ?? '')} does not match /${options.match}/`,
        },
      ];
    return [];
  },
};

const VERSION_SEGMENT = /(?:^|\/)v(\d+)(?:[._]\d+)*(?=\/|$)/i;

function majorVersions(ctx: Parameters<CheckDef['run']>[2]): Map<string, string> {
  const versions = new Map<string, string>(); // major → pointer of first place seen
  const spec = ctx.spec;
  if (!spec) return versions;
  for (const s of ctx.index?.servers ?? []) {
    const m = VERSION_SEGMENT.exec(s.url.replace(/^[a-z]+:\/\/[^/]+/i, ''));
    if (m && !versions.has(m[1]!)) versions.set(m[1]!, s.pointer);
  }
  const doc = spec.document as Record<string, unknown>;
  if (typeof doc.basePath === 'string') {
    const m = VERSION_SEGMENT.exec(doc.basePath);
    if (m && !versions.has(m[1]!)) versions.set(m[1]!, '/basePath');
  }
  for (const op of spec.operations) {
    const m = VERSION_SEGMENT.exec(op.path);
    if (m && !versions.has(m[1]!)) versions.set(m[1]!, op.pointer.split('/').slice(0, 3).join('/'));
  }
  return versions;
}

/** Several major versions (`/v1`, `/v2`) in one spec: the older one is a zombie in waiting. */
export const mixedVersions: CheckDef = {
  targets: ['document'],
  run(_node, _options, ctx) {
    const versions = majorVersions(ctx);
    if (versions.size < 2) return [];
    const sorted = [...versions.keys()].sort((a, b) => Number(a) - Number(b));
    return [
      {
        message: `the spec mixes API versions ${sorted.map((v) => `v${v}`).join(', ')}`,
        pointer: versions.get(sorted[0]!) ?? '',
      },
    ];
  },
};

/** No version in the URL (server or paths) and no version header/parameter: clients cannot be moved off old versions. */
export const unversioned: CheckDef = {
  targets: ['document'],
  run(_node, _options, ctx) {
    const spec = ctx.spec;
    if (!spec || spec.operations.length === 0) return [];
    if (majorVersions(ctx).size > 0) return [];
    const versionParam = spec.operations.some((op) =>
      op.parameters.some((p) => /^(api-?version|x-api-version|accept-version|version|v)$/i.test(p.name)),
    );
    if (versionParam) return [];
    return [
      { message: `${spec.title || spec.file} carries no API version in its URLs or parameters`, pointer: '' },
    ];
  },
};

/** A top-level field of the document or of `info` is missing (`info.contact`, `servers`). */
export const documentFieldMissing: CheckDef = {
  targets: ['document'],
  options: {
    type: 'object',
    required: ['field'],
    properties: { field: { enum: ['info.contact', 'servers'] } },
  },
  run(_node, options, ctx) {
    const spec = ctx.spec;
    if (!spec) return [];
    const doc = isObject(spec.document) ? spec.document : {};
    if (options.field === 'info.contact') {
      const info = isObject(doc.info) ? doc.info : {};
      return isObject(info.contact)
        ? []
        : [{ message: 'info.contact is missing', pointer: isObject(doc.info) ? '/info' : '' }];
    }
    if (spec.kind === 'postman') return [];
    if (ctx.index && ctx.index.servers.length > 0) return [];
    if (typeof doc.host === 'string') return [];
    return [{ message: 'the spec declares no server', pointer: '' }];
  },
};

/** The document is an older spec format (`2.0`). */
export const specVersionOld: CheckDef = {
  targets: ['document'],
  run(_node, _options, ctx) {
    const spec = ctx.spec;
    if (spec?.kind !== 'swagger') return [];
    return [{ message: `Swagger ${spec.specVersion} document`, pointer: '/swagger' }];
  },
};
