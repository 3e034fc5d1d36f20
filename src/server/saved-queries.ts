// Saved hunt queries: a name for a set of GET /api/v1/hunt parameters, shared by the team. The owner
// (or an admin) deletes them. Stored as the store's ExchangeQuery; answered in the hunt route's terms.

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExchangeQuery, SavedQuery } from '../store/index.js';
import type { RouteContext } from './context.js';
import { schemas } from './schemas.js';

/** The hunt route's parameters (GET /api/v1/hunt), without paging. */
export interface HuntParams {
  actor?: string;
  host?: string;
  method?: string;
  endpoint?: string;
  from?: string;
  to?: string;
  status?: number;
  hit?: string;
  contains?: string;
}

export function exchangeQueryOf(p: HuntParams): ExchangeQuery {
  const { endpoint, from, to, ...rest } = p;
  return {
    ...rest,
    ...(endpoint ? { path: endpoint } : {}),
    ...(from ? { from: Date.parse(from) } : {}),
    ...(to ? { to: Date.parse(to) } : {}),
  };
}

export function huntParamsOf(q: ExchangeQuery): HuntParams {
  const { path, from, to, limit: _limit, offset: _offset, ...rest } = q;
  return {
    ...rest,
    ...(path ? { endpoint: path } : {}),
    ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
    ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
  };
}

const view = (q: SavedQuery) => ({ ...q, query: huntParamsOf(q.query) });

export function registerSavedQueryRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;
  app.get(
    '/api/v1/hunt/saved',
    { schema: schemas.savedList, config: { access: 'act' } },
    async (req: FastifyRequest<{ Querystring: { mine?: boolean } }>) => ({
      queries: (await store.listSavedQueries(req.query.mine ? ctx.who(req) : undefined)).map(view),
    }),
  );

  app.post(
    '/api/v1/hunt/saved',
    { schema: schemas.savedCreate, config: { access: 'act' } },
    async (req: FastifyRequest<{ Body: { name: string; query: HuntParams } }>, reply: FastifyReply) => {
      const saved: SavedQuery = {
        id: randomUUID(),
        name: req.body.name,
        owner: ctx.who(req),
        query: exchangeQueryOf(req.body.query),
        created: new Date().toISOString(),
      };
      await store.putSavedQuery(saved);
      await ctx.audit(req, 'hunt.save', saved.id, { name: saved.name, query: req.body.query });
      return reply.code(201).send({ query: view(saved) });
    },
  );

  app.delete(
    '/api/v1/hunt/saved/:id',
    { schema: schemas.savedDelete, config: { access: 'act' } },
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const saved = (await store.listSavedQueries()).find((q) => q.id === req.params.id);
      if (!saved) return reply.code(404).send({ error: 'not-found', message: 'no such saved query' });
      if (saved.owner !== ctx.who(req) && req.token?.role !== 'admin')
        return reply
          .code(403)
          .send({ error: 'forbidden', message: `only ${saved.owner} or an admin may delete this query` });
      await store.deleteSavedQuery(saved.id);
      await ctx.audit(req, 'hunt.unsave', saved.id, { name: saved.name });
      return { deleted: saved.id };
    },
  );
}
