// API1 / API3 / API5 checkers on objects the scan knows the owner of: another identity reading,
// changing or deleting them, enumerating neighbouring ids, role-like fields that stick, admin
// operations open to ordinary identities, undeclared or overridden methods.

import type { SpecOperation } from '../../model/index.js';
import { answered2xx, denied, type OwnedObject, ok, parseJson, type ScanContext } from '../context.js';
import { freshObject } from '../learn.js';
import { hasPathParams, isAdminOp, isLoginOp, itemOf } from '../ops.js';
import type { Identity, ScanExchange, ScanTest } from '../types.js';
import { similarBodies, splitJwt } from './auth.js';

function itemOp(ctx: ScanContext, obj: OwnedObject, method: string): SpecOperation | undefined {
  return ctx.spec.operations.find((o) => o.method === method && o.path === obj.itemPath);
}

function objectPath(ctx: ScanContext, obj: OwnedObject): string {
  return ctx.fullPath(obj.itemPath.split(`{${obj.param}}`).join(encodeURIComponent(obj.id)));
}

function other(ctx: ScanContext, owner: string): Identity | undefined {
  return ctx.users.find((u) => u.name !== owner);
}

function byName(ctx: ScanContext, name: string): Identity | undefined {
  return ctx.identities.find((i) => i.name === name);
}

/** API1: identity B reads / changes / deletes identity A's object. */
export async function bola(ctx: ScanContext, test: ScanTest): Promise<void> {
  const action = String(test.options['action'] ?? 'read');
  const candidates: OwnedObject[] = [];
  if (action === 'read') {
    const seen = new Set<string>();
    for (const o of ctx.objects) {
      if (seen.has(o.itemPath) || !byName(ctx, o.owner) || byName(ctx, o.owner)!.admin) continue;
      seen.add(o.itemPath);
      candidates.push(o);
    }
  } else {
    const owner = ctx.users[0];
    if (!owner || !other(ctx, owner.name)) return;
    candidates.push(...(await freshObject(ctx, owner)));
  }
  for (const obj of candidates) {
    const owner = byName(ctx, obj.owner)!;
    const attacker = other(ctx, obj.owner);
    const get = itemOp(ctx, obj, 'GET');
    if (!attacker || !get) continue;
    const path = objectPath(ctx, obj);
    const read = (as: Identity, note: string) =>
      ctx.send({ method: 'GET', path, headers: ctx.authHeaders(as), op: get, as: as.name, note });
    const mine = await read(owner, `control: the owner ${owner.name} reads it`);
    if (!ok(mine)) continue;
    if (action === 'read') {
      const theirs = await read(attacker, `${attacker.name} reads ${owner.name}'s object`);
      if (!ok(theirs) || !similarBodies(theirs.response.body, mine.response.body)) continue;
      const missing = await ctx.send({
        method: 'GET',
        path: ctx.fullPath(
          obj.itemPath
            .split(`{${obj.param}}`)
            .join(/^\d+$/.test(obj.id) ? '987654321' : ctx.rng.marker('none')),
        ),
        headers: ctx.authHeaders(attacker),
        op: get,
        as: attacker.name,
        note: 'control: a nonexistent id',
      });
      if (ok(missing)) continue; // answers anything for any id: not proof of access to A's object
      ctx.report(test, {
        op: get,
        where: obj.param,
        proof: [mine, theirs, missing!],
        control: `the owner ${owner.name} gets the same object; a nonexistent id gets ${missing!.response.status}, so ${attacker.name} really read ${owner.name}'s object`,
        detail: `${attacker.name} read an object owned by ${owner.name} through ${get.method} ${get.path}.`,
        detailJa: `${attacker.name} が ${owner.name} の所有するオブジェクトを ${get.method} ${get.path} で読み取れた。`,
        controlJa: `所有者 ${owner.name} には同じオブジェクトが返り、存在しない ID には ${missing!.response.status} が返るため、${attacker.name} が実際に ${owner.name} のオブジェクトを読み取ったと判断した`,
        confidence: 0.95,
      });
      continue;
    }
    const method = action === 'delete' ? 'DELETE' : (['PATCH', 'PUT'].find((m) => itemOp(ctx, obj, m)) ?? '');
    const change = method ? itemOp(ctx, obj, method) : undefined;
    if (!change) continue;
    const marker = ctx.rng.marker('bola');
    let body: string | undefined;
    let field = '';
    if (action === 'update') {
      field =
        Object.keys(obj.body).find(
          (k) => typeof obj.body[k] === 'string' && !/^(id|_id|owner|uuid)$/i.test(k),
        ) ?? '';
      if (!field) continue;
      body = JSON.stringify(
        method === 'PUT' ? { ...stripReadOnly(obj.body), [field]: marker } : { [field]: marker },
      );
    }
    const attack = await ctx.send({
      method,
      path,
      headers: ctx.authHeaders(attacker),
      ...(body !== undefined ? { body } : {}),
      op: change,
      as: attacker.name,
      note: `${attacker.name} ${action}s ${owner.name}'s object`,
    });
    if (!attack) continue;
    const after = await read(owner, `the owner ${owner.name} reads it again`);
    if (!after) continue;
    const effect =
      action === 'delete'
        ? after.response.status === 404 || after.response.status === 410
        : ok(after) && after.response.body.includes(marker);
    if (!effect) continue;
    ctx.report(test, {
      op: change,
      where: obj.param,
      proof: [mine, attack, after],
      control: `the owner's own read before (${mine.response.status}) and after (${after.response.status}) shows the change was made by ${attacker.name}'s request`,
      detail: `${attacker.name} ${action === 'delete' ? 'deleted' : `changed field ${field} of`} an object owned by ${owner.name} through ${method} ${obj.itemPath}.`,
      detailJa: `${attacker.name} が ${owner.name} の所有するオブジェクト${action === 'delete' ? 'を' : `のフィールド ${field} を`} ${method} ${obj.itemPath} で${action === 'delete' ? '削除' : '変更'}できた。`,
      controlJa: `所有者自身による変更前 (${mine.response.status}) と変更後 (${after.response.status}) の読み取りから、変更が ${attacker.name} のリクエストによるものと確認した`,
      confidence: 1,
    });
  }
}

