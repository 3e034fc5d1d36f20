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
  if (facts.actorEndpoint === undefined) facts.actorEndpoint = `${facts.actor} ${facts.endpoint}`;
  return facts.actorEndpoint;
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
  /** The key's state when it exists and its window is still open (nothing is created). */
  existing(key: string, time: number): T | undefined {
    const s = this.lru.get(key);
    return s !== undefined && time - s.start < this.windowMs && time >= s.start - this.windowMs
      ? s
      : undefined;
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
export interface Horizon {
  /** Multiplier of count thresholds. */
  factor: number;
  seconds: number;
  /** Name in explanations (`10 min`, `2 h`). */
  label: string;
}

export function horizonsOf(config: DetectConfig): Horizon[] {
  const out: Horizon[] = [{ factor: 1, seconds: config.windowSeconds, label: span(config.windowSeconds) }];
  if (config.longWindowSeconds > config.windowSeconds)
    out.push({
      factor: config.longWindowFactor,
      seconds: config.longWindowSeconds,
      label: span(config.longWindowSeconds),
    });
  return out;
}

/**
 * Per-key state in every horizon, under one entry of one bounded LRU (one lookup per exchange
 * whatever the number of horizons); each horizon's state restarts when its own window has passed.
 */
export class HorizonTable<T extends Windowed> {
  readonly lru: LruMap<string, T[]>;
  readonly horizons: Horizon[];
  private readonly ms: number[];
  constructor(
    config: DetectConfig,
    private readonly make: (start: number) => T,
  ) {
    this.lru = new LruMap(config.maxStateEntries);
    this.horizons = horizonsOf(config);
    this.ms = this.horizons.map((h) => h.seconds * 1000);
  }
  /** The key's states, one per horizon, created or restarted as needed. */
  at(key: string, time: number): T[] {
    const states = this.lru.get(key);
    if (states === undefined) {
      const fresh = this.ms.map(() => this.make(time));
      this.lru.set(key, fresh);
      return fresh;
    }
    this.roll(states, time);
    return states;
  }
  /** Like `at`, but nothing is created for a key without state. */
  existing(key: string, time: number): T[] | undefined {
    const states = this.lru.get(key);
    if (states !== undefined) this.roll(states, time);
    return states;
  }
  private roll(states: T[], time: number): void {
    for (let i = 0; i < states.length; i++) {
      const start = states[i]!.start;
      const ms = this.ms[i]!;
      if (time - start >= ms || time < start - ms) states[i] = this.make(time);
    }
  }
  stats(): { size: number; max: number; evicted: number } {
    return { size: this.lru.size, max: this.lru.max, evicted: this.lru.evicted };
  }
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
 * Paths that have answered 2xx to anyone, in a fixed-size Bloom filter (two probes over 2^20 bits,
 * 128 KiB; false "known" answers are rare and only make a probe count less). A 404 on such a path is
 * a route gone missing (a deploy rolling out), not a probe for one that never existed. Keyed by the
 * path alone (one hash per call on the hot path; a path known on one host counts as known on all).
 */
export class KnownPaths {
  private readonly bits = new Uint32Array(1 << 15);
  add(path: string): void {
    const h1 = hash32(path);
    const h2 = Math.imul(h1 ^ (h1 >>> 15), 0x2c1b3c6d) ^ (h1 >>> 7);
    this.bits[(h1 >>> 5) & 0x7fff]! |= 1 << (h1 & 31);
    this.bits[(h2 >>> 5) & 0x7fff]! |= 1 << (h2 & 31);
  }
  has(path: string): boolean {
    const h1 = hash32(path);
    const h2 = Math.imul(h1 ^ (h1 >>> 15), 0x2c1b3c6d) ^ (h1 >>> 7);
    return (
      (this.bits[(h1 >>> 5) & 0x7fff]! & (1 << (h1 & 31))) !== 0 &&
      (this.bits[(h2 >>> 5) & 0x7fff]! & (1 << (h2 & 31))) !== 0
    );
  }
}
