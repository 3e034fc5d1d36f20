// Scans from the server: an analyst starts `runScan` (src/scan) against a target the admin allowed
// (settings.scanTargets, or `mamori serve --scan-target`), in this process, in the background. The
// scan's record (status, progress) is kept in the store and pushed as `scan` events; its findings are
// stored under producer `scan:<id>`. Identity values live only in memory for the scan's duration:
// the stored options keep their names and headers.

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportOpenApi } from '../inventory/index.js';
import type { ApiSpec, Finding } from '../model/index.js';
import { Masker } from '../scan/mask.js';
import { localiseScanFindings } from '../scan/messages-ja.js';
import { resolveBasePath, runScan } from '../scan/runner.js';
import { selectTests } from '../scan/tests/index.js';
import type { Identity } from '../scan/types.js';
import { loadSpecText } from '../sources/spec.js';
import type { PlatformStore, ScanRecord } from '../store/index.js';
import { invalid, type RouteContext } from './context.js';
import { schemas } from './schemas.js';

export interface ScanBody {
  target: string;
  spec?: string;
  useInventory?: boolean;
  identities?: Array<{ name: string; header: string; value: string }>;
  only?: string[];
  skip?: string[];
  destructive?: boolean;
  rate?: number;
  maxRequests?: number;
  maxTimeS?: number;
}

const ADMIN_NAME = /admin|root|super/i;
const FINISHED = new Set(['done', 'failed', 'cancelled']);

/** `scheme://host[:port]` of an allowed target or a configured entry; undefined when not a URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export const scanProducer = (id: string) => `scan:${id}`;
const cancelKey = (id: string) => `scan.cancel.${id}`;

interface Prepared {
  record: ScanRecord;
  target: URL;
  spec: ApiSpec;
  identities: Identity[];
  body: ScanBody;
}

/** A queued or running scan whose record was not rewritten for this long has lost its server. */
export const SCAN_STALE_MS = 3 * 60_000;

/**
 * Runs scans in the background, a few at a time; the rest wait as `queued`. Several API servers may
 * share one store, so a scan belongs to the server running it (`owner`, the server's instance name):
 * that server rewrites the record every 15 s (`updated`, its heartbeat) and cancels it when another
 * server asked to (meta `scan.cancel.<id>`). A server starting under an instance name fails at once the
 * queued and running scans that name owned (the earlier process under that name died with them); any
 * server marks failed a queued or running scan nobody rewrote for SCAN_STALE_MS (its server stopped),
 * and leaves other owners' live scans alone.
 */
