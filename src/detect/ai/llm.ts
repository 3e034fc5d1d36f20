// LLM-style endpoints: recognised from request shapes (OpenAI-style `messages[]` with roles,
// completion `prompt`, Responses-style `input` + `model`, Gemini `contents[].parts[]`) and response
// shapes (`choices[]`, `usage` with token counts). On those exchanges we read as `prompt` inputs for
// the prompt signatures: the newest user (or tool) text, every tool / function result in the
// conversation and retrieved documents sent along (`documents`, `context` …: indirect injection is
// planted there, not typed by the user). We watch prompt size and token use per actor (denial of
// wallet, in the window and the long window), and report sensitive data sent to or returned by a model.
// A user quoting an attack to ask about it ("someone typed 'ignore previous instructions' — how do
// we defend?") is discussing it: in a message that asks or explains, quoted spans are not read.

import { type Classifier, maskValue, type SensitiveHit } from '../../sensitive/index.js';
import type { Detection, ExchangeFacts } from '../alerts.js';
import { HorizonTable, remember, type Windowed } from '../behaviour/common.js';
import type { DetectConfig } from '../config.js';
import type { Input } from '../signatures/matcher.js';
import { LruMap } from '../sketch.js';

export interface LlmView {
  /** Newest user / tool text, as prompt inputs. */
  prompts: Input[];
  /** Characters of all prompt text in the request (whole conversation). */
  promptChars: number;
  /** Tokens the response says were used, when it says. */
  tokens?: number;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let out = '';
    for (const part of content) {
      const p = rec(part);
      if (typeof part === 'string') out += `${part}\n`;
      else if (p && typeof p['text'] === 'string') out += `${p['text']}\n`;
    }
    return out;
  }
  return '';
}

function tokensOf(response: unknown): number | undefined {
  const usage = rec(rec(response)?.['usage']) ?? rec(rec(response)?.['usageMetadata']);
  if (!usage) return undefined;
  const n = (k: string) => (typeof usage[k] === 'number' ? (usage[k] as number) : 0);
  const total = n('total_tokens') || n('totalTokenCount');
  if (total) return total;
  const sum =
    n('prompt_tokens') +
    n('completion_tokens') +
    n('input_tokens') +
    n('output_tokens') +
    n('promptTokenCount');
  return sum || undefined;
}

/** Does this response look like a model's answer? */
export function isLlmResponse(response: unknown): boolean {
  const r = rec(response);
  if (!r) return false;
  if (
    Array.isArray(r['choices']) &&
    (r['object'] !== undefined || r['usage'] !== undefined || r['model'] !== undefined)
  )
    return true;
  return (
    tokensOf(r) !== undefined &&
    (r['model'] !== undefined || Array.isArray(r['content']) || Array.isArray(r['output']))
  );
}

/** The LLM view of a request, or undefined when it is not LLM-shaped and the endpoint is not known as one. */
export function llmViewOf(request: unknown, response: unknown, knownEndpoint: boolean): LlmView | undefined {
  const r = rec(request);
  const responseShape = isLlmResponse(response);
  if (!r) return responseShape ? { prompts: [], promptChars: 0, ...tokenField(response) } : undefined;
  const prompts: Input[] = [];
  let promptChars = 0;
  let shaped = false;
  const messages = r['messages'] ?? r['contents'];
  if (Array.isArray(messages) && messages.some((m) => typeof rec(m)?.['role'] === 'string')) {
    shaped = true;
    const key = r['messages'] !== undefined ? 'messages' : 'contents';
    let last: { role: string; text: string } | undefined;
    const results: string[] = [];
    for (const m of messages) {
      const msg = rec(m);
      if (!msg) continue;
      const text = textOf(msg['content'] ?? msg['parts']);
      promptChars += text.length;
      const role = typeof msg['role'] === 'string' ? msg['role'] : '';
      if (role === 'user' || role === 'tool' || role === 'function') last = { role, text };
      if ((role === 'tool' || role === 'function') && text && results.length < MAX_RESULTS)
        results.push(text);
    }
    if (last?.text)
      prompts.push({
        location: 'prompt',
        name: `$.${key}[].content`,
        raw: last.role === 'user' ? withoutQuotedDiscussion(last.text) : last.text,
      });
    for (const text of results)
      if (text !== last?.text) prompts.push({ location: 'prompt', name: `$.${key}[].content`, raw: text });
    if (typeof r['system'] === 'string') promptChars += r['system'].length;
  }
  const modelish =
    r['model'] !== undefined || r['max_tokens'] !== undefined || r['temperature'] !== undefined;
  for (const field of ['prompt', 'input', 'inputs', 'query'] as const) {
    const v = r[field];
    const text = typeof v === 'string' ? v : Array.isArray(v) ? textOf(v) : '';
    if (!text) continue;
    if (field === 'query' && !knownEndpoint) continue;
    if (!modelish && !knownEndpoint && !responseShape) continue;
    shaped = true;
    promptChars += text.length;
    prompts.push({ location: 'prompt', name: `$.${field}`, raw: withoutQuotedDiscussion(text) });
  }
  if (!shaped && !responseShape && !knownEndpoint) return undefined;
  // Retrieved documents sent along with the question (RAG): where indirect injection is planted.
  for (const field of DOCUMENT_FIELDS) {
    const v = r[field];
    if (v === undefined) continue;
    let n = 0;
    for (const doc of Array.isArray(v) ? v : [v]) {
      const text = documentText(doc);
      if (!text) continue;
      promptChars += text.length;
      prompts.push({ location: 'prompt', name: `$.${field}[].text`, raw: text });
      if (++n >= MAX_RESULTS) break;
    }
  }
  return { prompts, promptChars, ...tokenField(response) };
}

