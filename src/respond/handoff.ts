// Hand-off of alerts and actions to what teams already run: signed webhooks (HMAC-SHA256 over
// `timestamp.body`, retries with exponential backoff, dead-letter file after the last attempt),
// syslog RFC 5424 lines carrying a CEF payload (UDP or TCP with octet counting, RFC 6587), and
// OCSF JSON events (API Activity 6003 for exchanges, Detection Finding 2004 for alerts).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { appendFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import type { Alert, Exchange, Severity } from '../model/index.js';

/** What a sensor did about one request: blocked or throttled it (a decision, a virtual patch, a
 * signature in block mode) or logged it (a `log` patch). Sent beside alerts. */
export interface ResponseAction {
  kind: 'block' | 'throttle' | 'log';
  /** Decision reason, `patch <id>` or `signature.<family>`. */
  reason: string;
  actor: string;
  requestId: string;
  /** Epoch ms. */
  time: number;
  method: string;
  host: string;
  path: string;
  patchId?: string;
}

// ---- signed webhooks -------------------------------------------------------------------------------

export const SIGNATURE_HEADER = 'x-mamori-signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (the Stripe-style scheme receivers know). */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Receiver side: true when the header is a valid signature of `body` no older than `toleranceSec`. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  const v1 = parts['v1'];
  if (!Number.isInteger(t) || !v1 || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Attempts before dead-lettering (default 5). */
  attempts?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  backoffMs?: number;
  /** File the undeliverable events are appended to (JSON lines). */
  deadLetter: string;
  timeoutMs?: number;
}

/** Delivers one event; resolves true when delivered, false when dead-lettered. */
export async function sendWebhook(opts: WebhookOptions, event: unknown): Promise<boolean> {
  const body = JSON.stringify(event);
  const attempts = opts.attempts ?? 5;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 500) * 2 ** (i - 1)));
    const ts = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signPayload(opts.secret, body, ts),
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
      last = `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
    } catch (err) {
      last = (err as Error).message;
    }
  }
  await appendFile(
    opts.deadLetter,
    `${JSON.stringify({ time: new Date().toISOString(), url: opts.url, error: last, event })}\n`,
  );
  return false;
}

// ---- syslog RFC 5424 + CEF -------------------------------------------------------------------------

const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };
const SYSLOG_SEVERITY: Record<Severity, number> = { info: 6, low: 5, medium: 4, high: 3, critical: 2 };

/** CEF header fields escape `|` and `\`; extension values escape `=`, `\` and newlines. */
const cefHeader = (s: string) => s.replace(/[\\|]/g, (c) => `\\${c}`);
const cefValue = (s: string) => s.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

export function alertToCef(alert: Alert, version: string): string {
  const ext: Array<[string, string | number]> = [
    ['rt', Date.parse(alert.lastSeen) || 0],
    ['suser', alert.actor],
    ['requestMethod', alert.method ?? ''],
    ['request', `${alert.host ?? ''}${alert.path ?? ''}`],
    ['cnt', alert.count],
    ['msg', alert.explanation],
    ['externalId', alert.id],
    ['cs1Label', 'owasp'],
    ['cs1', alert.owasp ?? ''],
  ];
  const src = /^ip:(.+)$/.exec(alert.actor)?.[1];
  if (src) ext.push(['src', src]);
  return `CEF:0|mamori|mamori|${cefHeader(version)}|${cefHeader(alert.type)}|${cefHeader(alert.explanation.slice(0, 128))}|${CEF_SEVERITY[alert.severity]}|${ext
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${cefValue(String(v))}`)
    .join(' ')}`;
}

/** CEF for an action: the event class is `action.<kind>`; `act` carries what was done (ArcSight's field). */
export function actionToCef(action: ResponseAction, version: string): string {
  const ext: Array<[string, string | number]> = [
    ['rt', action.time],
    ['act', action.kind],
    ['suser', action.actor],
    ['requestMethod', action.method],
    ['request', `${action.host}${action.path}`],
    ['reason', action.reason],
    ['externalId', action.requestId],
  ];
  if (action.patchId) ext.push(['cs2Label', 'patch'], ['cs2', action.patchId]);
  const src = /^ip:(.+)$/.exec(action.actor)?.[1];
  if (src) ext.push(['src', src]);
  const severity = action.kind === 'log' ? 3 : 6;
  return `CEF:0|mamori|mamori|${cefHeader(version)}|action.${action.kind}|${cefHeader(`${action.kind} ${action.method} ${action.path}`.slice(0, 128))}|${severity}|${ext
    .map(([k, v]) => `${k}=${cefValue(String(v))}`)
    .join(' ')}`;
}

