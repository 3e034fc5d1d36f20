// The vocabulary of shared/DESIGN.md, types only: every module speaks in these.
export * from './endpoint.js';
export * from './exchange.js';
export * from './finding.js';
export * from './issues.js';
export * from './spec.js';
export * from './vocabulary.js';
