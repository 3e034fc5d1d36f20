// Detection configuration: behaviour thresholds, state bounds and suppressions / allow-lists. Written
// as YAML by people, so it is validated with a JSON Schema and every error names the field (dotted
// path) and its line. Parsing is pure: the CLI reads the file and passes the text.

import { Ajv } from 'ajv';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { InputIssue } from '../model/index.js';

export interface Suppression {
  /** Signature id or glob (`MAM-SIG-XSS-*`). */
  signature?: string;
  /** Alert type or glob (`behaviour.*`, `signature.sqli`). */
  type?: string;
  /** `METHOD /path/glob` or `/path/glob`, matched against the endpoint template and the raw path. */
  endpoint?: string;
  host?: string;
  /** Actor id or glob (`jwt:3f2a*`). */
  actor?: string;
  /** Client address or CIDR. */
  address?: string;
  /** Field glob (`$.html`, `query.q`, `header.user-agent`). */
  field?: string;
  reason?: string;
}

export interface DetectThresholds {
  /** `newIdRatio`: distinct ids per call at least this (a client re-reading the same ids is not probing). */
  bola: { minIds: number; denyRatio: number; sequentialIds: number; newIdRatio: number };
  stuffing: {
    minUsernames: number;
    failureRatio: number;
    distributedAddresses: number;
    distributedUsernames: number;
    /** Failed logins on one login endpoint in the window, from all callers together (a botnet). */
    endpointFailures: number;
  };
  /** `passwords`: distinct passwords among the failures (a client retrying a stale one is not guessing). */
  bruteForce: { failures: number; failureRatio: number; passwords: number };
  /** `items`: distinct objects of one item endpoint (detail pages) read at a steady machine pace. */
  scraping: { pages: number; bytes: number; items: number };
  /** `regionSwitches`: calls alternating between registry regions (continents) in the window. */
  tokenSharing: { addresses: number; agents: number; addressesAlone: number; regionSwitches: number };
  /** `newPathRatio`: distinct missing paths per miss at least this (CI retrying its routes is not a spray). */
  notFound: { paths: number; ratio: number; newPathRatio: number };
  rate: {
    minPerMinute: number;
    absolutePerMinute: number;
    deviations: number;
    factor: number;
    warmup: number;
  };
  sensitive: { values: number };
  ai: { maxPromptChars: number; tokensPerWindow: number; promptCharsPerWindow: number };
}

export interface DetectConfig {
  /** Behaviour window (tumbling, event time). */
  windowSeconds: number;
  /** A second, longer window for attackers who pace themselves under the per-window thresholds. */
  longWindowSeconds: number;
  /** Count thresholds in the long window are this multiple of the window's (ratios stay the same). */
  longWindowFactor: number;
  /** Alerts of one actor closer than this group into one incident. */
  incidentGapSeconds: number;
  /** Cap on entries of each per-actor / per-endpoint state table (LRU beyond). */
  maxStateEntries: number;
  maxAlerts: number;
  /** Exchange references kept per alert (the count keeps going). */
  evidencePerAlert: number;
  /** Signature ids (or globs) not to run. */
  disabledSignatures: string[];
  /** Alert types (or globs) not to raise. */
  disabledTypes: string[];
  thresholds: DetectThresholds;
  suppress: Suppression[];
}

export const DEFAULT_CONFIG: DetectConfig = {
  windowSeconds: 600,
  longWindowSeconds: 7200,
  longWindowFactor: 3,
  incidentGapSeconds: 1800,
  maxStateEntries: 50_000,
  maxAlerts: 10_000,
  evidencePerAlert: 100,
  disabledSignatures: [],
  disabledTypes: [],
  thresholds: {
    bola: { minIds: 20, denyRatio: 0.5, sequentialIds: 100, newIdRatio: 0.5 },
    stuffing: {
      minUsernames: 10,
      failureRatio: 0.7,
      distributedAddresses: 5,
      distributedUsernames: 20,
      endpointFailures: 60,
    },
    bruteForce: { failures: 10, failureRatio: 0.8, passwords: 5 },
    scraping: { pages: 50, bytes: 50 * 1024 * 1024, items: 60 },
    tokenSharing: { addresses: 5, agents: 3, addressesAlone: 20, regionSwitches: 4 },
    notFound: { paths: 30, ratio: 0.5, newPathRatio: 0.5 },
    rate: { minPerMinute: 60, absolutePerMinute: 300, deviations: 6, factor: 5, warmup: 30 },
    sensitive: { values: 200 },
    ai: { maxPromptChars: 50_000, tokensPerWindow: 200_000, promptCharsPerWindow: 500_000 },
  },
  suppress: [],
};

