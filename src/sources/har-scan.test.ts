import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HarScanner, NOT_OBJECT, type ScanEnd, TOO_LARGE } from './har-scan.js';
import { fixture } from './test-support/collect.js';

function scan(
  bytes: Buffer,
  chunkSize: number,
  max?: number,
  keep?: number,
): { entries: Array<unknown>; end: ScanEnd } {
  const s = new HarScanner(max, keep);
  const entries: unknown[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    s.push(bytes.subarray(i, i + chunkSize));
    for (const t of s.out)
      entries.push(
        t === TOO_LARGE
          ? 'TOO-LARGE'
          : t === NOT_OBJECT
            ? 'NOT-OBJECT'
            : typeof t === 'string'
              ? JSON.parse(t)
              : t,
      );
    s.out = [];
  }
  return { entries, end: s.finish() };
}

// Strings that stress the scanner: escaped quotes and backslash runs of every parity, keys that look like
// "log"/"entries" inside entries and pages, braces inside strings, multi-byte characters.
const TRICKY = {
  log: {
    version: '1.2',
    pages: [{ id: 'p', title: '{"entries": [', log: { entries: [1] } }],
    comment: 'x\\',
    entries: [
      { a: 'he said "hi" \\', b: '\\\\\\"', c: '}]{[', log: 'entries', 'entries"': [{}] },
      { d: '日本語 ✓ "\\u0022"', e: [[[{ f: '\\' }]]], g: '\\"\\\\"' },
      { h: 'x'.repeat(70), i: '\\'.repeat(9) },
    ],
  },
  entries: ['not these'],
};

