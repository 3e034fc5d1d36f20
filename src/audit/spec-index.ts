// One walk of a spec, shared by every rule: servers, security schemes, operations, parameters, responses
// and every schema node reachable from an input or a response (with its JSON pointer in the file where
// it is written, `$ref`s followed once, cycles cut). Rules iterate these lists; none re-walks the document.

import type { ApiSpec, SpecOperation } from '../model/index.js';
import { schemaTypes } from './checks/util.js';
import type {
  OperationNode,
  ParameterNode,
  ResponseNode,
  SchemaNode,
  SchemaRole,
  SchemeNode,
  ServerNode,
} from './types.js';

export interface SpecIndex {
  servers: ServerNode[];
  schemes: SchemeNode[];
  operations: OperationNode[];
  parameters: ParameterNode[];
  responses: ResponseNode[];
  schemas: SchemaNode[];
  /** Security scheme names referenced by any requirement (document or operation). */
  usedSchemes: Set<string>;
  /** True when the schema walk stopped at its node cap (huge specs). */
  truncated: boolean;
}

const MAX_SCHEMA_NODES = 250_000;
const MAX_DEPTH = 40;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Escape one JSON pointer token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Value at an RFC 6901 pointer inside a parsed document, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '#') return doc;
  const parts = pointer.replace(/^#/, '').split('/').slice(1);
  let cur: unknown = doc;
  for (const raw of parts) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(cur)) cur = cur[Number(token)];
    else if (isObject(cur)) cur = Object.hasOwn(cur, token) ? cur[token] : undefined;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * `valueAt` over one document with every prefix remembered: the index looks up the operation, each of its
 * parameters, responses and media types by pointer, and most share their first segments. Walking each from
 * the root cost a fifth of the index build on large specs.
 */
function pointerResolver(doc: unknown): (pointer: string) => unknown {
  const memo = new Map<string, unknown>();
  const resolve = (pointer: string): unknown => {
    if (pointer === '' || pointer === '#') return doc;
    if (memo.has(pointer)) return memo.get(pointer);
    const cut = pointer.lastIndexOf('/');
    if (cut < 0) return valueAt(doc, pointer);
    const parent = resolve(pointer.slice(0, cut));
    const token = pointer
      .slice(cut + 1)
      .replaceAll('~1', '/')
      .replaceAll('~0', '~');
    let value: unknown;
    if (Array.isArray(parent)) value = parent[Number(token)];
    else if (isObject(parent)) value = Object.hasOwn(parent, token) ? parent[token] : undefined;
    memo.set(pointer, value);
    return value;
  };
  return resolve;
}

interface Located {
  value: Record<string, unknown>;
  file: string;
  pointer: string;
}

/** Follow `$ref` chains (at most 20 hops) from a raw node. */
function deref(spec: ApiSpec, node: Located): Located | undefined {
  let cur = node;
  for (let hops = 0; hops < 20; hops++) {
    const ref = cur.value.$ref;
    if (typeof ref !== 'string') return cur;
    const target = spec.resolveRef(ref, cur.file);
    if (!target || !isObject(target.value)) return undefined;
    cur = { value: target.value, file: target.file, pointer: target.pointer };
  }
  return undefined;
}

