// What every access-log line parser produces, and its turn into an Exchange. Logs carry no bodies:
// the exchange has method, target, query, status, a few headers, client and latency.

import type { Exchange, Headers } from '../../model/index.js';
import { exchangeId } from '../common.js';
import { parseUrl } from '../url.js';

export interface LogRecord {
  time: number;
  method: string;
  /** Absolute URL, or origin-form path with query (`/p?q`). */
  target: string;
  /** `host[:port]` when the log has it (vhost, authority, Host header). */
  host?: string;
  scheme?: 'http' | 'https';
  /** Undefined when no response was sent. */
  status?: number;
  client?: string;
  headers: Headers;
  latencyMs?: number;
  httpVersion?: string;
}

export interface LogContext {
  file: string;
  fileBase: string;
  defaultHost: string;
  defaultScheme: 'http' | 'https';
}

/** A LogRecord as an Exchange, or the reason its target cannot be used. */
export function exchangeFromLogRecord(
  rec: LogRecord,
  ctx: LogContext,
  index: number,
  line: number,
): Exchange | string {
  const scheme = rec.scheme ?? ctx.defaultScheme;
  const target = rec.target;
  const c = target.charCodeAt(0);
  // Origin-form targets get the record's host (which may carry a port) via a full URL string.
  const u =
    c === 0x2f || target === '*'
      ? parseUrl(`${scheme}://${rec.host || ctx.defaultHost}${c === 0x2f ? target : '/'}`)
      : parseUrl(target);
  if (typeof u === 'string') return `unusable request target: ${u}`;
  const ex: Exchange = {
    id: exchangeId(ctx.fileBase, index, rec.time, rec.method, target),
    time: rec.time,
    source: { kind: 'access-log', file: ctx.file, index, line },
    client: {},
    request: {
      method: rec.method,
      scheme: u.scheme,
      host: u.host,
      path: u.path,
      query: u.query,
      headers: rec.headers,
    },
  };
  if (u.port !== undefined) ex.request.port = u.port;
  if (rec.httpVersion !== undefined) ex.request.httpVersion = rec.httpVersion;
  if (rec.status !== undefined) ex.response = { status: rec.status, headers: {} };
  if (rec.client !== undefined) ex.client.address = rec.client;
  if (rec.latencyMs !== undefined) ex.latencyMs = rec.latencyMs;
  return ex;
}

/** `GET /p?q HTTP/1.1` → its parts, or undefined when it is not a request line. */
export function splitRequestLine(
  s: string,
): { method: string; target: string; httpVersion?: string } | undefined {
  const a = s.indexOf(' ');
  if (a <= 0) return undefined;
  const b = s.indexOf(' ', a + 1);
  const method = s.slice(0, a);
  const target = b < 0 ? s.slice(a + 1) : s.slice(a + 1, b);
  if (target === '') return undefined;
  if (b < 0) return { method, target };
  const version = s.slice(b + 1);
  if (version.indexOf(' ') >= 0 || !version.startsWith('HTTP/')) return undefined;
  return { method, target, httpVersion: version };
}

/** HTTP status from a log field: 100–999, or undefined for `-`, 0 and junk. */
export function statusOf(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && v !== '' && v !== '-' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 100 && n <= 999 ? n : undefined;
}
