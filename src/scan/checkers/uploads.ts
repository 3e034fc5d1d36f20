// XML and file uploads: XML external entities (CWE-611) in XML bodies and in uploaded XML files, and
// uploads of a type the operation does not declare (CWE-434).

import type { SpecOperation } from '../../model/index.js';
import { isFileSchema, sampleFile } from '../bodies.js';
import { ok, type ScanContext } from '../context.js';
import type { ScanExchange, ScanTest } from '../types.js';

const PASSWD = /root:x:0:0:/;
const DOCTYPE = '<!DOCTYPE mamori [<!ENTITY mamori SYSTEM "file:///etc/passwd">]>';

/** Multipart operations and their file fields. */
function fileFields(ctx: ScanContext): Array<{ op: SpecOperation; field: string }> {
  const out: Array<{ op: SpecOperation; field: string }> = [];
  for (const op of ctx.ops()) {
    const media = ctx.bodyMedia(op);
    if (media?.kind !== 'multipart') continue;
    const props = (media.schema?.['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [field, schema] of Object.entries(props)) if (isFileSchema(schema)) out.push({ op, field });
  }
  return out;
}

/** The sample request of `op` with file field `field` replaced. */
function withFile(
  ctx: ScanContext,
  op: SpecOperation,
  field: string,
  file: { filename: string; contentType: string; content: string },
) {
  const identity = ctx.defaultIdentity(op);
  const req = ctx.sampleRequest(op, identity);
  if (!req) return undefined;
  const body = { ...((ctx.sampleBody(op) as Record<string, unknown>) ?? {}), [field]: file };
  return {
    ...req,
    ...ctx.encodeBody(op, body),
    headers: { ...req.headers, ...ctx.encodeBody(op, body).headers },
  };
}

export async function xxe(ctx: ScanContext, test: ScanTest): Promise<void> {
  const mode = String(test.options['via'] ?? 'body');
  if (mode === 'upload') {
    for (const { op, field } of fileFields(ctx)) {
      const declared = ctx.fileType(op, field) ?? 'application/octet-stream';
      const plain = withFile(ctx, op, field, sampleFile(declared));
      const control = plain && (await ctx.send({ ...plain, note: 'control: a file of the declared type' }));
      if (!control || PASSWD.test(control.response.body)) continue;
      const req = withFile(ctx, op, field, {
        filename: `${ctx.rng.marker('x')}.xml`,
        contentType: 'application/xml',
        content: `<?xml version="1.0"?>${DOCTYPE}<mamori>&mamori;</mamori>`,
      });
      const probe = req && (await ctx.send({ ...req, note: 'XML file with an external entity' }));
      if (!probe || !PASSWD.test(probe.response.body)) continue;
      report(ctx, test, op, `body.${field}`, control, probe);
    }
    return;
  }
  for (const op of ctx.ops((o) => ctx.bodyMedia(o)?.kind === 'xml')) {
    const sample = ctx.sampleBody(op);
    if (!sample || typeof sample !== 'object') continue;
    const fields = Object.entries(sample as Record<string, unknown>).filter(([, v]) => typeof v !== 'object');
    const first = fields.find(([, v]) => typeof v === 'string') ?? fields[0];
    if (!first) continue;
    const identity = ctx.defaultIdentity(op);
    const req = ctx.sampleRequest(op, identity);
    if (!req) continue;
    const control = await ctx.send({ ...req, note: 'control: the sample document' });
    if (!control || PASSWD.test(control.response.body)) continue;
    const doc = ctx.encodeBody(op, { ...(sample as Record<string, unknown>), [first[0]]: '&mamori;' }).body;
    const body = doc.replace(
      /^(<\?xml[^>]*\?>)?\s*/,
      (decl) => `${decl.trim() || '<?xml version="1.0"?>'}${DOCTYPE}`,
    );
    const probe = await ctx.send({ ...req, body, note: 'external entity in a DTD' });
    if (!probe || !PASSWD.test(probe.response.body)) continue;
    report(ctx, test, op, `body.${first[0]}`, control, probe);
  }
}

function report(
  ctx: ScanContext,
  test: ScanTest,
  op: SpecOperation,
  where: string,
  control: ScanExchange,
  probe: ScanExchange,
): void {
  ctx.report(test, {
    op,
    where,
    proof: [control, probe],
    control: `the same request without the entity does not contain /etc/passwd content; with it, the answer (${probe.response.status}) contains "root:x:0:0:"`,
    detail: `${op.method} ${op.path} parses XML with external entities enabled: a SYSTEM entity naming file:///etc/passwd was read and its content returned.`,
    detailJa: `${op.method} ${op.path} は外部エンティティを有効にしたまま XML を解析する: file:///etc/passwd を指す SYSTEM エンティティが読まれ、その内容が返った。`,
    controlJa: `エンティティなしの同じリクエストには /etc/passwd の内容が含まれず、エンティティ付きの応答 (${probe.response.status}) には「root:x:0:0:」が含まれる`,
    confidence: 1,
  });
}

/** CWE-434: a file of a type the operation does not declare (HTML) is accepted for upload. */
export async function uploadType(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const { op, field } of fileFields(ctx)) {
    const declared = ctx.fileType(op, field);
    if (!declared || /html|\*/.test(declared)) continue;
    const plain = withFile(ctx, op, field, sampleFile(declared));
    const control = plain && (await ctx.send({ ...plain, note: 'control: a file of the declared type' }));
    if (!ok(control)) continue;
    const marker = ctx.rng.marker('up');
    const req = withFile(ctx, op, field, {
      filename: `${marker}.html`,
      contentType: 'text/html',
      content: `<html><body>${marker}</body></html>`,
    });
    const probe =
      req && (await ctx.send({ ...req, note: 'an HTML file where the spec declares another type' }));
    if (!ok(probe)) continue;
    ctx.report(test, {
      op,
      where: `body.${field}`,
      proof: [control, probe],
      control: `the declared type (${declared}) is accepted with ${control.response.status}; an HTML file named ${marker}.html got ${probe.response.status} too`,
      detail: `${op.method} ${op.path} accepts uploads of any type in ${field} although the spec declares ${declared}.`,
      detailJa: `${op.method} ${op.path} は、仕様が ${declared} と宣言しているにもかかわらず ${field} であらゆる種類のファイルのアップロードを受け入れる。`,
      controlJa: `宣言された種類 (${declared}) は ${control.response.status} で受け入れられ、${marker}.html という名前の HTML ファイルも ${probe.response.status} となった`,
      confidence: 0.9,
    });
  }
}
