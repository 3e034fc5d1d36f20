// Bounded, mergeable summaries kept per endpoint so that memory stays flat on 1 GB inputs and two
// runs can be merged later without the raw data:
// - DistinctCounter: exact set of actor ids up to a cap, then a HyperLogLog (p = 11, 2048 registers,
//   ~2.3% standard error). Serialised as HLL registers only (sparse while small), never the ids.
// - LatencyHistogram: log-scale buckets (gamma 1.04, ±2% relative error on any quantile, like
//   DDSketch); merging two histograms is exact, so merged p50/p95 keep the same error bound.

const P = 11;
const M = 1 << P;
const EXACT_CAP = 256;

/** 32-bit MurmurHash3 of a string's UTF-16 code units. */
export function hash32(s: string, seed = 0x9747b28c): number {
  let h = seed >>> 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (s.charCodeAt(i) & 0xffff) | ((s.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = s.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rankOf(w: number): number {
  // position of the first 1-bit in the remaining 32-P bits, 1-based
  const rest = (w << P) >>> 0;
  if (rest === 0) return 32 - P + 1;
  return Math.clz32(rest) + 1;
}

export class Hll {
  readonly registers: Uint8Array;
  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(M);
  }
  addHash(h: number): void {
    const idx = h >>> (32 - P);
    const r = rankOf(h);
    if (r > this.registers[idx]!) this.registers[idx] = r;
  }
  merge(other: Hll): void {
    for (let i = 0; i < M; i++)
      if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const raw = (alpha * M * M) / sum;
    // linear counting for small cardinalities (nearly exact there)
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }
  /** `s:` + idx.rank pairs (base36) while sparse; `d:` + base64 of the register bytes when dense. */
  serialize(): string {
    const pairs: string[] = [];
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      if (r) pairs.push(`${i.toString(36)}.${r.toString(36)}`);
      if (pairs.length > M / 8) return `d:${Buffer.from(this.registers).toString('base64')}`;
    }
    return `s:${pairs.join(',')}`;
  }
  static parse(text: string): Hll | undefined {
    if (text.startsWith('d:')) {
      const bytes = Buffer.from(text.slice(2), 'base64');
      if (bytes.length !== M) return undefined;
      return new Hll(new Uint8Array(bytes));
    }
    if (!text.startsWith('s:')) return undefined;
    const h = new Hll();
    if (text.length === 2) return h;
    for (const pair of text.slice(2).split(',')) {
      const [i, r] = pair.split('.');
      const idx = Number.parseInt(i ?? '', 36);
      const rank = Number.parseInt(r ?? '', 36);
      if (!(idx >= 0 && idx < M && rank > 0 && rank <= 32)) return undefined;
      h.registers[idx] = Math.max(h.registers[idx]!, rank);
    }
    return h;
  }
}

/** Distinct actors: exact up to EXACT_CAP, then HyperLogLog. */
export class DistinctCounter {
  private exact: Set<string> | undefined = new Set();
  private hll: Hll | undefined;
  add(id: string): void {
    if (this.exact) {
      if (this.exact.has(id)) return;
      if (this.exact.size < EXACT_CAP) {
        this.exact.add(id);
        return;
      }
      this.toHll();
    }
    this.hll!.addHash(hash32(id));
  }
  private toHll(): void {
    const h = new Hll();
    for (const id of this.exact ?? []) h.addHash(hash32(id));
    this.hll = h;
    this.exact = undefined;
  }
  count(): number {
    return this.exact ? this.exact.size : this.hll!.estimate();
  }
  merge(o: DistinctCounter): void {
    if (o.exact) {
      for (const id of o.exact) this.add(id);
      return;
    }
    if (this.exact) this.toHll();
    this.hll!.merge(o.hll!);
  }
  sketch(): Hll {
    if (this.hll) return this.hll;
    const h = new Hll();
    for (const id of this.exact ?? []) h.addHash(hash32(id));
    return h;
  }
}

const GAMMA = 1.04;
const LOG_GAMMA = Math.log(GAMMA);

/** Log-bucket latency histogram: bucket i holds values in (gamma^(i-1), gamma^i]; bucket 0 holds ≤ 1 ms… 0. */
export class LatencyHistogram {
  readonly buckets = new Map<number, number>();
  total = 0;
  add(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    const i = ms <= 0.01 ? -120 : Math.ceil(Math.log(ms) / LOG_GAMMA);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
    this.total++;
  }
  merge(other: LatencyHistogram): void {
    for (const [i, n] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
    this.total += other.total;
  }
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.buckets.get(k)!;
      if (seen >= rank) return k === -120 ? 0 : round2((2 * GAMMA ** k) / (GAMMA + 1));
    }
    return undefined;
  }
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [i, n] of this.buckets) out[String(i)] = n;
    return out;
  }
  static fromRecord(rec: Record<string, number>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [k, n] of Object.entries(rec)) {
      const i = Number(k);
      if (Number.isInteger(i) && Number.isFinite(n) && n > 0) {
        h.buckets.set(i, (h.buckets.get(i) ?? 0) + n);
        h.total += n;
      }
    }
    return h;
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
