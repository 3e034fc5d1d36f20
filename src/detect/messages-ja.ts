// The Japanese form of every explanation the detector writes (alert titles: alert-titles.ts).
// Detectors build one English sentence per alert from their figures (the JSON contract, the store and
// the SIEM exports keep it). Each template below is that sentence as the source writes it, with named
// places for the figures, next to its Japanese form: an explanation is read back into its figures and
// written again in Japanese, so counts, thresholds, windows, masked accounts and excerpts stay exactly as
// detected. messages-ja.test.ts reads the detectors' source and fails for a template without an entry.

import type { Alert, Incident } from '../model/index.js';
import { PROMPT_SIGNATURES } from './ai/prompt-signatures.js';
import { ALERT_TITLES, alertTitle } from './alert-titles.js';
import { SIGNATURES } from './signatures/catalogue.js';

export { ALERT_TITLES, alertTitle };

/** Japanese titles of the payload signatures, by id. */
export const SIGNATURE_TITLES_JA: Record<string, string> = {
  'MAM-SIG-SQLI-001': 'SQL インジェクション(トークンのフィンガープリント)',
  'MAM-SIG-XSS-001': 'クロスサイトスクリプティング: script タグ、イベントハンドラー、スクリプト URL',
  'MAM-SIG-TRAV-001': 'パストラバーサル',
  'MAM-SIG-TRAV-002':
    '特殊なエンコーディングによるパストラバーサル(冗長な UTF-8、%u、0x2f、ドットの代わりの `?`)',
  'MAM-SIG-LFI-001': 'ファイルインクルージョン: システムファイル、ストリームラッパー、秘密ファイルの探索',
  'MAM-SIG-CMDI-001': 'OS コマンドインジェクション',
  'MAM-SIG-SSRF-001':
    'サーバーサイドリクエストフォージェリ: 内部、ループバック、リンクローカル、メタデータ宛て',
  'MAM-SIG-NOSQL-001': 'NoSQL 演算子インジェクション',
  'MAM-SIG-LDAP-001': 'LDAP フィルターインジェクション',
  'MAM-SIG-XXE-001': 'XML 外部エンティティ',
  'MAM-SIG-SSTI-001': 'サーバーサイドテンプレートインジェクション',
  'MAM-SIG-L4S-001': 'Log4Shell の JNDI ルックアップ(CVE-2021-44228)、難読化した形式を含む',
  'MAM-SIG-PROTO-001': 'プロトタイプ汚染',
  'MAM-SIG-CRLF-001': 'CRLF / ヘッダーインジェクション',
  'MAM-SIG-CRLF-002': 'メール(SMTP/IMAP)コマンドインジェクション',
  'MAM-SIG-SSI-001': 'サーバーサイドインクルードのインジェクション',
  'MAM-SIG-SCAN-001': '攻撃ツールまたは帯域外通信(OOB)の探索',
  'MAM-SIG-NOSQL-002': 'NoSQL のサーバーサイド JavaScript インジェクション',
  'MAM-SIG-GQL-001': 'GraphQL のイントロスペクションクエリ',
  'MAM-SIG-GQL-002': 'GraphQL のクエリの深さの悪用',
  'MAM-SIG-JAVA-001': 'Java のデシリアライズガジェット、危険なクラス、OGNL 式',
  'MAM-SIG-PHP-001':
    'PHP コードインジェクション: 開始タグ、スーパーグローバル、危険な関数、ini ディレクティブ、シリアライズされたオブジェクト',
  'MAM-SIG-UPLOAD-001': 'サーバーサイドのスクリプトファイル(PHP、JSP、ASP、CGI)のアップロード',
  'MAM-SIG-NODE-001':
    'Node.js のコードインジェクション(シリアライズされた関数、Function コンストラクター、child_process)',
  'MAM-SIG-RFI-001':
    'リモートファイルインクルージョン: 末尾が `?` の URL、IP アドレス直指定のスクリプト、インクルードパスのパラメーター内の URL',
  'MAM-SIG-SMUG-001': 'パラメーターに紛れ込ませた HTTP リクエスト(値の中のリクエスト行)',
  'MAM-SIG-CRLF-003': 'URL のパスまたはパラメーター名の改行',
  'MAM-SIG-HTTP-001': '既知の HTTP / WebDAV のメソッドではないリクエストメソッド',
  'MAM-SIG-HTTP-002':
    '制限されたリクエストヘッダー(httpoxy の Proxy、WebDAV の If / Lock-Token / Translate、Content-Range)',
  'MAM-SIG-HTTP-003': '5 個を超える範囲を要求する Range ヘッダー(リソースの枯渇)',
  'MAM-SIG-HTTP-004':
    'Content-Type による回避: メディアタイプではない、想定外の charset、パラメーターに隠したメディアタイプ',
  'MAM-SIG-HTTP-005': 'パス、パラメーター、ヘッダーの NUL または制御文字',
  'MAM-SIG-HTTP-006': 'URL で要求されたバックアップ、データベース、設定のファイル',
  'MAM-SIG-HTTP-007': 'パーサーの解釈を分ける文字(`=`、`;`、引用符)を含む multipart のパート名',
  'MAM-SIG-FIX-001': 'URL のパラメーターで渡されたセッション ID(セッション固定)',
  'MAM-SIG-SCAN-002': 'セキュリティスキャナーのリクエストヘッダーまたは探索パス',
  'MAM-SIG-HTTP-008': '100 文字を超えるパラメーター名',
  'MAM-SIG-HTTP-009': '重複または矛盾する Connection ヘッダー(keep-alive と close の併記)',
  'MAM-SIG-HTTP-010': '空の Accept または User-Agent ヘッダー',
  'MAM-SIG-HTTP-011':
    'UTF-8 / ISO-8859-1(5) / windows-1252 / US-ASCII 以外の文字セットを求める Accept ヘッダー',
  'MAM-SIG-HTTP-012':
    'GET または HEAD のリクエストのボディ(GET ではフォームまたはテキストのボディ、HEAD ではあらゆるボディ)',
  'MAM-SIG-HTTP-013':
    'text/plain として送られたフォームデータ(クロスサイトのフォーム送信で、WAF が解析しないボディ)',
  'MAM-SIG-HTTP-014':
    'パスまたはフォームのボディの不正なパーセントエンコーディング(16 進 2 桁が続かない %、IIS の %u、UTF-8 になりえないバイト)',
  'MAM-SIG-HTTP-015':
    'デコード後のパラメーターに残る IIS の %u エスケープ、または冗長 / 範囲外の UTF-8 バイト',
  'MAM-SIG-HTTP-016': 'HTTP/1.0、1.1、2、3 以外の HTTP バージョン',
  'MAM-SIG-SQLI-002':
    '整数オーバーフローまたは浮動小数点の解析を狙う値(32 ビットの上限の次の値、2.2250738585072011e-308)',
  'MAM-SIG-SQLI-003':
    'データベースのカタログまたはサンプルデータベースの名前(information_schema、MSysAccessObjects、Northwind など)',
  'MAM-AI-PI-001': 'プロンプトインジェクション: 指示の上書き',
  'MAM-AI-SPE-001': 'システムプロンプトの引き出しの試み',
};

