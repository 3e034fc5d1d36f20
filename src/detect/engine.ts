// The detection engine: a plain function over one exchange and explicit, bounded state. No I/O, so
// the same engine runs in the CLI over files, in the server, and in scaled-out workers (partitioned by
// actor so behaviour state stays in one place).
//
//   process(ex)  → alerts this exchange created (duplicates fold into existing alerts)
//   flush()      → every alert so far, incidents, and what bounded state had to forget

import ipaddr from 'ipaddr.js';
import picomatch from 'picomatch';
import { actorOf, clientAddressOf, type TrustedProxies } from '../identity/index.js';
import { templatePath } from '../inventory/index.js';
import type { Alert, Exchange, Incident } from '../model/index.js';
import {
  type Classifier,
  type CustomSensitiveType,
  compileClassifier,
  maskValue,
  type ParsedBodies,
  parseBodies,
  type SensitiveHit,
} from '../sensitive/index.js';
import { answerText, isPromptField, LlmMonitor, sensitiveInText } from './ai/llm.js';
import { PROMPT_SIGNATURES } from './ai/prompt-signatures.js';
import { AlertBook, type Detection, type ExchangeFacts } from './alerts.js';
import type { Behaviour } from './behaviour/common.js';
import { EnumerationDetector } from './behaviour/enumeration.js';
import { LoginDetector } from './behaviour/login.js';
import { RateAnomalyDetector } from './behaviour/rate.js';
import { SensitiveBulkDetector } from './behaviour/sensitive-bulk.js';
import { NotFoundSprayDetector, ScrapingDetector, TokenSharingDetector } from './behaviour/traffic.js';
import { type DetectConfig, type DetectConfigInput, resolveConfig } from './config.js';
import { requestInputs } from './inputs.js';
import { SIGNATURES } from './signatures/catalogue.js';
import { compileCatalogue, type Input, type SignatureHit } from './signatures/matcher.js';
import { LruMap } from './sketch.js';

export interface DetectorOptions {
  trustedProxies?: TrustedProxies;
  /** Custom sensitive-data types (same as discover's). */
  customSensitive?: CustomSensitiveType[];
  /** A classifier to share (else one is compiled). */
  classifier?: Classifier;
}

export interface StateReport {
  size: number;
  max: number;
  evicted: number;
}

export interface DetectSummary {
  alerts: Alert[];
  incidents: Incident[];
  /** Entries each bounded table had to forget, plus alerts dropped at the cap. */
  evicted: Record<string, number>;
  stats: {
    exchanges: number;
    suppressed: number;
    /** Endpoints recognised as LLM-style (`METHOD host/template`). */
    llmEndpoints: string[];
  };
}

/**
 * What a caller already computed for the request (the proxy's guard in block mode), so the payload
 * catalogue runs once per exchange: the hits of the full catalogue, `compileCatalogue(SIGNATURES)
 * .match(requestInputs(ex, parsedRequest))`, and that parsed request body.
 */
export interface RequestVerdicts {
  hits: readonly SignatureHit[];
  /** `parseBodies(ex).request` (undefined when the request has no body or it did not parse). */
  parsedRequest: unknown;
}

export interface Detector {
  readonly config: DetectConfig;
  /** Alerts this exchange created; with `verdicts`, the request's signature hits are taken from them. */
  process(ex: Exchange, verdicts?: RequestVerdicts): Alert[];
  flush(): DetectSummary;
  /** Size, cap and evictions of every state table (for tests and `--stats`). */
  state(): Record<string, StateReport>;
}

/** Responses worth parsing to recognise a model's answer. */
const LLM_RESPONSE_HINT = /"(?:choices|usage|usageMetadata|candidates)"\s*:/;
/** Sensitive-data profile per endpoint: scan the first PROFILE_LEARN 2xx responses, then one in PROFILE_RESCAN. */
const PROFILE_LEARN = 20;
const PROFILE_RESCAN = 25;

interface SensitiveProfile {
  /** 2xx responses seen (drives the scan schedule). */
  calls: number;
  scanned: number;
  withHits: number;
  lastHits: readonly SensitiveHit[];
}

