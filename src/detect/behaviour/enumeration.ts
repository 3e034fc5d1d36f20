// Object-id enumeration / BOLA probing: one actor walking many ids of one endpoint template. Two
// shapes: probing (many ids, most answered 403/404: the actor is trying ids that are not theirs) and
// a dense sequential walk (ids n, n+1, n+2 … answered 200: harvesting). A user opening their own few
// orders, a client reading many random UUIDs it was given, or a CI job re-reading the same ids while
// a deploy answers 404, is neither (probing needs mostly new ids: distinct ids per call).
// Where the id lives: the last templated path segment; for GraphQL and JSON-RPC, which put every
// object behind one path, an id-like variable or param of the operation (denials read from the
// `errors` / `error` the body carries under HTTP 200); for an untemplated path (a slug such as a user
// name), the last segment under its parent, for the probing shape only.

import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { Distinct } from '../sketch.js';
import {
  actorEndpointOf,
  type Behaviour,
  type BehaviourContext,
  HorizonTable,
  KnownPaths,
  pct,
  remember,
  type Windowed,
} from './common.js';

interface State extends Windowed {
  ids: Distinct;
  total: number;
  denied: number;
  numeric: number;
  min: number;
  max: number;
}

/** The raw value of the last templated segment (`/users/{userId}/orders/{orderId}` → orderId's value). */
export function objectIdOf(path: string, template: string): string | undefined {
  // Segment by segment from the end, without splitting (this runs on every templated call).
  if (slashes(path) !== slashes(template)) return undefined;
  let tEnd = template.length;
  let pEnd = path.length;
  for (;;) {
    const tStart = tEnd === 0 ? 0 : template.lastIndexOf('/', tEnd - 1) + 1;
    const pStart = pEnd === 0 ? 0 : path.lastIndexOf('/', pEnd - 1) + 1;
    if (tStart < tEnd && template.charCodeAt(tStart) === 0x7b) return path.slice(pStart, pEnd);
    if (tStart === 0) return undefined;
    tEnd = tStart - 1;
    pEnd = pStart - 1;
  }
}

function slashes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x2f) n++;
  return n;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

const ID_NAME = /^(?:id|uuid|.+(?:Id|_id|ID|Uuid|_uuid))$/;

function idIn(o: Record<string, unknown> | undefined): string | undefined {
  if (!o) return undefined;
  for (const [k, v] of Object.entries(o)) {
    if (!ID_NAME.test(k)) continue;
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && v.length > 0 && v.length <= 64) return v;
  }
  return undefined;
}

/** The operation and object id a GraphQL or JSON-RPC request body names (`Order`, `"123"`). */
export function bodyObjectOf(body: unknown): { op: string; id: string } | undefined {
  const r = rec(body);
  if (!r) return undefined;
  if (typeof r['query'] === 'string') {
    const id = idIn(rec(r['variables']));
    if (id === undefined) return undefined;
    const op =
      typeof r['operationName'] === 'string'
        ? r['operationName']
        : (/^\s*(?:query|mutation)\s+(\w+)/.exec(r['query'])?.[1] ?? 'query');
    return { op, id };
  }
  if (typeof r['method'] === 'string' && (r['jsonrpc'] !== undefined || r['params'] !== undefined)) {
    const params = r['params'];
    const id = Array.isArray(params)
      ? typeof params[0] === 'number' || typeof params[0] === 'string'
        ? String(params[0])
        : idIn(rec(params[0]))
      : idIn(rec(params));
    return id === undefined ? undefined : { op: r['method'], id };
  }
  return undefined;
}

