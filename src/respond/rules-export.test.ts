import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_PATTERNS, type Patch } from './patch.js';
import { type ExportInput, pathRegex, toAwsWaf, toCloudflare, toModSecurity } from './rules-export.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const base = {
  created: new Date(NOW).toISOString(),
  createdBy: 'test',
  source: { kind: 'finding' as const, id: 'f1' },
  description: "narrow rule (it's a test)",
};
const P = (id: string, match: Patch['match'], extra: Partial<Patch> = {}): Patch => ({
  ...base,
  id,
  match,
  action: 'block',
  ...extra,
});

const INPUT: ExportInput = {
  now: NOW,
  patches: [
    P('p-sqli', { method: 'GET', path: '/search', where: 'query', name: 'q', pattern: ATTACK_PATTERNS.sqli }),
    P('p-mass', { method: 'POST', path: '/users/{id}', where: 'body', name: 'role' }),
    P('p-xss', {
      method: 'POST',
      path: '/profile',
      where: 'body',
      name: 'user.bio',
      pattern: ATTACK_PATTERNS.xss,
    }),
    P('p-hdr', { path: '/orders', where: 'header', name: 'X-HTTP-Method-Override' }),
    P('p-cookie', { path: '/c', where: 'cookie', name: 'sid', pattern: ATTACK_PATTERNS.command }),
    P('p-log', { method: 'GET', path: '/notes/{id}' }, { action: 'log' }),
    P('p-host', { host: 'api.test', method: 'TRACE', path: '/' }),
    P('p-expired', { path: '/old' }, { expires: new Date(NOW - 1).toISOString() }),
    P('p-revoked', { path: '/gone' }, { revoked: new Date(NOW - 1).toISOString() }),
    P('p-actor', { actor: 'ip:203.0.113.9' }),
    P('p-jwt', { actor: 'jwt:abcdefabcdef' }),
  ],
  decisions: [
    { actor: 'ip:198.51.100.7', action: 'block', until: NOW + 60_000, reason: 'behaviour.bola-enumeration' },
    { actor: 'ip:2001:db8::5', action: 'block', until: NOW + 60_000, reason: 'soc' },
    { actor: 'ip:192.0.2.1', action: 'block', until: NOW - 1, reason: 'lapsed' },
    { actor: 'ip:192.0.2.2', action: 'throttle', until: NOW + 60_000, reason: 'rate', ratePerSecond: 2 },
  ],
};

describe('pathRegex', () => {
  it('turns a template into an anchored regex with one segment per variable', () => {
    const re = new RegExp(pathRegex('/users/{id}/notes/{noteId}'));
    expect(re.test('/users/42/notes/7')).toBe(true);
    expect(re.test('/users/42/notes/7/')).toBe(true);
    expect(re.test('/users/42/notes')).toBe(false);
    expect(re.test('/users/4/2/notes/7')).toBe(false);
    expect(new RegExp(pathRegex('/a.b')).test('/axb')).toBe(false);
  });
});

