// The files of one spec and the `$ref`s between them. Loads every file reached by a relative-file
// reference (never a URL, never an absolute path), reports each reference that does not resolve, and
// turns raw schemas into resolved ones. Resolved schemas share objects by identity, so a cyclic schema
// becomes a cyclic object graph instead of an endless expansion; walks are iterative (no recursion
// depth limit on deeply nested input).

import { posix, sep } from 'node:path';
import type { ApiSpec, InputIssue, JsonSchema } from '../model/index.js';
import { joinPointer, type ParsedFile, parseSpecFile, pointerTokens } from './spec-locate.js';

export type ReadText = (path: string) => Promise<string>;

export interface Resolved {
  value: unknown;
  file: string;
  pointer: string;
}

/** Upper bound on files one spec may pull in through references. */
const MAX_FILES = 2000;
/** Reported unresolved references before we stop listing them. */
const MAX_REPORTED = 50;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a format normaliser (OpenAPI, Postman) contributes to an ApiSpec. */
export type SpecParts = Pick<
  ApiSpec,
  'title' | 'apiVersion' | 'servers' | 'operations' | 'securitySchemes' | 'security'
>;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Own property only (spec keys like `constructor` or `__proto__` must not reach the prototype). */
export function own(obj: unknown, key: string): unknown {
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Keys whose subtrees are literal data, not spec structure: `$ref`s there are not references. */
const LITERAL_KEYS = new Set(['example', 'enum', 'const', 'default']);
/** Keys whose children are user-named entries (a property or response may be called `default`, `x-id` …). */
const NAMED_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'schemas',
  'responses',
  'parameters',
  'requestBodies',
  'headers',
  'examples',
  'links',
  'callbacks',
  'securitySchemes',
  'securityDefinitions',
  'pathItems',
  'paths',
  'content',
  'encoding',
  'dependentSchemas',
  'variables',
  'webhooks',
]);

/** Is member `key` of an object that sits under `parentKey` literal data (not to be searched for refs)? */
function isLiteralMember(parentKey: string, key: string): boolean {
  if (NAMED_MAPS.has(parentKey)) return false;
  return LITERAL_KEYS.has(key) || key.startsWith('x-');
}

/** Is member `key` (under `parentKey`) a vendor extension? */
function isExtension(parentKey: string, key: string): boolean {
  return key.startsWith('x-') && !NAMED_MAPS.has(parentKey);
}

interface RefSite {
  file: string;
  /** Where the object holding the `$ref` sits (its pointer is only built when reported). */
  at: WalkEntry;
  ref: string;
  /** Inside an `x-…` extension: followed when possible, never fatal (vendor data, not the API). */
  soft: boolean;
}

export class SpecFiles {
  readonly files = new Map<string, ParsedFile>();
  private readonly anchors = new Map<string, Map<string, Resolved>>();
  private readonly resolvedSchemas = new Map<object, unknown>();
  private readonly refCache = new Map<string, Map<string, Resolved | undefined>>();
  /** Set once every referenced file is loaded: from then on a miss is final and may be cached. */
  private loaded = false;

  constructor(
    readonly root: ParsedFile,
    private readonly read: ReadText | undefined,
  ) {
    this.files.set(root.path, root);
    this.rootNorm = posix.normalize(toPosix(root.path));
  }

  /** The root file's path normalised, so `./spec.yaml#/x` from inside it names the root itself. */
  private readonly rootNorm: string;
  /** Absolute `$id` URIs (OpenAPI 3.1 / JSON Schema) → the schema that declares them. */
  private ids: Map<string, Resolved> | undefined;

