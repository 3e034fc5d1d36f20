// `mamori/http`: wraps a node:http request listener with mamori's recording and decisions.
//
//   import { createServer } from 'node:http';
//   import { withMamori } from 'mamori/http';
//   createServer(withMamori(app, { mode: 'block' })).listen(3000);

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createSensor, guardRequest, type MamoriOptions, type Sensor } from './core.js';

export { createSinks, type SinkOptions } from '../respond/sinks.js';
export type { MamoriOptions } from './core.js';

/** The wrapped listener; `sensor` exposes the guard (decisions) and `close()` flushes the shipper. */
export type MamoriListener = RequestListener & { sensor: Sensor };

export function withMamori(listener: RequestListener, opts: MamoriOptions = {}): MamoriListener {
  const sensor = createSensor(opts);
  const wrapped = ((req: IncomingMessage, res: ServerResponse) =>
    guardRequest(sensor, req, res, req.url ?? '/', () => listener(req, res))) as MamoriListener;
  wrapped.sensor = sensor;
  return wrapped;
}