/** Tool results and documents read per request (the rest still count towards the prompt size). */
const MAX_RESULTS = 16;
const DOCUMENT_FIELDS = [
  'documents',
  'context',
  'contexts',
  'sources',
  'retrieved',
  'chunks',
  'passages',
] as const;

function documentText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  const d = rec(doc);
  if (!d) return '';
  for (const k of ['text', 'content', 'page_content', 'pageContent', 'body', 'snippet'])
    if (typeof d[k] === 'string') return d[k] as string;
  return '';
}

/** A message that asks about or explains something (EN / JA), as opposed to one that instructs. */
const DISCUSSION =
  /\b(?:how (?:do|can|should|would|to|does)|what (?:is|are|does|do)|why|explain|defend|protect|prevent|mitigat\w*|detect\w*|examples?|payloads?|red[- ]team\w*|unit tests?|refuses?|attacks?|injections?|jailbreaks?)\b|とは|どう(?:やって|すれば|防|いう)|対策|防(?:ぐ|げ|御)|攻撃|研修|なぜ|という例/i;
/** Quoted spans: straight and curly double quotes, single quotes, Japanese brackets. */
const QUOTED =
  /"[^"\n]{6,200}"|“[^”\n]{6,200}”|(?<![A-Za-z])'[^'\n]{6,200}'(?![A-Za-z])|‘[^’\n]{6,200}’|「[^」\n]{2,200}」|『[^』\n]{2,200}』/g;

/** The user's text with quoted spans blanked when the message discusses rather than instructs:
 * quoting an attack to ask about it is not making it. Text without quotes is returned as is. */
export function withoutQuotedDiscussion(text: string): string {
  if (text.length > MAX_TEXT_SCAN) return text;
  QUOTED.lastIndex = 0;
  if (!QUOTED.test(text)) return text;
  const outside = text.replace(QUOTED, ' ');
  if (!DISCUSSION.test(outside)) return text;
  return text.replace(QUOTED, '"…"');
}

function tokenField(response: unknown): { tokens?: number } {
  const t = tokensOf(response);
  return t === undefined ? {} : { tokens: t };
}

/** Candidates for sensitive values inside free text: the classifier judges whole values, so prompts
 * and answers are cut into the shapes that can hold one (emails, digit runs, IBAN-like, keys, JWTs). */
const CANDIDATES =
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d -]{6,22}\d|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(?:sk|rk)[-_][\w-]{16,}/g;
const MAX_TEXT_SCAN = 32_768;

/** Sensitive values embedded in free text (prompt or model answer), as classifier hits. */
export function sensitiveInText(
  text: string,
  field: string,
  direction: 'request' | 'response',
  classifier: Classifier,
): SensitiveHit[] {
  const out: SensitiveHit[] = [];
  const seen = new Set<string>();
  const t = text.length > MAX_TEXT_SCAN ? text.slice(0, MAX_TEXT_SCAN) : text;
  for (const m of t.matchAll(CANDIDATES)) {
    const value = m[0].trim();
    const type = classifier.classifyValue(value);
    if (type === undefined || seen.has(type)) continue;
    seen.add(type);
    out.push({ type, direction, field, masked: maskValue(type, value) });
    if (out.length >= 8) break;
  }
  return out;
}

/** Text of a model's answer (chat choices, completion text, Responses/Anthropic content). */
export function answerText(response: unknown): string {
  const r = rec(response);
  if (!r) return '';
  let out = '';
  if (Array.isArray(r['choices'])) {
    for (const c of r['choices']) {
      const choice = rec(c);
      if (!choice) continue;
      const msg = rec(choice['message']) ?? rec(choice['delta']);
      out += textOf(msg?.['content']) + (typeof choice['text'] === 'string' ? choice['text'] : '');
    }
  }
  if (Array.isArray(r['content'])) out += textOf(r['content']);
  if (Array.isArray(r['output'])) for (const o of r['output']) out += textOf(rec(o)?.['content']);
  return out;
}

