// The analysis pipeline shared by the server (embedded mode) and scaled-out workers: a batch of
// exchanges → inventory merge, traffic audit and risk on the touched endpoints, detection with
// per-actor state, masked retention → one store transaction. Idempotent by exchange id: ids already
// processed (kept in the store) are skipped, so a re-sent or redelivered exchange counts once.
// Per-actor partitioning: the detector's behaviour state lives in this pipeline, so a scaled-out
// deployment routes each actor's exchanges to one pipeline instance.

import {
  type ActiveRule,
  applyConfig,
  auditEndpoints,
  auditSpec,
  RULES,
  scoreEndpoints,
} from '../audit/index.js';
import { createDetector, type DetectConfigInput, type Detector } from '../detect/index.js';
import { actorOf, type TrustedProxies } from '../identity/index.js';
import { InventoryBuilder, type InventoryOptions, mergeEndpoints, templatePath } from '../inventory/index.js';
import type { ApiSpec, Endpoint, Exchange, Finding } from '../model/index.js';
import { type Classifier, type CustomSensitiveType, compileClassifier } from '../sensitive/index.js';
import type { IngestCommit, PlatformStore, RetainedExchange } from '../store/index.js';
import { type MaskOptions, maskExchange } from './mask.js';

export interface PipelineOptions {
  approvedHosts?: string[];
  trustedProxies?: TrustedProxies;
  customSensitive?: CustomSensitiveType[];
  detect?: DetectConfigInput;
  /** Masking at rest (per-type actions, body cap, credential-reference key). */
  mask?: MaskOptions;
  /** Keep masked exchanges for hunting (default true). */
  retain?: boolean;
}

export interface IngestResult {
  /** Exchanges in the batch. */
  received: number;
  /** Analysed now. */
  processed: number;
  /** Already processed before (or repeated within the batch): skipped. */
  duplicates: number;
  /** Alerts created or updated by this batch. */
  alerts: number;
  /** Endpoints created or updated by this batch. */
  endpoints: number;
}

export interface Pipeline {
  ingest(exchanges: Exchange[]): Promise<IngestResult>;
  readonly classifier: Classifier;
  readonly detector: Detector;
}

export const specFindingsProducer = 'audit:spec';
export const endpointProducer = (e: { host: string; method: string; path: string }) =>
  `traffic:${e.host} ${e.method} ${e.path}`;

export function createPipeline(args: {
  store: PlatformStore;
  specs?: ApiSpec[];
  options?: PipelineOptions;
}): Pipeline {
  const { store } = args;
  const specs = args.specs ?? [];
  const o = args.options ?? {};
  const classifier = compileClassifier(o.customSensitive ?? []);
  const invOpts: InventoryOptions = { specs, classifier };
  if (o.approvedHosts?.length) invOpts.approvedHosts = o.approvedHosts;
  if (o.trustedProxies) invOpts.trustedProxies = o.trustedProxies;
  const detector = createDetector(o.detect ?? {}, {
    classifier,
    ...(o.trustedProxies ? { trustedProxies: o.trustedProxies } : {}),
  });
  const rules: ActiveRule[] = applyConfig(RULES);
  let specFindingsDone = false;
  // Batches run one at a time: detector state and the endpoint read-merge-write need it.
  let tail: Promise<unknown> = Promise.resolve();

  async function run(exchanges: Exchange[]): Promise<IngestResult> {
    const byId = new Map<string, Exchange>();
    for (const ex of exchanges) if (!byId.has(ex.id)) byId.set(ex.id, ex);
    const fresh = await store.unprocessed([...byId.keys()]);
    const batch = fresh.map((id) => byId.get(id) as Exchange);
    const result: IngestResult = {
      received: exchanges.length,
      processed: batch.length,
      duplicates: exchanges.length - batch.length,
      alerts: 0,
      endpoints: 0,
    };
    const commit: IngestCommit = {
      processed: fresh,
      exchanges: [],
      endpoints: [],
      removedEndpoints: [],
      findings: [],
      alerts: [],
      incidents: [],
    };
    if (!specFindingsDone && specs.length > 0) {
      commit.findings.push({
        producer: specFindingsProducer,
        findings: specs.flatMap((s) => auditSpec(s, rules)),
      });
    }
    if (batch.length === 0 && commit.findings.length === 0) return result;

    const builder = new InventoryBuilder(invOpts);
    const touchedAlerts = new Set<string>();
    for (const ex of batch) {
      builder.add(ex);
      const alerts = detector.process(ex);
      for (const a of alerts) touchedAlerts.add(a.id);
      if (o.retain !== false)
        commit.exchanges.push(
          retained(
            ex,
            alerts.map((a) => a.type),
          ),
        );
    }

    const freshEndpoints = builder.endpoints();
    if (freshEndpoints.length > 0) {
      const hosts = [...new Set(freshEndpoints.map((e) => e.host))];
      const stored = (await Promise.all(hosts.map((host) => store.listEndpoints({ host })))).flat();
      const merged = mergeEndpoints(stored, freshEndpoints, invOpts);
      const key = (e: Endpoint) => `${e.host} ${e.method} ${e.path}`;
      const mergedKeys = new Set(merged.map(key));
      const freshKeys = new Set(freshEndpoints.map(key));
      for (const s of stored) if (!mergedKeys.has(key(s))) commit.removedEndpoints?.push(s);
      // Write what this batch touched: its own keys, and templates the merge learnt or grew (a fresh literal
      // folded into a new or stored template has a key the batch never produced).
      const storedByKey = new Map(stored.map((e) => [key(e), e]));
      const changed = merged.filter((e) => {
        const before = storedByKey.get(key(e));
        return !before || freshKeys.has(key(e)) || before.calls !== e.calls || before.lastSeen !== e.lastSeen;
      });
      const findings = auditEndpoints(changed, specs, rules);
      const scored = scoreEndpoints(changed, findings);
      commit.endpoints = scored;
      const perEndpoint = new Map<string, Finding[]>();
      for (const e of changed) perEndpoint.set(endpointProducer(e), []);
      for (const f of findings) {
        if (f.host && f.method && f.path)
          perEndpoint.get(endpointProducer({ host: f.host, method: f.method, path: f.path }))?.push(f);
      }
      for (const s of commit.removedEndpoints ?? []) perEndpoint.set(endpointProducer(s), []);
      for (const [producer, list] of perEndpoint) commit.findings.push({ producer, findings: list });
      result.endpoints = scored.length;
    }

    if (touchedAlerts.size > 0) {
      const snapshot = detector.flush();
      commit.alerts = snapshot.alerts.filter((a) => touchedAlerts.has(a.id));
      commit.incidents = snapshot.incidents.filter((i) => i.alerts.some((id) => touchedAlerts.has(id)));
      result.alerts = commit.alerts.length;
    }
    await store.commitIngest(commit);
    specFindingsDone = true;
    return result;
  }

  function retained(ex: Exchange, hits: string[]): RetainedExchange {
    return {
      id: ex.id,
      time: ex.time,
      actor: actorOf(ex, o.trustedProxies).id,
      host: ex.request.host,
      method: ex.request.method,
      path: templatePath(ex.request.path),
      status: ex.response?.status ?? 0,
      hits: [...new Set(hits)],
      data: JSON.stringify(maskExchange(ex, classifier, o.mask)),
    };
  }

  return {
    classifier,
    detector,
    ingest(exchanges) {
      const next = tail.then(() => run(exchanges));
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
