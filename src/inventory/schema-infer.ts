// JSON Schema inference from observed bodies (request per endpoint, response per status).
// Hot path: one walk over the already-parsed body into a compact accumulator (type bitmask,
// property map, format counts); JSON Schema objects are produced once at the end. Bounded: depth
// ≤ MAX_DEPTH, ≤ MAX_PROPS properties per object, the first ARRAY_SAMPLE items of each array.
// Examples are recorded once per schema node and always pass through the masker (classifier-based):
// a raw value never reaches the output.

import type { JsonSchema, ParamObservation } from '../model/index.js';
import { formatOf } from './segments.js';

export const MAX_DEPTH = 8;
export const MAX_PROPS = 100;
export const ARRAY_SAMPLE = 20;

const T_NULL = 1;
const T_BOOLEAN = 2;
const T_INTEGER = 4;
const T_NUMBER = 8;
const T_STRING = 16;
const T_OBJECT = 32;
const T_ARRAY = 64;
const TYPE_NAMES: Array<[number, string]> = [
  [T_NULL, 'null'],
  [T_BOOLEAN, 'boolean'],
  [T_INTEGER, 'integer'],
  [T_NUMBER, 'number'],
  [T_STRING, 'string'],
  [T_OBJECT, 'object'],
  [T_ARRAY, 'array'],
];

/** Turns a value seen at a field into a safe example (masked when sensitive or secret-looking). */
export type Masker = (value: string, field: string) => string;

export class SchemaNode {
  /** Field path of this node (`$.items[].sku`), fixed at creation: no per-exchange string building. */
  constructor(readonly field: string = '$') {}
  count = 0;
  /** At a root: bodies offered (observed or skipped by sampling). */
  offered = 0;
  types = 0;
  objectCount = 0;
  stringCount = 0;
  formats: Map<string, number> | undefined;
  props: Map<string, SchemaNode> | undefined;
  propsCut = false;
  items: SchemaNode | undefined;
  example: unknown;
  hasExample = false;
}

export function observe(node: SchemaNode, value: unknown, depth: number, mask: Masker): void {
  node.count++;
  if (value === null) {
    node.types |= T_NULL;
    return;
  }
  switch (typeof value) {
    case 'string': {
      node.types |= T_STRING;
      node.stringCount++;
      if (node.stringCount <= 64 || node.formats) {
        const f = formatOf(value);
        if (f) {
          node.formats ??= new Map();
          node.formats.set(f, (node.formats.get(f) ?? 0) + 1);
        }
      }
      if (!node.hasExample) {
        node.example = mask(value, node.field);
        node.hasExample = true;
      }
      return;
    }
    case 'number':
      node.types |= Number.isInteger(value) ? T_INTEGER : T_NUMBER;
      if (!node.hasExample) {
        const masked = mask(String(value), node.field);
        node.example = masked === String(value) ? value : masked;
        node.hasExample = true;
      }
      return;
    case 'boolean':
      node.types |= T_BOOLEAN;
      if (!node.hasExample) {
        node.example = value;
        node.hasExample = true;
      }
      return;
    case 'object':
      break;
    default:
      return;
  }
  if (Array.isArray(value)) {
    node.types |= T_ARRAY;
    if (depth >= MAX_DEPTH) return;
    const n = Math.min(value.length, ARRAY_SAMPLE);
    if (n === 0) return;
    node.items ??= new SchemaNode(`${node.field}[]`);
    for (let i = 0; i < n; i++) observe(node.items, value[i], depth + 1, mask);
    return;
  }
  node.types |= T_OBJECT;
  node.objectCount++;
  if (depth >= MAX_DEPTH) return;
  node.props ??= new Map();
  const obj = value as Record<string, unknown>;
  // Object.keys + indexed loop: measurably faster than for-in on JSON.parse output
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    let child = node.props.get(key);
    if (!child) {
      if (node.props.size >= MAX_PROPS) {
        node.propsCut = true;
        continue;
      }
      child = new SchemaNode(`${node.field}.${key}`);
      node.props.set(key, child);
    }
    observe(child, obj[key], depth + 1, mask);
  }
}

/** Adds `src`'s observations into `dst` (provisional endpoints folded by templating). */
export function mergeNode(dst: SchemaNode, src: SchemaNode): void {
  dst.count += src.count;
  dst.offered += src.offered;
  dst.types |= src.types;
  dst.objectCount += src.objectCount;
  dst.stringCount += src.stringCount;
  if (src.formats) {
    dst.formats ??= new Map();
    for (const [f, n] of src.formats) dst.formats.set(f, (dst.formats.get(f) ?? 0) + n);
  }
  if (src.props) {
    dst.props ??= new Map();
    for (const [k, child] of src.props) {
      let d = dst.props.get(k);
      if (!d) {
        if (dst.props.size >= MAX_PROPS) {
          dst.propsCut = true;
          continue;
        }
        d = new SchemaNode(`${dst.field}.${k}`);
        dst.props.set(k, d);
      }
      mergeNode(d, child);
    }
  }
  if (src.propsCut) dst.propsCut = true;
  if (src.items) {
    dst.items ??= new SchemaNode(`${dst.field}[]`);
    mergeNode(dst.items, src.items);
  }
  if (!dst.hasExample && src.hasExample) {
    dst.example = src.example;
    dst.hasExample = true;
  }
}