/** `10 min`, `1 h`, `30 s` (behaviour/common.ts `span`) in Japanese. */
function windowJa(span: string): string {
  return span.replace(/ min$/, ' 分').replace(/ h$/, ' 時間').replace(/ s$/, ' 秒');
}

type Params = Record<string, string>;

interface Template {
  /** The English sentence as the detector writes it, `{name}` for each figure. */
  en: string;
  /** The Japanese sentence, or a function of the figures when words depend on them. */
  ja: string | ((p: Params) => string);
}

/** Figures written as words in the English: the window length and the direction of the AI data flow. */
const CONVERT: Record<string, (v: string) => string> = {
  window: windowJa,
  body: (v) => (v ? '、またはボディで拒否' : ''),
  regions: (v) => v.split(' and ').join(' と '),
  verb: (v) =>
    v === 'sent to' ? 'モデルに送信されました' : v === 'returned by' ? 'モデルから返されました' : v,
};

/** What a signature's check saw (signatures/checks.ts, ssrf.ts), English form → Japanese. */
const DETAILS: Template[] = [
  { en: 'matched "{m}"', ja: '"{m}" に一致' },
  {
    en: 'SQL fingerprint {fp} ({shape}, {context} context)',
    ja: (p) =>
      `SQL のフィンガープリント ${p['fp']}(${p['shape']}、${CONTEXTS[p['context']!] ?? `${p['context']} `}の文脈)`,
  },
  { en: 'control character U+{hex}', ja: '制御文字 U+{hex}' },
  { en: 'encoded control character {e}', ja: 'エンコードされた制御文字 {e}' },
  {
    en: 'URL ending in "?" (include suffix cut off): {v}',
    ja: '末尾が "?" の URL(インクルードする接尾辞を切り捨て): {v}',
  },
  { en: 'script on a bare IP address: {v}', ja: 'IP アドレスを直接指定したスクリプト: {v}' },
  { en: 'URL in an include-path parameter', ja: 'インクルードパスのパラメーターに URL' },
  { en: 'JNDI lookup after de-obfuscation: "{m}"', ja: '難読化を解除すると JNDI ルックアップ: "{m}"' },
  { en: 'operator key {k}', ja: '演算子のキー {k}' },
  { en: 'operator in parameter name {m}', ja: 'パラメーター名に演算子 {m}' },
  { en: 'operator {m} in a value', ja: '値に演算子 {m}' },
  { en: 'operator {m} in a JSON-looking value', ja: 'JSON 形式の値に演算子 {m}' },
  { en: 'key __proto__', ja: 'キー __proto__' },
  { en: 'key constructor.prototype', ja: 'キー constructor.prototype' },
  { en: '"{m}"', ja: '"{m}"' },
  { en: 'introspection "{m}"', ja: 'イントロスペクション "{m}"' },
  { en: 'selection depth {d} > {max}', ja: '選択の深さ {d} > {max}' },
  // SSRF: `${reason} (${target})`, the reason one of the forms below.
  { en: 'cloud metadata endpoint ({t})', ja: 'クラウドのメタデータエンドポイント({t})' },
  { en: 'loopback name ({t})', ja: 'ループバックを指す名前({t})' },
  { en: '{range} address {addr} ({t})', ja: '{range} のアドレス {addr}({t})' },
  { en: '{scheme}: scheme ({t})', ja: '{scheme}: スキーム({t})' },
];