/** A field of a created object, also inside the usual `data` / `user` wrappers. */
function fieldOf(body: unknown, field: string): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (field in b) return b[field];
  for (const w of ['data', 'user', 'result', 'item']) {
    const inner = b[w];
    if (inner && typeof inner === 'object' && field in (inner as Record<string, unknown>))
      return (inner as Record<string, unknown>)[field];
  }
  return undefined;
}

function stripReadOnly(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const k of ['id', '_id', 'owner', 'createdAt', 'updatedAt']) delete out[k];
  return out;
}

/** API1: sequential ids let another identity walk through objects that are not theirs. */
export async function idEnumeration(ctx: ScanContext, test: ScanTest): Promise<void> {
  const span = Number(test.options['span'] ?? 4);
  const done = new Set<string>();
  for (const obj of ctx.objects) {
    if (!/^\d+$/.test(obj.id) || done.has(obj.itemPath)) continue;
    const attacker = other(ctx, obj.owner);
    const get = itemOp(ctx, obj, 'GET');
    if (!attacker || !get) continue;
    done.add(obj.itemPath);
    const own = new Set(
      ctx.objects.filter((o) => o.owner === attacker.name && o.itemPath === obj.itemPath).map((o) => o.id),
    );
    const proof = [];
    const n = Number(obj.id);
    for (let id = Math.max(1, n - span); id <= n + span; id++) {
      if (own.has(String(id))) continue;
      const ex = await ctx.send({
        method: 'GET',
        path: ctx.fullPath(obj.itemPath.split(`{${obj.param}}`).join(String(id))),
        headers: ctx.authHeaders(attacker),
        op: get,
        as: attacker.name,
        note: `enumerate id ${id}`,
      });
      if (ok(ex)) proof.push(ex);
    }
    if (proof.length < 2) continue;
    ctx.report(test, {
      op: get,
      where: obj.param,
      proof: proof.slice(0, 4),
      control: `${attacker.name} does not own these ids (not in its own listings), yet ${proof.length} of the ${2 * span + 1} neighbouring ids answered 2xx`,
      detail: `Integer ids around ${obj.id} on ${get.path} are predictable and readable by ${attacker.name}.`,
      detailJa: `${get.path} の ${obj.id} 前後の整数 ID は推測でき、${attacker.name} が読み取れる。`,
      controlJa: `${attacker.name} はこれらの ID を所有していない(自身の一覧にない)が、前後 ${2 * span + 1} 個の ID のうち ${proof.length} 個が 2xx を返した`,
      confidence: 0.9,
    });
  }
}

