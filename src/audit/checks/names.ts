// Field- and parameter-name hints the spec rules match against (data). Names are normalised first
// (lower case, `_`, `-`, `.` and spaces removed) so `my_number`, `myNumber` and `My-Number` all read
// `mynumber`. Rules name a hint set in their options; custom rules may give their own pattern.
// A hint `type:EMAIL` uses the field-name hints of the sensitive-data catalogue (src/sensitive), with its
// notHints, so spec rules and traffic classification agree on what a sensitive field name is.

// The catalogue module alone: the sensitive package's index also loads its classifier, body parsers and masks.
import { CATALOGUE } from '../../sensitive/catalogue.js';

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]/g, '');
}

export const NAME_HINTS: Record<string, string> = {
  password: '(password|passwd|passphrase|^pwd$|^pin$|pincode|passcode)',
  secret: '(secret|privatekey|^apikey$|signingkey|encryptionkey|^masterkey$|credential)',
  token: '((access|refresh|id|auth|session|bearer|api|csrf|reset|jwt)token|^token$|^sessionid$|^jwt$)',
  'national-id':
    '(^ssn$|socialsecurity|mynumber|kojinbango|individualnumber|nationalid|^passport(no|number|num)?$|^taxid$|^tin$|driverslicen[cs]e)',
  card: '(cardnumber|creditcard|^pan$|^cardno$|^ccnumber$|^ccnum$|debitcard)',
  'card-auth-data': '(^cvv2?$|^cvc2?$|securitycode|cardverification|^cid$|track[12]?data|magstripe|pinblock)',
  health:
    '(diagnos|medicalrecord|^medical|prescription|allerg|bloodtype|treatment|healthrecord|medication|^icd(10)?$)',
  bank: '(iban|bankaccount|accountnumber|routingnumber|^swift$|^bic$|sortcode)',
  pii: '(^mail$|email$|emailaddress|phone|mobile|telephone|dateofbirth|^dob$|birthdate|birthday|^address(line\\d?)?$|streetaddress|postcode|zipcode|postalcode|fullname|firstname|lastname|surname)',
  privileged:
    '(^roles?$|^isadmin$|^admin$|permissions?$|privileges?$|^scopes?$|^groups?$|^isstaff$|superuser|accesslevel|^usertype$|^isverified$|^verified$|emailverified|^balance$|^credits?$|^tenantid$|^ownerid$|^accounttype$)',
  'server-managed': '(^(created|updated|modified|deleted)(at|on|date|time|by)$)',
  internal: '(^internal|^debug|stacktrace|^exception$|^sqlquery$|^hostname$|^internalip$)',
  'url-param': '(^(callback|redirect|redirecturi|webhook|returnto|returnurl)$|(url|uri|href)$)',
  'redirect-param':
    '(^(redirect|redirecturi|redirecturl|returnto|returnurl|next|continue|goto|dest|destination|rurl)$)',
  'file-param': '(^(file|filename|filepath|path|dir|directory|folder|template|include|download)$)',
  'credential-param':
    '(password|passwd|secret|(access|refresh|id|auth|session|bearer|api|jwt)token|^token$|apikey|accesskey|privatekey|sessionid|^auth$|^authorization$)',
  'pii-param':
    '(^ssn$|mynumber|^mail$|email$|emailaddress|phone|^dob$|dateofbirth|cardnumber|creditcard|^iban$|passport)',
  'admin-path': '(^|/)(admin|administrator|internal|manage|management|superuser|root)(/|$|s/)',
  'auth-endpoint':
    '(^|/)(login|signin|sign-in|token|oauth|auth|authenticate|password|reset|otp|verify|mfa|2fa|session)s?(/|$)',
};

const compiled = new Map<string, RegExp>();

/** The compiled regex of a hint set name, or of a raw pattern (case-insensitive). */
export function hintRegex(hintOrPattern: string): RegExp {
  let re = compiled.get(hintOrPattern);
  if (!re) {
    re = new RegExp(NAME_HINTS[hintOrPattern] ?? hintOrPattern, 'i');
    compiled.set(hintOrPattern, re);
  }
  return re;
}

const TYPE_HINTS = new Map(
  CATALOGUE.map((d) => [d.id as string, { hints: d.hints ?? [], not: d.notHints ?? [] }]),
);

function compact(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The catalogue's documented hint semantics: equal, or ending with it (`=x`: equal only; short hints: last word). */
function catalogueHint(hint: string, name: string, lastWord: string): boolean {
  if (hint.startsWith('=')) return name === hint.slice(1);
  if (name === hint) return true;
  if (hint.length < 4 && /^[a-z0-9]+$/.test(hint)) return lastWord === hint;
  return name.endsWith(hint);
}

/** A name as the catalogue hints read it: compacted, and its last word (camelCase and separators split). */
interface NameParts {
  compact: string;
  last: string;
}

const partsMemo = new Map<string, NameParts>();
const NON_ASCII = /[^\x00-\x7f]/;

/** Memoised per name (bounded): several rules' hint lists ask about the same names. */
function nameParts(name: string): NameParts {
  let parts = partsMemo.get(name);
  if (parts) return parts;
  if (partsMemo.size >= MAX_ANSWERS) partsMemo.clear();
  // ASCII names (nearly all) skip the Unicode-property regexes, which cost several times more; for ASCII
  // after lower-casing, \p{L} and \p{N} are exactly [a-z] and [0-9].
  const ascii = !NON_ASCII.test(name);
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(ascii ? /[^a-z0-9]+/ : /[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  parts = {
    compact: ascii ? name.toLowerCase().replace(/[^a-z0-9]/g, '') : compact(name),
    last: words[words.length - 1] ?? '',
  };
  partsMemo.set(name, parts);
  return parts;
}

function typeMatches(type: string, parts: NameParts): boolean {
  const def = TYPE_HINTS.get(type);
  if (!def) return false;
  if (def.not.some((h) => catalogueHint(h, parts.compact, parts.last))) return false;
  return def.hints.some((h) => catalogueHint(h, parts.compact, parts.last));
}

/**
 * Answers per hint list (rules keep their option arrays, so the identity is stable) and name: a spec
 * repeats the same property names thousands of times, and the catalogue hints cost a split and regexes.
 * Capped so a long-running server auditing many specs does not grow it without bound.
 */
const answers = new WeakMap<readonly string[], Map<string, string | undefined>>();
const MAX_ANSWERS = 20_000;

export function nameMatches(name: string, hints: readonly string[]): string | undefined {
  let memo = answers.get(hints);
  if (!memo) {
    memo = new Map();
    answers.set(hints, memo);
  }
  if (memo.has(name)) return memo.get(name);
  if (memo.size >= MAX_ANSWERS) memo.clear();
  const hint = firstMatch(name, hints);
  memo.set(name, hint);
  return hint;
}

function firstMatch(name: string, hints: readonly string[]): string | undefined {
  const n = normaliseName(name);
  // Split once per name, not once per `type:` hint of the list.
  let parts: NameParts | undefined;
  for (const h of hints) {
    if (h.startsWith('type:')) {
      parts ??= nameParts(name);
      if (typeMatches(h.slice(5), parts)) return h.slice(5);
    } else if (hintRegex(h).test(n)) return h;
  }
  return undefined;
}
