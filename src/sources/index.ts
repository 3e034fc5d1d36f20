// Traffic sources: every supported file format in, Exchange values out (plus one InputIssue per record
// that cannot be read). `readTraffic` detects the format from the content (never the file name) unless
// told, and streams: memory stays bounded whatever the file size.

import type { Exchange } from '../model/index.js';
import { readAccessLog } from './access-log.js';
import { openByteSource } from './byte-source.js';
import { readHar } from './har.js';
import { readJsonl } from './jsonl.js';
import { looksAlb } from './log-formats/alb.js';
import { looksCombined } from './log-formats/combined.js';
import { looksEnvoy } from './log-formats/json-log.js';
import type { ReadOptions, TrafficFormat } from './types.js';

export { exchangeFromHarEntry, exchangesFromHar } from './har.js';
export { exchangeFromRecord, exchangeToRecord } from './jsonl.js';
export type { JsonLogFieldMap, ReadOptions, TrafficFormat } from './types.js';

/** Bytes looked at to tell the format. */
const DETECT_BYTES = 64 * 1024;

function classifyJsonLine(obj: unknown): TrafficFormat | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  const req = rec['request'];
  if (typeof req === 'object' && req !== null && 'method' in req) return 'jsonl';
  if ('log' in rec && typeof rec['log'] === 'object') return 'har';
  return looksEnvoy(rec) ? 'envoy' : 'json-log';
}

/** The format of a traffic file from its first bytes, or undefined when none fits. */
export function detectTrafficFormat(prefix: Buffer): TrafficFormat | undefined {
  let text = prefix.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  if (text === '') return undefined;
  if (text.charCodeAt(0) === 0x7b /* { */) {
    if (/^\{\s*"log"\s*:\s*\{/.test(text)) return 'har';
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      try {
        const f = classifyJsonLine(JSON.parse(text.slice(0, nl)));
        if (f !== undefined) return f;
      } catch {
        // Not one object per line: a pretty-printed document.
      }
    }
    if (/"log"\s*:\s*\{/.test(text)) return 'har';
    // A first line longer than the prefix: a JSONL record with a large body, or a one-line log object.
    if (nl < 0) return /^\{[\s\S]*"request"\s*:\s*\{/.test(text) ? 'jsonl' : 'json-log';
    return undefined;
  }
  const lines = text
    .split('\n', 12)
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'));
  // The last line of the prefix may be cut: judge by the complete ones when there are any.
  const sample = lines.length > 1 ? lines.slice(0, Math.min(lines.length - 1, 5)) : lines;
  let alb = 0;
  let combined = 0;
  for (const l of sample) {
    if (looksAlb(l)) alb++;
    else if (looksCombined(l)) combined++;
  }
  if (alb === 0 && combined === 0) return undefined;
  return alb >= combined ? 'alb' : 'combined';
}

/**
 * Streams the exchanges of a traffic file. Bad records go to `opts.onIssue` and are skipped; a file
 * that cannot be read or whose format is unknown gives one fatal issue and no exchanges.
 */
export async function* readTraffic(file: string, opts: ReadOptions): AsyncGenerator<Exchange> {
  const src = await openByteSource(file);
  if ('code' in src) {
    opts.onIssue(src);
    return;
  }
  let format = opts.format;
  if (format === undefined) {
    let prefix: Buffer;
    try {
      prefix = await src.peek(DETECT_BYTES);
    } catch (err) {
      src.close();
      opts.onIssue({
        code: 'source.unreadable',
        message: `cannot read traffic file: ${(err as Error).message}`,
        file,
        fatal: true,
      });
      return;
    }
    format = detectTrafficFormat(prefix);
    if (format === undefined) {
      src.close();
      opts.onIssue({
        code: 'source.format.unknown',
        message:
          prefix.length === 0
            ? 'traffic file is empty'
            : 'unrecognised traffic format (expected HAR, mamori JSONL, combined/common, JSON, Envoy or ALB access log)',
        file,
        fatal: true,
        hint: 'force one with --format',
      });
      return;
    }
  }
  switch (format) {
    case 'har':
      yield* readHar(src, opts);
      return;
    case 'jsonl':
      yield* readJsonl(src, opts);
      return;
    default:
      yield* readAccessLog(src, format, opts);
  }
}
