// Lifecycle tags with their evidence (shared/DESIGN.md vocabulary). Decisions, documented here and
// in docs/architecture.md:
// - shadow: called, matched by no spec operation, and at least one spec was given to the run (any
//   spec, any host): an undocumented host is the plainest shadow API, and discovery cannot tell a
//   third-party host from an undocumented one of yours; `--approved-hosts` marks outsiders rogue.
//   With no spec at all nothing is shadow: there is nothing to be undocumented against.
// - zombie: still called, and either (a) an older version twin: same host and method, same path with
//   a higher version segment (`/v1/…` vs `/v2/…`, seen in traffic or in a spec); (b) the spec marks the
//   operation deprecated; (c) the operation is listed only in an older version of a spec (same title,
//   lower info.version given in the same run) or in a spec of an earlier run, and the current spec of
//   that title no longer lists it.
// - deprecated: the operation's spec marks it deprecated (called or not).
// - orphan: an operation of a spec never seen in traffic (calls 0).
// - rogue: host outside `approvedHosts` (picomatch globs); only when approvedHosts is non-empty.

import picomatch from 'picomatch';
import type { ApiSpec, Endpoint, LifecycleTag, SpecOperation } from '../model/index.js';
import { matchOperation } from './deps.js';
import { isVersion, splitPath } from './segments.js';

/** Numeric parts of a version string (`v2.1` → [2, 1], `1.10.0` → [1, 10, 0]). */
function versionParts(v: string | undefined): number[] {
  return (v ?? '').match(/\d+/g)?.map(Number) ?? [];
}

export function compareVersions(a: string | undefined, b: string | undefined): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function titleKey(title: string | undefined): string {
  return (title ?? '').trim().toLowerCase();
}

export interface SpecHit {
  spec: ApiSpec;
  op: SpecOperation;
  /** Server path prefix that applied to the request (`/api/v2`, `` for none). */
  basePath: string;
}

/**
 * The specs of a run, newest version of each title first, so that an operation listed in both v1
 * and v2 of an API is documented by v2, and one only v1 lists is known to be dropped.
 */
export class SpecSet {
  readonly specs: ApiSpec[];
  private readonly newest = new Map<string, ApiSpec>();
  constructor(specs: ApiSpec[] = []) {
    for (const s of specs) {
      const k = titleKey(s.title);
      const cur = this.newest.get(k);
      if (!cur || compareVersions(s.apiVersion, cur.apiVersion) >= 0) this.newest.set(k, s);
    }
    this.specs = [...specs].sort((a, b) => {
      const na = this.newest.get(titleKey(a.title)) === a ? 0 : 1;
      const nb = this.newest.get(titleKey(b.title)) === b ? 0 : 1;
      return na - nb || compareVersions(b.apiVersion, a.apiVersion);
    });
  }
  get size(): number {
    return this.specs.length;
  }
  byFile(file: string): ApiSpec | undefined {
    return this.specs.find((s) => s.file === file);
  }
  newestOf(title: string | undefined): ApiSpec | undefined {
    return this.newest.get(titleKey(title));
  }
  match(method: string, host: string | undefined, path: string): SpecHit | undefined {
    for (const spec of this.specs) {
      const op = matchOperation(spec, method, host, path);
      if (op) return { spec, op, basePath: basePathFor(op, spec, host, path) };
    }
    return undefined;
  }
}

/** The server prefix of the operation that the request path starts with (longest wins). */
export function basePathFor(
  op: SpecOperation,
  spec: ApiSpec,
  host: string | undefined,
  path: string,
): string {
  const servers = op.servers.length ? op.servers : spec.servers;
  let best = '';
  for (const s of servers) {
    if (host !== undefined && s.host !== undefined && s.host !== host) continue;
    const bp = s.basePath.replace(/\/+$/, '');
    if (bp.length > best.length && (path === bp || path.startsWith(`${bp}/`))) best = bp;
  }
  return best;
}

export interface TagContext {
  specs: SpecSet;
  approvedHosts?: string[];
}

interface SpecState {
  state: 'documented' | 'undocumented' | 'dropped' | 'unknown';
  spec?: ApiSpec;
  /** For dropped: the newer spec that no longer lists it. */
  current?: ApiSpec;
}

function specState(e: Endpoint, ctx: TagContext): SpecState {
  if (ctx.specs.size === 0) return { state: e.spec ? 'documented' : 'unknown' };
  if (!e.spec) return { state: 'undocumented' };
  const own = ctx.specs.byFile(e.spec.file);
  const newest = ctx.specs.newestOf(own?.title ?? e.spec.title);
  if (own && newest === own) return { state: 'documented', spec: own };
  if (!newest) return { state: 'documented', ...(own ? { spec: own } : {}) };
  if (matchOperation(newest, e.method, e.host, e.path)) return { state: 'documented', spec: newest };
  return { state: 'dropped', ...(own ? { spec: own } : {}), current: newest };
}

