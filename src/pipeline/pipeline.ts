// The analysis pipeline shared by the server (embedded mode) and scaled-out workers: a batch of
// exchanges → inventory merge, traffic audit and risk on the touched endpoints, detection with
// per-actor state, masked retention → one store transaction. Idempotent by exchange id: ids already
// processed (kept in the store) are skipped, so a re-sent or redelivered exchange counts once.
// Per-actor partitioning: the detector's behaviour state lives in this pipeline, so a scaled-out
// deployment routes each actor's exchanges to one pipeline instance.
//
// Two stages per batch. Dispatch (in arrival order): skip processed ids and ids of batches still in
// flight, hand the rest to the analysis (detection, masking and the batch's inventory: analysis.ts, in
// this thread or in worker threads, threads.ts). Commit (in arrival order, one batch at a time): read,
// merge and audit the stored endpoints of the batch's hosts, write everything in one transaction. With
// worker threads the next batches are analysed while this thread merges and commits.

import {
  type ActiveRule,
  applyConfig,
  auditEndpoints,
  auditSpec,
  RULES,
  scoreEndpoints,
} from '../audit/index.js';
import type { DetectConfigInput } from '../detect/index.js';
import type { TrustedProxies } from '../identity/index.js';
import { InventoryBuilder, type InventoryOptions, mergeEndpoints } from '../inventory/index.js';
import type { Alert, ApiSpec, Endpoint, Exchange, Finding, Incident } from '../model/index.js';
import { type Classifier, type CustomSensitiveType, compileClassifier } from '../sensitive/index.js';
import { compileTemplate } from '../sources/spec-match.js';
import type { IngestCommit, PlatformStore, RetainedExchange } from '../store/index.js';
import {
  type AnalysisItem,
  type AnalysisOutput,
  type AnalysisSetup,
  createAnalysis,
  specData,
} from './analysis.js';
import type { MaskOptions } from './mask.js';
import { type AnalysisPool, createAnalysisPool } from './threads.js';

export interface PipelineOptions {
  approvedHosts?: string[];
  trustedProxies?: TrustedProxies;
  customSensitive?: CustomSensitiveType[];
  detect?: DetectConfigInput;
  /** Masking at rest (per-type actions, body cap, credential-reference key). */
  mask?: MaskOptions;
  /** Keep masked exchanges for hunting (default true). */
  retain?: boolean;
  /**
   * Threads the analysis uses: 1 (default) analyses in the calling thread; N ≥ 2 starts N − 1 worker
   * threads (detection on one, masking on the others) beside it.
   */
  analysisThreads?: number;
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
  /** The analysis worker threads (undefined when the pipeline analyses in its own thread). */
  readonly pool: AnalysisPool | undefined;
  /** Waits for the batches in hand, then stops the worker threads. */
  close(): Promise<void>;
}

export const specFindingsProducer = 'audit:spec';
export const endpointProducer = (e: { host: string; method: string; path: string }) =>
  `traffic:${e.host} ${e.method} ${e.path}`;

/**
 * Runs `fn` (read stored endpoints of `hosts`, merge, commit) while no other process merges into the
 * same hosts. Scaled-out workers pass PostgreSQL advisory locks per host (src/queue/lock.ts); a single
 * process needs none, since its batches already run one at a time.
 */
export type CommitLock = <T>(hosts: string[], fn: () => Promise<T>) => Promise<T>;

/** Another process committed some of the batch's exchanges while this one analysed them. */
class RaceError extends Error {}

/** Detector results kept for exchanges analysed but not yet committed (bounded; oldest dropped). */
const MAX_UNCOMMITTED = 100_000;

/** A batch after dispatch: the exchanges it analyses, and the analysis under way. */
interface Dispatched {
  received: number;
  fresh: string[];
  items: AnalysisItem[];
  analysis: Promise<AnalysisOutput>;
}

