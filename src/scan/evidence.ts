// Evidence: masked, truncated excerpts of the exchanges that prove a finding, a curl command that
// reproduces it, and a stable fingerprint id so baselines match findings across runs.

import { createHash } from 'node:crypto';
import type { EvidenceRef } from '../model/index.js';
import type { Masker } from './mask.js';
import type { ScanExchange } from './types.js';

const BODY_EXCERPT = 240;

export function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

function cut(text: string, max = BODY_EXCERPT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}… (${text.length} bytes)` : flat;
}

/** `GET /api/notes/2 as bob → 200 application/json {"id":2,…}` with secrets masked; in Japanese
 * `GET /api/notes/2(bob として)→ 200 application/json {"id":2,…}`. */
export function exchangeExcerpt(ex: ScanExchange, masker: Masker, lang: 'en' | 'ja' = 'en'): string {
  const u = new URL(ex.url);
  const ja = lang === 'ja';
  const as = ex.request.as
    ? ja
      ? `(${ex.request.as} として)`
      : ` as ${ex.request.as}`
    : ja
      ? '(認証情報なし)'
      : ' (no credentials)';
  const sent = ex.request.body !== undefined ? cut(masker.text(ex.request.body), 120) : undefined;
  const sentBody = sent === undefined ? '' : ja ? ` ボディ ${sent}` : ` body ${sent}`;
  const ct = ex.response.headers['content-type'] ?? '';
  const got =
    ex.response.status === 0 ? (ja ? '応答なし' : 'no response') : `${ex.response.status} ${ct}`.trim();
  const secs = (ex.response.ms / 1000).toFixed(1);
  const ms = ex.response.ms >= 1000 ? (ja ? `(${secs} 秒)` : ` in ${secs}s`) : '';
  return `${ex.request.method} ${masker.text(decodeSafe(u.pathname + u.search))}${as}${sentBody} → ${got}${ms} ${cut(masker.text(ex.response.body))}`.trimEnd();
}

function decodeSafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that replays the request; identity headers masked (the user pastes their own). */
export function curlOf(ex: ScanExchange, masker: Masker): string {
  const parts = ['curl', '-i', '-X', ex.request.method, shellQuote(masker.text(ex.url))];
  for (const [k, v] of Object.entries(ex.request.headers)) {
    parts.push('-H', shellQuote(`${k}: ${masker.header(k, v)}`));
  }
  if (ex.request.body !== undefined) {
    const body = ex.request.body.length > 2000 ? `${ex.request.body.slice(0, 2000)}…` : ex.request.body;
    parts.push('--data-raw', shellQuote(masker.text(body)));
  }
  return parts.join(' ');
}

export function evidenceRefs(proof: ScanExchange[], masker: Masker, lang: 'en' | 'ja' = 'en'): EvidenceRef[] {
  const refs: EvidenceRef[] = proof.map((ex) => ({
    exchangeId: ex.id,
    excerpt: exchangeExcerpt(ex, masker, lang),
  }));
  const last = proof[proof.length - 1];
  if (last) refs.push({ exchangeId: last.id, excerpt: curlOf(last, masker) });
  return refs;
}
