// The REST API of `mamori serve`: a fastify app over a PlatformStore and an ingest queue. Every route
// but /healthz needs a bearer token with a role that may call it; every input is validated by the
// route's JSON Schema (400 naming the field); bodies are size-limited (413) and calls rate-limited
// (429); changes are written to the audit log with who and when.

import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  apiRisk,
  applyConfig,
  complianceView,
  localiseFindings,
  RULES,
  riskiestEndpoints,
  ruleMetas,
} from '../audit/index.js';
import type { Signature } from '../detect/index.js';
import { compileCatalogue } from '../detect/index.js';
import { requestInputs } from '../detect/inputs.js';
import { localiseAlerts, localiseIncidents } from '../detect/messages-ja.js';
import type { Exchange, InputIssue } from '../model/index.js';
import { type IngestQueue, type MaskOptions, QueueFullError } from '../pipeline/index.js';
import { toHtml, toSarif } from '../report/index.js';
import { localiseScanFindings } from '../scan/messages-ja.js';
import { parseBodies } from '../sensitive/index.js';
import { exchangeFromRecord, exchangesFromHar } from '../sources/index.js';
import type {
  AuditQuery,
  PlatformSettings,
  PlatformStore,
  Role,
  TokenRecord,
  WorkflowState,
} from '../store/index.js';
import { type Access, createToken, hashToken, mayAccess } from './auth.js';
import { registerConsole } from './console.js';
import type { RouteContext } from './context.js';
import { EventHub, registerEventRoutes } from './events.js';
import { startHandoff } from './handoff.js';
import { installLanguage } from './lang.js';
import { openApiDocument, type RouteDoc } from './openapi.js';
import { registerOverviewRoutes } from './overview.js';
import { registerRespondRoutes } from './respond.js';
import { registerSavedQueryRoutes } from './saved-queries.js';
import { registerScanRoutes, ScanService } from './scans.js';
import { schemas } from './schemas.js';
import { CSRF_HEADER, DEFAULT_SESSION_TTL_MS, registerSessionRoutes, sessionAuth } from './session.js';
import { applyMasking, registerSettingsRoutes } from './settings.js';

