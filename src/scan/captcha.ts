// CAPTCHA-protected operations. A GET operation under a /captcha path whose JSON answer carries an
// id and the solution (a flaw in itself, tested by MAM-SCAN-API6-001) is a "provider"; body fields of
// other operations named like the provider's id (captchaId) and like `captcha`/`captchaAnswer` are
// filled from one solved challenge, so the rest of the catalogue reaches what the CAPTCHA guards.

import type { JsonSchema, SpecOperation } from '../model/index.js';
import { ok, parseJson, type ScanContext } from './context.js';
import { hasPathParams } from './ops.js';
import type { ScanExchange } from './types.js';

const ANSWER_KEYS = ['answer', 'solution', 'result', 'text', 'code'];

export interface CaptchaSolution {
  op: SpecOperation;
  exchange: ScanExchange;
  idKey: string;
  id: unknown;
  answer: string;
}

/** Body fields of an operation that carry a CAPTCHA: [id field, answer field]. */
export function captchaFields(
  ctx: ScanContext,
  op: SpecOperation,
  idKey: string,
): [string, string] | undefined {
  const props = Object.keys((ctx.bodyMedia(op)?.schema?.['properties'] ?? {}) as Record<string, JsonSchema>);
  const id = props.find((p) => p.toLowerCase() === idKey.toLowerCase());
  const answer = props.find(
    (p) => /^captcha(_?(answer|response|solution|text|value))?$/i.test(p) && p !== id,
  );
  return id && answer ? [id, answer] : undefined;
}

/** Asks the first CAPTCHA provider for a challenge; keeps it when the answer came with it. */
export async function learnCaptcha(ctx: ScanContext): Promise<CaptchaSolution | undefined> {
  for (const op of ctx.ops((o) => o.method === 'GET' && /captcha/i.test(o.path) && !hasPathParams(o))) {
    const ex = await ctx.send({
      ...ctx.sampleRequest(op, ctx.defaultIdentity(op))!,
      note: 'CAPTCHA challenge',
    });
    if (!ok(ex)) continue;
    const body = parseJson(ex.response.body);
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    const rec = body as Record<string, unknown>;
    const idKey = Object.keys(rec).find((k) => /^(captcha_?)?id$/i.test(k));
    const answerKey = ANSWER_KEYS.find((k) => typeof rec[k] === 'string' || typeof rec[k] === 'number');
    if (!idKey || !answerKey) continue;
    ctx.captcha = { op, exchange: ex, idKey, id: rec[idKey], answer: String(rec[answerKey]) };
    return ctx.captcha;
  }
  return undefined;
}

/** The body with its CAPTCHA fields set from the learned solution (unchanged without one). */
export function withCaptcha(ctx: ScanContext, op: SpecOperation, body: unknown): unknown {
  const c = ctx.captcha;
  if (!c || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const fields = captchaFields(ctx, op, c.idKey);
  if (!fields) return body;
  return { ...(body as Record<string, unknown>), [fields[0]]: c.id, [fields[1]]: c.answer };
}
