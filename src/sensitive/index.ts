// Sensitive data: which values in an exchange are personal data, financial data or secrets, where
// they travel (field paths), and how to show them masked. Pure functions, no I/O.
//
// Field paths: JSON bodies `$.customer.email`, arrays `$.items[].card` (odd keys `$["a b"]`), query
// `query.<name>`, headers `header.<name>` (lower case), cookies `cookie.<name>`, form bodies
// `form.<name>`, path segments `path.<i>` where i indexes `path.split('/')` (so `/users/123-45-6789`
// puts the SSN at `path.2`, matching the template's `split('/')` index).

export { type BodyKind, bodyKind, type ParsedBodies, parseBodies, parseForm } from './bodies.js';
export { CATALOGUE, type MaskStyle, type SensitiveTypeDef } from './catalogue.js';
export {
  type Classifier,
  type CustomSensitiveType,
  compileClassifier,
  MAX_DEPTH,
  MAX_VALUES_PER_BODY,
  type SensitiveHit,
} from './classifier.js';
export { maskValue } from './mask.js';
