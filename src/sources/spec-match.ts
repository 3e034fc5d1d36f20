// Concrete request → spec operation. Each spec is compiled once (per method, a trie of path segments
// over server basePath + operation template); matching walks the trie trying literal segments before
// templated ones, so `/users/me` beats `/users/{id}` wherever they first differ. Segments are compared
// percent-decoded; a server with a host only matches that host, a relative server matches any.

import type { ApiSpec, SpecOperation } from '../model/index.js';

interface Leaf {
  op: SpecOperation;
  host: string | undefined;
  port: number | undefined;
}

interface ParamEdge {
  /** For mixed segments (`{id}.json`, `v{major}`); whole-segment parameters have none. */
  re: RegExp | undefined;
  names: string[];
  node: TrieNode;
}

interface TrieNode {
  literal: Map<string, TrieNode>;
  params: ParamEdge[];
  leaves: Leaf[];
}

function newNode(): TrieNode {
  return { literal: new Map(), params: [], leaves: [] };
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path → decoded segments; no query or fragment, no empty segments from `//` or a trailing `/`. */
export function pathSegments(path: string): string[] {
  const cut = path.search(/[?#]/);
  const p = cut === -1 ? path : path.slice(0, cut);
  const out: string[] = [];
  for (const s of p.split('/')) if (s !== '') out.push(decode(s));
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface SegmentPattern {
  literal?: string;
  re?: RegExp;
  names: string[];
}

function segmentPattern(seg: string): SegmentPattern {
  if (!seg.includes('{')) return { literal: decode(seg), names: [] };
  const whole = /^\{([^{}]+)\}$/.exec(seg);
  if (whole) return { names: [whole[1]!] };
  const names: string[] = [];
  let src = '^';
  let last = 0;
  for (const m of seg.matchAll(/\{([^{}]+)\}/g)) {
    src += escapeRe(decode(seg.slice(last, m.index)));
    src += '(.+?)';
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  src += `${escapeRe(decode(seg.slice(last)))}$`;
  return { re: new RegExp(src, 's'), names };
}

/** Compile one path template (`/users/{id}`) into a matcher returning its parameters, or undefined. */
export function compileTemplate(template: string): (path: string) => Record<string, string> | undefined {
  const pats = pathSegments(template).map(segmentPattern);
  return (path) => {
    const segs = pathSegments(path);
    if (segs.length !== pats.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < pats.length; i++) {
      const p = pats[i]!;
      const s = segs[i]!;
      if (p.literal !== undefined) {
        if (p.literal !== s) return undefined;
      } else if (p.re) {
        const m = p.re.exec(s);
        if (!m) return undefined;
        p.names.forEach((n, j) => {
          params[n] = m[j + 1] ?? '';
        });
      } else params[p.names[0]!] = s;
    }
    return params;
  };
}

export interface CompiledSpec {
  match(method: string, host: string | undefined, path: string): SpecOperation | undefined;
}

function insert(root: TrieNode, segs: string[], leaf: Leaf): void {
  let node = root;
  for (const seg of segs) {
    const p = segmentPattern(seg);
    if (p.literal !== undefined) {
      let next = node.literal.get(p.literal);
      if (!next) {
        next = newNode();
        node.literal.set(p.literal, next);
      }
      node = next;
      continue;
    }
    const key = p.re?.source;
    let edge = node.params.find((e) => e.re?.source === key);
    if (!edge) {
      edge = { re: p.re, names: p.names, node: newNode() };
      node.params.push(edge);
      // mixed segments (`{id}.json`) are more specific than whole ones (`{id}`): try them first
      node.params.sort((a, b) => (a.re ? 0 : 1) - (b.re ? 0 : 1));
    }
    node = edge.node;
  }
  node.leaves.push(leaf);
}

function pickLeaf(leaves: Leaf[], host: string | undefined, port: number | undefined): Leaf | undefined {
  let any: Leaf | undefined;
  for (const l of leaves) {
    if (l.host === undefined) {
      any ??= l;
      continue;
    }
    if (host === undefined) {
      any ??= l;
      continue;
    }
    if (l.host === host && (port === undefined || l.port === undefined || l.port === port)) return l;
  }
  return any;
}

function search(
  node: TrieNode,
  segs: string[],
  i: number,
  host: string | undefined,
  port: number | undefined,
): Leaf | undefined {
  if (i === segs.length) return pickLeaf(node.leaves, host, port);
  const seg = segs[i]!;
  const lit = node.literal.get(seg);
  if (lit) {
    const found = search(lit, segs, i + 1, host, port);
    if (found) return found;
  }
  for (const edge of node.params) {
    if (edge.re ? !edge.re.test(seg) : seg === '') continue;
    const found = search(edge.node, segs, i + 1, host, port);
    if (found) return found;
  }
  return undefined;
}

function splitHost(host: string | undefined): { host: string | undefined; port: number | undefined } {
  if (host === undefined || host === '') return { host: undefined, port: undefined };
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim());
  if (!m) return { host: host.toLowerCase(), port: undefined };
  return { host: (m[1] ?? '').toLowerCase(), port: m[2] ? Number(m[2]) : undefined };
}

/** Build the matcher of a spec (done once per spec by `matchOperation`). */
export function compileSpec(spec: ApiSpec): CompiledSpec {
  const byMethod = new Map<string, TrieNode>();
  for (const op of spec.operations) {
    const method = op.method.toUpperCase();
    let root = byMethod.get(method);
    if (!root) {
      root = newNode();
      byMethod.set(method, root);
    }
    const opSegs = pathSegmentsRaw(op.path);
    const servers = op.servers.length > 0 ? op.servers : [{ url: '/', basePath: '' }];
    const seen = new Set<string>();
    for (const s of servers) {
      const key = `${s.host ?? ''}|${s.port ?? ''}|${s.basePath}`;
      if (seen.has(key)) continue;
      seen.add(key);
      insert(root, [...pathSegmentsRaw(s.basePath), ...opSegs], { op, host: s.host, port: s.port });
    }
  }
  return {
    match(method, rawHost, rawPath) {
      let path = rawPath;
      let hostText = rawHost;
      const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i.exec(rawPath);
      if (abs) {
        hostText ??= abs[1]!.slice(abs[1]!.lastIndexOf('@') + 1);
        path = abs[2] || '/';
      }
      const { host, port } = splitHost(hostText);
      const segs = pathSegments(path);
      const m = method.toUpperCase();
      const root = byMethod.get(m);
      const found = root ? search(root, segs, 0, host, port) : undefined;
      if (found) return found.op;
      if (m === 'HEAD') {
        const get = byMethod.get('GET');
        return get ? search(get, segs, 0, host, port)?.op : undefined;
      }
      return undefined;
    },
  };
}

/** Template segments as written (decoding happens per segment pattern). */
function pathSegmentsRaw(path: string): string[] {
  const cut = path.search(/[?#]/);
  const p = cut === -1 ? path : path.slice(0, cut);
  return p.split('/').filter((s) => s !== '');
}

const compiled = new WeakMap<ApiSpec, CompiledSpec>();

/**
 * The operation a concrete request hits: method, host (`api.example.com[:port]`, undefined = any) and
 * path (`/api/v2/users/42?x=1`, percent-encoded as sent). Compiled once per spec object.
 */
export function matchOperation(
  spec: ApiSpec,
  method: string,
  host: string | undefined,
  path: string,
): SpecOperation | undefined {
  let c = compiled.get(spec);
  if (!c) {
    c = compileSpec(spec);
    compiled.set(spec, c);
  }
  return c.match(method, host, path);
}
