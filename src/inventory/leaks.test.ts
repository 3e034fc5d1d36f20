import { describe, expect, it } from 'vitest';
import { findLeaks, LEAK_PATTERNS, maskExcerpt } from './leaks.js';

// Each platform: a body that must be recognised. Benign look-alikes below must not be.
const LEAKS: Array<[string, 'stack-trace' | 'sql-error', string]> = [
  [
    'java',
    'stack-trace',
    'java.lang.NullPointerException: null\n\tat com.shop.web.UserController.get(UserController.java:42)\n\tat sun.reflect.X.invoke(Unknown Source)',
  ],
  [
    'java in JSON',
    'stack-trace',
    '{"trace":"java.lang.IllegalStateException: boom\\n\\tat com.shop.Svc.run(Svc.java:10)"}',
  ],
  [
    'python',
    'stack-trace',
    'Traceback (most recent call last):\n  File "/app/views.py", line 12, in get\n    raise KeyError(k)\nKeyError: \'id\'',
  ],
  [
    '.NET',
    'stack-trace',
    'System.NullReferenceException: Object reference not set to an instance of an object.\r\n   at Shop.Api.OrdersController.Get(Int32 id) in C:\\src\\Shop\\OrdersController.cs:line 31',
  ],
  [
    'node',
    'stack-trace',
    "TypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/srv/app/routes/users.js:14:22)\n    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)",
  ],
  [
    'php',
    'stack-trace',
    '<b>Fatal error</b>:  Uncaught Error: Call to undefined function foo() in /var/www/html/index.php:12',
  ],
  [
    'ruby',
    'stack-trace',
    "app/controllers/users_controller.rb:12:in `show'\nactionpack (7.0.4) lib/action_controller/metal.rb:227:in `dispatch'",
  ],
  [
    'go',
    'stack-trace',
    'panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.handler(0x0)\n\t/app/main.go:12 +0x1d',
  ],
  [
    'mysql',
    'sql-error',
    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''' at line 1",
  ],
  [
    'postgres',
    'sql-error',
    "ERROR:  syntax error at or near \"'\" LINE 1: SELECT * FROM users WHERE id = '''",
  ],
  ['postgres jdbc', 'sql-error', 'org.postgresql.util.PSQLException: ERROR: relation "userz" does not exist'],
  ['mssql', 'sql-error', "Unclosed quotation mark after the character string ''. Incorrect syntax near 'x'."],
  ['oracle', 'sql-error', 'ORA-01756: quoted string not properly terminated'],
  ['sqlite', 'sql-error', 'sqlite3.OperationalError: near "FROM": syntax error'],
];

const BENIGN = [
  '{"id":1,"name":"Traceback Tours","status":"at home"}',
  '<html><body>Error: page not found</body></html>',
  '{"message":"SQL is a query language","count":3}',
  '{"error":"invalid input","at":"2026-01-01"}',
  'Our ORA-tory course starts at 10',
  '{"note":"call us at 555"}',
];

describe('leak patterns', () => {
  it.each(LEAKS)('recognises a %s leak', (_name, kind, body) => {
    const found = findLeaks(body);
    expect(found.map((f) => f.kind)).toContain(kind);
  });

  it.each(BENIGN)('does not flag %s', (body) => {
    expect(findLeaks(body)).toEqual([]);
  });

  it('covers every platform and database of the catalogue', () => {
    const ids = new Set(LEAK_PATTERNS.map((p) => p.id));
    for (const id of [
      'java',
      'python',
      'dotnet',
      'node',
      'php',
      'ruby',
      'go',
      'mysql',
      'postgres',
      'mssql',
      'oracle',
      'sqlite',
    ])
      expect(ids.has(id)).toBe(true);
  });

  it('masks user data in excerpts', () => {
    const m = maskExcerpt(
      "near 'alice@example.com' for user bob@example.org from 10.1.2.3 card 4111111111111111 token eyJhbGciOiJIUzI1NiJ9abcdef123456",
    );
    expect(m).not.toContain('alice');
    expect(m).not.toContain('bob@example.org');
    expect(m).not.toContain('10.1.2.3');
    expect(m).not.toContain('4111111111111111');
    expect(m).not.toContain('eyJhbGciOiJIUzI1NiJ9abcdef123456');
    expect(m).toContain("near '***'");
  });
});
