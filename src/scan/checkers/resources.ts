// API4 checkers: no throttling under a bounded burst on login-like and expensive operations; page
// sizes and payload sizes without limits.

import { isSecured, ok, parseJson, type ScanContext } from '../context.js';
import { credentialFields, isExpensiveOp, isLoginOp, isResetOp } from '../ops.js';
import type { ScanExchange, ScanTest } from '../types.js';

function throttled(ex: ScanExchange): boolean {
  return (
    ex.response.status === 429 ||
    ex.response.status === 503 ||
    ex.response.headers['retry-after'] !== undefined
  );
}

/** API4: a bounded burst (default 30) on a login-like or expensive operation never meets a 429. */
export async function rateLimit(ctx: ScanContext, test: ScanTest): Promise<void> {
  const target = String(test.options['target'] ?? 'login');
  const burst = Math.min(Number(test.options['burst'] ?? 30), 60);
  const ops = ctx.ops((o) =>
    target === 'login'
      ? isLoginOp(o)
      : target === 'reset'
        ? isResetOp(o)
        : isExpensiveOp(o) && o.method === 'GET',
  );
  for (const op of ops) {
    const identity = ctx.defaultIdentity(op);
    let req = ctx.sampleRequest(op, identity);
    if (!req) continue;
    if (target === 'login') {
      const f = credentialFields(op);
      const body = { ...((ctx.sampleBody(op) as Record<string, unknown>) ?? {}) };
      if (f.pass) body[f.pass] = `Wrong-${ctx.rng.marker('pw')}`;
      req = { ...req, body: JSON.stringify(body) };
    }
    const sent: ScanExchange[] = [];
    for (let i = 0; i < burst; i++) {
      const ex = await ctx.send({ ...req, note: `burst ${i + 1}/${burst}` });
      if (!ex) break;
      sent.push(ex);
      if (throttled(ex)) break;
    }
    if (sent.length < burst || sent.some(throttled)) continue;
    const answered = sent.filter((e) => e.response.status > 0 && e.response.status < 500).length;
    if (answered < burst) continue; // errors are not "served"
    ctx.report(test, {
      op,
      proof: [sent[0]!, sent[sent.length - 1]!],
      control: `all ${burst} requests were answered normally (status ${sent[0]!.response.status}…${sent[sent.length - 1]!.response.status}); none was 429/503 or carried Retry-After`,
      detail: `${burst} ${target === 'login' ? 'failed logins' : 'calls'} in a row to ${op.method} ${op.path} were never throttled.`,
      detailJa: `${op.method} ${op.path} への ${burst} 回連続の${target === 'login' ? 'ログイン失敗' : '呼び出し'}が一度も制限されなかった。`,
      controlJa: `${burst} 件のリクエストすべてが通常どおり応答され(ステータス ${sent[0]!.response.status}…${sent[sent.length - 1]!.response.status})、429/503 も Retry-After もなかった`,
      confidence: 0.85,
    });
  }
}

const PAGE_PARAM = /^(limit|size|page_?size|per_?page|count|max|top|first|take|pagesize)$/i;

function itemCount(body: unknown): number | undefined {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === 'object') {
    for (const k of ['items', 'data', 'results', 'records', 'content']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v.length;
    }
  }
  return undefined;
}

/** API4: a page-size parameter past its declared maximum (or negative) returns more items. */
export async function pageSize(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['mode'] ?? 'huge');
  for (const point of ctx.injectionPoints('query', (name) => PAGE_PARAM.test(name))) {
    const declaredMax = typeof point.schema['maximum'] === 'number' ? point.schema['maximum'] : 100;
    const control = await ctx.send({
      ...point.build(declaredMax),
      note: `control: ${point.name}=${declaredMax}`,
    });
    const controlCount = itemCount(parseJson(control?.response.body ?? ''));
    if (!ok(control) || controlCount === undefined) continue;
    const value = mode === 'negative' ? -1 : 100000;
    const probe = await ctx.send({ ...point.build(value), note: `${point.name}=${value}` });
    const count = itemCount(parseJson(probe?.response.body ?? ''));
    if (!ok(probe) || count === undefined || count <= Math.max(declaredMax, controlCount)) continue;
    ctx.report(test, {
      op: point.op,
      where: `query.${point.name}`,
      proof: [control, probe],
      control: `${point.name}=${declaredMax} (the declared maximum) returned ${controlCount} items`,
      detail: `${point.name}=${value} returned ${count} items, more than the maximum of ${declaredMax}.`,
      detailJa: `${point.name}=${value} で上限 ${declaredMax} を超える ${count} 件が返った。`,
      controlJa: `${point.name}=${declaredMax}(宣言された上限)では ${controlCount} 件が返った`,
      confidence: 0.95,
    });
  }
}

