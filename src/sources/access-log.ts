// Access logs → Exchange: nginx/Apache combined and common, generic JSON logs with a field map, Envoy
// JSON, AWS ALB. No bodies: the inventory is built from method, host, path and query, and sensitivity
// from query strings. One issue per unparsable line; every other line is still used.

import type { Exchange } from '../model/index.js';
import { type ByteSource, ProgressTicker, readError } from './byte-source.js';
import { baseName } from './common.js';
import { lineBatches } from './lines.js';
import { parseAlbLine } from './log-formats/alb.js';
import { parseCombinedLine } from './log-formats/combined.js';
import { envoyReader, jsonLogReader } from './log-formats/json-log.js';
import { exchangeFromLogRecord, type LogContext, type LogRecord } from './log-formats/record.js';
import type { ReadOptions } from './types.js';

export type AccessLogFormat = 'combined' | 'json-log' | 'envoy' | 'alb';

/** The line parser of a format; JSON formats parse the line first. */
export function logLineParser(
  format: AccessLogFormat,
  opts: Pick<ReadOptions, 'fieldMap'>,
): (line: string) => LogRecord | string {
  switch (format) {
    case 'combined':
      return parseCombinedLine;
    case 'alb':
      return parseAlbLine;
    case 'json-log':
    case 'envoy': {
      const reader = format === 'envoy' ? envoyReader(opts.fieldMap) : jsonLogReader(opts.fieldMap);
      return (line) => {
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch (err) {
          return `line is not valid JSON: ${(err as Error).message}`;
        }
        return reader.parse(obj);
      };
    }
  }
}

/** Streams the exchanges of an access log; `src` is consumed and closed. */
export async function* readAccessLog(
  src: ByteSource,
  format: AccessLogFormat,
  opts: ReadOptions,
): AsyncGenerator<Exchange> {
  const file = src.file;
  const ctx: LogContext = {
    file,
    fileBase: baseName(file),
    defaultHost: opts.defaultHost ?? 'unknown',
    defaultScheme: opts.defaultScheme ?? 'https',
  };
  const parse = logLineParser(format, opts);
  const progress = new ProgressTicker(src, opts.onProgress);
  let index = 0;
  try {
    for await (const batch of lineBatches(src.guardedChunks())) {
      for (let k = 0; k < batch.lines.length; k++) {
        const text = batch.lines[k];
        const line = batch.firstLine + k;
        if (text === undefined) {
          opts.onIssue({ code: 'log.line.too-long', message: 'line is too long; skipped', file, line });
          index++;
          continue;
        }
        // Blank lines and `#` comments (W3C-style headers some exporters write) are not records.
        if (text === '' || text.charCodeAt(0) === 0x23 || text.trim() === '') continue;
        const i = index++;
        const rec = parse(text);
        const ex = typeof rec === 'string' ? rec : exchangeFromLogRecord(rec, ctx, i, line);
        if (typeof ex === 'string')
          opts.onIssue({ code: 'log.line.unparsed', message: ex, file, line, index: i });
        else yield ex;
      }
      progress.tick();
    }
  } finally {
    src.close();
  }
  if (src.error !== undefined) opts.onIssue(readError(src));
  progress.done();
}
