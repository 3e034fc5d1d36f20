// `mamori/http`: wraps a node:http request listener with mamori's recording and decisions.
//
//   import { createServer } from 'node:http';
//   import { withMamori } from 'mamori/http';
//   createServer(withMamori(app, { mode: 'block' })).listen(3000);

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { bodyOf } from '../proxy/guard.js';
import {
  createSensor,
  holdBody,
  type MamoriOptions,
  reject,
  type Sensor,
  tapResponse,
  viewOf,
} from './core.js';

export type { MamoriOptions } from './core.js';

/** The wrapped listener; `sensor` exposes the guard (decisions) and `close()` flushes the shipper. */
export type MamoriListener = RequestListener & { sensor: Sensor };

export function withMamori(listener: RequestListener, opts: MamoriOptions = {}): MamoriListener {
  const sensor = createSensor(opts);
  const guard = sensor.guard;
  const wrapped = ((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const view = viewOf(req);
    const hasBody =
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
      req.headers['transfer-encoding'] !== undefined;
    const decide = (body: ReturnType<typeof bodyOf> | undefined, release: () => void) => {
      const ex = guard.exchangeOf(view, body, 'middleware');
      const pending = guard.inspect(ex);
      if (!pending.rejection && sensor.spec) {
        const r = sensor.spec.check(ex, guard.mode);
        if (r) pending.rejection = r;
      }
      if (pending.rejection) {
        release();
        req.resume();
        tapResponse(res, guard.bodyCap, (response) =>
          guard.complete(pending, response, performance.now() - started),
        );
        reject(res, pending);
        return;
      }
      tapResponse(res, guard.bodyCap, (response) =>
        guard.complete(pending, response, performance.now() - started),
      );
      listener(req, res);
      release();
    };
    if (!hasBody) {
      decide(undefined, () => undefined);
      return;
    }
    holdBody(req, guard.bodyCap, (chunks, size, release) =>
      decide(bodyOf(chunks, size, guard.bodyCap, view.headers), release),
    );
  }) as MamoriListener;
  wrapped.sensor = sensor;
  return wrapped;
}
