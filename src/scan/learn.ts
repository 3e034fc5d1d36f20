// Learning ownership before the tests run: call the API as each identity (profile and list
// endpoints), note which object ids only one identity sees, and — with --destructive — create an
// object per identity through the spec's create operations (following OpenAPI links or the
// `/things` + `/things/{id}` convention), so authorisation tests touch objects the scan itself made.

import type { SpecOperation } from '../model/index.js';
import { exampleOf, type OwnedObject, ok, parseJson, type ScanContext } from './context.js';
import { hasPathParams, itemOf } from './ops.js';
import type { Identity } from './types.js';

const ID_KEYS = ['id', '_id', 'uuid', 'key'];

function idOf(obj: unknown): string | undefined {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  for (const k of ID_KEYS) {
    const v = (obj as Record<string, unknown>)[k];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

function listOf(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const k of ['items', 'data', 'results', 'records', 'content']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v;
    }
  }
  return undefined;
}

/** Item GET operation for a collection path, via the `{collection}/{param}` convention. */
function itemGetOp(ctx: ScanContext, collection: string): SpecOperation | undefined {
  return ctx.spec.operations.find((o) => o.method === 'GET' && itemOf(o.path)?.collection === collection);
}

const namesAccount = (r: Record<string, unknown>) =>
  ['username', 'email', 'login', 'user_name'].some((k) => typeof r[k] === 'string');

export async function learnOwnership(ctx: ScanContext): Promise<void> {
  const seen = new Map<
    string,
    { itemPath: string; param: string; id: string; owners: Set<string>; body: Record<string, unknown> }
  >();
  const lists = ctx.ops((o) => o.method === 'GET' && !hasPathParams(o));
  for (const identity of ctx.identities) {
    for (const op of lists) {
      const req = ctx.sampleRequest(op, identity);
      if (!req) continue;
      const ex = await ctx.send({ ...req, note: 'learn ownership' });
      if (!ok(ex)) continue;
      const body = parseJson(ex.response.body);
      const item = itemGetOp(ctx, op.path);
      const list = listOf(body);
      if (!list && body && typeof body === 'object') {
        // The identity's profile: the answer that names an account ({ user: {…} } unwrapped); any
        // other object only while none was seen (a CAPTCHA or a config object is not a profile).
        const rec = body as Record<string, unknown>;
        const inner =
          rec['user'] && typeof rec['user'] === 'object' ? (rec['user'] as Record<string, unknown>) : rec;
        const had = ctx.profiles.get(identity.name);
        if (!had || (namesAccount(inner) && !namesAccount(had))) ctx.profiles.set(identity.name, inner);
      }
      if (!item || !list) continue;
      const param = itemOf(item.path)?.param ?? 'id';
      for (const el of list.slice(0, 50)) {
        const id = idOf(el);
        if (id === undefined) continue;
        const key = `${item.path} ${id}`;
        const entry = seen.get(key) ?? {
          itemPath: item.path,
          param,
          id,
          owners: new Set<string>(),
          body: el as Record<string, unknown>,
        };
        entry.owners.add(identity.name);
        seen.set(key, entry);
      }
    }
  }
  for (const e of seen.values()) {
    if (e.owners.size !== 1) continue; // seen by several identities: shared, not anyone's own
    const owner = [...e.owners][0]!;
    ctx.objects.push({ owner, itemPath: e.itemPath, param: e.param, id: e.id, created: false, body: e.body });
  }
  if (!ctx.destructive) return;
  for (const identity of ctx.users.slice(0, 2)) {
    for (const create of creationOps(ctx))
      await createObject(ctx, identity, create.op, create.itemPath, create.param);
  }
}

