// Response bodies that leak internals: stack traces and SQL error messages. The catalogue is data
// (one entry per platform / database, each with examples in leaks.test.ts that must and must not
// match); `findLeak` runs a cheap literal pre-filter, then the few patterns whose marker occurs.

export type LeakKind = 'stack-trace' | 'sql-error';

export interface LeakPattern {
  id: string;
  kind: LeakKind;
  /** Literals of which one must occur in the body (case-sensitive) before the regex runs. */
  markers: readonly string[];
  pattern: RegExp;
}

export const LEAK_PATTERNS: readonly LeakPattern[] = [
  // Stack traces
  {
    id: 'java',
    kind: 'stack-trace',
    markers: ['at '],
    pattern:
      /(?:[\w$]+\.)+[\w$]*(?:Exception|Error)(?::[^\n]*?)?(?:\s|\\[rnt])*at [\w$.<>]+\((?:[\w$]+\.(?:java|kt|scala)(?::\d+)?|Native Method|Unknown Source)\)/,
  },
  {
    id: 'java-inline',
    kind: 'stack-trace',
    markers: ['.java:'],
    pattern: /\bat (?:[\w$]+\.){2,}[\w$<>]+\([\w$]+\.java:\d+\)/,
  },
  {
    id: 'python',
    kind: 'stack-trace',
    markers: ['Traceback'],
    pattern: /Traceback \(most recent call last\):\s*(?:\\n|\n)\s*File "[^"]+", line \d+/,
  },
  {
    id: 'dotnet',
    kind: 'stack-trace',
    markers: [' at '],
    pattern:
      /(?:System|Microsoft)\.[\w.]+(?:Exception|Error)[^\n]*(?:\r?\n|\\r?\\n)\s*at [\w.`<>]+\(.*?\)(?: in [^\n]+:line \d+)?/,
  },
  {
    id: 'dotnet-line',
    kind: 'stack-trace',
    markers: [':line '],
    pattern: /\bat [\w.`<>]+\([^)]*\) in [^\n]+\.cs:line \d+/,
  },
  {
    id: 'node',
    kind: 'stack-trace',
    markers: ['    at '],
    pattern:
      /\b(?:[A-Z]\w*Error|Error)(?::[^\n]*)?(?:\n|\\n)\s{4}at (?:[\w.$<>[\] ]+ \()?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\n)]*:\d+:\d+\)?/,
  },
  {
    id: 'php',
    kind: 'stack-trace',
    markers: ['.php'],
    pattern:
      /(?:(?:Fatal error|Warning|Parse error|Notice)<\/b>?:?|PHP (?:Fatal error|Warning|Notice)|Stack trace:(?:\n|\\n)#0)[^\n]*?(?: in [^\n]*?\.php(?: on line |:)\d+|\.php\(\d+\))/,
  },
  {
    id: 'ruby',
    kind: 'stack-trace',
    markers: ['.rb:'],
    pattern: /(?:\/|\b)[\w./-]+\.rb:\d+:in [`'][^'`]+'/,
  },
  {
    id: 'go',
    kind: 'stack-trace',
    markers: ['goroutine '],
    pattern: /(?:panic: [^\n]*(?:\n|\\n)+)?goroutine \d+ \[[\w ,]+\]:(?:\n|\\n)[\w./*()-]+/,
  },
  // SQL errors
  {
    id: 'mysql',
    kind: 'sql-error',
    markers: ['SQL', 'mysql'],
    pattern:
      /You have an error in your SQL syntax|check the manual that corresponds to your (?:MySQL|MariaDB) server version|\bSQLSTATE\[\w+\]: [^\n]{0,80}(?:syntax|MySQL)|mysql_fetch_\w+\(\)|Warning: mysqli?_/,
  },
  {
    id: 'postgres',
    kind: 'sql-error',
    markers: ['ERROR:', 'PG::', 'PSQLException'],
    pattern:
      /\bERROR: {1,2}(?:syntax error at or near|unterminated quoted string at or near|column "[^"]+" does not exist|relation "[^"]+" does not exist|invalid input syntax for)|PG::\w+Error|org\.postgresql\.util\.PSQLException/,
  },
  {
    id: 'mssql',
    kind: 'sql-error',
    markers: ['quotation mark', 'Incorrect syntax', 'SqlException', '[Microsoft]'],
    pattern:
      /Unclosed quotation mark after the character string|Incorrect syntax near '|\[Microsoft\]\[ODBC SQL Server Driver\]|System\.Data\.SqlClient\.SqlException|Microsoft\.Data\.SqlClient\.SqlException/,
  },
  {
    id: 'mssql-driver',
    kind: 'sql-error',
    markers: ['SQL Server', '[Microsoft]'],
    pattern: /\[SQL Server\]|SQL Server Native Client|\[Microsoft\]\[ODBC/,
  },
  {
    id: 'oracle',
    kind: 'sql-error',
    markers: ['ORA-', 'quoted string'],
    pattern: /\bORA-\d{5}: [^\n]{0,80}|quoted string not properly terminated/,
  },
  {
    id: 'sqlite',
    kind: 'sql-error',
    markers: ['SQLite', 'sqlite', 'SQLITE', 'syntax error'],
    pattern:
      /SQLite(?:3::|\.Exception|Exception|_ERROR)|sqlite3\.OperationalError|SQLITE_ERROR|near "[^"]{1,40}": syntax error/,
  },
  {
    id: 'sqlite-near',
    kind: 'sql-error',
    markers: ['syntax error'],
    pattern: /(?:sqlite3?|SQL logic error)[^\n]{0,40}near "[^"]{1,40}": syntax error/i,
  },
  {
    id: 'generic-jdbc',
    kind: 'sql-error',
    markers: ['SQL', 'mysql'],
    pattern: /java\.sql\.SQL\w*Exception|SQLSyntaxErrorException|com\.mysql\.jdbc\.exceptions/,
  },
];

// Each distinct marker is looked up once per body.
const MARKERS = [...new Set(LEAK_PATTERNS.flatMap((p) => p.markers))];

export interface LeakMatch {
  kind: LeakKind;
  id: string;
  /** Raw text around the match (the caller masks it before keeping it). */
  excerpt: string;
}

/** All leak kinds present in a body (at most one match per kind). */
export function findLeaks(body: string): LeakMatch[] {
  const present = new Set<string>();
  for (const m of MARKERS) if (body.includes(m)) present.add(m);
  if (present.size === 0) return [];
  const out: LeakMatch[] = [];
  for (const p of LEAK_PATTERNS) {
    if (!p.markers.some((m) => present.has(m)) || out.some((o) => o.kind === p.kind)) continue;
    const m = p.pattern.exec(body);
    if (m) {
      const start = Math.max(0, m.index - 20);
      out.push({ kind: p.kind, id: p.id, excerpt: body.slice(start, Math.min(body.length, m.index + 180)) });
    }
  }
  return out;
}

/**
 * Masks what an excerpt may carry of user data: quoted literals (SQL errors echo the input), emails,
 * long digit runs, IPv4 addresses, long tokens. Keeps the structure a person needs to recognise it.
 */
export function maskExcerpt(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'[^']{1,200}'/g, "'***'")
    .replace(/"(?!\s)([^"]{1,200})"/g, (_m, inner: string) =>
      /^[\w.:-]{1,40}$/.test(inner) && !/\d{4,}/.test(inner) ? `"${inner}"` : '"***"',
    )
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '***@***')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '*.*.*.*')
    .replace(/\b[A-Za-z0-9+/_-]{24,}={0,2}/g, (t) => (/\d/.test(t) && /[A-Za-z]/.test(t) ? '***' : t))
    .replace(/\d{6,}/g, (d) => `${'*'.repeat(d.length - 2)}${d.slice(-2)}`)
    .trim()
    .slice(0, 200);
}
