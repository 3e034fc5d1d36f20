// `mamori proxy`: a reverse proxy in front of one upstream. Bodies stream through; a copy capped at the
// guard's body cap is kept for analysis. In block mode the request body (up to the cap) is read before
// forwarding so payload signatures can stop it; the rest streams. Upstream connections are kept alive
// (http.Agent); so is the body when a virtual patch could block on it. WebSocket upgrades are piped through. X-Forwarded-For is appended; the client address
// behind it is believed only from trusted proxies (identity module). A malformed client request gets 400.

import {
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
  type ServerResponse,
} from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ExchangeBody } from '../model/index.js';
import { bodyOf, type Guard, headersOf, type Pending } from './guard.js';
import type { SpecGuard } from './spec-guard.js';

export interface ProxyOptions {
  upstream: URL;
  guard: Guard;
  /** Positive security model from a spec. */
  spec?: SpecGuard;
  /** TLS for clients (HTTP/2 with HTTP/1.1 fallback). */
  tls?: { key: Buffer; cert: Buffer };
}

export interface RunningProxy {
  port: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

type AnyReq = IncomingMessage | Http2ServerRequest;
type AnyRes = ServerResponse | Http2ServerResponse;

export function startProxy(opts: ProxyOptions, host: string, port: number): Promise<RunningProxy> {
  const { upstream, guard } = opts;
  const secure = upstream.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 256 })
    : new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const send = secure ? httpsRequest : httpRequest;
  const upstreamPort = Number(upstream.port) || (secure ? 443 : 80);
  const clientScheme = opts.tls ? 'https' : 'http';

  const handle = (req: AnyReq, res: AnyRes) => {
    const started = performance.now();
    const headers = headersOf(req.headers as Record<string, string | string[] | undefined>);
    for (const k of Object.keys(headers)) if (k.startsWith(':')) delete headers[k];
    if (headers['host'] === undefined && (req.headers as Record<string, string>)[':authority'])
      headers['host'] = (req.headers as Record<string, string>)[':authority']!;
    const peer = req.socket?.remoteAddress;
    const view = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      scheme: clientScheme as 'http' | 'https',
      headers,
      peer,
      httpVersion: `HTTP/${req.httpVersion}`,
    };
    const hasBody =
      headers['content-length'] !== undefined
        ? headers['content-length'] !== '0'
        : headers['transfer-encoding'] !== undefined || req.httpVersion === '2.0';
    const reqChunks: Buffer[] = [];
    let reqSize = 0;
    let kept = 0;
    const keep = (c: Buffer) => {
      reqSize += c.length;
      if (kept < guard.bodyCap) {
        reqChunks.push(c);
        kept += c.length;
      }
    };

    const go = (prefix: Buffer[], ended: boolean) => {
      const body: ExchangeBody | undefined =
        reqSize > 0 || prefix.length ? bodyOf(reqChunks, reqSize, guard.bodyCap, headers) : undefined;
      const ex = guard.exchangeOf(view, body, 'proxy');
      const pending = guard.inspect(ex);
      guard.checkSpec(pending, opts.spec);
      if (pending.rejection) {
        const r = pending.rejection;
        const text = JSON.stringify(r.body);
        res.writeHead(r.status, { 'content-type': 'application/json', 'x-request-id': ex.id, ...r.headers });
        res.end(text);
        if (!ended) req.resume();
        guard.complete(
          pending,
          {
            status: r.status,
            headers: { 'content-type': 'application/json' },
            body: { text, size: text.length, truncated: false, mimeType: 'application/json' },
          },
          performance.now() - started,
        );
        return;
      }
      forward(pending, prefix, ended);
    };

    const forward = (pending: Pending, prefix: Buffer[], ended: boolean) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
      const xff = headers['x-forwarded-for'];
      if (peer) out['x-forwarded-for'] = xff ? `${xff}, ${peer}` : peer;
      out['x-forwarded-proto'] = clientScheme;
      if (headers['host']) out['x-forwarded-host'] = headers['host'];
      out['x-request-id'] ??= pending.exchange.id;
      if (req.httpVersion === '2.0' && !out['content-length']) out['transfer-encoding'] = 'chunked';
      const ro: RequestOptions = {
        host: upstream.hostname,
        port: upstreamPort,
        method: view.method,
        path: view.url,
        headers: out,
        agent,
      };
      const up = send(ro, (ures) => {
        const resHeaders = headersOf(ures.headers);
        const sendHeaders: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(ures.headers))
          if (v !== undefined && !HOP_BY_HOP.has(k)) sendHeaders[k] = v;
        res.writeHead(ures.statusCode ?? 502, sendHeaders);
        const chunks: Buffer[] = [];
        let size = 0;
        let keptRes = 0;
        const write = (c: Buffer) => {
          if (!(res as ServerResponse).write(c)) {
            ures.pause();
            (res as ServerResponse).once('drain', () => ures.resume());
          }
        };
        // The first chunk waits for the next one, the end, or the end of this turn of the event loop,
        // whichever comes first: an answer that arrived whole leaves in one write (head, body and
        // end), not two segments the client must wake for; a stream is held back by one turn at most.
        let held: Buffer | undefined;
        let flowing = false;
        const release = () => {
          flowing = true;
          if (held) write(held);
          held = undefined;
        };
        ures.on('data', (c: Buffer) => {
          size += c.length;
          if (keptRes < guard.bodyCap) {
            chunks.push(c);
            keptRes += c.length;
          }
          if (flowing) write(c);
          else if (held === undefined) {
            held = c;
            setImmediate(release);
          } else {
            release();
            write(c);
          }
        });
        ures.on('end', () => {
          flowing = true;
          if (held) res.end(held);
          else res.end();
          held = undefined;
          const response = { status: ures.statusCode ?? 502, headers: resHeaders } as NonNullable<
            Pending['exchange']['response']
          >;
          if (size > 0) response.body = bodyOf(chunks, size, guard.bodyCap, resHeaders);
          guard.complete(pending, response, performance.now() - started);
        });
        ures.on('error', () => res.destroy());
      });
      up.on('error', () => {
        if (!res.headersSent) {
          const text = JSON.stringify({ error: 'bad gateway', requestId: pending.exchange.id });
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(text);
        } else res.destroy();
        guard.complete(pending, { status: 502, headers: {} }, performance.now() - started);
      });
      for (const c of prefix) up.write(c);
      if (ended) {
        up.end();
        return;
      }
      req.on('data', (c: Buffer) => {
        keep(c);
        if (!up.write(c)) {
          req.pause();
          up.once('drain', () => req.resume());
        }
      });
      req.on('end', () => up.end());
      req.on('error', () => up.destroy());
    };

    if (!hasBody) {
      req.resume();
      go([], true);
      return;
    }
    if (guard.mode === 'block' || opts.spec || guard.patchesBlock) {
      // Read up to the cap before deciding (signatures, spec, body patches); whatever follows streams.
      const prefix: Buffer[] = [];
      let decided = false;
      const onData = (c: Buffer) => {
        keep(c);
        prefix.push(c);
        if (kept >= guard.bodyCap && !decided) {
          decided = true;
          req.off('data', onData);
          req.off('end', onEnd);
          req.pause();
          go(prefix, false);
          req.resume();
        }
      };
      const onEnd = () => {
        if (decided) return;
        decided = true;
        go(prefix, true);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', () => undefined);
      return;
    }
    // Monitor: the request starts at once; the body streams and is analysed after the response.
    goMonitor();

    function goMonitor() {
      const ex = guard.exchangeOf(view, undefined, 'proxy');
      const pending = guard.inspect(ex);
      if (pending.rejection) {
        const r = pending.rejection;
        res.writeHead(r.status, { 'content-type': 'application/json', 'x-request-id': ex.id, ...r.headers });
        res.end(JSON.stringify(r.body));
        req.resume();
        guard.complete(pending, { status: r.status, headers: {} }, performance.now() - started);
        return;
      }
      // The body is recorded once complete; the detector judges it after the response.
      req.on('end', () => {
        if (reqSize > 0) ex.request.body = bodyOf(reqChunks, reqSize, guard.bodyCap, headers);
      });
      forward(pending, [], false);
    }
  };

  const server = opts.tls
    ? createSecureServer({ key: opts.tls.key, cert: opts.tls.cert, allowHTTP1: true }, handle)
    : createServer({ keepAliveTimeout: 5000 }, handle);

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && (err.code === 'HPE_HEADER_OVERFLOW' || err.code?.startsWith('HPE_'))) {
      const body = JSON.stringify({ error: 'bad request' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });

  /** Open WebSocket tunnels, closed with the proxy. */
  const tunnels = new Set<() => void>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const headers = headersOf(req.headers);
    const ex = guard.exchangeOf(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        scheme: clientScheme,
        headers,
        peer: req.socket.remoteAddress,
      },
      undefined,
      'proxy',
    );
    const pending = guard.inspect(ex);
    if (pending.rejection) {
      const body = JSON.stringify(pending.rejection.body);
      socket.end(
        `HTTP/1.1 ${pending.rejection.status} Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
      guard.complete(pending, { status: pending.rejection.status, headers: {} }, 0);
      return;
    }
    const target = secure
      ? tlsConnect({ host: upstream.hostname, port: upstreamPort, servername: upstream.hostname })
      : netConnect({ host: upstream.hostname, port: upstreamPort });
    target.once(secure ? 'secureConnect' : 'connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i]!;
        if (k.toLowerCase() === 'x-forwarded-for') continue;
        lines.push(`${k}: ${req.rawHeaders[i + 1]}`);
      }
      const xff = headers['x-forwarded-for'];
      const peer = req.socket.remoteAddress;
      if (peer) lines.push(`X-Forwarded-For: ${xff ? `${xff}, ${peer}` : peer}`);
      target.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) target.write(head);
      socket.pipe(target).pipe(socket);
      guard.complete(pending, { status: 101, headers: {} }, 0);
    });
    const kill = () => {
      socket.destroy();
      target.destroy();
      tunnels.delete(kill);
    };
    tunnels.add(kill);
    target.on('error', kill);
    socket.on('error', kill);
    target.on('close', kill);
    socket.on('close', kill);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            for (const kill of [...tunnels]) kill();
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}
