// Virtual patches: narrow rules made from a finding (scanner or audit) or an alert, enforced by the
// proxy and the middleware and exported to WAFs (rules-export.ts). Narrow means: this parameter on
// this endpoint with this kind of value, this property in this body, or this actor — never a whole
// attack class everywhere. A patch's `pattern` is a portable regex (no lookaround, no backreference,
// at most 200 characters) so that ModSecurity, Cloudflare (Rust regex) and AWS WAF (PCRE subset) can
// run the same rule; it is matched against the value after the signatures' normalisation (decoded,
// lower case). Pure: no I/O, time is passed in.

import { normaliseValue } from '../detect/index.js';
import type { Input } from '../detect/signatures/matcher.js';
import type { Alert, Finding } from '../model/index.js';
import { CATALOGUE as SCAN_TESTS } from '../scan/tests/index.js';

export type PatchWhere = 'query' | 'header' | 'cookie' | 'body' | 'path';

export interface PatchMatch {
  host?: string;
  method?: string;
  /** Endpoint template (`/users/{id}`): `{name}` matches one path segment. */
  path?: string;
  where?: PatchWhere;
  /** Parameter name, or JSON property path for `body` (`user.role`, `items[].id`), or the template
   * variable for `path`. Without `where`, a name is looked for in query, header, cookie and body. */
  name?: string;
  /** Regex source matched against the normalised value; without it the input's presence matches. */
  pattern?: string;
  actor?: string;
}

export interface Patch {
  id: string;
  created: string;
  createdBy: string;
  expires?: string;
  revoked?: string;
  source: { kind: 'finding' | 'alert' | 'manual'; id: string };
  description: string;
  match: PatchMatch;
  action: 'block' | 'log';
}

export interface PatchOptions {
  id: string;
  createdBy: string;
  /** Epoch ms. */
  now: number;
  /** Time to live; actor patches default to 24 h (addresses are reassigned), others do not expire. */
  ttlMs?: number;
}

