// SQL injection by tokenising and fingerprinting, in the manner of libinjection: a value is read as
// SQL in three contexts (as-is, as if it followed an opening single quote, and a double quote), the
// token stream is folded (inline comments, arithmetic, unary signs) into a fingerprint of token
// types, and the fingerprint is matched against the shapes real injections take: a closed string
// followed by a boolean tautology, a UNION SELECT, a stacked statement, a trailing comment, a
// dangerous function call. Words alone never fire: `select` in a search box is one `E` token and
// "O'Brien" reads as string + bareword, neither of which is an attack shape.

/** Token types (one character each, as in libinjection fingerprints). */
export type SqlTokenType =
  | 's' // string literal
  | '1' // number, NULL, TRUE, FALSE
  | 'v' // @variable
  | 'n' // bareword / identifier
  | 'k' // keyword (FROM, WHERE, INTO, HAVING …)
  | 'E' // statement verb (SELECT, INSERT, DROP, EXEC, WAITFOR …)
  | 'U' // UNION
  | 'B' // ORDER BY / GROUP BY
  | '&' // AND, OR, XOR, &&, ||
  | 'o' // comparison operator (=, <>, LIKE, IN, IS …)
  | 'a' // arithmetic operator (folded away)
  | 'f' // function call
  | 'F' // function call with side effects attackers use (SLEEP, BENCHMARK, LOAD_FILE …)
  | 'I' // information function call (USER(), DATABASE(), VERSION() …): SQL only when empty or left open
  | 'X' // SQL-only name (xp_cmdshell, sp_executesql, information_schema, INTO OUTFILE …)
  | 'c' // comment
  | '('
  | ')'
  | ','
  | ';';

const VERBS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'drop',
  'create',
  'alter',
  'truncate',
  'exec',
  'execute',
  'declare',
  'shutdown',
  'waitfor',
  'grant',
  'revoke',
  'merge',
  'handler',
  'rename',
]);
const KEYWORDS = new Set([
  'from',
  'where',
  'into',
  'values',
  'set',
  'table',
  'database',
  'having',
  'limit',
  'offset',
  'case',
  'when',
  'then',
  'else',
  'end',
  'as',
  'join',
  'top',
  'procedure',
  'outfile',
  'delay',
  'exists',
  'distinct',
  'all',
  'collate',
]);
const INFO_FUNCTIONS = new Set([
  'user',
  'current_user',
  'session_user',
  'system_user',
  'database',
  'schema',
  'version',
  'db_name',
  'char',
  'chr',
  'group_concat',
  'concat',
  'concat_ws',
  'substring',
  'ascii',
  'hex',
  'unhex',
]);
/** Names that exist only in SQL: seeing one is seeing SQL. */
const SQL_ONLY_NAME =
  /(?:^|\.)(?:xp_\w+|sp_(?:oacreate|oamethod|executesql|makewebtask|addlogin|password|configure|addsrvrolemember|execute)|information_schema|pg_catalog|pg_sleep|sysobjects|syscolumns|mysql\.user|outfile|dumpfile|utl_http|dbms_\w+|openrowset|opendatasource|sqlite_master|msysaccessobjects|msysobjects|tempdb|msdb|sysibm|mysql\.db|schema_name|pg_shadow|sysservers|sysdatabases|syslogins|sysxlogins|master\.\.\w+)(?:\.|$)/;
const WORD_OPERATORS = new Set([
  'like',
  'rlike',
  'regexp',
  'is',
  'in',
  'between',
  'sounds',
  'div',
  'mod',
  'not',
]);
const LOGIC = new Set(['and', 'or', 'xor']);
const VALUES = new Set(['null', 'true', 'false']);
const DANGEROUS_FUNCTIONS = new Set([
  'sleep',
  'benchmark',
  'pg_sleep',
  'load_file',
  'extractvalue',
  'updatexml',
  'xp_cmdshell',
  'sys_eval',
  'sys_exec',
  'randomblob',
  'dbms_pipe.receive_message',
  'utl_inaddr.get_host_address',
  'utl_http.request',
  'dbms_lock.sleep',
  'pg_read_file',
  'lo_import',
  'make_set',
  'elt',
  'name_const',
  'geometrycollection',
  'exp',
]);

