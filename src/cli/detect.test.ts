import { appendFileSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeExchange } from '../detect/test-support/exchanges.js';
import type { Alert, Exchange } from '../model/index.js';
import { exchangeToRecord } from '../sources/index.js';
import { followFile } from './detect.js';
import { runCli } from './test-support.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-detect-'));
});

function harEntry(url: string, status = 200, extra: Record<string, unknown> = {}) {
  return {
    startedDateTime: '2026-11-01T09:00:00.000Z',
    time: 5,
    request: {
      method: 'GET',
      url,
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'user-agent', value: 'curl/8' }],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      content: { size: 0, mimeType: 'application/json' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
    ...extra,
  };
}
function writeHar(name: string, entries: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } }),
  );
  return file;
}

describe('mamori detect', () => {
  it('prints alerts that validate against docs/schemas/alerts.schema.json, with HAR entry indexes as evidence', async () => {
    const file = writeHar('attacks.har', [
      harEntry('https://api.example.com/products?q=shoes'),
      harEntry('https://api.example.com/products?q=%27%20or%201%3D1--'),
      harEntry('https://api.example.com/products?q=boots'),
      harEntry('https://api.example.com/files?name=..%2F..%2F..%2Fetc%2Fpasswd'),
      { broken: true },
      harEntry('https://api.example.com/products?q=1%27%20union%20select%20password%20from%20users--'),
    ]);
    const run = await runCli('detect', file, '--format', 'json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      alerts: Alert[];
      summary: { exchanges: number; skipped: number };
    };
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('docs/schemas/alerts.schema.json', 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const sqli = doc.alerts.find((a) => a.type === 'signature.sqli')!;
    expect(sqli.evidence).toEqual([1, 5]);
    expect(sqli.evidenceRefs[0]).toMatchObject({ file, index: 1 });
    expect(doc.alerts.find((a) => a.type === 'signature.path-traversal')!.evidence).toEqual([3]);
    // The bad record is one line on stderr; the records after it were still analysed.
    expect(doc.summary.skipped).toBe(1);
    expect(run.stderr.split('\n').filter((l) => l.includes('entry 4'))).toHaveLength(1);
  });

  it('gates with --fail-on, filters with --since, and reports no alerts on benign traffic', async () => {
    const file = writeHar('gate.har', [
      harEntry('https://api.example.com/x?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E'),
    ]);
    expect((await runCli('detect', file, '--format', 'json', '--fail-on', 'high')).code).toBe(1);
    expect((await runCli('detect', file, '--format', 'json', '--fail-on', 'critical')).code).toBe(0);
    const later = await runCli('detect', file, '--format', 'json', '--since', '2026-11-02T00:00:00Z');
    expect(JSON.parse(later.stdout).alerts).toEqual([]);
    const table = await runCli(
      'detect',
      writeHar('ok.har', [harEntry('https://api.example.com/ok')]),
      '--format',
      'table',
    );
    expect(table.stdout).toBe('no alerts\n');
    expect((await runCli('detect', file, '--since', 'yesterday-ish')).code).toBe(2);
  });

  it('exits 2 on a bad config, naming the field', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'thresholds:\n  bola:\n    minIds: -3\n');
    const run = await runCli('detect', writeHar('c.har', []), '--config', cfg);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('thresholds.bola.minIds');
    expect(run.stderr).toContain(`${cfg}:3`);
  });
});

describe('followFile', () => {
  const line = (ex: Exchange) => `${JSON.stringify(exchangeToRecord(ex))}\n`;
  async function until(check: () => boolean) {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(check()).toBe(true);
  }

  it('reads what is there, then appended lines, and survives truncation and rotation', async () => {
    const file = join(dir, 'live.jsonl');
    writeFileSync(file, line(fakeExchange({ path: '/a', index: 0 })));
    const seen: string[] = [];
    const issues: string[] = [];
    const controller = new AbortController();
    const following = followFile(file, {
      signal: controller.signal,
      pollMs: 20,
      onExchange: (ex) => seen.push(ex.request.path),
      onIssue: (i) => issues.push(`${i.line}:${i.message}`),
    });
    await until(() => seen.length === 1);
    // Appended in two writes, the second completing the line.
    const l2 = line(fakeExchange({ path: '/b', index: 1 }));
    appendFileSync(file, l2.slice(0, 20));
    appendFileSync(file, `${l2.slice(20)}not json\n`);
    await until(() => seen.length === 2 && issues.length === 1);
    expect(issues[0]).toMatch(/^3:line is not valid JSON/);
    // Truncated and rewritten.
    truncateSync(file, 0);
    appendFileSync(file, line(fakeExchange({ path: '/c', index: 2 })));
    await until(() => seen.includes('/c'));
    // Rotated: renamed away, a new file in its place.
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(fakeExchange({ path: '/d', index: 3 })));
    await until(() => seen.includes('/d'));
    controller.abort();
    await following;
    expect(seen).toEqual(['/a', '/b', '/c', '/d']);
  });
});
