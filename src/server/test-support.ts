// A server over a fresh SQLite store with one token per role, for the server's HTTP-level tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createIngestQueue, createPipeline, type MaskOptions } from '../pipeline/index.js';
import { openStore, type PlatformStore, type Role } from '../store/index.js';
import { buildServer, type ServerOptions } from './app.js';
import { createToken } from './auth.js';

export interface TestServer {
  app: FastifyInstance;
  store: PlatformStore;
  file: string;
  tokens: Record<Role, string>;
  mask: MaskOptions;
  /** inject() with the bearer token of a role (or none). */
  call(role: Role | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestServer(extra: Partial<ServerOptions> = {}): Promise<TestServer> {
  const file = join(mkdtempSync(join(tmpdir(), 'mamori-server-')), 'server.db');
  const store = await openStore(file);
  const mask: MaskOptions = {};
  const pipeline = createPipeline({ store, options: { mask } });
  const app = await buildServer({
    store,
    queue: createIngestQueue(pipeline),
    rateLimit: 100_000,
    mask,
    ...extra,
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'analyst', 'viewer', 'ingest'] as const)
    tokens[role] = (await createToken(store, role, role)).value;
  return {
    app,
    store,
    file,
    tokens,
    mask,
    call: (role, opts) =>
      app.inject({
        ...opts,
        headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...(opts.headers ?? {}) },
      }),
    async close() {
      await app.close();
      await store.close();
    },
  };
}