type Partial2<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : Partial2<T[K]>) : T[K];
};
export type DetectConfigInput = Partial2<DetectConfig>;

const num = { type: 'number', minimum: 0 };
const ratio = { type: 'number', minimum: 0, maximum: 1 };
function group(props: Record<string, object>) {
  return { type: 'object', additionalProperties: false, properties: props };
}

export const CONFIG_SCHEMA = group({
  windowSeconds: { type: 'number', exclusiveMinimum: 0 },
  longWindowSeconds: { type: 'number', exclusiveMinimum: 0 },
  longWindowFactor: { type: 'number', minimum: 1 },
  incidentGapSeconds: num,
  maxStateEntries: { type: 'integer', minimum: 16 },
  maxAlerts: { type: 'integer', minimum: 1 },
  evidencePerAlert: { type: 'integer', minimum: 1 },
  disabledSignatures: { type: 'array', items: { type: 'string' } },
  disabledTypes: { type: 'array', items: { type: 'string' } },
  thresholds: group({
    bola: group({ minIds: num, denyRatio: ratio, sequentialIds: num, newIdRatio: ratio }),
    stuffing: group({
      minUsernames: num,
      failureRatio: ratio,
      distributedAddresses: num,
      distributedUsernames: num,
      endpointFailures: num,
    }),
    bruteForce: group({ failures: num, failureRatio: ratio, passwords: num }),
    scraping: group({ pages: num, bytes: num, items: num }),
    tokenSharing: group({ addresses: num, agents: num, addressesAlone: num, regionSwitches: num }),
    notFound: group({ paths: num, ratio, newPathRatio: ratio }),
    rate: group({ minPerMinute: num, absolutePerMinute: num, deviations: num, factor: num, warmup: num }),
    sensitive: group({ values: num }),
    ai: group({ maxPromptChars: num, tokensPerWindow: num, promptCharsPerWindow: num }),
  }),
  suppress: {
    type: 'array',
    items: {
      ...group({
        signature: { type: 'string', minLength: 1 },
        type: { type: 'string', minLength: 1 },
        endpoint: { type: 'string', pattern: '^(?:[A-Za-z]+ +)?/' },
        host: { type: 'string', minLength: 1 },
        actor: { type: 'string', minLength: 1 },
        address: { type: 'string', minLength: 1 },
        field: { type: 'string', minLength: 1 },
        reason: { type: 'string' },
      }),
      minProperties: 1,
    },
  },
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(CONFIG_SCHEMA);

function mergeDeep<T>(base: T, over: unknown): T {
  if (over === undefined || over === null || typeof over !== 'object' || Array.isArray(over))
    return (over ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = mergeDeep(out[k], v);
  return out as T;
}

/** Defaults with `input` laid over them (input assumed valid: from `parseDetectConfig` or code). */
export function resolveConfig(input: DetectConfigInput = {}): DetectConfig {
  return mergeDeep(DEFAULT_CONFIG, input);
}

/** Parse and validate a YAML (or JSON) config text. Any issue means no config. */
export function parseDetectConfig(
  text: string,
  file: string,
): { config?: DetectConfig; issues: InputIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return {
          code: 'config.yaml',
          message: `bad YAML: ${e.message.split('\n')[0]}`,
          file,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          fatal: true,
        };
      }),
    };
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return { config: resolveConfig(), issues: [] };
  if (validate(value)) return { config: resolveConfig(value as DetectConfigInput), issues: [] };
  const issues: InputIssue[] = (validate.errors ?? []).map((err) => {
    const segments = err.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (err.keyword === 'additionalProperties') segments.push(String(err.params['additionalProperty']));
    const field = segments.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
    const node = doc.getIn(
      segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      true,
    ) as { range?: [number, number, number] } | undefined;
    let loc = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    if (!loc && err.keyword === 'additionalProperties' && isMap(doc.getIn(segments.slice(0, -1), true))) {
      const parent = doc.getIn(segments.slice(0, -1), true) as { range?: [number, number, number] };
      if (parent.range) loc = lineCounter.linePos(parent.range[0]);
    }
    const message =
      err.keyword === 'additionalProperties'
        ? `unknown setting ${field}`
        : `${field || 'config'} ${err.message ?? 'is invalid'}`;
    return {
      code: 'config.invalid',
      message,
      file,
      field: field || '(root)',
      ...(loc ? { line: loc.line, column: loc.col } : {}),
      fatal: true,
    };
  });
  return { issues };
}
