// Input normalisation before signatures look at a value: attackers encode payloads so that naive
// matching misses them (double URL encoding, HTML entities, `\u003c`, `\x3c`, full-width forms,
// `UNION/**/SELECT`, odd case and whitespace). Every decoder is bounded so hostile input cannot
// make us loop. The result is lower-cased with whitespace folded to single spaces.

const MAX_URL_ROUNDS = 3;
const MAX_INPUT = 8192;

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  sol: '/',
  bsol: '\\',
  colon: ':',
  lpar: '(',
  rpar: ')',
  semi: ';',
  equals: '=',
  tab: '\t',
  newline: '\n',
  nbsp: ' ',
  grave: '`',
  period: '.',
  comma: ',',
  dollar: '$',
  lcub: '{',
  rcub: '}',
  lsqb: '[',
  rsqb: ']',
  excl: '!',
  num: '#',
  percnt: '%',
  quest: '?',
  vert: '|',
  ast: '*',
  plus: '+',
};

const PERCENT_RE = /%(?:[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/;
const PERCENT_ALL_RE = /%u([0-9a-fA-F]{4})|((?:%[0-9a-fA-F]{2})+)/g;
const ENTITY_RE = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{2,8}));?/g;
const ESCAPE_RE = /\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-7]{3}))/g;
const SQL_COMMENT_RE = /\/\*!?\d*|\*\//g;
const BLOCK_COMMENT_RE = /\/\*(?!!)[\s\S]*?\*\//g;
/** Horizontal whitespace and controls fold to one space; line breaks are kept (as `\n`) because
 * CRLF injection and newline-separated shell commands depend on them. */
const WS_RE = /[\t \u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00a0\u2000-\u200b\u3000\ufeff]+/g;
/** Characters that mean some decoder may have work to do. */
const NEEDS_DECODE_RE = /[%&\\]|[^\u0000-\u007f]/;

function codePoint(n: number): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
}

/** Decode percent escapes leniently: invalid UTF-8 sequences become their Latin-1 bytes, and the
 * overlong forms attackers use for `/` and `.` (`%c0%af`, `%c0%ae`, `%e0%80%af`) become those characters. */
export function percentDecode(value: string): string {
  return value.replace(PERCENT_ALL_RE, (_m, u: string | undefined, run: string | undefined) => {
    if (u !== undefined) return codePoint(Number.parseInt(u, 16));
    const bytes: number[] = [];
    for (let i = 0; i < run!.length; i += 3) bytes.push(Number.parseInt(run!.slice(i + 1, i + 3), 16));
    let out = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      // Overlong two- and three-byte encodings of ASCII (IIS/Tomcat traversal tricks).
      if ((b === 0xc0 || b === 0xc1) && i + 1 < bytes.length) {
        out += String.fromCharCode(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
        i += 1;
        continue;
      }
      if (b === 0xe0 && bytes[i + 1] === 0x80 && i + 2 < bytes.length) {
        out += String.fromCharCode(bytes[i + 2]! & 0x3f);
        i += 2;
        continue;
      }
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 1;
      if (len > 1 && i + len <= bytes.length) {
        try {
          out += decodeURIComponent(
            bytes
              .slice(i, i + len)
              .map((x) => `%${x.toString(16).padStart(2, '0')}`)
              .join(''),
          );
          i += len - 1;
          continue;
        } catch {
          // fall through to Latin-1
        }
      }
      out += String.fromCharCode(b);
    }
    return out;
  });
}

export function decodeEntities(value: string): string {
  return value.replace(
    ENTITY_RE,
    (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (hex !== undefined) return codePoint(Number.parseInt(hex, 16));
      if (dec !== undefined) return codePoint(Number.parseInt(dec, 10));
      const named = NAMED_ENTITIES[name!.toLowerCase()];
      return named ?? m;
    },
  );
}

export function decodeEscapes(value: string): string {
  return value.replace(
    ESCAPE_RE,
    (
      _m,
      brace: string | undefined,
      u: string | undefined,
      x: string | undefined,
      oct: string | undefined,
    ) => {
      if (brace !== undefined) return codePoint(Number.parseInt(brace, 16));
      if (u !== undefined) return codePoint(Number.parseInt(u, 16));
      if (x !== undefined) return codePoint(Number.parseInt(x, 16));
      return codePoint(Number.parseInt(oct!, 8));
    },
  );
}

/** Decoded but case- and comment-preserving form (the SQL tokenizer wants comments). */
export function decodeValue(raw: string): string {
  // Long values keep their head and their tail: padding attacks put the payload after kilobytes of
  // filler, and the cost stays bounded whatever the size.
  let v = raw.length > MAX_INPUT ? `${raw.slice(0, MAX_INPUT / 2)} ${raw.slice(-MAX_INPUT / 2)}` : raw;
  if (!NEEDS_DECODE_RE.test(v)) return v.includes('\u0000') ? v.replace(/\u0000/g, '') : v;
  for (let round = 0; round < MAX_URL_ROUNDS; round++) {
    const before = v;
    if (PERCENT_RE.test(v)) v = percentDecode(v);
    if (v.includes('&')) v = decodeEntities(v);
    if (v.includes('\\')) v = decodeEscapes(v);
    if (v === before) break;
  }
  // Full-width and compatibility forms (`＜ｓｃｒｉｐｔ＞`) fold to ASCII; only paid for non-ASCII input.
  if (/[^\u0000-\u007f]/.test(v)) v = v.normalize('NFKC');
  return v.replace(/\u0000/g, '');
}

/** UTF-7 (`+ADw-script+AD4-`): browsers that sniffed it ran it; only runs that decode to markup
 * characters are replaced, so ordinary `+` text is left alone. */
const UTF7_RE = /\+([A-Za-z0-9+/]{3,16})-?/g;
const UTF7_MARKUP = /^[<>"'()=;/\\`]+$/;
export function decodeUtf7(value: string): string {
  return value.replace(UTF7_RE, (m, b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2)
      out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return UTF7_MARKUP.test(out) ? out : m;
  });
}

/** The form regex signatures read: decoded, comments removed (whole `/* … *\/` comments, and the
 * markers of MySQL's executable `/*!50000 … *\/` ones, whose body is code), lower case, whitespace
 * folded. */
export function normaliseValue(raw: string): string {
  let v = decodeValue(raw);
  if (v.includes('+A')) v = decodeUtf7(v);
  if (v.includes('/*') || v.includes('*/')) v = v.replace(BLOCK_COMMENT_RE, ' ').replace(SQL_COMMENT_RE, ' ');
  v = v.toLowerCase().replace(WS_RE, ' ');
  return v.includes('\r') ? v.replace(/\r\n?/g, '\n') : v;
}
