// What every behaviour detector shares: the per-exchange context, the detector interface, windowed
// per-key state in a bounded LRU, and a small ring of recent exchange references for evidence.

import { hash32 } from '../../inventory/sketch.js';
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
    windowSeconds = config.windowSeconds,
  ) {
    this.lru = new LruMap(config.maxStateEntries);
    this.windowMs = windowSeconds * 1000;
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

/**
 * The horizons a detector judges in: its window with the thresholds as configured, and the long
 * window (`longWindowSeconds`) with count thresholds `longWindowFactor` times higher, for attackers
 * who pace themselves just under the per-window figures. Ratios are the same in both.
 */
export interface Horizon<T extends Windowed> {
  table: WindowedTable<T>;
  /** Multiplier of count thresholds. */
  factor: number;
  seconds: number;
  /** Name in explanations (`10 min`, `2 h`). */
  label: string;
}

export function horizons<T extends Windowed>(config: DetectConfig, make: (start: number) => T): Horizon<T>[] {
  const out: Horizon<T>[] = [
    {
      table: new WindowedTable(config, make),
      factor: 1,
      seconds: config.windowSeconds,
      label: span(config.windowSeconds),
    },
  ];
  if (config.longWindowSeconds > config.windowSeconds)
    out.push({
      table: new WindowedTable(config, make, config.longWindowSeconds),
      factor: config.longWindowFactor,
      seconds: config.longWindowSeconds,
      label: span(config.longWindowSeconds),
    });
  return out;
}

/** State-table report of a detector's horizons (`name`, `name-long`). */
export function horizonStats<T extends Windowed>(
  name: string,
  hs: readonly Horizon<T>[],
): Record<string, { size: number; max: number; evicted: number }> {
  const out: Record<string, { size: number; max: number; evicted: number }> = {};
  hs.forEach((h, i) => {
    out[i === 0 ? name : `${name}-long`] = h.table.stats();
  });
  return out;
}

export function span(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  const m = seconds / 60;
  return m >= 1 ? `${Math.round(m * 10) / 10} min` : `${seconds} s`;
}

export function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

export function minutes(config: DetectConfig): string {
  return span(config.windowSeconds);
}

/** Response body size in bytes (the source's figure, before any cap). */
export function responseBytes(ex: Exchange): number {
  return ex.response?.body?.size ?? 0;
}

/**
 * Paths that have answered 2xx to anyone, in a fixed-size Bloom filter (2 hashes over 2^20 bits,
 * 128 KiB; false "known" answers are rare and only make a probe count less). A 404 on such a path is
 * a route gone missing (a deploy rolling out), not a probe for one that never existed.
 */
export class KnownPaths {
  private readonly bits = new Uint32Array(1 << 15);
  add(key: string): void {
    const h1 = hash32(key);
    const h2 = hash32(key, 0x9e3779b1);
    this.bits[(h1 >>> 5) & 0x7fff]! |= 1 << (h1 & 31);
    this.bits[(h2 >>> 5) & 0x7fff]! |= 1 << (h2 & 31);
  }
  has(key: string): boolean {
    const h1 = hash32(key);
    const h2 = hash32(key, 0x9e3779b1);
    return (
      (this.bits[(h1 >>> 5) & 0x7fff]! & (1 << (h1 & 31))) !== 0 &&
      (this.bits[(h2 >>> 5) & 0x7fff]! & (1 << (h2 & 31))) !== 0
    );
  }
}
