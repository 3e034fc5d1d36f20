// Parsing spec files (JSON or YAML) into plain values that remember where every node came from.
// JSON goes through JSON.parse (fast on tens of MB) and a lazy position scanner that indexes only the
// containers a lookup passes through; YAML keeps its AST (yaml's parseDocument + LineCounter) and is
// walked along the pointer. Either way `locate(pointer)` answers 1-based line/column without an
// up-front pointer index, so loading a huge spec costs nothing for positions nobody asks for.

import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import type { InputIssue } from '../model/index.js';

export interface Position {
  line: number;
  column: number;
}

/** Where the nodes of one parsed file are. Unknown pointers give the deepest existing ancestor. */
export interface Locator {
  locate(pointer: string): Position;
}

export interface ParsedFile {
  path: string;
  value: unknown;
  locator: Locator;
  format: 'json' | 'yaml';
}

/** Aliases expanded per YAML document before we call it a resource-exhaustion attempt. */
const MAX_YAML_ALIASES = 10_000;

/** `/a/b~1c` → `['a', 'b/c']`; a leading `#` (URI fragment form) is accepted. */
export function pointerTokens(pointer: string): string[] {
  let p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '') return [];
  if (!p.startsWith('/')) p = `/${p}`;
  return p
    .slice(1)
    .split('/')
    .map((t) => (t.includes('~') ? t.replace(/~1/g, '/').replace(/~0/g, '~') : t));
}

export function escapePointerToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  let p = base;
  for (const t of tokens) p += `/${escapePointerToken(String(t))}`;
  return p;
}

/** Line starts of a text, for offset → line/column. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  position(offset: number): Position {
    if (!this.starts) {
      const s = [0];
      let i = this.text.indexOf('\n');
      while (i !== -1) {
        s.push(i + 1);
        i = this.text.indexOf('\n', i + 1);
      }
      this.starts = s;
    }
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (s[lo] ?? 0) + 1 };
  }
}

type JsonMembers = Map<string, { key: number; value: number }> | number[];

/**
 * Positions in a text JSON.parse has already accepted. Each container a lookup passes through is
 * scanned once and its members' offsets cached, so repeated lookups cost O(depth).
 */
export class JsonLocator implements Locator {
  private readonly lines: LineIndex;
  private readonly members = new Map<number, JsonMembers>();

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  locate(pointer: string): Position {
    return this.lines.position(this.offsetOf(pointerTokens(pointer)));
  }

  /** Offset of the member's key (objects) or the item (arrays), else of the deepest ancestor found. */
  offsetOf(tokens: string[]): number {
    let valueAt = this.ws(0);
    let found = valueAt;
    for (const token of tokens) {
      const c = this.text.charCodeAt(valueAt);
      if (c !== 123 && c !== 91) break; // { [
      const m = this.containerMembers(valueAt);
      if (Array.isArray(m)) {
        if (!/^(0|[1-9]\d*)$/.test(token)) break;
        const at = m[Number(token)];
        if (at === undefined) break;
        valueAt = at;
        found = at;
      } else {
        const at = m.get(token);
        if (!at) break;
        valueAt = at.value;
        found = at.key;
      }
    }
    return found;
  }

  private ws(i: number): number {
    const t = this.text;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    return i;
  }

  /** Index just after the string starting at `i` (a `"`). */
  private skipString(i: number): number {
    const t = this.text;
    let j = t.indexOf('"', i + 1);
    while (j !== -1) {
      let k = j - 1;
      while (t.charCodeAt(k) === 92) k--; // backslashes before the quote
      if ((j - k - 1) % 2 === 0) return j + 1;
      j = t.indexOf('"', j + 1);
    }
    return t.length;
  }

  private skipValue(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 34) return this.skipString(i);
    if (c === 123 || c === 91) {
      let depth = 0;
      while (i < t.length) {
        const d = t.charCodeAt(i);
        if (d === 34) {
          i = this.skipString(i);
          continue;
        }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) {
          depth--;
          if (depth === 0) return i + 1;
        }
        i++;
      }
      return i;
    }
    while (i < t.length) {
      const d = t.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      i++;
    }
    return i;
  }

  private containerMembers(at: number): JsonMembers {
    const cached = this.members.get(at);
    if (cached) return cached;
    const t = this.text;
    let i = this.ws(at + 1);
    let result: JsonMembers;
    if (t.charCodeAt(at) === 91) {
      const items: number[] = [];
      while (i < t.length && t.charCodeAt(i) !== 93) {
        items.push(i);
        i = this.ws(this.skipValue(i));
        if (t.charCodeAt(i) === 44) i = this.ws(i + 1);
        else break;
      }
      result = items;
    } else {
      const map = new Map<string, { key: number; value: number }>();
      while (i < t.length && t.charCodeAt(i) === 34) {
        const keyAt = i;
        const end = this.skipString(i);
        const raw = t.slice(i + 1, end - 1);
        const key = raw.includes('\\') ? (JSON.parse(t.slice(i, end)) as string) : raw;
        i = this.ws(end);
        if (t.charCodeAt(i) !== 58) break; // :
        i = this.ws(i + 1);
        map.set(key, { key: keyAt, value: i }); // duplicate keys: the last wins, as in JSON.parse
        i = this.ws(this.skipValue(i));
        if (t.charCodeAt(i) === 44) i = this.ws(i + 1);
        else break;
      }
      result = map;
    }
    this.members.set(at, result);
    return result;
  }
}

/** Positions in a YAML document: walks the AST along the pointer, caching each mapping's keys. */
export class YamlLocator implements Locator {
  private readonly keys = new WeakMap<YAMLMap, Map<string, { key: Node | null; value: Node | null }>>();