  /** File paths, root first. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  fileKey(file: string | undefined): string {
    if (file === undefined) return this.root.path;
    if (this.files.has(file)) return file;
    const n = posix.normalize(toPosix(file));
    return this.files.has(n) ? n : file;
  }

  /** Split a reference into the file it names (relative to `fromFile`) and its fragment. */
  private target(
    ref: string,
    fromFile: string,
  ): { file?: string; fragment: string; why?: string; uri?: string } {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    let fragment = hash === -1 ? '' : ref.slice(hash + 1);
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      // a literal `%` in a key: keep the fragment as written
    }
    if (filePart === '') return { file: fromFile, fragment };
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart))
      return {
        fragment,
        uri: filePart,
        why: 'remote and URL references are not fetched (only a local schema with that $id would do); bundle the spec into local files',
      };
    if (filePart.startsWith('/') || filePart.startsWith('\\'))
      return { fragment, why: 'absolute file references are not followed; use a path relative to the spec' };
    let rel = filePart;
    try {
      rel = decodeURIComponent(filePart);
    } catch {
      // keep as written
    }
    const file = posix.normalize(posix.join(posix.dirname(toPosix(fromFile)), toPosix(rel)));
    return { file: file === this.rootNorm ? this.root.path : file, fragment };
  }

  /** Follow one reference as written in `fromFile` (files must already be loaded). */
  resolveRef(ref: string, fromFile?: string): Resolved | undefined {
    const from = this.fileKey(fromFile);
    // specs repeat the same few refs thousands of times; files never change once loaded
    let perFile = this.refCache.get(from);
    if (!perFile) {
      perFile = new Map();
      this.refCache.set(from, perFile);
    }
    if (perFile.has(ref)) return perFile.get(ref);
    const r = this.resolveUncached(ref, from);
    if (r || this.loaded) perFile.set(ref, r);
    return r;
  }

  private resolveUncached(ref: string, from: string): Resolved | undefined {
    const t = this.target(ref, from);
    if (t.uri !== undefined) {
      // a URI naming a schema's `$id` in one of the loaded files is local after all (never fetched)
      const base = this.idIndex().get(t.uri);
      if (!base) return undefined;
      if (t.fragment === '') return base;
      if (!t.fragment.startsWith('/')) return undefined;
      const v = evaluatePointer(base.value, t.fragment);
      return v.found ? { value: v.value, file: base.file, pointer: base.pointer + t.fragment } : undefined;
    }
    if (!t.file) return undefined;
    const f = this.files.get(t.file);
    if (!f) return undefined;
    if (t.fragment === '' || t.fragment.startsWith('/')) {
      const v = evaluatePointer(f.value, t.fragment);
      return v.found ? { value: v.value, file: f.path, pointer: t.fragment } : undefined;
    }
    return this.anchorsOf(f).get(t.fragment);
  }

  private idIndex(): Map<string, Resolved> {
    if (this.ids) return this.ids;
    const ids = new Map<string, Resolved>();
    for (const f of this.files.values()) {
      walk(f.value, (node, pointer) => {
        const id = own(node, '$id');
        if (typeof id === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(id)) {
          const key = id.replace(/#$/, '');
          if (!ids.has(key)) ids.set(key, { value: node, file: f.path, pointer: pointer() });
        }
        return true;
      });
    }
    if (this.loaded) this.ids = ids; // complete only once every file is in
    return ids;
  }

  /** OpenAPI 3.1 / JSON Schema 2020-12 plain-name fragments (`#user`) find a `$anchor`. */
  private anchorsOf(f: ParsedFile): Map<string, Resolved> {
    let m = this.anchors.get(f.path);
    if (!m) {
      const found = new Map<string, Resolved>();
      walk(f.value, (node, pointer) => {
        const a = own(node, '$anchor');
        if (typeof a === 'string' && !found.has(a))
          found.set(a, { value: node, file: f.path, pointer: pointer() });
        return true;
      });
      m = found;
      this.anchors.set(f.path, m);
    }
    return m;
  }

  /**
   * Load every file reached by relative references (breadth first) and check that every reference
   * resolves. Returns fatal issues; empty when the spec is whole.
   */
  async loadAll(): Promise<InputIssue[]> {
    const issues: InputIssue[] = [];
    const sites: RefSite[] = [];
    const failed = new Map<string, string>(); // file → why it could not be loaded
    const parseIssues = new Map<string, InputIssue>(); // file → its syntax error
    const hardFiles = new Set<string>(); // files some non-extension reference needs
    const queue = [this.root];
    while (queue.length > 0) {
      const f = queue.shift()!;
      const found = refSites(f);
      for (const site of found) {
        sites.push(site);
        const t = this.target(site.ref, f.path);
        if (t.file && !site.soft) hardFiles.add(t.file);
        if (!t.file || this.files.has(t.file) || failed.has(t.file)) continue;
        if (!this.read) {
          failed.set(t.file, 'file references are only followed when the spec is loaded from disk');
          continue;
        }
        if (this.files.size >= MAX_FILES) {
          failed.set(t.file, `a spec may reference at most ${MAX_FILES} files`);
          continue;
        }
        let text: string;
        try {
          text = await this.read(t.file);
        } catch (e) {
          const code = (e as { code?: string }).code;
          failed.set(
            t.file,
            code === 'ENOENT'
              ? `file ${t.file} does not exist`
              : code === 'ENOTREG' || code === 'EISDIR'
                ? `${t.file} is not a regular file`
                : `cannot read ${t.file}${code ? ` (${code})` : ''}`,
          );
          continue;
        }
        const parsed = parseSpecFile(text, t.file);
        if ('code' in parsed) {
          parseIssues.set(t.file, parsed);
          failed.set(t.file, `${t.file} could not be parsed`);
          continue;
        }
        this.files.set(t.file, parsed);
        queue.push(parsed);
      }
    }
    this.loaded = true;
    for (const [file, issue] of parseIssues) if (hardFiles.has(file)) issues.push(issue);
    let unresolved = 0;
    for (const site of sites) {
      if (site.soft || this.resolveRef(site.ref, site.file)) continue;
      unresolved++;
      if (unresolved > MAX_REPORTED) continue;
      const t = this.target(site.ref, site.file);
      const why =
        t.why ??
        (t.file && failed.get(t.file)) ??
        `no node at ${t.fragment || '/'} in ${t.file ?? site.file}`;
      const pointer = `${pointerOf(site.at)}/$ref`;
      const pos = this.files.get(site.file)?.locator.locate(pointer);
      issues.push({
        code: 'spec.ref.unresolved',
        message: `unresolved $ref '${site.ref}'`,
        file: site.file,
        ...(pos ? { line: pos.line, column: pos.column } : {}),
        pointer,
        hint: why,
        fatal: true,
      });
    }
    if (unresolved > MAX_REPORTED)
      issues.push({
        code: 'spec.ref.unresolved',
        message: `${unresolved - MAX_REPORTED} more unresolved $refs not listed`,
        file: this.root.path,
        fatal: true,
      });
    return issues;
  }

  /**
   * Follow `$ref` chains at the top of an object (parameters, responses, path items …).
   * Returns the object reached with the file and pointer where it is defined.
   */
  deref(value: unknown, file: string, pointer: string): Resolved {
    let cur: Resolved = { value, file, pointer };
    for (let hops = 0; hops < 64; hops++) {
      const ref = own(cur.value, '$ref');
      if (typeof ref !== 'string') return cur;
      const next = this.resolveRef(ref, cur.file);
      if (!next) return cur;
      cur = next;
    }
    return cur; // a reference cycle with no object in it
  }

  /**
   * The schema at `value` with every `$ref` replaced by the (shared) resolved target. `siblings`:
   * OpenAPI 3.1 keeps keywords beside `$ref` (as `allOf`); 2.0/3.0 ignore them.
   */
  schema(value: unknown, file: string, siblings: boolean): JsonSchema | undefined {
    if (value === true) return {};
    if (value === false) return { not: {} };
    if (!isObject(value)) return undefined;
    const out = this.resolveNode(value, file, siblings, []);
    return isObject(out) ? out : undefined;
  }

  private resolveNode(value: unknown, file: string, siblings: boolean, work: Task[]): unknown {
    const out = this.resolveShallow(value, file, siblings, work, '');
    while (work.length > 0) {
      const task = work.pop()!;
      if (Array.isArray(task.src)) {
        const dst = task.dst as unknown[];
        for (const item of task.src) dst.push(this.resolveShallow(item, task.file, siblings, work, ''));
      } else {
        const dst = task.dst as Record<string, unknown>;
        for (const [k, v] of Object.entries(task.src as Record<string, unknown>)) {
          if (k === '$ref' && task.skipRef) continue;
          setOwn(
            dst,
            k,
            isLiteralMember(task.key, k) ? v : this.resolveShallow(v, task.file, siblings, work, k),
          );
        }
      }
    }
    return out;
  }

  /** The output node for `value` (member `key` of its parent), created and queued for filling on first sight. */
  private resolveShallow(
    value: unknown,
    file: string,
    siblings: boolean,
    work: Task[],
    key: string,
  ): unknown {
    if (typeof value !== 'object' || value === null) return value;
    let src: object = value;
    let srcFile = file;
    const ref = own(value, '$ref');
    if (typeof ref === 'string') {
      const target = this.deref(value, file, '');
      if (target.value === value) return {}; // unresolved (reported at load time)
      const extra = siblings ? Object.keys(value).filter((k) => k !== '$ref') : [];
      if (extra.length > 0) {
        // 3.1: `{ $ref, description }` is the target plus local keywords
        const memo = this.resolvedSchemas.get(value);
        if (memo) return memo;
        const dst: Record<string, unknown> = {};
        this.resolvedSchemas.set(value, dst);
        work.push({ src: value, dst, file, skipRef: true, key });
        dst.allOf = [this.resolveShallow(target.value, target.file, siblings, work, '')];
        return dst;
      }
      if (typeof target.value !== 'object' || target.value === null) return target.value;
      src = target.value;
      srcFile = target.file;
    }
    const memo = this.resolvedSchemas.get(src);
    if (memo !== undefined) return memo;
    const dst: unknown = Array.isArray(src) ? [] : {};
    this.resolvedSchemas.set(src, dst);
    work.push({ src, dst, file: srcFile, skipRef: false, key });
    return dst;
  }
}

