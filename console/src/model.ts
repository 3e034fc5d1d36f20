// The platform's vocabulary, shared with the server rather than copied: item types the API serves
// (src/model) and the constant lists (severities, lifecycle tags, sensitive types, OWASP categories).

export type {
  Alert,
  AuthObservation,
  Endpoint,
  EvidenceRef,
  Finding,
  Incident,
  LifecycleTag,
  ParamObservation,
  SensitiveObservation,
} from '../../src/model/index.js';
export {
  COMPLIANCE_FRAMEWORKS,
  LIFECYCLE_TAGS,
  OWASP_API_2023,
  SENSITIVE_TYPES,
  SEVERITIES,
} from '../../src/model/vocabulary.js';
