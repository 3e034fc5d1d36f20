// The compliance map (data): control families our rules evidence, each mapped to clauses of
// PCI-DSS-4.0.1, GDPR, HIPAA, DORA, NIS2, APPI and the My Number Act; plus the compliance view
// (per framework: clauses touched and the findings that evidence them).
//
// Clause titles as the official texts give them. Checked against: PCI DSS v4.0.1 requirement text (6.2.4 bullet
// list of attack classes), 45 CFR 164.312 (govinfo.gov: "Standard: Access control", "Audit controls", "Integrity",
// "Person or entity authentication", "Transmission security"), Regulation (EU) 2022/2554 table of articles
// (Art. 8 Identification, 9 Protection and prevention, 24/25 testing), Directive (EU) 2022/2555 Art. 21(2)(a)–(j),
// 個人情報保護法 第二十三条 (令和六年四月一日施行) and 番号利用法 第十二条 as published.
// PCI DSS v4.0.1 (PCI SSC, June 2024)
//   2.2.1  Configuration standards are developed, implemented, and maintained
//   3.3.1  SAD is not retained after authorization
//   3.4.1  PAN is masked when displayed
//   4.2.1  Strong cryptography and security protocols safeguard PAN during transmission over open, public networks
//   6.2.4  Software engineering techniques prevent or mitigate common software attacks (injection, data structures,
//          business logic, access control mechanisms …) in bespoke and custom software
//   6.3.2  An inventory of bespoke and custom software, and third-party software components, is maintained
//   6.4.1  Public-facing web applications are protected against attacks (new threats and vulnerabilities addressed)
//   6.5.3  Pre-production environments are separated from production environments
//   7.2.1  An access control model is defined
//   7.2.2  Access is assigned based on job classification and function (least privileges)
//   8.3.1  All user access to system components is authenticated via at least one authentication factor
//   8.3.2  Strong cryptography renders all authentication factors unreadable during transmission and storage
//   8.6.2  Passwords/passphrases of application and system accounts are not hard coded in scripts, files or code
// GDPR (Regulation (EU) 2016/679)
//   Art. 5(1)(c) data minimisation; Art. 5(1)(f) integrity and confidentiality; Art. 25 data protection by design
//   and by default; Art. 30 records of processing activities; Art. 32 security of processing
// HIPAA Security Rule (45 CFR Part 164)
//   164.312(a)(1) Access control; 164.312(b) Audit controls; 164.312(c)(1) Integrity;
//   164.312(d) Person or entity authentication; 164.312(e)(1) Transmission security;
//   164.308(a)(1)(ii)(A) Risk analysis
// DORA (Regulation (EU) 2022/2554)
//   Art. 8 Identification; Art. 9 Protection and prevention; Art. 10 Detection;
//   Art. 24 General requirements for the performance of digital operational resilience testing;
//   Art. 25 Testing of ICT tools and systems; Art. 28 General principles (ICT third-party risk)
// NIS2 (Directive (EU) 2022/2555) Art. 21(2)
//   (a) policies on risk analysis and information system security; (d) supply chain security;
//   (e) security in network and information systems acquisition, development and maintenance, including
//   vulnerability handling and disclosure; (g) basic cyber hygiene practices; (h) cryptography and encryption;
//   (i) human resources security, access control policies and asset management; (j) multi-factor or continuous
//   authentication, secured communications
// APPI (個人情報の保護に関する法律, as in force 2024-04-01)
//   Art. 23 安全管理措置 (security control measures: prevent leakage, loss or damage of personal data)
// My Number Act (行政手続における特定の個人を識別するための番号の利用等に関する法律)
//   Art. 12 個人番号利用事務実施者等の責務 (measures preventing leakage, loss or damage of Individual Numbers);
//   Art. 20 collection and storage restricted (特定個人情報の収集等の制限)

import type { ComplianceFramework, ComplianceRef, Finding } from '../model/index.js';