const CONTEXTS: Record<string, string> = {
  plain: 'そのまま',
  'single-quote': 'シングルクォート',
  'double-quote': 'ダブルクォート',
  backtick: 'バッククォート',
};

const TITLES_EN = new Map([...SIGNATURES, ...PROMPT_SIGNATURES].map((s) => [s.id, s.title]));

/** Every explanation a detector writes (engine.ts, behaviour/*, ai/llm.ts). */
export const EXPLANATIONS: Template[] = [
  {
    en: '{id} {title} (CWE-{cwe}): {detail} in {field} = {excerpt}',
    ja: (p) => {
      const id = p['id']!;
      const title = SIGNATURE_TITLES_JA[id] ?? p['title'];
      const detail = fill(DETAILS, p['detail']!) ?? p['detail'];
      return `${id} ${title}(CWE-${p['cwe']}): ${p['field']} = ${p['excerpt']} で ${detail}`;
    },
  },
  {
    en: '{distinct} distinct ids of {where} in {window}, {ratio} answered 401/403/404{body} (thresholds: {minIds} ids, {denied} denied)',
    ja: '{window}の間に {where} の異なる ID {distinct} 件を参照し、{ratio} が 401/403/404 で応答{body}(しきい値: ID {minIds} 件、拒否 {denied})',
  },
  {
    en: 'sequential walk of {distinct} numeric ids ({min}…{max}) of {where} in {window} (threshold {ids} ids)',
    ja: '{window}の間に {where} の数値 ID {distinct} 件({min}…{max})を連番で順に参照(しきい値: ID {ids} 件)',
  },
  {
    en: 'distributed stuffing: {failures} of {attempts} logins on {method} {template} failed within {window} ({ratio}), for {users} usernames from {addresses} addresses (thresholds: {tf} failures, {tr} failed, {tu} usernames, {ta} addresses)',
    ja: '分散型のクレデンシャルスタッフィング: {window}以内に {method} {template} へのログイン {attempts} 回のうち {failures} 回が失敗({ratio})。ユーザー名 {users} 件、アドレス {addresses} 個から(しきい値: 失敗 {tf} 回、失敗率 {tr}、ユーザー名 {tu} 件、アドレス {ta} 個)',
  },
  {
    en: '{failures} failed logins with {guesses} different passwords for account {account} in this {window} window (thresholds {tf} failures, {tg} passwords; count-min estimate, never under)',
    ja: 'この {window}の期間にアカウント {account} へのログイン失敗が {failures} 回、異なるパスワードが {guesses} 種類(しきい値: 失敗 {tf} 回、パスワード {tg} 種類。Count-Min スケッチによる推定値で、実際の回数を下回ることはありません)',
  },
  {
    en: '{records} records carrying {types} returned to this actor from {resources} resources in {window} (threshold {threshold})',
    ja: '{window}の間に {types} を含むレコード {records} 件が {resources} 個のリソースからこのアクターに返されました(しきい値 {threshold})',
  },
  {
    en: 'one {kind} credential alternated {switches} times between address regions {regions} (address registries: different continents) within {window}, from {addresses} addresses (threshold {threshold} alternations)',
    ja: '一つの {kind} 認証情報が {window}以内にアドレスの地域 {regions} の間を {switches} 回行き来しました(アドレスレジストリー上で異なる大陸)。アドレスは {addresses} 個(しきい値 {threshold} 回)',
  },
  // As earlier versions wrote them: alerts stored by those read in Japanese too.
  {
    en: '{distinct} distinct ids of {method} {template} in {window}, {ratio} answered 401/403/404 (thresholds: {minIds} ids, {denied} denied)',
    ja: '{window}の間に {method} {template} の異なる ID {distinct} 件を参照し、{ratio} が 401/403/404 で応答(しきい値: ID {minIds} 件、拒否 {denied})',
  },
  {
    en: 'sequential walk of {distinct} numeric ids ({min}…{max}) of {method} {template} in {window} (threshold {ids} ids)',
    ja: '{window}の間に {method} {template} の数値 ID {distinct} 件({min}…{max})を連番で順に参照(しきい値: ID {ids} 件)',
  },
  {
    en: '{calls} calls in one minute to {method} {template}; endpoint baseline {mean}±{sd} per actor-minute over {n} samples (limit {limit})',
    ja: '{method} {template} への呼び出しが 1 分間に {calls} 回。エンドポイントの基準値はアクター 1 件・1 分あたり {mean}±{sd} 回({n} サンプル、上限 {limit})',
  },
  {
    en: '{calls} calls in one minute to {method} {template} (no baseline yet; absolute limit {limit})',
    ja: '{method} {template} への呼び出しが 1 分間に {calls} 回(基準値はまだありません。絶対上限 {limit})',
  },
  {
    en: '{mb} MB returned in one minute by {method} {template}; baseline {kb} kB per actor-minute (limit {limit} MB)',
    ja: '{method} {template} が 1 分間に {mb} MB を返却。基準値はアクター 1 件・1 分あたり {kb} kB(上限 {limit} MB)',
  },
  {
    en: '{pages} distinct pages of {method} {template} in {window} ({calls} calls, {mb} MB; threshold {threshold} pages)',
    ja: '{window}の間に {method} {template} の異なるページを {pages} ページ取得({calls} 回、{mb} MB。しきい値 {threshold} ページ)',
  },
  {
    en: '{items} distinct objects of GET {collection}/{…} read one by one in {window} ({calls} calls, one every {gap} s, pace variation {cv}; thresholds {min} objects at variation under {steady}, or {max})',
    ja: '{window}の間に GET {collection}/{…} の異なるオブジェクト {items} 件を一件ずつ取得({calls} 回、{gap} 秒に 1 回、間隔のばらつき {cv}。しきい値: ばらつき {steady} 未満でオブジェクト {min} 件、または {max} 件)',
  },
  {
    en: '{mb} MB pulled from {method} {template} in {calls} calls within {window} (threshold {threshold} MB)',
    ja: '{window}以内に {calls} 回の呼び出しで {method} {template} から {mb} MB を取得(しきい値 {threshold} MB)',
  },
  {
    en: 'one {kind} credential used from {addresses} addresses with {agents} user agents within {window} (thresholds: {ta} addresses and {tg} agents, or {tao} addresses)',
    ja: '一つの {kind} 認証情報が {window}以内に {addresses} 個のアドレスから {agents} 種類のユーザーエージェントで使用されました(しきい値: アドレス {ta} 個かつエージェント {tg} 種類、またはアドレス {tao} 個)',
  },
  {
    en: "{paths} distinct paths answered 404/405 in {window}, {ratio} of this actor's {total} calls (thresholds: {tp} paths, {tr})",
    ja: '{window}の間に異なるパス {paths} 件が 404/405 で応答(このアクターの呼び出し {total} 回の {ratio}。しきい値: パス {tp} 件、{tr})',
  },
  {
    en: '{users} distinct usernames in {attempts} login attempts within {window}, {ratio} failed (thresholds: {tu} usernames, {tr} failed)',
    ja: '{window}以内のログイン試行 {attempts} 回で異なるユーザー名 {users} 件が使われ、{ratio} が失敗(しきい値: ユーザー名 {tu} 件、失敗 {tr})',
  },
  {
    en: 'distributed stuffing: one client fingerprint (user agent + header order) tried {users} usernames from {addresses} addresses in {window}, {ratio} failed (thresholds: {ta} addresses, {tu} usernames)',
    ja: '分散型のクレデンシャルスタッフィング: 一つのクライアントのフィンガープリント(ユーザーエージェント + ヘッダーの順序)が {window}の間に {addresses} 個のアドレスから {users} 件のユーザー名を試し、{ratio} が失敗(しきい値: アドレス {ta} 個、ユーザー名 {tu} 件)',
  },
  {
    en: '{failures} failed logins for account {account} in this {window} window (threshold {threshold}; count-min estimate, never under)',
    ja: 'この {window}の期間にアカウント {account} へのログイン失敗が {failures} 回(しきい値 {threshold}。Count-Min スケッチによる推定値で、実際の回数を下回ることはありません)',
  },
  // As earlier versions wrote it.
  {
    en: '{records} records carrying {types} returned to this actor in {window} (threshold {threshold})',
    ja: '{window}の間に {types} を含むレコード {records} 件がこのアクターに返されました(しきい値 {threshold})',
  },
  {
    en: 'prompt of {chars} characters (limit {limit})',
    ja: '{chars} 文字のプロンプト(上限 {limit})',
  },
  {
    en: '{tokens} tokens and {chars} prompt characters in {calls} calls within {window} (limits {tt} tokens, {tc} characters)',
    ja: '{window}以内の {calls} 回の呼び出しで {tokens} トークン、プロンプト {chars} 文字(上限: {tt} トークン、{tc} 文字)',
  },
  { en: '{types} {verb} the model: {list}', ja: '{types} が{verb}: {list}' },
];

