// From detections to alerts and incidents. A detection is one exchange showing one cause; detections
// with the same cause (type, actor, endpoint, signature and field) fold into one alert whose count,
// last time and evidence grow. Suppressions (config) are applied first. Alerts of one actor that
// follow each other within the incident gap group into an incident.

import crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import picomatch from 'picomatch';
import type { Alert, EvidenceRef, Exchange, Incident, OwaspApi2023, Severity } from '../model/index.js';
import { SEVERITY_RANK } from '../model/index.js';
import type { DetectConfig, Suppression } from './config.js';

/** Facts about one exchange every stage shares (computed once by the engine). */
export interface ExchangeFacts {
  ex: Exchange;
  actor: string;
  actorKind: string;
  address: string | undefined;
  host: string;
  method: string;
  /** Endpoint template (`/users/{userId}`). */
  template: string;
  /** `METHOD host/template`: one string per path seen (see the engine), used as state keys. */
  endpoint: string;
  status: number | undefined;
  /** `actor endpoint`, built once per exchange by the first detector that needs it (actorEndpointOf). */
  actorEndpoint?: string;
}

export interface Detection {
  /** `signature.sqli`, `behaviour.bola-enumeration`, `ai.prompt-injection` … */
  type: string;
  severity: Severity;
  owasp: OwaspApi2023;
  /** Extra fold key beyond type/actor/endpoint (signature id + field, account hash …). */
  key?: string;
  signature?: string;
  /** Field path the value came from (`query.q`, `$.name`, `header.user-agent`). */
  field?: string;
  explanation: string;
  /** Earlier exchanges that belong to the same evidence (behaviour detectors keep a few). */
  related?: readonly Exchange['source'][];
  /** Override of the alert's actor (a distributed attack keyed on a fingerprint). */
  actor?: string;
  /** `actor`: the cause spans endpoints (404 sprays, token sharing), so the alert names none. */
  scope?: 'endpoint' | 'actor';
}

/** First 12 hex characters of SHA-256 (one-shot `crypto.hash` where Node has it, ≥ 20.12). */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');
function sha12(text: string): string {
  return sha256Hex(text).slice(0, 12);
}

