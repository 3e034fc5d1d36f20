// For HAR entries too large to hold (a 200 MB download saved with its body): copies the entry's JSON
// while cutting every string longer than `keep` bytes, so that the entry still parses and its method,
// URL, headers, status and the start of its bodies survive. HAR's own size fields (content.size,
// bodySize) then tell the converter the body was cut. Byte by byte, but it only runs on such entries.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class StringElider {
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private inString = false;
  /** Bytes of the current escape sequence still to come (after `\`: 1, after `\u`: 4 more). */
  private escLeft = 0;
  private afterBackslash = false;
  private strBytes = 0;
  private cutting = false;

  /** `keep`: bytes kept of each string; `limit`: total output above which `overflowed` is set. */
  constructor(
    private readonly keep: number,
    private readonly limit: number,
  ) {}

  get overflowed(): boolean {
    return this.outBytes > this.limit;
  }

  feed(buf: Buffer): void {
    const n = buf.length;
    let from = 0; // start of the run of bytes to copy
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if (!this.inString) {
        if (b === QUOTE) {
          this.inString = true;
          this.strBytes = 0;
          this.cutting = false;
          this.escLeft = 0;
        }
        continue;
      }
      if (this.escLeft > 0) {
        // `\u` needs four hex digits after the `u`.
        this.escLeft = this.escLeft === 1 && b === 0x75 && this.afterBackslash ? 4 : this.escLeft - 1;
        this.afterBackslash = false;
        if (!this.cutting) this.strBytes++;
        continue;
      }
      if (b === BACKSLASH) {
        if (!this.cutting) this.strBytes++;
        this.escLeft = 1;
        this.afterBackslash = true;
        continue;
      }
      if (b === QUOTE) {
        if (this.cutting) {
          // Resume copying at the closing quote.
          from = i;
          this.cutting = false;
        }
        this.inString = false;
        continue;
      }
      if (this.cutting) continue;
      // Cut before a character starts (not inside a UTF-8 sequence or an escape) once `keep` is reached.
      if (this.strBytes >= this.keep && (b & 0xc0) !== 0x80) {
        this.push(buf.subarray(from, i));
        this.cutting = true;
        continue;
      }
      this.strBytes++;
    }
    if (!this.cutting) this.push(buf.subarray(from, n));
  }

  private push(piece: Buffer): void {
    if (piece.length === 0 || this.overflowed) return;
    this.out.push(Buffer.from(piece));
    this.outBytes += piece.length;
  }

  /** The elided JSON text so far. */
  text(): string {
    return Buffer.concat(this.out).toString('utf8');
  }
}