/** A finding or alert that gives nothing narrow to enforce (a document-level spec finding). */
export class PatchError extends Error {
  readonly code = 'not-patchable';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** What a patch is matched against: the request the guard is about to forward. */
export interface PatchView {
  method: string;
  host: string;
  /** Path without the query. */
  path: string;
  actor?: string;
  /** The request's inputs as the signatures read them (detect/inputs.ts `requestInputs`). */
  inputs: readonly Input[];
}

const ACTOR_TTL_MS = 24 * 3600_000;

/** Portable patterns per kind of attack (see the header). Values are already lower case. */
export const ATTACK_PATTERNS = {
  sqli: String.raw`['";]|--|/\*|\b(?:union|select|insert|update|delete|drop|sleep|benchmark|waitfor|pg_sleep|having)\b`,
  xss: String.raw`<[a-z!/?]|\bjavascript:|\bvbscript:|\bon[a-z]+\s*=|\bsrcdoc\s*=`,
  traversal: String.raw`\.\.[/\\]|[/\\]\.\.$|^\.\.$|^[/\\]|^[a-z]:[/\\]|\x00`,
  inclusion: String.raw`\.\.[/\\]|^[/\\]|^[a-z]:[/\\]|^(?:php|file|zip|data|expect|phar|glob|https?|ftp)://`,
  command: '[;&|$`<>\\n]|\\$\\(',
  ssrf: String.raw`^(?:[a-z][a-z0-9+.-]*:)?//(?:[^/@]*@)?(?:localhost|127\.|0\.|10\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|\[|metadata|[0-9]+(?:[/:]|$)|0x)|^(?:file|gopher|dict|ftp|ldap|jar|netdoc):`,
  redirect: String.raw`^(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}|^[a-z][a-z0-9+.-]*:`,
  nosql: String.raw`^\$[a-z]+$|\[\$[a-z]+\]|\$(?:where|regex|ne|gt|lt|in|nin|expr)\b`,
  ldap: String.raw`[()*|&\\]`,
  xxe: '<!(?:doctype|entity)|xinclude',
  ssti: String.raw`\{\{|\{%|\$\{|<%|#\{|\*\{`,
  log4shell: String.raw`\$\{`,
  prototype: String.raw`__proto__|\bconstructor\b|\bprototype\b`,
  crlf: String.raw`[\r\n]`,
  ssi: String.raw`<!--\s*#`,
  graphqlIntrospection: String.raw`__schema|__type\b`,
  graphqlDepth: String.raw`(?:\{[^{}]*){11}`,
  promptInjection: String.raw`\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b`,
  promptExtraction: String.raw`\bsystem prompt\b|\b(?:reveal|repeat|print|show|output)\b.{0,40}\b(?:instructions|prompt)\b`,
  overLong: String.raw`^[\s\S]{1025,}`,
} as const;

type AttackKind = keyof typeof ATTACK_PATTERNS;

/** Alert type (`signature.<family>`, `ai.<family>`) → pattern. */
const FAMILY_PATTERN: Record<string, AttackKind> = {
  sqli: 'sqli',
  xss: 'xss',
  'path-traversal': 'traversal',
  'file-inclusion': 'inclusion',
  'command-injection': 'command',
  ssrf: 'ssrf',
  'nosql-injection': 'nosql',
  'ldap-injection': 'ldap',
  xxe: 'xxe',
  ssti: 'ssti',
  log4shell: 'log4shell',
  'prototype-pollution': 'prototype',
  'crlf-injection': 'crlf',
  'ssi-injection': 'ssi',
  'prompt-injection': 'promptInjection',
  'system-prompt-extraction': 'promptExtraction',
};

/** Scanner checker → what the patch does. `presence`: the input must not be sent at all. */
type Remedy = { kind: AttackKind } | { kind: 'presence' } | { kind: 'log' };

const CHECKER_REMEDY: Record<string, Remedy> = {
  'sqli-error': { kind: 'sqli' },
  'sqli-boolean': { kind: 'sqli' },
  'sqli-time': { kind: 'sqli' },
  'sqli-login': { kind: 'sqli' },
  'nosql-operator': { kind: 'nosql' },
  'command-injection': { kind: 'command' },
  'path-traversal': { kind: 'traversal' },
  ssti: { kind: 'ssti' },
  'xss-reflected': { kind: 'xss' },
  'ssrf-callback': { kind: 'ssrf' },
  'ssrf-internal': { kind: 'ssrf' },
  'mass-assignment': { kind: 'presence' },
  'method-switch': { kind: 'presence' },
  'payload-size': { kind: 'overLong' },
  trace: { kind: 'presence' },
  'exposed-path': { kind: 'presence' },
  'old-version': { kind: 'presence' },
};

/** Audit rule → what the patch does (other rules give a `log` patch on the endpoint or input). */
const RULE_REMEDY: Record<string, Remedy> = {
  'MAM-PARAM-001': { kind: 'ssrf' },
  'MAM-PARAM-005': { kind: 'redirect' },
  'MAM-PARAM-006': { kind: 'traversal' },
  'MAM-INPUT-001': { kind: 'overLong' },
  'MAM-MASS-001': { kind: 'log' },
  'MAM-MASS-006': { kind: 'presence' },
  'MAM-MASS-007': { kind: 'presence' },
};

interface Place {
  where?: PatchWhere;
  name?: string;
}

const SCAN_WHERE = /\((query|header|cookie|path|body)\.([^()]+)\)$/;
const SCAN_SUBJECT = /\(([^()]+)\)$/;
const PARAM_DESC = /\b(query|header|cookie|path|formData) parameter `([^`]+)`/;
const BODY_DESC = /`([^`]+)` in the request body\b/;
const ANY_PARAM_DESC = /`([^`]+)` in a parameter\b/;

/** The input a finding is about: its `where` when the producer set it; else the scanner's title
 * (`Title (location.name)`) or an audit rule's message (`query parameter \`q\``, `\`user.role\` in
 * the request body`). */
