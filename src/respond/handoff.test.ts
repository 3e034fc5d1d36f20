import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, Exchange } from '../model/index.js';
import {
  actionSyslogLine,
  alertToCef,
  alertToOcsf,
  exchangeToOcsf,
  SIGNATURE_HEADER,
  sendSyslog,
  sendWebhook,
  syslogLine,
  verifySignature,
} from './handoff.js';

const ALERT: Alert = {
  id: 'al-1',
  type: 'signature.sqli',
  severity: 'high',
  owasp: 'API8:2023',
  actor: 'ip:203.0.113.9',
  host: 'api.example',
  method: 'GET',
  path: '/items',
  evidence: [3],
  evidenceRefs: [{ kind: 'proxy', index: 3 }] as unknown as Alert['evidenceRefs'],
  firstSeen: '2026-11-23T10:00:00.000Z',
  lastSeen: '2026-11-23T10:05:00.000Z',
  count: 2,
  explanation: "q matched 'or 1=1 | a=b\\c",
};

describe('signed webhooks', () => {
  it('retries with backoff until delivered; the receiver verifies every signature', async () => {
    const secret = 's3cret';
    let calls = 0;
    const verified: boolean[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        calls++;
        verified.push(
          verifySignature(secret, body, String(req.headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000)),
        );
        expect(
          verifySignature(
            'wrong',
            body,
            String(req.headers[SIGNATURE_HEADER]),
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
        expect(
          verifySignature(
            secret,
            `${body} `,
            String(req.headers[SIGNATURE_HEADER]),
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
        res.writeHead(calls < 3 ? 503 : 204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    const dir = mkdtempSync(join(tmpdir(), 'mamori-dl-'));
    try {
      const ok = await sendWebhook(
        { url, secret, backoffMs: 10, attempts: 5, deadLetter: join(dir, 'dl.jsonl') },
        { alert: ALERT },
      );
      expect(ok).toBe(true);
      expect(calls).toBe(3);
      expect(verified).toEqual([true, true, true]);
    } finally {
      server.close();
    }
  });

  it('dead-letters after N failed attempts', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      res.writeHead(500).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const dir = mkdtempSync(join(tmpdir(), 'mamori-dl-'));
    const dl = join(dir, 'dl.jsonl');
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      expect(
        await sendWebhook({ url, secret: 'x', backoffMs: 5, attempts: 3, deadLetter: dl }, { alert: ALERT }),
      ).toBe(false);
      expect(calls).toBe(3);
      const line = JSON.parse(readFileSync(dl, 'utf8').trim()) as { error: string; event: { alert: Alert } };
      expect(line.error).toBe('HTTP 500');
      expect(line.event.alert.id).toBe('al-1');
    } finally {
      server.close();
    }
  });
});

// RFC 5424: PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (-|\[.*\]) (.*)$/s;

function parseCef(msg: string) {
  // Seven unescaped pipes split the header; the rest is key=value extension.
  const fields: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < msg.length && fields.length < 7; i++) {
    const c = msg[i]!;
    if (c === '\\') {
      cur += msg[++i];
      continue;
    }
    if (c === '|') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  const ext: Record<string, string> = {};
  const rest = msg.slice(i);
  const re = /(\w+)=((?:\\.|[^\\])*?)(?= \w+=|$)/g;
  for (const m of rest.matchAll(re)) ext[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
  return { fields, ext };
}

describe('syslog RFC 5424 with CEF', () => {
  it('formats a valid RFC 5424 line whose message is a CEF record, escaped', () => {
    const line = syslogLine(ALERT, '0.1.0', 'sensor-1');
    const m = RFC5424.exec(line);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(16 * 8 + 3);
    const { fields, ext } = parseCef(m![8]!);
    expect(fields).toEqual(['CEF:0', 'mamori', 'mamori', '0.1.0', 'signature.sqli', ALERT.explanation, '8']);
    expect(ext['suser']).toBe('ip:203.0.113.9');
    expect(ext['src']).toBe('203.0.113.9');
    expect(ext['msg']).toBe(ALERT.explanation);
    expect(ext['cnt']).toBe('2');
    expect(alertToCef(ALERT, '1')).not.toContain('\n');
  });

  it('formats an action (a patch block) as RFC 5424 + CEF with act, reason and the patch id', () => {
    const line = actionSyslogLine(
      {
        kind: 'block',
        reason: 'patch patch-1 = a|b',
        actor: 'ip:203.0.113.9',
        requestId: 'px-1',
        time: Date.UTC(2026, 10, 23, 12),
        method: 'POST',
        host: 'api.test',
        path: '/users/42',
        patchId: 'patch-1',
      },
      '0.1.0',
      'sensor-1',
    );
    const m = RFC5424.exec(line);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(16 * 8 + 4);
    const { fields, ext } = parseCef(m![8]!);
    expect(fields.slice(0, 5)).toEqual(['CEF:0', 'mamori', 'mamori', '0.1.0', 'action.block']);
    expect(ext).toMatchObject({
      act: 'block',
      reason: 'patch patch-1 = a|b',
      cs2: 'patch-1',
      src: '203.0.113.9',
    });
  });

  it('delivers to a loopback collector over UDP and TCP (octet counting)', async () => {
    const line = syslogLine(ALERT, '0.1.0', 'sensor-1');
    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const got = once(udp, 'message');
    await sendSyslog(line, { host: '127.0.0.1', port: udp.address().port, protocol: 'udp' });
    const [msg] = (await got) as [Buffer];
    expect(msg.toString()).toBe(line);
    udp.close();

    let received = '';
    const tcp = createTcpServer((s) => {
      s.on('data', (d: Buffer) => {
        received += d.toString();
      });
    });
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    await sendSyslog(line, {
      host: '127.0.0.1',
      port: (tcp.address() as { port: number }).port,
      protocol: 'tcp',
    });
    while (received.length < line.length) await new Promise((r) => setTimeout(r, 5));
    tcp.close();
    const sp = received.indexOf(' ');
    expect(Number(received.slice(0, sp))).toBe(Buffer.byteLength(line));
    expect(received.slice(sp + 1)).toBe(line);
  });
});

/** Required attributes of the OCSF base event and of each class, as ocsf/ocsf-schema defines them
 * (events/base_event.json; events/findings/finding.json: finding_info; events/application/
 * api_activity.json: actor, api, src_endpoint), with the activity_id enumerations of each class. */
const OCSF_REQUIRED: Record<number, { attrs: string[]; activities: number[] }> = {
  2004: { attrs: ['finding_info'], activities: [0, 1, 2, 3, 99] },
  6003: { attrs: ['actor', 'api', 'src_endpoint'], activities: [0, 1, 2, 3, 4, 99] },
};

function checkOcsf(ev: Record<string, unknown>, cls: number, category: number) {
  for (const k of ['class_uid', 'category_uid', 'activity_id', 'type_uid', 'severity_id', 'time', 'metadata'])
    expect(ev, k).toHaveProperty(k);
  for (const k of OCSF_REQUIRED[cls]!.attrs) expect(ev, `${cls} requires ${k}`).toHaveProperty(k);
  expect(OCSF_REQUIRED[cls]!.activities).toContain(ev['activity_id']);
  expect(ev['class_uid']).toBe(cls);
  expect(ev['category_uid']).toBe(category);
  expect(ev['type_uid']).toBe(cls * 100 + (ev['activity_id'] as number));
  expect([0, 1, 2, 3, 4, 5, 6, 99]).toContain(ev['severity_id']);
  expect(Number.isInteger(ev['time'])).toBe(true);
  const meta = ev['metadata'] as { version: string; product: { name: string; vendor_name: string } };
  expect(meta.version).toMatch(/^1\.\d+\.\d+$/);
  expect(meta.product.vendor_name).toBe('mamori');
}

describe('OCSF', () => {
  it('Detection Finding 2004 from an alert', () => {
    const ev = alertToOcsf(ALERT, '0.1.0');
    checkOcsf(ev, 2004, 2);
    const fi = ev['finding_info'] as { uid: string; title: string };
    // finding_info (object finding_info.json) requires uid and title.
    expect(fi.uid).toBe('al-1');
    expect(fi.title).toBe('signature.sqli');
    expect(ev['severity_id']).toBe(4);
  });

  it('API Activity 6003 from an exchange', () => {
    const ex: Exchange = {
      id: 'px-1',
      time: 1_795_000_000_000,
      source: { kind: 'proxy', index: 0 },
      client: { address: '127.0.0.1' },
      request: {
        method: 'DELETE',
        scheme: 'https',
        host: 'api.example',
        path: '/items/1',
        query: [],
        headers: {},
      },
      response: { status: 403, headers: {} },
    };
    const ev = exchangeToOcsf(ex, '0.1.0');
    checkOcsf(ev, 6003, 6);
    expect(ev['activity_id']).toBe(4);
    expect((ev['http_request'] as { http_method: string }).http_method).toBe('DELETE');
    expect(ev['status']).toBe('Failure');
    expect((ev['api'] as { operation: string }).operation).toBe('DELETE /items/1');
    expect(ev['src_endpoint']).toEqual({ ip: '127.0.0.1' });
  });
});
