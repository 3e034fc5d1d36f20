import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange, InputIssue } from '../model/index.js';
import { type FollowOptions, followFile } from './follow.js';
import { exchangeToRecord } from './jsonl.js';
import { tempDir } from './test-support/collect.js';

const dir = tempDir();

function exchange(path: string, index: number): Exchange {
  return {
    id: `ex-${index}`,
    time: Date.UTC(2026, 10, 1, 9, 0, index),
    source: { kind: 'jsonl', index },
    client: { address: '203.0.113.7' },
    request: { method: 'GET', scheme: 'https', host: 'api.example.com', path, query: [], headers: {} },
    response: { status: 200, headers: {} },
  };
}
const line = (path: string, index: number) => `${JSON.stringify(exchangeToRecord(exchange(path, index)))}\n`;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

/** Follows `file` until `stop()`; what it saw is in `paths` and `issues`. */
function follow(file: string, extra: Partial<FollowOptions> = {}) {
  const paths: string[] = [];
  const issues: InputIssue[] = [];
  const controller = new AbortController();
  const done = followFile(file, {
    signal: controller.signal,
    pollMs: 20,
    onExchange: (ex) => paths.push(ex.request.path),
    onIssue: (i) => issues.push(i),
    ...extra,
  });
  return {
    paths,
    issues,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('followFile', () => {
  it('reads what is there, then lines appended in pieces, and reports a bad line with its number', async () => {
    const file = join(dir, 'append.jsonl');
    writeFileSync(file, line('/a', 0));
    const f = follow(file);
    await until(() => f.paths.length === 1);
    const l2 = line('/b', 1);
    appendFileSync(file, l2.slice(0, 20));
    await new Promise((r) => setTimeout(r, 60));
    expect(f.paths).toEqual(['/a']); // half a line is not analysed
    appendFileSync(file, `${l2.slice(20)}not json\n`);
    await until(() => f.paths.length === 2 && f.issues.length === 1);
    expect(f.issues[0]).toMatchObject({ code: 'follow.line.unparsed', line: 3, file });
    expect(f.issues[0]!.message).toMatch(/^line is not valid JSON/);
    await f.stop();
    expect(f.paths).toEqual(['/a', '/b']);
  });

  it('starts again from the top when the file is truncated in place', async () => {
    const file = join(dir, 'truncate.jsonl');
    writeFileSync(file, line('/a', 0) + line('/b', 1));
    const f = follow(file);
    await until(() => f.paths.length === 2);
    truncateSync(file, 0);
    appendFileSync(file, line('/c', 2));
    await until(() => f.paths.includes('/c'));
    await f.stop();
    expect(f.paths).toEqual(['/a', '/b', '/c']);
  });

  it('follows the new file after rotation (renamed away, a new file in its place)', async () => {
    const file = join(dir, 'rotate.jsonl');
    writeFileSync(file, line('/a', 0));
    const f = follow(file);
    await until(() => f.paths.length === 1);
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, line('/old', 9)); // written to the rotated file: no longer followed
    writeFileSync(file, line('/d', 3));
    await until(() => f.paths.includes('/d'));
    appendFileSync(file, line('/e', 4));
    await until(() => f.paths.includes('/e'));
    await f.stop();
    expect(f.paths.filter((p) => p !== '/old')).toEqual(['/a', '/d', '/e']);
  });

  it('waits for a file that does not exist yet', async () => {
    const file = join(dir, 'later.jsonl');
    const f = follow(file);
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(file, line('/late', 0));
    await until(() => f.paths.includes('/late'));
    await f.stop();
  });

  it('keeps a character whose bytes arrive in two writes whole', async () => {
    const file = join(dir, 'utf8.jsonl');
    writeFileSync(file, '');
    const f = follow(file);
    const bytes = Buffer.from(line('/検索', 0));
    const cut = bytes.indexOf(Buffer.from('検')) + 1; // inside the three bytes of 検
    appendFileSync(file, bytes.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 60));
    appendFileSync(file, bytes.subarray(cut));
    await until(() => f.paths.length === 1);
    await f.stop();
    expect(f.paths).toEqual(['/検索']);
  });

  it('reads an access log, and analyses a last line without a newline when stopped', async () => {
    const file = join(dir, 'access.log');
    const combined = (path: string) =>
      `203.0.113.7 - - [01/Nov/2026:09:00:00 +0000] "GET ${path} HTTP/1.1" 200 12 "-" "curl/8"`;
    writeFileSync(file, `${combined('/x')}\n`);
    const f = follow(file, { defaultHost: 'api.example.com' });
    await until(() => f.paths.length === 1);
    appendFileSync(file, combined('/y'));
    await new Promise((r) => setTimeout(r, 60));
    await f.stop();
    expect(f.paths).toEqual(['/x', '/y']);
  });

  it('analyses every line appended just before the stop (with a long poll interval)', async () => {
    const file = join(dir, 'late.jsonl');
    writeFileSync(file, line('/a', 0));
    const f = follow(file, { pollMs: 60_000 });
    await until(() => f.paths.length === 1);
    appendFileSync(file, line('/b', 1) + line('/c', 2));
    await f.stop();
    expect(f.paths).toEqual(['/a', '/b', '/c']);
  });

  it('refuses a HAR file', async () => {
    const file = join(dir, 'x.har');
    writeFileSync(file, '{"log": {"entries": []}}\n');
    await expect(
      followFile(file, {
        signal: AbortSignal.timeout(1000),
        format: 'har',
        onExchange: () => undefined,
        onIssue: () => undefined,
      }),
    ).rejects.toThrow(/cannot be followed/);
  });
});
