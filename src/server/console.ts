// Serves the built web console (console/dist) at `/`: its files as they are, and index.html for any
// other GET outside the API (the console routes in the browser). Strict CSP: scripts, styles and
// connections only from this origin, no inline script. Without a build, `/` says how to make one.

import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mamori</title></head>
<body><h1>mamori</h1><p>The web console is not built. Build it with <code>npx vite build console</code>
and restart <code>mamori serve</code>. The REST API is served under <code>/api/v1</code>
(described at <code>/api/v1/openapi.json</code>).</p></body></html>
`;

/** A file under `root` for a URL path, or undefined (outside the root, hidden, or not a file). */
async function fileFor(root: string, urlPath: string): Promise<string | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.split('/').some((seg) => seg.startsWith('.'))) return undefined;
  const file = resolve(root, `.${path}`);
  if (!file.startsWith(root + sep)) return undefined;
  const st = await stat(file).catch(() => undefined);
  return st?.isFile() ? file : undefined;
}

export function registerConsole(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): void {
  const root = resolve(dir);
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const urlPath = req.url.split('?')[0] ?? '/';
    if (urlPath.startsWith('/api/') || urlPath === '/api')
      return reply.code(404).send({ error: 'not-found', message: 'no such route' });
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('referrer-policy', 'no-referrer');
    const index = join(root, 'index.html');
    if (!(await stat(index).catch(() => undefined))?.isFile())
      return reply
        .code(urlPath === '/' ? 200 : 404)
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT);
    const file = urlPath === '/' ? undefined : await fileFor(root, urlPath);
    if (file) {
      // Vite names built assets by content hash, so they may be cached for good.
      if (urlPath.startsWith('/assets/'))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(await readFile(file));
    }
    // A missing asset is a 404, not the page (a script tag must not receive HTML).
    if (/\.[a-z0-9]+$/i.test(urlPath) && !urlPath.endsWith('.html'))
      return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type('text/html; charset=utf-8').send(await readFile(index));
  };
  app.get('/', handler);
  app.get('/*', handler);
}
