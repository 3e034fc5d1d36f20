// The shared words of shared/DESIGN.md: code, JSON output, UI and docs use exactly these.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to sort and to apply `--fail-on`. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export const LIFECYCLE_TAGS = ['shadow', 'zombie', 'deprecated', 'orphan', 'rogue'] as const;
export type LifecycleTagName = (typeof LIFECYCLE_TAGS)[number];

export const SENSITIVE_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'JP_MY_NUMBER',
  'JP_CORPORATE_NUMBER',
  'IBAN',
  'IP_ADDRESS',
  'DATE_OF_BIRTH',
  'PASSWORD',
  'JWT',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'PRIVATE_KEY',
  'API_KEY',
  'BEARER_TOKEN',
  'PASSPORT_NUMBER',
  'POSTAL_ADDRESS',
  'PERSON_NAME',
  'BANK_ACCOUNT',
  'HEALTH_RECORD',
] as const;
/** Built-in types above, or a custom type name from the config (also UPPER_SNAKE_CASE). */
export type SensitiveType = (typeof SENSITIVE_TYPES)[number] | (string & {});

export type Direction = 'request' | 'response';

/** OWASP API Security Top 10 2023 categories, `API1:2023` … `API10:2023`. */
export const OWASP_API_2023 = {
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
} as const;
export type OwaspApi2023 = keyof typeof OWASP_API_2023;

export const COMPLIANCE_FRAMEWORKS = [
  'PCI-DSS-4.0.1',
  'GDPR',
  'HIPAA',
  'DORA',
  'NIS2',
  'APPI',
  'MY-NUMBER-ACT',
] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

export interface ComplianceRef {
  framework: ComplianceFramework;
  /** Clause as the official text numbers it: `6.2.4`, `Art. 32`, `164.312(e)(1)`, `Art. 21(2)(e)`. */
  clause: string;
}
