import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectTrafficFormat } from './index.js';
import { collect, fixture, tempDir } from './test-support/collect.js';

describe('detectTrafficFormat', () => {
  it('tells every fixture format from its content', () => {
    const expected: Record<string, string> = {
      'simple.har': 'har',
      'truncated.har': 'har',
      'bad-entries.har': 'har',
      'exchanges.jsonl': 'jsonl',
      'access-combined.txt': 'combined',
      'access-vhost.txt': 'combined',
      'alb-access.txt': 'alb',
      'envoy.jsonl': 'envoy',
      'json-access.txt': 'json-log',
    };
    for (const [name, format] of Object.entries(expected))
      expect(detectTrafficFormat(readFileSync(fixture(name))), name).toBe(format);
  });

  it('recognises compact and pretty HAR whatever the key order', () => {
    expect(detectTrafficFormat(Buffer.from('{"log":{"version":"1.2","entries":[]}}'))).toBe('har');
    expect(detectTrafficFormat(Buffer.from('\ufeff{\n  "comment": "x",\n  "log": {\n    "entries": ['))).toBe(
      'har',
    );
  });

  it('does not take a JSON log with a "log" string field (Docker json-file) for a HAR', () => {
    const line = '{"log":"GET /x 200\\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}\n';
    expect(detectTrafficFormat(Buffer.from(line + line))).toBe('json-log');
  });

  it('recognises a JSONL record whose first line is longer than the detection window', () => {
    const head = `{"time":1,"request":{"method":"POST","url":"https://x/","body":"${'a'.repeat(70000)}`;
    expect(detectTrafficFormat(Buffer.from(head).subarray(0, 65536))).toBe('jsonl');
  });

  it('returns undefined for content that is none of the formats', () => {
    expect(detectTrafficFormat(Buffer.from('hello world\nsecond line\n'))).toBeUndefined();
    expect(detectTrafficFormat(Buffer.from('[1,2,3]'))).toBeUndefined();
    expect(detectTrafficFormat(Buffer.from('   \n'))).toBeUndefined();
  });

  it('judges log formats by the majority of the first lines', () => {
    const combined = '1.2.3.4 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"';
    expect(detectTrafficFormat(Buffer.from(`garbage\n${combined}\n${combined}\n`))).toBe('combined');
  });
});

describe('readTraffic', () => {
  it('honours a forced format', async () => {
    const { exchanges, issues } = await collect(fixture('access-combined.txt'), { format: 'alb' });
    expect(exchanges).toEqual([]);
    expect(issues.length).toBe(7);
    expect(issues.every((i) => i.code === 'log.line.unparsed')).toBe(true);
  });

  it('gives one fatal issue for an unknown or empty file', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some notes\n');
    const r = await collect(text);
    expect(r.exchanges).toEqual([]);
    expect(r.issues).toEqual([
      expect.objectContaining({ code: 'source.format.unknown', fatal: true, file: text }),
    ]);
    const empty = join(dir, 'empty.har');
    writeFileSync(empty, '');
    const e = await collect(empty);
    expect(e.issues).toEqual([
      expect.objectContaining({ code: 'source.format.unknown', message: 'traffic file is empty' }),
    ]);
    const d = await collect(dir);
    expect(d.issues).toEqual([expect.objectContaining({ code: 'source.unreadable', fatal: true })]);
  });

  it('lets a consumer stop after a few exchanges', async () => {
    let n = 0;
    for await (const _ of (await import('./index.js')).readTraffic(fixture('simple.har'), {
      onIssue: () => {},
    })) {
      n++;
      if (n === 2) break;
    }
    expect(n).toBe(2);
  });
});
