import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputIssue } from '../model/index.js';
import { createIngestQueue, createPipeline } from '../pipeline/index.js';
import { demoExchanges } from '../pipeline/test-support.js';
import { buildServer, createToken } from '../server/index.js';
import { exchangeToRecord } from '../sources/index.js';
import { openStore, type PlatformStore } from '../store/index.js';
import { followIngest, sendBatch } from './ingest.js';

const dir = mkdtempSync(join(tmpdir(), 'mamori-ingest-'));
let store: PlatformStore;
let app: Awaited<ReturnType<typeof buildServer>>;
let server: string;
let token: string;

beforeAll(async () => {
  store = await openStore(join(dir, 'store.db'));
  const pipeline = createPipeline({ store });
  app = await buildServer({ store, queue: createIngestQueue(pipeline), rateLimit: 100_000, logger: false });
  server = await app.listen({ host: '127.0.0.1', port: 0 });
  token = (await createToken(store, 'sensor', 'ingest')).value;
});

afterAll(async () => {
  await app.close();
  await store.close();
});

const lines = demoExchanges(40, 21).map((ex) => JSON.stringify(exchangeToRecord(ex)));
const jsonl = (from: number, to: number) => `${lines.slice(from, to).join('\n')}\n`;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const stored = (n: number) => until(async () => (await store.countExchanges()) === n, `${n} stored`);

describe('mamori ingest --follow against a real server on loopback', () => {
  it('sends appended lines, survives rotation and truncation, reports bad lines with file:line', {
    timeout: 60_000,
  }, async () => {
    const file = join(dir, 'traffic.jsonl');
    writeFileSync(file, `${lines[0]}\n{"not": json\n${lines[1]}\n`);
    const issues: InputIssue[] = [];
    const controller = new AbortController();
    const following = followIngest(file, {
      server,
      token,
      signal: controller.signal,
      batch: 3,
      flushMs: 100,
      pollMs: 50,
      retryMs: 50,
      onIssue: (i) => issues.push(i),
    });
    // A partial batch goes out after flushMs.
    await stored(2);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file, line: 2, code: 'follow.line.unparsed' });

    appendFileSync(file, jsonl(2, 9));
    await stored(9);

    // Rotation: the old file moves away, a new one takes its name.
    renameSync(file, `${file}.1`);
    writeFileSync(file, jsonl(9, 12));
    await stored(12);

    // Truncation in place: shorter content is read from the top.
    writeFileSync(file, jsonl(12, 13));
    await stored(13);

    appendFileSync(file, jsonl(13, 15));
    await stored(15);
    controller.abort();
    const result = await following;
    expect(result).toMatchObject({ accepted: 15, rejected: 0, skipped: 1, dropped: 0 });
    const endpoints = await store.listEndpoints();
    expect(endpoints.reduce((n, e) => n + e.calls, 0)).toBe(15);
  });

  it('sends the partial batch it holds when stopped', async () => {
    const file = join(dir, 'partial.jsonl');
    writeFileSync(file, jsonl(30, 32));
    const controller = new AbortController();
    const following = followIngest(file, {
      server,
      token,
      signal: controller.signal,
      batch: 100,
      flushMs: 600_000,
      pollMs: 50,
      onIssue: () => undefined,
    });
    // The file is read at the start; the batch is neither full nor due.
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.countExchanges()).toBe(15);
    controller.abort();
    expect(await following).toMatchObject({ accepted: 2, skipped: 0 });
    expect(await store.countExchanges()).toBe(17);
  });

  it('holds at most maxBuffered exchanges while the server is slow, and counts what it dropped', async () => {
    // A slow server: answers each batch after 300 ms.
    const slow = createServer((req, res) => {
      let n = 0;
      req.on('data', (chunk: Buffer) => {
        for (const b of chunk) if (b === 10) n++;
      });
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ accepted: n, rejected: 0 }));
        }, 300),
      );
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const { port } = slow.address() as AddressInfo;
    try {
      const file = join(dir, 'slow.jsonl');
      writeFileSync(file, jsonl(0, 10));
      const controller = new AbortController();
      const sent: number[] = [];
      const following = followIngest(file, {
        server: `http://127.0.0.1:${port}`,
        token,
        signal: controller.signal,
        batch: 2,
        maxBuffered: 4,
        pollMs: 50,
        onIssue: () => undefined,
        onSent: (c) => sent.push(c.accepted),
      });
      // The ten lines are read at once; two batches of two go out, the other six are dropped.
      await until(async () => sent.length === 2, 'two batches answered');
      controller.abort();
      expect(await following).toMatchObject({ accepted: 4, dropped: 6 });
    } finally {
      await new Promise((r) => slow.close(r));
    }
  });

  it('stops with an error when the server refuses the token', async () => {
    const file = join(dir, 'refused.jsonl');
    writeFileSync(file, jsonl(20, 22));
    const controller = new AbortController();
    await expect(
      followIngest(file, {
        server,
        token: 'mam_wrong',
        signal: controller.signal,
        flushMs: 50,
        pollMs: 50,
        onIssue: () => undefined,
      }),
    ).rejects.toThrow(/server answered 401/);
  });

  it('retries an unreachable server, then gives up with a one-line error', async () => {
    const closed = buildServer({
      store,
      queue: createIngestQueue({
        ingest: async () => ({ received: 0, processed: 0, duplicates: 0, alerts: 0, endpoints: 0 }),
      }),
      logger: false,
    });
    const app2 = await closed;
    const url = await app2.listen({ host: '127.0.0.1', port: 0 });
    await app2.close();
    const ex = demoExchanges(1, 5);
    await expect(sendBatch({ server: url, token, attempts: 3, retryMs: 10 }, ex)).rejects.toThrow(
      /cannot reach/,
    );
  });
});
