// InventoryBuilder: exchanges in, endpoints out. Per exchange (`add`) it parses bodies once, asks
// identity/sensitive once, then either files the exchange under the spec operation that documents
// it (the spec's template wins) or walks a per-host trie of path segments where segments that look
// like values (shape rules) collapse into one parameter child. The trie bounds memory: a node keeps
// at most `templateCap` distinct literal children; further values go to one overflow child, i.e.
// that position is a parameter. At `endpoints()` the trie is walked once more to learn templates
// from the distribution of values (see `decide`), provisional endpoints that fold together are
// merged, orphans are added from the specs and lifecycle tags computed.

import type { TrustedProxies } from '../identity/index.js';
import type { ApiSpec, Endpoint, Exchange, ParamObservation, SpecOperation } from '../model/index.js';
import { endpointKey } from '../model/index.js';
import { Agg, aggToEndpoint, type ExchangeFacts, mergeAgg, ParamAcc } from './aggregate.js';
import { actorOf, authOf, type Classifier, compileClassifier, maskValue, parseBodies } from './deps.js';
import { computeTags, type SpecHit, SpecSet } from './lifecycle.js';
import { mergeEndpointStats } from './merge.js';
import type { Masker } from './schema-infer.js';
import {
  entropy,
  isApiVersionAfter,
  isCollectionName,
  isLocale,
  paramName,
  type ShapeKind,
  shapeAfter,
  splitPath,
  staticKind,
  stripExtension,
} from './segments.js';

export interface InventoryOptions {
  specs?: ApiSpec[];
  approvedHosts?: string[];
  trustedProxies?: TrustedProxies;
  classifier?: Classifier;
  /** Epoch ms used for exchanges that carry no time. */
  now?: number;
  /** Distinct literal values kept per path position before it is taken as a parameter (default 64). */
  templateCap?: number;
  /** Distinct sibling values from which the distribution may make a position a parameter (default 8). */
  minDistinct?: number;
}

/** Path depth kept in the trie (deeper paths keep their tail as one last segment). */
export const MAX_SEGMENTS = 48;

class TNode {
  /** The literal segment this node stands for (undefined for parameter and root nodes). */
  constructor(readonly label?: string) {}
  literals: Map<string, TNode> | undefined;
  /** Shape-parameter children, keyed by the literal extension after the value (`` or `.pdf`). */
  params: Map<string, TNode> | undefined;
  /** Values that arrived after the cap of distinct literals was reached. */
  overflow: TNode | undefined;
  aggs: Map<string, Agg> | undefined;
  /** Stored endpoints filed here when templates are learnt again over a merged inventory. */
  eps: Endpoint[] | undefined;
  calls = 0;
  /** For parameter nodes: which shape rules the values matched, and their text types/formats. */
  kinds: Map<string, number> | undefined;
  values: ParamAcc | undefined;
  /** Raw values are not kept; only how many distinct ones arrived (for explain). */
  addValue(kind: string, value: string): void {
    this.kinds ??= new Map();
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    this.values ??= new ParamAcc();
    this.values.add(value);
  }
}

interface SpecAgg {
  agg: Agg;
  hit: SpecHit;
  host: string;
  method: string;
  template: string;
  /** Per template segment index: ParamAcc for `{…}` segments. */
  pathAccs: Map<number, { name: string; acc: ParamAcc }>;
}

interface ParamGroup {
  ext: string;
  nodes: TNode[];
  /** Literal labels folded into this parameter, with the calls through each. */
  members: Array<[string, number]>;
  reason: string;
  kindHint: string | undefined;
}

interface Decision {
  literals: Map<string, { nodes: TNode[]; reason: string }>;
  params: ParamGroup[];
  /** Label → reason it became a parameter. */
  folded: Map<string, string>;
}

const SHAPE_DESCRIPTIONS: Record<ShapeKind, string> = {
  int: 'numeric id',
  uuid: 'UUID',
  hex: 'hex hash/object id',
  date: 'date',
  email: 'email address',
  token: 'opaque token',
  'prefixed-id': 'prefixed id',
};