  constructor(
    private readonly doc: ReturnType<typeof parseDocument>,
    private readonly lines: LineCounter,
  ) {}

  locate(pointer: string): Position {
    const offset = this.offsetOf(pointerTokens(pointer));
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private offsetOf(tokens: string[]): number {
    let node: unknown = this.doc.contents;
    let found = startOf(node) ?? 0;
    for (const token of tokens) {
      for (let hops = 0; isAlias(node) && hops < 100; hops++) node = node.resolve(this.doc);
      if (isMap(node)) {
        const member = this.mapKeys(node).get(token);
        if (!member) break;
        found = startOf(member.key) ?? startOf(member.value) ?? found;
        node = member.value;
      } else if (isSeq(node)) {
        if (!/^(0|[1-9]\d*)$/.test(token)) break;
        const item = node.items[Number(token)];
        if (item === undefined) break;
        found = startOf(item) ?? found;
        node = item;
      } else break;
    }
    return found;
  }

  private mapKeys(map: YAMLMap): Map<string, { key: Node | null; value: Node | null }> {
    let keys = this.keys.get(map);
    if (!keys) {
      keys = new Map();
      for (const pair of map.items) {
        const k = pair.key as Node | null;
        const name = isScalar(k) ? String(k.value) : k === null ? '' : String(k);
        keys.set(name, { key: k, value: pair.value as Node | null });
      }
      this.keys.set(map, keys);
    }
    return keys;
  }
}

function startOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const r = (node as { range?: [number, number, number] }).range;
    if (r) return r[0];
  }
  return undefined;
}

/** Fatal parse problem of one file, positioned. */
function syntaxIssue(path: string, message: string, pos: Position | undefined, format: string): InputIssue {
  return {
    code: 'spec.syntax',
    message: `invalid ${format}: ${message}`,
    file: path,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    fatal: true,
  };
}

/** JSON.parse's message carries `position N` only sometimes; otherwise find the offset ourselves. */
function jsonErrorOffset(message: string, text: string): number {
  const m = /position (\d+)/.exec(message);
  if (m?.[1]) return Math.min(Number(m[1]), text.length);
  return firstJsonError(text);
}

const JSON_LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/** Offset of the first JSON syntax error (iterative; only called after JSON.parse failed). */
export function firstJsonError(t: string): number {
  const stack: number[] = []; // 123 object, 91 array
  let i = 0;
  const ws = (): void => {
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  /** A string at `i`; false (with `i` at the fault) when malformed. */
  const string = (): boolean => {
    i++;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = t[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== '' && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  /** `"key" :` inside an object. */
  const key = (): boolean => {
    ws();
    if (t.charCodeAt(i) !== 34 || !string()) return false;
    ws();
    if (t.charCodeAt(i) !== 58) return false;
    i++;
    ws();
    return true;
  };
  ws();
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      const c = t.charCodeAt(i);
      if (c === 123 || c === 91) {
        i++;
        ws();
        if (t.charCodeAt(i) === (c === 123 ? 125 : 93)) {
          i++;
          ws();
          expectValue = false;
          continue;
        }
        stack.push(c);
        if (c === 123 && !key()) return Math.min(i, t.length);
        continue;
      }
      if (c === 34) {
        if (!string()) return Math.min(i, t.length);
      } else {
        const m = JSON_LITERAL.exec(t.slice(i, i + 400));
        if (!m) return Math.min(i, t.length);
        i += m[0].length;
      }
      ws();
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return Math.min(i, t.length); // trailing garbage after the top value
    const c = t.charCodeAt(i);
    if (c === 44) {
      i++;
      ws();
      if (top === 123 && !key()) return Math.min(i, t.length);
      expectValue = true;
    } else if (c === (top === 123 ? 125 : 93)) {
      stack.pop();
      i++;
      ws();
    } else return Math.min(i, t.length);
  }
}

function looksLikeJson(text: string, path: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/\.ya?ml$/i.test(path)) return false;
  const c = /\S/.exec(text)?.[0];
  return c === '{' || c === '[';
}

/** Parse one spec file; never throws. */
export function parseSpecFile(text: string, path: string): ParsedFile | InputIssue {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (looksLikeJson(src, path)) {
    try {
      const value: unknown = JSON.parse(src);
      return { path, value, locator: new JsonLocator(src), format: 'json' };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof SyntaxError) {
        const pos = new LineIndex(src).position(jsonErrorOffset(msg, src));
        return syntaxIssue(path, msg.replace(/ in JSON at position \d+.*$/, ''), pos, 'JSON');
      }
      return syntaxIssue(path, msg, undefined, 'JSON');
    }
  }
  try {
    const lines = new LineCounter();
    const doc = parseDocument(src, { lineCounter: lines, merge: true, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const p = lines.linePos(err.pos[0]);
      if (/call stack/i.test(err.message))
        return {
          code: 'spec.limit',
          message: 'document nested too deeply to parse',
          file: path,
          line: p.line,
          column: p.col,
          fatal: true,
        };
      return syntaxIssue(
        path,
        err.message.split('\n')[0] ?? err.message,
        { line: p.line, column: p.col },
        'YAML',
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    return { path, value, locator: new YamlLocator(doc, lines), format: 'yaml' };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError && /call stack/i.test(msg))
      return {
        code: 'spec.limit',
        message: 'document nested too deeply to parse',
        file: path,
        fatal: true,
      };
    if (/alias/i.test(msg))
      return {
        code: 'spec.limit',
        message: 'too many YAML alias expansions (resource exhaustion guard)',
        file: path,
        hint: `at most ${MAX_YAML_ALIASES} alias expansions are allowed`,
        fatal: true,
      };
    return syntaxIssue(path, msg, undefined, 'YAML');
  }
}
