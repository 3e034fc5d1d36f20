// API8 / API9 checkers: CORS, verbose errors, TRACE, security headers, plain http, older API
// versions and undocumented debug/admin/spec endpoints that answer.

import type { SpecOperation } from '../../model/index.js';
import { isSecured, ok, type ScanContext } from '../context.js';
import { hasPathParams } from '../ops.js';
import type { ScanExchange, ScanTest } from '../types.js';

/** One safe, answering operation to probe server-wide behaviour on (first secured GET, else any GET). */
async function probeOps(ctx: ScanContext, max = 1): Promise<Array<{ op: SpecOperation; ex: ScanExchange }>> {
  const out: Array<{ op: SpecOperation; ex: ScanExchange }> = [];
  const gets = ctx.ops((o) => o.method === 'GET' && !hasPathParams(o));
  const ordered = [...gets.filter(isSecured), ...gets.filter((o) => !isSecured(o))];
  for (const op of ordered) {
    const ex = await ctx.baseline(op);
    if (ok(ex)) out.push({ op, ex });
    if (out.length >= max) break;
  }
  return out;
}

export async function cors(ctx: ScanContext, test: ScanTest): Promise<void> {
  const kind = String(test.options['origin'] ?? 'arbitrary');
  const origin =
    kind === 'null'
      ? 'null'
      : kind === 'suffix'
        ? `https://${ctx.host}.mamori-evil.example`
        : 'https://mamori-evil.example';
  for (const { op } of await probeOps(ctx)) {
    const req = ctx.sampleRequest(op, ctx.defaultIdentity(op))!;
    const probe = await ctx.send({ ...req, headers: { ...req.headers, origin }, note: `Origin: ${origin}` });
    if (!probe) continue;
    const acao = probe.response.headers['access-control-allow-origin'];
    const acac = probe.response.headers['access-control-allow-credentials'];
    if (acao !== origin || acac?.toLowerCase() !== 'true') continue;
    ctx.report(test, {
      op,
      proof: [probe],
      control: `${origin} is not a plausible origin of this API; the answer allows it with credentials`,
      detail: `Access-Control-Allow-Origin: ${acao} with Access-Control-Allow-Credentials: true.`,
      detailJa: `Access-Control-Allow-Origin: ${acao} と Access-Control-Allow-Credentials: true が返る。`,
      controlJa: `${origin} はこの API の正当なオリジンとは考えられないが、応答は認証情報付きでそれを許可している`,
      confidence: 0.95,
    });
  }
}

const STACK = [
  /\bat [\w$.<>]+ \((?:\/|[A-Za-z]:\\|node:)[^)]+:\d+:\d+\)/, // Node/V8
  /Traceback \(most recent call last\)/, // Python
  /\bat [\w$.]+\([\w]+\.java:\d+\)/, // Java
  /Exception in thread|System\.\w+Exception:|Microsoft\.AspNetCore/, // JVM/.NET
  /(?:Fatal error|Warning): .* in \/.+ on line \d+/, // PHP
  /goroutine \d+ \[running\]/, // Go
];