function callsOf(nodes: TNode[]): number {
  let n = 0;
  for (const x of nodes) n += x.calls;
  return n;
}

/** Digits in the segment itself, not in its percent-escapes (`..%2f..%2fetc` has none). */
function hasDigit(s: string): boolean {
  return /\d/.test(s.includes('%') ? s.replace(/%[0-9A-Fa-f]{2}/g, '') : s);
}

/** A literal that reads like a value rather than a name: digits, a multi-part slug, or long. */
function valueLike(label: string): boolean {
  return hasDigit(label) || /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+$/.test(label) || label.length >= 24;
}

export class InventoryBuilder {
  private readonly roots = new Map<string, TNode>();
  private readonly specAggs = new Map<string, SpecAgg>();
  private readonly specCache = new Map<string, SpecHit | null>();
  private readonly specSet: SpecSet;
  private readonly classifier: Classifier;
  private readonly mask: Masker;
  private readonly cap: number;
  private readonly minDistinct: number;

  constructor(private readonly opts: InventoryOptions = {}) {
    this.specSet = new SpecSet(opts.specs ?? []);
    this.classifier = opts.classifier ?? compileClassifier();
    this.cap = Math.max(2, opts.templateCap ?? 64);
    this.minDistinct = Math.max(2, opts.minDistinct ?? 8);
    const classifier = this.classifier;
    this.mask = (value, field) => maskExample(classifier, value, field);
  }

  /**
   * Files one exchange. `actor` is its `actorOf(ex, trustedProxies).id` when the caller already has it
   * (the pipeline works it out for the retained copy): decoding a JWT and hashing a credential cost
   * more than the rest of identity.
   */
  add(ex: Exchange, actor?: string): void {
    const req = ex.request;
    const time = Number.isFinite(ex.time) && ex.time > 0 ? ex.time : (this.opts.now ?? 0);
    const parsed = parseBodies(ex);
    const facts: ExchangeFacts = {
      time,
      actor: actor ?? actorOf(ex, this.opts.trustedProxies).id,
      auth: authOf(ex),
      parsed,
    };
    const host = req.host;
    const hit = this.specSet.size ? this.matchSpec(req.method, host, req.path) : undefined;
    if (hit) {
      this.addSpec(ex, hit, facts);
      return;
    }
    let node = this.roots.get(host);
    if (!node) {
      node = new TNode();
      this.roots.set(host, node);
    }
    node.calls++;
    // walk the segments without building an array (same split as splitPath)
    const path = req.path;
    let start = path.charCodeAt(0) === 47 ? 1 : 0;
    if (start < path.length || (start === 0 && path.length > 0)) {
      for (let depth = 1; ; depth++) {
        const end = path.indexOf('/', start);
        // bounded depth: past MAX_SEGMENTS the rest of the path is one segment
        if (end === -1 || depth >= MAX_SEGMENTS) {
          node = this.child(node, path.slice(start));
          break;
        }
        node = this.child(node, path.slice(start, end));
        start = end + 1;
      }
    }
    node.aggs ??= new Map();
    let agg = node.aggs.get(req.method);
    if (!agg) {
      agg = new Agg();
      node.aggs.set(req.method, agg);
    }
    agg.add(ex, facts, this.classifier, this.mask);
  }

  private child(node: TNode, seg: string): TNode {
    let child = node.literals?.get(seg);
    if (!child) {
      const shape = shapeAfter(node.label, seg);
      if (shape) {
        node.params ??= new Map();
        child = node.params.get(shape.ext);
        if (!child) {
          child = new TNode();
          node.params.set(shape.ext, child);
        }
        child.addValue(shape.rule.kind, shape.ext ? seg.slice(0, -shape.ext.length) : seg);
      } else {
        const size = node.literals?.size ?? 0;
        const isStatic = seg === '' || staticKind(seg) !== undefined;
        const full = isStatic ? size >= 2 * this.cap : size >= this.cap || node.overflow !== undefined;
        if (full) {
          node.overflow ??= new TNode();
          child = node.overflow;
          child.addValue('overflow', seg);
        } else {
          node.literals ??= new Map();
          child = new TNode(seg);
          node.literals.set(seg, child);
        }
      }
    }
    child.calls++;
    return child;
  }