export class ScanService {
  private readonly running = new Map<string, AbortController>();
  private readonly waiting: Prepared[] = [];
  private readonly finished = new Set<Promise<void>>();
  /** Queued and running scans of this server, as last saved. */
  private readonly current = new Map<string, ScanRecord>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: Pick<RouteContext, 'store' | 'events'>,
    private readonly concurrency = 2,
    /** This server's instance name among the servers sharing the store. */
    private readonly owner: string = randomUUID(),
  ) {}

  /** Fails what an earlier process under this instance name left running, then sweeps every `intervalMs`. */
  async startSweeps(intervalMs = 15_000): Promise<void> {
    await this.sweep(Date.now(), true);
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /**
   * Rewrites this server's scans (heartbeat) and fails other servers' scans gone stale; at start-up
   * (`starting`, nothing of this process running yet) also every active scan of this instance name.
   */
  async sweep(now = Date.now(), starting = false): Promise<void> {
    for (const r of [...this.current.values()]) {
      // A cancel asked through another server arrives in meta (the record itself is rewritten here).
      if (await this.ctx.store.getMeta(cancelKey(r.id))) await this.cancel(r.id);
      if (this.current.get(r.id) === r) await this.save(r);
    }
    // All active scans first: failing some while paging would shift the pages.
    for (const s of await this.ctx.store.listScans({ limit: 100_000, active: true })) {
      if (this.current.has(s.id)) continue;
      const mine = starting && s.owner === this.owner;
      if (mine || Date.parse(s.updated ?? s.started) < now - SCAN_STALE_MS)
        await this.save({
          ...s,
          status: 'failed',
          finished: new Date(now).toISOString(),
          error: mine ? 'the server running it stopped (restarted)' : 'the server running it stopped',
        });
    }
  }

  /** Validates the request; an error names the field. */
  async prepare(body: ScanBody, allowed: string[]): Promise<Prepared | { field: string; message: string }> {
    let target: URL;
    try {
      target = new URL(body.target);
    } catch {
      return { field: 'body.target', message: 'target is not a URL' };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return { field: 'body.target', message: `target must be http(s), got ${target.protocol}` };
    if (target.username || target.password)
      return { field: 'body.target', message: 'target must not carry credentials; use identities' };
    const origins = new Set(allowed.map(originOf).filter((o): o is string => !!o));
    if (!origins.has(target.origin))
      return {
        field: 'body.target',
        message: `${target.origin} is not an allowed scan target (settings.scanTargets: ${[...origins].join(', ') || 'none'})`,
      };
    if ((body.spec === undefined) === !body.useInventory)
      return { field: 'body.spec', message: 'give exactly one of spec (OpenAPI text) or useInventory: true' };
    const names = new Set<string>();
    const identities: Identity[] = [];
    for (const [i, id] of (body.identities ?? []).entries()) {
      if (names.has(id.name))
        return { field: `body.identities.${i}.name`, message: `identity ${id.name} given twice` };
      names.add(id.name);
      identities.push({
        name: id.name,
        header: id.header.toLowerCase(),
        value: id.value,
        admin: ADMIN_NAME.test(id.name),
      });
    }
    const only = body.only ?? [];
    const skip = body.skip ?? [];
    const tests = selectTests(only, skip);
    if (tests.length === 0) return { field: 'body.only', message: 'no test matches only/skip' };
    const spec =
      body.spec !== undefined
        ? await specFromText(body.spec)
        : await specFromInventory(this.ctx.store, target);
    if ('field' in spec) return spec;
    const base = resolveBasePath(target, spec);
    if (typeof base !== 'string')
      return { field: 'body.target', message: `${base.message}; ${base.hint ?? ''}`.trim() };
    const options: Record<string, unknown> = {
      source: body.spec !== undefined ? 'spec' : 'inventory',
      identities: identities.map((i) => ({ name: i.name, header: i.header })),
      only,
      skip,
      destructive: body.destructive ?? false,
      ...(body.rate !== undefined ? { rate: body.rate } : {}),
      ...(body.maxRequests !== undefined ? { maxRequests: body.maxRequests } : {}),
      ...(body.maxTimeS !== undefined ? { maxTimeS: body.maxTimeS } : {}),
    };
    const record: ScanRecord = {
      id: randomUUID(),
      target: target.href,
      status: 'queued',
      started: new Date().toISOString(),
      progress: { sent: 0, findings: 0, testsRun: 0, testsTotal: tests.length, phase: 'queued' },
      options,
    };
    return { record, target, spec, identities, body };
  }

  async start(p: Prepared): Promise<ScanRecord> {
    await this.save(p.record);
    this.waiting.push(p);
    this.pump();
    return p.record;
  }

  /** Cancels a queued or running scan; false when it is not (or no longer) in this process. */
  async cancel(id: string): Promise<boolean> {
    const i = this.waiting.findIndex((w) => w.record.id === id);
    if (i >= 0) {
      const [w] = this.waiting.splice(i, 1);
      if (w) await this.save({ ...w.record, status: 'cancelled', finished: new Date().toISOString() });
      return true;
    }
    const controller = this.running.get(id);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Cancels everything and waits for the scans to settle (server shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const w of this.waiting.splice(0))
      await this.save({ ...w.record, status: 'cancelled', finished: new Date().toISOString() }).catch(
        () => undefined,
      );
    for (const c of this.running.values()) c.abort();
    await Promise.all([...this.finished]);
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const next = this.waiting.shift();
      if (!next) return;
      const controller = new AbortController();
      this.running.set(next.record.id, controller);
      const run = this.run(next, controller.signal).finally(() => {
        this.running.delete(next.record.id);
        this.finished.delete(run);
        this.pump();
      });
      this.finished.add(run);
    }
  }

  private async run(p: Prepared, signal: AbortSignal): Promise<void> {
    let record: ScanRecord = {
      ...p.record,
      status: 'running',
      progress: { ...p.record.progress, phase: 'starting' },
    };
    await this.save(record);
    // Progress arrives at most every 250 ms; writes are chained so the last one wins.
    let writing = Promise.resolve();
    const masker = new Masker(
      p.identities.map((i) => i.value),
      new Set(p.identities.map((i) => i.header)),
    );
    try {
      const b = p.body;
      const result = await runScan({
        target: p.target,
        spec: p.spec,
        identities: p.identities,
        destructive: b.destructive ?? false,
        only: b.only ?? [],
        skip: b.skip ?? [],
        ...(b.rate !== undefined ? { rate: b.rate } : {}),
        ...(b.maxRequests !== undefined ? { maxRequests: b.maxRequests } : {}),
        ...(b.maxTimeS !== undefined ? { timeMs: b.maxTimeS * 1000 } : {}),
        signal,
        onProgress: (progress) => {
          record = { ...record, progress };
          const snapshot = record;
          writing = writing.then(() => this.save(snapshot)).catch(() => undefined);
        },
      });
      await writing;
      await this.ctx.store.replaceFindings(scanProducer(record.id), result.findings);
      const cancelled = signal.aborted || result.stopped === 'cancelled';
      record = {
        ...record,
        status: cancelled ? 'cancelled' : 'done',
        finished: new Date().toISOString(),
        progress: {
          ...record.progress,
          sent: result.sent,
          findings: result.findings.length,
          phase: cancelled ? 'cancelled' : 'done',
        },
        summary: {
          findings: result.findings.length,
          bySeverity: countBySeverity(result.findings),
          sent: result.sent,
          testsRun: result.tests.run,
          testsSkipped: result.tests.skipped.length,
          refused: result.refused,
          durationMs: result.durationMs,
          ...(result.stopped ? { stopped: result.stopped } : {}),
        },
      };
    } catch (err) {
      await writing;
      record = {
        ...record,
        status: 'failed',
        finished: new Date().toISOString(),
        error: masker.text((err as Error).message ?? String(err)).slice(0, 2000),
      };
    }
    await this.save(record).catch(() => undefined);
  }

  private async save(record: ScanRecord): Promise<void> {
    // A stale scan failed here keeps the owner it had; this server's own scans carry its name.
    const saved = {
      ...record,
      ...(FINISHED.has(record.status) && record.owner !== undefined ? {} : { owner: this.owner }),
      updated: new Date().toISOString(),
    };
    if (FINISHED.has(saved.status)) this.current.delete(saved.id);
    else this.current.set(saved.id, saved);
    await this.ctx.store.putScan(saved);
    this.ctx.events.publish('scan', saved);
  }
}