function findingPlace(f: Finding, checker: string | undefined): Place {
  if (f.where) return placeOf(f.where.location, f.where.name);
  const subject = SCAN_SUBJECT.exec(f.title)?.[1];
  // Checkers that name a bare field or header (context.ts FindingDraft.where).
  if (checker === 'mass-assignment' && subject) return { where: 'body', name: subject };
  if (checker === 'method-switch' && subject && !/^[A-Z]+$/.test(subject))
    return { where: 'header', name: subject.toLowerCase() };
  const scan = SCAN_WHERE.exec(f.title);
  if (scan) return placeOf(scan[1]!, scan[2]!);
  const text = f.description ?? '';
  const param = PARAM_DESC.exec(text);
  if (param) return placeOf(param[1] === 'formData' ? 'body' : param[1]!, param[2]!);
  const body = BODY_DESC.exec(text);
  if (body) return { where: 'body', name: body[1]! };
  const any = ANY_PARAM_DESC.exec(text);
  if (any) return { name: any[1]! };
  return {};
}

function placeOf(location: string, name: string): Place {
  const where = location as PatchWhere;
  if (where === 'body') return { where, name: name.replace(/^\$\.?/, '') };
  return { where, name };
}

/** Alert field (`query.q`, `header.x-api`, `cookie.sid`, `$.user.name`, `path`, `body`) → place. */
function fieldPlace(field: string): Place {
  if (field === 'path') return { where: 'path' };
  if (field === 'body') return { where: 'body' };
  if (field.startsWith('$')) return { where: 'body', name: field.replace(/^\$\.?/, '') };
  const dot = field.indexOf('.');
  if (dot > 0) {
    const loc = field.slice(0, dot);
    if (loc === 'query' || loc === 'header' || loc === 'cookie')
      return { where: loc, name: field.slice(dot + 1) };
  }
  return {};
}

function expiry(now: number, ttlMs: number | undefined): { expires?: string } {
  return ttlMs !== undefined ? { expires: new Date(now + ttlMs).toISOString() } : {};
}

function endpointOf(x: { host?: string; method?: string; path?: string }): PatchMatch {
  const m: PatchMatch = {};
  if (x.host) m.host = x.host.toLowerCase();
  if (x.method) m.method = x.method.toUpperCase();
  if (x.path) m.path = x.path;
  return m;
}

function label(m: PatchMatch): string {
  const at = `${m.method ?? 'any method'} ${m.host ?? ''}${m.path ?? '(any path)'}`;
  const input = m.where || m.name ? ` ${m.where ?? 'input'}${m.name ? ` ${m.name}` : ''}` : '';
  return `${at}${input}`;
}

/** The narrowest patch a finding supports; throws PatchError when it names no endpoint. */
export function patchFromFinding(f: Finding, opts: PatchOptions): Patch {
  if (!f.path)
    throw new PatchError(`finding ${f.id} (${f.title}) names no endpoint`, 'patch an endpoint finding');
  const checker = f.test ? SCAN_TESTS.find((t) => t.id === f.test)?.checker : undefined;
  const place = findingPlace(f, checker);
  let remedy: Remedy = { kind: 'log' };
  if (checker) remedy = CHECKER_REMEDY[checker] ?? remedy;
  else if (f.rule) remedy = RULE_REMEDY[f.rule] ?? remedy;
  const match = endpointOf(f);
  if (checker === 'trace') match.method = 'TRACE';
  // An undeclared method that works (`PATCH` on a read-only resource): block that method there.
  const subject = SCAN_SUBJECT.exec(f.title)?.[1];
  if (checker === 'method-switch' && subject && /^[A-Z]+$/.test(subject)) match.method = subject;
  if (place.where) match.where = place.where;
  if (place.name) match.name = place.name;
  // A remedy that judges a value needs the input; without one only the endpoint can be watched.
  if (remedy.kind !== 'log' && remedy.kind !== 'presence' && !place.name && place.where !== 'path')
    remedy = { kind: 'log' };
  if (remedy.kind !== 'log' && remedy.kind !== 'presence') match.pattern = ATTACK_PATTERNS[remedy.kind];
  const action = remedy.kind === 'log' ? 'log' : 'block';
  const what =
    remedy.kind === 'log'
      ? 'log calls to'
      : remedy.kind === 'presence'
        ? match.name
          ? 'block requests that send'
          : 'block'
        : `block ${remedy.kind} values in`;
  return {
    id: opts.id,
    created: new Date(opts.now).toISOString(),
    createdBy: opts.createdBy,
    ...expiry(opts.now, opts.ttlMs),
    source: { kind: 'finding', id: f.id },
    description: `${what} ${label(match)} (${f.rule ?? f.test ?? 'finding'}: ${f.title})`,
    match,
    action,
  };
}

