// The built-in rule catalogue: every rule as data, in the order the catalogue doc lists them.

import type { Rule } from '../types.js';
import { AUTH_RULES } from './auth.js';
import { EXPOSURE_RULES } from './exposure.js';
import { INPUT_RULES } from './inputs.js';
import { OPERATION_RULES } from './operations.js';
import { SERVER_RULES } from './servers.js';
import { TRAFFIC_RULES } from './traffic.js';

export const RULES: readonly Rule[] = [
  ...AUTH_RULES,
  ...OPERATION_RULES,
  ...INPUT_RULES,
  ...EXPOSURE_RULES,
  ...SERVER_RULES,
  ...TRAFFIC_RULES,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
