// Checkers over security schemes and the security requirements that use them.

import { valueAt } from '../spec-index.js';
import type { CheckDef, Hit, SchemeNode } from '../types.js';
import { isObject, str } from './util.js';

function asScheme(node: { kind: string }): SchemeNode | undefined {
  return node.kind === 'security-scheme' ? (node as SchemeNode) : undefined;
}

/**
 * A scheme of a given shape: `type` (apiKey, http, oauth2, openIdConnect, basic), `schemes` (http scheme names),
 * `in` (apiKey location), `flows` (OAuth flow names, either OAS 3 names or Swagger 2.0 `flow` values).
 */
export const schemeIs: CheckDef = {
  targets: ['security-scheme'],
  options: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      schemes: { type: 'array', items: { type: 'string' } },
      in: { type: 'array', items: { type: 'string' } },
      flows: { type: 'array', items: { type: 'string' } },
    },
  },
  run(node, options) {
    const n = asScheme(node);
    if (!n) return [];
    const s = n.scheme;
    const type = options.type as string | undefined;
    const isBasic = s.type === 'basic' || (s.type === 'http' && s.scheme === 'basic');
    if (type && !(s.type === type || (type === 'basic' && isBasic))) return [];
    const schemes = options.schemes as string[] | undefined;
    if (schemes && !(s.scheme && schemes.includes(s.scheme.toLowerCase()))) return [];
    const where = options.in as string[] | undefined;
    if (where && !(s.in && where.includes(s.in))) return [];
    const flows = options.flows as string[] | undefined;
    let flowHit: string | undefined;
    if (flows) {
      const rawFlow = str(n.raw.flow);
      const names = [...Object.keys(s.flows ?? {}), ...(rawFlow ? [rawFlow] : [])];
      flowHit = names.find((f) => flows.includes(f));
      if (!flowHit) return [];
    }
    const pointer = flowHit && isObject(n.raw.flows) ? `${n.pointer}/flows/${flowHit}` : undefined;
    const hit: Hit = {
      message: `security scheme \`${s.name}\` (${s.type}${s.scheme ? ` ${s.scheme}` : ''}${s.in ? ` in ${s.in}` : ''}${flowHit ? ` ${flowHit} flow` : ''})`,
    };
    if (pointer) hit.pointer = pointer;
    return [hit];
  },
};

/** Basic authentication while some server is reached over plain http. */
export const basicOverHttp: CheckDef = {
  targets: ['security-scheme'],
  run(node, _options, ctx) {
    const n = asScheme(node);
    if (!n) return [];
    const s = n.scheme;
    if (!(s.type === 'basic' || (s.type === 'http' && s.scheme === 'basic'))) return [];
    const plain = ctx.index?.servers.find((srv) => srv.scheme === 'http');
    return plain
      ? [{ message: `basic credentials of \`${s.name}\` would cross plain http (${plain.url})` }]
      : [];
  },
};

/** OAuth 2 schemes and JWT bearer schemes that do not state RFC 8725 (JWT best current practices) in their description. */
export const jwtWithoutBcp: CheckDef = {
  targets: ['security-scheme'],
  run(node) {
    const n = asScheme(node);
    if (!n) return [];
    const s = n.scheme;
    const jwt = s.type === 'oauth2' || (s.bearerFormat ?? '').toLowerCase() === 'jwt';
    if (!jwt) return [];
    if (/RFC ?8725/i.test(str(n.raw.description) ?? '')) return [];
    return [{ message: `\`${s.name}\` carries JWTs but its description does not commit to RFC 8725` }];
  },
};

/** OAuth flows that hand out user tokens (not client credentials) with no refreshUrl: long-lived access tokens. */
export const oauthWithoutRefresh: CheckDef = {
  targets: ['security-scheme'],
  run(node) {
    const n = asScheme(node);
    if (n?.scheme.type !== 'oauth2' || !isObject(n.raw.flows)) return [];
    const hits: Hit[] = [];
    for (const [name, flow] of Object.entries(n.raw.flows)) {
      if (name === 'clientCredentials' || !isObject(flow)) continue;
      if (typeof flow.refreshUrl === 'string' && flow.refreshUrl) continue;
      hits.push({
        message: `${name} flow of \`${n.scheme.name}\` declares no refreshUrl`,
        pointer: `${n.pointer}/flows/${name}`,
      });
    }
    return hits;
  },
};

