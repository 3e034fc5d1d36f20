// What every behaviour detector shares: the per-exchange context, the detector interface, windowed
// per-key state in a bounded LRU, and a small ring of recent exchange references for evidence.

import type { Exchange, ExchangeRef } from '../../model/index.js';
import type { Detection, ExchangeFacts } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { LruMap } from '../sketch.js';

export interface BehaviourContext {
  facts: ExchangeFacts;
  /** Parsed request / response bodies (JSON or form), when parsable. */
  request: unknown;
  response: unknown;
}

export interface Behaviour {
  readonly name: string;
  observe(ctx: BehaviourContext): Detection[];
  /** Entries held and entries evicted, per state table. */
  state(): Record<string, { size: number; max: number; evicted: number }>;
}

export interface Windowed {
  start: number;
  /** Recent exchanges of this key, shown as evidence when the detector fires. */
  recent: ExchangeRef[];
}

const RECENT = 10;

/** The key of per actor-and-endpoint state, built only by the detectors that get that far. */
export function actorEndpointOf(facts: ExchangeFacts): string {
  return `${facts.actor} ${facts.endpoint}`;
}

export function remember(state: Windowed, ex: Exchange): void {
  const recent = state.recent;
  const n = recent.length;
  if (n < RECENT) {
    recent.push(ex.source);
    return;
  }
  // Full: slide in place (shift() trims the array's store and leaves garbage on every call).
  for (let i = 1; i < n; i++) recent[i - 1] = recent[i]!;
  recent[n - 1] = ex.source;
}

/** Per-key state that restarts when the window (event time) has passed. */
export class WindowedTable<T extends Windowed> {
  readonly lru: LruMap<string, T>;
  constructor(
    config: DetectConfig,
    private readonly make: (start: number) => T,
  ) {
    this.lru = new LruMap(config.maxStateEntries);
    this.windowMs = config.windowSeconds * 1000;
  }
  private readonly windowMs: number;
  at(key: string, time: number): T {
    const s = this.lru.get(key);
    if (s !== undefined && time - s.start < this.windowMs && time >= s.start - this.windowMs) return s;
    const fresh = this.make(time);
    this.lru.set(key, fresh);
    return fresh;
  }
  stats(): { size: number; max: number; evicted: number } {
    return { size: this.lru.size, max: this.lru.max, evicted: this.lru.evicted };
  }
}

export function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

export function minutes(config: DetectConfig): string {
  const m = config.windowSeconds / 60;
  return m >= 1 ? `${Math.round(m * 10) / 10} min` : `${config.windowSeconds} s`;
}

/** Response body size in bytes (the source's figure, before any cap). */
export function responseBytes(ex: Exchange): number {
  return ex.response?.body?.size ?? 0;
}