/** A GraphQL / JSON-RPC answer refusing the object (they say so in the body under HTTP 200). */
const BODY_DENIAL =
  /"errors"\s*:\s*\[[^\]]*?(?:FORBIDDEN|NOT_FOUND|UNAUTHORI[SZ]ED|UNAUTHENTICATED|not (?:found|authori[sz]ed|allowed|permitted)|forbidden|denied|permission)|"error"\s*:\s*\{/i;

export function deniedInBody(text: string | undefined): boolean {
  return text !== undefined && BODY_DENIAL.test(text.length > 2048 ? text.slice(0, 2048) : text);
}

/** Parent and last segment of an untemplated path with at least three segments (`/api/users/alice`). */
function slugOf(path: string): { parent: string; id: string } | undefined {
  const cut = path.lastIndexOf('/');
  if (cut <= 0 || cut === path.length - 1) return undefined;
  const parent = path.slice(0, cut);
  if (slashes(parent) < 2) return undefined;
  return { parent, id: path.slice(cut + 1) };
}

export class EnumerationDetector implements Behaviour {
  readonly name = 'bola-enumeration';
  private readonly known = new KnownPaths();
  private readonly table: HorizonTable<State>;
  constructor(private readonly config: DetectConfig) {
    this.table = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      ids: new Distinct(64),
      total: 0,
      denied: 0,
      numeric: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
    }));
  }
  observe({ facts, request }: BehaviourContext): Detection[] {
    if (facts.status === undefined) return [];
    let id: string | undefined;
    let key: string;
    let where: string;
    let denied = facts.status === 403 || facts.status === 404 || facts.status === 401;
    let slug = false;
    if (facts.template.includes('{')) {
      id = objectIdOf(facts.ex.request.path, facts.template);
      key = actorEndpointOf(facts);
      where = `${facts.method} ${facts.template}`;
    } else if (facts.method === 'POST') {
      const op = bodyObjectOf(request);
      if (op === undefined) return [];
      id = op.id;
      key = `${actorEndpointOf(facts)}#${op.op}`;
      where = `${op.op} (${facts.method} ${facts.template})`;
      if (!denied) denied = deniedInBody(facts.ex.response?.body?.text);
    } else if (facts.method === 'GET') {
      const s = slugOf(facts.ex.request.path);
      if (s === undefined) return [];
      // Slugs are judged only on paths never answered 2xx (to anyone): a name that exists is a page.
      const path = facts.ex.request.path;
      if (facts.status >= 200 && facts.status < 300) this.known.add(path);
      else if (this.known.has(path)) return [];
      id = s.id;
      slug = true;
      key = `${facts.actor} GET ${facts.host}${s.parent}/*`;
      where = `GET ${s.parent}/{…}`;
    } else return [];
    if (id === undefined || id === '') return [];
    const numeric = !slug && /^\d{1,15}$/.test(id);
    const t = this.config.thresholds.bola;
    let out: Detection | undefined;
    // Every templated call is tracked; slug states (any GET under a collection could be one) start
    // with a denial.
    const states =
      slug && !denied ? this.table.existing(key, facts.ex.time) : this.table.at(key, facts.ex.time);
    if (states === undefined) return [];
    let walking = denied;
    for (let i = 0; i < states.length; i++) {
      const h = this.table.horizons[i]!;
      const s = states[i]!;
      // The long window starts counting once the actor looks like it is walking ids (a denial, or
      // half the window's id threshold): most callers never pay for it.
      if (i > 0 && s.total === 0) {
        if (!walking) continue;
        s.start = facts.ex.time;
      }
      s.total++;
      if (denied) s.denied++;
      s.ids.add(id);
      if (numeric) {
        const n = Number(id);
        s.numeric++;
        if (n < s.min) s.min = n;
        if (n > s.max) s.max = n;
      }
      remember(s, facts.ex);
      const distinct = s.ids.count();
      if (distinct * 2 >= t.minIds) walking = true;
      if (out !== undefined) continue;
      const ratio = s.denied / s.total;
      const minIds = t.minIds * h.factor;
      if (distinct >= minIds && ratio >= t.denyRatio && distinct >= s.total * t.newIdRatio) {
        out = {
          type: 'behaviour.bola-enumeration',
          severity: 'high',
          owasp: 'API1:2023',
          key: slug ? `probing ${where}` : 'probing',
          ...(slug ? { scope: 'actor' as const } : {}),
          explanation: `${distinct} distinct ids of ${where} in ${h.label}, ${pct(ratio)} answered 401/403/404${denied && facts.status === 200 ? ' or refused in the body' : ''} (thresholds: ${minIds} ids, ${pct(t.denyRatio)} denied)`,
          related: s.recent,
        };
        continue;
      }
      const span = s.max - s.min + 1;
      const sequentialIds = t.sequentialIds * h.factor;
      if (!slug && distinct >= sequentialIds && s.numeric >= sequentialIds && span <= distinct * 2) {
        out = {
          type: 'behaviour.bola-enumeration',
          severity: 'medium',
          owasp: 'API1:2023',
          key: 'sequential',
          explanation: `sequential walk of ${distinct} numeric ids (${s.min}…${s.max}) of ${where} in ${h.label} (threshold ${sequentialIds} ids)`,
          related: s.recent,
        };
      }
    }
    return out === undefined ? [] : [out];
  }
  state() {
    return { 'bola-enumeration': this.table.stats() };
  }
}
