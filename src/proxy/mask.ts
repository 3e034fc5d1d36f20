// The copy of an exchange a sensor lets out of the process: every value the classifier recognises is
// replaced by its masked form, credentials (Authorization, cookies, key headers, secret-named fields)
// become a short hash reference, and bodies are capped. Pure function, no I/O.

import { createHash } from 'node:crypto';
import type { Exchange, ExchangeBody, Headers } from '../model/index.js';
import { bodyKind, type Classifier, maskValue } from '../sensitive/index.js';

const CREDENTIAL_HEADER =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-amz-security-token|x-[a-z0-9-]*-(?:token|key|secret))$/;
const SECRET_NAME =
  /pass(?:word|wd)?|secret|token|api[-_]?key|^pin$|cvv|cvc|otp|credential|signature|session/i;
const TEXT_TOKEN = /[^\s"'<>{}[\]()=&,;|]+/g;
const MAX_DEPTH = 32;
/** `"key": "value"` pairs in JSON text that did not parse (cut at the cap): keyed so secrets are found by name. */
const KEYED = /"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)(?:"|$)/g;
const FORM_PAIR = /(^|[&?\s])([\w.[\]-]{1,64})=([^&\s]*)/g;

/** `[ref:…]`: lets a person correlate "the same credential" without holding it. */
export function credentialRef(value: string): string {
  return `[ref:${createHash('sha256').update(`mamori:${value}`).digest('hex').slice(0, 16)}]`;
}

export function maskForExport(ex: Exchange, classifier: Classifier, bodyCap = 16 * 1024): Exchange {
  const value = (v: string, field?: string): string => {
    if (v === '') return v;
    if (field !== undefined && SECRET_NAME.test(field)) return credentialRef(v);
    const type = classifier.classifyValue(v, field);
    return type ? maskValue(type, v) : v;
  };
  const text = (t: string): string =>
    t
      .replace(KEYED, (_m, k: string, v: string) => `"${k}":"${value(v, k)}"`)
      .replace(FORM_PAIR, (_m, sep: string, k: string, v: string) => `${sep}${k}=${value(v, k)}`)
      .replace(TEXT_TOKEN, (tok) => (tok.startsWith('[ref:') ? tok : value(tok)));
  const headers = (h: Headers): Headers => {
    const out: Headers = {};
    for (const [k, v] of Object.entries(h))
      out[k] = CREDENTIAL_HEADER.test(k) ? credentialRef(v) : value(v, `header.${k}`);
    return out;
  };
  const walk = (node: unknown, key: string, depth: number): unknown => {
    if (typeof node === 'string') return value(node, key);
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return node;
    if (Array.isArray(node)) return node.map((n) => walk(n, key, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, k, depth + 1);
    return out;
  };
  const body = (b: ExchangeBody | undefined): ExchangeBody | undefined => {
    if (!b) return b;
    const kind = bodyKind(b);
    let t = b.text;
    if (kind === 'json') {
      try {
        t = JSON.stringify(walk(JSON.parse(t), '$', 0));
      } catch {
        t = text(t);
      }
    } else if (kind === 'form') {
      const params = new URLSearchParams(t);
      const out = new URLSearchParams();
      for (const [k, v] of params) out.append(k, value(v, k));
      t = out.toString();
    } else t = text(t);
    const cut = t.length > bodyCap;
    return { ...b, text: cut ? t.slice(0, bodyCap) : t, truncated: b.truncated || cut };
  };
  const req = ex.request;
  const reqBody = body(req.body);
  const out: Exchange = {
    ...ex,
    client: { ...ex.client },
    request: {
      ...req,
      path: req.path
        .split('/')
        .map((seg, i) => {
          if (!seg) return seg;
          const d = decodeSafe(seg);
          const m = value(d, `path.${i}`);
          return m === d ? seg : encodeURIComponent(m);
        })
        .join('/'),
      query: req.query.map(([k, v]) => [k, value(v, k)] as [string, string]),
      headers: headers(req.headers),
    },
  };
  if (reqBody) out.request.body = reqBody;
  else delete out.request.body;
  if (ex.response) {
    const resBody = body(ex.response.body);
    out.response = { ...ex.response, headers: headers(ex.response.headers) };
    if (resBody) out.response.body = resBody;
  }
  return out;
}

function decodeSafe(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
