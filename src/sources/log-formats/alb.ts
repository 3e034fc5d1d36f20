// AWS Application Load Balancer access log lines (space-separated, some fields quoted), per
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html:
//   type time elb client:port target:port request_processing_time target_processing_time
//   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
//   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
//   "chosen_cert_arn" matched_rule_priority request_creation_time …
// The request field holds an absolute URL: "GET https://host:443/path?q HTTP/1.1".

import { addressWithoutPort, normaliseMethod } from '../common.js';
import { type LogRecord, splitRequestLine, statusOf } from './record.js';

const START = /^(?:http|https|h2|grpcs|ws|wss) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z \S+ \S+ \S+ /;

export function looksAlb(line: string): boolean {
  return START.test(line);
}

/** Splits on spaces, keeping "quoted fields" (with \" escapes) whole and unquoted. */
export function splitFields(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 0x20) {
      i++;
      continue;
    }
    if (c === 0x22) {
      let j = i + 1;
      let s = '';
      let from = j;
      while (j < n && line.charCodeAt(j) !== 0x22) {
        if (line.charCodeAt(j) === 0x5c && j + 1 < n) {
          s += line.slice(from, j);
          from = j + 1;
          j += 2;
        } else j++;
      }
      out.push(s + line.slice(from, j));
      i = j + 1;
      continue;
    }
    let j = line.indexOf(' ', i);
    if (j < 0) j = n;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

function seconds(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function parseAlbLine(line: string): LogRecord | string {
  if (!looksAlb(line)) return 'not an ALB access log line';
  const f = splitFields(line);
  if (f.length < 14) return `ALB line has ${f.length} fields, at least 14 expected`;
  const reqLine = splitRequestLine(f[12]!);
  if (reqLine === undefined || reqLine.method === '-') return 'request field is not "METHOD URL HTTP/x"';
  const method = normaliseMethod(reqLine.method);
  if (method === undefined) return 'invalid HTTP method';
  // request_creation_time is when the request started; `time` is when the response was sent.
  let time = Date.parse(f[21] ?? '');
  if (Number.isNaN(time)) time = Date.parse(f[1]!);
  if (Number.isNaN(time)) return 'invalid time';
  const rec: LogRecord = { time, method, target: reqLine.target, headers: {} };
  if (reqLine.httpVersion !== undefined) rec.httpVersion = reqLine.httpVersion;
  const ua = f[13]!;
  if (ua !== '-' && ua !== '') rec.headers['user-agent'] = ua;
  const status = statusOf(f[8]);
  if (status !== undefined) rec.status = status;
  if (f[3] !== '-') rec.client = addressWithoutPort(f[3]!);
  const a = seconds(f[5]);
  const b = seconds(f[6]);
  const c = seconds(f[7]);
  // -1 marks a phase that did not happen (no target reached): then the latency is unknown.
  if (a !== undefined && b !== undefined && c !== undefined)
    rec.latencyMs = Math.round((a + b + c) * 1e6) / 1e3;
  return rec;
}
