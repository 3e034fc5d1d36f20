// nginx/Apache "combined" and "common" access log lines, with the variants seen in the field:
//   [vhost[:port] ]client ident user [time] "request" status bytes ["referer" "user-agent"] [extras]
// Extras (nginx custom formats) may add a quoted X-Forwarded-For list and the request time, either as a
// bare number or as `rt=`/`request_time=`. A number with a decimal point is seconds (nginx
// $request_time, Apache %T with fraction); an integer of 1000 or more is microseconds (Apache %D);
// smaller integers are ambiguous and ignored.

import type { Headers } from '../../model/index.js';
import { normaliseMethod, parseClfTime } from '../common.js';
import { type LogRecord, splitRequestLine, statusOf } from './record.js';

const LINE =
  /^(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;

/** Cheap check used by format detection. */
export function looksCombined(line: string): boolean {
  return LINE.test(line);
}

const IP_LIST = /^[0-9A-Fa-f.:]+(?:\s*,\s*[0-9A-Fa-f.:]+)*$/;

/** Undoes the escapes nginx (`\x22`) and Apache (`\"`) put into quoted fields. */
function unescapeField(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(/\\x([0-9A-Fa-f]{2})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
    hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : (ch ?? ''),
  );
}

function latencyOf(token: string): number | undefined {
  let t = token;
  const eq = t.indexOf('=');
  if (eq >= 0) {
    const key = t.slice(0, eq);
    if (key !== 'rt' && key !== 'request_time') return undefined;
    t = t.slice(eq + 1);
  }
  if (!/^\d+(?:\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  if (t.indexOf('.') >= 0) return Math.round(n * 1e6) / 1e3;
  return n >= 1000 ? n / 1000 : undefined;
}

/** Parses the part after the referer/user-agent fields: quoted strings and bare tokens. */
function extras(rest: string, headers: Headers, rec: { latencyMs?: number }): void {
  let i = 0;
  const n = rest.length;
  while (i < n) {
    if (rest.charCodeAt(i) === 0x20) {
      i++;
      continue;
    }
    if (rest.charCodeAt(i) === 0x22) {
      let j = i + 1;
      while (j < n && rest.charCodeAt(j) !== 0x22) j += rest.charCodeAt(j) === 0x5c ? 2 : 1;
      const v = unescapeField(rest.slice(i + 1, j));
      if (v !== '-' && headers['x-forwarded-for'] === undefined && IP_LIST.test(v))
        headers['x-forwarded-for'] = v;
      i = j + 1;
      continue;
    }
    let j = rest.indexOf(' ', i);
    if (j < 0) j = n;
    const l = latencyOf(rest.slice(i, j));
    if (l !== undefined) rec.latencyMs = l;
    i = j;
  }
}

/** One combined/common line → LogRecord, or the reason it is not one. */
export function parseCombinedLine(line: string): LogRecord | string {
  const m = LINE.exec(line);
  if (m === null) return 'not a combined/common log line';
  const time = parseClfTime(m[5]!);
  if (Number.isNaN(time)) return `invalid time "${m[5]}"`;
  const reqLine = splitRequestLine(unescapeField(m[6]!));
  if (reqLine === undefined) return 'request field is not "METHOD target HTTP/x"';
  const method = normaliseMethod(reqLine.method);
  if (method === undefined) return 'invalid HTTP method';
  const headers: Headers = {};
  const referer = m[9];
  if (referer !== undefined && referer !== '-' && referer !== '') headers['referer'] = unescapeField(referer);
  const ua = m[10];
  if (ua !== undefined && ua !== '-' && ua !== '') headers['user-agent'] = unescapeField(ua);
  const rec: LogRecord = { time, method, target: reqLine.target, headers };
  if (m[1] !== undefined && m[1] !== '-') rec.host = m[1];
  const status = statusOf(m[7]);
  if (status !== undefined) rec.status = status;
  if (m[2] !== '-') rec.client = m[2]!;
  if (reqLine.httpVersion !== undefined) rec.httpVersion = reqLine.httpVersion;
  const rest = m[11];
  if (rest !== undefined && rest !== '') extras(rest, headers, rec);
  return rec;
}
