// A deliberately vulnerable API (mode 'vulnerable') and its correctly built twin (mode 'secure'),
// both on node:http, both described by ./spec.ts. Tests start it on 127.0.0.1 port 0.
// Every flaw the scanner catalogue looks for lives here once, next to its safe counterpart.
// Containment: the SSRF feature fetches only loopback addresses (names other than `localhost` are
// never resolved; any non-loopback address is refused before connecting); cloud metadata hosts are
// SIMULATED (answered from a table, no connection); the "shell" is an emulator that understands
// only `expr`, `sleep`, `echo` and `ping` — nothing is executed.

import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  timingSafeEqual,
  verify as verifySig,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  get as httpGet,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';

export type TestApiMode = 'vulnerable' | 'secure';

interface User {
  id: number;
  username: string;
  email: string;
  password: string;
  role: 'user' | 'admin';
  displayName: string;
  plan: string;
  [extra: string]: unknown;
}

export interface TestApi {
  url: string;
  port: number;
  mode: TestApiMode;
  /** Bearer tokens of the seeded users. */
  tokens: { alice: string; bob: string; admin: string };
  /** Requests received (all paths). */
  requests: () => number;
  /** Simulated crashes (the flaw of MAM-SCAN-API4-008). */
  crashes: () => number;
  close(): Promise<void>;
}

const b64u = (v: string | Buffer) => Buffer.from(v).toString('base64url');

