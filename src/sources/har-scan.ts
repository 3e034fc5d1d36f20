// Byte-level scanner that finds `log.entries` in a HAR and cuts out each entry object, so that a 1 GB
// HAR is read in bounded memory: only the current entry is ever held, and each is JSON.parse'd alone.
//
// It tracks just enough JSON structure to do that: string state (with escapes, across chunk
// boundaries), nesting depth, and the keys of the root and `log` objects. String contents are skipped
// with a short inline loop and then Buffer#indexOf, since most of a HAR's bytes are inside strings
// (header values, bodies). Syntax errors inside an entry are left to JSON.parse of that entry.

import { StringElider } from './har-elide.js';

/**
 * Entries larger than this are not held whole: their strings are cut to ELIDED_STRING_BYTES (see
 * StringElider), and if even that is larger, the entry is skipped with an issue.
 */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const ELIDED_STRING_BYTES = 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const BOM = [0xef, 0xbb, 0xbf];

/** Consecutive fast-path misses after which a file is read by the byte scanner alone. */
const FAST_MISS_LIMIT = 3;

export const TOO_LARGE = 0;
export const NOT_OBJECT = 1;

export type ScanEnd =
  | { kind: 'complete' }
  | { kind: 'not-har'; reason: string }
  /** `index`: entries completed before the cut (so the index of the entry that was cut). */
  | { kind: 'truncated'; index: number; inEntry: boolean };

export class HarScanner {
  /**
   * Array elements cut out so far and not yet taken, in order: an entry already parsed (object), an
   * entry's JSON text (string) still to parse, TOO_LARGE, or NOT_OBJECT for an element that is not an
   * object (`null`, a string, garbage).
   */
  out: Array<object | string | number> = [];
  private started = false;
  private bom = 0;
  private notHar: string | undefined;
  private depth = 0;
  private inString = false;
  private esc = false;
  private rootClosed = false;
  private inLog = false;
  private foundEntries = false;
  private inEntries = false;
  private completed = 0;
  /** Inside log.entries, between a comma and the next element: false; once the element began: true. */
  private elemOpen = false;
  // Fast path state (see fastEntry).
  private fastMisses = 0;
  private nlBuf: Buffer | undefined;
  private nlPos = 0;
  private closeIndent = '';
  private closePattern = Buffer.from('}');
  // Key capture for strings at depth <= 2 (the root's and log's keys).
  private capturing = false;
  private keyStart = 0;
  private keyPrefix = '';
  private lastKey: string | null = null;
  private afterColon = false;
  // The entry being cut out.
  private inEntry = false;
  private entryStart = 0;
  private pieces: Buffer[] = [];
  private entryBytes = 0;
  private oversized = false;
  private elider: StringElider | undefined;

  constructor(
    private readonly maxEntryBytes = MAX_ENTRY_BYTES,
    private readonly elidedStringBytes = ELIDED_STRING_BYTES,
  ) {}

  /** Set once the input is known not to be a HAR; stop feeding it. */
  get failure(): string | undefined {
    return this.notHar;
  }

  push(buf: Buffer): void {
    if (this.notHar !== undefined) return;
    const n = buf.length;
    let i = 0;
    if (!this.started) {
      // Skip a UTF-8 BOM (possibly split across chunks) and whitespace; a HAR is a JSON object.
      for (; i < n; i++) {
        const b = buf[i]!;
        if (this.bom < 3 && b === BOM[this.bom]) {
          this.bom++;
          continue;
        }
        this.bom = 3;
        if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
      }
      if (i === n) return;
      if (buf[i] !== LBRACE) {
        this.notHar = 'the file is not a JSON object';
        return;
      }
      this.started = true;
    }
    this.entryStart = 0;
    this.keyStart = 0;
    if (this.inString) i = this.skipString(buf, i);
    while (i < n) {
      if (this.inEntries) {
        i = this.scanEntries(buf, i);
        continue;
      }
      const c = buf[i]!;
      if (c === QUOTE) {
        if (this.depth <= 2) {
          this.capturing = true;
          this.keyStart = i + 1;
          this.keyPrefix = '';
        }
        this.inString = true;
        this.esc = false;
        i = this.skipString(buf, i + 1);
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        const d = this.depth++;
        if (this.afterColon) {
          if (d === 1 && c === LBRACE && this.lastKey === 'log') this.inLog = true;
          else if (
            d === 2 &&
            c === LBRACKET &&
            this.inLog &&
            this.lastKey === 'entries' &&
            !this.foundEntries
          ) {
            this.inEntries = true;
            this.foundEntries = true;
          }
        }
        this.lastKey = null;
        this.afterColon = false;
      } else if (c === RBRACE || c === RBRACKET) {
        const d = --this.depth;
        if (d === 1) this.inLog = false;
        else if (d === 0) this.rootClosed = true;
        else if (d < 0) {
          this.notHar = 'unbalanced brackets';
          return;
        }
        this.lastKey = null;
        this.afterColon = false;
      } else if (c === COLON) {
        this.afterColon = this.lastKey !== null;
      } else if (c === COMMA) {
        this.lastKey = null;
        this.afterColon = false;
      }
      i++;
    }
    if (this.inEntry) {
      const piece = this.entryStart === 0 ? buf : buf.subarray(this.entryStart);
      this.entryBytes += piece.length;
      if (this.oversized) return;
      if (this.elider !== undefined) {
        this.elider.feed(piece);
        if (this.elider.overflowed) {
          this.oversized = true;
          this.elider = undefined;
        }
      } else if (this.entryBytes > this.maxEntryBytes) {
        // Too large to hold: from here on keep its structure and the start of each string only.
        this.elider = new StringElider(this.elidedStringBytes, this.maxEntryBytes);
        for (const p of this.pieces) this.elider.feed(p);
        this.elider.feed(piece);
        this.pieces = [];
      } else this.pieces.push(piece);
    }
  }

