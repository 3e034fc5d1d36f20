import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEntries } from '../demo/generator.js';
import {
  createDetector,
  type DetectConfigInput,
  type Detector,
  type RequestVerdicts,
} from '../detect/index.js';
import type { Alert, Exchange } from '../model/index.js';
import { exchangesFromHar } from '../sources/index.js';
import { Guard, type GuardOptions } from './guard.js';

/** Generated traffic with attacks and abusive actors (the demo's), as exchanges with responses. */
function traffic(n: number): Exchange[] {
  const har = {
    log: { version: '1.2', entries: [...generateEntries({ entries: n, attacks: true, seed: 11 })] },
  };
  return exchangesFromHar(har, { onIssue() {} });
}

/** Each exchange through the guard as the proxy takes it: inspect before forwarding, then complete
 * with the upstream's answer or the guard's rejection. Returns the exchanges as completed. */
function serve(guard: Guard, exs: Exchange[]): Exchange[] {
  return exs.map((original) => {
    const { response, ...request } = structuredClone(original);
    const p = guard.inspect(request);
    const answer = p.rejection
      ? { status: p.rejection.status, headers: { 'content-type': 'application/json' } }
      : response;
    guard.complete(p, answer, 1);
    return p.exchange;
  });
}

const summary = (alerts: Alert[]) =>
  alerts.map((a) => `${a.type}|${a.severity}|${a.actor}|${a.explanation}|${a.evidenceRefs.join(',')}`);

describe('after-response analysis: the catalogue runs once in block mode', () => {
  it('alerts are identical to the engine reading each completed exchange itself, inline and in the worker', async () => {
    const exs = traffic(2500);
    // Inline, with a look at what the engine was handed.
    const handed: boolean[] = [];
    const engine = createDetector();
    const spy: Detector = {
      ...engine,
      process: (ex: Exchange, v?: RequestVerdicts) => {
        handed.push(v !== undefined);
        return engine.process(ex, v);
      },
    };
    const inline: Alert[] = [];
    const served = serve(new Guard({ mode: 'block', detector: spy, onAlert: (a) => inline.push(a) }), exs);
    const reference = createDetector();
    const expected: Alert[] = [];
    for (const ex of served) expected.push(...reference.process(ex));
    expect(summary(expected).some((s) => s.startsWith('signature.sqli'))).toBe(true);
    expect(summary(expected).some((s) => s.startsWith('behaviour.'))).toBe(true);
    expect(summary(inline)).toEqual(summary(expected));
    // Every request the guard judged by signatures handed its verdicts over (a request stopped by an
    // actor's decision never reached the catalogue, so the engine reads that one itself).
    expect(handed.filter(Boolean).length).toBeGreaterThan(exs.length * 0.9);

    const fromWorker: Alert[] = [];
    const guard = new Guard({ mode: 'block', worker: {}, onAlert: (a) => fromWorker.push(a) });
    try {
      const servedByWorker = serve(guard, exs);
      await guard.settled();
      const reference2 = createDetector();
      const expected2: Alert[] = [];
      for (const ex of servedByWorker) expected2.push(...reference2.process(ex));
      expect(summary(fromWorker)).toEqual(summary(expected2));
      expect(guard.analysisStats).toMatchObject({ analysed: exs.length, dropped: 0 });
    } finally {
      await guard.close();
    }
  });
});

describe('after-response analysis in a worker thread', () => {
  const view = (path: string, key: string) => ({
    method: 'GET',
    url: path,
    scheme: 'http' as const,
    headers: { host: 'api.example.test', 'x-api-key': key },
    peer: '127.0.0.1',
  });
  const ok = { status: 200, headers: { 'content-type': 'application/json' } };

  it("turns the worker's behavioural alerts into decisions for the actor's next requests", async () => {
    const alerts: Alert[] = [];
    const opts: GuardOptions = {
      mode: 'monitor',
      worker: {},
      onAlert: (a) => alerts.push(a),
    };
    const guard = new Guard(opts);
    try {
      for (let i = 0; i < 40; i++) {
        const p = guard.inspect(
          guard.exchangeOf(view(`/api/accounts/${1000 + i}`, 'k-enum'), undefined, 'proxy'),
        );
        // 40 ids of one resource, each answered 404: probing (high), so the actor is blocked.
        guard.complete(p, { status: 404, headers: {} }, 1);
      }
      await guard.settled();
      const enumeration = alerts.find((a) => a.type === 'behaviour.bola-enumeration');
      expect(enumeration, JSON.stringify(alerts.map((a) => a.type))).toBeDefined();
      const next = guard.inspect(guard.exchangeOf(view('/api/accounts/1', 'k-enum'), undefined, 'proxy'));
      expect(next.rejection?.body.reason).toBe('behaviour.bola-enumeration');
      // Another actor is not affected.
      const other = guard.inspect(guard.exchangeOf(view('/api/accounts/1', 'k-other'), undefined, 'proxy'));
      expect(other.rejection).toBeUndefined();
    } finally {
      await guard.close();
    }
  });

  it('masks and ships from the worker; a sink gets masked copies back', async () => {
    const received: Array<Record<string, unknown>> = [];
    const platform = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      req.on('end', () => {
        for (const line of text.split('\n')) if (line) received.push(JSON.parse(line));
        res.writeHead(202).end('{}');
      });
    });
    platform.listen(0, '127.0.0.1');
    await once(platform, 'listening');
    const url = `http://127.0.0.1:${(platform.address() as { port: number }).port}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'mamori-wspool-'));
    const back: Exchange[] = [];
    const guard = new Guard({
      mode: 'monitor',
      worker: { ship: { server: url, spoolDir, batchSize: 5, flushMs: 60_000 } },
      sink: (ex) => back.push(ex),
    });
    try {
      for (let i = 0; i < 12; i++) {
        const p = guard.inspect(
          guard.exchangeOf(
            view(`/api/users?email=jane.doe${i}@example.com`, 'secret-key-1'),
            undefined,
            'proxy',
          ),
        );
        guard.complete(p, ok, 1);
      }
      await guard.settled();
      expect(back).toHaveLength(12);
      const text = JSON.stringify(back);
      expect(text).not.toContain('jane.doe3@example.com');
      expect(text).not.toContain('secret-key-1');
      await guard.close();
      // Two full batches went at once, the last two on close; every record masked.
      expect(received).toHaveLength(12);
      expect(JSON.stringify(received)).not.toContain('jane.doe');
      expect(guard.analysisStats.shipper).toMatchObject({ sent: 12, spooled: 0, dropped: 0 });
    } finally {
      await guard.close();
      platform.close();
    }
  });

  it('a worker that dies is reported and counted; the request thread goes on and closes cleanly', async () => {
    const errors: string[] = [];
    const guard = new Guard({
      mode: 'monitor',
      // A config the engine cannot take makes every worker die as it starts.
      worker: {
        detect: { disabledSignatures: 5 } as unknown as DetectConfigInput,
        onError: (m) => errors.push(m),
      },
    });
    for (let i = 0; i < 3; i++) {
      const p = guard.inspect(guard.exchangeOf(view(`/api/items/${i}`, 'k1'), undefined, 'proxy'));
      guard.complete(p, ok, 1);
    }
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 50));
    expect(errors[0]).toMatch(/^analysis worker stopped: .*disabledSignatures/);
    await guard.settled();
    const next = guard.inspect(guard.exchangeOf(view('/api/items/9', 'k1'), undefined, 'proxy'));
    expect(next.rejection).toBeUndefined();
    await guard.close();
    expect(guard.analysisStats).toMatchObject({ analysed: 0, dropped: 3 });
  });
});
