// Japanese wording of the checkers' finding messages, for `--lang ja` reports. The checkers write one
// English sentence per hit (the JSON, SARIF and JUnit contracts keep it); this table turns each sentence
// shape back into Japanese when a report is drawn, so a default run pays nothing for it. Names, paths,
// values and samples taken from the spec or the traffic stay as they are. A test runs every rule's failing
// fixture and fails when a message has no Japanese form; an unknown shape falls back to the rule's
// Japanese description, so a Japanese report never shows an English sentence.

import type { Finding } from '../model/index.js';
import { JA } from './rules/ja.js';

const TYPES: Record<string, string> = {
  string: '文字列',
  integer: '整数',
  number: '数値',
  array: '配列',
  object: 'オブジェクト',
  boolean: '真偽値',
};

const IN: Record<string, string> = {
  path: 'パス',
  query: 'クエリ',
  header: 'ヘッダー',
  cookie: 'Cookie',
  formData: 'フォーム',
  body: 'ボディ',
};

/** Hint sets (checks/names.ts) and sensitive-data types as a reader names the data. */
const HINTS: Record<string, string> = {
  password: 'パスワード',
  secret: 'シークレット',
  token: 'トークン',
  'national-id': '国民識別番号',
  card: 'カード番号',
  'card-auth-data': 'カードの機密認証データ',
  health: '健康情報',
  bank: '銀行口座',
  pii: '個人データ',
  privileged: '権限',
  'server-managed': 'サーバー管理',
  internal: '内部情報',
  'url-param': 'URL',
  'redirect-param': 'リダイレクト先',
  'file-param': 'ファイル名',
  'credential-param': '認証情報',
  'pii-param': '個人データ',
};

const SECRET_KINDS: Record<string, string> = {
  JWT: 'JWT',
  'AWS access key': 'AWS アクセスキー',
  'private key': '秘密鍵',
  'card number': 'カード番号',
};

const TAGS: Record<string, string> = {
  shadow: 'シャドー API',
  zombie: 'ゾンビ API',
  deprecated: '非推奨',
  rogue: 'ローグ API',
  orphan: '未使用の API',
};

const LEAKS: Record<string, string> = { 'stack-trace': 'スタックトレース', 'sql-error': 'SQL エラー' };

const hint = (h: string) => HINTS[h] ?? h;

/**
 * A schema place (checks/schema.ts `where`): "`a.b` in the 200 response of GET /x" → "GET /x の 200 応答の `a.b`".
 * Undefined when the text is not such a place.
 */
