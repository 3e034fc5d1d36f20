// A traffic file as a stream of byte chunks: plain or gzip (told by the 1f 8b magic, not the file name),
// with a peek at the first bytes for format detection and raw-byte progress for progress bars.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { InputIssue } from '../model/index.js';

/** Read size: large enough that per-chunk overhead vanishes, small enough to keep memory flat. */
const CHUNK = 1 << 20;

export interface ByteSource {
  readonly file: string;
  readonly gzip: boolean;
  /** Size of the file on disk (compressed size for gzip). */
  readonly totalBytes: number;
  /** Raw (on-disk) bytes consumed so far. */
  bytesRead(): number;
  /** The first decoded bytes (up to `n`, fewer at end of file); they are still yielded by `chunks`. */
  peek(n: number): Promise<Buffer>;
  /** Decoded chunks in order. A read or gzip error is thrown from the iteration. */
  chunks(): AsyncGenerator<Buffer>;
  /**
   * Like `chunks`, but a read or gzip error ends the iteration instead of throwing; its message is then
   * in `error` (everything before it has been yielded).
   */
  guardedChunks(): AsyncGenerator<Buffer>;
  /** The read or gzip error that ended `guardedChunks`, if any. */
  readonly error: string | undefined;
  /** Stops reading and frees the file handle. */
  close(): void;
}

/** Opens `file`, or returns the fatal issue that says why it cannot be read. */
export async function openByteSource(file: string): Promise<ByteSource | InputIssue> {
  let totalBytes: number;
  let gzip = false;
  try {
    const fh = await open(file, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) return unreadable(file, 'is a directory');
      totalBytes = st.size;
      const magic = Buffer.alloc(2);
      const { bytesRead } = await fh.read(magic, 0, 2, 0);
      gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return unreadable(file, e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message));
  }

  const raw = createReadStream(file, { highWaterMark: CHUNK });
  const decoded = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gzip) raw.on('error', (e) => decoded.destroy(e));
  const it = decoded[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const peeked: Buffer[] = [];
  let peekedBytes = 0;
  let ended = false;

  let error: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      while (peeked.length > 0) yield peeked.shift()!;
      while (!ended) {
        const r = await it.next();
        if (r.done) ended = true;
        else yield r.value;
      }
    } finally {
      raw.destroy();
      if (decoded !== raw) decoded.destroy();
    }
  }

  return {
    file,
    gzip,
    totalBytes,
    bytesRead: () => raw.bytesRead,
    async peek(n) {
      while (peekedBytes < n && !ended) {
        const r = await it.next();
        if (r.done) ended = true;
        else {
          peeked.push(r.value);
          peekedBytes += r.value.length;
        }
      }
      const all = peeked.length === 1 ? peeked[0]! : Buffer.concat(peeked);
      return all.length > n ? all.subarray(0, n) : all;
    },
    chunks,
    async *guardedChunks() {
      const inner = chunks();
      for (;;) {
        let r: IteratorResult<Buffer>;
        try {
          r = await inner.next();
        } catch (err) {
          error = (err as Error).message;
          return;
        }
        if (r.done) return;
        yield r.value;
      }
    },
    get error() {
      return error;
    },
    close() {
      raw.destroy();
      if (decoded !== raw) decoded.destroy();
    },
  };
}

function unreadable(file: string, why: string): InputIssue {
  return { code: 'source.unreadable', message: `cannot read traffic file: ${why}`, file, fatal: true };
}

/** Calls `onProgress` when at least 1 MiB more has been read since the last call (and at the end). */
export class ProgressTicker {
  private last = 0;
  constructor(
    private readonly src: ByteSource,
    private readonly onProgress: ((bytesRead: number, totalBytes: number) => void) | undefined,
  ) {}
  tick(): void {
    if (this.onProgress === undefined) return;
    const n = this.src.bytesRead();
    if (n - this.last >= CHUNK) {
      this.last = n;
      this.onProgress(n, this.src.totalBytes);
    }
  }
  done(): void {
    this.onProgress?.(this.src.totalBytes, this.src.totalBytes);
  }
}

/** The issue for a read or gzip error in the middle of a line-oriented file (the lines before it were used). */
export function readError(src: ByteSource): InputIssue {
  return {
    code: 'source.read',
    message: `reading stopped early: ${src.error ?? 'unknown error'}; the records before were used`,
    file: src.file,
    ...(src.gzip ? { hint: 'the gzip stream is corrupt or truncated' } : {}),
  };
}
