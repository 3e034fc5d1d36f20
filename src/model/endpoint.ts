// The inventory's unit: host + method + path template, with everything observed about it.
// This is the shape stored, served and printed (`{ "endpoints": [Endpoint…] }`, docs/schemas/inventory).

import type { JsonSchema } from './spec.js';
import type { Direction, LifecycleTagName, SensitiveType } from './vocabulary.js';

export type ParamLocation = 'path' | 'query' | 'header' | 'cookie' | 'body';

export interface ParamObservation {
  name: string; // body params use a field path: `$.customer.email`, `$.items[].sku`
  location: ParamLocation;
  /** JSON-ish types seen: string, integer, number, boolean, object, array, null. */
  types: string[];
  /** Formats recognised in values: uuid, date, date-time, email, uri, ipv4, … */
  formats: string[];
  count: number;
}

export type AuthType =
  | 'none'
  | 'basic'
  | 'bearer'
  | 'jwt'
  | 'api-key'
  | 'session-cookie'
  | 'digest'
  | 'oauth2';

export interface AuthObservation {
  type: AuthType;
  /** Where the credential travels (api-key, session-cookie, jwt/bearer in header). */
  in?: 'header' | 'query' | 'cookie';
  /** Header, query or cookie name carrying it (`authorization`, `x-api-key`, `sid`). */
  name?: string;
  /** JWT header `alg`, decoded, not trusted. */
  alg?: string;
  count: number;
}

export interface SensitiveObservation {
  type: SensitiveType;
  direction: Direction;
  /** Field path: `$.customer.email`, `query.card`, `header.x-api-key`, `cookie.ssn`, `path.{ssn}`. */
  field: string;
  count: number;
  /** A few masked samples (`4111********1111`); raw values are never kept. */
  samples: string[];
}

/** Why a lifecycle tag was given, so a person can check it. */
export interface LifecycleTag {
  tag: LifecycleTagName;
  reason: string;
  spec?: { file: string; version?: string; operationId?: string };
  /** For zombies: the newer endpoint that replaced this one (`GET /v2/users/{id}`). */
  replacedBy?: string;
  firstSeen?: string; // ISO 8601
  lastSeen?: string;
  /** Exchange reference of one call showing it (HAR entry index, log line). */
  sample?: ExchangeSample;
}

export interface Endpoint {
  host: string;
  method: string;
  /** OpenAPI-style template: `/users/{userId}/orders/{orderId}`. */
  path: string;
  tags: LifecycleTag[];
  calls: number;
  /** Distinct actors seen (approximate beyond the cap). */
  clients: number;
  firstSeen?: string;
  lastSeen?: string;
  params: ParamObservation[];
  requestContentTypes: string[];
  responseContentTypes: string[];
  /** Status code → count. */
  statuses: Record<string, number>;
  auth: AuthObservation[];
  sensitive: SensitiveObservation[];
  latency?: { p50: number; p95: number };
  errorRate: number;
  /** 0–100; computed by the risk model (audit), 0 until scored. */
  risk: number;
  /** The spec operation that documents it, if any (title and info.version of that spec, when known). */
  spec?: {
    file: string;
    operationId?: string;
    path: string;
    deprecated?: boolean;
    title?: string;
    version?: string;
  };
  /** JSON Schemas inferred from observed bodies (examples masked), for --export-openapi and drift rules. */
  schemas?: { request?: JsonSchema; responses?: Record<string, JsonSchema> };
  /** Per-exchange facts kept for posture rules over traffic (audit --inventory). */
  observed?: TrafficObservations;
  /** The first exchange seen calling it (evidence for tags and findings). */
  sample?: ExchangeSample;
  /** Mergeable summaries behind `clients` and `latency`, so that runs merge in the store without raw data. */
  sketch?: EndpointSketch;
}

export interface EndpointSketch {
  /** HyperLogLog (p = 11) of actor ids: `s:` sparse idx.rank pairs or `d:` base64 registers. */
  clients: string;
  /** Log-bucket latency histogram (gamma 1.04): bucket index → count. */
  latency: Record<string, number>;
}

export interface ExchangeSample {
  file?: string;
  index: number;
  line?: number;
}

/** What traffic rules need to judge an endpoint without re-reading its exchanges. */
export interface TrafficObservations {
  /** `http` / `https` → calls. */
  schemes: Record<string, number>;
  /** Posture-relevant response headers (server, x-powered-by, x-aspnet-version, strict-transport-security,
   * content-security-policy, x-content-type-options, x-frame-options, access-control-allow-origin,
   * access-control-allow-credentials, cache-control) → count and one masked sample value. */
  responseHeaders: Record<string, { count: number; sample: string }>;
  /** Calls that look browser-driven (Origin, Cookie, Sec-Fetch-*, text/html accept). */
  browserCalls: number;
  /** Responses leaking internals, each with one exchange that shows it and a short masked excerpt. */
  errorLeaks: Array<{
    kind: 'stack-trace' | 'sql-error';
    count: number;
    sample: ExchangeSample;
    excerpt: string;
  }>;
  /** One exchange per auth type seen (for evidence in auth-related rules). */
  authSamples: Record<string, ExchangeSample>;
  /** 2xx answers to calls that carried no credentials. */
  unauthenticatedSuccess: number;
}

export function endpointKey(e: { host: string; method: string; path: string }): string {
  return `${e.host} ${e.method} ${e.path}`;
}
