// Object-id enumeration / BOLA probing: one actor walking many ids of one endpoint template. Two
// shapes: probing (many ids, most answered 403/404: the actor is trying ids that are not theirs) and
// a dense sequential walk (ids n, n+1, n+2 … answered 200: harvesting). A user opening their own few
// orders, or a client reading many random UUIDs it was given, is neither.

import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { Distinct } from '../sketch.js';
import {
  actorEndpointOf,
  type Behaviour,
  type BehaviourContext,
  minutes,
  pct,
  remember,
  type Windowed,
  WindowedTable,
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

export class EnumerationDetector implements Behaviour {
  readonly name = 'bola-enumeration';
  private readonly table: WindowedTable<State>;
  constructor(private readonly config: DetectConfig) {
    this.table = new WindowedTable(config, (start) => ({
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
  observe({ facts }: BehaviourContext): Detection[] {
    if (facts.status === undefined || !facts.template.includes('{')) return [];
    const id = objectIdOf(facts.ex.request.path, facts.template);
    if (id === undefined || id === '') return [];
    const s = this.table.at(actorEndpointOf(facts), facts.ex.time);
    s.total++;
    if (facts.status === 403 || facts.status === 404 || facts.status === 401) s.denied++;
    s.ids.add(id);
    if (/^\d{1,15}$/.test(id)) {
      const n = Number(id);
      s.numeric++;
      if (n < s.min) s.min = n;
      if (n > s.max) s.max = n;
    }
    remember(s, facts.ex);
    const t = this.config.thresholds.bola;
    const distinct = s.ids.count();
    const ratio = s.denied / s.total;
    if (distinct >= t.minIds && ratio >= t.denyRatio) {
      return [
        {
          type: 'behaviour.bola-enumeration',
          severity: 'high',
          owasp: 'API1:2023',
          key: 'probing',
          explanation: `${distinct} distinct ids of ${facts.method} ${facts.template} in ${minutes(this.config)}, ${pct(ratio)} answered 401/403/404 (thresholds: ${t.minIds} ids, ${pct(t.denyRatio)} denied)`,
          related: s.recent,
        },
      ];
    }
    const span = s.max - s.min + 1;
    if (distinct >= t.sequentialIds && s.numeric >= t.sequentialIds && span <= distinct * 2) {
      return [
        {
          type: 'behaviour.bola-enumeration',
          severity: 'medium',
          owasp: 'API1:2023',
          key: 'sequential',
          explanation: `sequential walk of ${distinct} numeric ids (${s.min}…${s.max}) of ${facts.method} ${facts.template} in ${minutes(this.config)} (threshold ${t.sequentialIds} ids)`,
          related: s.recent,
        },
      ];
    }
    return [];
  }
  state() {
    return { 'bola-enumeration': this.table.stats() };
  }
}