function iso(ms: number): string {
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

interface CompiledSuppression {
  test(f: ExchangeFacts, d: Detection): boolean;
}

function compileSuppression(s: Suppression): CompiledSuppression {
  const glob = (p: string | undefined) =>
    p === undefined ? undefined : picomatch(p, { nocase: true, dot: true });
  const sig = glob(s.signature);
  const type = glob(s.type);
  const host = glob(s.host);
  const actor = glob(s.actor);
  const field = glob(s.field);
  let method: string | undefined;
  let path: ((p: string) => boolean) | undefined;
  if (s.endpoint) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(s.endpoint);
    method = m ? m[1]!.toUpperCase() : undefined;
    path = picomatch(m ? m[2]! : s.endpoint, { dot: true });
  }
  let cidr: [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined;
  if (s.address) {
    try {
      cidr = s.address.includes('/')
        ? ipaddr.parseCIDR(s.address)
        : [ipaddr.parse(s.address), ipaddr.parse(s.address).kind() === 'ipv4' ? 32 : 128];
    } catch {
      cidr = undefined;
    }
  }
  return {
    test(f, d) {
      if (sig && !(d.signature && sig(d.signature))) return false;
      if (type && !type(d.type)) return false;
      if (host && !host(f.host)) return false;
      if (actor && !actor(d.actor ?? f.actor)) return false;
      if (field && !(d.field && field(d.field))) return false;
      if (method && method !== f.method) return false;
      if (path && !path(f.template) && !path(f.ex.request.path)) return false;
      if (s.address) {
        if (!cidr || !f.address || !ipaddr.isValid(f.address)) return false;
        let addr = ipaddr.parse(f.address);
        if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
          addr = (addr as ipaddr.IPv6).toIPv4Address();
        if (addr.kind() !== cidr[0].kind() || !addr.match(cidr)) return false;
      }
      return true;
    },
  };
}

/** Entries of one unnamed source (a single file, the proxy) are told apart by index alone. */
function refKey(file: string, index: number): string | number {
  return file === '' ? index : `${file}\u0000${index}`;
}

function evidenceRef(ref: Exchange['source'], id?: string): EvidenceRef {
  const r: EvidenceRef = ref.file !== undefined ? { file: ref.file, index: ref.index } : { index: ref.index };
  if (ref.line !== undefined) r.line = ref.line;
  if (id !== undefined) r.exchangeId = id;
  return r;
}

interface AlertState {
  alert: Alert;
  first: number;
  last: number;
  /** Keys of the evidence refs, once there are more than LINEAR_REFS of them (a scan before that). */
  refs: Set<string | number> | undefined;
}

const LINEAR_REFS = 8;

export class AlertBook {
  private readonly alerts = new Map<string, AlertState>();
  private readonly suppressions: CompiledSuppression[];
  private readonly disabledTypes: Array<(s: string) => boolean>;
  /** Whether a detection type is disabled, per type (types come from code, so the map stays small). */
  private readonly typeOff = new Map<string, boolean>();
  suppressed = 0;
  dropped = 0;

  constructor(private readonly config: DetectConfig) {
    this.suppressions = config.suppress.map(compileSuppression);
    this.disabledTypes = config.disabledTypes.map((p) => picomatch(p, { nocase: true }));
  }

  get size(): number {
    return this.alerts.size;
  }

  /** Fold one detection in; returns the alert when this detection created it. */
  add(f: ExchangeFacts, d: Detection): Alert | undefined {
    let off = this.typeOff.get(d.type);
    if (off === undefined) {
      off = this.disabledTypes.some((t) => t(d.type));
      this.typeOff.set(d.type, off);
    }
    if (off) return undefined;
    if (this.suppressions.some((s) => s.test(f, d))) {
      this.suppressed++;
      return undefined;
    }
    const actor = d.actor ?? f.actor;
    const perEndpoint = d.scope !== 'actor';
    const foldKey = perEndpoint
      ? `${d.type}\u0000${actor}\u0000${f.host}\u0000${f.method}\u0000${f.template}\u0000${d.key ?? ''}`
      : `${d.type}\u0000${actor}\u0000${d.key ?? ''}`;
    let state = this.alerts.get(foldKey);
    let created = false;
    if (!state) {
      if (this.alerts.size >= this.config.maxAlerts) {
        this.dropped++;
        return undefined;
      }
      const time = iso(f.ex.time);
      const id = `alt-${sha12(foldKey)}`;
      // Two literals rather than a spread: the same key order (and JSON) without cloning a temporary.
      const alert: Alert = perEndpoint
        ? {
            id,
            type: d.type,
            severity: d.severity,
            owasp: d.owasp,
            actor,
            host: f.host,
            method: f.method,
            path: f.template,
            evidence: [],
            evidenceRefs: [],
            firstSeen: time,
            lastSeen: time,
            count: 0,
            explanation: d.explanation,
          }
        : {
            id,
            type: d.type,
            severity: d.severity,
            owasp: d.owasp,
            actor,
            host: f.host,
            evidence: [],
            evidenceRefs: [],
            firstSeen: time,
            lastSeen: time,
            count: 0,
            explanation: d.explanation,
          };
      state = { alert, first: f.ex.time, last: f.ex.time, refs: undefined };
      this.alerts.set(foldKey, state);
      created = true;
    }
    const a = state.alert;
    a.count++;
    a.explanation = d.explanation;
    if (SEVERITY_RANK[d.severity] > SEVERITY_RANK[a.severity]) a.severity = d.severity;
    if (f.ex.time < state.first) {
      state.first = f.ex.time;
      a.firstSeen = iso(f.ex.time);
    }
    if (f.ex.time > state.last) {
      state.last = f.ex.time;
      a.lastSeen = iso(f.ex.time);
    }
    let room = true;
    if (d.related !== undefined)
      for (const r of d.related) {
        room = this.addRef(state, r);
        if (!room) break;
      }
    if (room) this.addRef(state, f.ex.source, f.ex.id);
    return created ? a : undefined;
  }

  /** One evidence reference, unless already there; false when the alert's evidence is full. */
  private addRef(state: AlertState, ref: Exchange['source'], id?: string): boolean {
    const a = state.alert;
    if (a.evidenceRefs.length >= this.config.evidencePerAlert) return false;
    const refs = a.evidenceRefs;
    const file = ref.file ?? '';
    if (state.refs === undefined) {
      // Few refs (most alerts): a scan, no set to build.
      for (const r of refs) if (r.index === ref.index && (r.file ?? '') === file) return true;
      if (refs.length >= LINEAR_REFS) {
        state.refs = new Set();
        for (const r of refs) state.refs.add(refKey(r.file ?? '', r.index ?? -1));
      }
    } else {
      const k = refKey(file, ref.index);
      if (state.refs.has(k)) return true;
    }
    state.refs?.add(refKey(file, ref.index));
    a.evidence.push(ref.index);
    a.evidenceRefs.push(evidenceRef(ref, id));
    return true;
  }

  /** All alerts, oldest first, with incidents assigned. */
  snapshot(): { alerts: Alert[]; incidents: Incident[] } {
    const states = [...this.alerts.values()].sort(
      (x, y) => x.first - y.first || (x.alert.id < y.alert.id ? -1 : 1),
    );
    for (const s of states) {
      s.alert.evidence.sort((a, b) => a - b);
      delete s.alert.incident;
    }
    const byActor = new Map<string, AlertState[]>();
    for (const s of states) {
      const list = byActor.get(s.alert.actor) ?? [];
      list.push(s);
      byActor.set(s.alert.actor, list);
    }
    const gap = this.config.incidentGapSeconds * 1000;
    const incidents: Incident[] = [];
    for (const [actor, list] of byActor) {
      let group: AlertState[] = [];
      let groupEnd = Number.NEGATIVE_INFINITY;
      const close = () => {
        if (group.length >= 2) incidents.push(makeIncident(actor, group));
        group = [];
      };
      for (const s of list) {
        if (group.length > 0 && s.first > groupEnd + gap) close();
        group.push(s);
        groupEnd = Math.max(groupEnd, s.last);
      }
      close();
    }
    incidents.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
    return { alerts: states.map((s) => s.alert), incidents };
  }
}

function makeIncident(actor: string, group: AlertState[]): Incident {
  let severity: Severity = 'info';
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const types = new Map<string, number>();
  for (const s of group) {
    if (SEVERITY_RANK[s.alert.severity] > SEVERITY_RANK[severity]) severity = s.alert.severity;
    first = Math.min(first, s.first);
    last = Math.max(last, s.last);
    types.set(s.alert.type, (types.get(s.alert.type) ?? 0) + s.alert.count);
  }
  const id = `inc-${sha12(`${actor}\u0000${group[0]!.alert.id}`)}`;
  for (const s of group) s.alert.incident = id;
  const parts = [...types].map(([t, n]) => `${t} ×${n}`).join(', ');
  const endpoints = new Set(group.map((s) => (s.alert.path ? `${s.alert.method} ${s.alert.path}` : '*')));
  return {
    id,
    actor,
    severity,
    alerts: group.map((s) => s.alert.id),
    firstSeen: iso(first),
    lastSeen: iso(last),
    summary: `${group.length} related alerts from ${actor} on ${endpoints.size} endpoint(s): ${parts}`,
  };
}
