// The audit vocabulary: a rule is data (metadata + where it applies + which checker judges it + its own
// failing and passing fixtures); a checker is a small named function over one kind of node of the
// shared per-spec index (src/audit/spec-index.ts) or over one inventory endpoint.

import type {
  ApiSpec,
  Endpoint,
  EvidenceRef,
  SecuritySchemeModel,
  SpecOperation,
  SpecParameter,
  SpecResponse,
} from '../model/index.js';

/** What a rule applies to: one kind of node of the spec index, the whole document, or an inventory endpoint. */
export const TARGETS = [
  'document',
  'server',
  'security-scheme',
  'operation',
  'parameter',
  'response',
  'schema',
  'endpoint',
] as const;
export type Target = (typeof TARGETS)[number];

/** Where a schema node was reached from: an input (parameter, request body) or a response body. */
export type SchemaRole = 'parameter' | 'request' | 'response';

/** Rule metadata as the report formats use it: one definition, in src/report. */
import type { RuleMeta } from '../report/types.js';

export type { RuleMeta };

/** Narrows a target: only nodes of these methods / schema roles / parameter locations / statuses. */
export interface Given {
  target: Target;
  methods?: string[];
  roles?: SchemaRole[];
  in?: Array<SpecParameter['in']>;
  /** Response status pattern (regex source), e.g. `^[45]`. */
  status?: string;
}

export interface Then {
  check: string;
  options?: Record<string, unknown>;
}

/** A spec fixture is a (partial) OpenAPI document; an endpoint fixture is a partial Endpoint (+ optional spec). */
export interface Fixture {
  spec?: Record<string, unknown>;
  endpoint?: Partial<Endpoint>;
}

export interface Rule extends RuleMeta {
  given: Given;
  then: Then;
  fixtures: { fail: Fixture; pass: Fixture };
}

// ---- index nodes the checkers see ----

export interface ServerNode {
  kind: 'server';
  url: string;
  scheme?: string;
  host?: string;
  description?: string;
  raw: Record<string, unknown>;
  /** True for swagger 2.0 `schemes` entries (no URL of their own). */
  swaggerScheme?: boolean;
  pointer: string;
}

export interface SchemeNode {
  kind: 'security-scheme';
  scheme: SecuritySchemeModel;
  raw: Record<string, unknown>;
  pointer: string;
}

export interface OperationNode {
  kind: 'operation';
  op: SpecOperation;
  raw: Record<string, unknown>;
  pointer: string;
}

export interface ParameterNode {
  kind: 'parameter';
  param: SpecParameter;
  op: SpecOperation;
  pointer: string;
}

export interface ResponseNode {
  kind: 'response';
  response: SpecResponse;
  op: SpecOperation;
  /** Raw response object (for headers), `$ref` followed. */
  raw: Record<string, unknown>;
  pointer: string;
}

export interface SchemaNode {
  kind: 'schema';
  /** The schema object as written (its own `$ref` already followed). */
  schema: Record<string, unknown>;
  /** Its JSON Schema types (`schemaTypes`), computed once: a dozen rules ask. */
  types: ReadonlySet<string>;
  file: string;
  pointer: string;
  role: SchemaRole;
  /** Property name when this schema is the value of a `properties` entry (or the parameter name at the root). */
  name?: string;
  /** Dotted path of property names from the body root (`customer.card`). */
  path: string;
  /** True when an enclosing schema marks it readOnly / writeOnly. */
  readOnly: boolean;
  writeOnly: boolean;
  op: SpecOperation;
  /** Response status for response schemas. */
  status?: string;
  /** True for the root schema of a body or parameter. */
  root: boolean;
}

export interface DocumentNode {
  kind: 'document';
  pointer: '';
}

export interface EndpointNode {
  kind: 'endpoint';
  endpoint: Endpoint;
  /** The spec operation documenting it, when the audit has that spec. */
  specOp?: { spec: ApiSpec; op: SpecOperation };
}

export type AnyNode =
  | DocumentNode
  | ServerNode
  | SchemeNode
  | OperationNode
  | ParameterNode
  | ResponseNode
  | SchemaNode
  | EndpointNode;

/** One thing a checker found; the engine turns it into a Finding (location, fingerprint, metadata). */
export interface Hit {
  /** Specific detail for a person (`property password in the 200 response`). */
  message: string;
  /** Defaults to the node's pointer / file. */
  pointer?: string;
  file?: string;
  evidence?: EvidenceRef[];
}

export interface CheckContext {
  spec?: ApiSpec;
  /** Shared walk of the spec (built once, used by every rule). */
  index?: import('./spec-index.js').SpecIndex;
}

export interface CheckDef {
  /** Targets this checker understands. */
  targets: readonly Target[];
  /** JSON Schema of its options (validated for custom rules from the config). */
  options?: Record<string, unknown>;
  run(node: AnyNode, options: Record<string, unknown>, ctx: CheckContext): Hit[];
}
