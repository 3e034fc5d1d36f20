// GET /api/v1/overview: what the console's first page shows — the inventory and its risk at a glance,
// open work, fourteen days of trends, and the inputs of the maturity scorecard (how complete the
// inventory is, whether sensitive data is classified, whether detection runs in real time, whether
// scans run). Findings have no time of their own, so their daily count is recorded as the overview is
// read (meta `trends.findings`) and days before the first reading have none. Counting happens in the
// database (store.overviewCounts): loading 100,000 alerts to count them took seconds.

import type { FastifyInstance } from 'fastify';
import type { Severity } from '../model/index.js';
import type { PlatformStore } from '../store/index.js';
import type { RouteContext } from './context.js';
import { schemas } from './schemas.js';

const DAY_MS = 86_400_000;
const TREND_DAYS = 14;
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const KEPT_FINDING_DAYS = 90;

const dayOf = (iso: string | number) => new Date(iso).toISOString().slice(0, 10);

async function findingsTrend(
  store: PlatformStore,
  today: string,
  count: number,
): Promise<Record<string, number>> {
  let days: Record<string, number> = {};
  try {
    days = JSON.parse((await store.getMeta('trends.findings')) ?? '{}') as Record<string, number>;
  } catch {
    days = {};
  }
  if (days[today] !== count) {
    days[today] = count;
    const keep = Object.keys(days).sort().slice(-KEPT_FINDING_DAYS);
    days = Object.fromEntries(keep.map((d) => [d, days[d] as number]));
    await store.setMeta('trends.findings', JSON.stringify(days));
  }
  return days;
}

export async function overview(store: PlatformStore, now = Date.now()) {
  const today = dayOf(now);
  const first = Date.parse(`${dayOf(now - (TREND_DAYS - 1) * DAY_MS)}T00:00:00Z`);
  const c = await store.overviewCounts(new Date(first).toISOString());
  const top = await store.listEndpoints({ limit: 10 });
  const scans = await store.listScans({ limit: 1000 });
  const newest = (await store.queryExchanges({ limit: 1 }))[0];
  const seen = new Map((await store.exchangeDays(first)).map((d) => [d.day, d.endpoints]));
  const findingsByDay = await findingsTrend(store, today, c.findings);
  const trends = Array.from({ length: TREND_DAYS }, (_, i) => {
    const day = dayOf(first + i * DAY_MS);
    return {
      day,
      endpointsSeen: seen.get(day) ?? 0,
      alerts: c.alertsByDay[day] ?? 0,
      ...(findingsByDay[day] !== undefined ? { findings: findingsByDay[day] } : {}),
    };
  });
  const recentScans = scans.filter((s) => Date.parse(s.started) >= now - 30 * DAY_MS);
  return {
    apis: c.hosts,
    endpoints: c.endpoints,
    tags: c.tags,
    sensitiveEndpoints: c.sensitive,
    sensitiveWithoutAuth: c.sensitiveWithoutAuth,
    openAlerts: c.openAlerts,
    openIncidents: Object.fromEntries(SEVERITIES.map((s) => [s, c.openIncidents[s] ?? 0])) as Record<
      Severity,
      number
    >,
    topRisky: top.map((e) => ({
      host: e.host,
      method: e.method,
      path: e.path,
      risk: e.risk,
      tags: e.tags.map((t) => t.tag),
      sensitive: [...new Set(e.sensitive.map((s) => s.type))],
    })),
    trends,
    maturity: {
      /** Endpoints a spec documents, of all known (observed or in a spec). */
      documentedShare: c.endpoints ? c.documented / c.endpoints : 0,
      sensitiveClassified: c.observed > 0,
      realTimeDetection: newest !== undefined && newest.time >= now - DAY_MS,
      ...(newest ? { lastIngest: new Date(newest.time).toISOString() } : {}),
      scansLast30Days: recentScans.length,
      ...(scans[0] ? { lastScan: scans[0].started } : {}),
    },
  };
}

export function registerOverviewRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/v1/overview', { schema: schemas.overview, config: { access: 'read' } }, () =>
    overview(ctx.store),
  );
}
