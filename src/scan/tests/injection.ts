// Injection tests, each confirmed by a differential (see src/scan/checkers/injection.ts), and
// schema fuzzing from the spec. Categorised under API8:2023 (the 2023 list folds injection into
// misconfiguration / unsafe input handling) with their own CWE.

import type { ScanTest } from '../types.js';

const SQL_FIX =
  'Use parameterised queries / prepared statements for every value; never build SQL by string concatenation.';

const where = {
  query: 'a query parameter',
  path: 'a path parameter',
  body: 'a request body field (JSON, form, multipart or XML)',
  header: 'a header parameter',
} as const;
type Loc = keyof typeof where;

const inj = (
  id: string,
  name: string,
  checker: ScanTest['checker'],
  options: Record<string, unknown>,
  sends: string,
  decides: string,
  remediation: string,
  cwe: number,
  severity: ScanTest['severity'] = 'critical',
): ScanTest => ({
  id,
  name,
  severity,
  owasp: 'API8:2023',
  cwe,
  sends,
  decides,
  remediation,
  checker,
  options,
  ...(options['location'] === 'body' ? { destructive: true } : {}),
});

const sqlErr = (n: number, loc: Loc) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `SQL injection (error-based) in ${where[loc]}`,
    'sqli-error',
    { location: loc },
    `${where[loc]} with a quote appended ('")`,
    'a database error message appears that the unchanged request does not show',
    SQL_FIX,
    89,
  );
const sqlBool = (n: number, loc: Loc, numeric = false) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `SQL injection (boolean${numeric ? ', numeric' : ''}) in ${where[loc]}`,
    'sqli-boolean',
    { location: loc, numeric },
    numeric
      ? `${where[loc]} as "N OR 1=1" and "N AND 1=2"`
      : `${where[loc]} as "v' OR '1'='1" and "v' AND '1'='2"`,
    'the true condition returns more than the false one, the false one equals the plain value, and the true one repeats identically',
    SQL_FIX,
    89,
  );

const cmd = (n: number, sep: string, template: string) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `OS command injection (${sep})`,
    'command-injection',
    { location: 'query', payload: template },
    `a query parameter as ${template.replace('{v}', 'v').replace('{cmd}', 'expr A + B')}`,
    'the answer contains the sum A+B (absent from the payload and from the baseline answer)',
    'Never pass input to a shell; call programs with an argument array (execFile) and allow-list values.',
    78,
  );

const trav = (n: number, what: string, payload: string) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `Path traversal (${what})`,
    'path-traversal',
    { location: 'query', payload },
    `a file-like query parameter (file, path, name, template …) as ${payload}`,
    "the answer contains the first line of /etc/passwd (root:x:0:0:) and the sample value's answer does not",
    'Resolve the path and check it stays under the allowed directory (realpath + prefix check), or map ids to files.',
    22,
    'high',
  );

const tpl = (n: number, engine: string, payload: string) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `Server-side template injection (${engine})`,
    'ssti',
    { location: 'query', payload },
    `a query parameter as ${payload.replace('{a}', 'A').replace('{b}', 'B')} with random 4-digit A and B`,
    'the answer contains the product A×B, which only the template engine could compute',
    'Never compile user input as a template; pass it as data to a fixed template (sandboxed engine, autoescape).',
    1336,
  );

const xss = (n: number, loc: Loc, payload: string, what: string) =>
  inj(
    `MAM-SCAN-INJ-${String(n).padStart(3, '0')}`,
    `Reflected XSS served as HTML (${what})`,
    'xss-reflected',
    { location: loc, payload },
    `${where[loc]} as ${payload.replace('{m}', '<marker>')}`,
    'the markup comes back unescaped in a text/html answer',
    'Answer JSON as application/json with X-Content-Type-Options: nosniff; HTML-encode any reflected value.',
    79,
    'medium',
  );

const fuzz = (
  n: number,
  kind: string,
  name: string,
  sends: string,
  severity: ScanTest['severity'] = 'medium',
): ScanTest => ({
  id: `MAM-SCAN-SCHEMA-${String(n).padStart(3, '0')}`,
  name,
  severity,
  owasp: 'API8:2023',
  cwe: 20,
  sends,
  decides: 'the answer is 2xx (accepted) or 5xx (crashed) instead of 4xx, while the valid value gets 2xx',
  remediation:
    'Validate every parameter and body against the declared schema before use (e.g. Fastify/ajv route schemas) and answer 400.',
  checker: 'schema-fuzz',
  options: { kind },
});

