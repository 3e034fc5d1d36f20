// What each alert type is, as a title for people, in English and Japanese. Data with no imports, so the
// web console shares it (a live alert arrives over server-sent events with its type only).

export interface AlertTitle {
  en: string;
  ja: string;
}

/** What each alert type is, as a title for people. */
export const ALERT_TITLES: Record<string, AlertTitle> = {
  'signature.sqli': { en: 'SQL injection', ja: 'SQL インジェクション' },
  'signature.xss': { en: 'Cross-site scripting', ja: 'クロスサイトスクリプティング' },
  'signature.path-traversal': { en: 'Path traversal', ja: 'パストラバーサル' },
  'signature.file-inclusion': { en: 'File inclusion', ja: 'ファイルインクルージョン' },
  'signature.command-injection': { en: 'OS command injection', ja: 'OS コマンドインジェクション' },
  'signature.ssrf': { en: 'Server-side request forgery', ja: 'サーバーサイドリクエストフォージェリ' },
  'signature.nosql-injection': { en: 'NoSQL injection', ja: 'NoSQL インジェクション' },
  'signature.ldap-injection': { en: 'LDAP injection', ja: 'LDAP インジェクション' },
  'signature.xxe': { en: 'XML external entity', ja: 'XML 外部エンティティ(XXE)' },
  'signature.ssti': {
    en: 'Server-side template injection',
    ja: 'サーバーサイドテンプレートインジェクション',
  },
  'signature.log4shell': { en: 'Log4Shell', ja: 'Log4Shell(JNDI インジェクション)' },
  'signature.prototype-pollution': { en: 'Prototype pollution', ja: 'プロトタイプ汚染' },
  'signature.crlf-injection': { en: 'CRLF injection', ja: 'CRLF インジェクション' },
  'signature.ssi-injection': { en: 'Server-side include injection', ja: 'SSI インジェクション' },
  'signature.scanner': { en: 'Attack tool or scanner', ja: '攻撃ツールまたはスキャナー' },
  'signature.graphql': { en: 'GraphQL abuse', ja: 'GraphQL の悪用' },
  'signature.java-injection': { en: 'Java injection', ja: 'Java のインジェクション' },
  'signature.php-injection': { en: 'PHP code injection', ja: 'PHP コードインジェクション' },
  'signature.script-upload': {
    en: 'Server-side script upload',
    ja: 'サーバーサイドスクリプトのアップロード',
  },
  'signature.nodejs-injection': { en: 'Node.js code injection', ja: 'Node.js コードインジェクション' },
  'signature.remote-file-inclusion': { en: 'Remote file inclusion', ja: 'リモートファイルインクルージョン' },
  'signature.request-smuggling': { en: 'Request smuggling', ja: 'リクエストスマグリング' },
  'signature.protocol-anomaly': { en: 'HTTP protocol anomaly', ja: 'HTTP プロトコルの異常' },
  'signature.session-fixation': { en: 'Session fixation', ja: 'セッション固定' },
  'ai.prompt-injection': { en: 'Prompt injection', ja: 'プロンプトインジェクション' },
  'ai.system-prompt-extraction': {
    en: 'System-prompt extraction',
    ja: 'システムプロンプトの引き出し',
  },
  'ai.denial-of-wallet': { en: 'Denial of wallet (LLM cost abuse)', ja: 'LLM の利用料金を枯渇させる攻撃' },
  'ai.sensitive-data-to-model': { en: 'Sensitive data sent to a model', ja: 'モデルへの機微データの送信' },
  'ai.sensitive-data-from-model': {
    en: 'Sensitive data returned by a model',
    ja: 'モデルからの機微データの返却',
  },
  'behaviour.bola-enumeration': { en: 'Object id enumeration (BOLA)', ja: 'オブジェクト ID の列挙(BOLA)' },
  'behaviour.brute-force': { en: 'Password brute force', ja: 'パスワードの総当たり攻撃' },
  'behaviour.credential-stuffing': { en: 'Credential stuffing', ja: 'クレデンシャルスタッフィング' },
  'behaviour.not-found-spray': {
    en: 'Endpoint discovery (404 spray)',
    ja: 'エンドポイントの探索(404 の多発)',
  },
  'behaviour.rate-anomaly': { en: 'Unusual call rate', ja: '呼び出し頻度の異常' },
  'behaviour.scraping': { en: 'Scraping', ja: 'スクレイピング' },
  'behaviour.sensitive-bulk': { en: 'Bulk sensitive-data access', ja: '機微データの大量取得' },
  'behaviour.token-sharing': { en: 'Credential shared between clients', ja: '認証情報の共有' },
  'behaviour.volume-anomaly': { en: 'Unusual data volume', ja: 'データ量の異常' },
};

/** The title of an alert type in a language (the type itself when it has none). */
export function alertTitle(type: string, lang: 'en' | 'ja'): string {
  return ALERT_TITLES[type]?.[lang] ?? type;
}
