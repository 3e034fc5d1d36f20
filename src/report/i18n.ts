// The HTML report's words in English and Japanese. `ja` must define every key `en` has (the type says so),
// and the HTML test checks that no English label is left in the Japanese report.

import type { ComplianceFramework, OwaspApi2023, Severity } from '../model/index.js';

export type Lang = 'en' | 'ja';

const en = {
  locale: 'en-US',
  reportOf: 'API security report',
  generated: 'Generated',
  by: 'by',
  utc: 'UTC',
  summary: 'Summary',
  findings: 'Findings',
  findingsTotal: 'Findings',
  rulesChecked: 'Rules checked',
  operationsAudited: 'Operations audited',
  endpointsAudited: 'Endpoints audited',
  specsAudited: 'Specs audited',
  apiRisk: 'API risk',
  outOf100: 'out of 100',
  bySeverity: 'Findings by severity',
  byOwasp: 'Findings by OWASP API Security Top 10 (2023) category',
  chartSeverityAlt: 'Bar chart: number of findings for each severity',
  chartOwaspAlt: 'Bar chart: number of findings for each OWASP API Security Top 10 2023 category',
  compliance: 'Compliance view',
  complianceIntro: 'Each framework clause the findings touch, with the findings that are its evidence.',
  framework: 'Framework',
  clause: 'Clause',
  evidenceFindings: 'Findings (evidence)',
  noCompliance: 'No finding touches a compliance clause.',
  riskiest: 'Riskiest endpoints',
  method: 'Method',
  endpoint: 'Endpoint',
  host: 'Host',
  risk: 'Risk',
  noEndpoints: 'No endpoint was scored.',
  findingList: 'All findings',
  noFindings: 'No findings: every rule passed.',
  rule: 'Rule',
  location: 'Location',
  pointer: 'JSON pointer',
  evidence: 'Evidence',
  description: 'Description',
  remediation: 'Remediation',
  classification: 'Classification',
  confidence: 'Confidence',
  line: 'line',
  exchange: 'exchange',
  more: 'more',
  cutNote:
    'Only the first {shown} of {total} findings are listed here; the JSON or SARIF output has all of them.',
  severity: 'Severity',
  count: 'Count',
  footer: 'Self-contained report: no script, no external resource. Evidence excerpts are masked.',
  // Markdown (pull-request comment)
  mdTitle: 'mamori security report',
  mdNoFindings: 'No findings.',
  mdCount: '**{count}** findings',
  mdCountOne: '**{count}** finding',
  mdFinding: 'Finding',
  mdWhere: 'Where',
  mdMoreRows: '{count} more not in this table; all are in the details below.',
  mdCut:
    "Details of {count} more findings left out to keep this comment under GitHub's size limit; see the full report (SARIF or HTML).",
  mdCutOne:
    "Details of {count} more finding left out to keep this comment under GitHub's size limit; see the full report (SARIF or HTML).",
  mdAtPointer: 'at pointer',
  mdWhat: 'What',
  mdMoreEvidence: '{count} more',
};

export type Strings = typeof en;

const ja: Strings = {
  locale: 'ja-JP',
  reportOf: 'API セキュリティレポート',
  generated: '作成日時',
  by: '作成ツール',
  utc: '(UTC)',
  summary: '概要',
  findings: '検出事項',
  findingsTotal: '検出事項の総数',
  rulesChecked: '確認したルール',
  operationsAudited: '監査した操作',
  endpointsAudited: '監査したエンドポイント',
  specsAudited: '監査した仕様書',
  apiRisk: 'API のリスク',
  outOf100: '(100 点満点)',
  bySeverity: '重大度別の検出事項',
  byOwasp: 'OWASP API セキュリティ Top 10(2023)カテゴリ別の検出事項',
  chartSeverityAlt: '棒グラフ:重大度ごとの検出事項の件数',
  chartOwaspAlt: '棒グラフ:OWASP API セキュリティ Top 10 2023 のカテゴリごとの検出事項の件数',
  compliance: 'コンプライアンスの観点',
  complianceIntro: '検出事項が関わる各フレームワークの条項と、その根拠となる検出事項です。',
  framework: 'フレームワーク',
  clause: '条項',
  evidenceFindings: '検出事項(根拠)',
  noCompliance: 'コンプライアンスの条項に関わる検出事項はありません。',
  riskiest: 'リスクの高いエンドポイント',
  method: 'メソッド',
  endpoint: 'エンドポイント',
  host: 'ホスト',
  risk: 'リスク',
  noEndpoints: 'リスクを評価したエンドポイントはありません。',
  findingList: 'すべての検出事項',
  noFindings: '検出事項はありません。すべてのルールに適合しました。',
  rule: 'ルール',
  location: '場所',
  pointer: 'JSON ポインタ',
  evidence: '証跡',
  description: '説明',
  remediation: '対策',
  classification: '分類',
  confidence: '確度',
  line: '行',
  exchange: '通信',
  more: '件ほか',
  cutNote:
    '全 {total} 件のうち最初の {shown} 件のみを掲載しています。すべての検出事項は JSON または SARIF 出力にあります。',
  severity: '重大度',
  count: '件数',
  footer:
    'このレポートは単体で完結しています(スクリプトも外部リソースも使用しません)。証跡の抜粋はマスクされています。',
  mdTitle: 'mamori セキュリティレポート',
  mdNoFindings: '検出事項はありません。',
  mdCount: '検出事項 **{count}** 件',
  mdCountOne: '検出事項 **{count}** 件',
  mdFinding: '検出事項',
  mdWhere: '場所',
  mdMoreRows: 'ほか {count} 件はこの表にありません。すべて下の詳細に記載しています。',
  mdCut:
    'GitHub のコメントの文字数上限に収めるため、ほか {count} 件の詳細を省略しました。完全なレポート(SARIF または HTML)を参照してください。',
  mdCutOne:
    'GitHub のコメントの文字数上限に収めるため、ほか {count} 件の詳細を省略しました。完全なレポート(SARIF または HTML)を参照してください。',
  mdAtPointer: 'ポインタ',
  mdWhat: '内容',
  mdMoreEvidence: 'ほか {count} 件',
};