function sign(payload: Record<string, unknown>, secret: string): string {
  const head = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64u(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);
const METADATA: Record<string, string> = {
  '169.254.169.254/latest/meta-data/iam/security-credentials/':
    '{"Code":"Success","AccessKeyId":"ASIA0000EXAMPLE00000","SecretAccessKey":"simulated","Token":"simulated"}',
  'metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token':
    '{"access_token":"ya29.simulated","expires_in":3599,"token_type":"Bearer"}',
  '169.254.169.254/metadata/instance':
    '{"compute":{"vmId":"00000000-0000-0000-0000-000000000000","location":"simulated"}}',
  '100.100.100.200/latest/meta-data/instance-id': 'i-0a1b2c3d4e5f60718',
};

export async function startTestApi(mode: TestApiMode): Promise<TestApi> {
  const vulnerable = mode === 'vulnerable';
  const secret = vulnerable ? 'secret' : randomBytes(32).toString('hex');
  // An RSA key whose public half is published as a JWKS (normal); the vulnerable variant also accepts
  // HS256 tokens whose HMAC secret is that public key in PEM form (key confusion).
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = String(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  const jwks = JSON.stringify({
    keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' }],
  });
  const filesDir = mkdtempSync(join(tmpdir(), 'mamori-testapi-'));
  writeFileSync(join(filesDir, 'readme.txt'), 'Welcome to the test API.\n');
  const db = new Database(':memory:');
  let pendingSleep = 0;
  const sleepFn = (s: unknown) => {
    pendingSleep = Math.max(pendingSleep, Math.min(Number(s) || 0, 8));
    return '';
  };
  db.function('pg_sleep', sleepFn);
  db.function('sleep', sleepFn);
  db.exec(`CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT, category TEXT, price REAL, inStock INTEGER);
           CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT, owner TEXT, status TEXT, total REAL);
           CREATE TABLE jwt_keys (kid TEXT PRIMARY KEY, key TEXT);
           CREATE TABLE accounts (username TEXT PRIMARY KEY, password TEXT);`);
  const insert = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?)');
  const cats = ['books', 'lamps', 'tools', 'toys', 'garden'];
  for (let i = 1; i <= 250; i++) {
    insert.run(
      `SKU-${String(i).padStart(4, '0')}`,
      `${cats[i % 5] === 'lamps' ? 'lamp' : 'item'} ${i}`,
      cats[i % 5],
      5 + (i % 40),
      i % 3 ? 1 : 0,
    );
  }
  db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)').run(1, 'acme', 'alice', 'open', 42.5);
  db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)').run(2, 'acme', 'bob', 'shipped', 10);
  db.prepare('INSERT INTO jwt_keys VALUES (?, ?)').run('main', secret);

  const users: User[] = [
    {
      id: 1,
      username: 'alice',
      email: 'alice@example.com',
      password: randomBytes(9).toString('hex'),
      role: 'user',
      displayName: 'Alice',
      plan: 'free',
    },
    {
      id: 2,
      username: 'bob',
      email: 'bob@example.com',
      password: randomBytes(9).toString('hex'),
      role: 'user',
      displayName: 'Bob',
      plan: 'free',
    },
    {
      id: 3,
      username: 'admin',
      email: 'admin@example.com',
      password: vulnerable ? 'admin123' : randomBytes(9).toString('hex'), // flaw: a common password
      role: 'admin',
      displayName: 'Admin',
      plan: 'enterprise',
    },
  ];
  for (const u of users) db.prepare('INSERT INTO accounts VALUES (?, ?)').run(u.username, u.password);
  const secrets: Record<string, Record<string, unknown>> = {};
  for (const u of users) {
    secrets[u.username] = {
      passwordHash: `$2b$10$${randomBytes(20).toString('base64url')}`,
      apiKey: `sk_live_${randomBytes(12).toString('hex')}`,
      ssn: '078-05-1120',
      mfaSecret: 'JBSWY3DPEHPK3PXP',
      resetToken: randomBytes(8).toString('hex'),
    };
  }
  interface Note {
    id: number;
    owner: string;
    title: string;
    body: string;
    tags?: unknown;
  }
  const notes: Note[] = [];
  let nextNote = 1;
  for (const owner of ['alice', 'bob', 'admin']) {
    for (let i = 0; i < 3; i++)
      notes.push({ id: nextNote++, owner, title: `${owner} note ${i}`, body: `private to ${owner}` });
  }
  const now = Math.floor(Date.now() / 1000);
  const tokenOf = (u: User) =>
    sign({ sub: u.username, username: u.username, role: u.role, iat: now, exp: now + 3600 }, secret);
  const tokens = { alice: tokenOf(users[0]!), bob: tokenOf(users[1]!), admin: tokenOf(users[2]!) };
  const throttle = new Map<string, number[]>();
  const throttled = (key: string, max: number): boolean => {
    if (vulnerable) return false;
    const t = Date.now();
    const list = (throttle.get(key) ?? []).filter((x) => t - x < 60_000);
    list.push(t);
    throttle.set(key, list);
    return list.length > max;
  };
  let count = 0;
  const captchas = new Map<number, string>();
  let nextComment = 1;
  let nextCaptcha = 1;

  // ---- authentication -------------------------------------------------------------------------
  async function authenticate(
    req: IncomingMessage,
    opts: { decodeOnly?: boolean } = {},
  ): Promise<{ user: User; role: string } | undefined> {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m?.[1]) return undefined;
    const parts = m[1].split('.');
    if (parts.length !== 3) return undefined;
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const signing = `${parts[0]}.${parts[1]}`;
    const sig = Buffer.from(parts[2]!, 'base64url');
    const hmacOk = (key: string | Buffer) => {
      const mac = createHmac('sha256', key).update(signing).digest();
      return mac.length === sig.length && timingSafeEqual(mac, sig);
    };
    let valid = false;
    if (!vulnerable) {
      valid =
        header['alg'] === 'HS256' &&
        hmacOk(secret) &&
        typeof payload['exp'] === 'number' &&
        payload['exp'] > Date.now() / 1000;
    } else if (opts.decodeOnly)
      valid = true; // flaw: legacy endpoint never verifies
    else if (String(header['alg']).toLowerCase() === 'none')
      valid = true; // flaw: alg none
    else if (parts[2] === '')
      valid = true; // flaw: signature optional
    else if (typeof header['jku'] === 'string') {
      const jwks = await loopbackFetch(header['jku']).catch(() => undefined); // flaw: keys from the token
      const key = jwks
        ? ((JSON.parse(jwks.body) as { keys?: Array<Record<string, unknown>> }).keys?.[0] ?? undefined)
        : undefined;
      valid =
        !!key &&
        verifySig('sha256', Buffer.from(signing), createPublicKey({ key: key as never, format: 'jwk' }), sig);
    } else if (header['jwk'] && typeof header['jwk'] === 'object') {
      valid = verifySig(
        'sha256',
        Buffer.from(signing),
        createPublicKey({ key: header['jwk'] as never, format: 'jwk' }),
        sig,
      ); // flaw
    } else if (typeof header['kid'] === 'string') {
      const kid = header['kid'];
      let key: string | Buffer | undefined;
      try {
        key = /^[./]/.test(kid)
          ? readFileSync(resolve(filesDir, 'keys', kid)) // flaw: kid path traversal
          : (
              db.prepare(`SELECT key FROM jwt_keys WHERE kid = '${kid}'`).get() as
                | { key?: string }
                | undefined
            )?.key; // flaw: kid SQLi
      } catch {
        key = undefined;
      }
      valid = key !== undefined && hmacOk(key);
    } else valid = hmacOk(secret) || hmacOk(publicPem); // flaws: weak secret, exp never checked, key confusion
    if (!valid) return undefined;
    const user = users.find((u) => u.username === payload['sub']);
    return user ? { user, role: String(payload['role'] ?? user.role) } : undefined;
  }

  // ---- SSRF-contained fetch -------------------------------------------------------------------
  function loopbackFetch(raw: string): Promise<{ status: number; body: string }> {
    const url = new URL(raw);
    if (url.protocol !== 'http:') return Promise.reject(new Error('only http'));
    // Resolution without DNS: only `localhost` is a name we resolve; every other name is refused.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const address = host === 'localhost' ? '127.0.0.1' : /^[\d.]+$|:/.test(host) ? host : undefined;
    if (!address || !LOOPBACK.has(address))
      return Promise.reject(new Error(`refused non-loopback address ${host}`));
    return new Promise((ok, fail) => {
      const r = httpGet(
        { host: address, port: url.port || 80, path: url.pathname + url.search, timeout: 2000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (body.length < 4000) body += c;
          });
          res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', fail);
    });
  }

  // ---- helpers --------------------------------------------------------------------------------
  const baseHeaders = (res: ServerResponse, req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (vulnerable) {
      res.setHeader('x-powered-by', 'Express 4.17.1');
      if (origin) {
        res.setHeader('access-control-allow-origin', origin); // flaw: reflect any origin
        res.setHeader('access-control-allow-credentials', 'true');
      }
    } else {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('cache-control', 'no-store');
      if (origin === 'https://app.example') {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('vary', 'Origin');
      }
    }
  };
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string) =>
    send(res, status, { error: message });
  const crash = (res: ServerResponse, err: unknown) => {
    if (vulnerable)
      send(res, 500, { error: String((err as Error).message), stack: (err as Error).stack }); // flaw
    else fail(res, 500, 'internal error');
  };
  const readBody = (req: IncomingMessage, cap: number): Promise<string | undefined> =>
    new Promise((ok) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= cap) chunks.push(c);
      });
      req.on('end', () => ok(size > cap ? undefined : Buffer.concat(chunks).toString('utf8')));
    });
  const publicUser = (u: User) =>
    vulnerable
      ? { ...Object.fromEntries(Object.entries(u).filter(([k]) => k !== 'password')), ...secrets[u.username] } // flaw: everything
      : {
          id: u.id,
          username: u.username,
          email: u.email,
          displayName: u.displayName,
          role: u.role,
          plan: u.plan,
        };
  const matches = (value: unknown, cond: unknown): boolean => {
    if (cond && typeof cond === 'object') {
      // flaw (vulnerable only reaches here): Mongo-style operators evaluated from JSON input
      const [op, arg] = Object.entries(cond)[0] ?? [];
      if (op === '$ne') return value !== arg;
      if (op === '$gt') return String(value) > String(arg);
      if (op === '$regex') return new RegExp(String(arg)).test(String(value));
      return false;
    }
    return value === cond;
  };
  const shell = async (line: string): Promise<string> => {
    // Emulates `sh -c "ping -c 1 <input>"`: splits on ; | && newline, $( ) and backticks.
    let out = '';
    const subst = line.replace(
      /\$\(([^)]*)\)|`([^`]*)`/g,
      (_, a: string | undefined, b: string | undefined) => `;${a ?? b ?? ''}`,
    );
    for (const cmd of subst
      .split(/;|\|\||&&|\||\n/)
      .map((c) => c.trim())
      .filter(Boolean)) {
      const [name, ...args] = cmd.split(/\s+/);
      if (name === 'expr' && args[1] === '+') out += `${Number(args[0]) + Number(args[2])}\n`;
      else if (name === 'sleep')
        await new Promise((r) => setTimeout(r, Math.min(Number(args[0]) || 0, 8) * 1000));
      else if (name === 'echo') out += `${args.join(' ')}\n`;
      else if (name === 'ping')
        out += `PING ${args[args.length - 1] ?? ''}: 1 packets transmitted, 1 received\n`;
      else out += `sh: ${name}: not found\n`;
    }
    return out;
  };
  const render = (s: string) =>
    s.replace(
      /\{\{\s*(\d+)\s*\*\s*(\d+)\s*\}\}|\$\{\s*(\d+)\s*\*\s*(\d+)\s*\}|<%=\s*(\d+)\s*\*\s*(\d+)\s*%>|#\{\s*(\d+)\s*\*\s*(\d+)\s*\}|\*\{\s*(\d+)\s*\*\s*(\d+)\s*\}/g,
      (...m: unknown[]) => {
        const nums = (m.slice(1, 11) as Array<string | undefined>).filter(
          (x): x is string => x !== undefined,
        );
        return String(Number(nums[0]) * Number(nums[1]));
      },
    );

  // ---- routes ---------------------------------------------------------------------------------
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    count++;
    baseHeaders(res, req);
    const url = new URL(req.url ?? '/', 'http://test.invalid');
    let method = (req.method ?? 'GET').toUpperCase();
    if (method === 'TRACE') {
      if (!vulnerable) return fail(res, 405, 'method not allowed');
      const echo = `TRACE ${req.url} HTTP/1.1\r\n${Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\r\n')}`;
      return send(res, 200, echo, 'message/http'); // flaw
    }
    const override = req.headers['x-http-method-override'] ?? req.headers['x-method-override'];
    if (vulnerable && method === 'GET' && typeof override === 'string') method = override.toUpperCase(); // flaw
    let path = url.pathname;
    const rawPath = path;
    if (path === '/' || path === '') return send(res, 200, { name: 'test api' });
    const exposed = vulnerable ? EXPOSED[path === '/graphql' ? '/graphql' : path] : undefined;
    if (exposed) return send(res, 200, exposed[1], exposed[0]); // flaw: undocumented endpoints
    if (path === '/.well-known/jwks.json') return send(res, 200, jwks);
    if (path === '/backup/' || path === '/backup') {
      if (!vulnerable) return fail(res, 404, 'not found');
      const links = Object.keys(BACKUP)
        .map((f) => `<li><a href="/backup/${f}">${f}</a></li>`)
        .join('');
      return send(
        res,
        200,
        `<html><head><title>listing directory /backup/</title></head><body><ul>${links}</ul></body></html>`,
        'text/html',
      ); // flaw: directory listing
    }
    const backupMatch = /^\/backup\/([^/]+)$/.exec(path);
    if (backupMatch && method === 'GET') {
      let name: string;
      try {
        name = decodeURIComponent(backupMatch[1]!);
      } catch {
        return fail(res, 400, 'invalid name');
      }
      if (!/\.(md|pdf)$/.test(name)) return fail(res, 403, 'Only .md and .pdf files are allowed!');
      if (vulnerable)
        name = name.split('%00')[0]!.split('\0')[0]!; // flaw: cut at a null byte after the check
      else if (/[%\0]/.test(name)) return fail(res, 400, 'invalid name');
      const file = BACKUP[name];
      return file ? send(res, 200, file, 'text/plain') : fail(res, 404, 'no such file');
    }
    const version = /^\/api\/(v\d+|internal|beta|dev)(\/.*)$/.exec(path);
    if (!version) return fail(res, 404, 'not found');
    const anonymousOldVersion = vulnerable && version[1] === 'v1';
    if (version[1] !== 'v2' && !(vulnerable && (version[1] === 'v1' || version[1] === 'internal')))
      return fail(res, 404, 'not found');
    path = version[2] ?? '/';
    const q = url.searchParams;
    const auth = anonymousOldVersion
      ? { user: users[0]!, role: 'user' } // flaw: the old version skips authentication
      : await authenticate(req, { decodeOnly: path === '/legacy/profile' });
    const needAuth = () => {
      if (auth) return auth;
      fail(res, 401, 'authentication required');
      return undefined;
    };
    const jsonBody = async (): Promise<Record<string, unknown> | undefined> => {
      const text = await readBody(req, vulnerable ? 16 * 1024 * 1024 : 64 * 1024);
      if (text === undefined) {
        fail(res, 413, 'payload too large');
        return undefined;
      }
      try {
        const v = JSON.parse(text || '{}') as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SyntaxError('expected an object');
        return v as Record<string, unknown>;
      } catch (err) {
        if (vulnerable) crash(res, err);
        else fail(res, 400, 'invalid JSON');
        return undefined;
      }
    };

    if (path === '/login' && method === 'POST') {
      const body = await jsonBody();
      if (!body) return;
      if (throttled('login', 10)) {
        res.setHeader('retry-after', '60');
        return fail(res, 429, 'too many attempts');
      }
      if (!vulnerable) {
        if (typeof body['username'] !== 'string' || typeof body['password'] !== 'string')
          return fail(res, 400, 'invalid body');
        const u = users.find((x) => x.username === body['username'] && x.password === body['password']);
        return u ? send(res, 200, { token: tokenOf(u) }) : fail(res, 401, 'invalid credentials');
      }
      if (typeof body['username'] === 'string' && typeof body['password'] === 'string') {
        let row: { username: string } | undefined;
        try {
          row = db
            .prepare(
              `SELECT username FROM accounts WHERE username = '${body['username']}' AND password = '${body['password']}'`,
            )
            .get() as { username: string } | undefined; // flaw: concatenated credential query
        } catch (err) {
          return crash(res, err);
        }
        const hit = row && users.find((x) => x.username === row.username);
        if (hit) return send(res, 200, { token: tokenOf(hit), user: hit.username });
      }
      const u = users.find((x) => matches(x.username, body['username']));
      if (!u) return fail(res, 404, 'no such user'); // flaw: enumeration
      if (!matches(u.password, body['password'])) return fail(res, 401, 'wrong password');
      return send(res, 200, { token: tokenOf(u), user: u.username });
    }
    if (path === '/users' && method === 'POST') {
      const body = await jsonBody();
      if (!body) return;
      if (!vulnerable) {
        const name = body['username'];
        const pw = body['password'];
        const mail = body['email'];
        if (typeof name !== 'string' || !/^[a-z0-9_.-]{3,30}$/i.test(name)) return fail(res, 400, 'username');
        if (typeof pw !== 'string' || pw.length < 8 || pw.length > 100) return fail(res, 400, 'password');
        if (typeof mail !== 'string' || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(mail))
          return fail(res, 400, 'email');
        if (users.some((x) => x.username === name)) return fail(res, 409, 'username taken');
      }
      const u: User = {
        ...(vulnerable ? body : {}), // flaw: every client field stored (role included)
        id: users.length + 1,
        username: String(body['username']),
        email: String(body['email']),
        password: String(body['password']),
        role: vulnerable && body['role'] === 'admin' ? 'admin' : 'user',
        displayName: String(body['username']),
        plan: 'free',
      };
      users.push(u);
      return send(res, 201, { id: u.id, username: u.username, email: u.email, role: u.role });
    }
    if (path === '/password-reset' && method === 'POST') {
      const body = await jsonBody();
      if (!body) return;
      if (throttled('reset', 5)) {
        res.setHeader('retry-after', '60');
        return fail(res, 429, 'too many attempts');
      }
      if (!vulnerable) return send(res, 202, { status: 'if the account exists, a message was sent' });
      return users.some((u) => u.email === body['email'])
        ? send(res, 202, { status: 'sent' })
        : fail(res, 404, 'unknown email');
    }
    if ((path === '/me' || path === '/legacy/profile') && method === 'GET') {
      const a = needAuth();
      const fn = q.get('callback');
      if (a && vulnerable && fn && path === '/me')
        // flaw: JSONP
        return send(
          res,
          200,
          `/**/ typeof ${fn} === 'function' && ${fn}(${JSON.stringify(publicUser(a.user))});`,
          'text/javascript',
        );
      if (a) send(res, 200, publicUser(a.user));
      return;
    }
    if (path === '/me' && method === 'PATCH') {
      const a = needAuth();
      if (!a) return;
      const body = await jsonBody();
      if (!body) return;
      if (vulnerable)
        Object.assign(a.user, body); // flaw: mass assignment
      else {
        if (
          body['displayName'] !== undefined &&
          (typeof body['displayName'] !== 'string' || body['displayName'].length > 60)
        )
          return fail(res, 400, 'displayName');
        if (
          body['email'] !== undefined &&
          (typeof body['email'] !== 'string' || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(body['email']))
        )
          return fail(res, 400, 'email');
        if (typeof body['displayName'] === 'string') a.user.displayName = body['displayName'];
        if (typeof body['email'] === 'string') a.user.email = body['email'];
      }
      return send(res, 200, publicUser(a.user));
    }
    if (path === '/payment-methods' && method === 'GET') {
      const a = needAuth();
      if (!a) return;
      return send(res, 200, [
        vulnerable
          ? { id: 1, cardNumber: '4111 1111 1111 1111', brand: 'visa' }
          : { id: 1, last4: '1111', brand: 'visa' },
      ]);
    }
    if (path === '/notes' && method === 'GET') {
      const a = needAuth();
      if (a)
        send(
          res,
          200,
          notes.filter((n) => n.owner === a.user.username),
        );
      return;
    }
    if (path === '/notes' && method === 'POST') {
      const a = needAuth();
      if (!a) return;
      const body = await jsonBody();
      if (!body) return;
      if (!vulnerable) {
        const bad = validateNote(body);
        if (bad) return fail(res, 400, bad);
      }
      const n: Note = {
        id: nextNote++,
        owner: a.user.username,
        title: body['title'] as string,
        body: body['body'] as string,
        ...(body['tags'] !== undefined ? { tags: body['tags'] } : {}),
      };
      notes.push(n);
      return send(res, 201, n);
    }
    const noteMatch = /^\/notes\/([^/]+)$/.exec(path);
    if (noteMatch) {
      const a = needAuth();
      if (!a) return;
      let id: number;
      try {
        const raw = decodeURIComponent(noteMatch[1]!);
        if (!/^\d+$/.test(raw)) {
          if (vulnerable) throw new TypeError(`invalid note id ${raw}`); // flaw: crashes instead of 400
          return fail(res, 400, 'noteId must be an integer');
        }
        id = Number(raw);
      } catch (err) {
        return crash(res, err);
      }
      const n = notes.find((x) => x.id === id && (vulnerable || x.owner === a.user.username)); // flaw: no owner check
      if (!n) return fail(res, 404, 'not found');
      if (method === 'GET') return send(res, 200, n);
      if (method === 'DELETE') {
        notes.splice(notes.indexOf(n), 1);
        res.statusCode = 204;
        return void res.end();
      }
      if (method === 'PUT') {
        const body = await jsonBody();
        if (!body) return;
        if (!vulnerable) {
          const bad = validateNote(body);
          if (bad) return fail(res, 400, bad);
        }
        if (typeof body['title'] === 'string') n.title = body['title'];
        if (typeof body['body'] === 'string') n.body = body['body'];
        return send(res, 200, n);
      }
      return fail(res, 405, 'method not allowed');
    }
    if (path === '/products' && method === 'GET') {
      const category = q.get('category');
      const limitRaw = q.get('limit') ?? '20';
      const inStock = q.get('inStock');
      if (vulnerable) {
        const opKey = [...q.keys()].find((k) => /^category\[\$(ne|eq|gt)\]$/.test(k));
        if (opKey) {
          // flaw: query-string operators passed to the "database" filter
          const sqlOp = { ne: '!=', eq: '=', gt: '>' }[opKey.slice(10, 12) as 'ne' | 'eq' | 'gt'] ?? '=';
          const rows = db
            .prepare(`SELECT * FROM products WHERE category ${sqlOp} ? LIMIT 20`)
            .all(q.get(opKey));
          return send(res, 200, rows.map(productOut));
        }
        try {
          pendingSleep = 0;
          let sql = 'SELECT * FROM products WHERE 1=1';
          if (category !== null) sql += ` AND category = '${category}'`; // flaw: concatenated SQL
          if (inStock !== null) sql += ` AND inStock = ${inStock === 'true' ? 1 : 0}`;
          sql += ` LIMIT ${limitRaw}`; // flaw: unbounded / negative limit
          const rows = db.prepare(sql).all();
          if (pendingSleep) await new Promise((r) => setTimeout(r, pendingSleep * 1000));
          return send(res, 200, rows.map(productOut));
        } catch (err) {
          return crash(res, err);
        }
      }
      const limit = Number(limitRaw);
      if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > 50) return fail(res, 400, 'limit must be 1..50');
      if (inStock !== null && inStock !== 'true' && inStock !== 'false')
        return fail(res, 400, 'inStock must be a boolean');
      if ([...q.keys()].some((k) => k.includes('['))) return fail(res, 400, 'unknown parameter');
      const rows = db
        .prepare(
          `SELECT * FROM products WHERE (? IS NULL OR category = ?) AND (? IS NULL OR inStock = ?) LIMIT ?`,
        )
        .all(category, category, inStock, inStock === 'true' ? 1 : 0, limit);
      return send(res, 200, rows.map(productOut));
    }
    if (path === '/products/search' && method === 'GET') {
      if (throttled('search', 20)) {
        res.setHeader('retry-after', '60');
        return fail(res, 429, 'slow down');
      }
      const term = q.get('q') ?? '';
      return send(
        res,
        200,
        db.prepare('SELECT * FROM products WHERE name LIKE ? LIMIT 20').all(`%${term}%`).map(productOut),
      );
    }
    const productMatch = /^\/products\/([^/]+)$/.exec(path);
    if (productMatch && productMatch[1] !== 'lookup') {
      const sku = decodeURIComponent(productMatch[1]!);
      if (method === 'PATCH' && vulnerable) {
        // flaw: undeclared method routed and unprotected
        const body = await jsonBody();
        if (!body) return;
        for (const [k, v] of Object.entries(body))
          if (k === 'name' || k === 'category')
            db.prepare(`UPDATE products SET ${k} = ? WHERE sku = ?`).run(String(v), sku);
      } else if (method !== 'GET') return fail(res, 405, 'method not allowed');
      try {
        const row = vulnerable
          ? db.prepare(`SELECT * FROM products WHERE sku = '${sku}'`).get() // flaw
          : db.prepare('SELECT * FROM products WHERE sku = ?').get(sku);
        return row ? send(res, 200, productOut(row)) : fail(res, 404, 'not found');
      } catch (err) {
        return crash(res, err);
      }
    }
    if (path === '/products/lookup' && method === 'POST') {
      const body = await jsonBody();
      if (!body) return;
      const sku = body['sku'];
      if (!vulnerable && typeof sku !== 'string') return fail(res, 400, 'sku must be a string');
      try {
        const row = vulnerable
          ? db.prepare(`SELECT * FROM products WHERE sku = '${String(sku)}'`).get() // flaw: body value in SQL
          : db.prepare('SELECT * FROM products WHERE sku = ?').get(sku);
        return row ? send(res, 200, productOut(row)) : fail(res, 404, 'not found');
      } catch (err) {
        return crash(res, err);
      }
    }
    if (path === '/downloads' && method === 'GET') {
      if (!needAuth()) return;
      const file = q.get('file') ?? '';
      const name = vulnerable ? file.split('../').join('') : file; // flaw: non-recursive filter
      const full = resolve(filesDir, name);
      if (!vulnerable && !full.startsWith(filesDir + sep)) return fail(res, 400, 'invalid file');
      try {
        return send(res, 200, readFileSync(full, 'utf8').slice(0, 4000), 'text/plain');
      } catch {
        return fail(res, 404, 'no such file');
      }
    }
    if (path === '/orders' && method === 'GET') {
      const a = needAuth();
      if (!a) return;
      const status = q.get('status');
      const tenant = String(req.headers['x-tenant'] ?? 'acme');
      const batch = Number.parseInt(q.get('batch') ?? '10', 10);
      if (!vulnerable && q.get('batch') !== null && !(batch >= 1 && batch <= 1000))
        return fail(res, 400, 'batch must be 1..1000');
      // flaw: `new Array(batch)` on a huge batch throws RangeError outside any handler, which ends the
      // process; simulated here as a dropped connection and 500 ms of refused connections (a restart).
      if (vulnerable && batch > 2 ** 32) return simulateCrash(req);
      if (!vulnerable && status !== null && status !== 'open' && status !== 'shipped')
        return fail(res, 400, 'status');
      try {
        const rows = vulnerable
          ? db
              .prepare(
                `SELECT id, status, total FROM orders WHERE tenant = '${tenant}' AND owner = ?${status ? ` AND status = '${status.replace(/'/g, "''")}'` : ''}`,
              )
              .all(a.user.username) // flaw: header in SQL
          : db
              .prepare(
                'SELECT id, status, total FROM orders WHERE tenant = ? AND owner = ? AND (? IS NULL OR status = ?)',
              )
              .all(tenant, a.user.username, status, status);
        return send(res, 200, rows);
      } catch (err) {
        return crash(res, err);
      }
    }
    if (path === '/reports' && method === 'GET') {
      const present = vulnerable ? !!req.headers.authorization : !!auth; // flaw: presence-only check
      return present
        ? send(res, 200, [{ id: 1, name: 'quarterly' }])
        : fail(res, 401, 'authentication required');
    }
    if (path === '/stats' && method === 'GET') {
      if (!vulnerable && !needAuth()) return;
      return send(res, 200, { users: users.length, revenue: 1234.5 }); // flaw (vulnerable): no authentication
    }
    if (path === '/admin/users' && method === 'GET') {
      const a = needAuth();
      if (!a) return;
      if (!vulnerable && a.role !== 'admin') return fail(res, 403, 'forbidden'); // flaw (vulnerable): no role check
      return send(res, 200, users.map(publicUser));
    }
    if (path === '/admin/audit-log' && method === 'GET') {
      const a = needAuth();
      if (!a) return;
      const trustedIp = vulnerable && req.headers['x-forwarded-for'] === '127.0.0.1'; // flaw: spoofable allow-list
      if (a.role !== 'admin' && !trustedIp) return fail(res, 403, 'forbidden');
      return send(res, 200, [{ at: '2024-01-01T00:00:00Z', event: 'login' }]);
    }
    if (path === '/admin/announcements' && method === 'POST') {
      const a = needAuth();
      if (!a) return;
      if (!vulnerable && a.role !== 'admin') return fail(res, 403, 'forbidden');
      const body = await jsonBody();
      if (!body) return;
      return send(res, 201, { message: String(body['message'] ?? '') });
    }
    if (path === '/preview' && method === 'GET') {
      if (!needAuth()) return;
      const target = q.get('url') ?? '';
      if (!vulnerable) return fail(res, 400, 'only https://cdn.example.com links can be previewed');
      try {
        const u = new URL(target);
        if (u.protocol === 'file:')
          return send(res, 200, {
            status: 200,
            body: readFileSync(decodeURIComponent(u.pathname), 'utf8').slice(0, 2000),
          }); // flaw
        const key = `${u.hostname}${u.pathname}`;
        const simulated = METADATA[key];
        if (simulated) return send(res, 200, { status: 200, body: simulated }); // flaw (simulated: no connection)
        const r = await loopbackFetch(target); // flaw: fetches what the client names (loopback only here)
        return send(res, 200, { status: r.status, body: r.body.slice(0, 500) });
      } catch (err) {
        return fail(res, 400, `cannot fetch: ${(err as Error).message}`);
      }
    }
    if (path === '/tools/ping' && method === 'GET') {
      if (!needAuth()) return;
      const host = q.get('host') ?? '';
      if (!vulnerable) {
        if (!/^[a-z0-9.-]{1,253}$/i.test(host)) return fail(res, 400, 'invalid host');
        return send(res, 200, `PING ${host}: 1 packets transmitted, 1 received\n`, 'text/plain');
      }
      return send(res, 200, await shell(`ping -c 1 ${host}`), 'text/plain'); // flaw (emulated shell)
    }
    if (path === '/files' && method === 'GET') {
      if (!needAuth()) return;
      let name = q.get('name') ?? '';
      if (vulnerable) {
        try {
          name = decodeURIComponent(name); // flaw: decodes twice
        } catch {
          /* keep */
        }
        name = name.replace('../', ''); // flaw: strips only the first ../
        try {
          return send(res, 200, readFileSync(resolve(filesDir, name), 'utf8').slice(0, 4000), 'text/plain');
        } catch {
          return fail(res, 404, 'no such file');
        }
      }
      const full = resolve(filesDir, name);
      if (!full.startsWith(filesDir + sep)) return fail(res, 400, 'invalid name');
      try {
        return send(res, 200, readFileSync(full, 'utf8'), 'text/plain');
      } catch {
        return fail(res, 404, 'no such file');
      }
    }
    if (path === '/imports' && method === 'POST') {
      // multipart/form-data: title + file (declared application/pdf, at most 2000 bytes)
      if (!needAuth()) return;
      const text = await readBody(req, 4 * 1024 * 1024);
      const parts = parseMultipart(String(req.headers['content-type'] ?? ''), text ?? '');
      const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
      const title = parts.find((p) => p.name === 'title')?.content ?? '';
      if (!file) return fail(res, 400, 'file is required');
      if (!vulnerable) {
        if (!/\.pdf$/i.test(file.filename!) || !file.content.startsWith('%PDF-'))
          return fail(res, 415, 'only PDF files are accepted');
        if (file.content.length > 2000) return fail(res, 413, 'file too large');
        if (title.length > 50) return fail(res, 400, 'title');
        return send(res, 201, { imported: file.filename, bytes: file.content.length });
      }
      // flaws: any type and size accepted; XML files parsed with external entities expanded
      if (/\.xml$/i.test(file.filename!) || file.contentType?.includes('xml'))
        return send(res, 201, { imported: file.filename, parsed: expandXml(file.content) });
      return send(res, 201, { imported: file.filename, bytes: file.content.length, title });
    }
    if (path === '/orders/import' && method === 'POST') {
      // application/xml: <order><sku>…</sku><quantity>…</quantity></order>
      if (!needAuth()) return;
      const text = (await readBody(req, 64 * 1024)) ?? '';
      if (!vulnerable && /<!DOCTYPE/i.test(text)) return fail(res, 400, 'DTDs are not accepted');
      const xml = vulnerable ? expandXml(text) : text; // flaw: external entities expanded
      const sku = /<sku>([\s\S]*?)<\/sku>/.exec(xml)?.[1] ?? '';
      const quantity = /<quantity>([\s\S]*?)<\/quantity>/.exec(xml)?.[1] ?? '';
      if (!vulnerable && !/^[1-9]\d{0,2}$/.test(quantity)) return fail(res, 400, 'quantity must be 1..999');
      return send(res, 201, { sku, quantity });
    }
    // A document store queried with JavaScript conditions, as MongoDB's $where does. The vulnerable
    // variant builds the condition from the path ("this.product == <id>", "this.orderId === '<id>'")
    // and evaluates it with a tiny interpreter (sleep(ms) per document, '||' of literals); the twin
    // validates the id and compares values.
    const ratingMatch = /^\/ratings\/([^/]+)$/.exec(path);
    if (ratingMatch && method === 'GET') {
      const raw = decodeURIComponent(ratingMatch[1]!);
      if (/^\d+$/.test(raw) && (vulnerable || Number.isSafeInteger(Number(raw))))
        return send(
          res,
          200,
          RATINGS.filter((r) => r.product === Number(raw)),
        );
      if (!vulnerable) return fail(res, 400, 'productId must be an integer');
      const sleep = /^sleep\((\d+)\)$/.exec(raw);
      if (!sleep) return fail(res, 500, `ReferenceError: ${raw.replace(/\W.*$/, '')} is not defined`);
      await new Promise((r) => setTimeout(r, Math.min(Number(sleep[1]), 2000) * RATINGS.length)); // flaw
      return send(res, 200, []);
    }
    const trackMatch = /^\/track\/([^/]+)$/.exec(path);
    if (trackMatch && method === 'GET') {
      const raw = decodeURIComponent(trackMatch[1]!);
      if (!vulnerable) {
        if (!/^[\w-]{1,40}$/.test(raw)) return fail(res, 400, 'invalid order id');
        return send(res, 200, {
          data: tracked(
            TRACKED.filter((t) => t.orderId === raw),
            raw,
          ),
        });
      }
      const [id, ...ors] = raw.split("'||");
      let all = false;
      for (const term of ors) {
        const sleep = /^sleep\((\d+)\)(\|\|')?$/.exec(term);
        const cmp = /^'(\w*)'=='(\w*)'?$/.exec(term);
        if (sleep) await new Promise((r) => setTimeout(r, Math.min(Number(sleep[1]), 2000) * TRACKED.length));
        else if (cmp) all ||= cmp[1] === cmp[2];
        else return fail(res, 500, 'SyntaxError: Unexpected token'); // flaw: the condition is code
      }
      return send(res, 200, { data: tracked(all ? TRACKED : TRACKED.filter((t) => t.orderId === id), raw) });
    }
    if (path === '/comments' && method === 'POST') {
      const a = needAuth();
      if (!a) return;
      const body = await jsonBody();
      if (!body) return;
      if (!vulnerable) {
        const text = body['text'];
        const author = body['authorId'];
        if (typeof text !== 'string' || text.length > 200) return fail(res, 400, 'text');
        if (author !== undefined && !(typeof author === 'number' && Number.isSafeInteger(author)))
          return fail(res, 400, 'authorId');
        if (author !== undefined && author !== a.user.id) return fail(res, 403, 'authorId must be your own');
      }
      // flaw (vulnerable): the author comes from the body; the twin takes the caller
      const authorId = vulnerable && body['authorId'] !== undefined ? Number(body['authorId']) : a.user.id;
      return send(res, 201, { id: nextComment++, text: String(body['text'] ?? ''), authorId });
    }
    if (path === '/captcha' && method === 'GET') {
      const a = 1 + (nextCaptcha % 7);
      const b = 2 + (nextCaptcha % 5);
      const id = nextCaptcha++;
      captchas.set(id, String(a + b));
      // flaw (vulnerable): the answer travels with the challenge
      return send(res, 200, {
        captchaId: id,
        captcha: `${a}+${b}`,
        ...(vulnerable ? { answer: String(a + b) } : {}),
      });
    }
    if (path === '/feedback' && method === 'POST') {
      // application/x-www-form-urlencoded: comment (≤ 200 characters), rating (1..5), captchaId + captcha
      const form = new URLSearchParams((await readBody(req, 64 * 1024)) ?? '');
      const comment = form.get('comment') ?? '';
      const rating = form.get('rating') ?? '';
      const captchaId = Number(form.get('captchaId'));
      if (captchas.get(captchaId) !== form.get('captcha'))
        return fail(res, 401, 'wrong answer to the CAPTCHA');
      if (!vulnerable) captchas.delete(captchaId); // flaw (vulnerable): a solved CAPTCHA stays valid
      if (!vulnerable) {
        if (!/^[1-5]$/.test(rating)) return fail(res, 400, 'rating must be 1..5');
        if (comment.length > 200) return fail(res, 400, 'comment too long');
        return send(res, 201, { comment, rating: Number(rating) });
      }
      try {
        const row = db.prepare(`SELECT '${comment}' AS comment`).get(); // flaw: form field in SQL
        return send(res, 201, { ...(row as object), rating });
      } catch (err) {
        return crash(res, err);
      }
    }
    if (path === '/redirect' && method === 'GET') {
      const to = q.get('to') ?? '';
      const allowed = 'https://docs.example.com/guide';
      let fine: boolean;
      if (vulnerable)
        fine = to.includes(allowed); // flaw: substring allow-list
      else {
        try {
          const u = new URL(to);
          fine = u.origin === 'https://docs.example.com' && u.pathname.startsWith('/guide');
        } catch {
          fine = false;
        }
      }
      if (!fine) return fail(res, 406, 'unrecognised redirect target');
      res.statusCode = 302;
      res.setHeader('location', to);
      return void res.end();
    }
    if (path === '/logout' && method === 'GET') {
      const next = q.get('next') ?? '/';
      // flaw (vulnerable): any absolute URL is followed; the twin keeps same-site relative paths only
      const target = vulnerable || /^\/(?![/\\])/.test(next) ? next : '/';
      res.statusCode = 302;
      res.setHeader('location', target);
      return void res.end();
    }
    if (path === '/greeting' && method === 'GET') {
      const name = q.get('name') ?? 'visitor';
      if (vulnerable) return send(res, 200, `<p>Hello ${render(name)}</p>`, 'text/html'); // flaw: SSTI + XSS
      return send(res, 200, { greeting: `Hello ${name}` });
    }
    const pageMatch = /^\/pages\/([^/]+)$/.exec(rawPath.replace(/^\/api\/[^/]+/, ''));
    if (pageMatch && method === 'GET') {
      const slug = decodeURIComponent(pageMatch[1]!);
      if (slug === 'about') return send(res, 200, { title: 'About', html: '<p>About us</p>' });
      if (vulnerable) return send(res, 404, `<h1>No page ${slug}</h1>`, 'text/html'); // flaw: reflected
      return fail(res, 404, 'no such page');
    }
    return fail(res, 404, 'not found');
  }

  let crashes = 0;
  let closed = false;
  function simulateCrash(req: IncomingMessage): void {
    crashes++;
    req.socket.destroy();
    server.closeAllConnections();
    server.close();
    setTimeout(() => closed || server.listen(port, '127.0.0.1'), 500);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) crash(res, err);
      else res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    mode,
    tokens,
    requests: () => count,
    crashes: () => crashes,
    close: async () => {
      closed = true;
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
      db.close();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };

  function productOut(row: unknown): Record<string, unknown> {
    const r = row as { sku: string; name: string; category: string; price: number; inStock: number };
    return {
      sku: r.sku,
      name: r.name,
      category: r.category,
      price: vulnerable ? Number(r.price).toFixed(2) : r.price,
      inStock: r.inStock === 1,
    };
  }

  function validateNote(body: Record<string, unknown>): string | undefined {
    if (typeof body['title'] !== 'string' || body['title'].length > 100) return 'title';
    if (typeof body['body'] !== 'string' || body['body'].length > 2000) return 'body';
    const tags = body['tags'];
    if (
      tags !== undefined &&
      (!Array.isArray(tags) || tags.length > 10 || tags.some((t) => typeof t !== 'string' || t.length > 20))
    )
      return 'tags';
    return undefined;
  }
}

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  content: string;
}