export function buildSpecIndex(spec: ApiSpec): SpecIndex {
  const doc = isObject(spec.document) ? spec.document : {};
  const index: SpecIndex = {
    servers: [],
    schemes: [],
    operations: [],
    parameters: [],
    responses: [],
    schemas: [],
    usedSchemes: new Set(),
    truncated: false,
  };

  collectServers(doc, index);
  const at = pointerResolver(doc);

  for (const scheme of spec.securitySchemes) {
    const raw = at(scheme.pointer);
    index.schemes.push({
      kind: 'security-scheme',
      scheme,
      raw: isObject(raw) ? raw : {},
      pointer: scheme.pointer,
    });
  }
  for (const req of spec.security ?? []) for (const name of Object.keys(req)) index.usedSchemes.add(name);

  const seen = new Set<string>();
  const walker: Walker = { spec, index, seen, file: spec.file, at };

  for (const op of spec.operations) {
    const raw = at(op.pointer);
    index.operations.push({ kind: 'operation', op, raw: isObject(raw) ? raw : {}, pointer: op.pointer });
    for (const req of op.security ?? []) for (const name of Object.keys(req)) index.usedSchemes.add(name);

    for (const param of op.parameters) {
      index.parameters.push({ kind: 'parameter', param, op, pointer: param.pointer });
      const rawParam = at(param.pointer);
      let entry: Located | undefined;
      if (isObject(rawParam)) {
        if (isObject(rawParam.schema))
          entry = { value: rawParam.schema, file: spec.file, pointer: `${param.pointer}/schema` };
        else if (isObject(rawParam.content)) {
          for (const [ct, media] of Object.entries(rawParam.content)) {
            if (isObject(media) && isObject(media.schema)) {
              entry = {
                value: media.schema,
                file: spec.file,
                pointer: `${param.pointer}/content/${pointerToken(ct)}/schema`,
              };
              break;
            }
          }
        } else if (typeof rawParam.type === 'string' && rawParam.in !== 'body') {
          // Swagger 2.0: the parameter object carries the schema keywords itself.
          entry = { value: rawParam, file: spec.file, pointer: param.pointer };
        }
      }
      if (!entry && param.schema) entry = { value: param.schema, file: spec.file, pointer: param.pointer };
      if (entry) walkSchema(walker, entry, 'parameter', op, undefined, param.name, param.name);
    }

    for (const media of op.requestBody?.content ?? []) {
      const entry = mediaSchema(walker, media.pointer, media.schema);
      if (entry) walkSchema(walker, entry, 'request', op, undefined, undefined, '');
    }

    for (const response of op.responses) {
      const rawResp = at(response.pointer);
      const located = isObject(rawResp)
        ? deref(spec, { value: rawResp, file: spec.file, pointer: response.pointer })
        : undefined;
      index.responses.push({
        kind: 'response',
        response,
        op,
        raw: located?.value ?? {},
        pointer: response.pointer,
      });
      for (const media of response.content) {
        const entry = mediaSchema(walker, media.pointer, media.schema);
        if (entry) walkSchema(walker, entry, 'response', op, response.status, undefined, '');
      }
    }
  }
  return index;
}

function collectServers(doc: Record<string, unknown>, index: SpecIndex): void {
  const add = (raw: unknown, pointer: string) => {
    if (!isObject(raw) || typeof raw.url !== 'string') return;
    const url = substituteVariables(raw.url, raw.variables);
    const node: ServerNode = { kind: 'server', url, raw, pointer };
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]+)/i.exec(url);
    if (m) {
      node.scheme = m[1]!.toLowerCase();
      node.host = m[2]!.toLowerCase();
    }
    if (typeof raw.description === 'string') node.description = raw.description;
    index.servers.push(node);
  };
  if (Array.isArray(doc.servers)) for (const [i, s] of doc.servers.entries()) add(s, `/servers/${i}`);
  if (isObject(doc.paths)) {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!isObject(item)) continue;
      const base = `/paths/${pointerToken(path)}`;
      if (Array.isArray(item.servers))
        for (const [i, s] of item.servers.entries()) add(s, `${base}/servers/${i}`);
      for (const [method, op] of Object.entries(item)) {
        if (isObject(op) && Array.isArray(op.servers))
          for (const [i, s] of op.servers.entries()) add(s, `${base}/${pointerToken(method)}/servers/${i}`);
      }
    }
  }
  // Swagger 2.0: host + basePath + schemes.
  if (typeof doc.swagger === 'string') {
    const schemes = Array.isArray(doc.schemes) ? doc.schemes.filter((s) => typeof s === 'string') : [];
    const host = typeof doc.host === 'string' ? doc.host : undefined;
    const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
    for (const [i, scheme] of schemes.entries()) {
      const node: ServerNode = {
        kind: 'server',
        url: host ? `${scheme}://${host}${basePath}` : `${scheme}://`,
        scheme: scheme.toLowerCase(),
        raw: {},
        swaggerScheme: true,
        pointer: `/schemes/${i}`,
      };
      if (host) node.host = host.toLowerCase().replace(/:\d+$/, '');
      index.servers.push(node);
    }
    if (host && schemes.length === 0) {
      index.servers.push({
        kind: 'server',
        url: `https://${host}${basePath}`,
        host: host.toLowerCase().replace(/:\d+$/, ''),
        raw: {},
        swaggerScheme: true,
        pointer: '/host',
      });
    }
  }
}