const TEMPLATE_CACHE = 20_000;
interface Claimed {
  address: string;
  /** The actor id of a caller known by this address alone. */
  id: string;
}
interface PathEntry {
  template: string;
  method: string;
  host: string;
  /** `METHOD host/template`, for the last method and host seen on this path. */
  endpoint: string;
}
/** A disabled-type pattern that covers every `behaviour.*` type: behaviour detection is off as a whole. */
const ALL_BEHAVIOURS = /^(?:\*\*?|behaviour\.\*\*?)$/i;
const SECRET_FIELD = /pass(?:word|wd)?|secret|token|api[-_]?key|pin$|cvv|cvc|otp|credential|auth/i;
const MAX_EXCERPT = 80;

/** The exchange with only what parseBodies reads for one direction (no copy of the rest). */
function requestOnly(ex: Exchange): Exchange {
  return { id: ex.id, time: ex.time, source: ex.source, client: ex.client, request: ex.request };
}
/** A request without a body, shared by every responseOnly view (parseBodies only reads it). */
const NO_BODY: Exchange['request'] = {
  method: 'GET',
  scheme: 'https',
  host: '',
  path: '/',
  query: [],
  headers: {},
};
function responseOnly(ex: Exchange): Exchange {
  return {
    id: ex.id,
    time: ex.time,
    source: ex.source,
    client: ex.client,
    request: NO_BODY,
    ...(ex.response ? { response: ex.response } : {}),
  };
}

/** The client a forwarding header names (X-Forwarded-For's first hop, X-Real-IP, Forwarded for=). */
function claimedAddress(ex: Exchange): string | undefined {
  const h = ex.request.headers;
  const candidates = [
    h['x-forwarded-for']?.split(',')[0],
    h['x-real-ip'],
    /for="?\[?([^\]";,]+)/i.exec(h['forwarded'] ?? '')?.[1],
  ];
  for (const c of candidates) {
    const v = c?.trim();
    if (v && ipaddr.isValid(v)) return ipaddr.process(v).toString();
  }
  return undefined;
}

function fieldOf(input: Input): string {
  switch (input.location) {
    case 'path':
      return 'path';
    case 'body':
      return 'body';
    case 'query':
    case 'query-name':
      return `query.${input.name}`;
    case 'header':
      return `header.${input.name}`;
    case 'cookie':
      return `cookie.${input.name}`;
    default:
      return input.name;
  }
}

