// The scanner's own callback listener, on 127.0.0.1 only: SSRF payloads point the target at it, and
// a hit carrying the payload's token is the confirmation. It also serves JWKS documents for `jku`
// tests. It never connects anywhere itself.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackHit {
  token: string;
  method: string;
  path: string;
  time: number;
}

export class CallbackListener {
  readonly hits: CallbackHit[] = [];
  private readonly documents = new Map<string, string>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      const m = /^\/(?:cb|jwks)\/([a-z0-9]+)/.exec(path);
      if (m?.[1]) this.hits.push({ token: m[1], method: req.method ?? 'GET', path, time: Date.now() });
      const doc = m?.[1] ? this.documents.get(m[1]) : undefined;
      res.writeHead(doc ? 200 : 204, doc ? { 'content-type': 'application/json' } : {});
      res.end(doc ?? '');
      req.resume();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  url(token: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}/cb/${token}`;
  }

  serve(token: string, body: string): string {
    this.documents.set(token, body);
    return `http://127.0.0.1:${this.port}/jwks/${token}.json`;
  }

  hit(token: string): CallbackHit | undefined {
    return this.hits.find((h) => h.token === token);
  }

  /** Waits up to `ms` for a hit with this token (the target may fetch asynchronously). */
  async waitFor(token: string, ms: number, signal?: AbortSignal): Promise<CallbackHit | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const h = this.hit(token);
      if (h || Date.now() >= end || signal?.aborted) return h;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
