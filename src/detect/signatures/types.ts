// The shape of a payload signature. Signatures are data (catalogue.ts): what they look for, where,
// how bad it is, and the attacks that must match and benign inputs that must not (CRS style: the
// catalogue test walks every example). The logic lives in a handful of named checkers (checks.ts).

import type { OwaspApi2023, Severity } from '../../model/index.js';

/** Where in an exchange an input value comes from. */
export type InputLocation =
  | 'path' // the request path, whole (traversal spans segments)
  | 'query' // a query parameter value
  | 'query-name' // a query parameter name (`user[$ne]`, `__proto__[x]`)
  | 'header' // a request header value (Authorization and Cookie excluded)
  | 'cookie' // a cookie value
  | 'json-value' // a string value in a JSON or form body
  | 'json-key' // an object key in a JSON body
  | 'body' // a non-JSON request body (XML, text)
  | 'prompt' // user text sent to an LLM endpoint (ai/)
  | 'method' // the request method
  | 'header-name' // a request header's name
  | 'content-type' // the request's Content-Type header, whole
  | 'part-name' // a multipart part's name, as sent
  | 'protocol-header' // the value of a transport header (Connection, Accept) or of any header sent empty
  | 'request-shape' // `METHOD media/type shape`: the body's shape (none, json, form, multipart, binary, text)
  | 'body-raw'; // a form body as sent, percent-encoding kept

export type SignatureFamily =
  | 'sqli'
  | 'xss'
  | 'path-traversal'
  | 'file-inclusion'
  | 'command-injection'
  | 'ssrf'
  | 'nosql-injection'
  | 'ldap-injection'
  | 'xxe'
  | 'ssti'
  | 'log4shell'
  | 'prototype-pollution'
  | 'crlf-injection'
  | 'ssi-injection'
  | 'scanner'
  | 'graphql'
  | 'java-injection'
  | 'php-injection'
  | 'script-upload'
  | 'nodejs-injection'
  | 'remote-file-inclusion'
  | 'request-smuggling'
  | 'protocol-anomaly'
  | 'session-fixation'
  | 'prompt-injection'
  | 'system-prompt-extraction';

/** What a signature runs. `regex` patterns read the normalised value (decoded, lower case). */
export type SignatureCheck =
  | {
      kind: 'regex';
      pattern: string;
      flags?: string /** substrings one of which must be present */;
      prefilter?: string[];
      /** Read the value as it arrived instead of normalised (percent-encoding is the point). */
      raw?: boolean;
    }
  | { kind: 'sqli' }
  | { kind: 'ssrf' }
  | { kind: 'rfi' }
  | { kind: 'control-chars' }
  | { kind: 'log4shell' }
  | { kind: 'nosql-operator' }
  | { kind: 'prototype-pollution' }
  | { kind: 'graphql-introspection' }
  | { kind: 'graphql-depth'; maxDepth: number };

export interface SignatureExample {
  in: InputLocation;
  value: string;
  /** Field or parameter name the value arrives under (JSON path for json-*). */
  name?: string;
}

export interface Signature {
  id: string;
  family: SignatureFamily;
  title: string;
  severity: Severity;
  owasp: OwaspApi2023;
  cwe: number;
  where: InputLocation[];
  /** Only inputs whose name matches (case-insensitive regex), e.g. GraphQL's `query` field. */
  fieldPattern?: string;
  check: SignatureCheck;
  /** A string example arrives at `where[0]`. */
  attacks: Array<string | SignatureExample>;
  benign: Array<string | SignatureExample>;
}
