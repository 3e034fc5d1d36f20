// `mamori/fastify`: a Fastify plugin with mamori's recording and decisions. Checks run in
// preHandler, after Fastify parsed the body (so JSON bodies are inspected as the app will see them).
//
//   import Fastify from 'fastify';
//   import { mamoriFastify } from 'mamori/fastify';
//   const app = Fastify();
//   await app.register(mamoriFastify, { mode: 'block' });
//   app.post('/orders', async (req) => ({ ok: true }));

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pending } from '../proxy/guard.js';
import { createSensor, type MamoriOptions, parsedBody, tapResponse, viewOf } from './core.js';

export { createSinks, type SinkOptions } from '../respond/sinks.js';
export type { MamoriOptions } from './core.js';

const PENDING = Symbol('mamori.pending');
type Tagged = FastifyRequest & { [PENDING]?: Pending };

/** Fastify plugin (wrapped so its hooks apply to the whole app, like fastify-plugin). */
export async function mamoriFastify(app: FastifyInstance, opts: MamoriOptions): Promise<void> {
  const sensor = createSensor(opts);
  const guard = sensor.guard;
  app.decorate('mamori', sensor);
  app.addHook('onClose', async () => sensor.close());
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const raw = request.raw;
    const view = viewOf(raw);
    const body = parsedBody(request.body, guard.bodyCap, view.headers);
    const ex = guard.exchangeOf(view, body, 'middleware');
    const pending = guard.inspect(ex);
    guard.checkSpec(pending, sensor.spec);
    (request as Tagged)[PENDING] = pending;
    tapResponse(reply.raw, guard.bodyCap, (response) =>
      guard.complete(pending, response, performance.now() - started),
    );
    if (pending.rejection) {
      const r = pending.rejection;
      return reply
        .code(r.status)
        .headers({ 'x-request-id': ex.id, ...r.headers })
        .send(r.body);
    }
    return undefined;
  });
}
// Skip Fastify's encapsulation (what fastify-plugin does): the hooks see every route.
(mamoriFastify as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
