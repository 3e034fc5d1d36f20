// Open redirects (CWE-601): a redirect parameter sends the browser to a host the scanner names.
// The redirect is never followed: the Location header of the 3xx is the proof.

import type { ScanContext } from '../context.js';
import type { ScanExchange, ScanTest } from '../types.js';

const REDIRECT_PARAM =
  /^(to|url|uri|redirect|redirect_?ur[il]|redirect_?to|next|return|return_?to|return_?url|continue|dest|destination|goto|target|forward|r|u)$/i;
/** A reserved name (RFC 2606): only ever a value sent to the target, never contacted. */
const EVIL_HOST = 'mamori-redirect.example';

const isRedirect = (ex: ScanExchange | undefined): ex is ScanExchange =>
  !!ex && ex.response.status >= 300 && ex.response.status < 400 && !!ex.response.headers['location'];

function locationHost(ex: ScanExchange): string | undefined {
  try {
    return new URL(ex.response.headers['location']!, ex.url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Ways to dress a foreign URL so that a substring / prefix allow-list check still sees `allowed`. */
function bypassForms(allowed: string, marker: string): string[] {
  const bare = allowed.replace(/^https?:\/\//, '');
  return [
    `https://${EVIL_HOST}/${marker}?${allowed}`,
    `https://${EVIL_HOST}/${marker}#${allowed}`,
    `https://${bare.split('/')[0]}.${EVIL_HOST}/${marker}`,
    `https://${bare.split('/')[0]}@${EVIL_HOST}/${marker}`,
  ];
}

export async function openRedirect(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['mode'] ?? 'plain');
  const points = ctx
    .injectionPoints('query', (name) => REDIRECT_PARAM.test(name))
    .filter((p) => p.op.method === 'GET');
  for (const p of points) {
    const base = await ctx.send({ ...p.build(p.sample), note: 'control: the documented redirect' });
    if (!isRedirect(base)) continue;
    const marker = ctx.rng.marker('redir');
    const plain = await ctx.send({
      ...p.build(`https://${EVIL_HOST}/${marker}`),
      note: 'redirect to a foreign host',
    });
    if (!plain || ctx.plan) continue;
    const plainWorks = isRedirect(plain) && locationHost(plain) === EVIL_HOST;
    if (mode === 'plain') {
      if (!plainWorks) continue;
      ctx.report(test, {
        op: p.op,
        where: `query.${p.name}`,
        proof: [base, plain],
        control: `the documented value redirects to ${base.response.headers['location']}; the foreign value redirects to ${plain.response.headers['location']} (not followed)`,
        detail: `${p.op.method} ${p.op.path} redirects to any URL given in ${p.name}.`,
        detailJa: `${p.op.method} ${p.op.path} が ${p.name} で指定された任意の URL へリダイレクトする。`,
        controlJa: `文書化された値は ${base.response.headers['location']} へ、外部の値は ${plain.response.headers['location']} へリダイレクトする(追跡はしていない)`,
        confidence: 0.95,
      });
      continue;
    }
    // Bypass: the plain foreign URL is refused, a dressed-up one is redirected to the foreign host.
    if (plainWorks || typeof p.sample !== 'string' || !/^https?:\/\//.test(p.sample)) continue;
    for (const value of bypassForms(p.sample, marker)) {
      const probe = await ctx.send({ ...p.build(value), note: 'allow-list bypass' });
      if (!isRedirect(probe) || locationHost(probe) !== EVIL_HOST) continue;
      ctx.report(test, {
        op: p.op,
        where: `query.${p.name}`,
        proof: [plain, probe],
        control: `a plain foreign URL got ${plain.response.status} (the allow-list works for it); ${value} redirects to ${EVIL_HOST}`,
        detail: `${p.op.method} ${p.op.path} checks ${p.name} against its allow-list by substring or prefix: ${value} passes and redirects off-site.`,
        detailJa: `${p.op.method} ${p.op.path} は ${p.name} を部分一致または前方一致で許可リストと照合している: ${value} が通り、外部サイトへリダイレクトする。`,
        controlJa: `単純な外部 URL は ${plain.response.status} となり(許可リストはそれには効いている)、${value} は ${EVIL_HOST} へリダイレクトする`,
        confidence: 0.95,
      });
      break;
    }
  }
}