/** API5: ordinary identity calls an admin operation (optionally with a spoofed client address). */
export async function adminAccess(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['mode'] ?? 'read');
  const user = ctx.users[0];
  if (!user) return;
  const ops = ctx.ops(
    (o) =>
      isAdminOp(o) && (mode === 'write' ? o.method !== 'GET' && o.method !== 'DELETE' : o.method === 'GET'),
  );
  for (const op of ops) {
    const req = ctx.sampleRequest(op, user);
    if (!req) continue;
    const anon = await ctx.send({ ...req, headers: {}, as: '', note: 'control: no credentials' });
    if (!anon || answered2xx(anon)) continue; // open to everyone: an API2 finding, not a role check
    let plain: ScanExchange | undefined;
    let probe: ScanExchange | undefined;
    if (mode === 'spoof') {
      plain = await ctx.send({ ...req, note: 'control: as an ordinary identity' });
      if (ok(plain)) continue;
      probe = await ctx.send({
        ...req,
        headers: { ...req.headers, 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
        note: 'ordinary identity claiming a loopback client address',
      });
    } else probe = await ctx.send({ ...req, note: 'ordinary identity calls an admin operation' });
    if (!ok(probe)) continue;
    ctx.report(test, {
      op,
      proof: plain ? [anon, plain, probe] : [anon, probe],
      control: `the call without credentials got ${anon.response.status}${plain ? ` and the same call without the spoofed header got ${plain.response.status}` : ''}, so the operation is protected yet lets ${user.name} in`,
      detail: `${user.name} (not an admin) got ${probe.response.status} from admin operation ${op.method} ${op.path}.`,
      detailJa: `管理者ではない ${user.name} が管理用操作 ${op.method} ${op.path} から ${probe.response.status} を受け取った。`,
      controlJa: `認証情報なしの呼び出しは ${anon.response.status}${plain ? `、なりすましヘッダーなしの同じ呼び出しは ${plain.response.status}` : ''} となり、操作は保護されているにもかかわらず ${user.name} を通している`,
      confidence: 0.9,
    });
  }
}

