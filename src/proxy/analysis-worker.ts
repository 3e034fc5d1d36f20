// The worker thread of WorkerAnalysis (analysis.ts): takes batches of complete exchanges, runs the
// behaviour engine on each (with the guard's signature verdicts when it ran the catalogue), masks them
// and ships them to the platform or hands them back, and answers each batch with its alerts. One
// engine per worker, so per-actor state is in one place; batches are handled in order.

import { parentPort, workerData } from 'node:worker_threads';
import {
  createDetector,
  type RequestVerdicts,
  SIGNATURES,
  type Signature,
  type SignatureHit,
} from '../detect/index.js';
import { parseTrustedProxies } from '../identity/index.js';
import type { Exchange } from '../model/index.js';
import { maskExchange } from '../pipeline/mask.js';
import { compileClassifier, parseBodies } from '../sensitive/index.js';
import type { AnalysisWorkerOptions, WireBatch, WireClosed, WireItem, WireResult } from './analysis.js';
import { Shipper } from './shipper.js';

const opts = workerData as Omit<AnalysisWorkerOptions, 'onError' | 'maxQueued'>;
const port = parentPort!;
const trustedProxies = parseTrustedProxies([...(opts.trustedProxies ?? [])]);
const classifier = compileClassifier();
const detector =
  opts.detect === false ? undefined : createDetector(opts.detect ?? {}, { trustedProxies, classifier });
const shipper = opts.ship ? new Shipper(opts.ship) : undefined;
const mask = shipper !== undefined || opts.returnMasked === true;
const byId = new Map<string, Signature>(SIGNATURES.map((s) => [s.id, s]));

/** The guard's verdicts as the engine takes them; the request body parsed here as the guard did. */
function verdictsOf(item: WireItem): RequestVerdicts | undefined {
  if (!item.hits) return undefined;
  const hits: SignatureHit[] = [];
  for (const h of item.hits) {
    const signature = byId.get(h.id);
    if (signature) hits.push({ signature, input: h.input, detail: h.detail });
  }
  const { response: _response, ...request } = item.ex;
  const parsedRequest = request.request.body ? parseBodies(request).request : undefined;
  return { hits, parsedRequest };
}

function handle(batch: WireBatch): WireResult {
  const result: WireResult = { type: 'result', id: batch.id, alerts: [], errors: [] };
  const masked: Exchange[] = [];
  batch.items.forEach((item, i) => {
    try {
      if (detector && item.detect) {
        const alerts = detector.process(item.ex, verdictsOf(item));
        if (alerts.length > 0) result.alerts.push([i, alerts]);
      }
      if (mask) {
        const m = maskExchange(item.ex, classifier);
        shipper?.push(m);
        if (opts.returnMasked) masked.push(m);
      }
    } catch (err) {
      // One exchange the engine could not take is reported; the others of the batch go on.
      result.errors.push(`analysis of ${item.ex.id}: ${(err as Error).message}`);
    }
  });
  if (opts.returnMasked) result.masked = masked;
  if (shipper) result.shipper = { ...shipper.stats };
  return result;
}

// Batches are taken off the port at once but handled one per turn of the event loop, so the shipper's
// network I/O (the platform's answers, its timeouts) is served between them even when the worker is
// behind; a close is handled after the batches that came before it.
const pending: Array<WireBatch | { type: 'close' }> = [];
let scheduled = false;

async function close(): Promise<void> {
  await shipper?.close();
  const closed: WireClosed = { type: 'closed' };
  if (shipper) closed.shipper = { ...shipper.stats };
  port.postMessage(closed);
}

function next(): void {
  scheduled = false;
  const m = pending.shift();
  if (m === undefined) return;
  if (m.type === 'close') {
    void close();
    return;
  }
  port.postMessage(handle(m));
  if (pending.length > 0) {
    scheduled = true;
    setImmediate(next);
  }
}

port.on('message', (m: WireBatch | { type: 'close' }) => {
  pending.push(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(next);
  }
});
