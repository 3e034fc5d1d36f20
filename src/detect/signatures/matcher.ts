// Runs a compiled signature catalogue over the inputs of one exchange. Everything is compiled once
// (regexes, checkers, per-location lists); per input we normalise once, and a value made only of
// characters no signature cares about (ids, emails, dates, plain words) skips every check: that gate
// is what keeps benign traffic cheap.

import { normaliseValue } from '../normalise.js';
import { LruMap } from '../sketch.js';
import { type Checker, compileCheck } from './checks.js';
import type { InputLocation, Signature } from './types.js';

export interface Input {
  location: InputLocation;
  name: string;
  raw: string;
}

export interface SignatureHit {
  signature: Signature;
  input: Input;
  /** What matched, for a person (never the whole raw value). */
  detail: string;
}

interface CompiledSignature {
  signature: Signature;
  field?: RegExp;
  run: Checker;
}

export interface CompiledCatalogue {
  signatures: readonly Signature[];
  match(inputs: readonly Input[]): SignatureHit[];
  /** One input against one signature (the catalogue test uses it). */
  matchOne(input: Input): SignatureHit[];
}

/** Values built only from these characters cannot carry any payload in the catalogue. */
const SAFE_RE = /^[\w.@+\-:, ]*$/;
/** …except these, which stay meaningful with only safe characters (SQL keywords, URL-ish fields). */
const SAFE_BUT_SUSPECT_RE =
  /\b(?:or|and|xor|union|select|having|order|group|waitfor|sleep|tempdb|msdb)\b|\d\.\d|localhost|::|^0x|^-?\d{8,10}$|\de30\d$|^\s*(?:if|for)\s|__proto__|prototype|information_schema|xp_\w|sp_\w|pg_(?:sleep|catalog|shadow)|sys(?:servers|databases|x?logins)|master\.\.|sysobjects|openrowset|opendatasource|sqlite_master|msys\w+|northwind|pg_toast|sysaux|sqlite_temp_master|database_name|sysibm|\b(?:alter|create|drop|truncate)\s+(?:table|database)\b|\bexec(?:ute)?\s+master\.|\bjava\.|\bjavax\.|\b(?:org|com)\.(?:apache|sun|omg|opensymphony|springframework)\.|transformer\b|closure\b|factory\b|runtime|processbuilder|xmldecoder|^(?:ro0ab|kztaau|cs7qaf)|_\$\$nd_func|__js_function|\$_(?:get|post|server|cookie|request|files|env|session)\b|\$globals\b|(?:base64_decode|bzdecompress|call_user_func\w*|gzuncompress|gzinflate|pfsockopen|fsockopen|shell_exec|passthru|proc_open|popen|pcntl_exec|str_rot13|create_function|assert|phpinfo|preg_replace|file_(?:get|put)_contents|posix_\w+|escapeshellcmd|escapeshellarg)\b|allow_url_|auto_(?:pre|ap)pend_file|session\.|(?:^|[^\w.])(?:file|ftps?|https?)$|ldap|mysql\.db|schema_name|appscan_fingerprint|nessus|\b(?:nessus|sqlmap|nikto|nuclei|openvas|acunetix|netsparker|wpscan|dirbuster|gobuster|masscan|zgrab|ffuf|wfuzz|arachni|w3af|havij|commix)\b|compress|\b(?:this|module|window|document|self|top)\.|aced0005|\.(?:php\d*|phtml|pht|phar|jspx?|aspx?|cgi|shtml)\.*$/i;
/** Locations of free values, where the safe-value gate applies (names and request facts are judged
 * whole by the few signatures that read them). */
const GATED = new Set<InputLocation>(['path', 'query', 'header', 'cookie', 'json-value', 'body']);
/** Locations whose verdict depends only on the value and the name tests: free values, parameter and
 * JSON keys, and request facts (header names, methods and media types repeat on nearly every call). */
const MEMOISED = new Set<InputLocation>([
  ...GATED,
  'method',
  'header-name',
  'content-type',
  'query-name',
  'json-key',
  'protocol-header',
  'request-shape',
]);
const ENCODED_RE = /[%&\\]/;
const MAX_INPUTS = 2000;
/** Values repeat (user agents, enums, product names, cities): a free value's verdict is memoised per
 * location, per outcome of the name tests its signatures make, and per raw value. */
const MEMO_MAX_VALUE = 512;
const MEMO_PER_CLASS = 4096;
const NAME_CLASS_MAX = 4096;

const LINEAR_HITS = 16;
function hitKey(h: SignatureHit): string {
  return `${h.signature.id}\u0000${h.input.name}`;
}

