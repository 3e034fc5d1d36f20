// OpenAPI 2.0 (Swagger), 3.0 and 3.1 → the spec model. One normaliser for all three: 2.0's body and
// formData parameters become a requestBody, its schemes/host/basePath become servers, its
// securityDefinitions become 3.x-shaped security schemes. Every model object carries the JSON pointer
// of where it is defined (after following `$ref`s), plus the file when that is not the root file.

import type {
  InputIssue,
  JsonSchema,
  SecurityRequirement,
  SecuritySchemeModel,
  SpecMediaContent,
  SpecOperation,
  SpecParameter,
  SpecResponse,
  SpecServer,
} from '../model/index.js';
import { joinPointer } from './spec-locate.js';
import { isObject, own, type SpecFiles, type SpecParts, str } from './spec-refs.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `openapi: 3.x` or `swagger: 2.0` version string, or undefined when the document is neither. */
export function openApiVersion(doc: unknown): { kind: 'openapi' | 'swagger'; version: string } | undefined {
  const oas = own(doc, 'openapi');
  if (typeof oas === 'string' && /^3\.\d+(\.\d+)?(-.*)?$/.test(oas.trim()))
    return { kind: 'openapi', version: oas.trim() };
  // an unquoted `openapi: 3.0` in YAML is a number
  if (typeof oas === 'number' && oas >= 3 && oas < 4) return { kind: 'openapi', version: oas.toFixed(1) };
  const sw = own(doc, 'swagger');
  if ((typeof sw === 'string' && sw.trim() === '2.0') || sw === 2) return { kind: 'swagger', version: '2.0' };
  return undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Parse one server URL (variables already substituted). Relative URLs have no host. */
export function serverFromUrl(url: string): SpecServer {
  const trimmed = url.trim();
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/([^/?#]*)([^?#]*)/i.exec(trimmed);
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string;
  if (m) {
    scheme = m[1]?.toLowerCase();
    authority = m[2] ?? '';
    path = m[3] ?? '';
  } else {
    path = trimmed.replace(/[?#].*$/, '');
    if (path === '.' || path.startsWith('./')) path = path.slice(1);
    if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  }
  const server: SpecServer = { url, basePath: normaliseBasePath(path) };
  if (scheme === 'http' || scheme === 'https') server.scheme = scheme;
  if (authority !== undefined && authority !== '') {
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
    const host = (hp?.[1] ?? hostPort).toLowerCase();
    if (host) server.host = host;
    const port = hp?.[2] ? Number(hp[2]) : undefined;
    if (port !== undefined && Number.isInteger(port) && port > 0 && port < 65536) server.port = port;
  }
  return server;
}

function normaliseBasePath(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  while (p.endsWith('/')) p = p.slice(0, -1);
  if (p !== '' && !p.startsWith('/')) p = `/${p}`;
  return p;
}

/** 3.x server objects: `{var}` replaced by the variable's default (else its first enum value). */
function oasServers(list: unknown): SpecServer[] {
  if (!Array.isArray(list)) return [];
  const out: SpecServer[] = [];
  for (const s of list) {
    const url = str(own(s, 'url'));
    if (url === undefined) continue;
    const vars = own(s, 'variables');
    const substituted = url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const v = own(vars, name);
      const d = own(v, 'default');
      if (typeof d === 'string' || typeof d === 'number') return String(d);
      const e = own(v, 'enum');
      if (Array.isArray(e) && (typeof e[0] === 'string' || typeof e[0] === 'number')) return String(e[0]);
      return whole;
    });
    out.push(serverFromUrl(substituted));
  }
  return out;
}

/** 2.0: one server per scheme from `schemes`, `host`, `basePath`. */
function swaggerServers(doc: unknown, schemes: unknown): SpecServer[] {
  // `host` is a bare host[:port]; tolerate the common mistake of writing a URL there
  const host = str(own(doc, 'host'))
    ?.trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '');
  const basePath = str(own(doc, 'basePath')) ?? '';
  const list = stringList(schemes).map((s) => s.toLowerCase());
  if (!host) {
    const s: SpecServer = { url: basePath || '/', basePath: normaliseBasePath(basePath) };
    return [s];
  }
  const withScheme = list.filter((s) => s === 'http' || s === 'https');
  if (withScheme.length === 0) return [serverFromUrl(`//${host}${basePath}`)];
  return withScheme.map((s) => serverFromUrl(`${s}://${host}${basePath}`));
}

function securityRequirements(v: unknown): SecurityRequirement[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: SecurityRequirement[] = [];
  for (const r of v) {
    if (!isObject(r)) continue;
    const req: SecurityRequirement = {};
    for (const [name, scopes] of Object.entries(r)) req[name] = stringList(scopes);
    out.push(req);
  }
  return out;
}

const SWAGGER_FLOWS: Record<string, string> = {
  implicit: 'implicit',
  password: 'password',
  application: 'clientCredentials',
  accessCode: 'authorizationCode',
};

function flowOf(v: unknown): { scopes: string[]; authorizationUrl?: string; tokenUrl?: string } {
  const scopes = own(v, 'scopes');
  const flow: { scopes: string[]; authorizationUrl?: string; tokenUrl?: string } = {
    scopes: isObject(scopes) ? Object.keys(scopes) : [],
  };
  const a = str(own(v, 'authorizationUrl'));
  const t = str(own(v, 'tokenUrl'));
  if (a !== undefined) flow.authorizationUrl = a;
  if (t !== undefined) flow.tokenUrl = t;
  return flow;
}

function securityScheme(
  name: string,
  raw: unknown,
  pointer: string,
  file: string,
  rootFile: string,
  swagger: boolean,
): SecuritySchemeModel | undefined {
  const type = str(own(raw, 'type'));
  const base = { name, pointer, ...(file !== rootFile ? { file } : {}) };
  if (type === 'basic') return { ...base, type: 'http', scheme: 'basic' };
  if (type === 'apiKey') {
    const where = str(own(raw, 'in'));
    const m: SecuritySchemeModel = { ...base, type: 'apiKey' };
    if (where === 'query' || where === 'header' || where === 'cookie') m.in = where;
    const p = str(own(raw, 'name'));
    if (p !== undefined) m.paramName = p;
    return m;
  }
  if (type === 'http') {
    const m: SecuritySchemeModel = { ...base, type: 'http' };
    const s = str(own(raw, 'scheme'));
    if (s !== undefined) m.scheme = s.toLowerCase();
    const bf = str(own(raw, 'bearerFormat'));
    if (bf !== undefined) m.bearerFormat = bf;
    return m;
  }
  if (type === 'oauth2') {
    const flows: NonNullable<SecuritySchemeModel['flows']> = {};
    if (swagger) {
      const f = str(own(raw, 'flow'));
      if (f) flows[SWAGGER_FLOWS[f] ?? f] = flowOf(raw);
    } else {
      const fl = own(raw, 'flows');
      if (isObject(fl)) for (const [k, v] of Object.entries(fl)) flows[k] = flowOf(v);
    }
    return { ...base, type: 'oauth2', flows };
  }
  if (type === 'openIdConnect' || type === 'mutualTLS') return { ...base, type };
  return undefined;
}

/** A 2.0 non-body parameter keeps its schema keywords on itself. */
const SWAGGER_SCHEMA_KEYS = [
  'type',
  'format',
  'items',
  'collectionFormat',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'enum',
  'multipleOf',
];

interface RawParam {
  raw: Record<string, unknown>;
  file: string;
  pointer: string;
}

export function normaliseOpenApi(
  files: SpecFiles,
  kind: 'openapi' | 'swagger',
  version: string,
  issues: InputIssue[],
): SpecParts {
  const rootFile = files.root.path;
  const doc = files.root.value;
  const swagger = kind === 'swagger';
  const siblings = !swagger && !version.startsWith('3.0');
  const fileField = (file: string): { file?: string } => (file !== rootFile ? { file } : {});
  /** Where a non-fatal issue points, as line/column for the one-line message. */
  const at = (file: string, pointer: string): { line?: number; column?: number } => {
    const pos = files.files.get(file)?.locator.locate(pointer);
    return pos ? { line: pos.line, column: pos.column } : {};
  };
  const schemaOf = (v: unknown, file: string): JsonSchema | undefined => files.schema(v, file, siblings);

  const info = own(doc, 'info');
  const parts: SpecParts = {
    title: str(own(info, 'title')) ?? '',
    servers: swagger ? swaggerServers(doc, own(doc, 'schemes')) : oasServers(own(doc, 'servers')),
    operations: [],
    securitySchemes: [],
  };
  const apiVersion = own(info, 'version');
  if (typeof apiVersion === 'string' || typeof apiVersion === 'number') parts.apiVersion = String(apiVersion);
  // 3.x: an empty or absent servers list means one server at `/`
  if (parts.servers.length === 0) parts.servers = [{ url: '/', basePath: '' }];
  const docSecurity = securityRequirements(own(doc, 'security'));
  if (docSecurity) parts.security = docSecurity;

  const schemesAt = swagger ? '/securityDefinitions' : '/components/securitySchemes';
  const schemes = swagger ? own(doc, 'securityDefinitions') : own(own(doc, 'components'), 'securitySchemes');
  if (isObject(schemes)) {
    for (const [name, raw] of Object.entries(schemes)) {
      const r = files.deref(raw, rootFile, joinPointer(schemesAt, name));
      const m = securityScheme(name, r.value, r.pointer, r.file, rootFile, swagger);
      if (m) parts.securitySchemes.push(m);
      else
        issues.push({
          code: 'spec.security-scheme.invalid',
          message: `security scheme '${name}' has no known type`,
          file: r.file,
          pointer: r.pointer,
          ...at(r.file, r.pointer),
        });
    }
  }

  const docConsumes = stringList(own(doc, 'consumes'));
  const docProduces = stringList(own(doc, 'produces'));

  const mediaList = (content: unknown, file: string, pointer: string): SpecMediaContent[] => {
    const out: SpecMediaContent[] = [];
    if (!isObject(content)) return out;
    for (const [ct, mtRaw] of Object.entries(content)) {
      const mp = joinPointer(pointer, ct);
      const mt = files.deref(mtRaw, file, mp);
      const m: SpecMediaContent = { contentType: ct, pointer: mt.pointer, ...fileField(mt.file) };
      const schema = schemaOf(own(mt.value, 'schema'), mt.file);
      if (schema) m.schema = schema;
      const ex = exampleOf(mt.value, files, mt.file);
      if (ex !== undefined) m.example = ex;
      out.push(m);
    }
    return out;
  };

  const paramOf = (p: RawParam): SpecParameter | undefined => {
    const name = str(p.raw.name);
    const where = str(p.raw.in);
    if (name === undefined || !where) return undefined;
    if (
      where !== 'path' &&
      where !== 'query' &&
      where !== 'header' &&
      where !== 'cookie' &&
      where !== 'formData'
    )
      return undefined;
    const sp: SpecParameter = {
      name,
      in: where,
      required: p.raw.required === true || where === 'path',
      deprecated: p.raw.deprecated === true,
      pointer: p.pointer,
      ...fileField(p.file),
    };
    let schema: JsonSchema | undefined;
    if (swagger) {
      const s: Record<string, unknown> = {};
      for (const k of SWAGGER_SCHEMA_KEYS) if (Object.hasOwn(p.raw, k)) s[k] = p.raw[k];
      schema = schemaOf(s, p.file);
    } else {
      schema = schemaOf(p.raw.schema, p.file);
      const content = own(p.raw, 'content');
      if (!schema && isObject(content)) {
        const first = Object.values(content)[0];
        schema = schemaOf(own(files.deref(first, p.file, '').value, 'schema'), p.file);
      }
    }
    if (schema) sp.schema = schema;
    const ex = exampleOf(p.raw, files, p.file);
    if (ex !== undefined) sp.example = ex;
    else if (swagger && Object.hasOwn(p.raw, 'x-example')) sp.example = p.raw['x-example'];
    return sp;
  };

  const rawParams = (list: unknown, file: string, pointer: string): RawParam[] => {
    const out: RawParam[] = [];
    if (!Array.isArray(list)) return out;
    list.forEach((item, i) => {
      const r = files.deref(item, file, joinPointer(pointer, i));
      if (isObject(r.value)) out.push({ raw: r.value, file: r.file, pointer: r.pointer });
    });
    return out;
  };

  const paths = own(doc, 'paths');
  if (isObject(paths)) {
    for (const [path, itemRaw] of Object.entries(paths)) {
      if (path.startsWith('x-')) continue;
      const item = files.deref(itemRaw, rootFile, joinPointer('/paths', path));
      if (!isObject(item.value)) continue;
      // a path item with `$ref` and siblings: the siblings are the local part (2.0/3.0 allow both)
      const local = isObject(itemRaw) && itemRaw !== item.value ? itemRaw : undefined;
      const itemPointer = joinPointer('/paths', path);
      const pathParams = [
        ...rawParams(item.value.parameters, item.file, joinPointer(item.pointer, 'parameters')),
        ...(local ? rawParams(local.parameters, rootFile, joinPointer(itemPointer, 'parameters')) : []),
      ];
      const itemServers = swagger ? undefined : oasServers(own(item.value, 'servers'));
      for (const method of HTTP_METHODS) {
        let opFile = item.file;
        let opPointer = joinPointer(item.pointer, method);
        let opRaw = own(item.value, method);
        if (local && Object.hasOwn(local, method)) {
          opRaw = local[method];
          opFile = rootFile;
          opPointer = joinPointer(itemPointer, method);
        }
        if (opRaw === undefined) continue;
        const opr = files.deref(opRaw, opFile, opPointer);
        const op = opr.value;
        if (!isObject(op)) {
          issues.push({
            code: 'spec.operation.invalid',
            message: `${method.toUpperCase()} ${path} is not an object`,
            file: opr.file,
            pointer: opr.pointer,
            ...at(opr.file, opr.pointer),
          });
          continue;
        }
        opFile = opr.file;
        opPointer = opr.pointer;
        const operation: SpecOperation = {
          method: method.toUpperCase(),
          path,
          tags: stringList(op.tags),
          deprecated: op.deprecated === true,
          parameters: [],
          responses: [],
          servers: [],
          pointer: opPointer,
          extensions: {},
          ...fileField(opFile),
        };
        const opId = str(op.operationId);
        if (opId !== undefined) operation.operationId = opId;
        const summary = str(op.summary);
        if (summary !== undefined) operation.summary = summary;
        const description = str(op.description);
        if (description !== undefined) operation.description = description;
        for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) operation.extensions[k] = v;

        // parameters: operation-level wins over path-level by (name, in)
        const merged = new Map<string, RawParam>();
        const keyOf = (p: RawParam): string => {
          const where = String(p.raw.in);
          const name = String(p.raw.name);
          return `${where}\u0000${where === 'header' ? name.toLowerCase() : name}`;
        };
        for (const p of pathParams) merged.set(keyOf(p), p);
        for (const p of rawParams(op.parameters, opFile, joinPointer(opPointer, 'parameters')))
          merged.set(keyOf(p), p);

        const consumes = Object.hasOwn(op, 'consumes') ? stringList(op.consumes) : docConsumes;
        const produces = Object.hasOwn(op, 'produces') ? stringList(op.produces) : docProduces;
        const formParams: RawParam[] = [];
        for (const p of merged.values()) {
          if (swagger && p.raw.in === 'body') {
            const schema = schemaOf(p.raw.schema, p.file);
            const types = consumes.length > 0 ? consumes : ['application/json'];
            operation.requestBody = {
              required: p.raw.required === true,
              content: types.map((ct) => {
                const m: SpecMediaContent = { contentType: ct, pointer: p.pointer, ...fileField(p.file) };
                if (schema) m.schema = schema;
                return m;
              }),
              pointer: p.pointer,
              ...fileField(p.file),
            };
            continue;
          }
          if (swagger && p.raw.in === 'formData') formParams.push(p);
          const sp = paramOf(p);
          if (sp) operation.parameters.push(sp);
          else
            issues.push({
              code: 'spec.parameter.invalid',
              message: `parameter without a valid name and location in ${method.toUpperCase()} ${path}`,
              file: p.file,
              pointer: p.pointer,
              ...at(p.file, p.pointer),
            });
        }
        if (swagger && formParams.length > 0 && !operation.requestBody) {
          operation.requestBody = formBody(formParams, consumes, schemaOf, fileField);
        }
        if (!swagger) {
          const rbRaw = own(op, 'requestBody');
          if (rbRaw !== undefined) {
            const rb = files.deref(rbRaw, opFile, joinPointer(opPointer, 'requestBody'));
            if (isObject(rb.value)) {
              operation.requestBody = {
                required: rb.value.required === true,
                content: mediaList(rb.value.content, rb.file, joinPointer(rb.pointer, 'content')),
                pointer: rb.pointer,
                ...fileField(rb.file),
              };
            }
          }
        }

        const responses = own(op, 'responses');
        if (isObject(responses)) {
          for (const [status, respRaw] of Object.entries(responses)) {
            if (status.startsWith('x-')) continue;
            const r = files.deref(respRaw, opFile, joinPointer(opPointer, 'responses', status));
            if (!isObject(r.value)) continue;
            const resp: SpecResponse = {
              status,
              content: [],
              headers: isObject(r.value.headers) ? Object.keys(r.value.headers) : [],
              pointer: r.pointer,
              ...fileField(r.file),
            };
            const d = str(r.value.description);
            if (d !== undefined) resp.description = d;
            if (swagger) {
              const schema = schemaOf(r.value.schema, r.file);
              const examples = own(r.value, 'examples');
              const types = new Set(produces);
              if (isObject(examples)) for (const ct of Object.keys(examples)) types.add(ct);
              if (schema && types.size === 0) types.add('application/json');
              for (const ct of types) {
                const m: SpecMediaContent = { contentType: ct, pointer: r.pointer, ...fileField(r.file) };
                if (schema) m.schema = schema;
                const ex = own(examples, ct);
                if (ex !== undefined) m.example = ex;
                if (schema || ex !== undefined) resp.content.push(m);
              }
            } else {
              resp.content = mediaList(r.value.content, r.file, joinPointer(r.pointer, 'content'));
            }
            operation.responses.push(resp);
          }
        }

        const opSecurity = securityRequirements(own(op, 'security'));
        if (opSecurity) operation.security = opSecurity;
        else if (docSecurity) operation.security = docSecurity;

        if (swagger) {
          operation.servers = Object.hasOwn(op, 'schemes')
            ? swaggerServers(doc, op.schemes)
            : swaggerServers(doc, own(doc, 'schemes'));
        } else {
          const opServers = oasServers(own(op, 'servers'));
          operation.servers =
            opServers.length > 0
              ? opServers
              : itemServers && itemServers.length > 0
                ? itemServers
                : parts.servers;
        }
        parts.operations.push(operation);
      }
    }
  }
  return parts;
}

/** 2.0 formData parameters as one object schema under the form content type(s). */
function formBody(
  params: RawParam[],
  consumes: string[],
  schemaOf: (v: unknown, file: string) => JsonSchema | undefined,
  fileField: (file: string) => { file?: string },
): NonNullable<SpecOperation['requestBody']> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  let hasFile = false;
  for (const p of params) {
    const name = String(p.raw.name);
    const s: Record<string, unknown> = {};
    for (const k of SWAGGER_SCHEMA_KEYS) if (Object.hasOwn(p.raw, k)) s[k] = p.raw[k];
    if (s.type === 'file') {
      hasFile = true;
      s.type = 'string';
      s.format = 'binary';
    }
    Object.defineProperty(properties, name, {
      value: schemaOf(s, p.file) ?? {},
      enumerable: true,
      writable: true,
      configurable: true,
    });
    if (p.raw.required === true) required.push(name);
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  const forms = consumes.filter((c) => /multipart\/form-data|application\/x-www-form-urlencoded/i.test(c));
  const types =
    forms.length > 0 ? forms : [hasFile ? 'multipart/form-data' : 'application/x-www-form-urlencoded'];
  const first = params[0]!;
  return {
    required: required.length > 0,
    content: types.map((ct) => ({
      contentType: ct,
      schema,
      pointer: first.pointer,
      ...fileField(first.file),
    })),
    pointer: first.pointer,
    ...fileField(first.file),
  };
}

/** `example`, else the first of `examples` (3.x Example Objects are followed through `$ref`). */
function exampleOf(obj: unknown, files: SpecFiles, file: string): unknown {
  if (isObject(obj) && Object.hasOwn(obj, 'example')) return obj.example;
  const examples = own(obj, 'examples');
  if (isObject(examples)) {
    const first = Object.values(examples)[0];
    if (first === undefined) return undefined;
    const r = files.deref(first, file, '');
    const v = own(r.value, 'value');
    return v;
  }
  return undefined;
}
