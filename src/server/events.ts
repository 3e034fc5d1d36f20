// Live events for the console: `GET /api/v1/events` (server-sent events) carries `alert`, `incident`
// and `scan` events as JSON. Scans publish as they progress. Alerts and incidents are written by the
// pipeline — in this process or in scale-out workers — so a watcher polls the store while anyone
// listens and publishes what is new or changed since it last looked.

import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformStore } from '../store/index.js';
import { schemas } from './schemas.js';

export type EventKind = 'alert' | 'incident' | 'scan';
type Listener = (kind: EventKind, data: unknown) => void;

export class EventHub {
  private readonly listeners = new Set<Listener>();

  publish(kind: EventKind, data: unknown): void {
    for (const l of this.listeners) l(kind, data);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get size(): number {
    return this.listeners.size;
  }
}

const WATCH_LIMIT = 200;

/** Polls the store for alerts and incidents new or changed since the previous look. */
export class StoreWatcher {
  private timer: NodeJS.Timeout | undefined;
  private seen: { alert: Map<string, string>; incident: Map<string, string> } | undefined;
  private busy = false;

  constructor(
    private readonly store: PlatformStore,
    private readonly hub: EventHub,
    private readonly intervalMs: number,
  ) {}

  /** Runs while the hub has listeners. */
  ensure(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    void this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.seen = undefined;
  }

  async poll(): Promise<void> {
    if (this.busy) return;
    if (this.hub.size === 0) return this.stop();
    this.busy = true;
    try {
      const alerts = await this.store.listAlerts({ limit: WATCH_LIMIT });
      const incidents = await this.store.listIncidents({ limit: WATCH_LIMIT });
      const next = {
        alert: new Map(alerts.map((a) => [a.id, `${a.lastSeen}|${a.count}|${a.severity}`])),
        incident: new Map(incidents.map((i) => [i.id, `${i.lastSeen}|${i.alerts.length}|${i.severity}`])),
      };
      if (this.seen) {
        for (const a of alerts)
          if (this.seen.alert.get(a.id) !== next.alert.get(a.id)) this.hub.publish('alert', a);
        for (const i of incidents)
          if (this.seen.incident.get(i.id) !== next.incident.get(i.id)) this.hub.publish('incident', i);
      }
      this.seen = next;
    } catch {
      // The store may be closing; the next tick tries again.
    } finally {
      this.busy = false;
    }
  }
}

const MAX_STREAMS = 200;
const HEARTBEAT_MS = 15_000;

/** Registers the stream route; returns the store watcher (hand-off keeps it running with no stream). */
export function registerEventRoutes(
  app: FastifyInstance,
  ctx: { store: PlatformStore; events: EventHub; pollMs: number; corsOrigins?: string[] | undefined },
): StoreWatcher {
  const watcher = new StoreWatcher(ctx.store, ctx.events, ctx.pollMs);
  const open = new Set<ServerResponse>();
  // Before the server stops accepting: open streams would otherwise keep it from closing.
  app.addHook('preClose', async () => {
    watcher.stop();
    for (const res of open) res.destroy();
  });

  app.get(
    '/api/v1/events',
    { schema: schemas.events, config: { access: 'read' } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      if (open.size >= MAX_STREAMS)
        return reply.code(429).send({ error: 'rate-limited', message: 'too many open event streams' });
      reply.hijack();
      const res = reply.raw;
      const origin = req.headers.origin;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        connection: 'keep-alive',
        ...(origin && ctx.corsOrigins?.includes(origin)
          ? { 'access-control-allow-origin': origin, vary: 'origin' }
          : {}),
      });
      res.write('retry: 5000\n\n');
      open.add(res);
      const unsubscribe = ctx.events.subscribe((kind, data) => {
        res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const done = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      };
      res.on('close', done);
      req.raw.on('close', () => res.end());
      watcher.ensure();
    },
  );
  return watcher;
}
