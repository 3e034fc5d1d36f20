// Runtime detection: payload signatures (data), behaviour per actor, AI endpoints, alerts and
// incidents. Analysis only, no I/O: the CLI (`mamori detect`), the server and workers feed exchanges.

export { isLlmResponse, LlmMonitor, llmViewOf } from './ai/llm.js';
export { PROMPT_SIGNATURES } from './ai/prompt-signatures.js';
export { AlertBook, type Detection, type ExchangeFacts } from './alerts.js';
export {
  CONFIG_SCHEMA,
  DEFAULT_CONFIG,
  type DetectConfig,
  type DetectConfigInput,
  type DetectThresholds,
  parseDetectConfig,
  resolveConfig,
  type Suppression,
} from './config.js';
export {
  createDetector,
  type Detector,
  type DetectorOptions,
  type DetectSummary,
  type RequestVerdicts,
  type StateReport,
} from './engine.js';
export { normaliseValue } from './normalise.js';
export { SIGNATURES } from './signatures/catalogue.js';
export { compileCatalogue, type Input, type SignatureHit } from './signatures/matcher.js';
export type { InputLocation, Signature, SignatureFamily } from './signatures/types.js';
export { detectSqli } from './sqli.js';
