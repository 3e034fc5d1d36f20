// The scanner's vocabulary: a test is DATA (Nuclei-style header + a named checker with options);
// checkers are the few functions that send requests and decide verdicts; the runner glues them.

import type { OwaspApi2023, Severity, SpecOperation } from '../model/index.js';

export const CHECKER_NAMES = [
  'auth-required',
  'jwt-forgery',
  'jwt-weak-secret',
  'user-enumeration',
  'common-password',
  'bola',
  'id-enumeration',
  'create-on-behalf',
  'mass-assignment',
  'sensitive-fields',
  'undeclared-fields',
  'rate-limit',
  'page-size',
  'payload-size',
  'target-crash',
  'admin-access',
  'method-switch',
  'ssrf-callback',
  'ssrf-internal',
  'cors',
  'verbose-errors',
  'trace',
  'jsonp',
  'security-headers',
  'plain-http',
  'old-version',
  'exposed-path',
  'directory-listing',
  'null-byte',
  'open-redirect',
  'xxe',
  'upload-type',
  'captcha',
  'sqli-error',
  'sqli-boolean',
  'sqli-time',
  'sqli-union',
  'sqli-login',
  'nosql-operator',
  'command-injection',
  'path-traversal',
  'ssti',
  'xss-reflected',
  'schema-fuzz',
  'schema-empty',
  'response-schema',
] as const;
export type CheckerName = (typeof CHECKER_NAMES)[number];

/** One active test: everything a reader needs to know what it sends and how it decides. */
export interface ScanTest {
  id: string;
  name: string;
  severity: Severity;
  owasp: OwaspApi2023;
  cwe?: number;
  /** What is sent, in words. */
  sends: string;
  /** How the verdict is decided (and what rules out the benign explanation), in words. */
  decides: string;
  remediation: string;
  checker: CheckerName;
  options: Record<string, unknown>;
  /** Needs state-changing requests: skipped without --destructive. */
  destructive?: boolean;
  /** Needs this many distinct non-admin identities. */
  identities?: number;
}

export type HeaderMap = Record<string, string>;

/** What a checker asks the client to send. `path` is the full request path with query string. */
export interface ScanRequest {
  method: string;
  path: string;
  headers?: HeaderMap;
  body?: string;
  /** The operation this request exercises, when it maps onto one. */
  op?: SpecOperation;
  /** Identity name the request is sent as ('' = anonymous / forged). */
  as?: string;
  /** Free text shown in --plan output. */
  note?: string;
}

export interface ScanResponse {
  status: number;
  headers: HeaderMap;
  body: string;
  truncated: boolean;
  /** Wall time from send to the end of the body. */
  ms: number;
}

/** One request the scanner sent with what came back: the unit of evidence. */
export interface ScanExchange {
  id: string;
  url: string;
  request: ScanRequest & { headers: HeaderMap };
  response: ScanResponse;
}

export interface Identity {
  name: string;
  header: string; // lower-case header name
  value: string;
  /** Marked admin by its name (`admin`, `root`, `superuser` …): used by function-level tests. */
  admin: boolean;
}