export const INJECTION: ScanTest[] = [
  sqlErr(1, 'query'),
  sqlErr(2, 'path'),
  sqlErr(3, 'body'),
  sqlErr(4, 'header'),
  sqlBool(5, 'query'),
  sqlBool(6, 'path'),
  sqlBool(7, 'body'),
  sqlBool(8, 'query', true),
  inj(
    'MAM-SCAN-INJ-009',
    'SQL injection (time-based, PostgreSQL pg_sleep)',
    'sqli-time',
    { location: 'query', payload: "{v}'||(SELECT pg_sleep({s}))||'", seconds: 1.5 },
    "a query parameter as v'||(SELECT pg_sleep(S))||' with S = 0, 1.5 and 3",
    'the delay follows S (≥0.9·S s over the zero-delay control, twice)',
    SQL_FIX,
    89,
  ),
  inj(
    'MAM-SCAN-INJ-010',
    'SQL injection (time-based, MySQL SLEEP)',
    'sqli-time',
    { location: 'query', payload: "{v}' AND SLEEP({s}) AND '1'='1", seconds: 1.5 },
    "a query parameter as v' AND SLEEP(S) AND '1'='1 with S = 0, 1.5 and 3",
    'the delay follows S',
    SQL_FIX,
    89,
  ),
  inj(
    'MAM-SCAN-INJ-011',
    'NoSQL operator injection in login ($ne)',
    'nosql-operator',
    { operator: '$ne', operand: null },
    'login with {"$ne": null} as both username and password',
    'an unknown account is refused; the operator objects log in (token/session in the answer)',
    'Reject non-string credentials (schema validation); never pass request objects into database queries.',
    943,
  ),
  inj(
    'MAM-SCAN-INJ-012',
    'NoSQL operator injection in login ($gt)',
    'nosql-operator',
    { operator: '$gt', operand: '' },
    'login with {"$gt": ""} as both username and password',
    'an unknown account is refused; the operator objects log in',
    'Reject non-string credentials; sanitise operators ($-prefixed keys) from input.',
    943,
  ),
  inj(
    'MAM-SCAN-INJ-013',
    'NoSQL operator injection in login ($regex)',
    'nosql-operator',
    { operator: '$regex', operand: '.*' },
    'login with {"$regex": ".*"} as both username and password',
    'an unknown account is refused; the operator objects log in',
    'Reject non-string credentials; sanitise operators from input.',
    943,
  ),
  inj(
    'MAM-SCAN-INJ-014',
    'NoSQL operator injection in a query filter',
    'nosql-operator',
    { location: 'query', operator: '$ne' },
    'a query parameter as name[$ne]=<no-match> instead of name=<no-match>',
    'the operator form returns more than the plain no-match value',
    'Parse query strings without nested objects (qs depth 0) or validate filters to scalars.',
    943,
    'high',
  ),
  cmd(15, 'semicolon', '{v};{cmd}'),
  cmd(16, 'pipe', '{v}|{cmd}'),
  cmd(17, 'logical and', '{v}&&{cmd}'),
  cmd(18, 'command substitution $()', '{v}$({cmd})'),
  cmd(19, 'backticks', '{v}`{cmd}`'),
  cmd(20, 'newline', '{v}\n{cmd}'),
  inj(
    'MAM-SCAN-INJ-021',
    'OS command injection (time-based sleep)',
    'command-injection',
    { location: 'query', timing: true, payload: '{v};sleep {s}' },
    'a query parameter as v;sleep S with S = 0, 2 and 3',
    'the delay follows S (≥1.8 s and ≥2.7 s over sleep 0)',
    'Never pass input to a shell; use execFile with an argument array.',
    78,
  ),
  trav(22, 'dot-dot-slash', '../../../../../../../../etc/passwd'),
  trav(23, 'percent-encoded', '..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd'),
  trav(24, 'double-encoded', '..%252f..%252f..%252f..%252f..%252f..%252f..%252f..%252fetc%252fpasswd'),
  trav(25, 'absolute path', '/etc/passwd'),
  trav(26, 'filter bypass ....//', '....//....//....//....//....//....//....//....//etc/passwd'),
  tpl(27, 'Jinja2 / Twig / Handlebars-style {{ }}', '{{{a}*{b}}}'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload IS a template expression
  tpl(28, 'FreeMarker / EL / JS template literal ${ }', '${{a}*{b}}'),
  tpl(29, 'ERB / EJS <%= %>', '<%= {a}*{b} %>'),
  tpl(30, 'Ruby / Pug #{ }', '#{{a}*{b}}'),
  tpl(31, 'Thymeleaf / Spring *{ }', '*{{a}*{b}}'),
  xss(32, 'query', '<mamori-{m}>', 'query parameter'),
  xss(33, 'path', '<mamori-{m}>', 'path parameter'),
  xss(34, 'query', '"><svg id={m}>', 'attribute breakout'),
  {
    ...inj(
      'MAM-SCAN-INJ-035',
      'SQL injection bypasses the login (OR 1=1)',
      'sqli-login',
      { payload: "' OR 1=1-- " },
      "login with the user name ' OR 1=1--  and a wrong password",
      'the login succeeds (token in the answer) while a wrong password without SQL fails',
      SQL_FIX,
      89,
    ),
    destructive: true,
  },
  {
    ...inj(
      'MAM-SCAN-INJ-036',
      'SQL injection comments out the password check',
      'sqli-login',
      { payload: "{known}'-- " },
      "login with a known account's name followed by '--  and a wrong password",
      'the login succeeds as that account; the same account with a wrong password and no SQL fails',
      SQL_FIX,
      89,
    ),
    destructive: true,
  },
  {
    id: 'MAM-SCAN-INJ-037',
    name: 'Null byte gets past a file-type allow-list',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 158,
    sends:
      'for each listed file the server refused (4xx), the same name with %2500.<ext> or %00.<ext> appended, <ext> taken from the refusal ("only .md and .pdf")',
    decides:
      'the suffixed name returns content other than the refusal, while a file that does not exist with the same suffix is not served',
    remediation:
      'Reject names containing NUL or percent signs before any check; check the extension of the name actually opened; serve only allow-listed names, not a folder.',
    checker: 'null-byte',
    options: {},
  },
  {
    id: 'MAM-SCAN-INJ-038',
    name: 'XML external entity expanded (XML body)',
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 611,
    sends:
      'the sample XML body of an operation that takes XML, with a DTD declaring an external entity file:///etc/passwd used in its first field',
    decides: 'the answer contains "root:x:0:0:" while the same document without the DTD does not',
    remediation:
      'Disable DTDs and external entities in the XML parser (libxml2: no NOENT/DTDLOAD; Java: disallow-doctype-decl), or accept JSON only.',
    checker: 'xxe',
    options: { via: 'body' },
    destructive: true,
  },
  {
    id: 'MAM-SCAN-INJ-039',
    name: 'XML external entity expanded (uploaded file)',
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 611,
    sends:
      'to each file field of a multipart operation: an .xml file whose DTD declares an external entity file:///etc/passwd',
    decides: 'the answer (any status) contains "root:x:0:0:" while an upload of the declared type does not',
    remediation:
      'Parse uploaded documents with DTDs and external entities disabled; refuse file types the operation does not declare.',
    checker: 'xxe',
    options: { via: 'upload' },
    destructive: true,
  },
  {
    id: 'MAM-SCAN-INJ-040',
    name: 'Server-side JavaScript injection (time-based sleep, expression context)',
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 943,
    sends:
      'a path parameter (numbers included) set to sleep(0), sleep(200), sleep(0), sleep(400): a MongoDB $where / eval expression built from it runs the call',
    decides:
      'the 200 ms and 400 ms payloads are slower than their zero-delay controls by at least 180 and 360 ms',
    remediation:
      'Never build $where / mapReduce / eval code from input; use query operators with typed values, and disable server-side JavaScript in the database.',
    checker: 'sqli-time',
    options: {
      location: 'path',
      numeric: true,
      payload: 'sleep({ms})',
      seconds: 0.2,
      what: 'JavaScript sleep()',
    },
  },
  {
    id: 'MAM-SCAN-INJ-041',
    name: 'Server-side JavaScript injection (time-based sleep, string context)',
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 943,
    sends: "a path string parameter set to <value>'||sleep(N)||' with N = 0, 200, 0, 400 ms",
    decides:
      'the 200 ms and 400 ms payloads are slower than their zero-delay controls by at least 180 and 360 ms',
    remediation:
      'Never build $where / eval code from input; use query operators with typed values, and disable server-side JavaScript in the database.',
    checker: 'sqli-time',
    options: { location: 'path', payload: "{v}'||sleep({ms})||'", seconds: 0.2, what: 'JavaScript sleep()' },
  },
  {
    id: 'MAM-SCAN-INJ-042',
    name: "Server-side JavaScript injection (boolean, string context: '||'a'=='a)",
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 943,
    sends:
      "a path parameter set to a plain value, to <value>'||'a'=='a (always true) and to <value>'||'a'=='b (always false)",
    decides:
      'the always-false answer equals the plain one, the always-true one returns more, and repeating it gives the same answer',
    remediation:
      'Never build $where / eval code from input; use query operators with typed values, and disable server-side JavaScript in the database.',
    checker: 'sqli-boolean',
    options: { location: 'path', true: "{v}'||'a'=='a", false: "{v}'||'a'=='b" },
  },
  {
    id: 'MAM-SCAN-INJ-043',
    name: 'SQL injection (UNION-based) reads the database catalogue',
    severity: 'critical',
    owasp: 'API8:2023',
    cwe: 89,
    sends:
      "a query parameter closed with ' ') ')) \" or nothing, then ORDER BY 1 / 99 (column count by bisection), a UNION SELECT of markers, and a UNION SELECT of the catalogue (sqlite_master, else information_schema.tables)",
    decides:
      'ORDER BY 1 works while ORDER BY 99 is a SQL error, a marker of the UNION is shown, and the catalogue query returns table definitions',
    remediation:
      'Use parameterised queries; never concatenate input into SQL. Run the API with a database user that cannot read the catalogue of other schemas.',
    checker: 'sqli-union',
    options: { location: 'query' },
  },
];

export const SCHEMA: ScanTest[] = [
  fuzz(
    1,
    'type-integer',
    'Non-numeric value for an integer not rejected',
    'a string where the schema declares integer/number (query, path, body)',
  ),
  fuzz(
    2,
    'type-boolean',
    'Non-boolean value for a boolean not rejected',
    'a string where the schema declares boolean',
  ),
  fuzz(
    3,
    'type-string-object',
    'Object for a string field not rejected',
    'a JSON object where the schema declares a string body field',
  ),
  fuzz(4, 'above-maximum', 'Value above the declared maximum not rejected', 'maximum + 1'),
  fuzz(5, 'below-minimum', 'Value below the declared minimum not rejected', 'minimum - 1'),
  fuzz(
    6,
    'over-max-length',
    'String longer than maxLength not rejected',
    'a string of maxLength + 1 characters',
  ),
  fuzz(7, 'enum', 'Value outside the declared enum not rejected', 'a value not in the enum'),
  fuzz(
    8,
    'format',
    'Value breaking the declared format not rejected',
    'a malformed email / uuid / date / date-time',
  ),
  fuzz(9, 'huge-integer', 'Integer beyond 64 bits not rejected', '99999999999999999999999999 for an integer'),
  fuzz(
    12,
    'under-min-length',
    'String shorter than minLength not rejected',
    'a string of minLength - 1 characters (empty for minLength 1)',
  ),
  fuzz(
    10,
    'null',
    'null for a non-nullable field not rejected',
    'null in a JSON body field that is not nullable',
  ),
  {
    id: 'MAM-SCAN-SCHEMA-011',
    name: 'Response does not match its declared schema',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 1286,
    sends: 'each readable GET operation as its ordinary identity',
    decides: 'ajv (JSON Schema 2020-12, OpenAPI nullable honoured) rejects the 2xx JSON body',
    remediation: 'Serialise responses through their declared schema and test the contract in CI.',
    checker: 'response-schema',
    options: {},
  },
  {
    id: 'MAM-SCAN-SCHEMA-013',
    name: 'Every required field empty at once not rejected',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 20,
    sends:
      'each create operation (POST without path parameters) whose required string fields declare minLength, format or pattern: the sample body, then the same body with all of them empty',
    decides: 'the empty body gets 2xx or 5xx while the sample got 2xx',
    remediation: 'Validate request bodies against their schema on the server (minLength, format, pattern).',
    checker: 'schema-empty',
    options: {},
    destructive: true,
  },
];