  /**
   * The hot loop: inside `log.entries`, only strings and nesting matter. State lives in locals; returns
   * the index after the array's closing bracket, or `buf.length`.
   */
  private scanEntries(buf: Buffer, i: number): number {
    const n = buf.length;
    let depth = this.depth;
    while (i < n) {
      const c = buf[i]!;
      if (c === QUOTE) {
        if (depth === 3 && !this.elemOpen) this.notObject();
        let j = i + 1;
        let end = -1;
        const lim = Math.min(j + 32, n);
        while (j < lim) {
          const b = buf[j]!;
          if (b === QUOTE) {
            end = j;
            break;
          }
          j += b === BACKSLASH ? 2 : 1;
        }
        if (end < 0) {
          if (j >= n) {
            // The string runs past this chunk; j > n means the chunk ended on an escaping backslash.
            this.inString = true;
            this.esc = j > n;
            i = n;
            break;
          }
          // A long string (a body, a long header): find its end natively.
          let p = j;
          for (;;) {
            const q = buf.indexOf(QUOTE, p);
            if (q < 0) {
              let k = 0;
              for (let x = n - 1; x >= p && buf[x] === BACKSLASH; x--) k++;
              this.inString = true;
              this.esc = (k & 1) === 1;
              break;
            }
            let k = 0;
            for (let x = q - 1; x >= p && buf[x] === BACKSLASH; x--) k++;
            if ((k & 1) === 0) {
              end = q;
              break;
            }
            p = q + 1;
          }
          if (end < 0) {
            i = n;
            break;
          }
        }
        i = end + 1;
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        if (depth === 3 && c === LBRACKET) this.notObject();
        else if (depth === 3) {
          if (this.fastMisses < FAST_MISS_LIMIT) {
            const next = this.fastEntry(buf, i);
            if (next > 0) {
              i = next;
              continue;
            }
          }
          this.elemOpen = true;
          this.inEntry = true;
          this.entryStart = i;
          this.pieces = [];
          this.entryBytes = 0;
          this.oversized = false;
          this.elider = undefined;
        }
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 3 && this.inEntry) {
          this.inEntry = false;
          this.completed++;
          if (this.oversized) this.out.push(TOO_LARGE);
          else if (this.elider !== undefined) {
            this.elider.feed(buf.subarray(0, i + 1));
            this.out.push(this.elider.overflowed ? TOO_LARGE : this.elider.text());
            this.elider = undefined;
          } else if (this.pieces.length === 0) this.out.push(buf.toString('utf8', this.entryStart, i + 1));
          else {
            this.pieces.push(buf.subarray(0, i + 1));
            this.out.push(Buffer.concat(this.pieces).toString('utf8'));
            this.pieces = [];
          }
        } else if (depth === 2) {
          this.inEntries = false;
          this.depth = depth;
          return i + 1;
        }
      } else if (depth === 3) {
        // Between elements: a comma opens the next; anything else but whitespace starts a non-object.
        if (c === COMMA) this.elemOpen = false;
        else if (!this.elemOpen && c > 0x20) this.notObject();
      }
      i++;
    }
    this.depth = depth;
    return i;
  }

  /**
   * Fast path for the usual layouts: an entry on one line (`{…},` then a newline), or pretty-printed
   * with its closing brace on a line of the same indentation as its opening one. JSON strings hold no
   * raw newline, so the candidate end is found with one native search; JSON.parse then proves it: a
   * wrong cut cannot parse as one object (it would be unbalanced or hold two values). On success the
   * parsed entry is queued and the index after it is returned; otherwise 0, and the byte scanner takes
   * this entry. After a few misses in a row (a one-line HAR, odd indentation) the fast path is off.
   */
  private fastEntry(buf: Buffer, s: number): number {
    const n = buf.length;
    let nl: number;
    if (this.nlBuf === buf && s < this.nlPos) nl = this.nlPos;
    else {
      nl = buf.indexOf(0x0a, s);
      if (nl < 0) nl = n;
      this.nlBuf = buf;
      this.nlPos = nl;
    }
    let end = -1;
    if (nl < n) {
      let e = nl - 1;
      while (e > s && (buf[e] === 0x0d || buf[e] === 0x20 || buf[e] === 0x09)) e--;
      if (buf[e] === COMMA) e--;
      if (e > s && buf[e] === RBRACE) end = e;
      else {
        let b = s - 1;
        while (b >= 0 && (buf[b] === 0x20 || buf[b] === 0x09)) b--;
        if (b >= 0 && buf[b] === 0x0a) {
          const indent = buf.toString('latin1', b, s);
          if (indent !== this.closeIndent) {
            this.closeIndent = indent;
            this.closePattern = Buffer.from(`${indent}}`, 'latin1');
          }
          const q = buf.indexOf(this.closePattern, nl);
          if (q >= 0) end = q + this.closePattern.length - 1;
        }
      }
    }
    if (end > 0) {
      let entry: unknown;
      try {
        entry = JSON.parse(buf.toString('utf8', s, end + 1));
      } catch {
        entry = undefined;
      }
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        this.fastMisses = 0;
        this.elemOpen = true;
        this.completed++;
        this.out.push(entry);
        return end + 1;
      }
    }
    this.fastMisses++;
    return 0;
  }

  private notObject(): void {
    this.elemOpen = true;
    this.completed++;
    this.out.push(NOT_OBJECT);
  }

  /** Skips string contents from `p`; returns the index after the closing quote, or `buf.length`. */
  private skipString(buf: Buffer, p: number): number {
    const n = buf.length;
    if (this.esc) {
      if (p >= n) return n;
      p++;
      this.esc = false;
    }
    // Short strings (keys, header names) end within a few bytes: a plain loop beats a native call.
    const lim = Math.min(p + 24, n);
    while (p < lim) {
      const b = buf[p]!;
      if (b === QUOTE) return this.endString(buf, p);
      if (b === BACKSLASH) {
        if (p + 1 >= n) {
          this.esc = true;
          this.carryKey(buf, n);
          return n;
        }
        p += 2;
      } else p++;
    }
    for (;;) {
      const q = p >= n ? -1 : buf.indexOf(QUOTE, p);
      if (q < 0) {
        let k = 0;
        for (let j = n - 1; j >= p && buf[j] === BACKSLASH; j--) k++;
        this.esc = (k & 1) === 1;
        this.carryKey(buf, n);
        return n;
      }
      let k = 0;
      for (let j = q - 1; j >= p && buf[j] === BACKSLASH; j--) k++;
      if ((k & 1) === 0) return this.endString(buf, q);
      p = q + 1;
    }
  }

  private endString(buf: Buffer, q: number): number {
    this.inString = false;
    if (this.capturing) {
      this.capturing = false;
      const len = this.keyPrefix.length + q - this.keyStart;
      this.lastKey = len <= 64 ? this.keyPrefix + buf.toString('latin1', this.keyStart, q) : '';
    }
    return q + 1;
  }

  private carryKey(buf: Buffer, n: number): void {
    if (!this.capturing) return;
    if (this.keyPrefix.length + n - this.keyStart <= 64)
      this.keyPrefix += buf.toString('latin1', this.keyStart, n);
    else this.keyPrefix = ' '.repeat(65);
  }

  /** How the input ended; call after the last chunk. */
  finish(): ScanEnd {
    if (this.notHar !== undefined) return { kind: 'not-har', reason: this.notHar };
    if (!this.started) return { kind: 'not-har', reason: 'the file is empty' };
    if (!this.foundEntries) {
      return {
        kind: 'not-har',
        reason: this.rootClosed ? 'no log.entries array' : 'the file ends before log.entries',
      };
    }
    if (this.inEntries || !this.rootClosed)
      return { kind: 'truncated', index: this.completed, inEntry: this.inEntry };
    return { kind: 'complete' };
  }
}
