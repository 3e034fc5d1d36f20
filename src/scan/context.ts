// What a checker works with: the spec's operations resolved against the target, identities, the
// learned object ownership, the guarded client, the callback listener and the report sink.

import type {
  ApiSpec,
  Finding,
  FindingInput,
  JsonSchema,
  SpecMediaContent,
  SpecOperation,
} from '../model/index.js';
import {
  type BodyKind,
  bodyKind,
  encodeBody,
  type FilePart,
  isFileSchema,
  sampleFile,
  xmlRoot,
} from './bodies.js';
import type { CallbackListener } from './callback.js';
import { type CaptchaSolution, withCaptcha } from './captcha.js';
import type { DirectoryListing } from './checkers/files.js';
import { DestructiveRefused, isDestructive, type ScanClient, ScopeError } from './client.js';
import { evidenceRefs, fingerprint } from './evidence.js';
import type { Masker } from './mask.js';
import type { Rng } from './rng.js';
import type { HeaderMap, Identity, ScanExchange, ScanRequest, ScanTest } from './types.js';

/** An object the scan knows the owner of. */
export interface OwnedObject {
  owner: string;
  /** Item operation path template (`/notes/{id}`) and the parameter holding the id. */
  itemPath: string;
  param: string;
  id: string;
  /** Created by this scan (only those may be changed or deleted). */
  created: boolean;
  body: Record<string, unknown>;
}

export interface FindingDraft {
  op?: { method: string; path: string };
  /** Parameter, field or path the finding is about (part of the fingerprint). */
  where?: string;
  /** Exchanges that prove it, in the order they happened. */
  proof: ScanExchange[];
  /** What ruled out the benign explanation. */
  control: string;
  detail: string;
  /** The same two sentences in Japanese, with the same data values (names, paths, figures) as sent. */
  controlJa: string;
  detailJa: string;
  confidence: number;
  /** op.path is already a full request path (not under the spec's base path). */
  absolutePath?: boolean;
}

export type Location = 'query' | 'path' | 'body' | 'header';

/** One place a value can be put into a request of an operation. */
export interface InjectionPoint {
  op: SpecOperation;
  location: Location;
  name: string;
  schema: JsonSchema;
  /** The value the sample request uses. */
  sample: unknown;
  /** The request with this point set to `value` (raw: not percent-encoded in path/query). */
  build(value: unknown, raw?: boolean): ScanRequest;
}

export class ScanContext {
  readonly findings: Finding[] = [];
  readonly objects: OwnedObject[] = [];
  /** HMAC secret recovered from an identity's token (jwt-weak-secret), for chained JWT tests. */
  crackedSecret: string | undefined;
  /** Browsable folders found (gathered once, shared by the listing and null-byte tests). */
  listings: DirectoryListing[] | undefined;
  /** A solved CAPTCHA (the provider disclosed its answer), used to fill CAPTCHA fields of bodies. */
  captcha: CaptchaSolution | undefined;
  /** Public keys the target publishes, in the textual forms tried as HMAC secrets (gathered once). */
  publicKeys: string[] | undefined;
  /** Profile objects (a JSON object from a parameterless GET) per identity name. */
  readonly profiles = new Map<string, Record<string, unknown>>();
  private readonly bases = new Map<string, ScanExchange | undefined>();

  constructor(
    readonly spec: ApiSpec,
    readonly basePath: string,
    readonly identities: Identity[],
    readonly client: ScanClient,
    readonly masker: Masker,
    readonly rng: Rng,
    readonly callback: CallbackListener | undefined,
    readonly host: string,
  ) {}

  get destructive(): boolean {
    return this.client.destructive;
  }
  get plan(): boolean {
    return this.client.plan;
  }
  /** Ordinary (non-admin) identities. */
  get users(): Identity[] {
    return this.identities.filter((i) => !i.admin);
  }
  get admin(): Identity | undefined {
    return this.identities.find((i) => i.admin);
  }

  /** Operations in spec order, only those this run may call. */
  ops(filter?: (op: SpecOperation) => boolean): SpecOperation[] {
    return this.spec.operations.filter(
      (op) =>
        (this.destructive || !isDestructive({ method: op.method, path: '/', op })) && (!filter || filter(op)),
    );
  }

  /** Sends through the guards; undefined when a guard refused (scope, destructive). */
  async send(req: ScanRequest): Promise<ScanExchange | undefined> {
    try {
      return await this.client.send(req);
    } catch (err) {
      if (err instanceof DestructiveRefused || err instanceof ScopeError) return undefined;
      throw err;
    }
  }