  private matchSpec(method: string, host: string, path: string): SpecHit | undefined {
    const key = `${method} ${host} ${path}`;
    const cached = this.specCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const hit = this.specSet.match(method, host, path);
    if (this.specCache.size >= 20000) this.specCache.clear();
    this.specCache.set(key, hit ?? null);
    return hit;
  }

  private addSpec(ex: Exchange, hit: SpecHit, facts: ExchangeFacts): void {
    const host = ex.request.host;
    // the request's method, not the operation's: a HEAD answered by the GET operation stays HEAD
    const key = `${hit.spec.file}\u0000${hit.op.pointer}\u0000${host}\u0000${hit.basePath}\u0000${ex.request.method}`;
    let sa = this.specAggs.get(key);
    if (!sa) {
      const template = joinTemplate(hit.basePath, hit.op.path);
      const pathAccs = new Map<number, { name: string; acc: ParamAcc }>();
      splitPath(template).forEach((seg, i) => {
        const m = /\{([^}]+)\}/.exec(seg);
        if (m) pathAccs.set(i, { name: m[1]!, acc: new ParamAcc() });
      });
      sa = { agg: new Agg(), hit, host, method: ex.request.method, template, pathAccs };
      this.specAggs.set(key, sa);
    }
    if (sa.pathAccs.size) {
      const segs = splitPath(ex.request.path);
      for (const [i, p] of sa.pathAccs) {
        const v = segs[i];
        if (v !== undefined) p.acc.add(v);
      }
    }
    sa.agg.add(ex, facts, this.classifier, this.mask);
  }

  /** Signature of a label's subtree: its child labels (parameters as `*`), to compare siblings. */
  private signature(nodes: TNode[]): string {
    const labels = new Set<string>();
    for (const n of nodes) {
      if (n.literals) for (const k of n.literals.keys()) labels.add(k);
      if (n.params?.size || n.overflow) labels.add('*');
    }
    return [...labels].sort().join('/');
  }

  /** Which children of a group of trie nodes (one template position) are parameters, and why. */
  private decide(nodes: TNode[], parent: string | undefined): Decision {
    const labels = new Map<string, TNode[]>();
    const shapeGroups = new Map<string, TNode[]>();
    let overflowed = false;
    for (const n of nodes) {
      if (n.literals)
        for (const [k, c] of n.literals) {
          const l = labels.get(k);
          if (l) l.push(c);
          else labels.set(k, [c]);
        }
      if (n.params)
        for (const [ext, c] of n.params) {
          const l = shapeGroups.get(ext);
          if (l) l.push(c);
          else shapeGroups.set(ext, [c]);
        }
      if (n.overflow) {
        overflowed = true;
        const l = shapeGroups.get('');
        if (l) l.push(n.overflow);
        else shapeGroups.set('', [n.overflow]);
      }
    }
    const decision: Decision = { literals: new Map(), params: [], folded: new Map() };
    const candidates: string[] = [];
    const sigs = new Map<string, string>();
    for (const [label, ns] of labels) {
      const sk = label === '' ? 'empty' : isApiVersionAfter(parent, label) ? 'version' : staticKind(label);
      if (sk && sk !== 'locale') {
        const why =
          sk === 'empty'
            ? 'empty segment (trailing or double slash)'
            : sk === 'version'
              ? 'version segment'
              : sk === 'file'
                ? 'file name'
                : 'well-known static word';
        decision.literals.set(label, { nodes: ns, reason: `literal: ${why}` });
        continue;
      }
      candidates.push(label);
      sigs.set(label, this.signature(ns));
    }
    const shapeSig = shapeGroups.get('') ? this.signature(shapeGroups.get('')!) : undefined;
    // dominant non-empty signature among candidates
    const sigCount = new Map<string, number>();
    for (const l of candidates) {
      const s = sigs.get(l)!;
      if (s) sigCount.set(s, (sigCount.get(s) ?? 0) + 1);
    }
    let dominant = '';
    let cS = 0;
    for (const [s, c] of sigCount)
      if (c > cS) {
        dominant = s;
        cS = c;
      }
    const members = new Map<string, string>();
    const k = candidates.length;
    const min = this.minDistinct;
    const collection = parent !== undefined && isCollectionName(parent);
    const fewUnderCollection = Math.max(3, Math.ceil(min / 2));
    if (overflowed) {
      for (const l of candidates)
        members.set(l, `parameter: more than ${this.cap} distinct values at this position (cap reached)`);
    } else if (collection && cS >= fewUnderCollection && k < min) {
      for (const l of candidates)
        if (sigs.get(l) === dominant)
          members.set(
            l,
            `parameter (learnt): ${cS} distinct values under the collection '${parent}' share the same sub-paths (/${dominant}), threshold ${fewUnderCollection}`,
          );
    } else if (k >= min) {
      if (cS >= min) {
        for (const l of candidates)
          if (sigs.get(l) === dominant)
            members.set(
              l,
              `parameter (learnt): ${cS} distinct sibling values share the same sub-paths (/${dominant}), threshold ${min}`,
            );
      } else {
        const pool = candidates.filter((l) => {
          const s = sigs.get(l)!;
          return s === '' || s === dominant;
        });
        const valueShare = pool.filter(valueLike).length / Math.max(1, pool.length);
        const locales = pool.every(isLocale);
        if (pool.length >= min && (valueShare >= 0.8 || collection || locales)) {
          const why =
            valueShare >= 0.8
              ? 'most look like values (slugs/digits)'
              : locales
                ? 'they are locales varying like ids'
                : `they follow the collection '${parent}'`;
          for (const l of pool)
            members.set(
              l,
              `parameter (learnt): ${pool.length} distinct sibling values, ${why}; threshold ${min}`,
            );
        }
      }
    }
    if (!overflowed && members.size === 0) {
      // values with digits (`report-2026-01.csv`, `sku-77-red`) vary like ids sooner than words do
      const few = Math.max(3, Math.ceil(min / 2));
      const digits = candidates.filter(
        (l) => hasDigit(l) && (sigs.get(l) === '' || sigs.get(l) === dominant),
      );
      if (digits.length >= few && digits.length >= 0.8 * k)
        for (const l of digits)
          members.set(
            l,
            `parameter (learnt): ${digits.length} distinct sibling values with digits, threshold ${few}`,
          );
    }
    if (shapeGroups.has('')) {
      for (const l of candidates) {
        if (members.has(l)) continue;
        const s = sigs.get(l)!;
        if (hasDigit(l) && (s === '' || s === shapeSig || shapeSig === ''))
          members.set(l, 'parameter (learnt): value with digits beside id-shaped siblings at this position');
      }
    }
    for (const l of candidates) {
      if (members.has(l)) continue;
      const ns = labels.get(l)!;
      const why = isLocale(l)
        ? 'locale segment'
        : k < min
          ? `${k} distinct value${k === 1 ? '' : 's'} here, below the learnt threshold of ${min}`
          : 'its sub-paths differ from its siblings';
      decision.literals.set(l, { nodes: ns, reason: `literal: ${why}` });
    }
    for (const [l, why] of members) decision.folded.set(l, why);
    for (const [ext, ns] of shapeGroups) {
      const group: ParamGroup = { ext, nodes: [...ns], members: [], reason: '', kindHint: undefined };
      if (ext === '') for (const [l] of members) group.members.push([l, callsOf(labels.get(l)!)]);
      decision.params.push(group);
    }
    if (members.size && !shapeGroups.has('')) {
      decision.params.push({
        ext: '',
        nodes: [],
        members: [...members.keys()].map((l) => [l, callsOf(labels.get(l)!)] as [string, number]),
        reason: '',
        kindHint: undefined,
      });
    }
    for (const g of decision.params) {
      for (const [l] of g.members) g.nodes.push(...labels.get(l)!);
      const kinds = new Set<string>();
      for (const n of g.nodes) if (n.kinds) for (const kk of n.kinds.keys()) kinds.add(kk);
      if (g.members.length === 0 && kinds.size === 1 && kinds.has('date')) g.kindHint = 'date';
      else if (g.members.length > 0 && kinds.size === 0 && g.members.every(([l]) => isLocale(l)))
        g.kindHint = 'locale';
      else if (g.members.length > 0 && g.members.every(([l]) => stripExtension(l).ext !== ''))
        g.kindHint = 'file';
      g.kindHint ??= kinds.size === 1 ? [...kinds][0] : undefined;
    }
    return decision;
  }

  /** Final templates of the trie of one host: (method, template) → provisional endpoints. */
  private walkHost(host: string, root: TNode, out: Map<string, Endpoint>): void {
    this.walkTrie(root, (nodes, segs, pathParams) => {
      const template = `/${segs.join('/')}`;
      const params: ParamObservation[] = pathParams.map((p) => p.acc.toObservation(p.name, 'path'));
      // sensitive's `path.<i>` indexes `path.split('/')`: template segment i - 1
      const names = (i: number) => pathParams.find((p) => p.index === i - 1)?.name;
      const byMethod = new Map<string, Agg[]>();
      for (const n of nodes) {
        if (!n.aggs) continue;
        for (const [method, agg] of n.aggs) {
          const list = byMethod.get(method);
          if (list) list.push(agg);
          else byMethod.set(method, [agg]);
        }
      }
      for (const [method, aggs] of byMethod) {
        // fold provisional accumulators into a fresh one: the trie stays intact for later calls
        let agg = aggs[0]!;
        if (aggs.length > 1) {
          agg = new Agg();
          for (const a of aggs) mergeAgg(agg, a);
        }
        const e = aggToEndpoint(agg, host, method, template, params, names);
        const key = endpointKey(e);
        const cur = out.get(key);
        out.set(key, cur ? mergeEndpointStats(cur, e) : e);
      }
    });
  }

  /** Walks the learnt templates of one trie, calling `emit` at every node group with its template. */
  private walkTrie(
    root: TNode,
    emit: (
      nodes: TNode[],
      segs: string[],
      pathParams: Array<{ index: number; name: string; acc: ParamAcc }>,
    ) => void,
  ): void {
    const walk = (
      nodes: TNode[],
      segs: string[],
      taken: Set<string>,
      parent: string | undefined,
      pathParams: Array<{ index: number; name: string; acc: ParamAcc }>,
    ) => {
      emit(nodes, segs, pathParams);
      const d = this.decide(nodes, parent);
      for (const [label, { nodes: ns }] of d.literals) walk(ns, [...segs, label], taken, label, pathParams);
      for (const g of d.params) {
        const t = new Set(taken);
        const name = paramName(parent, g.kindHint, t);
        const acc = new ParamAcc();
        for (const n of g.nodes) if (n.values) acc.merge(n.values);
        for (const [l, calls] of g.members) {
          acc.add(l);
          acc.count += Math.max(0, calls - 1);
        }
        walk(g.nodes, [...segs, `{${name}}${g.ext}`], t, undefined, [
          ...pathParams,
          { index: segs.length, name, acc },
        ]);
      }
    };
    walk([root], [], new Set(), undefined, []);
  }

  /**
   * Learns templates again over whole endpoints (a merged inventory): literal paths that several runs
   * saw a few values of each (`/products/red-shirt` in one, `/products/blue-hat` in the next) fold
   * into one template once their siblings together give the evidence. Spec-documented endpoints and
   * orphans keep their path. Uses a fresh builder: its own traffic state is not touched.
   */
  relearn(list: Endpoint[]): Endpoint[] {
    const roots = new Map<string, TNode>();
    const keep: Endpoint[] = [];
    for (const e of list) {
      if (e.spec || e.calls === 0) {
        keep.push(e);
        continue;
      }
      let node = roots.get(e.host);
      if (!node) {
        node = new TNode();
        roots.set(e.host, node);
      }
      node.calls += e.calls;
      for (const seg of splitPath(e.path)) {
        const m = /^\{[^}]+\}(.*)$/.exec(seg);
        if (m) {
          node.params ??= new Map();
          let child = node.params.get(m[1]!);
          if (!child) {
            child = new TNode();
            node.params.set(m[1]!, child);
          }
          child.calls += e.calls;
          node = child;
        } else {
          node = this.child(node, seg);
          node.calls += e.calls - 1;
        }
      }
      node.eps ??= [];
      node.eps.push(e);
    }
    const out = new Map<string, Endpoint>();
    for (const e of keep) out.set(endpointKey(e), e);
    for (const [host, root] of roots) {
      this.walkTrie(root, (nodes, segs, pathParams) => {
        const template = `/${segs.join('/')}`;
        for (const n of nodes) {
          for (const e of n.eps ?? []) {
            const renamed = renameToTemplate(e, template, pathParams);
            const key = endpointKey({ host, method: e.method, path: template });
            const cur = out.get(key);
            out.set(key, cur ? mergeEndpointStats(cur, renamed) : renamed);
          }
        }
      });
    }
    return [...out.values()];
  }

  endpoints(): Endpoint[] {
    const out = new Map<string, Endpoint>();
    for (const [host, root] of this.roots) this.walkHost(host, root, out);
    const matchedOps = new Set<SpecOperation>();
    const hostsBySpec = new Map<ApiSpec, Map<string, number>>();
    for (const sa of this.specAggs.values()) {
      matchedOps.add(sa.hit.op);
      let hosts = hostsBySpec.get(sa.hit.spec);
      if (!hosts) {
        hosts = new Map();
        hostsBySpec.set(sa.hit.spec, hosts);
      }
      hosts.set(sa.host, (hosts.get(sa.host) ?? 0) + sa.agg.calls);
      const params = [...sa.pathAccs.values()].map((p) => p.acc.toObservation(p.name, 'path'));
      const names = (i: number) => sa.pathAccs.get(i - 1)?.name;
      const e = aggToEndpoint(sa.agg, sa.host, sa.method, sa.template, params, names);
      e.spec = specRefOf(sa.hit.spec, sa.hit.op);
      const key = endpointKey(e);
      const cur = out.get(key);
      out.set(key, cur ? mergeEndpointStats(cur, e) : e);
    }
    this.addOrphans(out, matchedOps, hostsBySpec);
    const list = [...out.values()];
    computeTags(list, {
      specs: this.specSet,
      ...(this.opts.approvedHosts ? { approvedHosts: this.opts.approvedHosts } : {}),
    });
    return list;
  }

  private addOrphans(
    out: Map<string, Endpoint>,
    matched: Set<SpecOperation>,
    hostsBySpec: Map<ApiSpec, Map<string, number>>,
  ): void {
    for (const spec of this.specSet.specs) {
      // older versions of a spec title: only their still-called operations matter (zombies)
      if (this.specSet.newestOf(spec.title) !== spec) continue;
      const seenHosts = hostsBySpec.get(spec);
      const trafficHost = seenHosts ? [...seenHosts].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined;
      for (const op of spec.operations) {
        if (matched.has(op)) continue;
        const servers = op.servers.length ? op.servers : spec.servers;
        const withHost = servers.filter((s) => s.host !== undefined);
        const inTraffic = withHost.filter((s) => seenHosts?.has(s.host!));
        const chosen = inTraffic[0] ?? withHost[0] ?? servers[0];
        const host = chosen?.host ?? trafficHost ?? '';
        const path = joinTemplate(chosen?.basePath ?? '', op.path);
        const e: Endpoint = {
          host,
          method: op.method.toUpperCase(),
          path,
          tags: [],
          calls: 0,
          clients: 0,
          params: op.parameters
            .filter((p) => p.in !== 'formData')
            .map((p) => ({
              name: p.name,
              location: p.in as ParamObservation['location'],
              types: typeof p.schema?.type === 'string' ? [p.schema.type] : [],
              formats: typeof p.schema?.format === 'string' ? [p.schema.format] : [],
              count: 0,
            })),
          requestContentTypes: op.requestBody?.content.map((c) => c.contentType) ?? [],
          responseContentTypes: [
            ...new Set(op.responses.flatMap((r) => r.content.map((c) => c.contentType))),
          ],
          statuses: {},
          auth: [],
          sensitive: [],
          errorRate: 0,
          risk: 0,
          spec: specRefOf(spec, op),
        };
        const key = endpointKey(e);
        if (!out.has(key)) out.set(key, e);
      }
    }
  }

  /**
   * One line per segment of `path`: whether it is a parameter or a literal, and the rule or evidence
   * that decided it. With `host`, that host's learnt positions; without, all hosts together.
   */
  explain(input: string, hostArg?: string): string[] {
    // accepts a path, a path with a query, or a full URL (whose host is used when none is given)
    let path = input.trim();
    let host = hostArg;
    const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i.exec(path);
    if (abs) {
      host ??= abs[1]!.replace(/^.*@/, '').replace(/:\d+$/, '').toLowerCase();
      path = abs[2] || '/';
    }
    const cut = path.search(/[?#]/);
    if (cut !== -1) path = path.slice(0, cut);
    const segs = splitPath(path);
    const lines: string[] = [];
    if (this.specSet.size) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
        const hit = this.specSet.match(method, host, path);
        if (!hit) continue;
        const tsegs = splitPath(joinTemplate(hit.basePath, hit.op.path));
        const where = `${hit.spec.file}${hit.op.operationId ? ` operation ${hit.op.operationId}` : ` ${hit.op.method} ${hit.op.path}`}`;
        segs.forEach((s, i) => {
          const t = tsegs[i] ?? s;
          lines.push(
            t.includes('{')
              ? `${s} → ${t}: parameter, from spec ${where} (the spec's template wins)`
              : `${s} → ${t}: literal, from spec ${where}`,
          );
        });
        return lines;
      }
    }
    let nodes: TNode[] =
      host !== undefined ? [this.roots.get(host)].filter((n) => !!n) : [...this.roots.values()];
    let parent: string | undefined;
    const taken = new Set<string>();
    for (const seg of segs) {
      const d = nodes.length ? this.decide(nodes, parent) : undefined;
      const lit = d?.literals.get(seg);
      const folded = d?.folded.get(seg);
      const shape = shapeAfter(parent, seg);
      if (lit) {
        lines.push(`${seg} → ${seg}: ${lit.reason}`);
        nodes = lit.nodes;
        parent = seg;
        continue;
      }
      const group = d?.params.find((g) => g.ext === (folded ? '' : (shape?.ext ?? '')));
      const overflowed = !staticKind(seg) && nodes.some((n) => n.overflow !== undefined);
      if (folded || shape || overflowed) {
        const name = paramName(parent, group?.kindHint ?? shape?.rule.kind, taken);
        const why = folded
          ? folded
          : shape
            ? `parameter: ${SHAPE_DESCRIPTIONS[shape.rule.kind]} (shape rule '${shape.rule.kind}': ${shape.rule.description})`
            : `parameter: more than ${this.cap} distinct values at this position (cap reached)`;
        lines.push(`${seg} → {${name}}${shape?.ext ?? ''}: ${why}`);
        nodes = group?.nodes ?? [];
        parent = undefined;
        continue;
      }
      const sk = staticKind(seg);
      const variable = d?.params.find((g) => g.ext === '' && (g.members.length > 0 || g.nodes.length > 0));
      if (!sk && variable && (variable.members.length > 0 || hasDigit(seg))) {
        const name = paramName(parent, variable.kindHint, taken);
        const why = variable.members.length
          ? `${variable.members.length} other values at this position were learnt as a parameter`
          : 'values at this position are ids';
        lines.push(`${seg} → {${name}}: parameter: value not seen before, and ${why}`);
        nodes = variable.nodes;
        parent = undefined;
        continue;
      }
      lines.push(
        `${seg} → ${seg}: literal: ${sk ? `${sk === 'word' ? 'well-known static word' : sk === 'file' ? 'file name' : sk === 'locale' ? 'locale segment' : 'version segment'}, ` : ''}no traffic seen at this position`,
      );
      nodes = [];
      parent = seg;
    }
    return lines;
  }
}

