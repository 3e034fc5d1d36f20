// Analysis worker threads of the embedded pipeline (`mamori serve --analysis-threads N`, N ≥ 2 → N − 1
// workers beside the main thread, which keeps HTTP, inventory, merge and the one SQLite writer).
//
// Why one detection thread rather than actor partitions: the detector keeps state across actors — the
// distributed credential-stuffing fingerprint, brute force per account, rate baselines and sensitive-data
// profiles per endpoint — so splitting actors between detectors changes the alerts. Thread 0 therefore
// feeds every exchange to one detector, in arrival order (the alerts are those of the in-thread path),
// and masking at rest, which is stateless, goes to the other threads when there are any.
//
// A thread that dies (a crash, or terminated from outside) is replaced and its unanswered tasks are sent
// to the new one in order; the main thread holds every task until it is answered, so nothing accepted
// is lost. The new detection thread starts with empty behaviour state, like a restarted scale-out worker.
// A task that has killed MAX_CRASHES threads is failed instead of being tried again. Threads that keep
// dying before they answer anything (MAX_FAILED_STARTS in a row: a broken install, say) are not started
// again: every task then fails with the last error, and the server stays up to say so.

import { Worker } from 'node:worker_threads';
import type {
  AnalysisItem,
  AnalysisOutput,
  AnalysisSetup,
  AnalysisTask,
  MaskedExchange,
} from './analysis.js';
import type { TaskMessage } from './analysis-worker.js';
import type { MaskOptions } from './mask.js';

const MAX_CRASHES = 3;
const MAX_FAILED_STARTS = 5;
/** Tasks waiting for thread 0 from which it leaves the inventory to the main thread. */
const BACKLOG = 2;

export class AnalysisThreadError extends Error {}

export interface AnalysisPool {
  /**
   * Detection over every item on thread 0, and the batch's inventory there too unless thread 0 is
   * behind (the output then has no `endpoints`); masking of every item (when `retain`) spread over the
   * threads.
   */
  analyse(items: AnalysisItem[], mask: MaskOptions, retain: boolean): Promise<AnalysisOutput>;
  /** The live threads, thread 0 (detection) first: for supervision and tests. */
  threads(): Worker[];
  /** Threads started since the pool was created, replacements included. */
  readonly started: number;
  close(): Promise<void>;
}

interface Pending {
  message: TaskMessage;
  crashes: number;
  resolve(output: AnalysisOutput): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  /** Unanswered tasks by sequence number (insertion order = send order). */
  pending: Map<number, Pending>;
}

/** The worker module: the built .js, or the .ts sources through a TypeScript loader (tests). */
function workerEntry(): { url: URL; execArgv: string[] | undefined } {
  if (!import.meta.url.endsWith('.ts'))
    return { url: new URL('./analysis-worker.js', import.meta.url), execArgv: undefined };
  const loader = new URL('./ts-worker-loader.mjs', import.meta.url).href;
  const register = `import{register}from"node:module";register(${JSON.stringify(loader)});`;
  return {
    url: new URL('./analysis-worker.ts', import.meta.url),
    execArgv: [...process.execArgv, '--import', `data:text/javascript,${encodeURIComponent(register)}`],
  };
}

export function createAnalysisPool(setup: AnalysisSetup, workers: number): AnalysisPool {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`analysis workers must be ≥ 1: ${workers}`);
  const entry = workerEntry();
  let seq = 0;
  let started = 0;
  let closing = false;
  /** Threads that died in a row without answering a task; the last error one of them threw. */
  let failedStarts = 0;
  let lastError = 'exited';
  let broken: string | undefined;
  const slots: Slot[] = [];

  function start(index: number, carried: Pending[]): void {
    const worker = new Worker(entry.url, {
      workerData: setup,
      ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
    });
    started++;
    const slot: Slot = { worker, pending: new Map() };
    slots[index] = slot;
    worker.on('message', (m: { seq: number; output: AnalysisOutput }) => {
      failedStarts = 0;
      const p = slot.pending.get(m.seq);
      if (!p) return;
      slot.pending.delete(m.seq);
      if (slot.pending.size === 0) worker.unref();
      p.resolve(m.output);
    });
    // An uncaught error ends the thread: 'exit' follows and does the recovery.
    worker.on('error', (err) => {
      lastError = err.message;
    });
    worker.on('exit', () => {
      if (closing || slots[index] !== slot) return;
      const again: Pending[] = [];
      for (const p of slot.pending.values()) {
        p.crashes++;
        if (p.crashes >= MAX_CRASHES)
          p.reject(new AnalysisThreadError(`analysis thread died ${p.crashes} times on this batch`));
        else again.push(p);
      }
      if (++failedStarts >= MAX_FAILED_STARTS) {
        broken = `analysis threads keep failing (${lastError})`;
        for (const p of again) p.reject(new AnalysisThreadError(broken));
        return;
      }
      start(index, again);
    });
    for (const p of carried) send(slot, p);
    if (slot.pending.size === 0) worker.unref();
  }

  function send(slot: Slot, p: Pending): void {
    slot.pending.set(p.message.seq, p);
    slot.worker.ref();
    slot.worker.postMessage(p.message);
  }

  function submit(index: number, task: AnalysisTask): Promise<AnalysisOutput> {
    return new Promise((resolve, reject) => {
      if (closing) return reject(new AnalysisThreadError('analysis threads are closed'));
      if (broken) return reject(new AnalysisThreadError(broken));
      send(slots[index] as Slot, { message: { seq: ++seq, task }, crashes: 0, resolve, reject });
    });
  }

  for (let i = 0; i < workers; i++) start(i, []);

  return {
    get started() {
      return started;
    },
    threads: () => slots.map((s) => s.worker),
    async analyse(items, mask, retain) {
      const n = items.length;
      // Thread 0 detects; masking goes to the others (detection alone costs thread 0 more than masking
      // costs any other), or to thread 0 when it is the only one.
      const maskers = workers === 1 ? [0] : slots.map((_, i) => i).slice(1);
      const chunk = Math.ceil(n / maskers.length);
      const detection = submit(0, {
        items,
        detect: true,
        // Thread 0 builds the inventory unless it is behind (a whole batch already waiting for it):
        // then the main thread builds it at commit, so neither side waits long for the other.
        inventory: (slots[0] as Slot).pending.size < BACKLOG,
        maskFrom: 0,
        maskTo: retain && workers === 1 ? n : 0,
        mask,
      });
      const masking: Array<Promise<MaskedExchange[]>> = [];
      if (retain && workers > 1)
        for (let k = 0; k < maskers.length; k++) {
          const part = items.slice(k * chunk, (k + 1) * chunk);
          if (part.length === 0) continue;
          masking.push(
            submit(maskers[k] as number, {
              items: part,
              detect: false,
              inventory: false,
              maskFrom: 0,
              maskTo: part.length,
              mask,
            }).then((o) => o.masked),
          );
        }
      const [detected, ...parts] = await Promise.all([detection, ...masking]);
      const output = detected as AnalysisOutput;
      if (workers > 1) output.masked = (parts as MaskedExchange[][]).flat();
      return output;
    },
    async close() {
      closing = true;
      for (const s of slots) {
        for (const p of s.pending.values()) p.reject(new AnalysisThreadError('analysis threads are closed'));
        s.pending.clear();
      }
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