interface Task {
  src: unknown;
  dst: unknown;
  file: string;
  skipRef: boolean;
  /** The member name the source sits under in its parent (decides which children are literal). */
  key: string;
}

export function evaluatePointer(root: unknown, pointer: string): { found: boolean; value?: unknown } {
  let cur = root;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= cur.length) return { found: false };
      cur = cur[Number(token)];
    } else if (isObject(cur) && Object.hasOwn(cur, token)) {
      cur = cur[token];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

interface WalkEntry {
  value: unknown;
  parent: WalkEntry | undefined;
  key: string;
  soft?: boolean;
}

function pointerOf(e: WalkEntry): string {
  const keys: string[] = [];
  for (let cur: WalkEntry | undefined = e; cur?.parent; cur = cur.parent) keys.push(cur.key);
  return joinPointer('', ...keys.reverse());
}

/**
 * Iterative depth-first walk over objects and arrays; each object is visited once (YAML aliases
 * share objects). `visit` returns false to skip an object's children.
 */
function walk(root: unknown, visit: (node: Record<string, unknown>, pointer: () => string) => boolean): void {
  const seen = new Set<object>();
  const stack: WalkEntry[] = [{ value: root, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.value;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: e, key: String(i) });
      continue;
    }
    const obj = v as Record<string, unknown>;
    if (!visit(obj, () => pointerOf(e))) continue;
    for (const k of Object.keys(obj)) {
      if (isLiteralMember(e.key, k)) continue;
      const child = obj[k];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, parent: e, key: k });
    }
  }
}

