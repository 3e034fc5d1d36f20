// GET /api/v1/overview: what the console's first page shows — the inventory and its risk at a glance,
// open work, fourteen days of trends, and the inputs of the maturity scorecard (how complete the
// inventory is, whether sensitive data is classified, whether detection runs in real time, whether
// scans run). Findings have no time of their own, so their daily count is recorded as the overview is
// read (meta `trends.findings`) and days before the first reading have none.

import type { FastifyInstance } from 'fastify';
import type { Endpoint, Severity } from '../model/index.js';
import type { PlatformStore } from '../store/index.js';
import type { RouteContext } from './context.js';
import { schemas } from './schemas.js';

const DAY_MS = 86_400_000;
const TREND_DAYS = 14;
const TAGS = ['shadow', 'zombie', 'deprecated', 'orphan', 'rogue'] as const;
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const KEPT_FINDING_DAYS = 90;

const hasAuth = (e: Endpoint) => e.auth.some((a) => a.type !== 'none');
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
  const endpoints = await store.listEndpoints({ limit: 100_000 });
  const alerts = await store.listAlerts({ limit: 100_000 });
  const incidents = await store.listIncidents();
  const alertState = new Map((await store.listWorkflow('alert')).map((w) => [w.id, w.status]));
  const incidentState = new Map((await store.listWorkflow('incident')).map((w) => [w.id, w.status]));
  const findingCount = (await store.listFindings({ limit: 100_000 })).length;
  const scans = await store.listScans({ limit: 1000 });
  const newest = (await store.queryExchanges({ limit: 1 }))[0];

  const tags = Object.fromEntries(TAGS.map((t) => [t, 0])) as Record<(typeof TAGS)[number], number>;
  let sensitiveEndpoints = 0;
  let sensitiveWithoutAuth = 0;
  let documented = 0;
  let observed = 0;
  for (const e of endpoints) {
    for (const t of e.tags) if (t.tag in tags) tags[t.tag as (typeof TAGS)[number]]++;
    if (e.sensitive.length > 0) {
      sensitiveEndpoints++;
      if (!hasAuth(e)) sensitiveWithoutAuth++;
    }
    if (e.spec) documented++;
    if (e.calls > 0) observed++;
  }
  const openIncidents = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const i of incidents)
    if ((incidentState.get(i.id) ?? 'open') !== 'resolved') openIncidents[i.severity]++;

  const today = dayOf(now);
  const first = Date.parse(`${dayOf(now - (TREND_DAYS - 1) * DAY_MS)}T00:00:00Z`);
  const seen = new Map((await store.exchangeDays(first)).map((d) => [d.day, d.endpoints]));
  const alertsByDay = new Map<string, number>();
  for (const a of alerts) {
    const d = dayOf(a.firstSeen);
    alertsByDay.set(d, (alertsByDay.get(d) ?? 0) + 1);
  }
  const findingsByDay = await findingsTrend(store, today, findingCount);
  const trends = Array.from({ length: TREND_DAYS }, (_, i) => {
    const day = dayOf(first + i * DAY_MS);
    return {
      day,
      endpointsSeen: seen.get(day) ?? 0,
      alerts: alertsByDay.get(day) ?? 0,
      ...(findingsByDay[day] !== undefined ? { findings: findingsByDay[day] } : {}),
    };
  });

  const recentScans = scans.filter((s) => Date.parse(s.started) >= now - 30 * DAY_MS);
  return {
    apis: new Set(endpoints.map((e) => e.host)).size,
    endpoints: endpoints.length,
    tags,
    sensitiveEndpoints,
    sensitiveWithoutAuth,
    openAlerts: alerts.filter((a) => (alertState.get(a.id) ?? 'open') === 'open').length,
    openIncidents,
    topRisky: endpoints.slice(0, 10).map((e) => ({
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
      documentedShare: endpoints.length ? documented / endpoints.length : 0,
      sensitiveClassified: observed > 0,
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