function countBySeverity(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
}

async function specFromText(text: string): Promise<ApiSpec | { field: string; message: string }> {
  const { spec, issues } = await loadSpecText(text, 'spec');
  const fatal = issues.find((i) => i.fatal);
  if (!spec || fatal)
    return {
      field: 'body.spec',
      message: `spec does not load: ${(fatal ?? issues[0])?.message ?? 'not an API description'}`,
    };
  return spec;
}

async function specFromInventory(
  store: PlatformStore,
  target: URL,
): Promise<ApiSpec | { field: string; message: string }> {
  const endpoints = await store.listEndpoints({ host: target.hostname.toLowerCase(), limit: 100_000 });
  if (endpoints.length === 0)
    return {
      field: 'body.useInventory',
      message: `the inventory holds no endpoint of host ${target.hostname}`,
    };
  const doc = exportOpenApi(endpoints, { title: `inventory of ${target.hostname}` });
  doc['servers'] = [{ url: '/' }];
  const { spec, issues } = await loadSpecText(JSON.stringify(doc), 'inventory');
  if (!spec) return { field: 'body.useInventory', message: issues[0]?.message ?? 'inventory export failed' };
  return spec;
}

export function registerScanRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  scans: ScanService,
  fixedTargets: readonly string[],
): void {
  const { store } = ctx;
  app.addHook('onClose', () => scans.close());

  app.post(
    '/api/v1/scans',
    { schema: schemas.scanStart, config: { access: 'act' } },
    async (req: FastifyRequest<{ Body: ScanBody }>, reply: FastifyReply) => {
      const settings = await store.getSettings();
      const prepared = await scans.prepare(req.body, [...fixedTargets, ...settings.scanTargets]);
      if ('field' in prepared) return reply.code(400).send(invalid(prepared.field, prepared.message));
      const scan = await scans.start(prepared);
      await ctx.audit(req, 'scan.start', scan.id, { target: scan.target, options: scan.options });
      return reply.code(202).send({ scan });
    },
  );

  app.get(
    '/api/v1/scans',
    { schema: schemas.scans, config: { access: 'read' } },
    async (req: FastifyRequest<{ Querystring: { limit?: number; offset?: number } }>) => ({
      scans: await store.listScans({ limit: req.query.limit ?? 100, offset: req.query.offset ?? 0 }),
    }),
  );

  app.get(
    '/api/v1/scans/:id',
    { schema: schemas.scan, config: { access: 'read' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const scan = await store.getScan(req.params.id);
      if (!scan) return reply.code(404).send({ error: 'not-found', message: 'no such scan' });
      return { scan };
    },
  );

  app.get(
    '/api/v1/scans/:id/findings',
    { schema: schemas.scanFindings, config: { access: 'read' } },
    async (
      req: FastifyRequest<{ Params: { id: string }; Querystring: { lang?: 'en' | 'ja' } }>,
      reply: FastifyReply,
    ) => {
      if (!(await store.getScan(req.params.id)))
        return reply.code(404).send({ error: 'not-found', message: 'no such scan' });
      const findings = await store.listFindings({ producer: scanProducer(req.params.id), limit: 100_000 });
      return { findings: localiseScanFindings(findings, req.query.lang ?? 'en') };
    },
  );

  app.post(
    '/api/v1/scans/:id/cancel',
    { schema: schemas.scanCancel, config: { access: 'act' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const scan = await store.getScan(req.params.id);
      if (!scan) return reply.code(404).send({ error: 'not-found', message: 'no such scan' });
      if (FINISHED.has(scan.status))
        return reply.code(409).send({ error: 'conflict', message: `scan is already ${scan.status}` });
      // Running on another API server of this store: flag it; that server cancels at its next sweep.
      if (!(await scans.cancel(scan.id))) await store.setMeta(cancelKey(scan.id), new Date().toISOString());
      await ctx.audit(req, 'scan.cancel', scan.id, { target: scan.target });
      return reply.code(202).send({ scan: (await store.getScan(scan.id)) ?? scan });
    },
  );
}