describe('ModSecurity export', () => {
  const out = toModSecurity(INPUT);

  it('one chained SecRule per live patch, one for blocked IPs; the rest reported as skipped', () => {
    expect(out.rules).toBe(8);
    expect(out.text).not.toMatch(/p-expired|p-revoked|192\.0\.2\.1/);
    expect(out.text).toContain('SecRule REMOTE_ADDR "@ipMatch 203.0.113.9,198.51.100.7,2001:db8::5"');
    expect(out.skipped.map((s) => s.id).sort()).toEqual(['decision:ip:192.0.2.2', 'p-jwt']);
    expect(out.text).toMatch(/id:10001,phase:2,deny,status:403/);
    expect(out.text).toMatch(/tag:'mamori\/patch\/p-log'/);
    expect(out.text).not.toMatch(/it's/);
    for (const line of out.text.split('\n').filter((l) => l.includes('SecRule')))
      expect(line).toMatch(/^ {0,2}SecRule \S+ "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*"$/);
  });

  const nginx = '/usr/sbin/nginx';
  const module = '/usr/lib/nginx/modules/ngx_http_modsecurity_module.so';
  const available = existsSync(nginx) && existsSync(module) && existsSync('/etc/nginx/modsecurity.conf');

  describe.skipIf(!available)('loaded into nginx + libmodsecurity3', () => {
    let proc: ChildProcess | undefined;
    let port = 0;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mamori-modsec-'));
      mkdirSync(join(dir, 'logs'));
      const conf = readFileSync('/etc/nginx/modsecurity.conf', 'utf8')
        .replace(/^SecRuleEngine .*/m, 'SecRuleEngine On')
        .replace(/^SecAuditEngine .*/m, 'SecAuditEngine Off')
        .replace(/^SecAuditLog .*/m, `SecAuditLog ${dir}/logs/audit.log`)
        .replace(/^SecUnicodeMapFile .*/m, 'SecUnicodeMapFile /etc/nginx/unicode.mapping 20127');
      writeFileSync(join(dir, 'modsecurity.conf'), conf);
      writeFileSync(join(dir, 'mamori.conf'), out.text);
      writeFileSync(join(dir, 'main.conf'), `Include ${dir}/modsecurity.conf\nInclude ${dir}/mamori.conf\n`);
      port = await freePort();
      const backend = await freePort();
      writeFileSync(
        join(dir, 'nginx.conf'),
        `load_module ${module};
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    modsecurity on;
    modsecurity_rules_file ${dir}/main.conf;
    location / { proxy_pass http://127.0.0.1:${backend}; }
  }
  server { listen 127.0.0.1:${backend}; location / { return 200 "ok\\n"; } }
}
`,
      );
      const test = spawnSync(nginx, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
      expect(test.status, test.stderr).toBe(0);
      proc = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 100; i++) {
        try {
          await fetch(`http://127.0.0.1:${port}/`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    });
    afterAll(() => {
      proc?.kill('SIGTERM');
    });

    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      await res.arrayBuffer();
      return res.status;
    };

    it('blocks what the patches block and lets the rest through', async () => {
      expect(await call('GET', "/search?q=1'%20union%20select%201--")).toBe(403);
      expect(await call('GET', '/search?q=%27')).toBe(403);
      expect(await call('GET', '/search?q=shoes')).toBe(200);
      expect(await call('GET', "/other?q=1'")).toBe(200);
      expect(await call('POST', '/users/42', { name: 'bob', role: 'admin' })).toBe(403);
      expect(await call('POST', '/users/42', { name: 'bob' })).toBe(200);
      expect(await call('POST', '/profile', { user: { bio: '<script>alert(1)</script>' } })).toBe(403);
      expect(await call('POST', '/profile', { user: { bio: 'I like cats' } })).toBe(200);
      expect(await call('GET', '/orders', undefined, { 'x-http-method-override': 'DELETE' })).toBe(403);
      expect(await call('GET', '/orders')).toBe(200);
      expect(await call('GET', '/c', undefined, { cookie: 'sid=a;b' })).toBe(200);
      expect(await call('GET', '/c', undefined, { cookie: 'sid=$(id)' })).toBe(403);
      expect(await call('GET', '/notes/3')).toBe(200);
      expect(await call('GET', '/old')).toBe(200);
    });
  });
});

describe('Cloudflare export', () => {
  const out = toCloudflare(INPUT);
  const body = JSON.parse(out.text) as { rules: Array<Record<string, unknown>> };

  it('is a Rulesets API body: rules with action, expression, description, enabled', () => {
    expect(out.rules).toBe(8);
    expect(body.rules).toHaveLength(8);
    for (const r of body.rules) {
      expect(['block', 'log']).toContain(r['action']);
      expect(typeof r['expression']).toBe('string');
      expect((r['expression'] as string).length).toBeLessThanOrEqual(4096);
      expect(r['enabled']).toBe(true);
      if (r['action'] === 'block')
        expect(r['action_parameters']).toMatchObject({ response: { status_code: 403 } });
      checkExpression(r['expression'] as string);
    }
    const exprs = body.rules.map((r) => r['expression'] as string);
    expect(exprs).toContain(
      `http.request.method eq "GET" and http.request.uri.path eq "/search" and any(lower(http.request.uri.args["q"][*])[*] matches r#"${ATTACK_PATTERNS.sqli}"#)`,
    );
    expect(exprs.some((e) => e.includes('lookup_json_string(http.request.body.raw, "user", "bio")'))).toBe(
      true,
    );
    expect(exprs.some((e) => e.includes('http.request.uri.path matches r#"^/users/[^/]+/?$"#'))).toBe(true);
    expect(exprs).toContain('ip.src in {203.0.113.9 198.51.100.7 2001:db8::5}');
  });
});

/** Cloudflare's expression language, the part the exporter writes: known fields and functions,
 * well-formed string and raw-string literals, balanced brackets, `and`/`or` between comparisons. */
function checkExpression(expr: string): void {
  const FIELDS = new Set([
    'http.host',
    'http.request.method',
    'http.request.uri.path',
    'http.request.uri.args',
    'http.request.uri.args.names',
    'http.request.headers',
    'http.request.headers.names',
    'http.request.cookies',
    'http.request.cookies.names',
    'http.request.body.raw',
    'http.request.body.form',
    'http.request.body.form.names',
    'ip.src',
  ]);
  const FUNCS = new Set(['any', 'lower', 'url_decode', 'lookup_json_string']);
  const WORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'in', 'matches', 'contains']);
  const stack: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === ' ') i++;
    else if (c === '"') {
      i++;
      while (i < expr.length && expr[i] !== '"') i += expr[i] === '\\' ? 2 : 1;
      expect(expr[i], `unterminated string in ${expr}`).toBe('"');
      i++;
    } else if (expr.startsWith('r#"', i)) {
      const end = expr.indexOf('"#', i + 3);
      expect(end, `unterminated raw string in ${expr}`).toBeGreaterThan(i);
      expect(() => new RegExp(expr.slice(i + 3, end))).not.toThrow();
      i = end + 2;
    } else if ('([{'.includes(c)) {
      stack.push(c);
      i++;
    } else if (')]}'.includes(c)) {
      expect(stack.pop(), `unbalanced ${c} in ${expr}`).toBe({ ')': '(', ']': '[', '}': '{' }[c]);
      i++;
    } else if (c === '*' || c === ',') i++;
    else if (expr.startsWith('==', i)) i += 2;
    else {
      const m = /^[a-z_][a-z0-9_.]*|^[0-9a-f:.]+/.exec(expr.slice(i));
      expect(m, `unexpected ${expr.slice(i, i + 10)} in ${expr}`).not.toBeNull();
      const word = m![0];
      const next = expr[i + word.length];
      if (/^[0-9]/.test(word) || /^[0-9a-f]*:/.test(word)) {
        // IP address inside `{…}`
      } else if (next === '(') expect(FUNCS.has(word), `function ${word}`).toBe(true);
      else if (!WORDS.has(word)) expect(FIELDS.has(word), `field ${word}`).toBe(true);
      i += word.length;
    }
  }
  expect(stack).toEqual([]);
}