function place(text: string): string | undefined {
  const m =
    /^(`[^`]*`|the schema) in (?:the (\S*) response|(the request body)|(a parameter)) of (\S+ .+)$/s.exec(
      text,
    );
  if (!m) return undefined;
  const [, what, status, body, , op] = m;
  const owner =
    status !== undefined
      ? `${op} の ${status === '' ? '' : `${status} `}応答`
      : body !== undefined
        ? `${op} のリクエストボディ`
        : `${op} のパラメーター`;
  // A space after inline code reads better before the particle that follows (`name` は…).
  return what === 'the schema' ? `${owner}のスキーマ` : `${owner}の ${what} `;
}

/** "a or b+c" (checks/schema.ts `need`) → "a、b+c のいずれも" / "a が". */
function needs(text: string): string {
  const parts = text.split(' or ');
  return parts.length > 1 ? `${parts.join('、')} のいずれも` : `${parts[0]} が`;
}

type Rewrite = [RegExp, (m: RegExpExecArray) => string | undefined];

/** The diff's widenings (diff.ts `widenings`), one clause each. */
const WIDENINGS: Rewrite[] = [
  [/^(\w+) raised (.+) → (.+)$/, (m) => `${m[1]} を ${m[2]} から ${m[3]} に引き上げ`],
  [/^(\w+) lowered (.+) → (.+)$/, (m) => `${m[1]} を ${m[2]} から ${m[3]} に引き下げ`],
  [/^enum gained (.+)$/s, (m) => `enum に ${m[1]} を追加`],
  [/^type widened to (.+)$/, (m) => `type を ${m[1]} に拡大`],
  [/^pattern changed$/, () => 'pattern を変更'],
  [/^object opened to additional properties$/, () => '追加のプロパティを受け付けるように変更'],
  [/^(.+) removed$/, (m) => `${m[1]} を削除`],
];

function rewrite(text: string, table: readonly Rewrite[]): string | undefined {
  for (const [re, to] of table) {
    const m = re.exec(text);
    if (!m) continue;
    const out = to(m);
    if (out !== undefined) return out;
  }
  return undefined;
}

/** Sentence shapes, most specific first. `s` flag: samples from traffic may span lines. */
const REWRITES: Rewrite[] = [
  // ---- servers and the document (checks/document.ts) ----
  [/^server (\S+) uses (\w+):\/\/$/, (m) => `サーバー ${m[1]} が ${m[2]}:// を使用しています`],
  [
    /^server (\S+) points at (a placeholder|an internal) host$/,
    (m) =>
      `サーバー ${m[1]} が${m[2] === 'a placeholder' ? 'プレースホルダーの' : '内部の'}ホストを指しています`,
  ],
  [
    /^server variable (`[^`]*`) of (\S+) accepts any value$/,
    (m) => `${m[2]} のサーバー変数 ${m[1]} は任意の値を受け付けます`,
  ],
  [/^server (\S+) does not declare (.+)$/, (m) => `サーバー ${m[1]} に ${m[2]} が宣言されていません`],
  [/^server (\S+) has no (.+)$/, (m) => `サーバー ${m[1]} に ${m[2]} がありません`],
  [
    /^server (\S+): (\S+) (.*) does not match (\/.*\/)$/s,
    (m) => `サーバー ${m[1]} の ${m[2]}(${m[3]})が ${m[4]} に一致しません`,
  ],
  [/^the spec mixes API versions (.+)$/, (m) => `仕様書に複数の API バージョン(${m[1]})が混在しています`],
  [
    /^(.+) carries no API version in its URLs or parameters$/s,
    (m) => `${m[1]} の URL にもパラメーターにも API のバージョンがありません`,
  ],
  [/^info\.contact is missing$/, () => 'info.contact がありません'],
  [/^the spec declares no server$/, () => '仕様書にサーバーが宣言されていません'],
  [/^Swagger (\S+) document$/, (m) => `Swagger ${m[1]} で書かれた文書です`],
  // ---- security schemes and requirements (checks/security.ts) ----
  [
    /^security scheme (`[^`]*`) is defined but no operation uses it$/,
    (m) => `セキュリティスキーム ${m[1]} は定義されていますが、どの操作も使用していません`,
  ],
  [
    /^security scheme (`[^`]*`) \((\w+)(?: (\w+))??(?: in (\w+))?(?: (\w+) flow)?\)$/,
    (m) => {
      const parts = [m[3] ? `${m[2]} ${m[3]}` : m[2]];
      if (m[4]) parts.push(`${IN[m[4]] ?? m[4]}で送信`);
      if (m[5]) parts.push(`${m[5]} フロー`);
      return `セキュリティスキーム ${m[1]}(${parts.join('、')})`;
    },
  ],
  [
    /^basic credentials of (`[^`]*`) would cross plain http \((.*)\)$/,
    (m) => `${m[1]} の Basic 認証情報が平文の http を流れます(${m[2]})`,
  ],
  [
    /^(`[^`]*`) carries JWTs but its description does not commit to RFC 8725$/,
    (m) => `${m[1]} は JWT を運びますが、description に RFC 8725 への準拠が記載されていません`,
  ],
  [
    /^(\w+) flow of (`[^`]*`) declares no refreshUrl$/,
    (m) => `${m[2]} の ${m[1]} フローに refreshUrl が宣言されていません`,
  ],
  [/^(`[^`]*`) sends credentials to (.+)$/, (m) => `${m[1]} は認証情報を ${m[2]} に送ります`],
  [
    /^(.+) defines no security scheme for its (\d+) operations$/s,
    (m) => `${m[1]} は ${m[2]} 件の操作のいずれにもセキュリティスキームを定義していません`,
  ],
  [
    /^(.+) requires undefined security scheme (`[^`]*`)$/s,
    (m) =>
      `${m[1] === 'the document' ? '文書全体のセキュリティ要件' : m[1]} が未定義のセキュリティスキーム ${m[2]} を要求しています`,
  ],
  [
    /^(.+) requires scope\(s\) (.+) that (`[^`]*`) does not define$/s,
    (m) =>
      `${m[1] === 'the document' ? '文書全体のセキュリティ要件' : m[1]} が ${m[3]} に定義されていないスコープ ${m[2]} を要求しています`,
  ],
  [
    /^the document lets every operation be called anonymously$/,
    () => '文書全体のセキュリティ要件により、すべての操作を匿名で呼び出せます',
  ],
  // ---- operations, parameters and responses (checks/operation.ts) ----
  [
    /^(\S+ .+) accepts anonymous calls besides its security schemes$/s,
    (m) => `${m[1]} はセキュリティスキームに加えて匿名の呼び出しも受け付けます`,
  ],
  [/^(\S+ .+) requires no authentication$/s, (m) => `${m[1]} は認証を要求しません`],
  [
    /^(\S+ .+) documents (\S+) without a body schema$/s,
    (m) => `${m[1]} の ${m[2]} 応答にボディのスキーマがありません`,
  ],
  [
    /^(\S+ .+) documents no concrete response status$/s,
    (m) => `${m[1]} に具体的な応答ステータスが記載されていません`,
  ],
  [/^(\S+ .+) documents no (\S+) response$/s, (m) => `${m[1]} に ${m[2]} 応答が記載されていません`],
  [
    /^(\S+) response of (\S+ .+) declares no (.+) header$/s,
    (m) => `${m[2]} の ${m[1]} 応答に ${m[3]} ヘッダーが宣言されていません`,
  ],
  [
    /^(\S+) response of (\S+ .+) has no body schema$/s,
    (m) => `${m[2]} の ${m[1]} 応答にボディのスキーマがありません`,
  ],
  [/^(\S+ .+) is deprecated but still published$/s, (m) => `${m[1]} は非推奨ですが、まだ公開されています`],
  [
    /^(\S+ .+) accepts a request body of any media type$/s,
    (m) => `${m[1]} は任意のメディアタイプのリクエストボディを受け付けます`,
  ],
  [
    /^(\S+ .+) returns a list with no limit\/page-size parameter$/s,
    (m) => `${m[1]} は一覧を返しますが、limit/ページサイズのパラメーターがありません`,
  ],
  [
    /^(\S+ .+) addresses objects by sequential integer (`[^`]*`) with no object-level authorisation \(no 403, no owner\/permission note\)$/s,
    (m) =>
      `${m[1]} は連番の整数 ${m[2]} でオブジェクトを指定していますが、オブジェクトレベルの認可の形跡(403 応答、所有者・権限に関する記述)がありません`,
  ],
  [
    /^(\S+ .+) is an admin operation secured only by schemes ordinary operations use$/s,
    (m) => `${m[1]} は管理操作ですが、通常の操作と同じスキームでしか保護されていません`,
  ],
  [
    /^(\S+ .+) is an admin operation requiring no scope beyond what ordinary operations need$/s,
    (m) => `${m[1]} は管理操作ですが、通常の操作に必要なもの以外のスコープを要求していません`,
  ],
  [
    /^(\w+) parameter (`[^`]*`) of (\S+ .+) has no schema$/s,
    (m) => `${m[3]} の${IN[m[1]!] ?? m[1]}パラメーター ${m[2]} にスキーマがありません`,
  ],
  [
    /^(\w+) parameter (`[^`]*`) of (\S+ .+) \((named like (.+)|name matches (.+)|format (.+))\)$/s,
    (m) => {
      const why =
        m[5] !== undefined
          ? `${hint(m[5])}を示す名前`
          : m[6] !== undefined
            ? `名前が ${m[6]} に一致`
            : `format が ${m[7]}`;
      return `${m[3]} の${IN[m[1]!] ?? m[1]}パラメーター ${m[2]}(${why})`;
    },
  ],
  [
    /^(server|security-scheme|schema|\S+ .+) matches$/s,
    (m) => {
      const kinds: Record<string, string> = {
        server: 'サーバー',
        'security-scheme': 'セキュリティスキーム',
        schema: 'スキーマ',
      };
      return `${kinds[m[1]!] ?? m[1]} が該当します`;
    },
  ],
  // ---- schemas (checks/schema.ts) ----
  [
    /^(\w+) (.+) has no (.+)$/s,
    (m) => {
      const where = place(m[2]!);
      return where && TYPES[m[1]!] !== undefined
        ? `${where}(${TYPES[m[1]!]})に ${needs(m[3]!)}ありません`
        : undefined;
    },
  ],
  [
    /^(.+) has (\S+) (.+), expected one of (.+)$/s,
    (m) => {
      const where = place(m[1]!);
      const value = m[3] === '(none)' ? '未指定' : ` ${m[3]} `;
      return where && `${where}の ${m[2]} が${value}です(期待値: ${m[4]} のいずれか)`;
    },
  ],
  [
    /^(.+) accepts properties it does not declare \(additionalProperties is (true|not set)\)$/s,
    (m) => {
      const where = place(m[1]!);
      return (
        where &&
        `${where}は宣言していないプロパティを受け付けます(additionalProperties が${m[2] === 'true' ? ' true' : '未設定'})`
      );
    },
  ],
  [
    /^(.+) allows extra properties through (\w+)$/s,
    (m) => {
      const where = place(m[1]!);
      return where && `${where}は ${m[2]} により追加のプロパティを許可しています`;
    },
  ],
  [
    /^(.+) has a (\w+) schema but no maxProperties$/s,
    (m) => {
      const where = place(m[1]!);
      return where && `${where}は ${m[2]} にスキーマを持ちますが、maxProperties がありません`;
    },
  ],
  [
    /^property (.+) looks like (\S+) data$/s,
    (m) => {
      const where = place(m[1]!);
      return where && `${where}は${hint(m[2]!)}のデータと思われます`;
    },
  ],
  [
    /^pattern of (.+) is not anchored with \^…\$$/s,
    (m) => {
      const where = place(m[1]!);
      return where && `${where}の pattern が ^…$ でアンカーされていません`;
    },
  ],
  [
    /^pattern of (.+) nests quantifiers \(catastrophic backtracking\)$/s,
    (m) => {
      const where = place(m[1]!);
      return where && `${where}の pattern が量指定子を入れ子にしています(破滅的バックトラック)`;
    },
  ],
  [
    /^(\w+) of the (\S+) response of (\S+ .+) holds a real-looking (.+) \((.*)\)$/s,
    (m) =>
      `${m[3]} の ${m[2]} 応答の ${m[1]} に本物らしい${SECRET_KINDS[m[4]!] ?? m[4]}(${m[5]})が含まれています`,
  ],
  [
    /^(\w+) of (.+) holds a real-looking (.+) \((.*)\)$/s,
    (m) => {
      const where = place(m[2]!);
      return (
        where && `${where}の ${m[1]} に本物らしい${SECRET_KINDS[m[3]!] ?? m[3]}(${m[4]})が含まれています`
      );
    },
  ],
  // ---- traffic over inventory endpoints (checks/traffic.ts) ----
  [
    /^(\S+ \S+) returns (.+) to calls without credentials \((.*) e\.g\. (.*)\)$/s,
    (m) => `${m[1]} は認証情報のない呼び出しに ${m[2]} を返しています(${m[3]}、例: ${m[4]})`,
  ],
  [
    /^(\S+ \S+) is (shadow|zombie|deprecated|rogue|orphan) \((.*)\)(?: and carries (.+))?$/s,
    (m) => `${m[1]} は${TAGS[m[2]!]}です(${m[3]})${m[4] !== undefined ? `。${m[4]} を扱っています` : ''}`,
  ],
  [
    /^(\S+ \S+) answered (\d+) call\(s\) without credentials while other calls used (.+)$/s,
    (m) => `${m[1]} は認証情報のない呼び出し ${m[2]} 件に応答しました(他の呼び出しは ${m[3]} を使用)`,
  ],
  [
    /^(\S+ \S+) carries (.+) in the query string \((.*)\)$/s,
    (m) => `${m[1]} はクエリ文字列で ${m[2]} を受け取っています(${m[3]})`,
  ],
  [
    /^(\S+ \S+) receives (\S+) credentials in query parameter (`[^`]*`)$/s,
    (m) => `${m[1]} はクエリパラメーター ${m[3]} で ${m[2]} の認証情報を受け取っています`,
  ],
  [
    /^(\S+ \S+) was called (\d+) time\(s\) over plain http$/,
    (m) => `${m[1]} は平文の http で ${m[2]} 回呼び出されました`,
  ],
  [
    /^(\S+ \S+) returned a (\S+) in (\d+) response\(s\)$/,
    (m) => `${m[1]} が ${m[3]} 件の応答で${LEAKS[m[2]!] ?? m[2]}を返しました`,
  ],
  [/^(\S+ \S+) announces (.+)$/s, (m) => `${m[1]} が ${m[2]} を開示しています`],
  [
    /^(\S+ \S+) is called from browsers \((\d+) call\(s\)\) but its responses (do not always carry|lack) (.+)$/s,
    (m) =>
      `${m[1]} はブラウザーから呼び出されています(${m[2]} 件)が、応答に ${m[4]} が${m[3] === 'lack' ? 'ありません' : '常に付いているわけではありません'}`,
  ],
  [
    /^(\S+ \S+) allows origin (.+) with credentials$/s,
    (m) => `${m[1]} は資格情報付きでオリジン ${m[2]} を許可しています`,
  ],
  [
    /^(\S+ \S+) accepted (\d+) call\(s\) with a JWT signed alg (\S+)$/,
    (m) => `${m[1]} は alg ${m[3]} で署名された JWT を持つ呼び出しを ${m[2]} 件受け付けました`,
  ],
  [
    /^(\S+ \S+) received (\d+) call\(s\) with (\S+) credentials$/,
    (m) => `${m[1]} は ${m[3]} の認証情報を持つ呼び出しを ${m[2]} 件受けました`,
  ],
  [
    /^(\S+ \S+) changed state for (\d+) call\(s\) without credentials$/,
    (m) => `${m[1]} は認証情報のない ${m[2]} 件の呼び出しで状態を変更しました`,
  ],
  [
    /^(\S+ \S+) returns sensitive data without Cache-Control: no-store(?: \(saw (.*)\))?$/s,
    (m) =>
      `${m[1]} は Cache-Control: no-store なしで機密データを返しています${m[2] !== undefined ? `(観測値: ${m[2]})` : ''}`,
  ],
  [
    /^(\S+ \S+) (\S+) responses carry field\(s\) the spec does not declare: (.+)$/s,
    (m) => `${m[1]} の ${m[2]} 応答に、仕様書に宣言されていないフィールドが含まれています: ${m[3]}`,
  ],
  // ---- security diff (diff.ts) ----
  [/^(\S+ .+) no longer requires authentication$/s, (m) => `${m[1]} は認証を要求しなくなりました`],
  [
    /^(\S+ .+) now returns (\S+) \((\S+) data\)$/s,
    (m) => `${m[1]} が ${m[2]}(${hint(m[3]!)}のデータ)を返すようになりました`,
  ],
  [
    /^(\S+ \S+): (\S+) (.+)$/s,
    (m) =>
      `${m[1]}: ${m[2]} の制約が緩められました(${m[3]!
        .split('; ')
        .map((w) => rewrite(w, WIDENINGS) ?? w)
        .join('、')})`,
  ],
];

/** The Japanese form of one checker message, or undefined when its shape is unknown. */
export function jaMessage(message: string): string | undefined {
  return rewrite(message, REWRITES);
}

/**
 * Copies of the findings for a report or an API answer in `lang`: in Japanese, an audit rule's title and
 * remediation from its Japanese text, and each description in Japanese (the rule's own Japanese
 * description when the message shape is unknown). English returns the findings as they are.
 */
export function localiseFindings(findings: readonly Finding[], lang: 'en' | 'ja'): Finding[] {
  if (lang === 'en') return [...findings];
  return findings.map((f) => {
    const text = JA[f.rule ?? f.test ?? ''];
    const description =
      f.description === undefined ? undefined : (jaMessage(f.description) ?? text?.description);
    if (!text && description === undefined) return f;
    return {
      ...f,
      ...(text ? { title: text.title, remediation: text.remediation } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  });
}
