import { describe, expect, it } from 'vitest';
import { DistinctCounter, Hll, LatencyHistogram } from './sketch.js';

describe('DistinctCounter', () => {
  it('is exact up to its cap and close beyond it', () => {
    const small = new DistinctCounter();
    for (let i = 0; i < 200; i++) small.add(`ip:10.0.0.${i % 100}`);
    expect(small.count()).toBe(100);
    const big = new DistinctCounter();
    for (let i = 0; i < 50_000; i++) big.add(`actor-${i}`);
    expect(Math.abs(big.count() - 50_000) / 50_000).toBeLessThan(0.08);
  });

  it('serialises to a sketch that merges as a union', () => {
    const a = new DistinctCounter();
    const b = new DistinctCounter();
    for (let i = 0; i < 300; i++) a.add(`u${i}`);
    for (let i = 200; i < 500; i++) b.add(`u${i}`);
    const ha = Hll.parse(a.sketch().serialize())!;
    const hb = Hll.parse(b.sketch().serialize())!;
    ha.merge(hb);
    expect(Math.abs(ha.estimate() - 500)).toBeLessThan(25);
    expect(Hll.parse('garbage')).toBeUndefined();
    const dense = new DistinctCounter();
    for (let i = 0; i < 5000; i++) dense.add(`d${i}`);
    const text = dense.sketch().serialize();
    expect(text.startsWith('d:')).toBe(true);
    expect(Hll.parse(text)!.estimate()).toBe(dense.sketch().estimate());
  });
});

describe('LatencyHistogram', () => {
  it('gives quantiles within its relative error, and merges exactly', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.add(i);
    expect(Math.abs(h.quantile(0.5)! - 500) / 500).toBeLessThan(0.03);
    expect(Math.abs(h.quantile(0.95)! - 950) / 950).toBeLessThan(0.03);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).add(i);
    a.merge(LatencyHistogram.fromRecord(b.toRecord()));
    expect(a.quantile(0.5)).toBe(h.quantile(0.5));
    expect(a.quantile(0.95)).toBe(h.quantile(0.95));
    expect(new LatencyHistogram().quantile(0.5)).toBeUndefined();
  });
  it('stays small on a long tail', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100_000; i++) h.add(Math.random() * 60_000);
    expect(h.buckets.size).toBeLessThan(300);
  });
});
