// Parsing spec files (JSON or YAML) into plain values that remember where every node came from.
// JSON goes through JSON.parse (fast on tens of MB) and a lazy position scanner that indexes only the
// containers a lookup passes through. YAML goes through js-yaml's event parser (offsets into the source,
// ~13x faster than building the `yaml` package's AST on multi-MB specs); positions come from the same
// events, re-parsed on the first locate() and indexed per container as lookups pass through. Either way
// loading a huge spec costs nothing for positions nobody asks for.

import {
  CORE_SCHEMA,
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  mergeTag,
  parseEvents,
  SCALAR_STYLE,
  YAMLException,
  type Event as YamlEvent,
} from 'js-yaml';
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
  /** Objects may be shared (YAML aliases): walks need a seen-set. JSON trees never share. */
  shared: boolean;
}

/** Nodes a YAML document may expand to through aliases, beyond its own size (billion-laughs guard). */
const MAX_YAML_EXPANSION = 1_000_000;
/** Collection nesting accepted in YAML (js-yaml's parser recurses). */
const MAX_YAML_DEPTH = 1000;
const YAML_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

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

type Members = Map<string, { key: number; value: number }>;

/**
 * Positions in a YAML document from js-yaml's flat event stream: `end[i]` is the index after the
 * subtree starting at event `i`, `alias[i]` the event an alias names. Built on the first lookup.
 */
export class YamlLocator implements Locator {
  private ev: YamlEvent[] | undefined;
  private end: Int32Array = new Int32Array(0);
  private alias: Int32Array = new Int32Array(0);
  private readonly members = new Map<number, Members>();
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  locate(pointer: string): Position {
    return this.lines.position(this.offsetOf(pointerTokens(pointer)));
  }

  private prepare(): YamlEvent[] {
    if (this.ev) return this.ev;
    let ev: YamlEvent[];
    try {
      ev = parseEvents(this.text, { maxDepth: MAX_YAML_DEPTH });
    } catch {
      ev = []; // parsed once already; cannot fail the same way twice
    }
    const end = new Int32Array(ev.length);
    const alias = new Int32Array(ev.length).fill(-1);
    const anchors = new Map<string, number>();
    const open: number[] = [];
    for (let i = 0; i < ev.length; i++) {
      const e = ev[i]!;
      if (e.type === EVENT_ID.DOCUMENT || e.type === EVENT_ID.SEQUENCE || e.type === EVENT_ID.MAPPING) {
        open.push(i);
        if (e.type !== EVENT_ID.DOCUMENT && e.anchorStart >= 0)
          anchors.set(this.text.slice(e.anchorStart, e.anchorEnd), i);
        continue;
      }
      if (e.type === EVENT_ID.POP) {
        const o = open.pop();
        if (o !== undefined) end[o] = i + 1;
        end[i] = i + 1;
        continue;
      }
      end[i] = i + 1;
      if (e.type === EVENT_ID.SCALAR && e.anchorStart >= 0)
        anchors.set(this.text.slice(e.anchorStart, e.anchorEnd), i);
      if (e.type === EVENT_ID.ALIAS)
        alias[i] = anchors.get(this.text.slice(e.anchorStart, e.anchorEnd)) ?? -1;
    }
    this.ev = ev;
    this.end = end;
    this.alias = alias;
    return ev;
  }

