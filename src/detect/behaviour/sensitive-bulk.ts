// Bulk retrieval of sensitive data: one actor receiving many records that carry personal data or
// secrets (as the sensitive-data classifier sees them) within the window. A record is one response,
// or each element of a list response. A support agent who reads many accounts by design is
// allow-listed in the config (suppress: { actor, type: behaviour.sensitive-bulk }).

import type { SensitiveHit } from '../../sensitive/index.js';
import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { type BehaviourContext, minutes, remember, type Windowed, WindowedTable } from './common.js';

interface State extends Windowed {
  records: number;
  types: Set<string>;
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
  private readonly table: WindowedTable<State>;
  constructor(private readonly config: DetectConfig) {
    this.table = new WindowedTable(config, (start) => ({ start, recent: [], records: 0, types: new Set() }));
  }
  /** `hits`: the classifier's response-direction hits for this exchange. */
  observe({ facts, response }: BehaviourContext, hits: readonly SensitiveHit[]): Detection[] {
    if (hits.length === 0) return [];
    const s = this.table.at(facts.actor, facts.ex.time);
    s.records += recordCount(response);
    for (const h of hits) if (s.types.size < 16) s.types.add(h.type);
    remember(s, facts.ex);
    const t = this.config.thresholds.sensitive;
    if (s.records < t.values) return [];
    return [
      {
        type: 'behaviour.sensitive-bulk',
        severity: 'high',
        owasp: 'API3:2023',
        scope: 'actor',
        explanation: `${s.records} records carrying ${[...s.types].sort().join(', ')} returned to this actor in ${minutes(this.config)} (threshold ${t.values})`,
        related: s.recent,
      },
    ];
  }
  state() {
    return { 'sensitive-bulk': this.table.stats() };
  }
}