describe('AWS WAFv2 export', () => {
  const out = toAwsWaf(INPUT);
  const body = JSON.parse(out.text) as {
    IPSets: Array<Record<string, unknown>>;
    Rules: Array<Record<string, unknown>>;
  };

  it('rules with Name, Priority, Action, VisibilityConfig and Statement; IP sets for blocked addresses', () => {
    expect(body.Rules).toHaveLength(10);
    expect(body.Rules.map((r) => r['Priority'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(body.IPSets.map((s) => s['IPAddressVersion'])).toEqual(['IPV4', 'IPV6', 'IPV4']);
    // The throttled address: a rate-based rule (2/s → 120 per 60 s) scoped down to its IP set, 429.
    const throttle = body.Rules.find((r) => r['Name'] === 'mamori-throttled-ipv4-2')!;
    expect(throttle['Action']).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    expect(throttle['Statement']).toMatchObject({
      RateBasedStatement: { Limit: 120, EvaluationWindowSec: 60, AggregateKeyType: 'IP' },
    });
    expect(body.IPSets[2]!['Addresses']).toEqual(['192.0.2.2/32']);
    expect(out.skipped.map((x) => x.id)).toEqual(['p-jwt']);
    expect(body.IPSets[0]!['Addresses']).toEqual(['203.0.113.9/32', '198.51.100.7/32']);
    const log = body.Rules.find((r) => r['Name'] === 'mamori-p-log')!;
    expect(log['Action']).toEqual({ Count: {} });
    const mass = body.Rules.find((r) => r['Name'] === 'mamori-p-mass')!;
    expect(JSON.stringify(mass['Statement'])).toContain('"IncludedPaths":["/role"]');
  });

  const botocore = spawnSync('python3', ['-c', 'import botocore'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!botocore)(
    'validates against the WAFv2 service model (botocore CreateRuleGroup / CreateIPSet)',
    () => {
      const script = `
import json, sys, botocore.session
from botocore.validate import ParamValidator
m = botocore.session.get_session().get_service_model('wafv2')
d = json.load(sys.stdin)
vc = {'SampledRequestsEnabled': True, 'CloudWatchMetricsEnabled': True, 'MetricName': 'mamori'}
reports = [ParamValidator().validate({'Name': 'mamori', 'Scope': 'REGIONAL', 'Capacity': 1500, 'VisibilityConfig': vc, 'Rules': d['Rules']}, m.operation_model('CreateRuleGroup').input_shape).generate_report()]
for s in d['IPSets']:
    reports.append(ParamValidator().validate(s, m.operation_model('CreateIPSet').input_shape).generate_report())
print('\\n'.join(r for r in reports if r))
`;
      const r = spawnSync('python3', ['-c', script], { input: out.text, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('');
      // The validator does catch a bad rule.
      const bad = JSON.stringify({ IPSets: [], Rules: [{ ...body.Rules[0], Action: { Deny: {} } }] });
      const r2 = spawnSync('python3', ['-c', script], { input: bad, encoding: 'utf8' });
      expect(r2.stdout).toMatch(/Unknown parameter/);
    },
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
