// Bulk retrieval of sensitive data: one actor receiving many records that carry personal data or
// secrets (as the sensitive-data classifier sees them) within the window. A record is one response,
// or each element of a list response. A support agent who reads many accounts by design is
// allow-listed in the config (suppress: { actor, type: behaviour.sensitive-bulk }). Judged in the
// window and in the long window (an insider pacing the pull under the per-window figure). A client
// polling the same resource again and again (its own profile) counts that resource once per window.

import type { SensitiveHit } from '../../sensitive/index.js';
import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { type BehaviourContext, HorizonTable, remember, type Windowed } from './common.js';

const RESOURCE_CAP = 2048;

interface State extends Windowed {
  records: number;
  types: Set<string>;
  /** Resources (path + query) already counted, exactly up to RESOURCE_CAP (then every one is new). */
  resources: Set<string>;
}

/** Records in a response: a top-level array, or the one array an envelope (`{ items: […] }`) holds. */
export function recordCount(body: unknown): number {
  if (Array.isArray(body)) return Math.max(1, body.length);
  if (body !== null && typeof body === 'object') {
    for (const v of Object.values(body)) if (Array.isArray(v) && v.length > 0) return v.length;
  }
  return 1;
}

export class SensitiveBulkDetector {
  readonly name = 'sensitive-bulk';
  private readonly horizons: HorizonTable<State>;
  constructor(private readonly config: DetectConfig) {
    this.horizons = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      records: 0,
      types: new Set(),
      resources: new Set(),
    }));
  }
  /** `hits`: the classifier's response-direction hits for this exchange. */
  observe({ facts, response }: BehaviourContext, hits: readonly SensitiveHit[]): Detection[] {
    if (hits.length === 0) return [];
    const req = facts.ex.request;
    let resource = req.path;
    for (const [k, v] of req.query) resource += `&${k}=${v}`;
    const t = this.config.thresholds.sensitive;
    let out: Detection | undefined;
    const states = this.horizons.at(facts.actor, facts.ex.time);
    for (let i = 0; i < states.length; i++) {
      const h = this.horizons.horizons[i]!;
      const s = states[i]!;
      if (s.resources.has(resource)) continue;
      if (s.resources.size < RESOURCE_CAP) s.resources.add(resource);
      s.records += recordCount(response);
      for (const hit of hits) if (s.types.size < 16) s.types.add(hit.type);
      remember(s, facts.ex);
      const min = t.values * h.factor;
      if (out !== undefined || s.records < min) continue;
      out = {
        type: 'behaviour.sensitive-bulk',
        severity: 'high',
        owasp: 'API3:2023',
        scope: 'actor',
        explanation: `${s.records} records carrying ${[...s.types].sort().join(', ')} returned to this actor from ${s.resources.size} resources in ${h.label} (threshold ${min})`,
        related: s.recent,
      };
    }
    return out === undefined ? [] : [out];
  }
  state() {
    return { 'sensitive-bulk': this.horizons.stats() };
  }
}