function typeList(bits: number): string[] {
  let b = bits;
  if (b & T_NUMBER) b &= ~T_INTEGER;
  const out: string[] = [];
  for (const [bit, name] of TYPE_NAMES) if (b & bit) out.push(name);
  return out;
}

export function toJsonSchema(node: SchemaNode): JsonSchema {
  const types = typeList(node.types);
  const schema: JsonSchema = {};
  if (types.length === 1) schema.type = types[0];
  else if (types.length > 1) schema.type = types;
  if (node.formats && node.stringCount > 0) {
    for (const [f, n] of node.formats) if (n === node.stringCount) schema.format = f;
  }
  if (node.props && node.types & T_OBJECT) {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [k, child] of node.props) {
      properties[k] = toJsonSchema(child);
      if (child.count >= node.objectCount) required.push(k);
    }
    schema.properties = properties;
    if (required.length) schema.required = required;
    if (node.propsCut) schema['x-properties-truncated'] = true;
  }
  if (node.items && node.types & T_ARRAY) schema.items = toJsonSchema(node.items);
  if (node.hasExample && !(node.types & (T_OBJECT | T_ARRAY))) schema.examples = [node.example];
  return schema;
}

/** Body field parameters (`$.customer.email`, `$.items[].sku`) with types, formats and counts. */
export function bodyParams(node: SchemaNode, prefix: string, out: ParamObservation[], cap = 200): void {
  const walk = (n: SchemaNode, path: string): void => {
    if (out.length >= cap) return;
    if (n.props) for (const [k, child] of n.props) walk(child, `${path}.${k}`);
    if (n.items) walk(n.items, `${path}[]`);
    if (path !== prefix && !n.props && !n.items) {
      const formats: string[] = [];
      if (n.formats) for (const [f, c] of n.formats) if (c === n.stringCount) formats.push(f);
      out.push({ name: path, location: 'body', types: typeList(n.types), formats, count: n.count });
    }
  };
  walk(node, prefix);
}

function asTypes(t: unknown): string[] {
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TYPE_ORDER = TYPE_NAMES.map(([, n]) => n);

/**
 * Union of two inferred schemas (runs merged in the store): types union (integer ∪ number = number),
 * properties union, a property stays required only when both sides required it, format kept only
 * when both agree, first example kept.
 */
export function mergeSchemas(a: JsonSchema | undefined, b: JsonSchema | undefined, depth = 0): JsonSchema {
  if (!a) return b ?? {};
  if (!b) return a;
  const out: JsonSchema = {};
  const types = new Set([...asTypes(a.type), ...asTypes(b.type)]);
  if (types.has('number')) types.delete('integer');
  const list = TYPE_ORDER.filter((t) => types.has(t));
  if (list.length === 1) out.type = list[0];
  else if (list.length > 1) out.type = list;
  if (a.format !== undefined && a.format === b.format) out.format = a.format;
  else if (a.format !== undefined && !asTypes(b.type).includes('string')) out.format = a.format;
  else if (b.format !== undefined && !asTypes(a.type).includes('string')) out.format = b.format;
  const pa = isRecord(a.properties) ? a.properties : undefined;
  const pb = isRecord(b.properties) ? b.properties : undefined;
  if (pa || pb) {
    const props: Record<string, JsonSchema> = {};
    const keys = new Set([...Object.keys(pa ?? {}), ...Object.keys(pb ?? {})]);
    let cut = a['x-properties-truncated'] === true || b['x-properties-truncated'] === true;
    for (const k of keys) {
      if (Object.keys(props).length >= MAX_PROPS) {
        cut = true;
        break;
      }
      const sa = pa?.[k];
      const sb = pb?.[k];
      props[k] =
        depth >= MAX_DEPTH
          ? ((sa ?? sb) as JsonSchema)
          : mergeSchemas(isRecord(sa) ? sa : undefined, isRecord(sb) ? sb : undefined, depth + 1);
    }
    out.properties = props;
    const ra = new Set(Array.isArray(a.required) ? a.required : []);
    const rb = new Set(Array.isArray(b.required) ? b.required : []);
    // a side without properties (another type) says nothing about object fields
    const required = pa && pb ? [...ra].filter((k) => rb.has(k)) : [...(pa ? ra : rb)];
    if (required.length) out.required = required;
    if (cut) out['x-properties-truncated'] = true;
  }
  if (isRecord(a.items) || isRecord(b.items))
    out.items = mergeSchemas(
      isRecord(a.items) ? a.items : undefined,
      isRecord(b.items) ? b.items : undefined,
      depth + 1,
    );
  const ex = Array.isArray(a.examples) ? a.examples : Array.isArray(b.examples) ? b.examples : undefined;
  if (ex) out.examples = ex;
  return out;
}