/**
 * The endpoint under a (possibly more general) template: its path parameters renamed by position,
 * literal positions that became parameters added as path parameters, `path.{old}` sensitive fields
 * renamed.
 */
function renameToTemplate(
  e: Endpoint,
  template: string,
  pathParams: Array<{ index: number; name: string; acc: ParamAcc }>,
): Endpoint {
  if (template === e.path) return e;
  const oldSegs = splitPath(e.path);
  const rename = new Map<string, string>();
  const params: ParamObservation[] = e.params.filter((p) => p.location !== 'path');
  for (const pp of pathParams) {
    const old = oldSegs[pp.index];
    if (old === undefined) continue;
    const m = /^\{([^}]+)\}/.exec(old);
    if (m) {
      rename.set(m[1]!, pp.name);
      const prev = e.params.find((p) => p.location === 'path' && p.name === m[1]);
      if (prev) params.push({ ...prev, name: pp.name });
    } else {
      params.push({ ...new ParamAccOf(old, e.calls).toObservation(pp.name, 'path') });
    }
  }
  return {
    ...e,
    path: template,
    params,
    sensitive: e.sensitive.map((s) => {
      const m = /^path\.\{([^}]+)\}$/.exec(s.field);
      const to = m ? rename.get(m[1]!) : undefined;
      return to ? { ...s, field: `path.{${to}}` } : s;
    }),
  };
}

