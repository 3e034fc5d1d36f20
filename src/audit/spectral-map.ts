// Which mamori rule covers each rule of Spectral's OWASP ruleset (@stoplight/spectral-owasp-ruleset 2.x),
// for the audit benchmark's side-by-side table. Our rules are written independently; `note` says where the
// intent is matched differently (e.g. we judge input schemas only, where Spectral walks every schema).

export interface SpectralMapping {
  spectral: string;
  mamori: string[];
  note?: string;
}

export const SPECTRAL_OWASP_MAP: readonly SpectralMapping[] = [
  {
    spectral: 'owasp:api1:2023-no-numeric-ids',
    mamori: ['MAM-BOLA-002', 'MAM-BOLA-001'],
    note: 'BOLA-001 adds the missing object-level authorisation hint',
  },
  { spectral: 'owasp:api2:2023-no-http-basic', mamori: ['MAM-AUTH-001', 'MAM-AUTH-002'] },
  { spectral: 'owasp:api2:2023-no-api-keys-in-url', mamori: ['MAM-AUTH-003'] },
  {
    spectral: 'owasp:api2:2023-no-credentials-in-url',
    mamori: ['MAM-PARAM-002'],
    note: 'pagination tokens are not credentials',
  },
  { spectral: 'owasp:api2:2023-auth-insecure-schemes', mamori: ['MAM-AUTH-006'] },
  { spectral: 'owasp:api2:2023-jwt-best-practices', mamori: ['MAM-AUTH-007'] },
  {
    spectral: 'owasp:api2:2023-short-lived-access-tokens',
    mamori: ['MAM-AUTH-008'],
    note: 'client-credentials flows are not flagged',
  },
  { spectral: 'owasp:api2:2023-write-restricted', mamori: ['MAM-AUTH-017'] },
  { spectral: 'owasp:api2:2023-read-restricted', mamori: ['MAM-AUTH-018'] },
  { spectral: 'owasp:api3:2023-no-additionalProperties', mamori: ['MAM-MASS-002', 'MAM-MASS-001'] },
  { spectral: 'owasp:api3:2023-constrained-additionalProperties', mamori: ['MAM-MASS-003'] },
  { spectral: 'owasp:api3:2023-no-unevaluatedProperties', mamori: ['MAM-MASS-004'] },
  { spectral: 'owasp:api3:2023-constrained-unevaluatedProperties', mamori: ['MAM-MASS-005'] },
  {
    spectral: 'owasp:api4:2023-rate-limit',
    mamori: ['MAM-OP-005'],
    note: '429 responses are judged by OP-004 (Retry-After) instead',
  },
  { spectral: 'owasp:api4:2023-rate-limit-retry-after', mamori: ['MAM-OP-004'] },
  { spectral: 'owasp:api4:2023-rate-limit-responses-429', mamori: ['MAM-OP-003', 'MAM-OP-011'] },
  {
    spectral: 'owasp:api4:2023-array-limit',
    mamori: ['MAM-INPUT-003'],
    note: 'inputs only (parameters and request bodies)',
  },
  {
    spectral: 'owasp:api4:2023-string-limit',
    mamori: ['MAM-INPUT-001'],
    note: 'inputs only; formats with inherent bounds (date, uuid, ip) exempt',
  },
  { spectral: 'owasp:api4:2023-string-restricted', mamori: ['MAM-INPUT-002'], note: 'inputs only' },
  { spectral: 'owasp:api4:2023-integer-limit', mamori: ['MAM-INPUT-004'], note: 'inputs only' },
  {
    spectral: 'owasp:api4:2023-integer-limit-legacy',
    mamori: ['MAM-INPUT-004'],
    note: 'one rule for every spec version',
  },
  { spectral: 'owasp:api4:2023-integer-format', mamori: ['MAM-INPUT-006'], note: 'inputs only' },
  { spectral: 'owasp:api5:2023-admin-security-unique', mamori: ['MAM-AUTH-019', 'MAM-AUTH-020'] },
  { spectral: 'owasp:api7:2023-concerning-url-parameter', mamori: ['MAM-PARAM-001'] },
  { spectral: 'owasp:api8:2023-define-cors-origin', mamori: ['MAM-OP-015'] },
  { spectral: 'owasp:api8:2023-no-scheme-http', mamori: ['MAM-SRV-002'] },
  { spectral: 'owasp:api8:2023-no-server-http', mamori: ['MAM-SRV-001', 'MAM-SRV-003'] },
  { spectral: 'owasp:api8:2023-define-error-validation', mamori: ['MAM-OP-006'] },
  { spectral: 'owasp:api8:2023-define-error-responses-401', mamori: ['MAM-OP-001', 'MAM-OP-008'] },
  { spectral: 'owasp:api8:2023-define-error-responses-500', mamori: ['MAM-OP-007', 'MAM-OP-008'] },
  { spectral: 'owasp:api9:2023-inventory-access', mamori: ['MAM-SRV-006'] },
  { spectral: 'owasp:api9:2023-inventory-environment', mamori: ['MAM-SRV-007'] },
];