export interface SqlToken {
  type: SqlTokenType;
  value: string;
}

const MAX_TOKENS = 48;

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
}
function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 46;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Tokenise `text` as SQL. Unterminated strings and comments run to the end, as a database would
 * see them once the application's own closing quote is appended. */
export function tokenizeSql(text: string): SqlToken[] {
  const out: SqlToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && out.length < MAX_TOKENS) {
    const ch = text[i]!;
    const c = text.charCodeAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f' || c === 0xa0) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= n) break;
        const d = text[j]!;
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === ch) {
          if (text[j + 1] === ch) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      out.push({ type: 's', value: text.slice(i + 1, Math.min(j, n)) });
      i = j + 1;
      continue;
    }
    if (ch === '`') {
      const j = text.indexOf('`', i + 1);
      const end = j < 0 ? n : j;
      // The value keeps its backtick: a quoted identifier is SQL, not prose (see alias-from).
      const name = text.slice(i + 1, end).toLowerCase();
      out.push({ type: SQL_ONLY_NAME.test(name) ? 'X' : 'n', value: `\`${name}` });
      i = end + 1;
      continue;
    }
    if ((ch === '-' && text[i + 1] === '-') || ch === '#') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out.push({ type: 'c', value: text.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      if (text[i + 2] === '!') {
        // MySQL executable comment: its body is code. Skip the marker and optional version.
        i += 3;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        continue;
      }
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      out.push({ type: 'c', value: text.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === '*' && text[i + 1] === '/') {
      i += 2; // closing marker of an executable comment
      continue;
    }
    if (ch === '@') {
      let j = i + 1;
      if (text[j] === '@') j++;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      out.push({ type: 'v', value: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isDigit(c) || (ch === '.' && isDigit(text.charCodeAt(i + 1)))) {
      let j = i;
      if (
        ch === '0' &&
        (text[i + 1] === 'x' || text[i + 1] === 'X' || text[i + 1] === 'b' || text[i + 1] === 'B')
      ) {
        j += 2;
        while (j < n && /[0-9a-fA-F]/.test(text[j]!)) j++;
      } else {
        while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === '.')) j++;
        if ((text[j] === 'e' || text[j] === 'E') && /[-+\d]/.test(text[j + 1] ?? '')) {
          j += 2;
          while (j < n && isDigit(text.charCodeAt(j))) j++;
        }
      }
      // `3rd`, `10px`, `1st`: a word, not a number.
      if (j < n && isWordStart(text.charCodeAt(j)) && text[j] !== '$') {
        while (j < n && isWordChar(text.charCodeAt(j))) j++;
        out.push({ type: 'n', value: text.slice(i, j) });
      } else out.push({ type: '1', value: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j).toLowerCase();
      i = j;
      let k = i;
      while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\n')) k++;
      const call = text[k] === '(';
      if (LOGIC.has(word)) out.push({ type: '&', value: word });
      else if (word === 'union') {
        // UNION ALL / UNION DISTINCT fold into one token.
        const m = /^\s+(all|distinct)\b/i.exec(text.slice(i, i + 16));
        if (m) i += m[0].length;
        out.push({ type: 'U', value: word });
      } else if ((word === 'order' || word === 'group') && /^\s+by\b/i.test(text.slice(i, i + 8))) {
        i += /^\s+by/i.exec(text.slice(i))![0].length;
        out.push({ type: 'B', value: `${word} by` });
      } else if (VERBS.has(word)) out.push({ type: 'E', value: word });
      else if (SQL_ONLY_NAME.test(word)) out.push({ type: 'X', value: word });
      else if (WORD_OPERATORS.has(word)) out.push({ type: 'o', value: word });
      else if (call)
        out.push({
          type: DANGEROUS_FUNCTIONS.has(word) ? 'F' : INFO_FUNCTIONS.has(word) ? 'I' : 'f',
          value: word,
        });
      else if (VALUES.has(word)) out.push({ type: '1', value: word });
      else if (KEYWORDS.has(word)) out.push({ type: 'k', value: word });
      else out.push({ type: 'n', value: word });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ type: '&', value: two });
      i += 2;
      continue;
    }
    if (two === '==' || (two === '!=' && text[i + 2] === '=')) {
      // JavaScript-style equality in injected fragments (`|| c == '`, `&&(e===`): one operator.
      let j = i + 2;
      while (text[j] === '=') j++;
      out.push({ type: 'o', value: text.slice(i, j) });
      i = j;
      continue;
    }
    if (two === '<=' || two === '>=' || two === '<>' || two === '!=' || two === ':=') {
      const three = text.slice(i, i + 3);
      out.push({ type: 'o', value: three === '<=>' ? three : two });
      i += three === '<=>' ? 3 : 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      out.push({ type: 'o', value: ch });
      i++;
      continue;
    }
    if ('+-*/%^|&~'.includes(ch)) {
      out.push({ type: 'a', value: ch });
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ';') {
      out.push({ type: ch, value: ch });
      i++;
      continue;
    }
    i++; // punctuation SQL does not care about (`:`, `?`, `!`, brackets, non-SQL symbols)
  }
  return out;
}

