// Virtual patches and actor decisions over the API. Analysts make a patch from a stored finding or
// alert (src/respond/patch.ts decides how narrow it is) and revoke it; they block or throttle an actor
// for a while. The proxy and middleware poll GET /patches and GET /decisions (`--server`). Every
// change is in the audit log.

import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PatchError, patchFromAlert, patchFromFinding } from '../respond/patch.js';
import type { StoredDecision } from '../store/index.js';
import { invalid, type RouteContext } from './context.js';
import { schemas } from './schemas.js';

/** A decision as answered: `until` as an RFC 3339 time. */
export const decisionView = (d: StoredDecision) => ({ ...d, until: new Date(d.until).toISOString() });

export function registerRespondRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;

  app.get(
    '/api/v1/patches',
    // Sensors poll with the token they send traffic with (often ingest-only), so any role may read.
    { schema: schemas.patches, config: { access: 'any' } },
    async (req: FastifyRequest<{ Querystring: { includeExpired?: boolean } }>) => ({
      patches: await store.listPatches({
        includeExpired: req.query.includeExpired === true,
        now: Date.now(),
      }),
    }),
  );

  app.post(
    '/api/v1/patches',
    { schema: schemas.patchCreate, config: { access: 'act' } },
    async (
      req: FastifyRequest<{
        Body: { from: 'finding' | 'alert'; id: string; ttlHours?: number; action?: 'block' | 'log' };
      }>,
      reply: FastifyReply,
    ) => {
      const { from, id, ttlHours, action } = req.body;
      const opts = {
        id: `patch-${randomBytes(6).toString('hex')}`,
        createdBy: ctx.who(req),
        now: Date.now(),
        ...(ttlHours !== undefined ? { ttlMs: ttlHours * 3600_000 } : {}),
      };
      let patch: ReturnType<typeof patchFromFinding>;
      try {
        if (from === 'finding') {
          const f = await store.getFinding(id);
          if (!f) return reply.code(404).send({ error: 'not-found', message: `no stored finding ${id}` });
          patch = patchFromFinding(f, opts);
        } else {
          const a = await store.getAlert(id);
          if (!a) return reply.code(404).send({ error: 'not-found', message: `no stored alert ${id}` });
          patch = patchFromAlert(a, opts);
        }
      } catch (err) {
        if (err instanceof PatchError)
          return reply.code(400).send(invalid('body.id', `${err.message} (${err.hint})`));
        throw err;
      }
      if (action) patch.action = action;
      await store.putPatch(patch);
      await ctx.audit(req, 'patch.create', patch.id, {
        from,
        source: id,
        action: patch.action,
        match: patch.match,
        expires: patch.expires ?? null,
      });
      return reply.code(201).send({ patch });
    },
  );

  app.delete(
    '/api/v1/patches/:id',
    { schema: schemas.patchRevoke, config: { access: 'act' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const at = new Date().toISOString();
      if (!(await store.revokePatch(req.params.id, at, ctx.who(req))))
        return reply.code(404).send({ error: 'not-found', message: 'no such live patch' });
      await ctx.audit(req, 'patch.revoke', req.params.id);
      return { patch: await store.getPatch(req.params.id) };
    },
  );

  app.get('/api/v1/decisions', { schema: schemas.decisions, config: { access: 'any' } }, async () => ({
    decisions: (await store.listDecisions(Date.now())).map(decisionView),
  }));

  app.post(
    '/api/v1/decisions',
    { schema: schemas.decisionCreate, config: { access: 'act' } },
    async (
      req: FastifyRequest<{
        Body: {
          actor: string;
          action: 'block' | 'throttle';
          ttlSeconds: number;
          reason: string;
          ratePerSecond?: number;
        };
      }>,
      reply: FastifyReply,
    ) => {
      const b = req.body;
      if (b.action === 'throttle' && b.ratePerSecond === undefined)
        return reply.code(400).send(invalid('body.ratePerSecond', 'a throttle needs ratePerSecond'));
      if (b.action === 'block' && b.ratePerSecond !== undefined)
        return reply.code(400).send(invalid('body.ratePerSecond', 'only a throttle takes ratePerSecond'));
      const now = Date.now();
      const decision: StoredDecision = {
        id: randomUUID(),
        created: new Date(now).toISOString(),
        createdBy: ctx.who(req),
        actor: b.actor,
        action: b.action,
        until: now + b.ttlSeconds * 1000,
        reason: b.reason,
        ...(b.ratePerSecond !== undefined ? { ratePerSecond: b.ratePerSecond } : {}),
      };
      await store.putDecision(decision);
      await ctx.audit(req, `decision.${b.action}`, decision.id, {
        actor: b.actor,
        until: new Date(decision.until).toISOString(),
        reason: b.reason,
        ...(b.ratePerSecond !== undefined ? { ratePerSecond: b.ratePerSecond } : {}),
      });
      return reply.code(201).send({ decision: decisionView(decision) });
    },
  );

  app.delete(
    '/api/v1/decisions/:id',
    { schema: schemas.decisionDelete, config: { access: 'act' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      if (!(await store.deleteDecision(req.params.id)))
        return reply.code(404).send({ error: 'not-found', message: 'no such decision' });
      await ctx.audit(req, 'decision.delete', req.params.id);
      return { deleted: req.params.id };
    },
  );
}