export const CLAUSE_TITLES: Record<ComplianceFramework, Record<string, string>> = {
  'PCI-DSS-4.0.1': {
    '2.2.1': 'Configuration standards',
    '3.3.1': 'SAD not retained after authorization',
    '3.4.1': 'PAN masked when displayed',
    '4.2.1': 'PAN protected with strong cryptography in transit',
    '6.2.4': 'Engineering techniques prevent common software attacks',
    '6.3.2': 'Inventory of bespoke and custom software',
    '6.4.1': 'Public-facing web applications protected against attacks',
    '6.5.3': 'Pre-production separated from production',
    '7.2.1': 'Access control model defined',
    '7.2.2': 'Access assigned by job function (least privilege)',
    '8.3.1': 'All user access authenticated',
    '8.3.2': 'Authentication factors unreadable in transit and storage',
    '8.6.2': 'No hard-coded passwords in scripts, files or code',
  },
  GDPR: {
    'Art. 5(1)(c)': 'Data minimisation',
    'Art. 5(1)(f)': 'Integrity and confidentiality',
    'Art. 25': 'Data protection by design and by default',
    'Art. 30': 'Records of processing activities',
    'Art. 32': 'Security of processing',
  },
  HIPAA: {
    '164.308(a)(1)(ii)(A)': 'Risk analysis',
    '164.312(a)(1)': 'Access control',
    '164.312(b)': 'Audit controls',
    '164.312(c)(1)': 'Integrity',
    '164.312(d)': 'Person or entity authentication',
    '164.312(e)(1)': 'Transmission security',
  },
  DORA: {
    'Art. 8': 'Identification',
    'Art. 9': 'Protection and prevention',
    'Art. 10': 'Detection',
    'Art. 24': 'General requirements for digital operational resilience testing',
    'Art. 25': 'Testing of ICT tools and systems',
    'Art. 28': 'ICT third-party risk: general principles',
  },
  NIS2: {
    'Art. 21(2)(a)': 'Risk analysis and information system security policies',
    'Art. 21(2)(d)': 'Supply chain security',
    'Art. 21(2)(e)': 'Security in acquisition, development and maintenance',
    'Art. 21(2)(g)': 'Basic cyber hygiene',
    'Art. 21(2)(h)': 'Cryptography and encryption',
    'Art. 21(2)(i)': 'Access control policies and asset management',
    'Art. 21(2)(j)': 'Multi-factor authentication, secured communications',
  },
  APPI: { 'Art. 23': '安全管理措置 (security control measures)' },
  'MY-NUMBER-ACT': {
    'Art. 12': '個人番号利用事務実施者等の責務 (safe management of Individual Numbers)',
    'Art. 20': '特定個人情報の収集等の制限 (restricted collection and storage)',
  },
};

function refs(...pairs: Array<[ComplianceFramework, string]>): ComplianceRef[] {
  return pairs.map(([framework, clause]) => ({ framework, clause }));
}

