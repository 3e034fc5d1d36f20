// Bounded state for behaviour detection on unbounded streams:
// - LruMap: a Map capped at `max` entries, least recently used evicted first, evictions counted so the
//   engine can say what it forgot.
// - SmallHll: HyperLogLog with 128 one-byte registers (~9% standard error, exact-ish by linear counting
//   below ~100): distinct ids, usernames, addresses, pages per actor at 128 bytes each.
// - CountMinSketch: approximate counts over many keys in fixed memory (never under-counts).

import { hash32 } from '../inventory/sketch.js';

/** Approximate LRU ("second chance" / CLOCK): a read only marks the entry; eviction takes the
 * oldest entry not read since it was last passed over. Reads cost no re-insertion, which matters at
 * ten lookups per exchange. */
export class LruMap<K, V> {
  private readonly map = new Map<K, { value: V; used: boolean }>();
  evicted = 0;
  constructor(readonly max: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (!e.used) e.used = true; // no store (and dirtied cache line) when already marked
    return e.value;
  }
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }
  set(key: K, value: V): void {
    const e = this.map.get(key);
    if (e !== undefined) {
      e.value = value;
      e.used = true;
      return;
    }
    if (this.map.size >= this.max) this.evictOne();
    this.map.set(key, { value, used: false });
  }
  private evictOne(): void {
    // Each pass clears one mark, so this ends within size + 1 steps.
    for (;;) {
      const first = this.map.entries().next();
      if (first.done) return;
      const [k, e] = first.value;
      this.map.delete(k);
      if (!e.used) {
        this.evicted++;
        return;
      }
      e.used = false;
      this.map.set(k, e);
    }
  }
  /** The value for `key`, created with `make` when absent. */
  upsert(key: K, make: () => V): V {
    const v = this.get(key);
    if (v !== undefined) return v;
    const made = make();
    this.set(key, made);
    return made;
  }
  *values(): IterableIterator<V> {
    for (const e of this.map.values()) yield e.value;
  }
  *entries(): IterableIterator<[K, V]> {
    for (const [k, e] of this.map) yield [k, e.value];
  }
}

const HLL_P = 7;
const HLL_M = 1 << HLL_P;
const HLL_ALPHA = 0.7213 / (1 + 1.079 / HLL_M);

export class SmallHll {
  private readonly registers = new Uint8Array(HLL_M);
  add(value: string): void {
    const h = hash32(value);
    const idx = h >>> (32 - HLL_P);
    const rest = (h << HLL_P) >>> 0;
    const rank = rest === 0 ? 32 - HLL_P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (HLL_ALPHA * HLL_M * HLL_M) / sum;
    if (raw <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(raw);
  }
}

/** Distinct values: exact below `exactCap` (small numbers must be right: thresholds sit there), then HLL. */
export class Distinct {
  private exact: Set<string> | undefined = new Set();
  private hll: SmallHll | undefined;
  constructor(private readonly exactCap = 32) {}
  add(value: string): void {
    if (this.exact) {
      if (this.exact.size < this.exactCap || this.exact.has(value)) {
        this.exact.add(value);
        return;
      }
      this.hll = new SmallHll();
      for (const v of this.exact) this.hll.add(v);
      this.exact = undefined;
    }
    this.hll!.add(value);
  }
  count(): number {
    return this.exact ? this.exact.size : Math.max(this.exactCap, this.hll!.estimate());
  }
}

export class CountMinSketch {
  private readonly table: Uint32Array;
  constructor(
    private readonly width = 4096,
    private readonly depth = 4,
  ) {
    this.table = new Uint32Array(width * depth);
  }
  /** Add `n` to `key` and return its new estimated count. */
  add(key: string, n = 1): number {
    const h1 = hash32(key);
    const h2 = hash32(key, 0x5bd1e995) | 1;
    let min = Number.MAX_SAFE_INTEGER;
    for (let d = 0; d < this.depth; d++) {
      const idx = d * this.width + (((h1 + Math.imul(d, h2)) >>> 0) % this.width);
      const v = this.table[idx]! + n;
      this.table[idx] = v;
      if (v < min) min = v;
    }
    return min;
  }
  estimate(key: string): number {
    const h1 = hash32(key);
    const h2 = hash32(key, 0x5bd1e995) | 1;
    let min = Number.MAX_SAFE_INTEGER;
    for (let d = 0; d < this.depth; d++) {
      const v = this.table[d * this.width + (((h1 + Math.imul(d, h2)) >>> 0) % this.width)]!;
      if (v < min) min = v;
    }
    return min;
  }
  clear(): void {
    this.table.fill(0);
  }
}