export const STRINGS: Record<Lang, Strings> = { en, ja };

export const SEVERITY_NAMES: Record<Lang, Record<Severity, string>> = {
  en: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' },
  ja: { critical: '緊急', high: '高', medium: '中', low: '低', info: '情報' },
};

export const OWASP_NAMES: Record<Lang, Record<OwaspApi2023, string>> = {
  en: {
    'API1:2023': 'Broken Object Level Authorization',
    'API2:2023': 'Broken Authentication',
    'API3:2023': 'Broken Object Property Level Authorization',
    'API4:2023': 'Unrestricted Resource Consumption',
    'API5:2023': 'Broken Function Level Authorization',
    'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
    'API7:2023': 'Server Side Request Forgery',
    'API8:2023': 'Security Misconfiguration',
    'API9:2023': 'Improper Inventory Management',
    'API10:2023': 'Unsafe Consumption of APIs',
  },
  ja: {
    'API1:2023': 'オブジェクトレベル認可の不備',
    'API2:2023': '認証の不備',
    'API3:2023': 'オブジェクトプロパティレベル認可の不備',
    'API4:2023': '無制限なリソース消費',
    'API5:2023': '機能レベル認可の不備',
    'API6:2023': '機微なビジネスフローへの無制限なアクセス',
    'API7:2023': 'サーバーサイドリクエストフォージェリ(SSRF)',
    'API8:2023': 'セキュリティ設定の不備',
    'API9:2023': '不適切なインベントリ管理',
    'API10:2023': '安全でない API の利用',
  },
};

export const FRAMEWORK_NAMES: Record<Lang, Record<ComplianceFramework, string>> = {
  en: {
    'PCI-DSS-4.0.1': 'PCI DSS v4.0.1',
    GDPR: 'GDPR (EU 2016/679)',
    HIPAA: 'HIPAA Security Rule (45 CFR 164)',
    DORA: 'DORA (EU 2022/2554)',
    NIS2: 'NIS2 Directive (EU 2022/2555)',
    APPI: 'APPI (Act on the Protection of Personal Information, Japan)',
    'MY-NUMBER-ACT': 'My Number Act (Japan)',
  },
  ja: {
    'PCI-DSS-4.0.1': 'PCI DSS v4.0.1',
    GDPR: 'GDPR(EU 一般データ保護規則)',
    HIPAA: 'HIPAA セキュリティ規則(45 CFR 164)',
    DORA: 'DORA(EU デジタル・オペレーショナル・レジリエンス法)',
    NIS2: 'NIS2 指令(EU 2022/2555)',
    APPI: '個人情報の保護に関する法律(個人情報保護法)',
    'MY-NUMBER-ACT': '番号法(マイナンバー法)',
  },
};

/**
 * Clause as a reader of that language writes it. Japanese cites articles and paragraphs as 第N条第M項 and keeps
 * the points as letters: `Art. 21(2)(e)` → `第21条第2項(e)`, `Art. 32` → `第32条`; other clause numbers as written.
 */
export function clauseLabel(clause: string, lang: Lang): string {
  if (lang !== 'ja') return clause;
  return clause.replace(/^Art\.\s*(\d+)(?:\((\d+)\))?/, (_, art: string, para?: string) =>
    para === undefined ? `第${art}条` : `第${art}条第${para}項`,
  );
}

/** `{name}` placeholders filled in. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