/** API5: undeclared write methods, or a method-override header, change objects. */
export async function methodSwitch(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['mode'] ?? 'undeclared');
  const user = ctx.users[0];
  if (!user) return;
  if (mode === 'undeclared') {
    for (const get of ctx.spec.operations.filter((o) => o.method === 'GET' && hasPathParams(o))) {
      const declared = new Set(ctx.spec.operations.filter((o) => o.path === get.path).map((o) => o.method));
      if (declared.has('PUT') || declared.has('PATCH')) continue;
      const req = ctx.sampleRequest(get, user);
      if (!req) continue;
      const before = await ctx.send({ ...req, note: 'control: current state' });
      const body = parseJson(before?.response.body ?? '');
      if (!ok(before) || !body || typeof body !== 'object' || Array.isArray(body)) continue;
      const field = Object.keys(body).find((k) => {
        const v = (body as Record<string, unknown>)[k];
        return (
          typeof v === 'string' && !/^(id|_id|uuid)$/.test(k) && !req.path.includes(encodeURIComponent(v))
        );
      });
      if (!field) continue;
      const marker = ctx.rng.marker('meth');
      const probe = await ctx.send({
        method: 'PATCH',
        path: req.path,
        headers: req.headers ?? {},
        body: JSON.stringify({ [field]: marker }),
        as: user.name,
        note: 'undeclared PATCH',
      });
      if (!ok(probe)) continue;
      const after = await ctx.send({ ...req, note: 'read back' });
      if (!ok(after) || !after.response.body.includes(marker)) continue;
      ctx.report(test, {
        op: get,
        where: 'PATCH',
        proof: [before, probe, after],
        control:
          'the spec declares no PATCH/PUT on this path; the read-back shows the marker written by the undeclared method',
        detail: `Undeclared PATCH ${get.path} changed field ${field}.`,
        detailJa: `宣言されていない PATCH ${get.path} でフィールド ${field} が変更された。`,
        controlJa:
          '仕様にはこのパスの PATCH/PUT が宣言されていないが、読み直すと宣言外のメソッドで書き込んだマーカーが入っている',
        confidence: 1,
      });
    }
    return;
  }
  // override: a GET carrying X-HTTP-Method-Override: DELETE deletes the identity's own fresh object.
  for (const obj of await freshObject(ctx, user)) {
    const get = itemOp(ctx, obj, 'GET');
    if (!get) continue;
    const path = objectPath(ctx, obj);
    const probe = await ctx.send({
      method: 'GET',
      path,
      headers: {
        ...ctx.authHeaders(user),
        [String(test.options['header'] ?? 'x-http-method-override')]: 'DELETE',
      },
      op: { ...get, extensions: { ...get.extensions, 'x-destructive': true } },
      as: user.name,
      note: 'GET with a method-override header saying DELETE',
    });
    if (!probe) continue;
    const after = await ctx.send({
      method: 'GET',
      path,
      headers: ctx.authHeaders(user),
      op: get,
      as: user.name,
      note: 'read back',
    });
    if (!after || (after.response.status !== 404 && after.response.status !== 410)) continue;
    ctx.report(test, {
      op: get,
      where: String(test.options['header'] ?? 'x-http-method-override'),
      proof: [probe, after],
      control:
        'the object existed (created by this scan) and a plain GET does not delete it; after the GET with the override header it is gone',
      detail: `${String(test.options['header'])} turns a GET into a DELETE: method-based rules in gateways and WAFs are bypassed.`,
      detailJa: `${String(test.options['header'])} によって GET が DELETE として扱われる: ゲートウェイや WAF のメソッド単位の規則を回避できる。`,
      controlJa:
        'オブジェクトは存在し(このスキャンで作成)、通常の GET では削除されないが、メソッド上書きヘッダー付きの GET の後には消えている',
      confidence: 1,
    });
  }
}

