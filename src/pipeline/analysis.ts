// The per-exchange work of the pipeline that needs no store: detection (stateful, one detector that sees
// every exchange in arrival order), the batch's inventory (one builder per batch) and masking at rest
// with the JSON of the retained copy (stateless).
// The same code runs in the main thread (`--analysis-threads 1`) and in analysis worker threads
// (analysis-worker.ts), so both paths give the same alerts and the same retained rows.

import { createDetector, type DetectConfigInput, type Detector } from '../detect/index.js';
import { actorOf, parseTrustedProxies, type TrustedProxies } from '../identity/index.js';
import { InventoryBuilder, type InventoryOptions, templatePath } from '../inventory/index.js';
import type { Alert, ApiSpec, Endpoint, Exchange, Incident } from '../model/index.js';
import { type Classifier, type CustomSensitiveType, compileClassifier } from '../sensitive/index.js';
import { type MaskOptions, maskExchange } from './mask.js';

/** What an analysis thread is built from: plain data, so it can cross to a worker thread. */
export interface AnalysisSetup {
  detect?: DetectConfigInput;
  customSensitive?: CustomSensitiveType[];
  /** CIDRs of trusted proxies (as the user gave them). */
  trustedProxies?: string[];
  /** What the inventory builder needs of the specs: their data (no locator functions, no document). */
  specs?: SpecData[];
  approvedHosts?: string[];
}

export type SpecData = Omit<ApiSpec, 'locate' | 'resolveRef' | 'document'>;

/** A spec reduced to the data that can cross to a thread (structured clone drops no data of these). */
export function specData(spec: ApiSpec): SpecData {
  const { locate: _locate, resolveRef: _resolveRef, document: _document, ...data } = spec;
  return data;
}

/** One analysis request: `items` in arrival order. */
export interface AnalysisTask {
  items: AnalysisItem[];
  /** Feed the detector (only the thread that owns detection state does). */
  detect: boolean;
  /** Build the inventory of all items (the thread that has them all). */
  inventory: boolean;
  /** Mask and serialise items [maskFrom, maskTo) for retention (maskFrom = maskTo: none). */
  maskFrom: number;
  maskTo: number;
  /** Read per batch: the server changes masking settings while it runs. */
  mask: MaskOptions;
}

export interface AnalysisItem {
  ex: Exchange;
  /** Set when the detector already saw this exchange (its commit failed): not fed to it again. */
  hits?: string[];
}

/** The masked, serialised copy of an exchange, with the hunting columns worked out from it. */
export interface MaskedExchange {
  actor: string;
  /** Statically templated path (the merge files it under the inventory's template later). */
  path: string;
  data: string;
}

export interface AnalysisOutput {
  /** Per item when `detect`: the alert types it triggered (undefined for items that came with hits). */
  hits: Array<string[] | undefined>;
  /** Per masked item, in order from maskFrom. */
  masked: MaskedExchange[];
  /** Alerts this task created or updated, and the incidents holding them. */
  alerts: Alert[];
  incidents: Incident[];
  /** The batch's endpoints (builder.endpoints()) when `inventory`. */
  endpoints?: Endpoint[];
  /** Set when the detector threw: `hits` holds the items analysed before it. */
  error?: string;
}

export interface Analysis {
  readonly classifier: Classifier;
  run(task: AnalysisTask): AnalysisOutput;
}

export function createAnalysis(setup: AnalysisSetup): Analysis {
  const classifier = compileClassifier(setup.customSensitive ?? []);
  const trusted: TrustedProxies | undefined = setup.trustedProxies?.length
    ? parseTrustedProxies(setup.trustedProxies)
    : undefined;
  // The builder reads the specs' operations, servers and titles only (src/inventory), never the
  // document or the locator functions a spec loses on its way to a thread.
  const inventory: InventoryOptions = { specs: (setup.specs ?? []) as ApiSpec[], classifier };
  if (setup.approvedHosts?.length) inventory.approvedHosts = setup.approvedHosts;
  if (trusted) inventory.trustedProxies = trusted;
  let detector: Detector | undefined;
  return {
    classifier,
    run(task) {
      const out: AnalysisOutput = { hits: [], masked: [], alerts: [], incidents: [] };
      if (task.detect) {
        detector ??= createDetector(setup.detect ?? {}, {
          classifier,
          ...(trusted ? { trustedProxies: trusted } : {}),
        });
        const touched = new Set<string>();
        try {
          for (const item of task.items) {
            if (item.hits) {
              out.hits.push(undefined);
              continue;
            }
            const alerts = detector.process(item.ex);
            for (const a of alerts) touched.add(a.id);
            out.hits.push(alerts.map((a) => a.type));
          }
        } catch (err) {
          out.error = err instanceof Error ? err.message : String(err);
        }
        if (touched.size > 0) {
          const snapshot = detector.flush();
          out.alerts = snapshot.alerts.filter((a) => touched.has(a.id));
          out.incidents = snapshot.incidents.filter((i) => i.alerts.some((id) => touched.has(id)));
        }
        if (out.error !== undefined) return out;
      }
      for (let i = task.maskFrom; i < task.maskTo; i++) {
        const ex = (task.items[i] as AnalysisItem).ex;
        out.masked.push({
          actor: actorOf(ex, trusted).id,
          path: templatePath(ex.request.path),
          data: JSON.stringify(maskExchange(ex, classifier, task.mask)),
        });
      }
      if (task.inventory) {
        const builder = new InventoryBuilder(inventory);
        for (let i = 0; i < task.items.length; i++) {
          const masked = i >= task.maskFrom && i < task.maskTo ? out.masked[i - task.maskFrom] : undefined;
          builder.add((task.items[i] as AnalysisItem).ex, masked?.actor);
        }
        out.endpoints = builder.endpoints();
      }
      return out;
    },
  };
}