/** The incident summary (alerts.ts `makeIncident`); its parts are `type ×count`. */
export const INCIDENT_SUMMARY: Template = {
  en: '{n} related alerts from {actor} on {endpoints} endpoint(s): {parts}',
  ja: (p) => {
    const parts = p['parts']!.split(', ')
      .map((part) => {
        const m = /^(\S+) ×(\d+)$/.exec(part);
        return m ? `${ALERT_TITLES[m[1]!]?.ja ?? m[1]} ×${m[2]}` : part;
      })
      .join('、');
    return `${p['actor']} からの関連アラート ${p['n']} 件(エンドポイント ${p['endpoints']} 件): ${parts}`;
  },
};

/** Figures of a known form; any other figure may hold spaces. */
const PATTERNS: Record<string, string> = {
  id: '(\\S+)',
  field: '(\\S+)',
  verb: '(sent to|returned by)',
  body: '((?: or refused in the body)?)',
};

interface Compiled {
  re: RegExp;
  names: string[];
  t: Template;
}

const compiled = new WeakMap<Template, Compiled>();

function compile(t: Template): Compiled {
  let c = compiled.get(t);
  if (c) return c;
  const names: string[] = [];
  const pattern = t.en
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => {
      const m = /^\{([a-zA-Z]+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return PATTERNS[m[1]!] ?? '([\\s\\S]*?)';
    })
    .join('');
  c = { re: new RegExp(`^${pattern}$`), names, t };
  compiled.set(t, c);
  return c;
}

function render(t: Template, params: Params): string {
  const p: Params = {};
  for (const [k, v] of Object.entries(params)) p[k] = CONVERT[k]?.(v) ?? v;
  if (typeof t.ja === 'function') return t.ja(p);
  return t.ja.replace(/\{([a-zA-Z]+)\}/g, (_, k: string) => p[k] ?? '');
}

/** The Japanese form of a sentence written by one of `templates`, or undefined when none wrote it. */
function fill(templates: readonly Template[], text: string): string | undefined {
  for (const t of templates) {
    const c = compile(t);
    const m = c.re.exec(text);
    if (!m) continue;
    const params: Params = {};
    c.names.forEach((n, i) => {
      params[n] = m[i + 1]!;
    });
    // A signature explanation names a catalogue signature; any other id means another shape.
    if (params['id'] !== undefined && params['title'] !== undefined && !TITLES_EN.has(params['id'])) continue;
    return render(t, params);
  }
  return undefined;
}

/** An alert explanation in Japanese, with its figures as detected; undefined for an unknown shape. */
export function explanationJa(explanation: string): string | undefined {
  return fill(EXPLANATIONS, explanation);
}

/** An incident summary in Japanese; undefined for an unknown shape. */
export function incidentSummaryJa(summary: string): string | undefined {
  return fill([INCIDENT_SUMMARY], summary);
}

/**
 * Alerts for people reading `lang`: each gets a `title`; in Japanese the explanation is rewritten from
 * its figures (an explanation of an unknown shape, stored by another version, stays as stored).
 */
export function localiseAlerts<A extends Alert>(
  alerts: readonly A[],
  lang: 'en' | 'ja',
): Array<A & { title: string }> {
  return alerts.map((a) => ({
    ...a,
    title: alertTitle(a.type, lang),
    ...(lang === 'ja' ? { explanation: explanationJa(a.explanation) ?? a.explanation } : {}),
  }));
}

/** Incidents for people reading `lang`: in Japanese the summary is rewritten from its figures. */
export function localiseIncidents<I extends Incident>(incidents: readonly I[], lang: 'en' | 'ja'): I[] {
  if (lang === 'en') return [...incidents];
  return incidents.map((i) => ({ ...i, summary: incidentSummaryJa(i.summary) ?? i.summary }));
}
