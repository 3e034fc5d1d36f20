import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../model/index.js';
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

describe('detect --follow', () => {
  it('prints an alert per line as the file grows and a summary when interrupted', async () => {
    const file = join(dir, 'live.log');
    const line = (q: string) =>
      `203.0.113.7 - - [01/Nov/2026:09:00:00 +0000] "GET /products?q=${q} HTTP/1.1" 200 12 "-" "curl/8"\n`;
    writeFileSync(file, line('shoes'));
    const listeners = process.listenerCount('SIGINT');
    const running = runCli('detect', '--follow', file, '--format', 'json', '--host', 'api.example.com');
    // Following once the command listens for Ctrl-C.
    for (let i = 0; i < 250 && process.listenerCount('SIGINT') === listeners; i++)
      await new Promise((r) => setTimeout(r, 20));
    appendFileSync(file, line('1%27%20union%20select%20password%20from%20users--'));
    await new Promise((r) => setTimeout(r, 600));
    process.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(0);
    const alerts = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Alert);
    expect(alerts.map((a) => a.type)).toEqual(['signature.sqli']);
    expect(run.stderr).toMatch(/2 exchanges from 1 file → 1 alert/);
  });
});
