// The language of an answer: `?lang=en|ja` when given, else the request's Accept-Language (RFC 9110
// §12.5.4: weighted ranges, `*`, region subtags), else English. Only routes whose query schema takes
// `lang` are localised; their answers say which language they are in (Content-Language) and that it
// depended on Accept-Language (Vary), so a shared cache keeps the two apart.

import type { FastifyInstance, FastifyRequest } from 'fastify';

export type Lang = 'en' | 'ja';
const SUPPORTED: readonly Lang[] = ['en', 'ja'];

/** The supported language the client ranks highest; the earlier one wins a tie; English by default. */
export function preferredLang(accept: string | undefined): Lang {
  if (!accept) return 'en';
  let best: Lang = 'en';
  let bestQ = 0;
  for (const part of accept.slice(0, 1024).split(',')) {
    const [range, ...params] = part.trim().split(';');
    const tag = range?.trim().toLowerCase() ?? '';
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (q <= 0) continue;
    const primary = tag.split('-')[0] ?? '';
    const lang = tag === '*' ? 'en' : SUPPORTED.find((l) => l === primary);
    if (lang !== undefined && q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

function takesLang(req: FastifyRequest): boolean {
  const query = req.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return query?.properties?.['lang'] !== undefined;
}

/** Fill `lang` from Accept-Language where the route takes it and the query did not say. */
export function installLanguage(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (!takesLang(req)) return;
    const query = req.query as Record<string, unknown>;
    if (query['lang'] === undefined) query['lang'] = preferredLang(req.headers['accept-language']);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!takesLang(req)) return payload;
    const lang = (req.query as Record<string, unknown> | undefined)?.['lang'];
    if (lang === 'en' || lang === 'ja') reply.header('content-language', lang);
    const vary = reply.getHeader('vary');
    reply.header('vary', vary ? `${String(vary)}, accept-language` : 'accept-language');
    return payload;
  });
}
