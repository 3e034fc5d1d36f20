// Test helper: runs readTraffic over a file and gathers exchanges, issues and progress calls.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange, InputIssue } from '../../model/index.js';
import { readTraffic } from '../index.js';
import type { ReadOptions } from '../types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/traffic/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mamori-sources-'));
}

export interface Collected {
  exchanges: Exchange[];
  issues: InputIssue[];
  progress: Array<[number, number]>;
}

export async function collect(file: string, opts: Partial<ReadOptions> = {}): Promise<Collected> {
  const out: Collected = { exchanges: [], issues: [], progress: [] };
  for await (const ex of readTraffic(file, {
    onIssue: (i) => out.issues.push(i),
    onProgress: (a, b) => out.progress.push([a, b]),
    ...opts,
  })) {
    out.exchanges.push(ex);
  }
  return out;
}