export interface ServerOptions {
  store: PlatformStore;
  queue: IngestQueue;
  /** Request body limit in bytes (default 10 MiB). */
  bodyLimit?: number;
  /** Calls per minute per token (or address when unauthenticated); default 600. */
  rateLimit?: number;
  /** Allowed CORS origins; none = no CORS headers at all. */
  corsOrigins?: string[];
  /** pino logger options, or false. */
  logger?: boolean | Record<string, unknown>;
  https?: { cert: string | Buffer; key: string | Buffer };
  version?: string;
  /** Console session lifetime (absolute); default 8 h. */
  sessionTtlMs?: number;
  /** The built console (default console/dist of the package); served at `/`. */
  consoleDir?: string;
  /** The pipeline's masking options: settings.masking.types are applied to them in place. */
  mask?: MaskOptions;
  /** How often the event stream looks for new alerts and incidents (default 2 s). */
  eventsPollMs?: number;
  /** Scans run at once in this process (default 2); more wait queued. */
  scanConcurrency?: number;
  /** How often scans are rewritten, cancel requests from other servers read, stale scans failed (15 s). */
  scanSweepMs?: number;
  /** Scan targets allowed besides settings.scanTargets (`mamori serve --scan-target`). */
  scanTargets?: string[];
  /** Send events to settings.integrations (webhooks, syslog); undeliverable webhook events go to the file. */
  handoff?: { deadLetter: string };
  /** Called after an admin changed the settings (serve runs retention at once). */
  onSettings?: (s: PlatformSettings) => unknown;
  /**
   * This server's name among the API servers sharing the store, the same across its restarts
   * (`mamori serve`: host name and port). Starting fails the scans an earlier process of that name left
   * queued or running. Default: a name of this process alone.
   */
  instance?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    token?: TokenRecord;
    /** Set when the request was authenticated by the console's session cookie. */
    session?: { hash: string; expires: string };
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Headers that carry credentials never reach a log line. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

// ajv-formats is CommonJS: under NodeNext its default import is the module namespace.
const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default;

const MAX_ISSUES = 1000;
const ENDPOINTS_OPEN = Buffer.from('{"endpoints":');
const RETRO_SCAN_MAX = 100_000;

let auditSeq = 0;
/** Audit ids sort in the order entries were written, even within one millisecond. */
const auditId = () =>
  `${Date.now().toString(36).padStart(9, '0')}-${(++auditSeq % 1_679_616).toString(36).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { store, queue } = opts;
  const logger =
    opts.logger === undefined || opts.logger === false
      ? false
      : { redact: REDACT, ...(opts.logger === true ? {} : opts.logger) };
  const app = Fastify({
    logger,
    bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (r) => {
    // The console's pages (`/`, `/*`) are not part of the API.
    if (r.url === '*' || r.url === '/' || r.url === '/*' || r.method === 'HEAD' || r.method === 'OPTIONS')
      return;
    for (const method of [r.method].flat())
      routes.push({ method: String(method), url: r.url, schema: r.schema, access: r.config?.access });
  });

  // Query strings and path parameters arrive as text, so their validation coerces ("5" → 5); JSON
  // bodies have real types and are checked strictly — coercion would let `null` pass as "" for a string
  // (found by `mamori scan --destructive` on this API: MAM-SCAN-SCHEMA-010).
  const ajvOptions = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;
  const strictBody = addFormats(new Ajv({ ...ajvOptions, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...ajvOptions, coerceTypes: 'array' }));
  // RFC 3339 allows a leap second (…T23:59:60Z) that no JavaScript date can hold: such a time is a 400
  // naming the field here, instead of a NaN reaching a query (PostgreSQL refused it: a 500).
  for (const a of [strictBody, coercing]) {
    const rfc3339 = a.formats['date-time'];
    a.addFormat('date-time', {
      type: 'string',
      validate: (s: string) => formatAccepts(rfc3339, s) && !Number.isNaN(Date.parse(s)),
    });
  }
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strictBody : coercing).compile(schema),
  );

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler(
    (
      err: {
        statusCode?: number;
        code?: string;
        message: string;
        validation?: unknown[];
        validationContext?: string;
      },
      req,
      reply: FastifyReply,
    ) => {
      if (err.validation) {
        const first = err.validation[0] as {
          instancePath?: string;
          params?: { missingProperty?: string; additionalProperty?: string };
        };
        const field =
          `${err.validationContext ?? 'input'}${first?.instancePath ? first.instancePath.replace(/\//g, '.') : ''}` +
          (first?.params?.missingProperty ? `.${first.params.missingProperty}` : '') +
          (first?.params?.additionalProperty ? `.${first.params.additionalProperty}` : '');
        return reply.code(400).send({ error: 'invalid-input', message: err.message, field });
      }
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) {
        req.log.error({ err }, 'request failed');
        return reply.code(500).send({ error: 'internal', message: 'internal error' });
      }
      const code =
        status === 413
          ? 'too-large'
          : status === 429
            ? 'rate-limited'
            : status === 415
              ? 'unsupported-media-type'
              : 'bad-request';
      return reply.code(status).send({ error: code, message: err.message });
    },
  );
  app.setNotFoundHandler((_req, reply: FastifyReply) =>
    reply.code(404).send({ error: 'not-found', message: 'no such route' }),
  );

  // Security headers on every answer; CORS only for configured origins.
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-frame-options', 'DENY');
    // The console's pages set their own (still strict) policy; API answers allow nothing but the
    // inline styles of the self-contained HTML report.
    if (!reply.hasHeader('content-security-policy'))
      reply.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      );
    const origin = req.headers.origin;
    if (origin && opts.corsOrigins?.includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'origin');
    }
    return payload;
  });
  // A browser asks before every call that carries a bearer token (a CORS preflight): configured origins
  // get the methods and headers the API takes; other origins, and every origin when none is configured,
  // get the 404 an unknown route gets, so the browser refuses the call.
  app.options('*', async (req, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (!origin || !opts.corsOrigins?.includes(origin) || !req.headers['access-control-request-method'])
      return reply.code(404).send({ error: 'not-found', message: 'no such route' });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
      .header('access-control-allow-headers', `authorization, content-type, ${CSRF_HEADER}`)
      .header('access-control-max-age', '600')
      .send();
  });

  // `?lang` from Accept-Language where a route takes it (after the CORS header above, so Vary adds up).
  installLanguage(app);

  const failures = new FailureLimiter(opts.rateLimit ?? 600);
  // Authentication before rate limiting, so the limit is per token. A bearer token, else the console's
  // session cookie (with the CSRF header on state-changing calls).
  app.addHook('onRequest', async (req, reply: FastifyReply) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    const header = req.headers.authorization;
    let token: TokenRecord | undefined;
    if (header !== undefined) {
      const m = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header) : null;
      token = m ? await store.touchToken(hashToken(m[1] as string), new Date().toISOString()) : undefined;
    } else {
      const session = await sessionAuth(store, req);
      if (session?.kind === 'csrf')
        return reply.code(403).send({
          error: 'csrf',
          message: `a cookie-authenticated ${req.method} needs the header ${CSRF_HEADER}: 1`,
        });
      if (session) {
        token = session.token;
        req.session = { hash: session.hash, expires: session.expires };
      }
    }
    if (!token) {
      // Failed authentications are limited per address (the token limit below never sees them).
      const retry = failures.hit(req.ip, Date.now());
      if (retry !== undefined) {
        reply.header('retry-after', String(retry));
        return reply.code(429).send({
          error: 'rate-limited',
          message: `too many failed authentications; retry in ${retry} s`,
        });
      }
      reply.header('www-authenticate', 'Bearer realm="mamori"');
      return reply
        .code(401)
        .send({ error: 'unauthenticated', message: 'a valid bearer token or session is required' });
    }
    if (!mayAccess(token.role, access))
      return reply
        .code(403)
        .send({ error: 'forbidden', message: `role ${token.role} may not call this route` });
    req.token = token;
  });

  await app.register(rateLimit, {
    max: opts.rateLimit ?? 600,
    timeWindow: 60_000,
    hook: 'preParsing',
    keyGenerator: (req) => (req.token ? `t:${req.token.id}` : `a:${req.ip}`),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate-limited',
      message: `rate limit of ${ctx.max} calls per minute reached; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });

  const who = (req: FastifyRequest) => req.token?.name ?? 'anonymous';
  const audit = async (
    req: FastifyRequest,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
  ) =>
    store.appendAudit({
      id: auditId(),
      at: new Date().toISOString(),
      who: who(req),
      action,
      target,
      details,
    });

  app.get('/healthz', { schema: schemas.health }, async () => ({ status: 'ok' }));
  registerConsole(app, opts.consoleDir);
  const events = new EventHub();
  const ctx: RouteContext = { store, events, audit, who };
  const watcher = registerEventRoutes(app, {
    store,
    events,
    pollMs: opts.eventsPollMs ?? 2000,
    corsOrigins: opts.corsOrigins,
  });
  if (opts.handoff) {
    const stop = startHandoff({
      store,
      events,
      version: opts.version ?? '0.0.0',
      deadLetter: opts.handoff.deadLetter,
      onError: (message) => app.log.warn({ message }, 'hand-off failed'),
    });
    // From ready, not now: what start-up writes before listening (demo traffic) is no news.
    app.addHook('onReady', async () => watcher.ensure());
    app.addHook('onClose', () => stop());
  }
  const scans = new ScanService(ctx, opts.scanConcurrency ?? 2, opts.instance);
  await scans.startSweeps(opts.scanSweepMs);
  registerScanRoutes(app, ctx, scans, opts.scanTargets ?? []);
  applyMasking(opts.mask, await store.getSettings());
  registerSettingsRoutes(app, { ...ctx, mask: opts.mask, onChange: opts.onSettings });
  registerRespondRoutes(app, ctx);
  registerSavedQueryRoutes(app, ctx);
  registerOverviewRoutes(app, ctx);
  registerSessionRoutes(app, {
    store,
    ttlMs: opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    secure: Boolean(opts.https),
    audit,
  });

  app.get('/api/v1/openapi.json', { schema: schemas.openapi, config: { access: 'read' } }, async () =>
    openApiDocument(routes, opts.version ?? '0.0.0'),
  );

  // ---- ingest ----
  app.post(
    '/api/v1/traffic',
    { schema: schemas.traffic, config: { access: 'ingest' } },
    async (req: FastifyRequest<{ Querystring: { wait?: boolean } }>, reply: FastifyReply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const issues: InputIssue[] = [];
      let exchanges: Exchange[];
      let rejected = 0;
      if (type === 'application/json') {
        exchanges = exchangesFromHar(req.body, {
          onIssue: (i) => {
            if (!i.fatal) rejected++;
            issues.push(i);
          },
        });
        const fatal = issues.find((i) => i.fatal);
        if (fatal)
          return reply.code(400).send({
            error: 'invalid-har',
            message: fatal.message,
            field: fatal.pointer ?? fatal.field ?? 'body',
          });
      } else if (type === 'application/x-ndjson') {
        exchanges = [];
        const lines = String(req.body).split('\n');
        let index = 0;
        for (let n = 0; n < lines.length; n++) {
          const line = (lines[n] as string).trim();
          if (!line) continue;
          const ref = { kind: 'ingest' as const, index, line: n + 1 };
          index++;
          let obj: unknown;
          try {
            obj = JSON.parse(line);
          } catch {
            rejected++;
            issues.push({
              code: 'jsonl.record.json',
              message: 'record is not JSON',
              line: n + 1,
              index: ref.index,
            });
            continue;
          }
          const ex = exchangeFromRecord(obj, ref);
          if ('code' in ex) {
            rejected++;
            issues.push({ ...ex, line: n + 1, index: ref.index });
          } else exchanges.push(ex);
        }
      } else {
        return reply.code(415).send({
          error: 'unsupported-media-type',
          message: 'send application/json (HAR) or application/x-ndjson (JSONL exchanges)',
        });
      }
      const answer = {
        accepted: exchanges.length,
        rejected,
        issues: issues.slice(0, MAX_ISSUES).map((i) => ({
          code: i.code,
          message: i.message,
          ...(i.index !== undefined ? { index: i.index } : {}),
          ...(i.line !== undefined ? { line: i.line } : {}),
          ...(i.field !== undefined ? { field: i.field } : {}),
        })),
      };
      if (exchanges.length === 0) return reply.code(202).send(answer);
      try {
        const done = queue.push(exchanges);
        if (req.query.wait) {
          const r = await done;
          return reply.code(202).send({ ...answer, processed: r.processed, duplicates: r.duplicates });
        }
        done.catch((err: unknown) => req.log.error({ err }, 'ingest batch failed'));
      } catch (err) {
        if (err instanceof QueueFullError) {
          reply.header('retry-after', '5');
          return reply.code(503).send({ error: 'busy', message: err.message });
        }
        throw err;
      }
      return reply.code(202).send(answer);
    },
  );

  // ---- inventory ----
  app.get(
    '/api/v1/inventory',
    { schema: schemas.inventory, config: { access: 'read' } },
    async (
      req: FastifyRequest<{
        Querystring: {
          host?: string;
          tag?: string;
          sensitive?: string;
          minRisk?: number;
          search?: string;
          fields?: 'full' | 'summary';
          limit?: number;
          offset?: number;
        };
      }>,
      reply: FastifyReply,
    ) => {
      const q = req.query;
      const filter = {
        ...(q.host ? { host: q.host } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(q.sensitive ? { sensitiveType: q.sensitive } : {}),
        ...(q.minRisk !== undefined ? { minRisk: q.minRisk } : {}),
        ...(q.search ? { search: q.search } : {}),
        // A page of 100 by default (the whole inventory is `total` long; 1,000 full records are 2.8 MB).
        limit: q.limit ?? 100,
        ...(q.offset ? { offset: q.offset } : {}),
      };
      // The stored records pass through as they are (no parse, no re-serialisation): `endpoints` is the
      // same JSON value as `await store.listEndpoints(filter)`.
      const [list, total] = await Promise.all([
        store.listEndpointsJson(filter, q.fields ?? 'full'),
        store.countEndpoints(filter),
      ]);
      return reply
        .type('application/json; charset=utf-8')
        .send(Buffer.concat([ENDPOINTS_OPEN, list, Buffer.from(`,"total":${total}}`)]));
    },
  );

  app.get(
    '/api/v1/inventory/endpoint',
    { schema: schemas.endpoint, config: { access: 'read' } },
    async (
      req: FastifyRequest<{
        Querystring: { host: string; method: string; endpoint: string; lang?: 'en' | 'ja' };
      }>,
      reply: FastifyReply,
    ) => {
      const { host, method, endpoint: path, lang } = req.query;
      const endpoint = await store.getEndpoint(host.toLowerCase(), method.toUpperCase(), path);
      if (!endpoint) return reply.code(404).send({ error: 'not-found', message: 'no such endpoint' });
      const findings = (await store.listFindings({ host: endpoint.host })).filter(
        (f) => f.method === endpoint.method && f.path === endpoint.path,
      );
      const exchanges = (
        await store.queryExchanges({
          host: endpoint.host,
          method: endpoint.method,
          path: endpoint.path,
          limit: 20,
        })
      ).map(retainedView);
      const shown = localiseScanFindings(localiseFindings(findings, lang ?? 'en'), lang ?? 'en');
      return { endpoint, findings: shown, exchanges };
    },
  );

  app.get(
    '/api/v1/findings',
    { schema: schemas.findings, config: { access: 'read' } },
    async (
      req: FastifyRequest<{
        Querystring: {
          minSeverity?: string;
          rule?: string;
          host?: string;
          lang?: 'en' | 'ja';
          limit?: number;
          offset?: number;
        };
      }>,
    ) => {
      const { lang, ...filter } = req.query;
      const findings = await store.listFindings({ ...filter, limit: filter.limit ?? 1000 });
      return { findings: localiseScanFindings(localiseFindings(findings, lang ?? 'en'), lang ?? 'en') };
    },
  );

  // ---- alerts and incidents ----
  const withState = async <T extends { id: string }>(kind: WorkflowState['kind'], items: T[]) => {
    const states = new Map((await store.listWorkflow(kind)).map((w) => [w.id, w]));
    return items.map((i) => {
      const w = states.get(i.id);
      return {
        ...i,
        status: w?.status ?? 'open',
        ...(w?.assignee ? { assignee: w.assignee } : {}),
        comments: w?.comments ?? [],
      };
    });
  };

  app.get(
    '/api/v1/alerts',
    { schema: schemas.alerts, config: { access: 'read' } },
    async (
      req: FastifyRequest<{
        Querystring: {
          actor?: string;
          type?: string;
          host?: string;
          method?: string;
          endpoint?: string;
          minSeverity?: string;
          status?: string;
          lang?: 'en' | 'ja';
          limit?: number;
          offset?: number;
        };
      }>,
    ) => {
      const { endpoint, status, lang, ...filter } = req.query;
      return {
        alerts: localiseAlerts(
          await withState(
            'alert',
            await store.listAlerts({
              ...filter,
              ...(endpoint ? { path: endpoint } : {}),
              ...(status ? { status: status as WorkflowState['status'] } : {}),
              limit: filter.limit ?? 1000,
            }),
          ),
          lang ?? 'en',
        ),
      };
    },
  );

  app.get(
    '/api/v1/incidents',
    { schema: schemas.incidents, config: { access: 'read' } },
    async (req: FastifyRequest<{ Querystring: { status?: string; lang?: 'en' | 'ja' } }>) => {
      const incidents = localiseIncidents(
        await withState('incident', await store.listIncidents()),
        req.query.lang ?? 'en',
      );
      return {
        incidents: req.query.status ? incidents.filter((i) => i.status === req.query.status) : incidents,
      };
    },
  );

  for (const kind of ['alert', 'incident'] as const) {
    app.post(
      `/api/v1/${kind}s/:id/actions`,
      { schema: schemas.action, config: { access: 'act' } },
      async (
        req: FastifyRequest<{
          Params: { id: string };
          Body: { action: string; assignee?: string; text?: string };
        }>,
        reply: FastifyReply,
      ) => {
        const { id } = req.params;
        const exists =
          kind === 'alert'
            ? (await store.getAlert(id)) !== undefined
            : (await store.listIncidents()).some((i) => i.id === id);
        if (!exists) return reply.code(404).send({ error: 'not-found', message: `no such ${kind}` });
        const { action, assignee, text } = req.body;
        if (action === 'assign' && !assignee)
          return reply
            .code(400)
            .send({ error: 'invalid-input', message: 'assign needs an assignee', field: 'body.assignee' });
        if (action === 'comment' && !text)
          return reply
            .code(400)
            .send({ error: 'invalid-input', message: 'comment needs a text', field: 'body.text' });
        const at = new Date().toISOString();
        const w: WorkflowState = (await store.getWorkflow(kind, id)) ?? {
          kind,
          id,
          status: 'open',
          updated: at,
          comments: [],
        };
        if (action === 'acknowledge') w.status = 'acknowledged';
        else if (action === 'resolve') w.status = 'resolved';
        else if (action === 'reopen') w.status = 'open';
        else if (action === 'assign') w.assignee = assignee as string;
        else w.comments.push({ who: who(req), at, text: text as string });
        w.updated = at;
        await store.putWorkflow(w);
        await audit(req, `${kind}.${action}`, id, {
          ...(assignee ? { assignee } : {}),
          ...(text ? { text } : {}),
        });
        return w;
      },
    );
  }

  // ---- compliance and reports ----
  const rules = applyConfig(RULES);
  app.get(
    '/api/v1/compliance',
    { schema: schemas.compliance, config: { access: 'read' } },
    async (req: FastifyRequest<{ Querystring: { lang?: 'en' | 'ja' } }>) => {
      const lang = req.query.lang ?? 'en';
      return {
        frameworks: complianceView(
          localiseFindings(await store.listFindings({ limit: 100_000 }), lang),
          lang,
        ),
      };
    },
  );

  app.get(
    '/api/v1/reports/:format',
    { schema: schemas.report, config: { access: 'read' } },
    async (
      req: FastifyRequest<{ Params: { format: string }; Querystring: { lang?: 'en' | 'ja' } }>,
      reply: FastifyReply,
    ) => {
      const findings = await store.listFindings({ limit: 100_000 });
      const endpoints = await store.listEndpoints({ limit: 100_000 });
      const tool = { name: 'mamori', version: opts.version ?? '0.0.0', rules: ruleMetas(rules) };
      const stamp = new Date().toISOString().slice(0, 10);
      if (req.params.format === 'json') {
        reply.header('content-disposition', `attachment; filename="mamori-${stamp}.json"`);
        return reply.type('application/json').send(JSON.stringify({ findings, endpoints }));
      }
      if (req.params.format === 'sarif') {
        reply.header('content-disposition', `attachment; filename="mamori-${stamp}.sarif"`);
        return reply.type('application/sarif+json').send(JSON.stringify(toSarif(findings, tool)));
      }
      const lang = req.query.lang ?? 'en';
      const shown = localiseScanFindings(localiseFindings(findings, lang), lang);
      const html = toHtml(
        {
          title: 'mamori',
          generatedAt: new Date().toISOString(),
          tool: { name: tool.name, version: tool.version },
          findings: shown,
          rules: tool.rules,
          compliance: complianceView(shown, lang),
          endpoints: riskiestEndpoints(findings, endpoints, 50),
          scope: { endpoints: endpoints.length },
          risk: apiRisk(findings, endpoints),
        },
        lang,
      );
      reply.header('content-disposition', `attachment; filename="mamori-${stamp}.html"`);
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  // ---- hunting ----
  app.get(
    '/api/v1/hunt',
    { schema: schemas.hunt, config: { access: 'act' } },
    async (
      req: FastifyRequest<{
        Querystring: {
          actor?: string;
          host?: string;
          method?: string;
          endpoint?: string;
          from?: string;
          to?: string;
          status?: number;
          hit?: string;
          contains?: string;
          limit?: number;
          offset?: number;
        };
      }>,
    ) => {
      const { from, to, endpoint, ...q } = req.query;
      const rows = await store.queryExchanges({
        ...q,
        ...(endpoint ? { path: endpoint } : {}),
        ...(from ? { from: Date.parse(from) } : {}),
        ...(to ? { to: Date.parse(to) } : {}),
      });
      return { exchanges: rows.map(retainedView) };
    },
  );

  app.post(
    '/api/v1/hunt/retro',
    { schema: schemas.retroHunt, config: { access: 'act' } },
    async (
      req: FastifyRequest<{
        Body: {
          id?: string;
          title?: string;
          severity?: Signature['severity'];
          pattern: string;
          flags?: string;
          where: Signature['where'];
          fieldPattern?: string;
          from?: string;
          to?: string;
          limit?: number;
        };
      }>,
      reply: FastifyReply,
    ) => {
      const b = req.body;
      try {
        new RegExp(b.pattern, b.flags ?? '');
        if (b.fieldPattern) new RegExp(b.fieldPattern, 'i');
      } catch (err) {
        return reply
          .code(400)
          .send({ error: 'invalid-input', message: (err as Error).message, field: 'body.pattern' });
      }
      const signature: Signature = {
        id: b.id ?? 'retro-hunt',
        family: 'scanner',
        title: b.title ?? 'retro-hunt signature',
        severity: b.severity ?? 'medium',
        owasp: 'API8:2023',
        cwe: 20,
        where: b.where,
        ...(b.fieldPattern ? { fieldPattern: b.fieldPattern } : {}),
        check: { kind: 'regex', pattern: b.pattern, ...(b.flags ? { flags: b.flags } : {}) },
        attacks: [],
        benign: [],
      };
      const catalogue = compileCatalogue([signature]);
      const limit = b.limit ?? 100;
      const matches: Array<Record<string, unknown>> = [];
      let scanned = 0;
      let truncated = false;
      const range = {
        ...(b.from ? { from: Date.parse(b.from) } : {}),
        ...(b.to ? { to: Date.parse(b.to) } : {}),
      };
      for (let offset = 0; matches.length < limit; offset += 1000) {
        const page = await store.queryExchanges({ ...range, limit: 1000, offset });
        for (const row of page) {
          scanned++;
          const ex = JSON.parse(row.data) as Exchange;
          for (const hit of catalogue.match(requestInputs(ex, parseBodies(ex).request))) {
            matches.push({
              exchangeId: row.id,
              time: new Date(row.time).toISOString(),
              actor: row.actor,
              method: row.method,
              host: row.host,
              path: row.path,
              location: hit.input.location,
              name: hit.input.name,
              detail: hit.detail,
            });
            break;
          }
          if (matches.length >= limit) break;
        }
        if (page.length < 1000) break;
        if (scanned >= RETRO_SCAN_MAX) {
          truncated = true;
          break;
        }
      }
      await audit(req, 'hunt.retro', signature.id, {
        pattern: b.pattern,
        where: b.where,
        matches: matches.length,
      });
      return { scanned, truncated, matches };
    },
  );

  // ---- administration ----
  app.get(
    '/api/v1/audit-log',
    { schema: schemas.auditLog, config: { access: 'admin' } },
    async (req: FastifyRequest<{ Querystring: AuditQuery }>) => {
      // Entries are stored at UTC ISO times and compared as text: a time with an offset is converted first.
      const { since, until, ...q } = req.query;
      const utc = (t: string) => new Date(t).toISOString();
      return {
        entries: await store.listAudit({
          ...q,
          ...(since ? { since: utc(since) } : {}),
          ...(until ? { until: utc(until) } : {}),
        }),
      };
    },
  );

  app.get('/api/v1/tokens', { schema: schemas.tokensList, config: { access: 'admin' } }, async () => ({
    tokens: await store.listTokens(),
  }));

  app.post(
    '/api/v1/tokens/:role',
    { schema: schemas.tokenCreate, config: { access: 'admin' } },
    async (req: FastifyRequest<{ Params: { role: Role }; Body: { name: string } }>, reply: FastifyReply) => {
      const created = await createToken(store, req.body.name, req.params.role);
      await audit(req, 'token.create', created.token.id, {
        name: created.token.name,
        role: created.token.role,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    { schema: schemas.tokenRevoke, config: { access: 'admin' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      if (!(await store.revokeToken(req.params.id, new Date().toISOString())))
        return reply.code(404).send({ error: 'not-found', message: 'no such live token' });
      await audit(req, 'token.revoke', req.params.id);
      return { revoked: req.params.id };
    },
  );

  return app;
}

/** Whether an ajv format (as ajv-formats registered it) accepts a string. */
function formatAccepts(format: unknown, s: string): boolean {
  const check =
    typeof format === 'object' && format !== null && 'validate' in format ? format.validate : format;
  if (check instanceof RegExp) return check.test(s);
  if (typeof check === 'function') return check(s) === true;
  return check === true;
}

/** Failed authentications per address per minute; bounded (the oldest address is forgotten first). */
class FailureLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly capacity = 10_000,
  ) {}

  /** Counts a failure; seconds to wait when the address is over its budget, else undefined. */
  hit(address: string, now: number): number | undefined {
    let w = this.windows.get(address);
    if (!w || now - w.start >= 60_000) {
      this.windows.delete(address);
      if (this.windows.size >= this.capacity) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = { start: now, count: 0 };
      this.windows.set(address, w);
    }
    w.count++;
    return w.count > this.max ? Math.ceil((w.start + 60_000 - now) / 1000) : undefined;
  }
}

function retainedView(row: {
  id: string;
  time: number;
  actor: string;
  host: string;
  method: string;
  path: string;
  status: number;
  hits: string[];
  data: string;
}) {
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    actor: row.actor,
    host: row.host,
    method: row.method,
    path: row.path,
    status: row.status,
    hits: row.hits,
    exchange: JSON.parse(row.data) as unknown,
  };
}
