// The in-process queue of the embedded mode: a bounded FIFO of batches in front of one pipeline.
// Backpressure: when the exchanges waiting would pass `maxPending`, `push` refuses at once with
// QueueFullError (the server answers 503 + Retry-After) instead of growing memory without bound.

import type { Exchange } from '../model/index.js';
import type { IngestResult, Pipeline } from './pipeline.js';

export class QueueFullError extends Error {
  constructor(readonly pending: number) {
    super(`ingest queue full (${pending} exchanges waiting)`);
  }
}

export interface IngestQueue {
  /** Resolves when the batch is committed. */
  push(exchanges: Exchange[]): Promise<IngestResult>;
  /** Exchanges accepted and not yet committed. */
  readonly pending: number;
  /** Resolves when everything pushed so far is committed. */
  drain(): Promise<void>;
}

export function createIngestQueue(pipeline: Pick<Pipeline, 'ingest'>, maxPending = 50_000): IngestQueue {
  let pending = 0;
  let last: Promise<unknown> = Promise.resolve();
  return {
    get pending() {
      return pending;
    },
    push(exchanges) {
      if (pending > 0 && pending + exchanges.length > maxPending)
        return Promise.reject(new QueueFullError(pending));
      pending += exchanges.length;
      const done = pipeline.ingest(exchanges).finally(() => {
        pending -= exchanges.length;
      });
      last = done.catch(() => undefined);
      return done;
    },
    async drain() {
      await last;
    },
  };
}
