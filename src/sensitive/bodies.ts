// Request/response bodies parsed once per exchange, for the sensitive-data scan and for schema
// inference: JSON (by media type or a leading `{`/`[`) and application/x-www-form-urlencoded.

import type { Exchange, ExchangeBody } from '../model/index.js';

export interface ParsedBodies {
  request?: unknown;
  response?: unknown;
}

export type BodyKind = 'json' | 'form';

/** How a body is encoded, as far as we parse bodies; undefined for anything else (and empty bodies). */
export function bodyKind(body: ExchangeBody | undefined): BodyKind | undefined {
  if (body === undefined || body.text.length === 0) return undefined;
  const mime = body.mimeType;
  if (mime !== undefined) {
    if (mime === 'application/x-www-form-urlencoded') return 'form';
    if (mime.endsWith('json')) return 'json';
  }
  const text = body.text;
  for (let i = 0; i < text.length && i < 64; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) return 'json';
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return undefined;
  }
  return undefined;
}

/** Form fields by name (repeated names → array), in a prototype-less object. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

function parseBody(body: ExchangeBody | undefined): unknown {
  const kind = bodyKind(body);
  if (kind === undefined || body === undefined) return undefined;
  if (kind === 'form') return parseForm(body.text);
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    // Truncated (body cap) or not JSON after all: nothing to walk.
    return undefined;
  }
}

/** JSON and form bodies of both directions, parsed; an unparsable or other body is undefined. */
export function parseBodies(ex: Exchange): ParsedBodies {
  const out: ParsedBodies = {};
  const request = parseBody(ex.request.body);
  if (request !== undefined) out.request = request;
  const response = parseBody(ex.response?.body);
  if (response !== undefined) out.response = response;
  return out;
}