export function createDetector(
  input: DetectConfigInput | DetectConfig = {},
  opts: DetectorOptions = {},
): Detector {
  const config = resolveConfig(input as DetectConfigInput);
  const disabled = config.disabledSignatures.map((p) => picomatch(p, { nocase: true }));
  const enabled = (s: { id: string }) => !disabled.some((d) => d(s.id));
  const payloads = compileCatalogue(SIGNATURES.filter(enabled));
  const payloadIds = new Set(payloads.signatures.map((s) => s.id));
  const prompts = compileCatalogue(PROMPT_SIGNATURES.filter(enabled));
  const classifier = opts.classifier ?? compileClassifier(opts.customSensitive ?? []);
  const book = new AlertBook(config);
  const behaviours: Behaviour[] = [
    new EnumerationDetector(config),
    new LoginDetector(config),
    new ScrapingDetector(config),
    new TokenSharingDetector(config),
    new NotFoundSprayDetector(config),
    new RateAnomalyDetector(config),
  ];
  const bulk = new SensitiveBulkDetector(config);
  // With behaviour detection off, its detectors and the per-endpoint sensitive-data profiles (which
  // only feed the bulk detector) are not run at all: their alerts would all be dropped.
  const behaviourOn = !config.disabledTypes.some((p) => ALL_BEHAVIOURS.test(p));
  const llm = new LlmMonitor(config);
  // Path → template and the endpoint key last built on it: a cache, not state (both can always be
  // computed again), so a full map is simply dropped — cheaper per lookup than recency bookkeeping on
  // mostly unique paths. Reusing the endpoint string saves building and hashing a fresh key for the
  // endpoint-keyed tables on every call to a path seen before.
  const templates = new Map<string, PathEntry>();
  let templatesDropped = 0;
  // Forwarding headers repeat per client: their reading (and the actor id it gives) is memoised by
  // the headers' text.
  const claimed = new LruMap<string, Claimed | null>(4096);
  function claimedAddressOf(ex: Exchange): Claimed | undefined {
    const h = ex.request.headers;
    const xff = h['x-forwarded-for'];
    const realIp = h['x-real-ip'];
    const forwarded = h['forwarded'];
    if (xff === undefined && realIp === undefined && forwarded === undefined) return undefined;
    // Usually X-Forwarded-For alone: its own text is the key (no concatenation per exchange).
    const key =
      realIp === undefined && forwarded === undefined
        ? xff!
        : `${xff ?? ''}\u0000${realIp ?? ''}\u0000${forwarded ?? ''}`;
    let v = claimed.get(key);
    if (v === undefined) {
      const address = claimedAddress(ex);
      v = address === undefined ? null : { address, id: `ip:${address}` };
      claimed.set(key, v);
    }
    return v ?? undefined;
  }
  const profiles = new LruMap<string, SensitiveProfile>(Math.max(16, Math.floor(config.maxStateEntries / 5)));
  let exchanges = 0;

  function pathEntry(method: string, host: string, path: string): PathEntry {
    let e = templates.get(path);
    if (e === undefined) {
      const template = templatePath(path);
      e = { template, method, host, endpoint: `${method} ${host}${template}` };
      if (templates.size >= TEMPLATE_CACHE) {
        templatesDropped += templates.size;
        templates.clear();
      }
      templates.set(path, e);
    } else if (e.method !== method || e.host !== host) {
      e.method = method;
      e.host = host;
      e.endpoint = `${method} ${host}${e.template}`;
    }
    return e;
  }

  // Several signatures often hit one input (hits come in input order): its excerpt is made once.
  let excerptOf: Input | undefined;
  let excerptText = '';
  function excerpt(input: Input): string {
    if (input === excerptOf) return excerptText;
    excerptOf = input;
    if (SECRET_FIELD.test(input.name)) excerptText = `[masked, ${input.raw.length} chars]`;
    else {
      const type = classifier.classifyValue(input.raw, input.name);
      excerptText =
        type !== undefined
          ? maskValue(type, input.raw)
          : JSON.stringify(
              input.raw.length > MAX_EXCERPT ? `${input.raw.slice(0, MAX_EXCERPT)}…` : input.raw,
            );
    }
    return excerptText;
  }

  function fromHit(hit: SignatureHit): Detection {
    const s = hit.signature;
    const field = fieldOf(hit.input);
    const prompt = s.family === 'prompt-injection' || s.family === 'system-prompt-extraction';
    return {
      type: prompt ? `ai.${s.family}` : `signature.${s.family}`,
      severity: s.severity,
      owasp: s.owasp,
      key: `${s.id}\u0000${field}`,
      signature: s.id,
      field,
      explanation: `${s.id} ${s.title} (CWE-${s.cwe}): ${hit.detail} in ${field} = ${excerpt(hit.input)}`,
    };
  }

  return {
    config,
    process(ex, verdicts) {
      exchanges++;
      const resolved = actorOf(ex, opts.trustedProxies);
      let actor = resolved;
      let address = resolved.address ?? clientAddressOf(ex, opts.trustedProxies);
      if (address === undefined) {
        // No peer address at all (a HAR saved by a browser or proxy): the forwarding header is the
        // only hint of who called. Used for attribution only, and only when nothing better exists.
        const hint = claimedAddressOf(ex);
        if (hint !== undefined) {
          address = hint.address;
          if (resolved.kind === 'address') actor = { id: hint.id, kind: 'address', address };
        }
      }
      const { template, endpoint } = pathEntry(ex.request.method, ex.request.host, ex.request.path);
      const facts: ExchangeFacts = {
        ex,
        actor: actor.id,
        actorKind: actor.kind,
        address,
        host: ex.request.host,
        method: ex.request.method,
        template,
        endpoint,
        status: ex.response?.status,
      };
      // Request bodies are always parsed (signatures read them); response bodies only when a stage
      // needs them: an LLM-looking answer, or a sensitive-data scan due for this endpoint.
      const parsed: ParsedBodies =
        verdicts === undefined
          ? parseBodies(requestOnly(ex))
          : verdicts.parsedRequest === undefined
            ? {}
            : { request: verdicts.parsedRequest };
      const ok = facts.status !== undefined && facts.status >= 200 && facts.status < 300;
      const resText = ex.response?.body?.text;
      const llmLike = resText !== undefined && LLM_RESPONSE_HINT.test(resText.slice(0, 4096));
      const profile =
        behaviourOn && ok && resText
          ? profiles.upsert(endpoint, () => ({ calls: 0, scanned: 0, withHits: 0, lastHits: [] }))
          : undefined;
      const scanDue =
        profile !== undefined && (profile.calls < PROFILE_LEARN || profile.calls % PROFILE_RESCAN === 0);
      if (llmLike || scanDue || (profile && profile.withHits > 0)) {
        const r = parseBodies(responseOnly(ex)).response;
        if (r !== undefined) parsed.response = r;
      }
      const view = llm.view(facts, parsed.request, parsed.response);
      const detections: Detection[] = [];

      // Given verdicts read every field; an LLM endpoint's prompt fields belong to the prompt
      // signatures instead, so there the request is read again without them.
      if (verdicts !== undefined && !view) {
        for (const hit of verdicts.hits) if (payloadIds.has(hit.signature.id)) detections.push(fromHit(hit));
      } else {
        const inputs = requestInputs(ex, parsed.request, view ? { skipFields: isPromptField } : {});
        for (const hit of payloads.match(inputs)) detections.push(fromHit(hit));
      }
      if (view) for (const hit of prompts.match(view.prompts)) detections.push(fromHit(hit));

      // Behaviour needs to know who: an exchange with neither credential nor address (a HAR saved
      // without client addresses) cannot be attributed, so only its payloads are judged.
      const known = facts.actorKind !== 'address' || facts.address !== undefined;
      const ctx = { facts, request: parsed.request, response: parsed.response };
      if (known && behaviourOn)
        for (const b of behaviours) for (const d of b.observe(ctx)) detections.push(d);

      // The classifier walks whole bodies, the costliest step: LLM calls are always scanned; other
      // endpoints are profiled (their first responses, then every PROFILE_RESCAN-th), and between
      // scans an endpoint that carried sensitive data is taken to carry what it last carried.
      let hits: SensitiveHit[] = [];
      if (view || scanDue) hits = classifier.scanExchange(ex, parsed);
      if (profile) {
        profile.calls++;
        let responseHits: readonly SensitiveHit[];
        if (view || scanDue) {
          responseHits = hits.filter((h) => h.direction === 'response');
          if (scanDue) {
            profile.scanned++;
            if (responseHits.length > 0) profile.withHits++;
            profile.lastHits = responseHits;
          }
        } else {
          responseHits = profile.withHits * 2 >= profile.scanned ? profile.lastHits : [];
        }
        if (known) for (const d of bulk.observe(ctx, responseHits)) detections.push(d);
      }
      if (view) {
        // Prompts and answers are free text: look inside them for embedded values too.
        const textHits: SensitiveHit[] = [];
        for (const p of view.prompts) textHits.push(...sensitiveInText(p.raw, p.name, 'request', classifier));
        const answer = answerText(parsed.response);
        if (answer)
          textHits.push(...sensitiveInText(answer, '$.choices[].message.content', 'response', classifier));
        for (const d of llm.observe(facts, view, [...hits, ...textHits])) detections.push(d);
      }

      const created: Alert[] = [];
      for (const d of detections) {
        const a = book.add(facts, d);
        if (a) created.push(a);
      }
      return created;
    },
    flush() {
      const { alerts, incidents } = book.snapshot();
      const evicted: Record<string, number> = {};
      for (const [name, s] of Object.entries(this.state())) evicted[name] = s.evicted;
      evicted['alerts-dropped'] = book.dropped;
      return {
        alerts,
        incidents,
        evicted,
        stats: { exchanges, suppressed: book.suppressed, llmEndpoints: llm.endpoints() },
      };
    },
    state() {
      const out: Record<string, StateReport> = {};
      for (const b of behaviours) Object.assign(out, b.state());
      Object.assign(out, bulk.state(), llm.state());
      out['alerts'] = { size: book.size, max: config.maxAlerts, evicted: book.dropped };
      out['templates'] = { size: templates.size, max: TEMPLATE_CACHE, evicted: templatesDropped };
      out['sensitive-profiles'] = { size: profiles.size, max: profiles.max, evicted: profiles.evicted };
      return out;
    },
  };
}
