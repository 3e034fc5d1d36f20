// A scale-out worker: pulls batches from its partitions' durable consumers, runs the pipeline on each
// batch and acknowledges the messages only after the pipeline's store transaction has committed.
// While a batch is being handled the worker marks its messages in progress (`working()`) every third
// of the ack wait, so a slow batch is not redelivered to another worker while it is still alive.
//
// Test-only knob: MAMORI_WORKER_TEST_DELAY_MS=N sleeps N ms per message while reading the batch
// (before the commit) and N ms between acknowledgements (after it), so a crash test can kill the
// worker in the middle of a batch on either side of the commit. Never set it in production.

import type { JsMsg } from '@nats-io/jetstream';
import type { Exchange } from '../model/index.js';
import type { Pipeline } from '../pipeline/index.js';
import { consumerName, type QueueConnection, streamName } from './jetstream.js';

export interface WorkerOptions {
  queue: QueueConnection;
  pipeline: Pick<Pipeline, 'ingest'>;
  /** Partitions this worker owns. */
  partitions: number[];
  /** Messages per batch (default 500). */
  batch?: number;
  signal?: AbortSignal;
  /** Called after each batch's commit, before its acknowledgements. */
  onBatch?: (info: { partition: number; received: number; processed: number; duplicates: number }) => void;
  onBadMessage?: (info: { partition: number; seq: number; error: string }) => void;
  /** Per-message delay (ms), test only: see the header comment. */
  testDelayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runWorker(o: WorkerOptions): Promise<void> {
  const batch = o.batch ?? 500;
  const delay = o.testDelayMs ?? 0;
  const stream = streamName(o.queue.config);
  const consumers = await Promise.all(
    o.partitions.map((p) => o.queue.js.consumers.get(stream, consumerName(p))),
  );
  const heartbeatMs = Math.max(500, Math.floor(o.queue.config.ackWaitMs / 3));
  // One pull loop per owned partition; the pipeline runs their batches one at a time.
  await Promise.all(
    consumers.map(async (consumer, i) => {
      const partition = o.partitions[i] as number;
      while (!o.signal?.aborted) {
        const msgs: JsMsg[] = [];
        const iter = await consumer.fetch({ max_messages: batch, expires: 1000 });
        for await (const m of iter) msgs.push(m);
        if (msgs.length > 0) await handle(partition, msgs);
      }
    }),
  );

  async function handle(partition: number, msgs: JsMsg[]): Promise<void> {
    const beat = setInterval(() => {
      for (const m of msgs) m.working();
    }, heartbeatMs);
    try {
      const exchanges: Exchange[] = [];
      const good: JsMsg[] = [];
      for (const m of msgs) {
        if (delay) await sleep(delay);
        try {
          exchanges.push(m.json<Exchange>());
          good.push(m);
        } catch (err) {
          // Not ours to redeliver forever: terminate it and say so.
          m.term();
          o.onBadMessage?.({
            partition,
            seq: m.seq,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
      if (exchanges.length === 0) return;
      const r = await o.pipeline.ingest(exchanges);
      o.onBatch?.({ partition, received: r.received, processed: r.processed, duplicates: r.duplicates });
      for (const m of good) {
        if (delay) await sleep(delay);
        m.ack();
      }
    } catch (err) {
      // Store or pipeline failure: nothing was committed; let JetStream redeliver soon.
      for (const m of msgs) m.nak(1000);
      throw err;
    } finally {
      clearInterval(beat);
    }
  }
}
