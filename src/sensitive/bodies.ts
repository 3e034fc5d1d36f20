// Request/response bodies parsed once per exchange, for the sensitive-data scan and for schema
// inference: JSON (by media type or a leading `{`/`[`), application/x-www-form-urlencoded and the
// text fields of multipart/form-data.

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
    if (mime === 'multipart/form-data') return body.text.startsWith('--') ? 'form' : undefined;
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

/**
 * Text fields of a multipart/form-data body by name (file parts skipped). The boundary is read from
 * the body's first line, since Exchange keeps media types without their parameters.
 */
export function parseMultipart(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  const eol = text.indexOf('\n');
  if (!text.startsWith('--') || eol < 3) return out;
  const delimiter = text.slice(0, eol).replace(/\r$/, '');
  for (const part of text.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break; // closing delimiter
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /\bfilename\*?=/i.test(disposition)) continue;
    const value = part
      .slice(split)
      .replace(/^\r?\n\r?\n/, '')
      .replace(/\r?\n$/, '');
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
  if (kind === 'form')
    return body.mimeType === 'multipart/form-data' ? parseMultipart(body.text) : parseForm(body.text);
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    // A body cut at the cap still holds whole values before the cut: a list endpoint's first
    // hundred users are worth classifying. Anything else that fails to parse is not JSON.
    return body.truncated ? parseTruncatedJson(body.text) : undefined;
  }
}

/**
 * The complete part of a JSON text cut short: everything up to the last value that ended, with the
 * open arrays and objects closed. Undefined when no value ended before the cut or the text is not
 * JSON for another reason. Between the last completed value and the cut only strings, keys, commas,
 * colons and partial literals can occur, so the containers open at the cut are the ones to close.
 */
const DELIMITER: boolean[] = [];
for (const ch of ' \t\r\n,]}:') DELIMITER[ch.charCodeAt(0)] = true;

export function parseTruncatedJson(text: string): unknown {
  const closers: number[] = [];
  /** Per open container: 1 = object awaiting a key, 0 otherwise. */
  const expectKey: number[] = [];
  let safe = -1;
  let safeDepth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      if (j >= n) break; // cut inside a string
      const depth = closers.length;
      if (depth > 0 && expectKey[depth - 1] === 1) expectKey[depth - 1] = 0;
      else {
        safe = j + 1;
        safeDepth = depth;
      }
      i = j + 1;
    } else if (c === 0x7b || c === 0x5b) {
      closers.push(c === 0x7b ? 0x7d : 0x5d);
      expectKey.push(c === 0x7b ? 1 : 0);
      i++;
      safe = i;
      safeDepth = closers.length;
    } else if (c === 0x7d || c === 0x5d) {
      if (closers.pop() !== c) return undefined;
      expectKey.pop();
      i++;
      safe = i;
      safeDepth = closers.length;
    } else if (c === 0x2c /* , */) {
      const depth = closers.length;
      if (depth > 0 && closers[depth - 1] === 0x7d) expectKey[depth - 1] = 1;
      i++;
    } else if (c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      // A number or literal: it ended if a delimiter follows before the cut.
      let j = i + 1;
      while (j < n && !DELIMITER[text.charCodeAt(j)]) j++;
      if (j < n) {
        safe = j;
        safeDepth = closers.length;
      }
      i = j;
    }
  }
  if (safe < 0) return undefined;
  // No container opened or closed after `safe` (either would have moved it), so the containers
  // open now are the ones to close.
  let repaired = text.slice(0, safe);
  for (let d = safeDepth - 1; d >= 0; d--) repaired += String.fromCharCode(closers[d] as number);
  try {
    return JSON.parse(repaired) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * JSON and form bodies of both directions, parsed; an unparsable or other body is undefined. A JSON
 * body marked truncated yields the values complete before the cut (see parseTruncatedJson).
 */
export function parseBodies(ex: Exchange): ParsedBodies {
  const out: ParsedBodies = {};
  const request = parseBody(ex.request.body);
  if (request !== undefined) out.request = request;
  const response = parseBody(ex.response?.body);
  if (response !== undefined) out.response = response;
  return out;
}