/** OAuth / OpenID Connect endpoints over plain http. */
export const authUrlInsecure: CheckDef = {
  targets: ['security-scheme'],
  run(node) {
    const n = asScheme(node);
    if (!n) return [];
    const hits: Hit[] = [];
    const look = (value: unknown, pointer: string) => {
      if (typeof value === 'string' && /^http:\/\//i.test(value))
        hits.push({ message: `\`${n.scheme.name}\` sends credentials to ${value}`, pointer });
    };
    look(n.raw.openIdConnectUrl, `${n.pointer}/openIdConnectUrl`);
    look(n.raw.authorizationUrl, `${n.pointer}/authorizationUrl`);
    look(n.raw.tokenUrl, `${n.pointer}/tokenUrl`);
    if (isObject(n.raw.flows))
      for (const [name, flow] of Object.entries(n.raw.flows)) {
        if (!isObject(flow)) continue;
        for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl'])
          look(flow[key], `${n.pointer}/flows/${name}/${key}`);
      }
    return hits;
  },
};

export const schemeUnused: CheckDef = {
  targets: ['security-scheme'],
  run(node, _options, ctx) {
    const n = asScheme(node);
    if (!n || !ctx.index || ctx.index.usedSchemes.has(n.scheme.name)) return [];
    return [{ message: `security scheme \`${n.scheme.name}\` is defined but no operation uses it` }];
  },
};

/** The document defines no security scheme at all although it has operations. */
export const noSecuritySchemes: CheckDef = {
  targets: ['document'],
  run(_node, _options, ctx) {
    const spec = ctx.spec;
    if (!spec || spec.operations.length === 0 || spec.securitySchemes.length > 0) return [];
    const pointer =
      spec.kind === 'swagger'
        ? ''
        : isObject((spec.document as Record<string, unknown>)?.components)
          ? '/components'
          : '';
    return [
      {
        message: `${spec.title || spec.file} defines no security scheme for its ${spec.operations.length} operations`,
        pointer,
      },
    ];
  },
};

/** Requirements naming schemes that do not exist (`unknown`), or OAuth scopes no flow defines (`scopes`). */
export const requirementUndefined: CheckDef = {
  targets: ['document'],
  options: { type: 'object', required: ['what'], properties: { what: { enum: ['scheme', 'scopes'] } } },
  run(_node, options, ctx) {
    const spec = ctx.spec;
    if (!spec) return [];
    const schemes = new Map(spec.securitySchemes.map((s) => [s.name, s]));
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const judge = (reqs: Record<string, string[]>[] | undefined, pointer: string, label: string) => {
      for (const req of reqs ?? [])
        for (const [name, scopes] of Object.entries(req)) {
          const scheme = schemes.get(name);
          if (options.what === 'scheme') {
            if (!scheme && !seen.has(`${pointer}|${name}`)) {
              seen.add(`${pointer}|${name}`);
              hits.push({ message: `${label} requires undefined security scheme \`${name}\``, pointer });
            }
          } else if (scheme?.type === 'oauth2' && scheme.flows) {
            const defined = new Set(Object.values(scheme.flows).flatMap((f) => f.scopes));
            const missing = scopes.filter((sc) => !defined.has(sc));
            if (missing.length > 0 && !seen.has(`${pointer}|${name}`)) {
              seen.add(`${pointer}|${name}`);
              hits.push({
                message: `${label} requires scope(s) ${missing.map((m) => `\`${m}\``).join(', ')} that \`${name}\` does not define`,
                pointer,
              });
            }
          }
        }
    };
    judge(spec.security, '/security', 'the document');
    const raw = spec.document as Record<string, unknown>;
    for (const op of spec.operations) {
      // Only operations that declare their own requirements (inherited ones were judged at the top).
      const rawOp = opRaw(raw, op.pointer);
      if (rawOp && Array.isArray(rawOp.security))
        judge(op.security, `${op.pointer}/security`, `${op.method} ${op.path}`);
    }
    return hits;
  },
};

function opRaw(doc: unknown, pointer: string): Record<string, unknown> | undefined {
  const v = valueAt(doc, pointer);
  return isObject(v) ? v : undefined;
}

/** The document-level requirement list has an anonymous `{}` alternative. */
export const anonymousGlobalSecurity: CheckDef = {
  targets: ['document'],
  run(_node, _options, ctx) {
    const sec = ctx.spec?.security;
    if (!sec?.some((r) => Object.keys(r).length === 0) || sec.length < 2) return [];
    const i = sec.findIndex((r) => Object.keys(r).length === 0);
    return [
      { message: 'the document lets every operation be called anonymously', pointer: `/security/${i}` },
    ];
  },
};
