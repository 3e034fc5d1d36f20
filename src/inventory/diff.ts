// Change detection between a baseline inventory and the current one (`discover --baseline`):
// new and removed endpoints, new sensitive data (type + field + direction, on new or existing
// endpoints), endpoints that lost authentication, new hosts. Endpoints are matched by host + method +
// path template. Orphans (calls 0, known only from a spec) are not "observed": an endpoint that went
// from observed to orphan is reported removed, and orphans alone never count as new.

import type { Direction, Endpoint, SensitiveType } from '../model/index.js';
import { endpointKey } from '../model/index.js';

export interface EndpointRef {
  host: string;
  method: string;
  path: string;
}

export interface InventoryDiff {
  newEndpoints: EndpointRef[];
  removedEndpoints: EndpointRef[];
  newSensitive: Array<
    EndpointRef & { type: SensitiveType; direction: Direction; field: string; samples: string[] }
  >;
  /** Authenticated before (credentials seen, no unauthenticated 2xx); now answering 2xx without credentials. */
  lostAuth: Array<EndpointRef & { before: string[]; unauthenticatedSuccess: number; reason: string }>;
  newHosts: string[];
  /** Total of all the lists above: 0 means no change worth reporting. */
  changes: number;
}

function ref(e: Endpoint): EndpointRef {
  return { host: e.host, method: e.method, path: e.path };
}

const observed = (e: Endpoint) => e.calls > 0;

function authTypes(e: Endpoint): string[] {
  return [...new Set(e.auth.filter((a) => a.type !== 'none' && a.count > 0).map((a) => a.type))].sort();
}

function wasAuthenticated(e: Endpoint): boolean {
  return authTypes(e).length > 0 && (e.observed?.unauthenticatedSuccess ?? 0) === 0;
}

export function diffInventory(baseline: Endpoint[], current: Endpoint[]): InventoryDiff {
  const base = new Map(baseline.filter(observed).map((e) => [endpointKey(e), e]));
  const cur = new Map(current.filter(observed).map((e) => [endpointKey(e), e]));
  const diff: InventoryDiff = {
    newEndpoints: [],
    removedEndpoints: [],
    newSensitive: [],
    lostAuth: [],
    newHosts: [],
    changes: 0,
  };
  for (const [k, e] of cur) {
    const b = base.get(k);
    if (!b) diff.newEndpoints.push(ref(e));
    const known = new Set((b?.sensitive ?? []).map((s) => `${s.direction}|${s.type}|${s.field}`));
    for (const s of e.sensitive) {
      if (known.has(`${s.direction}|${s.type}|${s.field}`)) continue;
      diff.newSensitive.push({
        ...ref(e),
        type: s.type,
        direction: s.direction,
        field: s.field,
        samples: s.samples.slice(0, 3),
      });
    }
    const unauth = e.observed?.unauthenticatedSuccess ?? 0;
    if (b && wasAuthenticated(b) && unauth > 0) {
      const before = authTypes(b);
      diff.lostAuth.push({
        ...ref(e),
        before,
        unauthenticatedSuccess: unauth,
        reason: `baseline calls carried ${before.join(', ')} credentials and no call without them succeeded; now ${unauth} call${unauth === 1 ? '' : 's'} without credentials got a 2xx answer`,
      });
    }
  }
  for (const [k, e] of base) if (!cur.has(k)) diff.removedEndpoints.push(ref(e));
  const baseHosts = new Set(baseline.map((e) => e.host));
  diff.newHosts = [...new Set([...cur.values()].map((e) => e.host))].filter((h) => !baseHosts.has(h)).sort();
  diff.changes =
    diff.newEndpoints.length +
    diff.removedEndpoints.length +
    diff.newSensitive.length +
    diff.lostAuth.length +
    diff.newHosts.length;
  return diff;
}