describe('HarScanner', () => {
  it('cuts out the same entries whatever the chunk boundaries', () => {
    for (const text of [JSON.stringify(TRICKY), JSON.stringify(TRICKY, null, 2)]) {
      const bytes = Buffer.from(text);
      for (let size = 1; size <= 40; size++) {
        const { entries, end } = scan(bytes, size);
        expect(entries, `chunk size ${size}`).toEqual(TRICKY.log.entries);
        expect(end).toEqual({ kind: 'complete' });
      }
    }
  });

  it('finds entries of a pretty-printed HAR fixture in odd chunk sizes', () => {
    const bytes = readFileSync(fixture('simple.har'));
    const expected = JSON.parse(bytes.toString()).log.entries;
    for (const size of [1, 3, 7, 64, 333, 4096]) expect(scan(bytes, size).entries).toEqual(expected);
  });

  it('gives the same entries on the fast path (one entry per line, pretty-printed) as by bytes', () => {
    const entries: unknown[] = [];
    for (let i = 0; i < 300; i++)
      entries.push(
        i % 7 === 0
          ? { i, s: '},\n    }', nested: { deep: [{ x: '}' }] } }
          : { i, t: 'x'.repeat(i * 13), q: '"\\', o: {} },
      );
    const perLine = `{"log":{"entries":[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]}}\n`;
    const pretty = JSON.stringify({ log: { version: '1.2', entries } }, null, 2);
    // Two entries on one line, and a nested brace at the entry's own indentation: the fast path must miss.
    const odd = '{"log":{"entries":[\n{"a":1}, {"b":"}"},\n  {"c":\n  {"d":1\n  }\n  },\n{"e":[]}\n]}}';
    for (const size of [64, 1000, 1 << 20]) {
      expect(scan(Buffer.from(perLine), size).entries).toEqual(entries);
      expect(scan(Buffer.from(pretty), size).entries).toEqual(entries);
      expect(scan(Buffer.from(odd), size).entries).toEqual([
        { a: 1 },
        { b: '}' },
        { c: { d: 1 } },
        { e: [] },
      ]);
    }
  });

  it('reads exactly the complete entries before a cut anywhere (every 5th byte)', () => {
    const doc = JSON.parse(readFileSync(fixture('simple.har'), 'utf8'));
    const all = doc.log.entries as unknown[];
    for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc)]) {
      const bytes = Buffer.from(text);
      const arrayAt = bytes.indexOf('[', bytes.indexOf('"entries"'));
      for (let cut = 1; cut < bytes.length; cut += 5) {
        const { entries, end } = scan(bytes.subarray(0, cut), 97);
        expect(all.slice(0, entries.length), `cut ${cut}`).toEqual(entries);
        if (cut <= arrayAt) expect(end.kind, `cut ${cut}`).toBe('not-har');
        else expect(end, `cut ${cut}`).toMatchObject({ kind: 'truncated', index: entries.length });
      }
    }
  });

  it('tells a cut inside an entry from a cut between entries', () => {
    const text = JSON.stringify(TRICKY);
    const second = text.indexOf('{"d"');
    expect(scan(Buffer.from(text.slice(0, second + 5)), 8).end).toEqual({
      kind: 'truncated',
      index: 1,
      inEntry: true,
    });
    expect(scan(Buffer.from(text.slice(0, second - 1)), 8).end).toEqual({
      kind: 'truncated',
      index: 1,
      inEntry: false,
    });
    const afterLog = text.indexOf('},"entries":["not');
    expect(afterLog).toBeGreaterThan(0);
    expect(scan(Buffer.from(text.slice(0, afterLog + 1)), 8).end).toMatchObject({
      kind: 'truncated',
      index: 3,
    });
  });

  it('rejects input that is not a HAR', () => {
    expect(scan(Buffer.from('  [{"log": {"entries": []}}]'), 4).end).toMatchObject({ kind: 'not-har' });
    expect(scan(Buffer.from('{"log": {"version": "1.2"}}'), 4).end).toEqual({
      kind: 'not-har',
      reason: 'no log.entries array',
    });
    expect(scan(Buffer.from(''), 4).end).toMatchObject({ kind: 'not-har', reason: 'the file is empty' });
    expect(scan(Buffer.from('{"log": {"pages": ['), 4).end).toMatchObject({ kind: 'not-har' });
  });

  it('skips entries larger than the limit but keeps counting', () => {
    const doc = { log: { entries: [{ a: 1 }, { big: 'x'.repeat(5000) }, { b: 2 }] } };
    const { entries, end } = scan(Buffer.from(JSON.stringify(doc)), 100, 1000);
    expect(entries).toEqual([{ a: 1 }, 'TOO-LARGE', { b: 2 }]);
    expect(end).toEqual({ kind: 'complete' });
  });

  it('counts elements that are not objects so that indexes stay array positions', () => {
    const text = '{"log":{"entries":[ {"a":1}, null ,"s", [1,{}] , 12, {"b":2},\n{"c":[{}]} ]}}';
    for (const size of [1, 5, 1000]) {
      const { entries, end } = scan(Buffer.from(text), size);
      expect(entries).toEqual([
        { a: 1 },
        'NOT-OBJECT',
        'NOT-OBJECT',
        'NOT-OBJECT',
        'NOT-OBJECT',
        { b: 2 },
        { c: [{}] },
      ]);
      expect(end).toEqual({ kind: 'complete' });
    }
  });

  it('keeps the structure and the start of each string of an entry over the limit', () => {
    const big = {
      request: {
        method: 'POST',
        url: 'https://h/upload',
        postData: { text: `"\\${'é'.repeat(3000)}\u0001` },
      },
      response: { status: 200, content: { size: 9000, text: 'ab\\"cd'.repeat(900) } },
      tail: ['x', 'y'],
    };
    const doc = { log: { entries: [{ a: 1 }, big, { b: 2 }] } };
    for (const size of [7, 100, 5000]) {
      const { entries, end } = scan(Buffer.from(JSON.stringify(doc)), size, 2000, 50);
      expect(end).toEqual({ kind: 'complete' });
      expect(entries).toHaveLength(3);
      expect(entries[0]).toEqual({ a: 1 });
      expect(entries[2]).toEqual({ b: 2 });
      const got = entries[1] as typeof big;
      expect(got.request.url).toBe('https://h/upload');
      expect(got.tail).toEqual(['x', 'y']);
      expect(got.response.status).toBe(200);
      // Cut at a character boundary, never inside an escape: prefixes of the original strings.
      expect(big.request.postData.text.startsWith(got.request.postData.text)).toBe(true);
      expect(got.request.postData.text.length).toBeGreaterThan(20);
      expect(got.request.postData.text.length).toBeLessThan(60);
      expect(big.response.content.text.startsWith(got.response.content.text)).toBe(true);
    }
  });

  it('accepts a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"log":{"entries":[{"x":1}]}}'),
    ]);
    expect(scan(bytes, 2).entries).toEqual([{ x: 1 }]);
  });
});
