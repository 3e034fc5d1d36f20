// What every traffic source promises: a stream of Exchange values plus one InputIssue per record it
// could not read. Sources know nothing of analysis.

import type { InputIssue } from '../model/index.js';

export type TrafficFormat = 'har' | 'jsonl' | 'combined' | 'json-log' | 'envoy' | 'alb';

/** For `json-log`: which JSON field holds what (dot paths into each log object). */
export interface JsonLogFieldMap {
  time?: string;
  method?: string;
  /** Full URL, or path with query. */
  url?: string;
  path?: string;
  query?: string;
  host?: string;
  scheme?: string;
  status?: string;
  client?: string;
  userAgent?: string;
  latencyMs?: string;
  requestHeaders?: string;
  responseHeaders?: string;
}

export interface ReadOptions {
  /** Called once per skipped record and for fatal problems (`fatal: true`); may throw to stop (--strict). */
  onIssue: (issue: InputIssue) => void;
  /** Bytes of body text kept per body (default 65536); longer bodies are cut and marked truncated. */
  bodyCap?: number;
  /** Forced format; detected from the content when absent. */
  format?: TrafficFormat;
  fieldMap?: JsonLogFieldMap;
  /** Called now and then with bytes consumed so far and the file size (for progress bars). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Host for log records that carry none (combined/common logs without a vhost field). Default `unknown`. */
  defaultHost?: string;
  /** Scheme for log records that carry none. Default `https`. */
  defaultScheme?: 'http' | 'https';
}