/** Control families: every rule names one or more; its compliance references are their union. */
export const CONTROL_FAMILIES = {
  /** Who may call: missing or bypassable authentication. */
  authentication: refs(
    ['PCI-DSS-4.0.1', '8.3.1'],
    ['GDPR', 'Art. 32'],
    ['HIPAA', '164.312(d)'],
    ['DORA', 'Art. 9'],
    ['NIS2', 'Art. 21(2)(j)'],
    ['APPI', 'Art. 23'],
  ),
  /** Weak credential handling: credentials readable in transit or URLs, outdated schemes. */
  credentials: refs(
    ['PCI-DSS-4.0.1', '8.3.2'],
    ['GDPR', 'Art. 32'],
    ['HIPAA', '164.312(d)'],
    ['DORA', 'Art. 9'],
    ['NIS2', 'Art. 21(2)(j)'],
    ['APPI', 'Art. 23'],
  ),
  /** What a caller may do or see: object, property and function level authorisation. */
  authorisation: refs(
    ['PCI-DSS-4.0.1', '7.2.1'],
    ['PCI-DSS-4.0.1', '7.2.2'],
    ['GDPR', 'Art. 25'],
    ['HIPAA', '164.312(a)(1)'],
    ['DORA', 'Art. 9'],
    ['NIS2', 'Art. 21(2)(i)'],
    ['APPI', 'Art. 23'],
  ),
  /** Encryption in transit. */
  transport: refs(
    ['PCI-DSS-4.0.1', '4.2.1'],
    ['GDPR', 'Art. 32'],
    ['HIPAA', '164.312(e)(1)'],
    ['DORA', 'Art. 9'],
    ['NIS2', 'Art. 21(2)(h)'],
    ['APPI', 'Art. 23'],
  ),
  /** Secure development: input validation, resource limits, injection-prone designs. */
  development: refs(
    ['PCI-DSS-4.0.1', '6.2.4'],
    ['GDPR', 'Art. 25'],
    ['HIPAA', '164.312(c)(1)'],
    ['DORA', 'Art. 25'],
    ['NIS2', 'Art. 21(2)(e)'],
  ),
  /** Personal data exposure and minimisation. */
  'personal-data': refs(
    ['GDPR', 'Art. 5(1)(c)'],
    ['GDPR', 'Art. 5(1)(f)'],
    ['GDPR', 'Art. 32'],
    ['HIPAA', '164.312(a)(1)'],
    ['DORA', 'Art. 9'],
    ['APPI', 'Art. 23'],
  ),
  /** Cardholder data. */
  cardholder: refs(['PCI-DSS-4.0.1', '3.4.1'], ['PCI-DSS-4.0.1', '3.3.1'], ['PCI-DSS-4.0.1', '4.2.1']),
  /** Individual Numbers (マイナンバー) and other national identifiers. */
  'national-id': refs(['MY-NUMBER-ACT', 'Art. 12'], ['MY-NUMBER-ACT', 'Art. 20'], ['APPI', 'Art. 23']),
  /** Health data. */
  health: refs(['HIPAA', '164.312(a)(1)'], ['HIPAA', '164.312(e)(1)'], ['GDPR', 'Art. 32']),
  /** Knowing what runs: inventory, versions, environments. */
  inventory: refs(
    ['PCI-DSS-4.0.1', '6.3.2'],
    ['GDPR', 'Art. 30'],
    ['HIPAA', '164.308(a)(1)(ii)(A)'],
    ['DORA', 'Art. 8'],
    ['NIS2', 'Art. 21(2)(i)'],
  ),
  /** Environments separated, hosts and configuration hardened. */
  configuration: refs(
    ['PCI-DSS-4.0.1', '2.2.1'],
    ['PCI-DSS-4.0.1', '6.5.3'],
    ['DORA', 'Art. 9'],
    ['NIS2', 'Art. 21(2)(g)'],
  ),
  /** Runtime protection of public-facing APIs, detection of attacks. */
  'runtime-protection': refs(
    ['PCI-DSS-4.0.1', '6.4.1'],
    ['HIPAA', '164.312(b)'],
    ['DORA', 'Art. 10'],
    ['NIS2', 'Art. 21(2)(a)'],
  ),
  /** Hard-coded secrets. */
  secrets: refs(['PCI-DSS-4.0.1', '8.6.2'], ['GDPR', 'Art. 32'], ['NIS2', 'Art. 21(2)(h)']),
  /** Resilience testing evidence (every audit finding feeds it). */
  testing: refs(['DORA', 'Art. 24']),
  /** Third-party APIs consumed. */
  'third-party': refs(['DORA', 'Art. 28'], ['NIS2', 'Art. 21(2)(d)']),
} as const satisfies Record<string, ComplianceRef[]>;

export type ControlFamily = keyof typeof CONTROL_FAMILIES;