  private startOf(i: number): number {
    const e = this.ev?.[i];
    if (!e) return 0;
    switch (e.type) {
      case EVENT_ID.SCALAR: {
        // quoted scalars report the first character inside the quotes
        const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
        return Math.max(0, quoted ? e.valueStart - 1 : e.valueStart);
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        return e.start;
      case EVENT_ID.ALIAS:
        return Math.max(0, e.anchorStart - 1);
      default:
        return 0;
    }
  }

  private resolveAlias(i: number): number {
    for (let hops = 0; hops < 100 && this.ev?.[i]?.type === EVENT_ID.ALIAS; hops++) {
      const t = this.alias[i] ?? -1;
      if (t < 0) return i;
      i = t;
    }
    return i;
  }

  private keyText(i: number): string | undefined {
    const k = this.resolveAlias(i);
    const e = this.ev?.[k];
    return e?.type === EVENT_ID.SCALAR ? getScalarValue(this.text, e) : undefined;
  }

  private mappingMembers(at: number): Members {
    const cached = this.members.get(at);
    if (cached) return cached;
    const ev = this.ev!;
    const m: Members = new Map();
    const merges: number[] = [];
    let j = at + 1;
    while (j < ev.length && ev[j]!.type !== EVENT_ID.POP) {
      const keyAt = j;
      const valueAt = this.end[j] ?? j + 1;
      const key = this.keyText(keyAt);
      if (key === '<<' && ev[keyAt]!.type === EVENT_ID.SCALAR && ev[keyAt]!.style === SCALAR_STYLE.PLAIN)
        merges.push(valueAt);
      else if (key !== undefined) m.set(key, { key: keyAt, value: valueAt });
      j = this.end[valueAt] ?? valueAt + 1;
    }
    // merge keys (`<<: *base`, `<<: [*a, *b]`): explicit keys win, earlier sources win over later ones
    for (const src of merges) {
      const t = this.resolveAlias(src);
      const sources =
        ev[t]?.type === EVENT_ID.SEQUENCE ? this.sequenceItems(t).map((x) => this.resolveAlias(x)) : [t];
      for (const s of sources) {
        if (ev[s]?.type !== EVENT_ID.MAPPING || s === at) continue;
        for (const [k, v] of this.mappingMembers(s)) if (!m.has(k)) m.set(k, v);
      }
    }
    this.members.set(at, m);
    return m;
  }

  private sequenceItems(at: number): number[] {
    const ev = this.ev!;
    const items: number[] = [];
    let j = at + 1;
    while (j < ev.length && ev[j]!.type !== EVENT_ID.POP) {
      items.push(j);
      j = this.end[j] ?? j + 1;
    }
    return items;
  }

  private offsetOf(tokens: string[]): number {
    const ev = this.prepare();
    let node = 1; // event 0 is the document
    if (!ev[node] || ev[node]!.type === EVENT_ID.POP) return 0;
    let found = this.startOf(node);
    for (const token of tokens) {
      node = this.resolveAlias(node);
      const e = ev[node];
      if (e?.type === EVENT_ID.MAPPING) {
        const member = this.mappingMembers(node).get(token);
        if (!member) break;
        found = this.startOf(member.key);
        node = member.value;
      } else if (e?.type === EVENT_ID.SEQUENCE) {
        if (!/^(0|[1-9]\d*)$/.test(token)) break;
        const item = this.sequenceItems(node)[Number(token)];
        if (item === undefined) break;
        found = this.startOf(item);
        node = item;
      } else break;
    }
    return found;
  }
}

/** Nodes the document would have with every alias expanded (stops counting past `limit`). */
function expandedSize(ev: YamlEvent[], text: string, limit: number): number {
  const sizes = new Map<string, number>(); // anchor → expanded size of its node
  const stack: Array<{ size: number; anchor: string | undefined }> = [];
  let total = 0;
  const add = (n: number): void => {
    total += n;
    const top = stack[stack.length - 1];
    if (top) top.size += n;
  };
  for (const e of ev) {
    if (e.type === EVENT_ID.DOCUMENT) stack.push({ size: 0, anchor: undefined });
    else if (e.type === EVENT_ID.SEQUENCE || e.type === EVENT_ID.MAPPING) {
      add(1);
      stack.push({
        size: 1,
        anchor: e.anchorStart >= 0 ? text.slice(e.anchorStart, e.anchorEnd) : undefined,
      });
    } else if (e.type === EVENT_ID.POP) {
      const done = stack.pop();
      if (done?.anchor !== undefined) sizes.set(done.anchor, done.size);
      const top = stack[stack.length - 1];
      if (top && done) top.size += done.size - 1; // its own 1 was added on open
    } else if (e.type === EVENT_ID.SCALAR) {
      if (e.anchorStart >= 0) sizes.set(text.slice(e.anchorStart, e.anchorEnd), 1);
      add(1);
    } else if (e.type === EVENT_ID.ALIAS) {
      add(sizes.get(text.slice(e.anchorStart, e.anchorEnd)) ?? 1);
      if (total > limit) return total;
    }
  }
  return total;
}

/** A js-yaml failure as an issue: syntax errors positioned, depth and size limits named. */
function yamlIssue(e: unknown, path: string, src: string): InputIssue {
  if (e instanceof YAMLException) {
    const pos = e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1 } : undefined;
    if (/maxDepth/.test(e.reason))
      return {
        code: 'spec.limit',
        message: `document nested deeper than ${MAX_YAML_DEPTH} levels`,
        file: path,
        ...(pos ?? {}),
        fatal: true,
      };
    return syntaxIssue(path, e.reason, pos, 'YAML');
  }
  if (e instanceof RangeError)
    return { code: 'spec.limit', message: 'document nested too deeply to parse', file: path, fatal: true };
  const msg = e instanceof Error ? e.message : String(e);
  return syntaxIssue(path, msg, src.length > 0 ? undefined : { line: 1, column: 1 }, 'YAML');
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

/** `json`: parse as JSON only; `yaml`: YAML only; `either`: JSON-looking text in a YAML or unnamed file. */
function formatOf(text: string, path: string): 'json' | 'yaml' | 'either' {
  if (/\.json$/i.test(path)) return 'json';
  const c = /\S/.exec(text)?.[0];
  // JSON is YAML, but JSON.parse reads it many times faster; fall back to YAML when it is not JSON
  return c === '{' || c === '[' ? 'either' : 'yaml';
}

/** Parse one spec file; never throws. */
export function parseSpecFile(text: string, path: string): ParsedFile | InputIssue {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const format = formatOf(src, path);
  // for JSON-looking text in a file not named .yaml, the JSON error is the helpful one
  let jsonIssue: InputIssue | undefined;
  if (format !== 'yaml') {
    try {
      const value: unknown = JSON.parse(src);
      return { path, value, locator: new JsonLocator(src), format: 'json', shared: false };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      jsonIssue =
        e instanceof SyntaxError
          ? syntaxIssue(
              path,
              msg.replace(/ in JSON at position \d+.*$/, ''),
              new LineIndex(src).position(jsonErrorOffset(msg, src)),
              'JSON',
            )
          : syntaxIssue(path, msg, undefined, 'JSON');
      if (format === 'json') return jsonIssue;
      if (/\.ya?ml$/i.test(path)) jsonIssue = undefined;
    }
  }
  const yaml = parseYaml(src, path);
  return 'code' in yaml && yaml.code === 'spec.syntax' && jsonIssue ? jsonIssue : yaml;
}

function parseYaml(src: string, path: string): ParsedFile | InputIssue {
  let ev: YamlEvent[];
  try {
    ev = parseEvents(src, { maxDepth: MAX_YAML_DEPTH });
  } catch (e) {
    return yamlIssue(e, path, src);
  }
  const expanded = expandedSize(ev, src, ev.length + MAX_YAML_EXPANSION);
  if (expanded > ev.length + MAX_YAML_EXPANSION)
    return {
      code: 'spec.limit',
      message: 'YAML aliases expand the document beyond the resource-exhaustion limit',
      file: path,
      hint: `aliases may add at most ${MAX_YAML_EXPANSION} nodes`,
      fatal: true,
    };
  let value: unknown;
  try {
    value = constructFromEvents(ev, { source: src, schema: YAML_SCHEMA, filename: path })[0];
  } catch (e) {
    return yamlIssue(e, path, src);
  }
  const shared = ev.some((e) => e.type === EVENT_ID.ALIAS);
  return { path, value, locator: new YamlLocator(src), format: 'yaml', shared };
}
