// The unit everything flows through: one HTTP request with its response, normalised from any source
// (HAR, JSONL, access logs, proxy, middleware, scanner). Types only.

/** Header names are lower-cased; repeated headers are joined with ", " (set-cookie with "\n"). */
export type Headers = Record<string, string>;

export interface ExchangeBody {
  /** Decoded body text (UTF-8; base64 HAR bodies decoded), cut at the body cap. Binary bodies are "". */
  text: string;
  /** Size in bytes of the body as sent, before any cap (the source's own figure when it has one). */
  size: number;
  /** True when `text` holds less than the whole body (cap reached, or the source had only part). */
  truncated: boolean;
  /** Media type without parameters, lower-cased (`application/json`), when known. */
  mimeType?: string;
}

export interface ExchangeRequest {
  method: string; // upper case
  scheme: 'http' | 'https';
  host: string; // lower case, no port
  port?: number; // only when not the scheme's default
  path: string; // raw path, percent-encoding kept, no query
  /** Query parameters in order, names and values percent-decoded. */
  query: Array<[string, string]>;
  headers: Headers;
  body?: ExchangeBody;
  httpVersion?: string;
}

export interface ExchangeResponse {
  status: number;
  headers: Headers;
  body?: ExchangeBody;
}

export type SourceKind = 'har' | 'jsonl' | 'access-log' | 'proxy' | 'middleware' | 'scanner' | 'ingest';

/** Where an exchange came from, precise enough to point a person at the record. */
export interface ExchangeRef {
  kind: SourceKind;
  file?: string;
  /** Zero-based record index within its source: the HAR entry index, the n-th record of a log/JSONL file. */
  index: number;
  /** One-based line number for line-oriented sources (JSONL, access logs). */
  line?: number;
}

export interface Exchange {
  /** Stable id: given by the source (JSONL, sensors) or derived from ref + time + request line. */
  id: string;
  /** Epoch milliseconds when the request started. */
  time: number;
  source: ExchangeRef;
  client: {
    /** The peer address as the source saw it (HAR serverIPAddress is the server, not this). */
    address?: string;
    /** Raw X-Forwarded-For chain is in request.headers; identity/actor resolution happens in analysis. */
  };
  request: ExchangeRequest;
  /** Absent when the source saw no response (aborted call, HAR entry with status 0). */
  response?: ExchangeResponse;
  latencyMs?: number;
}