function substituteVariables(url: string, variables: unknown): string {
  if (!isObject(variables)) return url;
  return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const v = variables[name];
    return isObject(v) && typeof v.default === 'string' ? v.default : whole;
  });
}

interface Walker {
  spec: ApiSpec;
  index: SpecIndex;
  seen: Set<string>;
  file: string;
  /** Value at a pointer of the spec's own document (memoised). */
  at: (pointer: string) => unknown;
}

function mediaSchema(w: Walker, pointer: string, resolved: unknown): Located | undefined {
  const raw = w.at(pointer);
  if (isObject(raw) && isObject(raw.schema))
    return { value: raw.schema, file: w.file, pointer: `${pointer}/schema` };
  // Swagger 2.0 body parameter: the media pointer may be the parameter itself.
  if (isObject(raw) && raw.in === 'body' && isObject(raw.schema))
    return { value: raw.schema, file: w.file, pointer: `${pointer}/schema` };
  if (isObject(resolved)) return { value: resolved, file: w.file, pointer: `${pointer}/schema` };
  return undefined;
}

function walkSchema(
  w: Walker,
  start: Located,
  role: SchemaRole,
  op: SpecOperation,
  status: string | undefined,
  name: string | undefined,
  path: string,
): void {
  const stack: Array<{
    at: Located;
    name: string | undefined;
    path: string;
    readOnly: boolean;
    writeOnly: boolean;
    depth: number;
    root: boolean;
  }> = [{ at: start, name, path, readOnly: false, writeOnly: false, depth: 0, root: true }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.depth > MAX_DEPTH) continue;
    if (w.index.schemas.length >= MAX_SCHEMA_NODES) {
      w.index.truncated = true;
      return;
    }
    const at = deref(w.spec, item.at);
    if (!at) continue;
    // Each written schema is visited once per role, however many operations reach it.
    const key = `${role}\u0000${at.file}#${at.pointer}`;
    if (w.seen.has(key)) continue;
    w.seen.add(key);
    const s = at.value;
    const readOnly = item.readOnly || s.readOnly === true;
    const writeOnly = item.writeOnly || s.writeOnly === true;
    const node: SchemaNode = {
      kind: 'schema',
      schema: s,
      types: schemaTypes(s),
      file: at.file,
      pointer: at.pointer,
      role,
      path: item.path,
      readOnly,
      writeOnly,
      op,
      root: item.root,
    };
    if (item.name !== undefined) node.name = item.name;
    if (status !== undefined) node.status = status;
    w.index.schemas.push(node);

    const child = (value: unknown, pointer: string, childName: string | undefined, childPath: string) => {
      if (isObject(value))
        stack.push({
          at: { value, file: at.file, pointer },
          name: childName,
          path: childPath,
          readOnly,
          writeOnly,
          depth: item.depth + 1,
          root: false,
        });
    };
    if (isObject(s.properties)) {
      for (const [prop, value] of Object.entries(s.properties)) {
        child(
          value,
          `${at.pointer}/properties/${pointerToken(prop)}`,
          prop,
          item.path ? `${item.path}.${prop}` : prop,
        );
      }
    }
    if (isObject(s.items)) child(s.items, `${at.pointer}/items`, item.name, `${item.path}[]`);
    if (Array.isArray(s.prefixItems))
      for (const [i, v] of s.prefixItems.entries())
        child(v, `${at.pointer}/prefixItems/${i}`, item.name, `${item.path}[]`);
    if (isObject(s.additionalProperties))
      child(s.additionalProperties, `${at.pointer}/additionalProperties`, undefined, `${item.path}.*`);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = s[key];
      if (Array.isArray(list))
        for (const [i, v] of list.entries()) {
          if (isObject(v))
            stack.push({
              at: { value: v, file: at.file, pointer: `${at.pointer}/${key}/${i}` },
              name: item.name,
              path: item.path,
              readOnly,
              writeOnly,
              depth: item.depth + 1,
              root: item.root,
            });
        }
    }
  }
}
