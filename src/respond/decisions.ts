// Decisions about actors with a time-to-live: block (answer 403) or throttle (at most N requests per
// second, else 429). The proxy and middleware consult them before forwarding; detections add them.
// Bounded: the oldest decision is dropped past `max`. Pure state, no I/O; time is passed in.

export type DecisionAction = 'block' | 'throttle';

export interface Decision {
  actor: string;
  action: DecisionAction;
  /** Epoch ms after which the decision no longer applies. */
  until: number;
  /** Why (alert type or patch id), for the 403/429 body and the audit trail. */
  reason: string;
  /** Throttle only: requests allowed per second. */
  ratePerSecond?: number;
}

export interface Verdict {
  action: 'allow' | 'block' | 'throttle';
  decision?: Decision;
  /** Seconds until the actor may retry (429 Retry-After / 403 expiry). */
  retryAfter?: number;
}

interface Entry {
  decision: Decision;
  windowStart: number;
  count: number;
}

export class DecisionTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 100_000) {}

  /** Adds or replaces the decision for its actor (a block outranks a throttle that is still live). */
  set(decision: Decision, now: number): void {
    const current = this.entries.get(decision.actor);
    if (
      current &&
      current.decision.until > now &&
      current.decision.action === 'block' &&
      decision.action === 'throttle'
    )
      return;
    this.entries.delete(decision.actor);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(decision.actor, { decision, windowStart: now, count: 0 });
  }

  delete(actor: string): boolean {
    return this.entries.delete(actor);
  }

  /** Live decisions (expired ones are removed as they are met). */
  list(now: number): Decision[] {
    const out: Decision[] = [];
    for (const [actor, e] of this.entries) {
      if (e.decision.until <= now) this.entries.delete(actor);
      else out.push(e.decision);
    }
    return out;
  }

  /** What to do with this actor's request now; counts it against a throttle. */
  check(actor: string, now: number): Verdict {
    const e = this.entries.get(actor);
    if (!e) return { action: 'allow' };
    const d = e.decision;
    if (d.until <= now) {
      this.entries.delete(actor);
      return { action: 'allow' };
    }
    if (d.action === 'block')
      return { action: 'block', decision: d, retryAfter: Math.ceil((d.until - now) / 1000) };
    if (now - e.windowStart >= 1000) {
      e.windowStart = now;
      e.count = 0;
    }
    e.count++;
    if (e.count <= (d.ratePerSecond ?? 1)) return { action: 'allow', decision: d };
    return {
      action: 'throttle',
      decision: d,
      retryAfter: Math.max(1, Math.ceil((e.windowStart + 1000 - now) / 1000)),
    };
  }
}