/** RFC 5424 line for an action (notice for a log, warning for a block or throttle). */
export function actionSyslogLine(action: ResponseAction, version: string, host = hostname()): string {
  const pri = 16 * 8 + (action.kind === 'log' ? 5 : 4);
  const h = host.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${new Date(action.time).toISOString()} ${h} mamori ${process.pid} action.${action.kind} - ${actionToCef(action, version)}`;
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG` (facility local0 = 16). */
export function syslogLine(alert: Alert, version: string, host = hostname()): string {
  const pri = 16 * 8 + SYSLOG_SEVERITY[alert.severity];
  const h = host.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${new Date(Date.parse(alert.lastSeen) || Date.now()).toISOString()} ${h} mamori ${process.pid} ${alert.type.slice(0, 32)} - ${alertToCef(alert, version)}`;
}

export async function sendSyslog(
  line: string,
  target: { host: string; port: number; protocol: 'udp' | 'tcp' },
): Promise<void> {
  if (target.protocol === 'udp') {
    const sock = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) =>
      sock.send(line, target.port, target.host, (e) => (e ? reject(e) : resolve())),
    );
    sock.close();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const s = connect(target.port, target.host, () => {
      s.end(`${Buffer.byteLength(line)} ${line}`, () => resolve());
    });
    s.on('error', reject);
  });
}

// ---- OCSF ----------------------------------------------------------------------------------------

const OCSF_SEVERITY: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const PRODUCT = { name: 'mamori', vendor_name: 'mamori' };

/** OCSF 1.1 Detection Finding (class 2004, category 2 Findings), activity 1 Create. */
export function alertToOcsf(alert: Alert, version: string): Record<string, unknown> {
  const time = Date.parse(alert.lastSeen) || Date.now();
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: OCSF_SEVERITY[alert.severity],
    severity: alert.severity[0]!.toUpperCase() + alert.severity.slice(1),
    status_id: 1,
    status: 'New',
    time,
    message: alert.explanation,
    metadata: { version: '1.1.0', product: { ...PRODUCT, version }, uid: alert.id },
    finding_info: {
      uid: alert.id,
      title: alert.type,
      desc: alert.explanation,
      types: [alert.type],
      first_seen_time: Date.parse(alert.firstSeen) || time,
      last_seen_time: time,
      ...(alert.owasp
        ? { attacks: [], related_analytics: [{ name: alert.owasp, type_id: 1, type: 'Rule' }] }
        : {}),
    },
    actor: { user: { uid: alert.actor } },
    evidences: alert.evidenceRefs.slice(0, 20).map((r) => ({ data: r })),
    count: alert.count,
  };
}

/** OCSF 1.1 API Activity (class 6003, category 6 Application Activity) for one exchange; with an
 * action, the Security Control profile's `action`/`disposition` say what the sensor did. */
export function exchangeToOcsf(
  ex: Exchange,
  version: string,
  action?: ResponseAction,
): Record<string, unknown> {
  const m = ex.request.method;
  const activity =
    m === 'POST'
      ? [1, 'Create']
      : m === 'GET' || m === 'HEAD'
        ? [2, 'Read']
        : m === 'PUT' || m === 'PATCH'
          ? [3, 'Update']
          : m === 'DELETE'
            ? [4, 'Delete']
            : [99, 'Other'];
  const status = ex.response?.status;
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activity[0],
    activity_name: activity[1],
    type_uid: 6003 * 100 + (activity[0] as number),
    severity_id: 1,
    time: ex.time,
    metadata: {
      version: '1.1.0',
      product: { ...PRODUCT, version },
      uid: ex.id,
      ...(action ? { profiles: ['security_control'] } : {}),
    },
    actor: { user: { uid: 'unknown' } },
    api: {
      operation: `${m} ${ex.request.path}`,
      request: { uid: ex.id },
      ...(status !== undefined ? { response: { code: status } } : {}),
    },
    http_request: {
      http_method: m,
      url: {
        hostname: ex.request.host,
        path: ex.request.path,
        scheme: ex.request.scheme,
        ...(ex.request.port ? { port: ex.request.port } : {}),
      },
      ...(ex.request.headers['user-agent'] ? { user_agent: ex.request.headers['user-agent'] } : {}),
    },
    ...(status !== undefined ? { http_response: { code: status } } : {}),
    src_endpoint: ex.client.address ? { ip: ex.client.address } : {},
    status_id: status === undefined ? 0 : status < 400 ? 1 : 2,
    status: status === undefined ? 'Unknown' : status < 400 ? 'Success' : 'Failure',
    ...(action ? ocsfDisposition(action) : {}),
  };
}

function ocsfDisposition(action: ResponseAction): Record<string, unknown> {
  const blocked = action.kind !== 'log';
  return {
    action_id: blocked ? 2 : 1,
    action: blocked ? 'Denied' : 'Allowed',
    disposition_id: blocked ? 2 : 17,
    disposition: blocked ? 'Blocked' : 'Logged',
    actor: { user: { uid: action.actor } },
    unmapped: { reason: action.reason, ...(action.patchId ? { patch: action.patchId } : {}) },
  };
}