/** POST operations that create items, with the item path/param their result is read through. */
export function creationOps(
  ctx: ScanContext,
): Array<{ op: SpecOperation; itemPath: string; param: string; expr: string }> {
  const out: Array<{ op: SpecOperation; itemPath: string; param: string; expr: string }> = [];
  for (const op of ctx.spec.operations) {
    if (op.method !== 'POST' || hasPathParams(op)) continue;
    const link = linkedItem(ctx, op);
    if (link) {
      out.push({ op, ...link });
      continue;
    }
    const item = itemGetOp(ctx, op.path);
    if (item)
      out.push({
        op,
        itemPath: item.path,
        param: itemOf(item.path)?.param ?? 'id',
        expr: '$response.body#/id',
      });
  }
  return out;
}

/** OpenAPI links on the create operation's 2xx responses: `operationId` + `parameters: {p: '$response.body#/id'}`. */
function linkedItem(
  ctx: ScanContext,
  op: SpecOperation,
): { itemPath: string; param: string; expr: string } | undefined {
  const opObj = pointerGet(ctx.spec.document, op.pointer) as Record<string, unknown> | undefined;
  const responses = (opObj?.['responses'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [status, resp] of Object.entries(responses)) {
    if (!status.startsWith('2')) continue;
    const links = (resp?.['links'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const link of Object.values(links)) {
      const target = ctx.spec.operations.find((o) => o.operationId && o.operationId === link['operationId']);
      const params = (link['parameters'] ?? {}) as Record<string, unknown>;
      const first = Object.entries(params).find(
        ([, v]) => typeof v === 'string' && v.startsWith('$response.body#'),
      );
      if (target && target.method === 'GET' && first) {
        return { itemPath: target.path, param: first[0].replace(/^path\./, ''), expr: String(first[1]) };
      }
    }
  }
  return undefined;
}

export function pointerGet(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return doc;
  let cur = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Creates one object as `identity`; the chain's first step. */
export async function createObject(
  ctx: ScanContext,
  identity: Identity,
  op: SpecOperation,
  itemPath: string,
  param: string,
  expr = '$response.body#/id',
): Promise<OwnedObject | undefined> {
  const sample = ctx.sampleBody(op);
  const body: Record<string, unknown> =
    sample && typeof sample === 'object' && !Array.isArray(sample)
      ? { ...(sample as Record<string, unknown>) }
      : {};
  const media = op.requestBody?.content.find((c) => c.contentType.includes('json'));
  const props = (media?.schema?.['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, s] of Object.entries(props)) {
    if (body[k] === undefined && s['readOnly'] !== true) {
      const v = exampleOf(s, undefined);
      if (v !== undefined) body[k] = v;
    }
    if (typeof body[k] === 'string' && s['format'] === undefined && s['enum'] === undefined)
      body[k] = ctx.rng.marker('own');
  }
  const ex = await ctx.send({
    method: 'POST',
    path: ctx.fullPath(op.path),
    headers: ctx.authHeaders(identity),
    body: JSON.stringify(body),
    op,
    as: identity.name,
    note: `create an object as ${identity.name}`,
  });
  if (!ok(ex)) return undefined;
  const res = parseJson(ex.response.body);
  let id: unknown = expr.startsWith('$response.body#')
    ? pointerGet(res, expr.slice('$response.body#'.length))
    : undefined;
  if (id === undefined) id = idOf(res);
  if (id === undefined && ex.response.headers['location'])
    id = ex.response.headers['location'].split('/').pop();
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const obj: OwnedObject = {
    owner: identity.name,
    itemPath,
    param,
    id: String(id),
    created: true,
    body: res && typeof res === 'object' ? (res as Record<string, unknown>) : body,
  };
  ctx.objects.push(obj);
  return obj;
}

/** A fresh object of `identity` for a chain (create → read → update → delete). */
export async function freshObject(ctx: ScanContext, identity: Identity): Promise<Array<OwnedObject>> {
  const out: OwnedObject[] = [];
  for (const c of creationOps(ctx)) {
    const o = await createObject(ctx, identity, c.op, c.itemPath, c.param, c.expr);
    if (o) out.push(o);
  }
  return out;
}