/** API3: a role-like field sent in an update sticks (read back shows it). */
export async function massAssignment(ctx: ScanContext, test: ScanTest): Promise<void> {
  const field = String(test.options['field']);
  const value = test.options['value'];
  const user = ctx.users[0];
  if (!user) return;
  if (test.options['on'] === 'create') {
    for (const op of ctx.ops(
      (o) => o.method === 'POST' && !hasPathParams(o) && !isLoginOp(o) && !!o.requestBody,
    )) {
      const sample = ctx.sampleBody(op);
      if (!sample || typeof sample !== 'object' || Array.isArray(sample)) continue;
      const identity = ctx.defaultIdentity(op);
      const create = (extra: Record<string, unknown>, note: string) =>
        ctx.send({
          method: 'POST',
          path: ctx.fullPath(op.path),
          headers: ctx.authHeaders(identity),
          body: JSON.stringify({
            ...ctx.freshIdentityFields(op, sample as Record<string, unknown>),
            ...extra,
          }),
          op,
          as: identity?.name ?? '',
          note,
        });
      const plain = await create({}, 'control: create without the field');
      if (!ok(plain)) continue;
      const before = fieldOf(parseJson(plain.response.body), field);
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      const probe = await create({ [field]: value }, `create with ${field}`);
      if (
        !ok(probe) ||
        JSON.stringify(fieldOf(parseJson(probe.response.body), field)) !== JSON.stringify(value)
      )
        continue;
      ctx.report(test, {
        op,
        where: field,
        proof: [plain, probe],
        control: `the same create without ${field} stored ${JSON.stringify(before ?? null)}; with it the created object has ${field}=${JSON.stringify(value)}`,
        detail: `${op.method} ${op.path} lets the client choose ${field} of the object it creates.`,
        detailJa: `${op.method} ${op.path} では、作成するオブジェクトの ${field} をクライアントが指定できる。`,
        controlJa: `${field} なしの同じ作成では ${JSON.stringify(before ?? null)} が保存され、付けると作成されたオブジェクトの ${field} が ${JSON.stringify(value)} になる`,
        confidence: 0.9,
      });
    }
    return;
  }
  for (const op of ctx.ops((o) => (o.method === 'PATCH' || o.method === 'PUT') && !hasPathParams(o))) {
    const read = ctx.spec.operations.find((o) => o.method === 'GET' && o.path === op.path);
    if (!read) continue;
    const getReq = ctx.sampleRequest(read, user);
    if (!getReq) continue;
    const before = await ctx.send({ ...getReq, note: 'control: profile before' });
    const beforeBody = parseJson(before?.response.body ?? '') as Record<string, unknown> | undefined;
    if (!ok(before) || !beforeBody || typeof beforeBody !== 'object') continue;
    if (JSON.stringify(beforeBody[field]) === JSON.stringify(value)) continue; // already has it
    const sample = (ctx.sampleBody(op) as Record<string, unknown> | undefined) ?? {};
    const probe = await ctx.send({
      method: op.method,
      path: ctx.fullPath(op.path),
      headers: ctx.authHeaders(user),
      body: JSON.stringify({ ...sample, [field]: value }),
      op,
      as: user.name,
      note: `mass assignment of ${field}`,
    });
    if (!ok(probe)) continue;
    const after = await ctx.send({ ...getReq, note: 'read back' });
    const afterBody = parseJson(after?.response.body ?? '') as Record<string, unknown> | undefined;
    if (!ok(after) || !afterBody || JSON.stringify(afterBody[field]) !== JSON.stringify(value)) continue;
    ctx.report(test, {
      op,
      where: field,
      proof: [before, probe, after],
      control: `before the update ${field} was ${JSON.stringify(beforeBody[field] ?? null)}; after it reads ${JSON.stringify(value)}`,
      detail: `${op.method} ${op.path} stored the client-supplied ${field}=${JSON.stringify(value)}.`,
      detailJa: `${op.method} ${op.path} がクライアントの送った ${field}=${JSON.stringify(value)} を保存した。`,
      controlJa: `更新前の ${field} は ${JSON.stringify(beforeBody[field] ?? null)}、更新後は ${JSON.stringify(value)} と読める`,
      confidence: 1,
    });
  }
}

export { denied };

const OWNER_FIELD = /^(user_?id|owner_?id|author_?id|created_?by|customer_?id|author|owner)$/i;

/** Who an identity is, as its profile or its token's claims say (`data` wrappers unwrapped). */
export function identityRef(ctx: ScanContext, identity: Identity): { id?: unknown; email?: string } {
  const claims = splitJwt(identity.value)?.payload ?? {};
  const data =
    claims['data'] && typeof claims['data'] === 'object' ? (claims['data'] as Record<string, unknown>) : {};
  const profile = ctx.profiles.get(identity.name) ?? {};
  const id = profile['id'] ?? data['id'] ?? claims['id'] ?? claims['uid'];
  const email = [profile['email'], data['email'], claims['email']].find((v) => typeof v === 'string') as
    | string
    | undefined;
  return { ...(id !== undefined ? { id } : {}), ...(email ? { email } : {}) };
}