const VALUE_TYPES = new Set<SqlTokenType>(['s', '1', 'v', 'n', 'X']);

/** Fold a token stream: inline comments vanish, arithmetic collapses into one value, unary signs
 * drop, `*` after SELECT or `,` is a column list. One token per fingerprint character. */
export function foldTokens(tokens: readonly SqlToken[]): SqlToken[] {
  const folded: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'c') {
      if (i < tokens.length - 1) continue; // an inline comment is whitespace to the database
      folded.push(t);
      continue;
    }
    if (t.type === 'a') {
      const prev = folded[folded.length - 1]?.type;
      if (t.value === '*' && (prev === 'E' || prev === ',' || prev === '(')) {
        folded.push({ type: 'n', value: '*' });
        continue;
      }
      if (prev === undefined || !(VALUE_TYPES.has(prev) || prev === ')')) continue; // unary sign
      const next = tokens[i + 1];
      if (next && VALUE_TYPES.has(next.type)) i++; // `1+1` is one value
      continue;
    }
    folded.push(t);
  }
  return folded;
}

/** The fingerprint: the folded token types, one character each. */
export function fingerprint(tokens: readonly SqlToken[]): string {
  let fp = '';
  for (const t of foldTokens(tokens)) fp += t.type;
  return fp;
}

const SYMBOLIC_OPERATOR = /^[=<>!:]/;
const DDL_VERBS = new Set(['alter', 'create', 'drop', 'truncate', 'rename']);

interface SqliShape {
  name: string;
  context: 'any' | 'quote' | 'plain';
  re: RegExp;
  /** Further condition on the folded tokens, where the fingerprint alone would also fit prose; `at`
   * is the index of the match in the fingerprint (one token per character). */
  words?: (t: readonly SqlToken[], at: number) => boolean;
}

