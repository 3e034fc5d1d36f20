// The spec model: what OpenAPI 2.0/3.0/3.1 and Postman v2.1 documents are turned into
// (src/sources/openapi.ts, src/sources/postman.ts). Inventory uses it for templates and lifecycle,
// audit for rules (with locations back into the original file), the scanner for what to send.

/** A JSON Schema as found in the spec, with `$ref`s resolved (may be cyclic: walk with a seen-set). */
export type JsonSchema = Record<string, unknown>;

export interface SpecServer {
  url: string; // as written, variables substituted with their defaults
  scheme?: 'http' | 'https';
  host?: string; // lower case, no port; undefined for relative servers
  port?: number;
  /** Path prefix the operations' paths are under (`/api/v2`, `` for none). */
  basePath: string;
}

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'formData';
  required: boolean;
  deprecated: boolean;
  schema?: JsonSchema;
  example?: unknown;
  pointer: string; // JSON pointer of the parameter object (after following a $ref: where it is defined)
  /** File the object is defined in, when not the root file (set by $refs into other files). */
  file?: string;
}

export interface SpecMediaContent {
  contentType: string;
  schema?: JsonSchema;
  example?: unknown;
  pointer: string;
  /** File the object is defined in, when not the root file (set by $refs into other files). */
  file?: string;
}

export interface SpecResponse {
  status: string; // `200`, `4XX`, `default`
  description?: string;
  content: SpecMediaContent[];
  headers: string[];
  pointer: string;
  /** File the object is defined in, when not the root file (set by $refs into other files). */
  file?: string;
}

export type SecurityRequirement = Record<string, string[]>; // scheme name → scopes; {} = anonymous allowed

export interface SecuritySchemeModel {
  name: string;
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS' | 'basic';
  /** http schemes: `basic`, `bearer`, `digest` … (lower case). */
  scheme?: string;
  bearerFormat?: string;
  /** apiKey */
  in?: 'query' | 'header' | 'cookie';
  paramName?: string;
  /** oauth2 flow name → its scopes (implicit, password, clientCredentials, authorizationCode). */
  flows?: Record<string, { scopes: string[]; authorizationUrl?: string; tokenUrl?: string }>;
  pointer: string;
  /** File the object is defined in, when not the root file (set by $refs into other files). */
  file?: string;
}

export interface SpecOperation {
  method: string; // upper case
  /** Path as written in the spec (`/users/{id}`). */
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  parameters: SpecParameter[]; // path-level and operation-level merged, operation wins
  requestBody?: { required: boolean; content: SpecMediaContent[]; pointer: string; file?: string };
  responses: SpecResponse[];
  /** Effective security (operation's, else the document's); undefined when neither declares any. */
  security?: SecurityRequirement[];
  /** Server list that applies (operation → path item → document). */
  servers: SpecServer[];
  /** JSON pointer of the operation object: `/paths/~1users~1{id}/get`. */
  pointer: string;
  /** File the object is defined in, when not the root file (set by $refs into other files). */
  file?: string;
  /** `x-…` extensions on the operation, raw. */
  extensions: Record<string, unknown>;
}

export interface ApiSpec {
  /** Path of the root file as given by the user. */
  file: string;
  kind: 'openapi' | 'swagger' | 'postman';
  /** `2.0`, `3.0.3`, `3.1.0`, `postman-2.1`. */
  specVersion: string;
  title: string;
  /** info.version */
  apiVersion?: string;
  servers: SpecServer[];
  operations: SpecOperation[];
  securitySchemes: SecuritySchemeModel[];
  /** Document-level security (undefined when not declared). */
  security?: SecurityRequirement[];
  /** The parsed root document, `$ref`s NOT resolved (audit rules walk it with pointers). */
  document: unknown;
  /** Every file of the spec (root first), parsed, for rules that must walk referenced files too. */
  files: string[];
  /** Line/column (1-based) of a JSON pointer in a file of this spec (root file when `file` omitted). */
  locate(pointer: string, file?: string): { line: number; column: number };
  /** Follow a `$ref` string as written in `fromFile`; undefined when it does not resolve. */
  resolveRef(ref: string, fromFile?: string): { value: unknown; file: string; pointer: string } | undefined;
}