export function createPipeline(args: {
  store: PlatformStore;
  specs?: ApiSpec[];
  options?: PipelineOptions;
  lock?: CommitLock;
}): Pipeline {
  const { store } = args;
  const specs = args.specs ?? [];
  const o = args.options ?? {};
  const lock: CommitLock = args.lock ?? ((_hosts, fn) => fn());
  const setup: AnalysisSetup = {
    ...(o.detect ? { detect: o.detect } : {}),
    ...(o.customSensitive ? { customSensitive: o.customSensitive } : {}),
    ...(o.trustedProxies ? { trustedProxies: [...o.trustedProxies.cidrs] } : {}),
    ...(o.approvedHosts?.length ? { approvedHosts: o.approvedHosts } : {}),
  };
  const threads = o.analysisThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`analysisThreads must be ≥ 1: ${threads}`);
  const pool =
    threads > 1 ? createAnalysisPool({ ...setup, specs: specs.map(specData) }, threads - 1) : undefined;
  const local = pool ? undefined : createAnalysis({ ...setup, specs });
  const classifier = local?.classifier ?? compileClassifier(o.customSensitive ?? []);
  const retain = o.retain !== false;
  const analyse = (items: AnalysisItem[]): Promise<AnalysisOutput> => {
    const mask = o.mask ?? {};
    if (pool) return pool.analyse(items, mask, retain);
    try {
      return Promise.resolve(
        (local as NonNullable<typeof local>).run({
          items,
          detect: true,
          inventory: true,
          maskFrom: 0,
          maskTo: retain ? items.length : 0,
          mask,
        }),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  };
  const invOpts: InventoryOptions = { specs, classifier };
  if (o.approvedHosts?.length) invOpts.approvedHosts = o.approvedHosts;
  if (o.trustedProxies) invOpts.trustedProxies = o.trustedProxies;
  const rules: ActiveRule[] = applyConfig(RULES);
  let specFindingsDone = false;
  // Dispatch runs one batch at a time, and so does commit: detector state and the endpoint
  // read-merge-write need arrival order.
  let dispatchTail: Promise<unknown> = Promise.resolve();
  let tail: Promise<unknown> = Promise.resolve();
  /** Ids dispatched and not yet committed or failed: a batch in flight already has them. */
  const inflight = new Set<string>();
  // The detector's state is not transactional: an exchange it has seen stays counted even when the
  // commit fails. So each exchange is fed to it once: until its commit succeeds we keep the signature
  // hits it produced (a retry reuses them instead of processing it again), and the alerts a failed
  // commit did not write stay pending (their latest versions) until a later commit writes them.
  const uncommitted = new Map<string, string[]>();
  let pendingAlerts = new Map<string, Alert>();
  let pendingIncidents = new Map<string, Incident>();

  async function dispatch(exchanges: Exchange[]): Promise<Dispatched> {
    const byId = new Map<string, Exchange>();
    for (const ex of exchanges) if (!byId.has(ex.id)) byId.set(ex.id, ex);
    const fresh = (await store.unprocessed([...byId.keys()])).filter((id) => !inflight.has(id));
    const items: AnalysisItem[] = [];
    for (const id of fresh) {
      inflight.add(id);
      const ex = byId.get(id) as Exchange;
      const hits = uncommitted.get(id);
      items.push(hits ? { ex, hits } : { ex });
    }
    const analysis =
      items.length > 0
        ? analyse(items)
        : Promise.resolve({ hits: [], masked: [], alerts: [], incidents: [] });
    // Failures are handled in commit; until then the rejection is not unhandled.
    analysis.catch(() => undefined);
    return { received: exchanges.length, fresh, items, analysis };
  }

  async function commitBatch(d: Dispatched): Promise<IngestResult> {
    try {
      return await commitAnalysed(d);
    } finally {
      for (const id of d.fresh) inflight.delete(id);
    }
  }

  async function commitAnalysed(d: Dispatched): Promise<IngestResult> {
    const { fresh, items } = d;
    const out = await d.analysis;
    for (let i = 0; i < out.hits.length; i++) {
      const hits = out.hits[i];
      if (hits === undefined) continue;
      if (uncommitted.size >= MAX_UNCOMMITTED) uncommitted.delete(uncommitted.keys().next().value as string);
      uncommitted.set((items[i] as AnalysisItem).ex.id, hits);
    }
    const alerts = new Map(pendingAlerts);
    for (const a of out.alerts) alerts.set(a.id, a);
    const incidents = new Map(pendingIncidents);
    for (const i of out.incidents) incidents.set(i.id, i);
    if (out.error !== undefined) {
      pendingAlerts = alerts;
      pendingIncidents = incidents;
      throw new Error(`detection failed: ${out.error}`);
    }
    const result: IngestResult = {
      received: d.received,
      processed: fresh.length,
      duplicates: d.received - fresh.length,
      alerts: alerts.size,
      endpoints: 0,
    };
    const commit: IngestCommit = {
      processed: fresh,
      exchanges: [],
      endpoints: [],
      removedEndpoints: [],
      findings: [],
      alerts: [...alerts.values()],
      incidents: [...incidents.values()],
    };
    if (!specFindingsDone && specs.length > 0) {
      commit.findings.push({
        producer: specFindingsProducer,
        findings: specs.flatMap((s) => auditSpec(s, rules)),
      });
    }
    if (items.length === 0 && commit.findings.length === 0 && alerts.size === 0) return result;

    for (let i = 0; i < items.length; i++) {
      const { ex, hits } = items[i] as AnalysisItem;
      const m = out.masked[i];
      if (m)
        commit.exchanges.push({
          id: ex.id,
          time: ex.time,
          actor: m.actor,
          host: ex.request.host,
          method: ex.request.method,
          path: m.path,
          status: ex.response?.status ?? 0,
          hits: [...new Set(hits ?? out.hits[i] ?? [])],
          data: m.data,
        } satisfies RetainedExchange);
    }

    const freshEndpoints = out.endpoints ?? inventoryOf(items, out);
    const hosts = [...new Set(freshEndpoints.map((e) => e.host))].sort();
    try {
      await lock(hosts, async () => {
        if (args.lock && (await store.unprocessed(fresh)).length !== fresh.length) throw new RaceError();
        if (freshEndpoints.length > 0) result.endpoints = await mergeInto(commit, freshEndpoints, hosts);
        await store.commitIngest(commit);
      });
    } catch (err) {
      pendingAlerts = alerts;
      pendingIncidents = incidents;
      throw err;
    }
    pendingAlerts = new Map();
    pendingIncidents = new Map();
    for (const id of fresh) uncommitted.delete(id);
    specFindingsDone = true;
    return result;
  }

  /** The batch's inventory, built here when the analysis thread left it to this one. */
  function inventoryOf(items: AnalysisItem[], out: AnalysisOutput): Endpoint[] {
    const builder = new InventoryBuilder(invOpts);
    for (let i = 0; i < items.length; i++) builder.add((items[i] as AnalysisItem).ex, out.masked[i]?.actor);
    return builder.endpoints();
  }

  /** Read-merge-write of the endpoints of `hosts` into `commit`; the caller holds their lock. */
  async function mergeInto(
    commit: IngestCommit,
    freshEndpoints: Endpoint[],
    hosts: string[],
  ): Promise<number> {
    const stored = (await Promise.all(hosts.map((host) => store.listEndpoints({ host })))).flat();
    const merged = mergeEndpoints(stored, freshEndpoints, invOpts);
    const key = (e: Endpoint) => `${e.host} ${e.method} ${e.path}`;
    const mergedKeys = new Set(merged.map(key));
    const freshKeys = new Set(freshEndpoints.map(key));
    commit.removedEndpoints = stored.filter((s) => !mergedKeys.has(key(s)));
    // Retained exchanges carry the endpoint they belong to: this batch's under the merged templates, and
    // those stored under an endpoint the merge just folded into a template move to it.
    const resolve = templateResolver(merged);
    for (const ex of commit.exchanges) ex.path = resolve(ex.host, ex.method, ex.path);
    commit.retemplated = commit.removedEndpoints.flatMap((r) => {
      const to = resolve(r.host, r.method, r.path);
      return to === r.path ? [] : [{ host: r.host, method: r.method, from: r.path, to }];
    });
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
    for (const s of commit.removedEndpoints) perEndpoint.set(endpointProducer(s), []);
    for (const [producer, list] of perEndpoint) commit.findings.push({ producer, findings: list });
    return scored.length;
  }

  return {
    classifier,
    pool,
    ingest(exchanges) {
      const dispatched = dispatchTail.then(() => dispatch(exchanges));
      dispatchTail = dispatched.catch(() => undefined);
      // A race with another process (see CommitLock) is resolved by running the batch again: the ids
      // that process committed are skipped, the rest keep their detector results.
      const next = tail.then(async () => {
        try {
          return await commitBatch(await dispatched);
        } catch (err) {
          if (err instanceof RaceError) return commitBatch(await dispatch(exchanges));
          throw err;
        }
      });
      tail = next.catch(() => undefined);
      return next;
    },
    async close() {
      await tail;
      await pool?.close();
    },
  };
}

/**
 * Maps a path (as retained: statically templated) to the endpoint it belongs to among `endpoints`: the
 * endpoint with that exact path, else the template that matches it with the most literal segments
 * (so `/users/search` stays itself and `/users/alice` goes to `/users/{userId}`), else the path itself.
 */
export function templateResolver(
  endpoints: Endpoint[],
): (host: string, method: string, path: string) => string {
  const exact = new Set<string>();
  const templates = new Map<
    string,
    Array<{ path: string; literals: number; match: (p: string) => unknown }>
  >();
  for (const e of endpoints) {
    exact.add(`${e.host} ${e.method} ${e.path}`);
    if (!e.path.includes('{')) continue;
    const k = `${e.host} ${e.method}`;
    const list = templates.get(k) ?? [];
    const literals = e.path.split('/').filter((seg) => seg !== '' && !seg.includes('{')).length;
    list.push({ path: e.path, literals, match: compileTemplate(e.path) });
    templates.set(k, list);
  }
  for (const list of templates.values()) list.sort((a, b) => b.literals - a.literals);
  const cache = new Map<string, string>();
  return (host, method, path) => {
    const k = `${host} ${method} ${path}`;
    if (exact.has(k)) return path;
    let to = cache.get(k);
    if (to === undefined) {
      to = templates.get(`${host} ${method}`)?.find((t) => t.match(path) !== undefined)?.path ?? path;
      cache.set(k, to);
    }
    return to;
  };
}
