// API3 / schema checkers: sensitive and undeclared fields in responses, responses that do not
// match their declared schema (ajv), and schema fuzzing (values breaking declared types and
// bounds must get a 4xx, never a 2xx or a 5xx).

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonSchema, SpecOperation } from '../../model/index.js';
import { isFileSchema } from '../bodies.js';
import { type InjectionPoint, ok, parseJson, type ScanContext } from '../context.js';
import { isLoginOp } from '../ops.js';
import type { ScanExchange, ScanTest } from '../types.js';

function walk(
  value: unknown,
  path: string,
  visit: (key: string, v: unknown, path: string) => void,
  depth = 0,
): void {
  if (depth > 8 || !value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const el of value.slice(0, 20)) walk(el, `${path}[]`, visit, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    visit(k, v, `${path}.${k}`);
    walk(v, `${path}.${k}`, visit, depth + 1);
  }
}

/** Readable operations' ordinary responses (as their default identity), once each. */
async function readResponses(ctx: ScanContext): Promise<Array<{ op: SpecOperation; ex: ScanExchange }>> {
  const out: Array<{ op: SpecOperation; ex: ScanExchange }> = [];
  for (const op of ctx.ops((o) => o.method === 'GET')) {
    const ex = await ctx.baseline(op);
    if (ok(ex)) out.push({ op, ex });
  }
  return out;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const MASKED = /^[*x•#.\-\s]*$|^\*{2,}|^(null|redacted|hidden)$/i;

/** API3: responses carry secrets or sensitive records (password hashes, keys, card numbers, SSNs). */
export async function sensitiveFields(ctx: ScanContext, test: ScanTest): Promise<void> {
  const keys = new RegExp(String(test.options['keys']), 'i');
  const valuePattern = test.options['value'] ? new RegExp(String(test.options['value'])) : undefined;
  const needLuhn = test.options['luhn'] === true;
  for (const { op, ex } of await readResponses(ctx)) {
    if (isLoginOp(op)) continue;
    const body = parseJson(ex.response.body);
    const hits: string[] = [];
    walk(body, '$', (k, v, path) => {
      if (!keys.test(k) || (typeof v !== 'string' && typeof v !== 'number')) return;
      const s = String(v);
      if (!s || MASKED.test(s)) return;
      if (valuePattern && !valuePattern.test(s)) return;
      if (needLuhn && !luhn(s.replace(/\D/g, ''))) return;
      hits.push(path);
    });
    if (hits.length === 0) continue;
    ctx.masker.addSecret(''); // no-op; values are masked below by field
    ctx.report(test, {
      op,
      where: hits[0]!.replace(/\[\]/g, ''),
      proof: [maskFields(ex, keys)],
      control: 'the field holds a real, unmasked value (not null, empty or asterisks)',
      detail: `${op.method} ${op.path} returns ${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ` and ${hits.length - 3} more` : ''}.`,
      detailJa: `${op.method} ${op.path} が ${hits.slice(0, 3).join('、')}${hits.length > 3 ? ` ほか ${hits.length - 3} 件` : ''}を返す。`,
      controlJa: 'フィールドにはマスクされていない実際の値が入っている(null、空、アスタリスクではない)',
      confidence: 0.9,
    });
  }
}

/** The exchange with the matched fields' values masked in the stored body. */
function maskFields(ex: ScanExchange, keys: RegExp): ScanExchange {
  const body = ex.response.body.replace(
    /"([^"]+)"\s*:\s*("(?:[^"\\]|\\.)*"|\d+)/g,
    (all, k: string, v: string) => (keys.test(k) ? `"${k}":"${v.replace(/"/g, '').slice(0, 3)}…****"` : all),
  );
  return { ...ex, response: { ...ex.response, body } };
}

function declaredSchema(op: SpecOperation, status: number): JsonSchema | undefined {
  const resp =
    op.responses.find((r) => r.status === String(status)) ??
    op.responses.find((r) => r.status === `${String(status)[0]}XX`) ??
    op.responses.find((r) => r.status === 'default');
  return resp?.content.find((c) => c.contentType.includes('json'))?.schema;
}

/** API3: response objects carry properties the declared schema does not list. */
export async function undeclaredFields(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const { op, ex } of await readResponses(ctx)) {
    const schema = declaredSchema(op, ex.response.status);
    const body = parseJson(ex.response.body);
    if (!schema || body === undefined) continue;
    const extra = new Set<string>();
    undeclared(body, schema, '$', extra, 0);
    if (extra.size === 0) continue;
    const list = [...extra].sort();
    ctx.report(test, {
      op,
      where: list[0]!,
      proof: [ex],
      control: `the declared response schema lists its properties and does not include ${list.slice(0, 5).join(', ')}`,
      detail: `${op.method} ${op.path} returns undeclared properties: ${list.slice(0, 8).join(', ')}.`,
      detailJa: `${op.method} ${op.path} が宣言されていないプロパティを返す: ${list.slice(0, 8).join('、')}。`,
      controlJa: `宣言された応答スキーマはプロパティを列挙しており、${list.slice(0, 5).join('、')} を含まない`,
      confidence: 0.8,
    });
  }
}