  authHeaders(identity: Identity | undefined): HeaderMap {
    return identity ? { [identity.header]: identity.value } : {};
  }

  /** The identity to call an operation as by default: the first ordinary user when it is secured. */
  defaultIdentity(op: SpecOperation): Identity | undefined {
    return isSecured(op) ? (this.users[0] ?? this.identities[0]) : undefined;
  }

  fullPath(templatePath: string): string {
    return `${this.basePath}${templatePath}`;
  }

  /** Path params: an id this identity owns (learned) when the op is an object's item op, else examples. */
  pathParams(op: SpecOperation, identity?: Identity): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const owned = this.objects.find(
        (o) => o.itemPath === op.path && o.param === p.name && (!identity || o.owner === identity.name),
      );
      const v = owned?.id ?? exampleOf(p.schema, p.example);
      if (v === undefined) return undefined;
      out[p.name] = String(v);
    }
    return out;
  }

  buildPath(
    op: SpecOperation,
    params: Record<string, string>,
    query: Array<[string, string]> = [],
    raw = false,
  ) {
    let path = op.path;
    for (const [k, v] of Object.entries(params)) {
      path = path.split(`{${k}}`).join(raw ? v : encodeURIComponent(v));
    }
    const qs = query
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k)}=${raw ? v.replace(/[ #&]/g, encodeURIComponent) : encodeURIComponent(v)}`,
      )
      .join('&');
    return `${this.fullPath(path)}${qs ? `?${qs}` : ''}`;
  }

  /** Required query params with sample values. */
  sampleQuery(op: SpecOperation): Array<[string, string]> {
    return op.parameters
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => [p.name, String(exampleOf(p.schema, p.example) ?? 'mamori')]);
  }

  /** The request media type the scan uses: JSON when offered, else the first one it can encode. */
  bodyMedia(op: SpecOperation): (SpecMediaContent & { kind: BodyKind }) | undefined {
    const content = op.requestBody?.content ?? [];
    const json = content.find((c) => bodyKind(c.contentType) === 'json');
    const media = json ?? content.find((c) => bodyKind(c.contentType) !== undefined);
    if (media) return { ...media, kind: bodyKind(media.contentType)! };
    return content[0] ? { ...content[0], kind: 'json' } : undefined;
  }

  sampleBody(op: SpecOperation): unknown {
    const media = this.bodyMedia(op);
    if (!media) return undefined;
    const value = withCaptcha(this, op, media.example ?? exampleOf(media.schema, undefined));
    if (media.kind !== 'multipart' || !value || typeof value !== 'object') return value;
    // File parts: a small file of the declared type.
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const props = (media.schema?.['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(props)) {
      if (isFileSchema(schema)) out[name] = sampleFile(this.fileType(op, name) ?? 'application/octet-stream');
    }
    return out;
  }

  /** The content type a multipart file field declares (encoding.contentType or contentMediaType). */
  fileType(op: SpecOperation, field: string): string | undefined {
    const media = this.bodyMedia(op);
    const props = (media?.schema?.['properties'] ?? {}) as Record<string, JsonSchema>;
    const cmt = props[field]?.['contentMediaType'];
    if (typeof cmt === 'string') return cmt;
    const doc = media ? atPointer(this.spec.document, media.pointer) : undefined;
    const encoding = (doc as { encoding?: Record<string, { contentType?: unknown }> } | undefined)?.encoding;
    const ct = encoding?.[field]?.contentType;
    return typeof ct === 'string' ? ct : undefined;
  }

  /** A body value encoded as the operation's media type, with its content-type header. */
  encodeBody(op: SpecOperation, value: unknown): { body: string; headers: HeaderMap } {
    const media = this.bodyMedia(op);
    const kind = media?.kind ?? 'json';
    const enc = encodeBody(kind, value, {
      boundary: 'mamori-scan-boundary-7d3f',
      ...(media ? { root: xmlRoot(media) } : {}),
    });
    return { body: enc.body, headers: { 'content-type': enc.contentType } };
  }

  /** The plain request for an op as an identity (or anonymous), with sample values. */
  sampleRequest(op: SpecOperation, identity?: Identity): ScanRequest | undefined {
    const params = this.pathParams(op, identity);
    if (!params) return undefined;
    const body = this.sampleBody(op);
    const encoded = body !== undefined ? this.encodeBody(op, body) : undefined;
    const headers = { ...this.authHeaders(identity), ...encoded?.headers };
    for (const p of op.parameters.filter((x) => x.in === 'header' && x.required)) {
      headers[p.name] = String(exampleOf(p.schema, p.example) ?? 'mamori');
    }
    return {
      method: op.method,
      path: this.buildPath(op, params, this.sampleQuery(op)),
      headers,
      ...(encoded ? { body: encoded.body } : {}),
      op,
      as: identity?.name ?? '',
    };
  }

  /** A cached ordinary response of a safe operation (as its default identity). */
  async baseline(op: SpecOperation): Promise<ScanExchange | undefined> {
    const key = `${op.method} ${op.path}`;
    if (this.bases.has(key)) return this.bases.get(key);
    const req = this.sampleRequest(op, this.defaultIdentity(op));
    const ex = req ? await this.send({ ...req, note: 'baseline' }) : undefined;
    this.bases.set(key, ex);
    return ex;
  }

  /** Every place a value goes into a request, at one location. */
  injectionPoints(
    location: Location,
    filter?: (name: string, schema: JsonSchema) => boolean,
  ): InjectionPoint[] {
    const points: InjectionPoint[] = [];
    for (const op of this.ops()) {
      const identity = this.defaultIdentity(op);
      const params = this.pathParams(op, identity);
      if (!params) continue;
      const query = this.sampleQuery(op);
      const body = this.sampleBody(op);
      const encoded = body !== undefined ? this.encodeBody(op, body) : undefined;
      const base = (): ScanRequest => ({
        method: op.method,
        path: this.buildPath(op, params, query),
        headers: { ...this.authHeaders(identity), ...encoded?.headers },
        ...(encoded ? { body: encoded.body } : {}),
        op,
        as: identity?.name ?? '',
      });
      const want = (name: string, schema: JsonSchema | undefined) => !filter || filter(name, schema ?? {});
      if (location === 'query' || location === 'path' || location === 'header') {
        for (const p of op.parameters.filter((x) => x.in === location)) {
          if (!want(p.name, p.schema)) continue;
          const sample =
            location === 'path'
              ? params[p.name]
              : (exampleOf(p.schema, p.example) ?? (p.required ? 'mamori' : 'mamori'));
          points.push({
            op,
            location,
            name: p.name,
            schema: p.schema ?? {},
            sample,
            build: (value, raw) => {
              const r = base();
              const v = String(value);
              if (location === 'path') r.path = this.buildPath(op, { ...params, [p.name]: v }, query, raw);
              else if (location === 'query') {
                const q = query.filter(([k]) => k !== p.name);
                r.path = this.buildPath(op, params, [...q, [p.name, v]], raw);
              } else r.headers = { ...r.headers, [p.name]: v };
              return r;
            },
          });
        }
      } else if (location === 'body' && body && typeof body === 'object' && !Array.isArray(body)) {
        const media = this.bodyMedia(op);
        const props = (media?.schema?.['properties'] ?? {}) as Record<string, JsonSchema>;
        for (const [name, schema] of Object.entries(props)) {
          if (schema['readOnly'] === true || !want(name, schema)) continue;
          points.push({
            op,
            location,
            name,
            schema,
            sample: (body as Record<string, unknown>)[name] ?? exampleOf(schema, undefined),
            build: (value) => {
              const r = base();
              // A file field keeps its file name and type; the value becomes its content.
              const current = (body as Record<string, unknown>)[name];
              const v =
                media?.kind === 'multipart' && isFileSchema(schema) && current && typeof current === 'object'
                  ? {
                      ...(current as FilePart),
                      content: typeof value === 'string' ? value : JSON.stringify(value),
                    }
                  : value;
              r.body = this.encodeBody(op, {
                ...this.freshIdentityFields(op, body as Record<string, unknown>, name),
                [name]: v,
              }).body;
              return r;
            },
          });
        }
      }
    }
    return points;
  }

  /** Create operations (POST, no path parameters) usually refuse a second object with the same
   *  username/email: give those fields fresh values (except `keep`, the one under test). */
  freshIdentityFields(
    op: SpecOperation,
    body: Record<string, unknown>,
    keep?: string,
  ): Record<string, unknown> {
    if (op.method !== 'POST' || op.path.includes('{')) return body;
    const out = { ...body };
    for (const [k, v] of Object.entries(body)) {
      if (k === keep || typeof v !== 'string' || !/^(user_?name|username|login|email|e_?mail|name)$/i.test(k))
        continue;
      if (/login|signin|token|session|auth/i.test(op.path)) continue;
      const m = this.rng.marker('u');
      out[k] = v.includes('@') ? `${m}@example.com` : m;
    }
    return out;
  }

  report(test: ScanTest, draft: FindingDraft): void {
    const method = draft.op?.method;
    const path = draft.op?.path;
    const id = fingerprint([test.id, method ?? '', path ?? '', draft.where ?? '']);
    if (this.findings.some((f) => f.id === id)) return;
    // `query.q`, `body.email`, `header.X-Tenant` … name the request input (respond builds patches from it).
    const input = /^(path|query|header|cookie|body)\.(.+)$/.exec(draft.where ?? '');
    const finding: Finding = {
      id,
      test: test.id,
      title: draft.where ? `${test.name} (${draft.where})` : test.name,
      severity: test.severity,
      owasp: test.owasp,
      ...(test.cwe !== undefined ? { cwe: test.cwe } : {}),
      compliance: [],
      host: this.host,
      ...(method ? { method } : {}),
      ...(path ? { path: draft.absolutePath ? path : this.fullPath(path) } : {}),
      ...(input ? { where: { location: input[1] as FindingInput['location'], name: input[2]! } } : {}),
      evidence: evidenceRefs(draft.proof, this.masker),
      description: this.masker.text(`${draft.detail} Ruled out: ${draft.control}`),
      remediation: test.remediation,
      confidence: draft.confidence,
      i18n: {
        ja: {
          description: this.masker.text(`${draft.detailJa} 除外した可能性: ${draft.controlJa}`),
          evidence: evidenceRefs(draft.proof, this.masker, 'ja').map((e) => e.excerpt ?? ''),
        },
      },
    };
    this.findings.push(finding);
  }
}

