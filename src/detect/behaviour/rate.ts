// Rate and volume anomalies against a baseline learnt online per endpoint. Each actor's calls (and
// response bytes) per endpoint are counted per minute; when an actor's minute closes, its counts
// feed the endpoint's exponentially weighted mean and variance (the usual per-actor minute there).
// A minute is anomalous when it exceeds a floor AND, once the baseline has enough samples, both
// `mean + k·σ` and `factor × mean`; before that, an absolute ceiling applies. A busy but steady
// client sets the baseline itself and stays inside it.

import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { LruMap } from '../sketch.js';
import { type Behaviour, type BehaviourContext, responseBytes } from './common.js';

const ALPHA = 0.05;
const MAX_ENDPOINTS_PER_ACTOR = 64;

interface Baseline {
  n: number;
  mean: number;
  variance: number;
  bytesMean: number;
  bytesVariance: number;
}

interface Minute {
  minute: number;
  counts: Map<string, { calls: number; bytes: number }>;
}

function update(b: Baseline, calls: number, bytes: number): void {
  b.n++;
  if (b.n === 1) {
    b.mean = calls;
    b.bytesMean = bytes;
    return;
  }
  const d = calls - b.mean;
  b.mean += ALPHA * d;
  b.variance = (1 - ALPHA) * (b.variance + ALPHA * d * d);
  const db = bytes - b.bytesMean;
  b.bytesMean += ALPHA * db;
  b.bytesVariance = (1 - ALPHA) * (b.bytesVariance + ALPHA * db * db);
}

export class RateAnomalyDetector implements Behaviour {
  readonly name = 'rate-anomaly';
  private readonly actors: LruMap<string, Minute>;
  private readonly baselines: LruMap<string, Baseline>;
  constructor(private readonly config: DetectConfig) {
    this.actors = new LruMap(config.maxStateEntries);
    this.baselines = new LruMap(Math.max(16, Math.floor(config.maxStateEntries / 5)));
  }

  private close(m: Minute): void {
    for (const [endpoint, c] of m.counts) {
      const b = this.baselines.upsert(endpoint, () => ({
        n: 0,
        mean: 0,
        variance: 0,
        bytesMean: 0,
        bytesVariance: 0,
      }));
      update(b, c.calls, c.bytes);
    }
  }

  observe({ facts }: BehaviourContext): Detection[] {
    const minute = Math.floor(facts.ex.time / 60_000);
    let m = this.actors.get(facts.actor);
    if (m === undefined) {
      m = { minute, counts: new Map() };
      this.actors.set(facts.actor, m);
    } else if (m.minute !== minute) {
      if (minute > m.minute) this.close(m);
      m.minute = minute;
      m.counts.clear();
    }
    let endpoint = facts.endpoint;
    let c = m.counts.get(endpoint);
    if (c === undefined && m.counts.size >= MAX_ENDPOINTS_PER_ACTOR) {
      endpoint = '*';
      c = m.counts.get(endpoint);
    }
    if (c === undefined) {
      c = { calls: 0, bytes: 0 };
      m.counts.set(endpoint, c);
    }
    c.calls++;
    c.bytes += responseBytes(facts.ex);

    const t = this.config.thresholds.rate;
    const b = this.baselines.peek(endpoint);
    const warm = b !== undefined && b.n >= t.warmup;
    const callLimit = warm
      ? Math.max(t.minPerMinute, b.mean + t.deviations * Math.sqrt(b.variance), t.factor * b.mean)
      : Math.max(t.minPerMinute, t.absolutePerMinute);
    const out: Detection[] = [];
    if (c.calls > callLimit) {
      out.push({
        type: 'behaviour.rate-anomaly',
        severity: 'medium',
        owasp: 'API4:2023',
        key: 'calls',
        explanation: warm
          ? `${c.calls} calls in one minute to ${facts.method} ${facts.template}; endpoint baseline ${b.mean.toFixed(1)}±${Math.sqrt(b.variance).toFixed(1)} per actor-minute over ${b.n} samples (limit ${Math.round(callLimit)})`
          : `${c.calls} calls in one minute to ${facts.method} ${facts.template} (no baseline yet; absolute limit ${Math.round(callLimit)})`,
      });
    }
    if (warm && b.bytesMean > 0) {
      const byteLimit = Math.max(
        1_048_576,
        b.bytesMean + t.deviations * Math.sqrt(b.bytesVariance),
        t.factor * b.bytesMean,
      );
      if (c.bytes > byteLimit) {
        out.push({
          type: 'behaviour.volume-anomaly',
          severity: 'medium',
          owasp: 'API4:2023',
          key: 'bytes',
          explanation: `${(c.bytes / 1048576).toFixed(1)} MB returned in one minute by ${facts.method} ${facts.template}; baseline ${(b.bytesMean / 1024).toFixed(0)} kB per actor-minute (limit ${(byteLimit / 1048576).toFixed(1)} MB)`,
        });
      }
    }
    return out;
  }

  state() {
    return {
      'rate-actors': { size: this.actors.size, max: this.actors.max, evicted: this.actors.evicted },
      'rate-baselines': {
        size: this.baselines.size,
        max: this.baselines.max,
        evicted: this.baselines.evicted,
      },
    };
  }
}