function undeclared(value: unknown, schema: JsonSchema, path: string, out: Set<string>, depth: number): void {
  if (depth > 6 || !value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const items = schema['items'] as JsonSchema | undefined;
    if (items) for (const el of value.slice(0, 20)) undeclared(el, items, `${path}[]`, out, depth + 1);
    return;
  }
  const props = schema['properties'] as Record<string, JsonSchema> | undefined;
  if (!props) return;
  for (const [k, v] of Object.entries(value)) {
    const sub = props[k];
    if (!sub) out.add(`${path}.${k}`);
    else undeclared(v, sub, `${path}.${k}`, out, depth + 1);
  }
}

let ajv: Ajv2020 | undefined;
function validator(): Ajv2020 {
  ajv ??= new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  return ajv;
}

/** Schema: a 2xx JSON response does not validate against the declared response schema. */
export async function responseSchema(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const { op, ex } of await readResponses(ctx)) {
    const schema = declaredSchema(op, ex.response.status);
    const body = parseJson(ex.response.body);
    if (!schema || body === undefined || ex.response.truncated) continue;
    let valid: boolean;
    let message = '';
    try {
      const v = validator().compile(stripOpenApi(schema, 0) as object);
      valid = v(body) as boolean;
      const e = v.errors?.[0];
      if (e) message = `${e.instancePath || '/'} ${e.message ?? ''}`;
    } catch {
      continue; // a schema ajv cannot compile is an audit finding, not a scan one
    }
    if (valid) continue;
    ctx.report(test, {
      op,
      proof: [ex],
      control: 'the body parses as JSON and the declared schema compiles; ajv rejects the body',
      detail: `${op.method} ${op.path} ${ex.response.status} does not match its declared schema: ${message}.`,
      detailJa: `${op.method} ${op.path} の ${ex.response.status} 応答が宣言されたスキーマに一致しない: 「${message}」。`,
      controlJa:
        'ボディは JSON として解析でき、宣言されたスキーマもコンパイルできるが、ajv がボディを拒否した',
      confidence: 0.9,
    });
  }
}

/** OpenAPI 3.0 dialect bits ajv does not know (nullable, example) → JSON Schema 2020-12. */
function stripOpenApi(schema: unknown, depth: number): unknown {
  if (depth > 20 || !schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => stripOpenApi(s, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'example' || k === 'xml' || k === 'externalDocs' || k === 'discriminator' || k.startsWith('x-'))
      continue;
    if (k === 'nullable') continue;
    out[k] = stripOpenApi(v, depth + 1);
  }
  if ((schema as Record<string, unknown>)['nullable'] === true && typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
  }
  return out;
}

/** The value breaking a declared constraint, or undefined when the schema does not declare it. */
/** What each schema violation is, in Japanese (for the finding's own sentence). */
const VIOLATION_JA: Record<string, string> = {
  'type-integer': '数値を期待する所に文字列',
  'type-boolean': '真偽値を期待する所に文字列',
  'type-string-object': '文字列を期待する所にオブジェクト',
  'above-maximum': '最大値を超える値',
  'below-minimum': '最小値を下回る値',
  'over-max-length': '最大長を超える文字列',
  'under-min-length': '最小長に満たない文字列',
  enum: '列挙にない値',
  format: '形式に合わない値',
  'huge-integer': '桁外れに大きな整数',
  null: 'null',
};

export function violation(kind: string, schema: JsonSchema): unknown {
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (kind) {
    case 'type-integer':
      return type === 'integer' || type === 'number' ? 'mamori-not-a-number' : undefined;
    case 'type-boolean':
      return type === 'boolean' ? 'mamori-not-a-boolean' : undefined;
    case 'type-string-object':
      return type === 'string' ? { mamori: ['nested'] } : undefined;
    case 'above-maximum':
      return typeof schema['maximum'] === 'number' ? schema['maximum'] + 1 : undefined;
    case 'below-minimum':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] - 1 : undefined;
    case 'over-max-length':
      return typeof schema['maxLength'] === 'number' ? 'A'.repeat(schema['maxLength'] + 1) : undefined;
    case 'under-min-length':
      return typeof schema['minLength'] === 'number' && schema['minLength'] >= 1
        ? 'A'.repeat(schema['minLength'] - 1)
        : undefined;
    case 'enum':
      return Array.isArray(schema['enum']) ? 'mamori-not-in-enum' : undefined;
    case 'format':
      return schema['format'] === 'email' ||
        schema['format'] === 'uuid' ||
        schema['format'] === 'date-time' ||
        schema['format'] === 'date'
        ? 'mamori-bad-format'
        : undefined;
    case 'huge-integer':
      return type === 'integer' ? '99999999999999999999999999' : undefined;
    case 'null':
      return type &&
        type !== 'null' &&
        !(Array.isArray(schema['type']) && schema['type'].includes('null')) &&
        schema['nullable'] !== true
        ? null
        : undefined;
    default:
      throw new Error(`schema-fuzz: unknown kind ${kind}`);
  }
}