/** Signature alerts → the field and a pattern of the alert's family on that endpoint; behaviour
 * alerts (and any alert naming no field) → the actor. */
export function patchFromAlert(a: Alert, opts: PatchOptions): Patch {
  const dot = a.type.indexOf('.');
  const family = a.type.slice(dot + 1);
  const base = {
    id: opts.id,
    created: new Date(opts.now).toISOString(),
    createdBy: opts.createdBy,
    source: { kind: 'alert' as const, id: a.id },
  };
  if (a.type.startsWith('signature.') || a.type.startsWith('ai.')) {
    const field = fieldOfExplanation(a.explanation);
    const place = field ? fieldPlace(field) : {};
    const kind: AttackKind | undefined =
      family === 'graphql'
        ? /introspection/i.test(a.explanation)
          ? 'graphqlIntrospection'
          : 'graphqlDepth'
        : FAMILY_PATTERN[family];
    if (kind && (place.where || place.name)) {
      const match: PatchMatch = { ...endpointOf(a), ...place, pattern: ATTACK_PATTERNS[kind] };
      return {
        ...base,
        ...expiry(opts.now, opts.ttlMs),
        description: `block ${family} values in ${label(match)} (alert ${a.type})`,
        match,
        action: 'block',
      };
    }
  }
  return {
    ...base,
    ...expiry(opts.now, opts.ttlMs ?? ACTOR_TTL_MS),
    description: `block actor ${a.actor} (alert ${a.type})`,
    match: { actor: a.actor },
    action: 'block',
  };
}

/** The field of a signature alert's explanation: `… in query.q = "…"` (detect/engine.ts). */
function fieldOfExplanation(explanation: string): string | undefined {
  const m = / in ((?:query|header|cookie)\.[^\s=]+|\$[^\s=]*|path|body) = /.exec(explanation);
  return m?.[1];
}

interface CompiledPatch {
  patch: Patch;
  expires: number;
  revoked: boolean;
  path?: { re: RegExp; names: string[] };
  pattern?: RegExp;
  /** Input names that belong to the patch's name (JSON paths as the inputs spell them). */
  bodyName?: string;
}