export async function verboseErrors(ctx: ScanContext, test: ScanTest): Promise<void> {
  const trigger = String(test.options['trigger'] ?? 'malformed-json');
  if (trigger === 'server-header') {
    for (const { op, ex } of await probeOps(ctx)) {
      const h = [
        ex.response.headers['server'],
        ex.response.headers['x-powered-by'],
        ex.response.headers['x-aspnet-version'],
      ].filter((v): v is string => !!v && /\d+\.\d+/.test(v));
      if (h.length === 0) continue;
      ctx.report(test, {
        op,
        proof: [ex],
        control: 'the header carries an exact version number, not just a product name',
        detail: `Response headers disclose software versions: ${h.join('; ')}.`,
        detailJa: `応答ヘッダーがソフトウェアのバージョンを開示している: ${h.join('; ')}。`,
        controlJa: 'ヘッダーには製品名だけでなく正確なバージョン番号が含まれる',
        confidence: 0.9,
      });
    }
    return;
  }
  const candidates =
    trigger === 'malformed-json'
      ? ctx.ops((o) => o.requestBody !== undefined && o.method !== 'GET')
      : ctx.ops(
          (o) =>
            o.method === 'GET' &&
            o.parameters.some((p) => p.in === 'path' && /integer|number/.test(String(p.schema?.['type']))),
        );
  for (const op of candidates) {
    const identity = ctx.defaultIdentity(op);
    const req = ctx.sampleRequest(op, identity);
    if (!req) continue;
    let probe: ScanExchange | undefined;
    if (trigger === 'malformed-json') {
      probe = await ctx.send({ ...req, body: '{"mamori": [1, 2,, "unterminated', note: 'malformed JSON' });
    } else {
      const p = op.parameters.find(
        (x) => x.in === 'path' && /integer|number/.test(String(x.schema?.['type'])),
      )!;
      probe = await ctx.send({
        ...req,
        path: ctx.buildPath(op, { ...ctx.pathParams(op, identity), [p.name]: '%ff%fe' }, [], true),
        note: 'broken path parameter',
      });
    }
    if (!probe) continue;
    const sig = STACK.find((re) => re.test(probe.response.body));
    if (!sig) continue;
    ctx.report(test, {
      op,
      proof: [probe],
      control: `the body contains a stack trace (${sig.source.slice(0, 40)}), which no client needs`,
      detail: `${op.method} ${op.path} returns a stack trace on ${trigger}.`,
      detailJa: `${op.method} ${op.path} が${({ 'malformed-json': '不正な JSON', 'bad-path': '壊れたパスパラメーター' } as Record<string, string>)[trigger] ?? trigger}に対してスタックトレースを返す。`,
      controlJa: `ボディにスタックトレース (${sig.source.slice(0, 40)}) が含まれる。クライアントには不要な情報`,
      confidence: 0.95,
    });
  }
}

export async function trace(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const { op } of await probeOps(ctx)) {
    const marker = ctx.rng.marker('trace');
    const probe = await ctx.send({
      method: 'TRACE',
      path: ctx.sampleRequest(op)!.path,
      headers: { 'x-mamori-trace': marker },
      op,
      as: '',
      note: 'TRACE with a marker header',
    });
    if (!ok(probe) || !probe.response.body.includes(marker)) continue;
    ctx.report(test, {
      op,
      proof: [probe],
      control: 'the marker header sent only in this TRACE request came back in the body',
      detail:
        'TRACE is enabled and echoes request headers (cookies and tokens included: cross-site tracing).',
      detailJa:
        'TRACE が有効で、リクエストヘッダーをそのまま返す(Cookie やトークンも含まれる: クロスサイトトレーシング)。',
      controlJa: 'この TRACE リクエストでだけ送ったマーカーヘッダーがボディに返った',
      confidence: 1,
    });
  }
}