/** Union of the families' references (each clause once). */
export function complianceOf(...families: ControlFamily[]): ComplianceRef[] {
  const seen = new Set<string>();
  const out: ComplianceRef[] = [];
  for (const f of [...families, 'testing' as const])
    for (const r of CONTROL_FAMILIES[f]) {
      const key = `${r.framework}|${r.clause}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ framework: r.framework, clause: r.clause });
      }
    }
  return out;
}

/**
 * Clause titles in Japanese, as the official Japanese texts name them where one exists (GDPR: 個人情報保護委員会の
 * 仮訳; 個人情報保護法 and 番号利用法: the 見出し of the article), otherwise translated from the official English title.
 */
export const CLAUSE_TITLES_JA: Record<ComplianceFramework, Record<string, string>> = {
  'PCI-DSS-4.0.1': {
    '2.2.1': '構成基準の策定・実施・維持',
    '3.3.1': 'オーソリゼーション後に機密認証データ(SAD)を保持しない',
    '3.4.1': 'PAN を表示する際のマスキング',
    '4.2.1': '公衆ネットワークでの送信時に強力な暗号で PAN を保護',
    '6.2.4': '一般的なソフトウェア攻撃を防止・緩和するエンジニアリング手法',
    '6.3.2': 'カスタムソフトウェアおよびサードパーティ製コンポーネントのインベントリの維持',
    '6.4.1': '公開 Web アプリケーションの攻撃からの保護',
    '6.5.3': '本番前環境と本番環境の分離',
    '7.2.1': 'アクセス制御モデルの定義',
    '7.2.2': '職務に基づくアクセス権の付与(最小権限)',
    '8.3.1': 'システムコンポーネントへのすべてのユーザーアクセスの認証',
    '8.3.2': '送信中・保存中の認証要素を強力な暗号で読み取り不能にする',
    '8.6.2': 'スクリプト・ファイル・コードにパスワードをハードコードしない',
  },
  GDPR: {
    'Art. 5(1)(c)': 'データの最小化',
    'Art. 5(1)(f)': '完全性及び機密性',
    'Art. 25': 'データ保護・バイ・デザイン及びデータ保護・バイ・デフォルト',
    'Art. 30': '取扱活動の記録',
    'Art. 32': '取扱いの安全性',
  },
  HIPAA: {
    '164.308(a)(1)(ii)(A)': 'リスク分析',
    '164.312(a)(1)': 'アクセス制御',
    '164.312(b)': '監査制御',
    '164.312(c)(1)': '完全性',
    '164.312(d)': '個人または主体の認証',
    '164.312(e)(1)': '送信時のセキュリティ',
  },
  DORA: {
    'Art. 8': '特定',
    'Art. 9': '保護及び防止',
    'Art. 10': '検知',
    'Art. 24': 'デジタル・オペレーショナル・レジリエンス・テストの実施に関する一般要件',
    'Art. 25': 'ICT ツール及びシステムのテスト',
    'Art. 28': 'ICT 第三者リスク管理の一般原則',
  },
  NIS2: {
    'Art. 21(2)(a)': 'リスク分析及び情報システムのセキュリティに関する方針',
    'Art. 21(2)(d)': 'サプライチェーンのセキュリティ',
    'Art. 21(2)(e)': 'ネットワーク及び情報システムの取得・開発・保守におけるセキュリティ',
    'Art. 21(2)(g)': '基本的なサイバー衛生の実践',
    'Art. 21(2)(h)': '暗号及び暗号化',
    'Art. 21(2)(i)': 'アクセス制御方針及び資産管理',
    'Art. 21(2)(j)': '多要素認証又は継続的認証、保護された通信',
  },
  APPI: { 'Art. 23': '安全管理措置' },
  'MY-NUMBER-ACT': {
    'Art. 12': '個人番号利用事務実施者等の責務',
    'Art. 20': '特定個人情報の収集等の制限',
  },
};

export interface ComplianceClauseView {
  clause: string;
  title?: string;
  findings: string[];
}

export interface ComplianceFrameworkView {
  framework: ComplianceFramework;
  clauses: ComplianceClauseView[];
}

/**
 * Per framework (in COMPLIANCE_FRAMEWORKS order): the clauses findings touch, each with its finding ids and
 * its title in `lang` (English for the JSON contract, Japanese for `--lang ja` reports).
 */
export function complianceView(
  findings: readonly Finding[],
  lang: 'en' | 'ja' = 'en',
): ComplianceFrameworkView[] {
  const titles = lang === 'ja' ? CLAUSE_TITLES_JA : CLAUSE_TITLES;
  // Linear in findings × clauses: each finding id once (first occurrence), each rule's reference list
  // de-duplicated once (rules share one array), then plain pushes. A large spec has ~10^5 findings.
  const byFramework = new Map<ComplianceFramework, Map<string, string[]>>();
  const listsOf = new Map<readonly ComplianceRef[], string[][]>();
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    let lists = listsOf.get(f.compliance);
    if (!lists) {
      lists = [];
      const refs = new Set<string>();
      for (const r of f.compliance) {
        if (refs.has(`${r.framework}|${r.clause}`)) continue;
        refs.add(`${r.framework}|${r.clause}`);
        let clauses = byFramework.get(r.framework);
        if (!clauses) {
          clauses = new Map();
          byFramework.set(r.framework, clauses);
        }
        let ids = clauses.get(r.clause);
        if (!ids) {
          ids = [];
          clauses.set(r.clause, ids);
        }
        lists.push(ids);
      }
      listsOf.set(f.compliance, lists);
    }
    for (const ids of lists) ids.push(f.id);
  }
  const order: ComplianceFramework[] = [
    'PCI-DSS-4.0.1',
    'GDPR',
    'HIPAA',
    'DORA',
    'NIS2',
    'APPI',
    'MY-NUMBER-ACT',
  ];
  return order
    .filter((fw) => byFramework.has(fw))
    .map((fw) => ({
      framework: fw,
      clauses: [...byFramework.get(fw)!.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([clause, ids]) => {
          const view: ComplianceClauseView = { clause, findings: ids };
          const title = titles[fw][clause];
          if (title) view.title = title;
          return view;
        }),
    }));
}