function compilePath(template: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let src = '^';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    src += escapeRe(template.slice(last, m.index));
    src += '([^/]+)';
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  src += `${escapeRe(template.slice(last).replace(/\/$/, ''))}/?$`;
  return { re: new RegExp(src), names };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(p: Patch): CompiledPatch {
  const c: CompiledPatch = {
    patch: p,
    expires: p.expires ? Date.parse(p.expires) : Number.POSITIVE_INFINITY,
    revoked: p.revoked !== undefined,
  };
  if (p.match.path) c.path = compilePath(p.match.path);
  if (p.match.pattern !== undefined) c.pattern = new RegExp(p.match.pattern);
  if (p.match.name !== undefined) c.bodyName = `$.${p.match.name}`;
  return c;
}

const compiled = new WeakMap<Patch, CompiledPatch>();

function compiledOf(p: Patch): CompiledPatch {
  let c = compiled.get(p);
  if (!c) {
    c = compile(p);
    compiled.set(p, c);
  }
  return c;
}

/** Whether the name of an input is the patch's name or lies under it (`user[$ne]`, `$.user.role`). */
function nameCovers(patchName: string, inputName: string): boolean {
  if (inputName === patchName) return true;
  if (!inputName.startsWith(patchName)) return false;
  const next = inputName.charCodeAt(patchName.length);
  return next === 46 /* . */ || next === 91 /* [ */;
}

function valueMatches(c: CompiledPatch, raw: string): boolean {
  return c.pattern ? c.pattern.test(normaliseValue(raw)) : true;
}

function matchCompiled(c: CompiledPatch, view: PatchView, now: number): boolean {
  if (c.revoked || c.expires <= now) return false;
  const m = c.patch.match;
  if (m.actor !== undefined && m.actor !== view.actor) return false;
  if (m.host !== undefined && m.host !== view.host) return false;
  if (m.method !== undefined && m.method !== view.method) return false;
  let segments: RegExpExecArray | null = null;
  if (c.path) {
    segments = c.path.re.exec(view.path);
    if (!segments) return false;
  }
  if (m.where === undefined && m.name === undefined) return !c.pattern;
  if (m.where === 'path') {
    if (m.name === undefined) return valueMatches(c, view.path);
    const i = c.path ? c.path.names.indexOf(m.name) : -1;
    const value = i >= 0 && segments ? segments[i + 1] : undefined;
    return value !== undefined && valueMatches(c, value);
  }
  for (const input of view.inputs) {
    if (!inputAt(m.where, input.location)) continue;
    if (m.name !== undefined) {
      const body = input.location === 'json-key' || input.location === 'json-value';
      if (!nameCovers(body ? c.bodyName! : m.name, input.name)) continue;
    }
    if (valueMatches(c, input.raw)) return true;
  }
  return false;
}

function inputAt(where: PatchWhere | undefined, location: Input['location']): boolean {
  switch (where) {
    case undefined:
      return location !== 'path' && location !== 'prompt';
    case 'query':
      return location === 'query' || location === 'query-name';
    case 'header':
      return location === 'header';
    case 'cookie':
      return location === 'cookie';
    case 'body':
      return (
        location === 'json-key' || location === 'json-value' || location === 'body' || location === 'prompt'
      );
    case 'path':
      return location === 'path';
  }
}

/** Whether the patch applies to this request now (live, endpoint, actor, input and value). */
export function matchPatch(p: Patch, view: PatchView, now: number): boolean {
  return matchCompiled(compiledOf(p), view, now);
}

/** Whether the patch is in force at `now` (not revoked, not expired). */
export function isLive(p: Patch, now: number): boolean {
  const c = compiledOf(p);
  return !c.revoked && c.expires > now;
}

/** The patches a guard enforces, compiled once; `match` returns the first that applies (block
 * patches before log patches). */
export class PatchSet {
  /** Patches with a condition on the request, block before log. */
  private readonly list: CompiledPatch[];
  /** Patches on a whole actor (the many that behaviour alerts make), by actor: one lookup per request. */
  private readonly byActor = new Map<string, CompiledPatch[]>();
  private readonly count: number;
  /** Whether any patch blocks (the proxy then reads request bodies before forwarding). */
  readonly blocks: boolean;

  constructor(patches: readonly Patch[]) {
    const live = patches
      .map(compiledOf)
      .filter((c) => !c.revoked)
      .sort((a, b) => (a.patch.action === b.patch.action ? 0 : a.patch.action === 'block' ? -1 : 1));
    this.list = [];
    for (const c of live) {
      const { actor, ...rest } = c.patch.match;
      if (actor !== undefined && Object.keys(rest).length === 0) {
        const forActor = this.byActor.get(actor);
        if (forActor) forActor.push(c);
        else this.byActor.set(actor, [c]);
      } else this.list.push(c);
    }
    this.count = live.length;
    this.blocks = live.some((c) => c.patch.action === 'block');
  }

  get size(): number {
    return this.count;
  }

  match(view: PatchView, now: number): Patch | undefined {
    let logged: Patch | undefined;
    const forActor = view.actor !== undefined ? this.byActor.get(view.actor) : undefined;
    if (forActor)
      for (const c of forActor)
        if (matchCompiled(c, view, now)) {
          if (c.patch.action === 'block') return c.patch;
          logged ??= c.patch;
        }
    for (const c of this.list)
      if (matchCompiled(c, view, now)) {
        if (c.patch.action === 'block') return c.patch;
        logged ??= c.patch;
        break;
      }
    return logged;
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `90s`, `15m`, `24h`, `7d` → ms; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}