function parseMultipart(contentType: string, body: string): Part[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return [];
  const out: Part[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const sep = chunk.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = chunk.slice(0, sep);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
    out.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type.trim() } : {}),
      content: chunk.slice(sep + 4).replace(/\r\n$/, ''),
    });
  }
  return out;
}

/** An XML "parser" with the classic flaw: SYSTEM entities naming file: URLs are read and expanded.
 *  Only local files are read (no other scheme is fetched). */
function expandXml(xml: string): string {
  let out = xml;
  for (const m of xml.matchAll(/<!ENTITY\s+(\w+)\s+SYSTEM\s+["']file:\/\/([^"']+)["']\s*>/g)) {
    let value = '';
    try {
      value = readFileSync(decodeURIComponent(m[2]!), 'utf8').slice(0, 2000);
    } catch {
      value = '';
    }
    out = out.split(`&${m[1]};`).join(value);
  }
  return out.replace(/<!DOCTYPE[\s\S]*?\]>/, '');
}

const RATINGS = [
  { product: 1, stars: 5 },
  { product: 1, stars: 4 },
  { product: 2, stars: 3 },
];
/** No match answers with the id that was asked for (as OWASP Juice Shop's order tracking does). */
const tracked = (rows: Array<Record<string, string>>, asked: string) =>
  rows.length ? rows : [{ orderId: asked }];