/** API4: an oversized JSON body (long string or huge array) is accepted with a 2xx. */
export async function payloadSize(ctx: ScanContext, test: ScanTest): Promise<void> {
  const shape = String(test.options['shape'] ?? 'string');
  const bytes = Number(test.options['bytes'] ?? 1_200_000);
  const done = new Set<string>();
  for (const point of ctx.injectionPoints('body')) {
    if (
      done.has(`${point.op.method} ${point.op.path}`) ||
      (!isSecured(point.op) && point.op.method === 'GET')
    )
      continue;
    const type = point.schema['type'];
    if (shape === 'string' && type !== 'string') continue;
    if (shape === 'array' && type !== 'array') continue;
    done.add(`${point.op.method} ${point.op.path}`);
    const base = await ctx.send({ ...point.build(point.sample), note: 'control: ordinary body' });
    if (!ok(base)) continue;
    const big =
      shape === 'string'
        ? 'A'.repeat(bytes)
        : Array.from({ length: Math.floor(bytes / 4) }, (_, i) => i % 10);
    const probe = await ctx.send({
      ...point.build(big),
      note: `${(bytes / 1e6).toFixed(1)} MB ${shape} in ${point.name}`,
    });
    if (!ok(probe)) continue;
    ctx.report(test, {
      op: point.op,
      where: `body.${point.name}`,
      proof: [base, probe],
      control: `the ordinary body got ${base.response.status}; the oversized one (${(bytes / 1e6).toFixed(1)} MB) got ${probe.response.status} instead of 413/400`,
      detail: `${point.op.method} ${point.op.path} accepted a ${(bytes / 1e6).toFixed(1)} MB ${shape} in ${point.name}.`,
      detailJa: `${point.op.method} ${point.op.path} が ${point.name} に ${(bytes / 1e6).toFixed(1)} MB の${shape === 'array' ? '配列' : '文字列'}を受け入れた。`,
      controlJa: `通常のボディは ${base.response.status}、過大なボディ (${(bytes / 1e6).toFixed(1)} MB) は 413/400 ではなく ${probe.response.status} となった`,
      confidence: 0.9,
    });
  }
}

/** API4: requests after which the target went down (the client watched for it during the whole scan;
 *  the runner runs this checker last). */
export async function targetCrash(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const inc of ctx.client.incidents) {
    if (inc.kind !== 'crash') continue;
    const req = inc.trigger.request;
    const path = new URL(inc.trigger.url).pathname;
    const proof = [
      ...(inc.previous ? [inc.previous] : []),
      ...(inc.downProbe ? [inc.downProbe] : []),
      inc.trigger,
    ];
    ctx.report(test, {
      ...(req.op ? { op: req.op } : { op: { method: req.method, path }, absolutePath: true }),
      proof,
      control: `the target answered before; the request got no answer (${inc.trigger.response.body.slice(0, 80)}) and a liveness probe of / was then refused${inc.recovered ? `; it answered again after ${(inc.downMs / 1000).toFixed(1)} s` : ' until the scan gave up'}`,
      detail: `The target stopped answering after ${req.method} ${path}${req.note ? ` (${req.note})` : ''}: the process crashed or restarted${inc.recovered ? '' : ' and did not come back'}. The request before it is included: a crash can follow the answer to the request that caused it.`,
      detailJa: `${req.method} ${path} の後に対象が応答しなくなった: プロセスがクラッシュまたは再起動した${inc.recovered ? '' : 'まま復帰しなかった'}。その前のリクエストも含めている: クラッシュは原因となったリクエストへの応答の後に起きることがある。`,
      controlJa: `対象はそれまで応答していたが、このリクエストには応答がなく(「${inc.trigger.response.body.slice(0, 80)}」)、続く / への死活確認も拒否された${inc.recovered ? `。${(inc.downMs / 1000).toFixed(1)} 秒後に再び応答した` : '。スキャンが打ち切るまで復帰しなかった'}`,
      confidence: inc.previous ? 0.85 : 0.95,
    });
  }
}