/** Attack shapes, each a regex over a fingerprint. Named so an alert can say which one matched. */
export const SQLI_SHAPES: readonly SqliShape[] = [
  // x' OR 'a'='a / x' AND 1=1 / ') OR ('1'='1
  { name: 'quote-break-tautology', context: 'quote', re: /^s\)*[&o](?:[s1vfFI(]|no)/ },
  // admin'-- / admin'#
  { name: 'quote-break-comment', context: 'quote', re: /^s\)*c$/ },
  // x'; DROP TABLE … / x'; EXEC …
  { name: 'quote-break-stacked', context: 'quote', re: /^s\)*;(?:E|c|kv|$)/ },
  // x' UNION … / 'ALTER a / 'select H: a closed string followed by a statement word
  { name: 'quote-break-statement', context: 'quote', re: /^s\)*(?:U|E(?:[1v(X]|$))/ },
  // 'select H / admin" create x: a verb and a bare word after the quote count only when the quote
  // comes first in the value or after one word (`Our CEO said "create value` is a quotation)
  {
    name: 'quote-break-verb',
    context: 'quote',
    re: /^s\)*En/,
    words: (t) => !/\s/.test(t[0]!.value.trim()),
  },
  // ' ORDER BY 3-- / ' HAVING 1=1 / ' WAITFOR DELAY …
  { name: 'quote-break-clause', context: 'quote', re: /^s\)*(?:B[1n]|k[1svn(]|E[s1(k])/ },
  // 1 OR 1=1 / 1) AND (1=1 / 1 AND SLEEP(5)
  { name: 'numeric-tautology', context: 'plain', re: /^[1v]\)*&(?:[1sv][oc]|[fFI]\(|\()/ },
  // OR 1=1 on its own (appended to a closed string elsewhere)
  { name: 'bare-tautology', context: 'plain', re: /^&(?:[1s]o[1s]|[fFI]\()/ },
  // AND deleted = 0) / || langCode == ' / OR (7319=8742): a fragment that starts with a boolean
  // operator and compares with a symbol (word operators such as `like` or `is` read as prose)
  {
    name: 'bare-comparison',
    context: 'plain',
    re: /^&\(*[1snv]o(?:[1snvfFI(s]|$)/,
    words: (t) => {
      const op = t.find((x) => x.type === 'o');
      return op !== undefined && SYMBOLIC_OPERATOR.test(op.value);
    },
  },
  { name: 'numeric-clause', context: 'plain', re: /^1\)*(?:B1|E[s1(])/ },
  // ORDER BY 3-- / ORDER BY 1#: column probing, cut off by a comment that ends the value
  {
    name: 'order-by-comment',
    context: 'plain',
    re: /^\)*B1c$/,
    words: (t) => /^(?:--|#|\/\*)\s*$/.test(t[t.length - 1]!.value),
  },
  // WHERE 1=1 AND 1=0 / HAVING 1=1# / AS x WHERE 1=1: a clause opened on a literal tautology
  {
    name: 'clause-tautology',
    context: 'plain',
    re: /^\)*(?:kn)?k1o1/,
    words: (t, at) => {
      const k = t.slice(at).find((x) => x.value === 'where' || x.value === 'having');
      const op = t.find((x) => x.type === 'o');
      return k !== undefined && op !== undefined && SYMBOLIC_OPERATOR.test(op.value);
    },
  },
  // WAITFOR DELAY '0:0:20' (SQL Server's sleep), also after a closing parenthesis
  {
    name: 'waitfor-delay',
    context: 'plain',
    re: /^\)*Eks/,
    words: (t, at) => {
      const i = t.findIndex((x, j) => j >= at && x.type === 'E');
      return t[i]?.value === 'waitfor' && t[i + 1]?.value === 'delay';
    },
  },
  // '1001'='10 / "a"="a: a value that is itself a string comparison
  {
    name: 'string-comparison',
    context: 'plain',
    re: /^s\)*o[s1]/,
    words: (t) => {
      const op = t.find((x) => x.type === 'o');
      return op !== undefined && SYMBOLIC_OPERATOR.test(op.value);
    },
  },
  // … UNION [ALL] SELECT … (a pair no prose produces)
  { name: 'union-select', context: 'any', re: /U\(*E/ },
  { name: 'stacked-statement', context: 'any', re: /^(?:[s1v]\)*)?;(?:E(?:[1svfFIXo(kc]|n[,k(s]|n?$)|kv)/ },
  // … 9896=9896;SELECT (CASE …: a statement stacked after a complete one
  { name: 'stacked-subquery', context: 'any', re: /[1sn)];E\(/ },
  // 1 AND (SELECT …) / length((SELECT …))
  { name: 'subquery', context: 'any', re: /[&o,f]\(+E(?:[1svfFIX(o]|n[,k]|$)/ },
  // 1234 AS "alias" FROM / ` AS `alias` from: an alias quoted as SQL quotes it, then FROM
  {
    name: 'alias-from',
    context: 'any',
    re: /(?:^|[1n)])k[sn]k/,
    words: (t, at) => {
      const i = t[at]?.type === 'k' ? at : at + 1;
      const alias = t[i + 1]!;
      const before = t[i - 1];
      return (
        t[i]!.value === 'as' &&
        t[i + 2]!.value === 'from' &&
        (alias.type === 's' || alias.value.startsWith('`')) &&
        (before === undefined || before.type !== 'n' || before.value.startsWith('`'))
      );
    },
  },
  // ! As' from / 6 As" from / ;  As  not  from: the tail of a select list — a fragment that starts
  // mid-expression (a symbol or a number), then AS, one alias and FROM, and nothing after. (`!` is not
  // a token, so `! As' from` reads `k s` with the string ` from`.) Prose puts words before "as".
  {
    name: 'alias-from-fragment',
    context: 'plain',
    re: /^(?:[;1]k[on]k|[;1]?ks)$/,
    words: (t) => {
      const as = t.find((x) => x.type === 'k');
      const last = t[t.length - 1]!;
      return (
        as?.value === 'as' &&
        (last.type === 's' ? last.value.trim() === 'from' : last !== as && last.value === 'from')
      );
    },
  },
  // EXECUTE IMMEDIATE … / PROCEDURE ANALYSE(
  {
    name: 'dynamic-sql',
    context: 'plain',
    re: /E[ns]|k[nf]/,
    words: (t) =>
      t.some((x, i) => x.value === 'execute' && t[i + 1]?.value === 'immediate') ||
      t.some((x, i) => x.value === 'procedure' && t[i + 1]?.value === 'analyse'),
  },
  // ` REGEXP / ' RLIKE: a closed string followed by a regular-expression match operator and nothing
  // else (the start of a blind, character-by-character extraction)
  {
    name: 'quote-break-regexp',
    context: 'quote',
    re: /^[sn]\)*o$/,
    words: (t) => {
      const op = t.find((x) => x.type === 'o');
      // A backtick-quoted name is MySQL's other closed quote.
      const closed = t[0]!.type === 's' || t[0]!.value.startsWith('`');
      return closed && op !== undefined && (op.value === 'regexp' || op.value === 'rlike');
    },
  },
  // EXEC master.dbo.xp_cmdshell / exec master..xp_dirtree: a procedure of SQL Server's system
  // database called by its qualified name (the dot is what prose never writes)
  {
    name: 'exec-system-database',
    context: 'plain',
    re: /^;?E[nX]/,
    words: (t, at) => {
      const verb = t[at]?.type === ';' ? t[at + 1] : t[at];
      const name = t[t.indexOf(verb!) + 1];
      // `master.` qualifying a name, or alone at the very end (`Execute master. Then …` is prose)
      return (
        (verb!.value === 'exec' || verb!.value === 'execute') &&
        (/^master\.[.\w]/i.test(name!.value) || (name!.value === 'master.' && name === t[t.length - 1]))
      );
    },
  },
  // SLEEP(5), BENCHMARK(…), LOAD_FILE(…), EXTRACTVALUE(…), also left open at the end
  {
    name: 'dangerous-function',
    context: 'any',
    re: /F\((?:[1svnfFIX(E)]|$)/,
    // `sleep (I use it every night)`: SQL arguments are separated by commas and operators; two bare
    // words in a row inside the parentheses are prose.
    words: (t, at) => {
      for (let i = at + 2; i < t.length && t[i]!.type !== ')'; i++)
        if (t[i]!.type === 'n' && t[i - 1]!.type === 'n') return false;
      return true;
    },
  },
  // USER(), DATABASE( — information functions called empty or left open, or inside SQL
  { name: 'information-function', context: 'any', re: /I\((?:\)|$)|[&oEU,]I\(/ },
  // xp_cmdshell, information_schema, INTO OUTFILE …
  { name: 'sql-only-name', context: 'any', re: /X/ },
  // SELECT CHAR(…, DECLARE @x, EXEC (@…
  { name: 'statement-start', context: 'plain', re: /^E(?:[fFI]\(|v|\(v|X)/ },
  // ALTER TABLE x … / DROP TABLE users / CREATE DATABASE …
  {
    name: 'ddl-statement',
    context: 'plain',
    re: /^;?E(?:k[nX]|[nX];?c$)/,
    words: (t, at) => {
      const verb = t[at]?.type === ';' ? t[at + 1] : t[at];
      const noun = t[t.indexOf(verb!) + 1];
      if (!DDL_VERBS.has(verb!.value)) return false;
      // DROP sampletable;-- : a verb, a name and a comment cutting the rest off
      return noun?.type !== 'k' || noun.value === 'table' || noun.value === 'database';
    },
  },
  // SELECT x WHERE 1=1 / SELECT a, b FROM t WHERE id = 3
  {
    name: 'select-where',
    context: 'plain',
    re: /^E[n1](?:,[n1])*(?:k[nX])?k[n1s]o[n1s]/,
    words: (t) => t[0]?.value === 'select' && t.some((x) => x.type === 'k' && x.value === 'where'),
  },
  // FROM t WHERE name = "x"
  {
    name: 'from-where',
    context: 'plain',
    re: /^k[nX]k[n1]o[1s]/,
    words: (t) => t[0]?.value === 'from' && t[2]?.value === 'where',
  },
  // ) OR 1=1 / ) AS x FROM / ); DROP …: a closing parenthesis breaking out of the application's SQL
  { name: 'paren-break', context: 'plain', re: /^\)+(?:[&;UB]|k[ns1(]|o[1sv(])/ },
];

export interface SqliMatch {
  shape: string;
  fingerprint: string;
  context: 'plain' | 'single-quote' | 'double-quote' | 'backtick';
}

/** Cheap gate: without any of these characters or words no shape can match. */
const SQL_HINT_RE =
  /['"`;()=<>#|&]|--|\/\*|\b(?:or|and|xor|union|select|order|group|having|waitfor|exec|sleep|declare|alter|create|drop|truncate|rename|tempdb|msdb)\b|information_schema|xp_|sp_|outfile|dumpfile|pg_|sysobjects|openrowset|opendatasource|sqlite_master|msysaccessobjects|msysobjects|sysibm|mysql\.db|schema_name|sysservers|sysdatabases|sysx?logins|master\.\./i;

/** `'!1`, `"!"`, `` `!1 ``: a quote closing the application's string, MySQL's `!` (NOT) and one
 * operand, and nothing else — the probe of a blind injection (CRS 942190). `!` is not a token, so this
 * shape is read from the value itself; a whole value this short is never prose. */
const QUOTE_NOT_RE = /^\s*["'`]\s*!\s*(?:["'`]|\w{1,2})\s*$/;

export function detectSqli(value: string): SqliMatch | undefined {
  if (value.length < 2 || !SQL_HINT_RE.test(value)) return undefined;
  if (value.length <= 8 && QUOTE_NOT_RE.test(value))
    return { shape: 'quote-break-not', fingerprint: 's!', context: 'plain' };
  const contexts: Array<[SqliMatch['context'], string]> = [['plain', value]];
  if (value.includes("'")) contexts.push(['single-quote', `'${value}`]);
  if (value.includes('"')) contexts.push(['double-quote', `"${value}`]);
  if (value.includes('`')) contexts.push(['backtick', `\`${value}`]);
  for (const [context, text] of contexts) {
    const tokens = foldTokens(tokenizeSql(text));
    let fp = '';
    for (const t of tokens) fp += t.type;
    for (const shape of SQLI_SHAPES) {
      if (shape.context === 'quote' && context === 'plain') continue;
      if (shape.context === 'plain' && context !== 'plain') continue;
      const m = shape.re.exec(fp);
      if (m && (shape.words === undefined || shape.words(tokens, m.index)))
        return { shape: shape.name, fingerprint: fp.slice(0, 12), context };
    }
  }
  return undefined;
}
