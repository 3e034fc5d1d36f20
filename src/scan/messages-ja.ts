// Japanese text of every scanner test (name, what it sends, how it decides, remediation), written as a
// Japanese penetration tester writes a test catalogue: names say what was found, 送信内容 and 判定 in
// plain form, remediations as requests (〜してください). Payloads, regexes, header names, field names and
// figures are taken from the English test's options where they are data, so they stay exactly as sent.
// The catalogue test fails for a test without all four texts, or with a run of English words left in one.

import type { Finding } from '../model/index.js';
import { CATALOGUE } from './tests/index.js';
import type { ScanTest } from './types.js';

export interface ScanTestJa {
  name: string;
  sends: string;
  decides: string;
  remediation: string;
}

type Entry = ScanTestJa | ((test: ScanTest) => ScanTestJa);

const opt = (t: ScanTest, key: string): string => {
  const v = t.options[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
};

const BOLA_FIX =
  'オブジェクトへのアクセスのたびに、そのオブジェクトが呼び出し元の所有物(または共有されたもの)であることをサーバー側でセッションに基づいて確認してください。クライアントが送る ID を根拠にしてはいけません。';

const JWT_FIX =
  'すべての JWT を、固定した許可アルゴリズムの一覧とサーバー側で管理する鍵(トークンのヘッダーから取得しない)で検証し、exp/nbf/iss/aud を確認してください。署名のないトークンは拒否してください。';
const JWT_DECIDES =
  '偽造トークンで、不正なトークンには 401/403 を返す保護された操作から、その利用者本人と同じ 2xx 応答が返る';

const api1: Record<string, Entry> = {
  'MAM-SCAN-API1-001': {
    name: '他の利用者が所有するオブジェクトを読み取れる',
    sends:
      '利用者 A が所有するオブジェクト(A の一覧から学習、または A が作成)の個別取得操作への GET を、利用者 B として送信',
    decides:
      'B に 2xx で A のオブジェクト(A が見るものと同じ ID とフィールド)が返り、存在しない ID には B に 2xx 以外が返る',
    remediation: BOLA_FIX,
  },
  'MAM-SCAN-API1-002': {
    name: '他の利用者が所有するオブジェクトを変更できる',
    sends: 'A がオブジェクトを作成し、B が一つのフィールドにマーカーを入れた PATCH/PUT を送信',
    decides: 'A が読み直すと B のマーカーが入っている',
    remediation: BOLA_FIX,
  },
  'MAM-SCAN-API1-003': {
    name: '他の利用者が所有するオブジェクトを削除できる',
    sends: 'A がオブジェクトを作成し、B がそれに DELETE を送信',
    decides: 'A は事前に読み取れ(2xx)、B の DELETE の後には 404/410 になる',
    remediation: BOLA_FIX,
  },
  'MAM-SCAN-API1-004': {
    name: '連番のオブジェクト ID を他の利用者が列挙できる',
    sends: 'A のオブジェクトの前後 8 個の整数 ID への GET を B として送信(B 自身の ID は除く)',
    decides: 'B が所有しない ID のうち二つ以上が 2xx を返す',
    remediation: `${BOLA_FIX}多層防御として、推測できないランダムな ID(UUIDv4)の採用も推奨します。`,
  },
  'MAM-SCAN-API1-005': {
    name: '他の利用者の名義でオブジェクトを作成できる',
    sends:
      '所有者を表すボディのフィールド(userId、UserId、ownerId、authorId、author、owner など)を持つ作成操作を利用者 A として 2 回送信: 1 回目は A 自身の ID/メールアドレス(プロフィールまたはトークンのクレームから)、2 回目は B のもの',
    decides: '両方とも作成され、2 回目の応答に B の値(1 回目は A の値)が保存されている',
    remediation:
      '新しいオブジェクトの所有者は認証済みの呼び出し元から決め、リクエストボディの値は使わないでください。',
  },
};

const jwt = (name: string, sends: string): ScanTestJa => ({
  name,
  sends,
  decides: JWT_DECIDES,
  remediation: JWT_FIX,
});

const api2: Record<string, Entry> = {
  'MAM-SCAN-API2-001': {
    name: '保護された操作が認証情報なしで応答する',
    sends: '保護された各 GET 操作を、認証情報を一切付けずに送信',
    decides: '利用者本人と同じボディが 2xx で返り、仕様はその操作に security を宣言している',
    remediation:
      '仕様で保護と定めたすべての操作に対し、認証を一か所(ミドルウェアやゲートウェイ)で強制し、既定で拒否してください。',
  },
  'MAM-SCAN-API2-002': {
    name: 'ランダムなベアラートークンが受け入れられる',
    sends: '保護された各 GET 操作に Authorization: Bearer <ランダムな文字列> を付けて送信',
    decides: '利用者本人と同じ応答が 2xx で返る。サーバーはヘッダーの有無だけを見て、中身を検証していない',
    remediation: 'ヘッダーの有無だけでなく、認証情報そのもの(署名、有効期限、失効)を検証してください。',
  },
  'MAM-SCAN-API2-003': {
    name: '空のベアラートークンが受け入れられる',
    sends: '保護された各 GET 操作に Authorization: "Bearer "(トークンなし)を付けて送信',
    decides: '利用者本人と同じ応答が 2xx で返る',
    remediation: '空または不正な形式の Authorization ヘッダーは 401 で拒否してください。',
  },
  'MAM-SCAN-API2-004': {
    name: '異なる認証スキームが受け入れられる',
    sends: '保護された各 GET 操作に Authorization: Basic <ランダムな user:password> を付けて送信',
    decides: '利用者本人と同じ応答が 2xx で返る',
    remediation:
      '宣言したスキームだけを受け付けてその認証情報を検証し、未知のスキームには 401 を返してください。',
  },
  'MAM-SCAN-API2-005': jwt(
    'alg "none" の JWT が受け入れられる',
    '利用者の JWT を alg "none"、署名なしで再エンコードしたもの',
  ),
  'MAM-SCAN-API2-006': jwt(
    'alg "None" の JWT が受け入れられる',
    'alg "None"(完全一致の拒否リストをすり抜ける大文字小文字の変種)',
  ),
  'MAM-SCAN-API2-007': jwt('alg "NONE" の JWT が受け入れられる', 'alg "NONE"(すべて大文字)'),
  'MAM-SCAN-API2-008': jwt('alg "nOnE" の JWT が受け入れられる', 'alg "nOnE"(大文字小文字の混在)'),
  'MAM-SCAN-API2-009': jwt('署名を取り除いた JWT が受け入れられる', '利用者の JWT の署名部分を空にしたもの'),
  'MAM-SCAN-API2-010': jwt(
    'クレームを改ざんし元の署名のままの JWT が受け入れられる',
    'クレームを変更し、元のヘッダーと署名をそのまま残したもの(署名が検証されていない)',
  ),
  'MAM-SCAN-API2-011': {
    name: 'JWT が推測可能な弱い HMAC シークレットで署名されている',
    sends:
      '解析のための送信はなし(利用者のトークンの HMAC を単語リストとオフラインで照合)。復元したシークレットで署名したトークンで確認のリクエストを 1 回送信',
    decides: '再計算した HMAC がトークンの署名と一致する',
    remediation:
      'シークレットストアで管理する 256 ビット以上のランダムなシークレット(または非対称鍵)で署名し、漏えいしたシークレットはローテーションしてください。',
  },
  'MAM-SCAN-API2-012': jwt(
    '有効期限切れの JWT が受け入れられる',
    'exp を 1 時間前にし、MAM-SCAN-API2-011 で復元したシークレットで署名したトークン',
  ),
  'MAM-SCAN-API2-013': jwt(
    'JWT の kid のパストラバーサルで空の鍵が使われる',
    'ヘッダーの kid を "../../../../dev/null" にし、空の鍵で HMAC 署名したトークン',
  ),
  'MAM-SCAN-API2-014': jwt(
    'JWT の kid への SQL インジェクションで鍵を指定できる',
    `ヘッダーの kid を "x' UNION SELECT '<key>' -- " にし、<key> で HMAC 署名したトークン`,
  ),
  'MAM-SCAN-API2-015': jwt(
    'JWT の jku ヘッダーが信頼される(トークン内の URL から鍵を取得)',
    'jku がスキャナー自身の JWKS を返すループバックのリスナーを指す RS256 トークン',
  ),
  'MAM-SCAN-API2-016': jwt(
    'JWT に埋め込まれた jwk ヘッダーが信頼される',
    'jwk ヘッダーにスキャナー自身の公開鍵を入れた RS256 トークン(CVE-2018-0114 と同種)',
  ),
  'MAM-SCAN-API2-020': jwt(
    'JWT の鍵の取り違え: サーバーの公開鍵で署名した HS256 トークンが受け入れられる',
    '利用者のクレームを持ち、対象が公開している公開鍵(/.well-known/jwks.json などの JWKS、一覧表示されたフォルダーの PEM ファイル)を HMAC シークレットとして署名した HS256 トークン。鍵の表現形式ごとに 1 回ずつ試行',
  ),
  'MAM-SCAN-API2-017': {
    name: 'ログインの応答の違いから利用者を列挙できる',
    sends: '既知のアカウントと誤ったパスワード、および未知のアカウント二つでログインを送信',
    decides:
      '未知の二つのアカウントには同一の応答が返り、既知のアカウントにはステータスまたはメッセージの異なる応答が返る',
    remediation:
      '失敗したログインにはすべて同じ応答(同じステータス、ボディ、応答時間)で「認証情報が正しくありません」と返してください。',
  },
  'MAM-SCAN-API2-018': {
    name: 'パスワードリセットの応答から利用者を列挙できる',
    sends: '既知のアカウントと未知のアカウント二つについてパスワードリセットを要求',
    decides: '未知のアカウントには同一の応答が返り、既知のアカウントだけ異なる',
    remediation:
      '常に同じステータスで「アカウントが存在する場合はメッセージを送信しました」と応答してください。',
  },
  'MAM-SCAN-API2-019': {
    name: 'アカウントがよく使われるパスワードを使っている',
    sends:
      'スキャンが把握しているアカウント(設定された利用者、応答に現れたメールアドレス。管理者を優先)のうち最大 5 件について、誤ったパスワードで 1 回ログインした後、よく使われるパスワード上位 10 件でログイン',
    decides: '誤ったパスワードが拒否される一方で、よく使われるパスワードでログインできる(トークン付きの 2xx)',
    remediation:
      '登録時と変更時に漏えいパスワードの一覧にあるパスワードを拒否し(NIST SP 800-63B 5.1.1.2)、初期設定の認証情報は変更を強制し、ログインを制限してください。',
  },
};

const MASS_FIX =
  'リクエストボディは、クライアントが書き込めるフィールドを明示した許可リスト(DTO、または additionalProperties: false の JSON Schema)に割り当て、ロール、フラグ、残高はサーバー側のコードでのみ設定してください。';

const mass =
  (what: string): Entry =>
  (t) => {
    const field = opt(t, 'field');
    const value = JSON.stringify(t.options['value']);
    return {
      name: `${what}の一括代入(${field})`,
      sends: `プロフィール/本人情報の更新(パスパラメーターのない PATCH/PUT)に ${JSON.stringify({ [field]: t.options['value'] })} を追加して送信`,
      decides: `更新前は ${field} が異なり、更新が 2xx で、読み直すと ${field}=${value} になっている`,
      remediation: MASS_FIX,
    };
  };

const EXPOSURE_FIX =
  '応答は明示した出力スキーマを通してシリアライズし、クライアントが必要としないシークレットや機微情報のレコード全体を返さないでください。';
const READ_ALL = '読み取り可能な各 GET 操作を、それぞれの一般利用者として送信';

const sensitive =
  (name: string): Entry =>
  (t) => ({
    name,
    sends: READ_ALL,
    decides: `名前が /${opt(t, 'keys')}/i に一致する応答のフィールドに、マスクされていない実際の値が入っている`,
    remediation: EXPOSURE_FIX,
  });

const THROTTLED = '30 回すべてが通常どおり応答し、429/503 も Retry-After もない';

const api345: Record<string, Entry> = {
  'MAM-SCAN-API3-001': mass('ロール'),
  'MAM-SCAN-API3-002': mass('管理者フラグ'),
  'MAM-SCAN-API3-003': mass('管理者フラグ'),
  'MAM-SCAN-API3-004': mass('管理者フラグ'),
  'MAM-SCAN-API3-005': mass('ロールの一覧'),
  'MAM-SCAN-API3-006': mass('権限の一覧'),
  'MAM-SCAN-API3-007': mass('確認済みフラグ'),
  'MAM-SCAN-API3-008': mass('契約プラン'),
  'MAM-SCAN-API3-009': mass('アカウント残高'),
  'MAM-SCAN-API3-010': mass('ロックフラグ'),
  'MAM-SCAN-API3-011': sensitive('応答にパスワードまたはパスワードハッシュが含まれる'),
  'MAM-SCAN-API3-012': sensitive('応答に API キー、シークレット、トークンが含まれる'),
  'MAM-SCAN-API3-013': sensitive('応答にクレジットカード番号全体が含まれる'),
  'MAM-SCAN-API3-014': sensitive('応答に米国社会保障番号が含まれる'),
  'MAM-SCAN-API3-015': sensitive('応答に MFA / OTP のシードが含まれる'),
  'MAM-SCAN-API3-016': sensitive('応答にパスワードのソルトまたはリセット用トークンが含まれる'),
  'MAM-SCAN-API3-017': {
    name: '応答にスキーマで宣言されていないプロパティが含まれる',
    sends: READ_ALL,
    decides: '2xx のボディの JSON オブジェクトに、宣言された応答スキーマの properties にないキーがある',
    remediation:
      '宣言したスキーマを通してシリアライズし(未知のプロパティは落とす)、内部のフィールドが誤って漏れないようにしてください。',
  },
  'MAM-SCAN-API3-018': {
    name: 'オブジェクト作成時(利用者登録)にロールを一括代入できる',
    sends:
      '各作成操作(パスパラメーターのない POST。ログインを除く)を、サンプルのボディで 1 回、"role": "admin" を追加して 1 回送信',
    decides:
      '通常の作成では role=admin にならないが、追加した作成では作成されたオブジェクトが role=admin になる',
    remediation: MASS_FIX,
  },
  'MAM-SCAN-API4-001': {
    name: 'ログイン失敗が制限されていない',
    sends: '誤ったパスワードでのログインを連続 30 回(--rate の範囲内の限られたバースト)',
    decides: THROTTLED,
    remediation:
      'ログインの失敗をアカウント単位とクライアント単位で制限し(429 + Retry-After)、ロックアウトや CAPTCHA へ段階的に切り替えてください。',
  },
  'MAM-SCAN-API4-002': {
    name: 'パスワードリセット / OTP の要求が制限されていない',
    sends: 'パスワードリセット / OTP の要求を連続 30 回',
    decides: THROTTLED,
    remediation:
      'リセットと OTP のフローはメールや SMS を送信し総当たりの対象にもなるため、アカウント単位とクライアント単位で流量を制限してください。',
  },
  'MAM-SCAN-API4-003': {
    name: '負荷の高い操作が制限されていない',
    sends: '検索/レポート/エクスポートの操作(または x-expensive の付いた操作)を連続 30 回呼び出し',
    decides: '30 回すべてが応答し、429/503 も Retry-After もない',
    remediation: '負荷の高い操作にはクライアント単位のクォータを適用してください(429 + Retry-After)。',
  },
  'MAM-SCAN-API4-004': {
    name: 'ページサイズに上限がない',
    sends: '一覧操作のページサイズのパラメーターを宣言された最大値で、次に 100000 で送信',
    decides: '巨大なページが宣言された最大値(および対照リクエスト)より多くの件数を返す',
    remediation: '文書化した最大値を超えるページサイズは、サーバー側で丸めるか拒否してください。',
  },
  'MAM-SCAN-API4-005': {
    name: '負のページサイズで全件が返る',
    sends:
      '一覧操作のページサイズのパラメーターを -1 で送信(SQLite/MySQL の "LIMIT -1" は上限なしを意味する)',
    decides: '宣言された最大値より多くの件数が返る',
    remediation: 'ページサイズはクエリに渡す前に、範囲内の正の整数であることを検証してください。',
  },
  'MAM-SCAN-API4-006': {
    name: 'JSON ボディの巨大な文字列が受け入れられる',
    sends: '文字列フィールドの一つを 1.2 MB にした作成/更新のボディ',
    decides: '通常のボディと同様に 2xx になる(413/400 にならない)',
    remediation:
      'リクエストボディのサイズをエッジで制限し、スキーマ検証でフィールドごとの maxLength を強制してください。',
  },
  'MAM-SCAN-API4-007': {
    name: 'JSON ボディの巨大な配列が受け入れられる',
    sends: '配列フィールドの一つを 300000 要素にした作成/更新のボディ',
    decides: '2xx になる(413/400 にならない)',
    remediation: 'maxItems を宣言して強制し、ボディのサイズに上限を設けてください。',
  },
  'MAM-SCAN-API4-008': {
    name: 'リクエストでサーバーがクラッシュする',
    sends:
      '独自の送信はなし。スキャンのすべてのリクエストを監視し、接続のリセットや拒否の後は対象のルートを 200 ms ごとに(最大 30 秒)確認',
    decides:
      'リクエストの接続が失われ、かつその後に対象が接続を拒否した(停止した)。対象が応答し続けている間の単発のリセットは検出事項ではなくエラーとして記録する',
    remediation:
      'リクエスト単位でエラーを捕捉し(捕捉されない例外や未処理の Promise の拒否でプロセスを終了させない)、パーサー、評価処理、メモリ確保の前に入力を検証し、サービスはスーパーバイザーの下で実行してください。',
  },
  'MAM-SCAN-API5-001': {
    name: '一般利用者が管理者用の操作を読み取れる',
    sends:
      '管理者用の各 GET 操作(admin のパス/タグ/スコープ、または x-admin)を、一般利用者として、および認証情報なしで送信',
    decides: '認証情報なしでは 401/403、一般利用者では 2xx になる',
    remediation:
      '管理者用のすべての操作で、呼び出し元のロールをサーバー側で確認してください(ルートのグループ単位で既定は拒否)。',
  },
  'MAM-SCAN-API5-002': {
    name: '一般利用者が管理者用の書き込み操作を呼び出せる',
    sends: '管理者用の各 POST/PUT/PATCH 操作を、サンプルのボディで一般利用者として送信',
    decides: '認証情報なしでは 401/403、一般利用者では 2xx になる',
    remediation: '管理者用のすべての操作で、呼び出し元のロールをサーバー側で確認してください。',
  },
  'MAM-SCAN-API5-003': {
    name: '詐称したクライアントアドレスで管理者用の操作が開放される',
    sends:
      '管理者用の各 GET 操作を一般利用者として、X-Forwarded-For / X-Real-IP: 127.0.0.1 を付けた場合と付けない場合で送信',
    decides: 'ヘッダーなしでは 401/403、ヘッダー付きでは 2xx になる',
    remediation:
      'リクエストヘッダーのクライアントアドレスで認可しないでください。X-Forwarded-For は信頼するプロキシからのものだけを採用してください。',
  },
  'MAM-SCAN-API5-004': {
    name: '宣言されていない書き込みメソッドでオブジェクトを変更できる',
    sends: '仕様で読み取り専用(GET のみ)とされた個別リソースのパスに、マーカーを入れた PATCH を送信',
    decides: 'PATCH が 2xx になり、読み直すとマーカーが入っている',
    remediation: '宣言したメソッドだけをルーティングし、それ以外には 405 を返してください。',
  },
  'MAM-SCAN-API5-005': {
    name: 'X-HTTP-Method-Override で GET が DELETE に変わる',
    sends: 'このスキャンで作成したオブジェクトに X-HTTP-Method-Override: DELETE を付けた GET を送信',
    decides: '送信後にオブジェクトが消えている(404/410)',
    remediation:
      'メソッド上書きのミドルウェアを無効にするか、POST に限って許可し、上書き後のメソッドで認可をやり直してください。',
  },
  'MAM-SCAN-API5-006': {
    name: 'X-Method-Override で GET が DELETE に変わる',
    sends: 'このスキャンで作成したオブジェクトに X-Method-Override: DELETE を付けた GET を送信',
    decides: '送信後にオブジェクトが消えている(404/410)',
    remediation:
      'メソッド上書きのミドルウェアを無効にするか、POST に限定したうえで認可をやり直してください。',
  },
  'MAM-SCAN-API6-001': {
    name: 'CAPTCHA の答えが問題と一緒に開示されている',
    sends:
      '/captcha 操作への GET の後、CAPTCHA で保護された操作(問題の ID と "captcha" に似た名前のボディのフィールドを持つ)を、誤った答えで、次に問題の応答に含まれていた答えで送信',
    decides: '誤った答えは拒否される一方で、開示された答えは受け入れられる(2xx)',
    remediation:
      '答えはサーバー側に保持し(クライアントに渡すのは問題の ID と画像/パズルだけ)、または実績のある CAPTCHA サービスを利用してください。',
  },
  'MAM-SCAN-API6-002': {
    name: 'CAPTCHA の解答を繰り返し使える',
    sends: 'CAPTCHA で保護された操作を、解いた同じ問題 1 つで連続 10 回送信',
    decides: '誤った答えは拒否される一方で、10 回すべてが受け入れられる',
    remediation:
      'CAPTCHA の問題は最初の使用時(成否を問わず)に無効にし、未使用のものも短時間で失効させてください。保護されたフローの流量制限も併用してください。',
  },
};

const SSRF_FIX =
  '取得先は許可したホストとスキームに限り、名前を解決した後(リダイレクトのたびにも)プライベート、ループバック、リンクローカル、メタデータのアドレスを拒否し、リダイレクトは無効にしてください。';
const URL_PARAM = 'URL を受け取るパラメーター(url、callback、webhook、image など、または format: uri)';

const callback =
  (what: string): Entry =>
  () => ({
    name: `ループバックへのサーバーサイドリクエストフォージェリ(${what})`,
    sends: `${URL_PARAM}に、${what} の表記でスキャナーのループバックのリスナーを設定`,
    decides: 'このペイロード固有のトークンを含むリクエストがスキャナーのリスナーに届く',
    remediation: SSRF_FIX,
  });

const internal =
  (what: string): Entry =>
  (t) => ({
    name: `サーバーサイドリクエストフォージェリで${what}を読み取れる`,
    sends: `URL を受け取るパラメーターに ${opt(t, 'payload')} を設定(対象にだけ送信し、スキャナー自身はそこへ接続しない)`,
    decides: `応答に /${opt(t, 'marker')}/ が含まれ、通常の値の応答には含まれない`,
    remediation: SSRF_FIX,
  });

const api78: Record<string, Entry> = {
  'MAM-SCAN-API7-001': callback('http://127.0.0.1'),
  'MAM-SCAN-API7-002': callback('http://localhost'),
  'MAM-SCAN-API7-003': callback('10 進表記の IPv4(2130706433)'),
  'MAM-SCAN-API7-004': callback('16 進表記の IPv4(0x7f000001)'),
  'MAM-SCAN-API7-005': callback('省略表記の IPv4(127.1)'),
  'MAM-SCAN-API7-006': callback('userinfo を前置した表記(trusted.example@127.0.0.1)'),
  'MAM-SCAN-API7-007': internal('AWS インスタンスの認証情報'),
  'MAM-SCAN-API7-008': internal('GCP メタデータのトークン'),
  'MAM-SCAN-API7-009': internal('Azure インスタンスのメタデータ'),
  'MAM-SCAN-API7-010': internal('Alibaba Cloud のメタデータ'),
  'MAM-SCAN-API7-011': internal('file:// 経由でローカルファイル'),
  'MAM-SCAN-API8-001': {
    name: 'CORS が任意のオリジンを資格情報付きで許可する',
    sends: '保護された GET に Origin: https://mamori-evil.example を付けて送信',
    decides: 'Access-Control-Allow-Origin がそのオリジンを返し、Access-Control-Allow-Credentials が true',
    remediation:
      '許可するオリジンは完全一致の一覧で指定し、資格情報を許可する場合は Origin ヘッダーをそのまま返さないでください。',
  },
  'MAM-SCAN-API8-002': {
    name: 'CORS が "null" オリジンを資格情報付きで信頼する',
    sends: '保護された GET に Origin: null(サンドボックス化された iframe、file: のページ)を付けて送信',
    decides: 'Access-Control-Allow-Origin: null かつ資格情報が true',
    remediation: '"null" オリジンを許可リストに入れないでください。',
  },
  'MAM-SCAN-API8-003': {
    name: 'CORS が API のホスト名で始まる攻撃者のドメインを信頼する',
    sends: '保護された GET に Origin: https://<api-host>.mamori-evil.example を付けて送信',
    decides: 'そのオリジンが資格情報付きで許可される(前方一致/部分一致による照合)',
    remediation:
      'オリジンは許可リストと完全に(スキーム、ホスト、ポート)比較し、正規表現の前方一致や後方一致を使わないでください。',
  },
  'MAM-SCAN-API8-004': {
    name: '不正な JSON への応答にスタックトレースが含まれる',
    sends: 'ボディを持つ各操作に、途中で切れた JSON 文書を送信',
    decides: '応答にスタックトレース(Node、Python、Java、.NET、PHP、Go の形式)が含まれる',
    remediation:
      'エラーのボディは汎用的なもの(RFC 9457 の problem+json)にし、詳細はサーバー側のログにだけ記録してください。',
  },
  'MAM-SCAN-API8-005': {
    name: '不正なパスパラメーターへの応答にスタックトレースが含まれる',
    sends:
      '整数のパスパラメーターを持つ各 GET で、その値を不正なパーセントエンコーディング(%ff%fe)にして送信',
    decides: '応答にスタックトレースが含まれる',
    remediation: 'デコードと検証のエラーを捕捉し、汎用的なメッセージで 400 を返してください。',
  },
  'MAM-SCAN-API8-006': {
    name: 'ヘッダーでサーバーソフトウェアのバージョンが開示されている',
    sends: '通常の GET',
    decides: 'Server / X-Powered-By / X-AspNet-Version に正確なバージョン番号が含まれる',
    remediation: 'Server と X-Powered-By ヘッダーからバージョンの詳細を取り除いてください。',
  },
  'MAM-SCAN-API8-007': {
    name: 'HTTP TRACE が有効',
    sends: 'マーカーのヘッダーを付けた TRACE',
    decides: 'ボディがマーカーのヘッダーをそのまま返す',
    remediation: 'TRACE を無効にしてください(405 を返す)。',
  },
  'MAM-SCAN-API8-008': {
    name: 'X-Content-Type-Options: nosniff がない',
    sends: '通常の GET',
    decides: '応答に X-Content-Type-Options: nosniff がない',
    remediation: 'すべての応答で X-Content-Type-Options: nosniff を送ってください。',
  },
  'MAM-SCAN-API8-009': {
    name: '認証済みの応答がキャッシュ可能(Cache-Control: no-store がない)',
    sends: '認証済みの通常の GET',
    decides: 'Cache-Control に no-store/private がない',
    remediation: '利用者のデータを含む応答では Cache-Control: no-store を送ってください。',
  },
  'MAM-SCAN-API8-010': {
    name: 'API が平文の http で提供されている',
    sends: 'ループバック以外の http:// の対象への通常の GET',
    decides: 'https へリダイレクトせずに応答する',
    remediation: 'TLS でのみ提供し、http はリダイレクトまたは拒否し、HSTS を送ってください。',
  },
  'MAM-SCAN-API8-011': {
    name: 'オープンリダイレクト',
    sends:
      'GET 操作のリダイレクト先を表すクエリパラメーター(to、next、redirect_uri、return など)を https://mamori-redirect.example/<marker> に設定(予約された名前で、接続はしない)',
    decides:
      '文書化された値ではリダイレクトし(対照)、外部の値では mamori-redirect.example を指す Location 付きの 3xx が返る。リダイレクトは追跡しない',
    remediation:
      'リダイレクト先は相対パスか、URL を解析したうえで完全一致で比較したオリジンの許可リストに限ってください。',
  },
  'MAM-SCAN-API8-012': {
    name: 'リダイレクトの許可リストを回避できる',
    sends:
      '外部の URL がそのままでは拒否される場合に、文書化された(許可された)URL を外部の URL のクエリ、フラグメント、サブドメイン、userinfo に埋め込んで送信',
    decides:
      '外部の URL がそのままでは拒否された一方で、いずれかが mamori-redirect.example を指す Location 付きの 3xx を返す',
    remediation:
      'URL を解析してオリジン(スキーム、ホスト、ポート)を許可リストと完全一致で比較し、生の文字列に対する includes/startsWith で判定しないでください。',
  },
  'MAM-SCAN-API8-013': {
    name: '宣言されていない種類のファイルのアップロードが受け入れられる',
    sends:
      '種類を宣言している各ファイルフィールド(encoding.contentType または contentMediaType)に、その種類のファイル(対照)を、次に HTML ファイルを送信',
    decides: 'どちらのアップロードも 2xx になる',
    remediation:
      'アップロードの種類はサーバー側で確認し(拡張子の許可リストと内容の判定)、Web ルートの外に保存して Content-Disposition: attachment で提供してください。',
  },
  'MAM-SCAN-API8-014': {
    name: 'JSONP のコールバックで任意のサイトに JSON を提供している',
    sends:
      'JSON を返すパラメーターのない各 GET に、callback=、jsonp=、cb= のいずれかでマーカーの関数名を付けて再送信',
    decides: '通常の応答は JSON だが、マーカーの関数の呼び出し(JSONP)に変わる',
    remediation:
      'JSONP の対応を廃止し、オリジンをまたぐデータ共有は許可リスト付きの CORS だけで行ってください。',
  },
};

const EXPOSED_FIX =
  'デバッグ用、管理用、設定用のエンドポイントは本番のビルドから取り除くか、内部ネットワーク上で認証の背後に置き、インベントリは仕様に記載してください。';

const exposed =
  (name: string): Entry =>
  (t) => ({
    name,
    sends: `オリジンのルートと API のベースパスの下で、認証情報なしで GET ${(t.options['paths'] as string[]).join(', ')}`,
    decides: `2xx でボディが /${opt(t, 'marker')}/ に一致し、ランダムなパスでは一致しない。そのパスは仕様にない`,
    remediation: EXPOSED_FIX,
  });

const api9: Record<string, Entry> = {
  'MAM-SCAN-API9-001': {
    name: '古い API バージョンがまだ応答する',
    sends: '文書化された GET 操作の /vN/ を /v(N-1)/ に置き換えたもの、および対照として /v(N+90)/',
    decides: '古いバージョンが 2xx の JSON を返し、ありえないバージョンは返さない',
    remediation: '古いバージョンは廃止する(410 Gone)か、現行と同じセキュリティで仕様に残してください。',
  },
  'MAM-SCAN-API9-002': {
    name: '内部向け / ベータ版の API バージョンが応答する',
    sends: '文書化された GET 操作の /vN/ を /internal/、/beta/、/dev/ に置き換えたもの',
    decides: 'いずれかが 2xx の JSON を返し、/v(N+90)/ は返さない',
    remediation:
      '内部向けやベータ版のルートを本番のホストに配置せず、公開するすべてのバージョンを文書化してください。',
  },
  'MAM-SCAN-API9-003': exposed('環境変数ファイルが公開されている'),
  'MAM-SCAN-API9-004': exposed('Git のメタデータが公開されている'),
  'MAM-SCAN-API9-005': exposed('Spring Boot Actuator の env が公開されている'),
  'MAM-SCAN-API9-006': exposed('Spring Boot Actuator のヒープ/スレッドダンプが公開されている'),
  'MAM-SCAN-API9-007': exposed('Go の expvar デバッグエンドポイントが公開されている'),
  'MAM-SCAN-API9-008': exposed('Go の pprof プロファイラーが公開されている'),
  'MAM-SCAN-API9-009': exposed('公開された API 定義に文書化されていない操作が載っている'),
  'MAM-SCAN-API9-010': exposed('GraphQL のイントロスペクションが有効'),
  'MAM-SCAN-API9-011': exposed('Prometheus のメトリクスが公開されている'),
  'MAM-SCAN-API9-012': exposed('Apache の server-status が公開されている'),
  'MAM-SCAN-API9-013': exposed('phpinfo のページが公開されている'),
  'MAM-SCAN-API9-014': exposed('デバッグコンソールが公開されている'),
  'MAM-SCAN-API9-015': exposed('文書化されていない管理画面が認証情報なしで応答する'),
  'MAM-SCAN-API9-016': exposed('データベースのダンプをダウンロードできる'),
  'MAM-SCAN-API9-017': exposed('クラウドの認証情報ファイルが公開されている'),
  'MAM-SCAN-API9-018': exposed('シークレットを含む設定ファイルが公開されている'),
  'MAM-SCAN-API9-019': exposed('Java の Web 配備記述子が公開されている'),
  'MAM-SCAN-API9-020': exposed('Spring Boot Actuator の HTTP トレースが公開されている'),
  'MAM-SCAN-API9-021': {
    name: 'ディレクトリの一覧が公開されている',
    sends:
      'よくあるフォルダー名(/ftp/、/backup/、/uploads/、/logs/、/keys/ など。ルートとベースパスの下)への GET の後、一覧にある各ファイル(最大 25 件)への GET',
    decides:
      '応答がそのフォルダーのファイルへのリンクを持つ一覧ページ(Apache/nginx/serve-index/IIS のタイトル)で、ランダムなフォルダーでは一覧が返らない',
    remediation:
      'ディレクトリの一覧表示を無効にし、ダウンロードは返してよいファイルを個別に指定する認可済みの API 操作で提供してください。',
  },
};

const SQL_FIX =
  'すべての値にパラメーター化クエリ/プリペアドステートメントを使い、文字列の連結で SQL を組み立てないでください。';
const WHERE: Record<string, string> = {
  query: 'クエリパラメーター',
  path: 'パスパラメーター',
  body: 'リクエストボディのフィールド(JSON、フォーム、multipart、XML)',
  header: 'ヘッダーパラメーター',
};
const where = (t: ScanTest) => WHERE[opt(t, 'location')] ?? opt(t, 'location');

const sqlErr: Entry = (t) => ({
  name: `${where(t)}の SQL インジェクション(エラーベース)`,
  sends: `${where(t)}の末尾に引用符('")を付加`,
  decides: '変更していないリクエストでは出ないデータベースのエラーメッセージが現れる',
  remediation: SQL_FIX,
});
const BOOL_DECIDES =
  '真の条件が偽の条件より多くを返し、偽の条件は通常の値と同じ応答で、真の条件を繰り返すと同一の応答になる';
const sqlBool: Entry = (t) => ({
  name: `${where(t)}の SQL インジェクション(ブール${t.options['numeric'] ? '、数値' : ''})`,
  sends: t.options['numeric']
    ? `${where(t)}を "N OR 1=1" と "N AND 1=2" にして送信`
    : `${where(t)}を "v' OR '1'='1" と "v' AND '1'='2" にして送信`,
  decides: BOOL_DECIDES,
  remediation: SQL_FIX,
});

const CMD_FIX =
  '入力をシェルに渡さないでください。プログラムは引数の配列で呼び出し(execFile)、値は許可リストで制限してください。';
const cmd =
  (what: string): Entry =>
  (t) => ({
    name: `OS コマンドインジェクション(${what})`,
    sends: `クエリパラメーターを ${opt(t, 'payload').replace('{v}', 'v').replace('{cmd}', 'expr A + B')} にして送信`,
    decides: '応答に和 A+B(ペイロードにも基準の応答にも含まれない値)が含まれる',
    remediation: CMD_FIX,
  });

const TRAV_FIX =
  'パスを解決したうえで許可したディレクトリの配下にとどまることを確認する(realpath と前方一致の確認)か、ID をファイルに対応付けてください。';
const trav =
  (what: string): Entry =>
  (t) => ({
    name: `パストラバーサル(${what})`,
    sends: `ファイルを表すクエリパラメーター(file、path、name、template など)を ${opt(t, 'payload')} にして送信`,
    decides: '応答に /etc/passwd の先頭行(root:x:0:0:)が含まれ、サンプル値の応答には含まれない',
    remediation: TRAV_FIX,
  });

const TPL_FIX =
  '利用者の入力をテンプレートとしてコンパイルせず、固定したテンプレートにデータとして渡してください(サンドボックス化したエンジン、自動エスケープ)。';
const tpl =
  (engine: string): Entry =>
  (t) => ({
    name: `サーバーサイドテンプレートインジェクション(${engine})`,
    sends: `クエリパラメーターを ${opt(t, 'payload').replace('{a}', 'A').replace('{b}', 'B')} にして送信(A と B はランダムな 4 桁の数)`,
    decides: '応答に、テンプレートエンジンにしか計算できない積 A×B が含まれる',
    remediation: TPL_FIX,
  });

const XSS_FIX =
  'JSON は application/json として X-Content-Type-Options: nosniff を付けて返し、反射する値はすべて HTML エンコードしてください。';
const xss =
  (what: string): Entry =>
  (t) => ({
    name: `HTML として返される反射型 XSS(${what})`,
    sends: `${where(t)}を ${opt(t, 'payload').replace('{m}', '<marker>')} にして送信`,
    decides: 'マークアップがエスケープされずに text/html の応答で返る',
    remediation: XSS_FIX,
  });

const JS_FIX =
  '$where / eval のコードを入力から組み立てず、型の決まった値でクエリ演算子を使い、データベースのサーバーサイド JavaScript を無効にしてください。';

const injection: Record<string, Entry> = {
  'MAM-SCAN-INJ-001': sqlErr,
  'MAM-SCAN-INJ-002': sqlErr,
  'MAM-SCAN-INJ-003': sqlErr,
  'MAM-SCAN-INJ-004': sqlErr,
  'MAM-SCAN-INJ-005': sqlBool,
  'MAM-SCAN-INJ-006': sqlBool,
  'MAM-SCAN-INJ-007': sqlBool,
  'MAM-SCAN-INJ-008': sqlBool,
  'MAM-SCAN-INJ-009': {
    name: 'SQL インジェクション(時間ベース、PostgreSQL の pg_sleep)',
    sends: `クエリパラメーターを v'||(SELECT pg_sleep(S))||' にして S = 0、1.5、3 で送信`,
    decides: '遅延が S に従う(遅延 0 の対照より 0.9·S 秒以上の遅れを 2 回)',
    remediation: SQL_FIX,
  },
  'MAM-SCAN-INJ-010': {
    name: 'SQL インジェクション(時間ベース、MySQL の SLEEP)',
    sends: `クエリパラメーターを v' AND SLEEP(S) AND '1'='1 にして S = 0、1.5、3 で送信`,
    decides: '遅延が S に従う',
    remediation: SQL_FIX,
  },
  'MAM-SCAN-INJ-011': {
    name: 'ログインでの NoSQL 演算子インジェクション($ne)',
    sends: 'ユーザー名とパスワードの両方を {"$ne": null} にしてログイン',
    decides:
      '未知のアカウントは拒否される一方で、演算子のオブジェクトでログインできる(応答にトークン/セッション)',
    remediation:
      '文字列以外の認証情報を拒否し(スキーマ検証)、リクエストのオブジェクトをそのままデータベースのクエリに渡さないでください。',
  },
  'MAM-SCAN-INJ-012': {
    name: 'ログインでの NoSQL 演算子インジェクション($gt)',
    sends: 'ユーザー名とパスワードの両方を {"$gt": ""} にしてログイン',
    decides: '未知のアカウントは拒否される一方で、演算子のオブジェクトでログインできる',
    remediation: '文字列以外の認証情報を拒否し、入力から演算子($ で始まるキー)を取り除いてください。',
  },
  'MAM-SCAN-INJ-013': {
    name: 'ログインでの NoSQL 演算子インジェクション($regex)',
    sends: 'ユーザー名とパスワードの両方を {"$regex": ".*"} にしてログイン',
    decides: '未知のアカウントは拒否される一方で、演算子のオブジェクトでログインできる',
    remediation: '文字列以外の認証情報を拒否し、入力から演算子を取り除いてください。',
  },
  'MAM-SCAN-INJ-014': {
    name: 'クエリのフィルターでの NoSQL 演算子インジェクション',
    sends: 'クエリパラメーターを name=<no-match> の代わりに name[$ne]=<no-match> にして送信',
    decides: '演算子の形式が、一致しない通常の値より多くを返す',
    remediation:
      'クエリ文字列は入れ子のオブジェクトなしで解析する(qs の depth 0)か、フィルターの値がスカラーであることを検証してください。',
  },
  'MAM-SCAN-INJ-015': cmd('セミコロン'),
  'MAM-SCAN-INJ-016': cmd('パイプ'),
  'MAM-SCAN-INJ-017': cmd('論理積'),
  'MAM-SCAN-INJ-018': cmd('コマンド置換 $()'),
  'MAM-SCAN-INJ-019': cmd('バッククォート'),
  'MAM-SCAN-INJ-020': cmd('改行'),
  'MAM-SCAN-INJ-021': {
    name: 'OS コマンドインジェクション(時間ベースの sleep)',
    sends: 'クエリパラメーターを v;sleep S にして S = 0、2、3 で送信',
    decides: '遅延が S に従う(sleep 0 より 1.8 秒以上、2.7 秒以上の遅れ)',
    remediation: '入力をシェルに渡さないでください。引数の配列で execFile を使ってください。',
  },
  'MAM-SCAN-INJ-022': trav('../ による遡上'),
  'MAM-SCAN-INJ-023': trav('パーセントエンコード'),
  'MAM-SCAN-INJ-024': trav('二重エンコード'),
  'MAM-SCAN-INJ-025': trav('絶対パス'),
  'MAM-SCAN-INJ-026': trav('フィルター回避 ....//'),
  'MAM-SCAN-INJ-027': tpl('Jinja2 / Twig / Handlebars 形式の {{ }}'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the engine's syntax is literal `${ }` text
  'MAM-SCAN-INJ-028': tpl('FreeMarker / EL / JS テンプレートリテラルの ${ }'),
  'MAM-SCAN-INJ-029': tpl('ERB / EJS の <%= %>'),
  'MAM-SCAN-INJ-030': tpl('Ruby / Pug の #{ }'),
  'MAM-SCAN-INJ-031': tpl('Thymeleaf / Spring の *{ }'),
  'MAM-SCAN-INJ-032': xss('クエリパラメーター'),
  'MAM-SCAN-INJ-033': xss('パスパラメーター'),
  'MAM-SCAN-INJ-034': xss('属性からの脱出'),
  'MAM-SCAN-INJ-035': {
    name: 'SQL インジェクションでログインを回避できる(OR 1=1)',
    sends: "ユーザー名を ' OR 1=1--  にし、誤ったパスワードでログイン",
    decides: 'SQL を含まない誤ったパスワードでは失敗する一方で、ログインに成功する(応答にトークン)',
    remediation: SQL_FIX,
  },
  'MAM-SCAN-INJ-036': {
    name: 'SQL インジェクションでパスワードの確認をコメントアウトできる',
    sends: "既知のアカウント名の後に '--  を付け、誤ったパスワードでログイン",
    decides:
      'そのアカウントとしてログインに成功する。同じアカウントで SQL を含まない誤ったパスワードでは失敗する',
    remediation: SQL_FIX,
  },
  'MAM-SCAN-INJ-037': {
    name: 'ヌルバイトでファイル種類の許可リストを回避できる',
    sends:
      'サーバーが拒否した(4xx)一覧上の各ファイルについて、同じ名前に %2500.<ext> または %00.<ext> を付加(<ext> は拒否メッセージ「only .md and .pdf」などから取得)',
    decides: '付加した名前で拒否メッセージ以外の内容が返り、同じ付加をした存在しないファイルは返らない',
    remediation:
      'NUL やパーセント記号を含む名前はあらゆる確認の前に拒否し、実際に開く名前の拡張子を確認し、フォルダーではなく許可した名前だけを提供してください。',
  },
  'MAM-SCAN-INJ-038': {
    name: 'XML 外部エンティティが展開される(XML ボディ)',
    sends:
      'XML を受け付ける操作のサンプルの XML ボディに、外部エンティティ file:///etc/passwd を宣言する DTD を加え、最初のフィールドで参照',
    decides: '応答に "root:x:0:0:" が含まれ、DTD のない同じ文書では含まれない',
    remediation:
      'XML パーサーで DTD と外部エンティティを無効にする(libxml2: NOENT/DTDLOAD なし、Java: disallow-doctype-decl)か、JSON だけを受け付けてください。',
  },
  'MAM-SCAN-INJ-039': {
    name: 'XML 外部エンティティが展開される(アップロードされたファイル)',
    sends:
      'multipart 操作の各ファイルフィールドに、外部エンティティ file:///etc/passwd を宣言する DTD を持つ .xml ファイルを送信',
    decides:
      '応答(ステータスを問わない)に "root:x:0:0:" が含まれ、宣言された種類のアップロードでは含まれない',
    remediation:
      'アップロードされた文書は DTD と外部エンティティを無効にして解析し、操作が宣言していない種類のファイルは拒否してください。',
  },
  'MAM-SCAN-INJ-040': {
    name: 'サーバーサイド JavaScript インジェクション(時間ベースの sleep、式の文脈)',
    sends:
      'パスパラメーター(数値を含む)を sleep(0)、sleep(200)、sleep(0)、sleep(400) に設定。これから組み立てられた MongoDB の $where / eval の式がその呼び出しを実行する',
    decides: '200 ms と 400 ms のペイロードが、遅延 0 の対照よりそれぞれ 180 ms と 360 ms 以上遅い',
    remediation:
      '$where / mapReduce / eval のコードを入力から組み立てず、型の決まった値でクエリ演算子を使い、データベースのサーバーサイド JavaScript を無効にしてください。',
  },
  'MAM-SCAN-INJ-041': {
    name: 'サーバーサイド JavaScript インジェクション(時間ベースの sleep、文字列の文脈)',
    sends: "文字列のパスパラメーターを <value>'||sleep(N)||' にして N = 0、200、0、400 ms で送信",
    decides: '200 ms と 400 ms のペイロードが、遅延 0 の対照よりそれぞれ 180 ms と 360 ms 以上遅い',
    remediation: JS_FIX,
  },
  'MAM-SCAN-INJ-042': {
    name: "サーバーサイド JavaScript インジェクション(ブール、文字列の文脈: '||'a'=='a)",
    sends: "パスパラメーターを通常の値、<value>'||'a'=='a(常に真)、<value>'||'a'=='b(常に偽)にして送信",
    decides: '常に偽の応答は通常の値と同じで、常に真の応答はより多くを返し、繰り返すと同じ応答になる',
    remediation: JS_FIX,
  },
  'MAM-SCAN-INJ-043': {
    name: 'SQL インジェクション(UNION ベース)でデータベースのカタログを読み取れる',
    sends: `クエリパラメーターを ' ') ')) " または何も付けずに閉じ、ORDER BY 1 / 99(二分探索で列数を特定)、マーカーの UNION SELECT、カタログ(sqlite_master、なければ information_schema.tables)の UNION SELECT を送信`,
    decides:
      'ORDER BY 1 は成功し ORDER BY 99 は SQL エラーになり、UNION のマーカーが表示され、カタログのクエリがテーブル定義を返す',
    remediation:
      'パラメーター化クエリを使い、入力を SQL に連結しないでください。API は他のスキーマのカタログを読めないデータベース利用者で実行してください。',
  },
};

const SCHEMA_FIX =
  'すべてのパラメーターとボディを使用前に宣言したスキーマで検証し(例: Fastify/ajv のルートスキーマ)、400 を返してください。';
const FUZZ_DECIDES = '有効な値では 2xx になる一方で、4xx ではなく 2xx(受け入れ)または 5xx(クラッシュ)が返る';
const fuzz = (name: string, sends: string): ScanTestJa => ({
  name,
  sends,
  decides: FUZZ_DECIDES,
  remediation: SCHEMA_FIX,
});

const schema: Record<string, Entry> = {
  'MAM-SCAN-SCHEMA-001': fuzz(
    '整数に数値以外の値を送っても拒否されない',
    'スキーマが integer/number と宣言している箇所(クエリ、パス、ボディ)に文字列',
  ),
  'MAM-SCAN-SCHEMA-002': fuzz(
    '真偽値に真偽値以外の値を送っても拒否されない',
    'スキーマが boolean と宣言している箇所に文字列',
  ),
  'MAM-SCAN-SCHEMA-003': fuzz(
    '文字列のフィールドにオブジェクトを送っても拒否されない',
    'スキーマが文字列と宣言しているボディのフィールドに JSON オブジェクト',
  ),
  'MAM-SCAN-SCHEMA-004': fuzz('宣言された最大値を超える値が拒否されない', 'maximum + 1 の値'),
  'MAM-SCAN-SCHEMA-005': fuzz('宣言された最小値を下回る値が拒否されない', 'minimum - 1 の値'),
  'MAM-SCAN-SCHEMA-006': fuzz('maxLength を超える文字列が拒否されない', 'maxLength + 1 文字の文字列'),
  'MAM-SCAN-SCHEMA-007': fuzz('宣言された enum 以外の値が拒否されない', 'enum にない値'),
  'MAM-SCAN-SCHEMA-008': fuzz(
    '宣言された format に反する値が拒否されない',
    '不正な形式の email / uuid / date / date-time',
  ),
  'MAM-SCAN-SCHEMA-009': fuzz('64 ビットを超える整数が拒否されない', '整数として 99999999999999999999999999'),
  'MAM-SCAN-SCHEMA-012': fuzz(
    'minLength に満たない文字列が拒否されない',
    'minLength - 1 文字の文字列(minLength が 1 なら空文字列)',
  ),
  'MAM-SCAN-SCHEMA-010': fuzz(
    'null を許さないフィールドへの null が拒否されない',
    'nullable でない JSON ボディのフィールドに null',
  ),
  'MAM-SCAN-SCHEMA-011': {
    name: '応答が宣言されたスキーマに一致しない',
    sends: READ_ALL,
    decides: 'ajv(JSON Schema 2020-12、OpenAPI の nullable に対応)が 2xx の JSON ボディを不合格と判定する',
    remediation: '応答は宣言したスキーマを通してシリアライズし、その契約を CI でテストしてください。',
  },
  'MAM-SCAN-SCHEMA-013': {
    name: '必須フィールドをすべて同時に空にしても拒否されない',
    sends:
      '必須の文字列フィールドに minLength、format、pattern を宣言している各作成操作(パスパラメーターのない POST)に、サンプルのボディを、次にそれらをすべて空にした同じボディを送信',
    decides: 'サンプルは 2xx で、空にしたボディは 2xx または 5xx になる',
    remediation:
      'リクエストボディはサーバー側でスキーマ(minLength、format、pattern)に照らして検証してください。',
  },
};

const ENTRIES: Record<string, Entry> = {
  ...api1,
  ...api2,
  ...api345,
  ...api78,
  ...api9,
  ...injection,
  ...schema,
};

const BY_ID = new Map(CATALOGUE.map((t) => [t.id, t]));

/** The Japanese text of a scanner test, or undefined for an id outside the catalogue. */
export function scanTestJa(id: string): ScanTestJa | undefined {
  const entry = ENTRIES[id];
  const test = BY_ID.get(id);
  if (!entry || !test) return undefined;
  return typeof entry === 'function' ? entry(test) : entry;
}

/**
 * Scanner findings in Japanese: the test's name (with the place the finding is about, as the English title
 * carries it), its remediation, and as description what was sent and how the verdict was decided. The
 * checker's English sentence about this one finding is not shown in Japanese; the method, path, place and
 * exchanges that prove it are fields of the finding and stay as they are. Other findings pass unchanged.
 */
export function localiseScanFindings(findings: readonly Finding[], lang: 'en' | 'ja'): Finding[] {
  if (lang === 'en') return [...findings];
  return findings.map((f) => {
    const test = f.test ? BY_ID.get(f.test) : undefined;
    const ja = f.test ? scanTestJa(f.test) : undefined;
    if (!test || !ja) return f;
    const place = f.title.startsWith(test.name) ? f.title.slice(test.name.length).trim() : '';
    const own = f.i18n?.ja;
    const shown = own?.evidence;
    return {
      ...f,
      title: place ? `${ja.name} ${place}` : ja.name,
      // The finding's own sentences (which identity did what to which object, and what ruled out the
      // benign explanation) first, then how the test decides and what it sends.
      description: `${own ? `${own.description}。` : ''}判定: ${ja.decides}。送信内容: ${ja.sends}。`,
      remediation: ja.remediation,
      ...(shown && shown.length === f.evidence.length
        ? { evidence: f.evidence.map((e, i) => (shown[i] ? { ...e, excerpt: shown[i] } : e)) }
        : {}),
    };
  });
}