/** A property anywhere in a JSON answer (depth ≤ 4) with this name and value. */
function echoes(value: unknown, name: string, expected: unknown, depth = 0): boolean {
  if (!value || typeof value !== 'object' || depth > 4) return false;
  if (Array.isArray(value)) return value.slice(0, 20).some((v) => echoes(v, name, expected, depth + 1));
  return Object.entries(value).some(
    ([k, v]) => (k === name && String(v) === String(expected)) || echoes(v, name, expected, depth + 1),
  );
}

/** API1: identity A creates an object that names identity B as its owner/author, and it is stored so. */
export async function createOnBehalf(ctx: ScanContext, test: ScanTest): Promise<void> {
  const [a, b] = ctx.users;
  if (!a || !b) return;
  const refA = identityRef(ctx, a);
  const refB = identityRef(ctx, b);
  for (const op of ctx.ops((o) => o.method === 'POST' && !hasPathParams(o))) {
    const props = (ctx.bodyMedia(op)?.schema?.['properties'] ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    const field = Object.keys(props).find((k) => OWNER_FIELD.test(k));
    if (!field) continue;
    const numeric = /integer|number/.test(String(props[field]?.['type'])) || /id$/i.test(field);
    const mine = numeric ? refA.id : refA.email;
    const theirs = numeric ? refB.id : refB.email;
    if (mine === undefined || theirs === undefined || String(mine) === String(theirs)) continue;
    const sample = ctx.sampleBody(op) as Record<string, unknown> | undefined;
    const req = ctx.sampleRequest(op, a);
    if (!sample || !req) continue;
    const send = (value: unknown, note: string) =>
      ctx.send({
        ...req,
        body: ctx.encodeBody(op, ctx.freshIdentityFields(op, { ...sample, [field]: value })).body,
        note,
      });
    const control = await send(mine, `control: ${field} = ${a.name}'s own`);
    if (!ok(control) || !echoes(parseJson(control.response.body), field, mine)) continue;
    const probe = await send(theirs, `${field} = ${b.name}'s`);
    if (!ok(probe) || !echoes(parseJson(probe.response.body), field, theirs)) continue;
    // An answer may only echo the request: read the object back when the API has an item operation.
    const created = parseJson(probe.response.body) as Record<string, unknown> | undefined;
    const id = created?.['id'] ?? (created?.['data'] as Record<string, unknown> | undefined)?.['id'];
    const item = ctx.spec.operations.find(
      (o) => o.method === 'GET' && itemOf(o.path)?.collection === op.path,
    );
    const proof = [control, probe];
    if (item && id !== undefined) {
      const param = itemOf(item.path)!.param;
      const back = await ctx.send({
        method: 'GET',
        path: ctx.buildPath(item, { [param]: String(id) }),
        headers: ctx.authHeaders(a),
        op: item,
        as: a.name,
        note: 'read the created object back',
      });
      if (ok(back) && !echoes(parseJson(back.response.body), field, theirs)) continue;
      if (ok(back)) proof.push(back);
    }
    ctx.report(test, {
      op,
      where: `body.${field}`,
      proof,
      control: `${a.name} creating with its own ${field} (${String(mine)}) is stored as ${a.name}'s; the same request naming ${b.name} (${String(theirs)}) is stored as ${b.name}'s`,
      detail: `${op.method} ${op.path} takes ${field} from the body: ${a.name} created an object in ${b.name}'s name.`,
      detailJa: `${op.method} ${op.path} は ${field} をボディから受け取る: ${a.name} が ${b.name} の名義でオブジェクトを作成できた。`,
      controlJa: `${a.name} が自身の ${field} (${String(mine)}) で作成すると ${a.name} のものとして保存され、${b.name} (${String(theirs)}) を指定した同じリクエストでは ${b.name} のものとして保存される`,
      confidence: 0.95,
    });
  }
}