/** A ParamAcc holding one literal value seen `calls` times. */
class ParamAccOf extends ParamAcc {
  constructor(value: string, calls: number) {
    super();
    this.add(value);
    this.count = Math.max(1, calls);
  }
}

function joinTemplate(basePath: string, opPath: string): string {
  const bp = basePath.replace(/\/+$/, '');
  const p = opPath.startsWith('/') ? opPath : `/${opPath}`;
  return `${bp}${p}` || '/';
}

function specRefOf(spec: ApiSpec, op: SpecOperation): NonNullable<Endpoint['spec']> {
  return {
    file: spec.file,
    ...(op.operationId !== undefined ? { operationId: op.operationId } : {}),
    path: op.path,
    deprecated: op.deprecated,
    title: spec.title,
    ...(spec.apiVersion !== undefined ? { version: spec.apiVersion } : {}),
  };
}

/** Last name of a field path (`$.items[].card` → `card`), the hint the classifier weighs. */
function fieldName(field: string): string {
  const m = /([^.[\]]+)(?:\[\])*$/.exec(field);
  return m?.[1] ?? field;
}

/**
 * A safe example value: sensitive types (per the classifier) are masked with their type's mask;
 * other secret-looking strings (long, mixed letters and digits, high entropy) keep 2+2 characters;
 * digit runs of 6+ keep their last 2 digits; long text is cut at 64 characters.
 */
export function maskExample(classifier: Classifier, value: string, field: string): string {
  const type = classifier.classifyValue(value, fieldName(field));
  if (type) return maskValue(type, value);
  if (
    value.length >= 16 &&
    /\d/.test(value) &&
    /[A-Za-z]/.test(value) &&
    !/\s/.test(value) &&
    entropy(value) >= 3.5
  )
    return `${value.slice(0, 2)}${'*'.repeat(Math.min(12, value.length - 4))}${value.slice(-2)}`;
  let v = value.replace(/\d{6,}/g, (d) => `${'*'.repeat(d.length - 2)}${d.slice(-2)}`);
  if (v.length > 64) v = `${v.slice(0, 64)}…`;
  return v;
}
