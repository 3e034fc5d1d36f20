// The checkers signatures name: each takes one input (raw value, its normalised form, its name) and
// says whether it matched and what to show a person. Pure functions; regexes are compiled once.

import { detectSqli } from '../sqli.js';
import { detectSsrf } from '../ssrf.js';
import type { InputLocation, SignatureCheck } from './types.js';

export interface CheckInput {
  location: InputLocation;
  /** Field / parameter / header name (JSON path for body fields). */
  name: string;
  raw: string;
  /** Decoded, lower-cased, whitespace folded. */
  norm: string;
}

export interface Checker {
  (input: CheckInput): string | undefined;
  /** The name tests a verdict depends on, for free values (the matcher memoises verdicts per value
   * and per outcome of these tests). Checks that read names only for keys list none. */
  names?: readonly RegExp[];
}

function dependsOnName(run: (input: CheckInput) => string | undefined, names: RegExp[]): Checker {
  return Object.assign(run, { names });
}

const URL_FIELD =
  /(?:url|uri|href|link|callback|webhook|endpoint|target|dest|redirect|return|next|host|domain|server|proxy|feed|image|avatar|src|source|fetch|site)s?$/i;

const NOSQL_OPERATORS = new Set([
  '$ne',
  '$eq',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$regex',
  '$where',
  '$exists',
  '$expr',
  '$or',
  '$and',
  '$nor',
  '$not',
  '$elemmatch',
  '$function',
  '$accumulator',
  '$jsonschema',
  '$options',
  '$size',
  '$type',
  '$all',
]);
const NOSQL_IN_NAME = /\[\s*(\$[a-z]+)\s*\]/;
const NOSQL_IN_VALUE = /[{,]\s*["']?(\$[a-z]+)["']?\s*:/g;

const L4S_PASSES = 8;
function deobfuscateLookups(v: string): string {
  let s = v;
  for (let i = 0; i < L4S_PASSES; i++) {
    const before = s;
    s = s
      .replace(/\$\{(?:lower|upper):([^${}]*)\}/g, '$1')
      .replace(/\$\{date:'([^']*)'\}/g, '$1')
      .replace(/\$\{[^${}]*?:-([^${}]*)\}/g, '$1')
      .replace(
        /\$\{(?:env|sys|main|ctx|marker|bundle|k8s|docker|spring|web|log4j|map|sd|java):[^${}]*\}/g,
        '',
      );
    if (s === before) break;
  }
  return s;
}
const L4S_RE = /\$\{\s*jndi\s*:\s*(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?)?/;

/** Remote file inclusion: the URL forms include() attacks use. */
const RFI_TRAILING_QUERY =
  /^(?:file|ftps?|https?)(?::\/\/[^/?#\s]*(?:\/[^?#\s]*\.[a-z0-9]{1,5})?)?\?+$|^(?:ftps?|https?):\/\/\S*\?\?+$/;
const RFI_IP_SCRIPT =
  /^(?:ftps?|https?):\/\/\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\/\S*\.(?:php\d?|txt|sh|pl|py|cgi|jsp|asp|aspx|exe|gif|jpg|png)\b/;
const RFI_PARAM = /(?:^|[_[.])(?:path|dir|include|inc|root|basedir)\]?$/i;
const URL_START = /^(?:ftps?|https?|file):\/\//;

function detectRfi(norm: string, name: string): string | undefined {
  const v = norm.trim();
  if (!v.includes('ftp') && !v.includes('http') && !v.includes('file')) return undefined;
  if (RFI_TRAILING_QUERY.test(v)) return `URL ending in "?" (include suffix cut off): ${v.slice(0, 60)}`;
  if (RFI_IP_SCRIPT.test(v)) return `script on a bare IP address: ${v.slice(0, 60)}`;
  if (RFI_PARAM.test(name) && URL_START.test(v)) return 'URL in an include-path parameter';
  return undefined;
}

/** `$.constructor.prototype` (the key `prototype` under a key `constructor`). */
const CONSTRUCTOR_PATH = /constructor\.prototype$/;
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ENCODED_CONTROL_RE = /%(?:0[0-8bcef]|1[0-9a-f]|7f)/i;

function graphqlDepth(query: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"' && query[i - 1] !== '\\') inString = !inString;
    else if (inString) continue;
    else if (c === '{') max = Math.max(max, ++depth);
    else if (c === '}') depth--;
  }
  return max;
}

export function compileCheck(check: SignatureCheck): Checker {
  switch (check.kind) {
    case 'regex': {
      const re = new RegExp(check.pattern, check.flags ?? '');
      const pre = check.prefilter;
      const raw = check.raw === true;
      return (input) => {
        const text = raw ? input.raw : input.norm;
        if (pre && !pre.some((p) => text.includes(p))) return undefined;
        const m = re.exec(text);
        return m ? `matched "${m[0].slice(0, 60)}"` : undefined;
      };
    }
    case 'sqli':
      return ({ norm }) => {
        const m = detectSqli(norm);
        return m ? `SQL fingerprint ${m.fingerprint} (${m.shape}, ${m.context} context)` : undefined;
      };
    case 'ssrf':
      return dependsOnName(
        ({ norm, name }) => {
          const m = detectSsrf(norm, URL_FIELD.test(name));
          return m ? `${m.reason} (${m.target.slice(0, 60)})` : undefined;
        },
        [URL_FIELD],
      );
    case 'control-chars':
      // Read raw: normalisation drops NUL. Tab, CR and LF belong to other signatures.
      return ({ raw }) => {
        const m = CONTROL_RE.exec(raw);
        if (m) return `control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
        // A header the client percent-encoded itself (`Referer: x%00`) is decoded by the application.
        const e = raw.includes('%') ? ENCODED_CONTROL_RE.exec(raw) : null;
        return e ? `encoded control character ${e[0]}` : undefined;
      };
    case 'rfi':
      return dependsOnName(({ norm, name }) => detectRfi(norm, name), [RFI_PARAM]);
    case 'log4shell':
      return ({ norm }) => {
        if (!norm.includes('${')) return undefined;
        const plain = deobfuscateLookups(norm);
        const m = L4S_RE.exec(plain);
        return m ? `JNDI lookup after de-obfuscation: "${m[0]}"` : undefined;
      };
    case 'nosql-operator':
      return ({ location, raw, norm }) => {
        if (location === 'json-key' && NOSQL_OPERATORS.has(raw.toLowerCase())) return `operator key ${raw}`;
        if (location === 'json-key' || location === 'query-name') {
          // `password[$ne]` as a query or form field name.
          const m = NOSQL_IN_NAME.exec(raw.toLowerCase());
          return m && NOSQL_OPERATORS.has(m[1]!) ? `operator in parameter name ${m[0]}` : undefined;
        }
        if (!norm.includes('$')) return undefined;
        const bracket = NOSQL_IN_NAME.exec(norm);
        if (bracket && NOSQL_OPERATORS.has(bracket[1]!)) return `operator ${bracket[0]} in a value`;
        NOSQL_IN_VALUE.lastIndex = 0;
        for (let m = NOSQL_IN_VALUE.exec(norm); m; m = NOSQL_IN_VALUE.exec(norm)) {
          if (NOSQL_OPERATORS.has(m[1]!)) return `operator ${m[1]} in a JSON-looking value`;
        }
        return undefined;
      };
    case 'prototype-pollution':
      return dependsOnName(
        ({ location, raw, name, norm }) => {
          if (location === 'json-key') {
            if (raw === '__proto__') return 'key __proto__';
            if (raw === 'prototype' && CONSTRUCTOR_PATH.test(name)) return 'key constructor.prototype';
          }
          const text = location === 'query-name' || location === 'json-key' ? raw.toLowerCase() : norm;
          const m = /__proto__|constructor\s*(?:\.|\[\s*["']?)\s*prototype/.exec(text);
          return m ? `"${m[0]}"` : undefined;
        },
        [CONSTRUCTOR_PATH],
      );
    case 'graphql-introspection':
      return ({ norm }) => {
        const m = /\b__schema\s*\{|\b__type\s*\(/.exec(norm);
        return m ? `introspection "${m[0]}"` : undefined;
      };
    case 'graphql-depth': {
      const max = check.maxDepth;
      return ({ norm }) => {
        if (!norm.includes('{')) return undefined;
        const d = graphqlDepth(norm);
        return d > max ? `selection depth ${d} > ${max}` : undefined;
      };
    }
  }
}
