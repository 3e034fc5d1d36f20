// The analysis functions of sibling modules that inventory calls per exchange, gathered in one place
// (tests replace this module to isolate inventory logic from classifier/identity details).
export { actorOf, authOf } from '../identity/index.js';
export {
  type Classifier,
  compileClassifier,
  maskValue,
  type ParsedBodies,
  parseBodies,
} from '../sensitive/index.js';
export { matchOperation } from '../sources/spec.js';
