// API6 (sensitive business flows): a CAPTCHA that does not stop automation — its answer is handed
// to the client with the challenge, or one solved challenge is accepted again and again.

import { captchaFields } from '../captcha.js';
import { answered2xx, ok, type ScanContext } from '../context.js';
import type { ScanExchange, ScanTest } from '../types.js';

export async function captcha(ctx: ScanContext, test: ScanTest): Promise<void> {
  const c = ctx.captcha;
  if (!c) return;
  const mode = String(test.options['mode'] ?? 'disclosed');
  const repeat = Number(test.options['repeat'] ?? 10);
  for (const op of ctx.ops((o) => !!captchaFields(ctx, o, c.idKey))) {
    const fields = captchaFields(ctx, op, c.idKey)!;
    const req = ctx.sampleRequest(op, ctx.defaultIdentity(op));
    const sample = ctx.sampleBody(op) as Record<string, unknown> | undefined;
    if (!req || !sample) continue;
    const wrong = await ctx.send({
      ...req,
      body: ctx.encodeBody(op, { ...sample, [fields[1]]: `${c.answer}9` }).body,
      note: 'control: a wrong CAPTCHA answer',
    });
    if (!wrong || answered2xx(wrong)) continue; // the CAPTCHA is not checked at all: another problem
    const accepted: ScanExchange[] = [];
    for (let i = 0; i < (mode === 'reuse' ? repeat : 1); i++) {
      const probe = await ctx.send({
        ...req,
        note: `the disclosed CAPTCHA answer${mode === 'reuse' ? ` (${i + 1}/${repeat})` : ''}`,
      });
      if (!ok(probe)) break;
      accepted.push(probe);
    }
    if (accepted.length < (mode === 'reuse' ? repeat : 1)) continue;
    const last = accepted[accepted.length - 1]!;
    ctx.report(test, {
      op,
      where: `body.${fields[1]}`,
      proof: mode === 'reuse' ? [wrong, accepted[0]!, last] : [c.exchange, wrong, last],
      control: `a wrong answer to the same challenge got ${wrong.response.status}`,
      detail:
        mode === 'reuse'
          ? `One solved CAPTCHA (${c.idKey} ${String(c.id)}) was accepted ${repeat} times in a row by ${op.method} ${op.path}: it does not stop automated submissions.`
          : `${c.op.method} ${c.op.path} returns the CAPTCHA's answer with the challenge; sending it back to ${op.method} ${op.path} passes the CAPTCHA.`,
      detailJa:
        mode === 'reuse'
          ? `一度解いた CAPTCHA (${c.idKey} ${String(c.id)}) が ${op.method} ${op.path} で ${repeat} 回続けて受け入れられた: 自動送信を止められない。`
          : `${c.op.method} ${c.op.path} がチャレンジと一緒に CAPTCHA の答えを返し、それを ${op.method} ${op.path} に送り返すと CAPTCHA を通過できる。`,
      controlJa: `同じチャレンジに誤った答えを送ると ${wrong.response.status} となった`,
      confidence: 1,
    });
  }
}
