// Follow a growing line-oriented traffic file (JSONL exchanges or an access log), as `tail -F` does:
// what is there first, then each appended line; truncation and rotation (a new inode) start again
// from the top. Used by `mamori detect --follow` and `mamori ingest --follow`.

import { watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type Exchange, InputError, type InputIssue } from '../model/index.js';
import { logLineParser } from './access-log.js';
import { detectTrafficFormat } from './index.js';
import { exchangeFromRecord } from './jsonl.js';
import { exchangeFromLogRecord } from './log-formats/record.js';
import type { TrafficFormat } from './types.js';

export interface FollowOptions {
  signal: AbortSignal;
  onExchange: (ex: Exchange) => void;
  onIssue: (issue: InputIssue) => void;
  format?: TrafficFormat;
  defaultHost?: string;
  bodyCap?: number;
  /** Poll as well as watch (fs.watch misses events on some file systems). Default 250 ms. */
  pollMs?: number;
}

/**
 * Tail a growing line-oriented traffic file (JSONL exchanges or an access log): analyse what is there,
 * then each appended line as it arrives. A file that shrinks (truncated) or is replaced (rotated: a
 * new inode) is read again from its start. Resolves when `signal` aborts.
 */
export async function followFile(file: string, opts: FollowOptions): Promise<void> {
  let handle: FileHandle | undefined;
  let inode = -1;
  let position = 0;
  let pending = '';
  // Bytes of a character split across two reads wait here instead of becoming U+FFFD.
  let decoder = new StringDecoder('utf8');
  let index = 0;
  let lineNo = 0;
  let parseLine: ((text: string, line: number, index: number) => Exchange | string) | undefined;

  const choose = (format: TrafficFormat): void => {
    if (format === 'har') {
      throw new InputError({
        code: 'usage.follow.har',
        message: 'a HAR file cannot be followed (it is one JSON document); use JSONL or an access log',
        file,
      });
    }
    if (format === 'jsonl') {
      parseLine = (text, line, i) => {
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch (err) {
          return `line is not valid JSON: ${(err as Error).message}`;
        }
        const ex = exchangeFromRecord(obj, { kind: 'jsonl', file, index: i, line }, opts.bodyCap);
        return 'code' in ex ? ex.message + (ex.field ? ` (field ${ex.field})` : '') : ex;
      };
      return;
    }
    const parse = logLineParser(format, {});
    const ctx = {
      file,
      fileBase: file.split('/').pop() ?? file,
      defaultHost: opts.defaultHost ?? 'unknown',
      defaultScheme: 'https' as const,
    };
    parseLine = (text, line, i) => {
      const rec = parse(text);
      return typeof rec === 'string' ? rec : exchangeFromLogRecord(rec, ctx, i, line);
    };
  };
  if (opts.format) choose(opts.format);

  const handleLine = (text: string) => {
    lineNo++;
    if (text === '' || text.trim() === '' || text.charCodeAt(0) === 0x23) return;
    if (!parseLine) {
      const format = detectTrafficFormat(Buffer.from(text));
      if (format === undefined) {
        opts.onIssue({
          code: 'source.format.unknown',
          message: 'unrecognised traffic format',
          file,
          fatal: true,
        });
        return;
      }
      choose(format);
    }
    const i = index++;
    const ex = parseLine!(text, lineNo, i);
    if (typeof ex === 'string')
      opts.onIssue({ code: 'follow.line.unparsed', message: ex, file, line: lineNo, index: i });
    else opts.onExchange(ex);
  };

  const reopen = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    try {
      handle = await open(file, 'r');
      inode = (await handle.stat()).ino;
    } catch {
      inode = -1; // not there (yet): rotated away; try again on the next tick
    }
    position = 0;
    pending = '';
    decoder = new StringDecoder('utf8');
    lineNo = 0;
  };

  // One read at a time; `final` reads to the end even after the stop signal.
  let inflight: Promise<void> | undefined;
  const drain = (final = false): Promise<void> => {
    if (inflight) return inflight;
    inflight = readNew(final).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
  const readNew = async (final: boolean): Promise<void> => {
    let st: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      st = await stat(file);
    } catch {
      st = undefined;
    }
    if (!st) return;
    if (st.ino !== inode || !handle) await reopen();
    else if (st.size < position) {
      // Truncated in place: start again from the top.
      position = 0;
      pending = '';
      decoder = new StringDecoder('utf8');
      lineNo = 0;
    }
    if (!handle) return;
    const size = (await handle.stat()).size;
    while (position < size && (final || !opts.signal.aborted)) {
      const len = Math.min(1 << 20, size - position);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await handle.read(buf, 0, len, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = pending + decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) handleLine(l.endsWith('\r') ? l.slice(0, -1) : l);
    }
  };

  await reopen();
  await drain();
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(file, () => void drain().catch(() => undefined));
  } catch {
    watcher = undefined; // polling alone
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      drain().catch((err) => {
        clearInterval(timer);
        reject(err);
      });
    }, opts.pollMs ?? 250);
    const finish = () => {
      clearInterval(timer);
      resolve();
    };
    if (opts.signal.aborted) finish();
    else opts.signal.addEventListener('abort', finish, { once: true });
  });
  watcher?.close();
  // Lines written just before the stop are still analysed: wait for a read in flight, then read to the end.
  await inflight?.catch(() => undefined);
  await drain(true);
  pending += decoder.end();
  if (pending.trim() !== '') handleLine(pending);
  await handle?.close();
}
