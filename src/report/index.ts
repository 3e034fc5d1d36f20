// Report formats shared by `mamori audit` and `mamori scan`: SARIF, JUnit, Markdown, HTML (en/ja).
export {
  countByOwasp,
  countBySeverity,
  endpointOf,
  placeOf,
  ruleIdOf,
  rulesFor,
  sortFindings,
} from './common.js';
export { esc, type HtmlOptions, toHtml } from './html.js';
export { type Lang, STRINGS } from './i18n.js';
export { type JunitSuite, toJunit } from './junit.js';
export { type MarkdownOptions, toMarkdown } from './markdown.js';
export { SARIF_SCHEMA_URI, type SarifOptions, SECURITY_SEVERITY, toSarif } from './sarif.js';
export type { ComplianceFrameworkView, EndpointRisk, HtmlReport, RuleMeta } from './types.js';