export function isSecured(op: SpecOperation): boolean {
  return !!op.security && op.security.length > 0 && !op.security.some((r) => Object.keys(r).length === 0);
}

/** A plausible value for a schema: example, default, first enum, else by type. */
export function exampleOf(schema: JsonSchema | undefined, example: unknown, depth = 0): unknown {
  if (example !== undefined) return example;
  if (!schema || depth > 6) return undefined;
  if (schema['example'] !== undefined) return schema['example'];
  const examples = schema['examples'];
  if (Array.isArray(examples) && examples.length > 0) return examples[0];
  if (schema['default'] !== undefined) return schema['default'];
  const en = schema['enum'];
  if (Array.isArray(en) && en.length > 0) return en[0];
  let type = schema['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null');
  const all = (schema['allOf'] ?? schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (!type && Array.isArray(all) && all[0]) return exampleOf(all[0], undefined, depth + 1);
  switch (type) {
    case 'integer':
    case 'number': {
      const min = schema['minimum'];
      return typeof min === 'number' ? min : 1;
    }
    case 'boolean':
      return true;
    case 'array': {
      const item = exampleOf(schema['items'] as JsonSchema | undefined, undefined, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema['required'] as string[] | undefined) ?? Object.keys(props));
      for (const [k, s] of Object.entries(props)) {
        if (!required.has(k) || s['readOnly'] === true) continue;
        const v = exampleOf(s, undefined, depth + 1);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    case 'string': {
      const fmt = schema['format'];
      if (fmt === 'email') return 'mamori@example.com';
      if (fmt === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (fmt === 'date-time') return '2024-01-01T00:00:00Z';
      if (fmt === 'date') return '2024-01-01';
      if (fmt === 'uri' || fmt === 'url') return 'https://example.com/';
      const minLength = schema['minLength'];
      return typeof minLength === 'number' && minLength > 6 ? 'm'.repeat(minLength) : 'mamori';
    }
    default:
      return undefined;
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const ok = (ex: ScanExchange | undefined): ex is ScanExchange =>
  !!ex && ex.response.status >= 200 && ex.response.status < 300;
/** Same as ok() without narrowing (for "continue when it succeeded" branches). */
export const answered2xx = (ex: ScanExchange | undefined): boolean => ok(ex);
export const denied = (ex: ScanExchange | undefined): boolean =>
  !!ex && (ex.response.status === 401 || ex.response.status === 403 || ex.response.status === 404);

/** The value at an RFC 6901 JSON pointer, or undefined. */
export function atPointer(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
