// API7 checkers. Confirmation is a callback: the payload points the target at the scanner's own
// listener on 127.0.0.1 with a unique token; a hit with that token proves the fetch. Internal and
// metadata addresses are only ever SENT to the target as parameter values; the verdict comes from
// what the target answers (metadata markers). The scanner never connects to them.

import { type InjectionPoint, ok, type ScanContext } from '../context.js';
import type { ScanTest } from '../types.js';

export const URL_PARAM =
  /(url|uri|link|href|callback|webhook|hook|image|img|avatar|icon|src|source|dest|destination|redirect|feed|fetch|target|endpoint|proxy|host|domain|site|page)$/i;

function urlPoints(ctx: ScanContext): InjectionPoint[] {
  const want = (name: string, schema: Record<string, unknown>) =>
    (schema['type'] === undefined || schema['type'] === 'string') &&
    (URL_PARAM.test(name) || schema['format'] === 'uri' || schema['format'] === 'url');
  return [...ctx.injectionPoints('query', want), ...ctx.injectionPoints('body', want)];
}

/** The callback URL in one of the loopback spellings that naive blocklists miss. */
function callbackUrl(ctx: ScanContext, form: string, token: string): string {
  const port = ctx.callback!.port;
  switch (form) {
    case 'plain':
      return ctx.callback!.url(token);
    case 'localhost':
      return `http://localhost:${port}/cb/${token}`;
    case 'decimal':
      return `http://2130706433:${port}/cb/${token}`;
    case 'hex':
      return `http://0x7f000001:${port}/cb/${token}`;
    case 'short':
      return `http://127.1:${port}/cb/${token}`;
    case 'userinfo':
      return `http://trusted.example@127.0.0.1:${port}/cb/${token}`;
    default:
      throw new Error(`ssrf-callback: unknown form ${form}`);
  }
}

export async function ssrfCallback(ctx: ScanContext, test: ScanTest): Promise<void> {
  if (!ctx.callback) return;
  const form = String(test.options['form'] ?? 'plain');
  const wait = Number(test.options['waitMs'] ?? 1000);
  for (const point of urlPoints(ctx)) {
    const token = ctx.rng.marker('cb');
    const payload = callbackUrl(ctx, form, token);
    const probe = await ctx.send({ ...point.build(payload), note: `SSRF callback (${form})` });
    if (!probe || ctx.plan) continue;
    const hit = await ctx.callback.waitFor(token, wait, ctx.client.signal);
    if (!hit) continue;
    ctx.report(test, {
      op: point.op,
      where: `${point.location}.${point.name}`,
      proof: [probe],
      control: `the scanner's loopback listener received ${hit.method} ${hit.path} carrying the unique token of this request only`,
      detail: `${point.op.method} ${point.op.path} fetched the URL given in ${point.location}.${point.name} (${form} form: ${payload}).`,
      detailJa: `${point.op.method} ${point.op.path} が ${point.location}.${point.name} で指定された URL を取得した(${form} 形式: ${payload})。`,
      controlJa: `スキャナーのループバックの待ち受けが、このリクエストだけの固有トークンを含む ${hit.method} ${hit.path} を受信した`,
      confidence: 1,
    });
  }
}

/** Internal/metadata payloads: confirmed by the marker of the metadata document in the answer. */
export async function ssrfInternal(ctx: ScanContext, test: ScanTest): Promise<void> {
  const payload = String(test.options['payload']);
  const marker = new RegExp(String(test.options['marker']));
  for (const point of urlPoints(ctx)) {
    const base = await ctx.send({
      ...point.build(point.sample ?? 'https://example.com/'),
      note: 'control: ordinary URL',
    });
    if (base && marker.test(base.response.body)) continue;
    const probe = await ctx.send({ ...point.build(payload), note: `internal address ${payload}` });
    if (!ok(probe) || !marker.test(probe.response.body)) continue;
    ctx.report(test, {
      op: point.op,
      where: `${point.location}.${point.name}`,
      proof: base ? [base, probe] : [probe],
      control: `the ordinary value did not return ${String(test.options['marker'])}; the internal address did`,
      detail: `${point.op.method} ${point.op.path} returned the content of ${payload}.`,
      detailJa: `${point.op.method} ${point.op.path} が ${payload} の内容を返した。`,
      controlJa: `通常の値では ${String(test.options['marker'])} は返らず、内部アドレスでは返った`,
      confidence: 0.95,
    });
  }
}