/** JSON paths of prompt text, which payload signatures leave to the prompt signatures. */
export function isPromptField(path: string): boolean {
  return /^\$\.(?:messages|contents|prompt|input|inputs|system|documents|contexts?|sources|retrieved|chunks|passages)\b/.test(
    path,
  );
}

const HIGH_RISK_TYPES = new Set([
  'CREDIT_CARD',
  'JP_MY_NUMBER',
  'US_SSN',
  'IBAN',
  'PRIVATE_KEY',
  'AWS_SECRET_KEY',
  'AWS_ACCESS_KEY',
  'API_KEY',
  'PASSWORD',
  'BANK_ACCOUNT',
  'HEALTH_RECORD',
  'PASSPORT_NUMBER',
  'JWT',
  'BEARER_TOKEN',
]);

interface WalletState extends Windowed {
  tokens: number;
  promptChars: number;
  calls: number;
}

export class LlmMonitor {
  private readonly known: LruMap<string, true>;
  private readonly wallet: HorizonTable<WalletState>;
  constructor(private readonly config: DetectConfig) {
    this.known = new LruMap(4096);
    this.wallet = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      tokens: 0,
      promptChars: 0,
      calls: 0,
    }));
  }

  /** Recognise; remembers endpoints whose responses are model answers. */
  view(facts: ExchangeFacts, request: unknown, response: unknown): LlmView | undefined {
    const key = facts.endpoint;
    const known = this.known.peek(key) !== undefined;
    const v = llmViewOf(request, response, known);
    if (v && !known && (isLlmResponse(response) || v.prompts.length > 0)) this.known.set(key, true);
    return v;
  }

  endpoints(): string[] {
    return [...this.known.entries()].map(([k]) => k).sort();
  }

  observe(facts: ExchangeFacts, view: LlmView, hits: readonly SensitiveHit[]): Detection[] {
    const out: Detection[] = [];
    const t = this.config.thresholds.ai;
    if (view.promptChars > t.maxPromptChars) {
      out.push({
        type: 'ai.denial-of-wallet',
        severity: 'medium',
        owasp: 'API4:2023',
        key: 'prompt-size',
        explanation: `prompt of ${view.promptChars} characters (limit ${t.maxPromptChars})`,
      });
    }
    let usage: Detection | undefined;
    const states = this.wallet.at(facts.actor, facts.ex.time);
    for (let i = 0; i < states.length; i++) {
      const h = this.wallet.horizons[i]!;
      const w = states[i]!;
      w.calls++;
      w.tokens += view.tokens ?? 0;
      w.promptChars += view.promptChars;
      remember(w, facts.ex);
      const tokens = t.tokensPerWindow * h.factor;
      const chars = t.promptCharsPerWindow * h.factor;
      if (usage === undefined && (w.tokens > tokens || w.promptChars > chars)) {
        usage = {
          type: 'ai.denial-of-wallet',
          severity: 'high',
          owasp: 'API4:2023',
          key: 'usage',
          explanation: `${w.tokens} tokens and ${w.promptChars} prompt characters in ${w.calls} calls within ${h.label} (limits ${tokens} tokens, ${chars} characters)`,
          related: w.recent,
        };
      }
    }
    if (usage) out.push(usage);
    const toModel = hits.filter((h) => h.direction === 'request' && isPromptField(h.field));
    const fromModel = hits.filter((h) => h.direction === 'response');
    for (const [list, type, verb] of [
      [toModel, 'ai.sensitive-data-to-model', 'sent to'],
      [fromModel, 'ai.sensitive-data-from-model', 'returned by'],
    ] as const) {
      if (list.length === 0) continue;
      const types = [...new Set(list.map((h) => h.type))].sort();
      out.push({
        type,
        severity: types.some((x) => HIGH_RISK_TYPES.has(x)) ? 'high' : 'medium',
        owasp: type === 'ai.sensitive-data-to-model' ? 'API10:2023' : 'API3:2023',
        key: types.join(','),
        field: list[0]!.field,
        explanation: `${types.join(', ')} ${verb} the model: ${list
          .slice(0, 3)
          .map((h) => `${h.field} = ${h.masked}`)
          .join('; ')}`,
      });
    }
    return out;
  }

  state() {
    return {
      'ai-wallet': this.wallet.stats(),
      'ai-endpoints': { size: this.known.size, max: this.known.max, evicted: this.known.evicted },
    };
  }
}