export function compileCatalogue(signatures: readonly Signature[]): CompiledCatalogue {
  const byLocation = new Map<InputLocation, CompiledSignature[]>();
  for (const signature of signatures) {
    const compiled: CompiledSignature = {
      signature,
      run: compileCheck(signature.check),
      ...(signature.fieldPattern ? { field: new RegExp(signature.fieldPattern, 'i') } : {}),
    };
    for (const loc of signature.where) {
      const list = byLocation.get(loc) ?? [];
      list.push(compiled);
      byLocation.set(loc, list);
    }
  }

  type Verdict = ReadonlyArray<{ signature: Signature; detail: string }>;
  const NO_VERDICT: Verdict = [];
  // Everything about one location, found with one lookup per input: its signatures, the name tests
  // they make (field patterns, name-reading checkers), whether its verdicts are memoised, the class of
  // each name seen (which tests it passes) and the verdict memo per class and value.
  interface Location {
    list: CompiledSignature[];
    tests: RegExp[];
    memoised: boolean;
    gated: boolean;
    isKey: boolean;
    names: Map<string, number>;
    byClass: Map<number, LruMap<string, Verdict>>;
  }
  const locations = new Map<InputLocation, Location>();
  for (const [loc, list] of byLocation) {
    const tests: RegExp[] = [];
    for (const c of list)
      for (const re of [...(c.field ? [c.field] : []), ...(c.run.names ?? [])]) {
        if (!tests.some((t) => t.source === re.source && t.flags === re.flags)) tests.push(re);
      }
    locations.set(loc, {
      list,
      tests,
      memoised: MEMOISED.has(loc),
      gated: GATED.has(loc),
      isKey: !GATED.has(loc) && loc !== 'prompt',
      names: new Map(),
      byClass: new Map(),
    });
  }
  function nameClass(loc: Location, name: string): number {
    const tests = loc.tests;
    if (tests.length === 0) return 0;
    let cls = loc.names.get(name);
    if (cls === undefined) {
      cls = 0;
      for (let i = 0; i < tests.length; i++) if (tests[i]!.test(name)) cls |= 1 << i;
      if (loc.names.size >= NAME_CLASS_MAX) loc.names.clear();
      loc.names.set(name, cls);
    }
    return cls;
  }

  function matchOne(input: Input): SignatureHit[] {
    const loc = locations.get(input.location);
    if (loc === undefined) return [];
    if (!loc.memoised || input.raw.length > MEMO_MAX_VALUE) return evaluate(input, loc);
    const cls = nameClass(loc, input.name);
    let byValue = loc.byClass.get(cls);
    if (byValue === undefined) {
      byValue = new LruMap(MEMO_PER_CLASS);
      loc.byClass.set(cls, byValue);
    }
    const verdict = byValue.get(input.raw);
    if (verdict === undefined) {
      const hits = evaluate(input, loc);
      byValue.set(
        input.raw,
        hits.length === 0 ? NO_VERDICT : hits.map((h) => ({ signature: h.signature, detail: h.detail })),
      );
      return hits;
    }
    if (verdict.length === 0) return [];
    const hits: SignatureHit[] = [];
    for (const v of verdict) hits.push({ signature: v.signature, input, detail: v.detail });
    return hits;
  }

  function evaluate(input: Input, loc: Location): SignatureHit[] {
    const list = loc.list;
    // A header sent empty is itself the fact protocol signatures look for.
    if (input.raw.length === 0 && input.location !== 'protocol-header') return [];
    if (loc.gated && SAFE_RE.test(input.raw) && !SAFE_BUT_SUSPECT_RE.test(input.raw)) return [];
    // Names arrive decoded by the source; one still carrying escapes is decoded like a value.
    const norm =
      loc.isKey && !ENCODED_RE.test(input.raw) ? input.raw.toLowerCase() : normaliseValue(input.raw);
    const hits: SignatureHit[] = [];
    const checkInput = { location: input.location, name: input.name, raw: input.raw, norm };
    for (const c of list) {
      if (c.field && !c.field.test(input.name)) continue;
      const detail = c.run(checkInput);
      if (detail !== undefined) hits.push({ signature: c.signature, input, detail });
    }
    return hits;
  }

  return {
    signatures,
    matchOne,
    match(inputs) {
      const hits: SignatureHit[] = [];
      const n = Math.min(inputs.length, MAX_INPUTS);
      let seen: Set<string> | undefined;
      for (let i = 0; i < n; i++) {
        const h = matchOne(inputs[i]!);
        for (const x of h) {
          // One field read two ways (a value and its base64 decoding, a name read as a value) is one
          // hit: a scan while there are few hits, keys in a set past that.
          if (seen === undefined) {
            if (hits.some((y) => y.signature.id === x.signature.id && y.input.name === x.input.name))
              continue;
            if (hits.length >= LINEAR_HITS) seen = new Set(hits.map(hitKey));
          }
          if (seen !== undefined) {
            const key = hitKey(x);
            if (seen.has(key)) continue;
            seen.add(key);
          }
          hits.push(x);
        }
      }
      return hits;
    },
  };
}
