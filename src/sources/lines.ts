// Line-oriented files (JSONL, access logs) as batches of lines, one batch per read chunk, so that the
// per-line cost is a Buffer#indexOf and a toString, not an async step.

/** Lines longer than this are skipped (reported by the caller) to keep memory bounded. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineBatch {
  /** Line texts without the line break (a trailing \r is removed); undefined for a line that was too long. */
  lines: Array<string | undefined>;
  /** One-based number of lines[0]. */
  firstLine: number;
}

/**
 * Splits a byte stream into lines. Read errors propagate from the iteration; a last line without a
 * newline is still a line.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<LineBatch> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let lineNo = 1;
  let first = true;
  for await (const buf of chunks) {
    const lines: Array<string | undefined> = [];
    const firstLine = lineNo;
    let start = 0;
    if (first) {
      first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      if (tooLong) lines.push(undefined);
      else if (pending.length === 0) lines.push(lineText(buf, start, nl));
      else {
        pending.push(buf.subarray(start, nl));
        const all = Buffer.concat(pending);
        lines.push(pendingBytes + nl - start > maxLineBytes ? undefined : lineText(all, 0, all.length));
      }
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      lineNo++;
      start = nl + 1;
    }
    if (start < buf.length) {
      pendingBytes += buf.length - start;
      if (pendingBytes > maxLineBytes) {
        tooLong = true;
        pending = [];
      } else if (!tooLong) pending.push(buf.subarray(start));
    }
    if (lines.length > 0) yield { lines, firstLine };
  }
  if (tooLong) yield { lines: [undefined], firstLine: lineNo };
  else if (pending.length > 0) {
    const all = Buffer.concat(pending);
    yield { lines: [lineText(all, 0, all.length)], firstLine: lineNo };
  }
}

function lineText(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === 0x0d) end--;
  return buf.toString('utf8', start, end);
}