/** Schema fuzzing: a value breaking the declared type/bounds must get a 4xx. */
export async function schemaFuzz(ctx: ScanContext, test: ScanTest): Promise<void> {
  const kind = String(test.options['kind']);
  const points: InjectionPoint[] = [];
  for (const loc of ['query', 'path', 'body'] as const) points.push(...ctx.injectionPoints(loc));
  for (const p of points) {
    const bad = violation(kind, p.schema);
    if (bad === undefined) continue;
    // null and objects exist only in JSON: in a query, path, form, multipart or XML value they are text.
    const textOnly = p.location !== 'body' || ctx.bodyMedia(p.op)?.kind !== 'json';
    if (textOnly && (bad === null || typeof bad === 'object')) continue;
    const base = await ctx.send({ ...p.build(p.sample), note: 'control: valid value' });
    if (!ok(base)) continue;
    const probe = await ctx.send({ ...p.build(bad), note: `${kind} in ${p.location} ${p.name}` });
    if (
      !probe ||
      probe.response.status === 0 ||
      (probe.response.status >= 400 && probe.response.status < 500)
    )
      continue;
    const crashed = probe.response.status >= 500;
    ctx.report(test, {
      op: p.op,
      where: `${p.location}.${p.name}`,
      proof: [base, probe],
      control: `the same request with the valid value ${JSON.stringify(p.sample)} got ${base.response.status}; only ${p.location}.${p.name} changed`,
      detail: `${p.op.method} ${p.op.path} answered ${probe.response.status} (${crashed ? 'server error' : 'accepted'}) to ${p.location}.${p.name}=${JSON.stringify(bad).slice(0, 40)} (${kind}); a 4xx was expected.`,
      detailJa: `${p.op.method} ${p.op.path} が ${p.location}.${p.name}=「${JSON.stringify(bad).slice(0, 40)}」(${VIOLATION_JA[kind] ?? kind})に ${probe.response.status}(${crashed ? 'サーバーエラー' : '受け入れ'})を返した。4xx が返るべき。`,
      controlJa: `有効な値「${JSON.stringify(p.sample)}」の同じリクエストは ${base.response.status} で、変えたのは ${p.location}.${p.name} だけ`,
      confidence: crashed ? 0.95 : 0.8,
    });
  }
}

/** Schema: a create operation accepts every required string field empty at once (a blank account,
 *  a nameless order) although the schema asks for content (minLength, format or pattern). */
export async function schemaEmpty(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const op of ctx.ops((o) => o.method === 'POST' && !o.path.includes('{'))) {
    const media = ctx.bodyMedia(op);
    const schema = media?.schema;
    const props = (schema?.['properties'] ?? {}) as Record<string, JsonSchema>;
    const required = ((schema?.['required'] as string[] | undefined) ?? []).filter(
      (k) => props[k]?.['type'] === 'string' && !isFileSchema(props[k]),
    );
    const constrained = required.filter(
      (k) => Number(props[k]?.['minLength'] ?? 0) >= 1 || props[k]?.['format'] || props[k]?.['pattern'],
    );
    if (required.length < 2 || constrained.length === 0) continue;
    const sample = ctx.sampleBody(op);
    const req = ctx.sampleRequest(op, ctx.defaultIdentity(op));
    if (!req || !sample || typeof sample !== 'object') continue;
    const fresh = ctx.freshIdentityFields(op, sample as Record<string, unknown>);
    const base = await ctx.send({
      ...req,
      body: ctx.encodeBody(op, fresh).body,
      note: 'control: sample body',
    });
    if (!ok(base)) continue;
    const empty = { ...fresh, ...Object.fromEntries(required.map((k) => [k, ''])) };
    const probe = await ctx.send({
      ...req,
      body: ctx.encodeBody(op, empty).body,
      note: 'every required string field empty',
    });
    if (
      !probe ||
      probe.response.status === 0 ||
      (probe.response.status >= 400 && probe.response.status < 500)
    )
      continue;
    ctx.report(test, {
      op,
      where: required.join(','),
      proof: [base, probe],
      control: `the sample body got ${base.response.status}; the same body with ${required.join(', ')} empty got ${probe.response.status}`,
      detail: `${op.method} ${op.path} ${probe.response.status >= 500 ? 'fails' : 'accepts'} a body whose required fields ${required.join(', ')} are all empty (${constrained.join(', ')} declare minLength/format/pattern).`,
      detailJa: `${op.method} ${op.path} は、必須フィールド ${required.join('、')} がすべて空のボディを${probe.response.status >= 500 ? '処理できずに失敗する' : '受け入れる'}(${constrained.join('、')} は minLength/format/pattern を宣言している)。`,
      controlJa: `サンプルのボディは ${base.response.status}、${required.join('、')} を空にした同じボディは ${probe.response.status} となった`,
      confidence: 0.9,
    });
  }
}
