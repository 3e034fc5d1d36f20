// `mamori/express`: Express middleware with mamori's recording, decisions and virtual patches. Mount it
// first (before body parsers) so it can hold the body back until signatures and patches have judged
// it; mounted after a parser, it judges what the parser read. Express is not imported at runtime.
//
//   import express from 'express';
//   import { mamoriExpress } from 'mamori/express';
//   const app = express();
//   app.use(mamoriExpress({ mode: 'block', patches: 'patches.json' }));
//   app.use(express.json()); app.post('/orders', (req, res) => res.json({ ok: true }));

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSensor, guardRequest, type MamoriOptions, type Sensor } from './core.js';

export { createSinks, type SinkOptions } from '../respond/sinks.js';
export type { MamoriOptions } from './core.js';

type ExpressRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/** `(req, res, next)` as Express calls it; `sensor` exposes the guard and `close()`. */
export type MamoriMiddleware = ((
  req: ExpressRequest,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void) & {
  sensor: Sensor;
};

export function mamoriExpress(opts: MamoriOptions = {}): MamoriMiddleware {
  const sensor = createSensor(opts);
  const middleware = ((req: ExpressRequest, res: ServerResponse, next: (err?: unknown) => void) =>
    guardRequest(sensor, req, res, req.originalUrl ?? req.url ?? '/', () => next())) as MamoriMiddleware;
  middleware.sensor = sensor;
  return middleware;
}