const TRACKED = [
  { orderId: '5267-f9cd5882f54c75a3', status: 'delivered' },
  { orderId: '5268-0c1d2e3f4a5b6c7d', status: 'in transit' },
  { orderId: '5269-1a2b3c4d5e6f7a8b', status: 'packed' },
];

/** Files under /backup/ (listed by the vulnerable variant only; .md files download in both). */
const BACKUP: Record<string, string> = {
  'quarterly.md': '# Quarterly figures\nRevenue up.\n',
  'customers.csv.bak': 'id,email\n1,alice@example.com\n2,bob@example.com\n',
};

/** Undocumented endpoints the vulnerable variant serves: path → [content-type, body]. */
const EXPOSED: Record<string, [string, string]> = {
  '/.env': ['text/plain', 'APP_ENV=production\nDB_PASSWORD=simulated-password\nJWT_SECRET=simulated\n'],
  '/.git/config': [
    'text/plain',
    '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@example.com:acme/api.git\n',
  ],
  '/actuator/env': [
    'application/json',
    '{"activeProfiles":["prod"],"propertySources":[{"name":"systemEnvironment"}]}',
  ],
  '/actuator/threaddump': [
    'application/json',
    '{"threads":[{"threadName":"main","threadState":"RUNNABLE"}]}',
  ],
  '/debug/vars': ['application/json', '{"cmdline":["/app/server"],"memstats":{"Alloc":1024}}'],
  '/debug/pprof/': ['text/html', '<html><body>Types of profiles available: heap goroutine</body></html>'],
  '/swagger.json': [
    'application/json',
    '{"openapi":"3.0.1","info":{"title":"internal","version":"1"},"paths":{"/internal/reindex":{}}}',
  ],
  '/graphql': ['application/json', '{"data":{"__schema":{"types":[{"name":"User"}]}}}'],
  '/metrics': [
    'text/plain',
    '# HELP http_requests_total Requests\n# TYPE http_requests_total counter\nhttp_requests_total 42\n',
  ],
  '/server-status': [
    'text/html',
    '<html><title>Apache Status</title><h1>Apache Server Status for test</h1></html>',
  ],
  '/phpinfo.php': ['text/html', '<html><title>phpinfo()</title>PHP Version 8.1.2</html>'],
  '/console': ['text/html', '<html><title>Console // Werkzeug Debugger</title>Interactive Console</html>'],
  '/admin': ['text/html', '<html><head><title>Acme Admin</title></head><body>Users</body></html>'],
  '/backup.sql': [
    'text/plain',
    "CREATE TABLE users (id int, email text);\nINSERT INTO users VALUES (1, 'alice@example.com');\n",
  ],
  '/.aws/credentials': [
    'text/plain',
    '[default]\naws_access_key_id = AKIA0000SIMULATED000\naws_secret_access_key = simulated\n',
  ],
  '/config.json': ['application/json', '{"db":{"host":"db","password":"simulated"}}'],
  '/WEB-INF/web.xml': ['application/xml', '<?xml version="1.0"?><web-app><servlet/></web-app>'],
  '/actuator/httpexchanges': [
    'application/json',
    '{"exchanges":[{"request":{"uri":"/login","headers":{}}}]}',
  ],
};