function specRef(e: Endpoint, spec: ApiSpec | undefined): LifecycleTag['spec'] {
  const file = spec?.file ?? e.spec?.file;
  if (!file) return undefined;
  const version = spec?.apiVersion ?? e.spec?.version;
  return {
    file,
    ...(version !== undefined ? { version } : {}),
    ...(e.spec?.operationId !== undefined ? { operationId: e.spec.operationId } : {}),
  };
}

/** Path with the version segment and parameter names erased, to find version twins. */
function versionless(path: string): { key: string; version: string } | undefined {
  const segs = splitPath(path);
  let version: string | undefined;
  const out: string[] = [];
  for (const s of segs) {
    if (version === undefined && isVersion(s) && /^v/i.test(s)) {
      version = s;
      out.push('{v}');
    } else out.push(s.replace(/\{[^}]*\}/g, '{}'));
  }
  return version === undefined ? undefined : { key: out.join('/'), version };
}

/** Recomputes every endpoint's tags (replaces `tags`) from its facts and the run's specs/approved hosts. */
export function computeTags(endpoints: Endpoint[], ctx: TagContext): void {
  const approved =
    ctx.approvedHosts && ctx.approvedHosts.length > 0
      ? picomatch(ctx.approvedHosts, { nocase: true, dot: true })
      : undefined;
  // newest version per (host, method, versionless path)
  const twins = new Map<string, { version: string; e: Endpoint }>();
  for (const e of endpoints) {
    const v = versionless(e.path);
    if (!v) continue;
    const k = `${e.host} ${e.method} ${v.key}`;
    const cur = twins.get(k);
    if (!cur || compareVersions(v.version, cur.version) > 0) twins.set(k, { version: v.version, e });
  }
  for (const e of endpoints) {
    const tags: LifecycleTag[] = [];
    const seen = {
      ...(e.firstSeen ? { firstSeen: e.firstSeen } : {}),
      ...(e.lastSeen ? { lastSeen: e.lastSeen } : {}),
      ...(e.sample ? { sample: e.sample } : {}),
    };
    const called = e.calls > 0;
    const st = specState(e, ctx);
    const ref = specRef(e, st.spec);
    const where = ref ? `${ref.file}${ref.version ? ` (version ${ref.version})` : ''}` : 'the spec';
    const opName = e.spec?.operationId
      ? ` operation ${e.spec.operationId}`
      : ` ${e.method} ${e.spec?.path ?? e.path}`;
    if (approved && !approved(e.host)) {
      tags.push({
        tag: 'rogue',
        reason: `host ${e.host || '(none)'} is outside the approved hosts (${ctx.approvedHosts!.join(', ')})`,
        ...seen,
      });
    }
    if (!called && e.spec) {
      tags.push({
        tag: 'orphan',
        reason: `documented in ${where}${opName ? ` as${opName}` : ''} but never seen in traffic`,
        ...(ref ? { spec: ref } : {}),
      });
    }
    if (called && st.state === 'undocumented') {
      tags.push({
        tag: 'shadow',
        reason: `seen in traffic but matched by no operation of the given specs (${ctx.specs.specs.map((s) => s.file).join(', ')})`,
        ...seen,
      });
    }
    const deprecated = st.state !== 'dropped' && e.spec?.deprecated === true;
    if (deprecated) {
      tags.push({
        tag: 'deprecated',
        reason: `${where} marks${opName} deprecated`,
        ...(ref ? { spec: ref } : {}),
        ...seen,
      });
    }
    if (called) {
      const zombieReasons: string[] = [];
      let replacedBy: string | undefined;
      if (deprecated) zombieReasons.push(`deprecated in ${where} but still called`);
      if (st.state === 'dropped') {
        const cur = st.current!;
        zombieReasons.push(
          `listed in ${where} but no longer in ${cur.file}${cur.apiVersion ? ` (version ${cur.apiVersion})` : ''}, still called`,
        );
      }
      const v = versionless(e.path);
      if (v) {
        const newest = twins.get(`${e.host} ${e.method} ${v.key}`);
        if (newest && newest.e !== e && compareVersions(newest.version, v.version) > 0) {
          replacedBy = `${newest.e.method} ${newest.e.path}`;
          zombieReasons.push(
            `older version ${v.version} still called while ${newest.version} exists (${replacedBy}, ${newest.e.calls > 0 ? 'seen in traffic' : 'in the spec'})`,
          );
        }
      }
      if (zombieReasons.length) {
        tags.push({
          tag: 'zombie',
          reason: zombieReasons.join('; '),
          ...(ref ? { spec: ref } : {}),
          ...(replacedBy ? { replacedBy } : {}),
          ...seen,
        });
      }
    }
    e.tags = tags;
  }
}