export async function securityHeaders(ctx: ScanContext, test: ScanTest): Promise<void> {
  const header = String(test.options['header']);
  for (const { op, ex } of await probeOps(ctx)) {
    const v = ex.response.headers[header];
    const good =
      header === 'x-content-type-options'
        ? v?.toLowerCase() === 'nosniff'
        : /no-store|private/i.test(v ?? '');
    if (good) continue;
    if (header === 'cache-control' && !ex.request.as) continue; // only authenticated data must not be cached
    ctx.report(test, {
      op,
      proof: [ex],
      control: `the ordinary ${ex.request.as ? 'authenticated ' : ''}answer carries ${v ? `${header}: ${v}` : `no ${header}`}`,
      detail: `${header} is ${v ? `"${v}"` : 'missing'} on ${op.method} ${op.path}.`,
      detailJa: `${op.method} ${op.path} の ${header} が${v ? `「${v}」` : 'ない'}。`,
      controlJa: `通常の${ex.request.as ? '認証済みの' : ''}応答に${v ? ` ${header}: ${v} が含まれる` : ` ${header} がない`}`,
      confidence: 1,
    });
  }
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

export async function plainHttp(ctx: ScanContext, test: ScanTest): Promise<void> {
  const url = new URL(ctx.client.origin);
  if (url.protocol !== 'http:' || (LOOPBACK.test(url.hostname) && test.options['includeLoopback'] !== true))
    return;
  for (const { op, ex } of await probeOps(ctx)) {
    ctx.report(test, {
      op,
      proof: [ex],
      control: `the target ${url.origin} answered over plain http instead of redirecting to https`,
      detail: `The API serves ${ex.request.as ? 'authenticated ' : ''}requests over unencrypted http.`,
      detailJa: `API が${ex.request.as ? '認証済みの' : ''}リクエストを暗号化されていない http で処理する。`,
      controlJa: `対象 ${url.origin} は https へリダイレクトせずに平文の http で応答した`,
      confidence: 1,
    });
  }
}

/** API9: the same operation under an older (or internal) version prefix answers. */
export async function oldVersion(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['mode'] ?? 'older');
  const full = (op: SpecOperation) => ctx.fullPath(op.path);
  for (const { op, ex } of await probeOps(ctx, 3)) {
    const path = full(op);
    const m = /\/v(\d+)(?=\/|$)/.exec(path);
    if (!m) continue;
    const n = Number(m[1]);
    const swap = (seg: string) => path.replace(/\/v\d+(?=\/|$)/, `/${seg}`);
    const alternatives = mode === 'older' ? (n > 1 ? [`v${n - 1}`] : ['v0']) : ['internal', 'beta', 'dev'];
    const bogus = await ctx.send({
      ...ex.request,
      path: swap(`v${n + 90}`),
      note: 'control: a version that cannot exist',
    });
    if (ok(bogus)) continue; // catch-all routing: any prefix answers
    for (const seg of alternatives) {
      const probe = await ctx.send({ ...ex.request, path: swap(seg), note: `undocumented version ${seg}` });
      if (!ok(probe) || !(probe.response.headers['content-type'] ?? '').includes('json')) continue;
      ctx.report(test, {
        op,
        where: seg,
        proof: [bogus!, probe],
        control: `/v${n + 90}/ got ${bogus!.response.status}, so the router does not answer every prefix; /${seg}/ answered with JSON`,
        detail: `${path} also answers as ${swap(seg)}, a version the spec does not document${probe.request.as ? '' : ' (without credentials)'}.`,
        detailJa: `${path} は仕様に記載のないバージョン ${swap(seg)} としても応答する${probe.request.as ? '' : '(認証情報なし)'}。`,
        controlJa: `/v${n + 90}/ は ${bogus!.response.status} となり、ルーターはどの接頭辞にも応答するわけではない。/${seg}/ は JSON で応答した`,
        confidence: 0.9,
      });
      break;
    }
  }
}