/** Every `$ref` string in a file, with the pointer of its `$ref` member. */
function refSites(f: ParsedFile): RefSite[] {
  const sites: RefSite[] = [];
  // JSON documents are trees: only YAML with aliases needs the (costly) seen-set
  const seen = f.shared ? new Set<object>() : undefined;
  const stack: WalkEntry[] = [{ value: f.value, parent: undefined, key: '', soft: false }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.value;
    if (typeof v !== 'object' || v === null) continue;
    if (seen) {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c = v[i];
        if (typeof c === 'object' && c !== null)
          stack.push({ value: c, parent: e, key: String(i), soft: e.soft === true });
      }
      continue;
    }
    const obj = v as Record<string, unknown>;
    const ref = Object.hasOwn(obj, '$ref') ? obj.$ref : undefined;
    if (typeof ref === 'string') sites.push({ file: f.path, at: e, ref, soft: e.soft === true });
    const keys = Object.keys(obj);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const ext = isExtension(e.key, k);
      if (!ext && isLiteralMember(e.key, k)) continue;
      // a 3.1 schema's `examples` is an array of literal values; an OpenAPI `examples` map is not
      if (k === 'examples' && Array.isArray(obj[k])) continue;
      const child = obj[k];
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, parent: e, key: k, soft: e.soft === true || ext });
    }
  }
  return sites;
}