/** API9: an undocumented debug / admin / spec / config endpoint answers with its tell-tale content. */
export async function exposedPath(ctx: ScanContext, test: ScanTest): Promise<void> {
  const paths = test.options['paths'] as string[];
  const marker = new RegExp(String(test.options['marker']), 'm');
  const documented = new Set(ctx.spec.operations.map((o) => ctx.fullPath(o.path)));
  const prefixes = [...new Set(['', ctx.basePath])];
  for (const prefix of prefixes) {
    for (const p of paths) {
      const path = `${prefix}${p}`;
      if (documented.has(path)) continue;
      const probe = await ctx.send({ method: 'GET', path, as: '', note: `undocumented ${p}` });
      if (!ok(probe) || !marker.test(probe.response.body)) continue;
      const control = await ctx.send({
        method: 'GET',
        path: `${prefix}/${ctx.rng.marker('nothere')}${p.endsWith('/') ? '/' : ''}`,
        as: '',
        note: 'control: a path that cannot exist',
      });
      if (control && marker.test(control.response.body)) continue; // catch-all page with the same content
      const extra =
        test.options['undocumentedOnly'] === true ? undocumentedPaths(ctx, probe.response.body) : [];
      if (test.options['undocumentedOnly'] === true && extra.length === 0) continue; // the published spec itself
      ctx.report(test, {
        op: { method: 'GET', path },
        absolutePath: true,
        where: path,
        proof: control ? [probe, control] : [probe],
        control: `a random path got ${control?.response.status ?? 'no answer'} without the marker; ${path} is not in the spec`,
        detail: `${path} answers without credentials and returns ${String(test.options['what'] ?? 'its content')}${extra.length ? ` (${extra.slice(0, 5).join(', ')})` : ''}.`,
        detailJa: `${path} が認証情報なしで応答し、内容を返す${extra.length ? `(${extra.slice(0, 5).join('、')})` : ''}。`,
        controlJa: `ランダムなパスはマーカーなしで ${control?.response.status ?? '応答なし'} となり、${path} は仕様にない`,
        confidence: 0.95,
      });
      return;
    }
  }
}

/** Paths an exposed API description lists that the given spec does not (ignoring base paths). */
function undocumentedPaths(ctx: ScanContext, body: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return [];
  }
  const paths = (doc as { paths?: Record<string, unknown> })?.paths;
  if (!paths || typeof paths !== 'object') return [];
  const norm = (p: string) => p.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');
  const known = ctx.spec.operations.map((o) => norm(o.path));
  return Object.keys(paths).filter((p) => !known.some((k) => norm(p).endsWith(k) || k.endsWith(norm(p))));
}

/** API8: a JSON operation also answers as JSONP (`?callback=fn` wraps the JSON in a call), which any
 *  other site can load with a <script> tag, cookies included. */
export async function jsonp(ctx: ScanContext, test: ScanTest): Promise<void> {
  const gets = ctx.ops((o) => o.method === 'GET' && !hasPathParams(o));
  for (const op of gets) {
    const base = await ctx.baseline(op);
    if (!ok(base) || !/json/i.test(base.response.headers['content-type'] ?? '')) continue;
    const fn = ctx.rng.marker('cb');
    for (const param of ['callback', 'jsonp', 'cb']) {
      const [path, qs] = base.request.path.split('?');
      const probe = await ctx.send({
        ...base.request,
        path: `${path}?${qs ? `${qs}&` : ''}${param}=${fn}`,
        note: `JSONP ${param}=${fn}`,
      });
      if (
        !ok(probe) ||
        !new RegExp(`^\\s*(?:/\\*\\*/\\s*)?(?:typeof ${fn}\\b[^(]*?&&\\s*)?${fn}\\(`).test(
          probe.response.body,
        )
      )
        continue;
      ctx.report(test, {
        op,
        where: `query.${param}`,
        proof: [base, probe],
        control: `without ${param} the answer is plain JSON; with ${param}=${fn} it is a call of ${fn}(…) (${probe.response.headers['content-type'] ?? 'no content type'})`,
        detail: `${op.method} ${op.path} serves JSONP: any web page can read its answer cross-origin by loading it as a script${ctx.identities.length ? " (with the visitor's cookies)" : ''}.`,
        detailJa: `${op.method} ${op.path} が JSONP を提供している: どの Web ページもスクリプトとして読み込むことで、オリジンをまたいで応答を読める${ctx.identities.length ? '(訪問者の Cookie 付きで)' : ''}。`,
        controlJa: `${param} なしでは通常の JSON だが、${param}=${fn} を付けると ${fn}(…) の呼び出しになる (${probe.response.headers['content-type'] ?? 'Content-Type なし'})`,
        confidence: 0.95,
      });
      break;
    }
  }
}
