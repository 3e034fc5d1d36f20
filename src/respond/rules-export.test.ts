import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_PATTERNS, type Patch } from './patch.js';
import { type ExportInput, pathRegex, toAwsWaf, toCloudflare, toModSecurity } from './rules-export.js';

const modsecAvailable =
  existsSync('/usr/sbin/nginx') &&
  existsSync('/usr/lib/nginx/modules/ngx_http_modsecurity_module.so') &&
  existsSync('/etc/nginx/modsecurity.conf');

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

  it('one chained SecRule per live patch, per expiry of blocked IPs, per throttle; the rest reported as skipped', () => {
    // 7 patches, 2 blocked-IP groups (no expiry / the decisions' until), 1 throttle + its 3 counter rules.
    expect(out.rules).toBe(13);
    expect(out.text).not.toMatch(/p-expired|p-revoked|192\.0\.2\.1[^0-9]/);
    expect(out.text).toContain(
      'SecRule REMOTE_ADDR "@ipMatch 203.0.113.9" "id:10007,phase:1,deny,status:403',
    );
    const until = Math.ceil((NOW + 60_000) / 1000);
    expect(out.text).toContain(
      `SecRule REMOTE_ADDR "@ipMatch 198.51.100.7,2001:db8::5" "id:10008,phase:1,deny,status:403,log,msg:'mamori blocked actor',tag:'mamori/actor',t:none,chain"\n  SecRule TIME_EPOCH "@lt ${until}" "t:none"`,
    );
    expect(out.text).toContain(
      `  SecRule TIME_EPOCH "@lt ${until}" "t:none,initcol:ip=%{REMOTE_ADDR},setvar:tx.mamori_rate=2"`,
    );
    expect(out.text).toMatch(/deny,status:429,log,msg:'mamori throttled actor'/);
    expect(out.skipped.map((s) => s.id)).toEqual(['p-jwt']);
    expect(out.text).toMatch(/id:10001,phase:2,deny,status:403/);
    expect(out.text).toMatch(/tag:'mamori\/patch\/p-log'/);
    expect(out.text).not.toMatch(/it's/);
    for (const line of out.text.split('\n').filter((l) => l.includes('SecRule')))
      expect(line).toMatch(/^ {0,2}SecRule \S+ "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*"$/);
  });

  describe.skipIf(!modsecAvailable)('loaded into nginx + libmodsecurity3', () => {
    let server: Awaited<ReturnType<typeof startModsec>> | undefined;
    beforeAll(async () => {
      server = await startModsec(out.text);
    });
    afterAll(() => server?.stop());

    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`http://127.0.0.1:${server!.port}${path}`, {
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

describe.skipIf(!modsecAvailable)('ModSecurity export of live decisions, in nginx + libmodsecurity3', () => {
  // Real time: a throttle and a block that lapse 8 s from now. Clients are told apart by their
  // loopback source address (127.0.0.2 throttled, 127.0.0.3 blocked, 127.0.0.1 neither).
  let until = 0;
  let server: Awaited<ReturnType<typeof startModsec>> | undefined;
  beforeAll(async () => {
    const now = Date.now();
    until = now + 8_000;
    const out = toModSecurity({
      now,
      patches: [],
      decisions: [
        { actor: 'ip:127.0.0.2', action: 'throttle', until, reason: 'behaviour.rate', ratePerSecond: 2 },
        { actor: 'ip:127.0.0.3', action: 'block', until, reason: 'behaviour.bola-enumeration' },
      ],
    });
    server = await startModsec(out.text);
  });
  afterAll(() => server?.stop());

  const get = (from: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server!.port, path: '/items', localAddress: from, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 20);

  it("refuses requests over the rate with 429, passes those under it, and lapses at the decision's end", async () => {
    expect(until - Date.now(), 'nginx took too long to start for this test').toBeGreaterThan(5_000);
    // Over the rate: 5 at once at the start of a second → the first 2 pass, 3 get 429.
    await nextSecond();
    const burst = await Promise.all([0, 1, 2, 3, 4].map(() => get('127.0.0.2')));
    expect(burst.filter((s) => s === 200)).toHaveLength(2);
    expect(burst.filter((s) => s === 429)).toHaveLength(3);
    // Other clients are not counted against it; the blocked one gets 403.
    expect(await get('127.0.0.1')).toBe(200);
    expect(await get('127.0.0.3')).toBe(403);
    // The window is one second: the next one passes again.
    await nextSecond();
    expect(await get('127.0.0.2')).toBe(200);
    // Under the rate (one request per 600 ms, never more than 2 in a second): all pass.
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      expect(await get('127.0.0.2')).toBe(200);
    }
    // After `until` neither the throttle nor the block applies.
    await sleep(Math.max(0, until - Date.now()) + 1100);
    const after = await Promise.all([0, 1, 2, 3, 4].map(() => get('127.0.0.2')));
    expect(after).toEqual([200, 200, 200, 200, 200]);
    expect(await get('127.0.0.3')).toBe(200);
  }, 20_000);
});

/** nginx with libmodsecurity 3 and these rules in front of a backend answering 200, on loopback. */
async function startModsec(rules: string): Promise<{ port: number; stop: () => void }> {
  const nginx = '/usr/sbin/nginx';
  const module = '/usr/lib/nginx/modules/ngx_http_modsecurity_module.so';
  const dir = mkdtempSync(join(tmpdir(), 'mamori-modsec-'));
  mkdirSync(join(dir, 'logs'));
  const conf = readFileSync('/etc/nginx/modsecurity.conf', 'utf8')
    .replace(/^SecRuleEngine .*/m, 'SecRuleEngine On')
    .replace(/^SecAuditEngine .*/m, 'SecAuditEngine Off')
    .replace(/^SecAuditLog .*/m, `SecAuditLog ${dir}/logs/audit.log`)
    .replace(/^SecUnicodeMapFile .*/m, 'SecUnicodeMapFile /etc/nginx/unicode.mapping 20127');
  writeFileSync(join(dir, 'modsecurity.conf'), conf);
  writeFileSync(join(dir, 'mamori.conf'), rules);
  writeFileSync(join(dir, 'main.conf'), `Include ${dir}/modsecurity.conf\nInclude ${dir}/mamori.conf\n`);
  const port = await freePort();
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
  const proc: ChildProcess = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
    stdio: 'ignore',
    cwd: dir,
  });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, stop: () => proc.kill('SIGTERM') };
}

describe('Cloudflare export', () => {
  const out = toCloudflare(INPUT);
  const body = JSON.parse(out.text) as Record<
    string,
    { description: string; rules: Array<Record<string, unknown>> }
  >;
  const custom = body['http_request_firewall_custom']!.rules;
  const limits = body['http_ratelimit']!.rules;

  it("is one Rulesets API entrypoint body per phase, each valid against Cloudflare's rule schema", () => {
    expect(Object.keys(body).sort()).toEqual(['http_ratelimit', 'http_request_firewall_custom']);
    expect(out.rules).toBe(10);
    expect(custom).toHaveLength(9);
    expect(limits).toHaveLength(1);
    expect(out.skipped.map((s) => s.id)).toEqual(['p-jwt']);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(CLOUDFLARE_PHASE_BODY);
    for (const [phase, b] of Object.entries(body)) {
      expect(validate(b), `${phase}: ${JSON.stringify(validate.errors)}`).toBe(true);
      for (const r of b.rules) {
        expect((r['expression'] as string).length).toBeLessThanOrEqual(4096);
        checkExpression(r['expression'] as string);
        // Rate limiting rules live in the http_ratelimit phase only.
        expect(r['ratelimit'] !== undefined).toBe(phase === 'http_ratelimit');
      }
    }
    // The validator does catch a bad rule.
    expect(
      validate({ rules: [{ ...limits[0], ratelimit: { period: 7, characteristics: ['ip.src'] } }] }),
    ).toBe(false);
    const exprs = custom.map((r) => r['expression'] as string);
    expect(exprs).toContain(
      `http.request.method eq "GET" and http.request.uri.path eq "/search" and any(lower(http.request.uri.args["q"][*])[*] matches r#"${ATTACK_PATTERNS.sqli}"#)`,
    );
    expect(exprs.some((e) => e.includes('lookup_json_string(http.request.body.raw, "user", "bio")'))).toBe(
      true,
    );
    expect(exprs.some((e) => e.includes('http.request.uri.path matches r#"^/users/[^/]+/?$"#'))).toBe(true);
    const until = Math.ceil((NOW + 60_000) / 1000);
    expect(exprs).toContain('ip.src in {203.0.113.9}');
    expect(exprs).toContain(
      `ip.src in {198.51.100.7 2001:db8::5} and http.request.timestamp.sec lt ${until}`,
    );
  });

  it('throttles become rate limiting rules: rate × 10 requests per 10 s per client address, 429, until the decision ends', () => {
    expect(limits[0]).toMatchObject({
      action: 'block',
      expression: `ip.src in {192.0.2.2} and http.request.timestamp.sec lt ${Math.ceil((NOW + 60_000) / 1000)}`,
      enabled: true,
      action_parameters: { response: { status_code: 429, content_type: 'application/json' } },
      ratelimit: {
        characteristics: ['ip.src', 'cf.colo.id'],
        period: 10,
        requests_per_period: 20,
        mitigation_timeout: 10,
      },
    });
  });
});

/**
 * A phase entrypoint body as Cloudflare's API schema defines it (api-schemas openapi.json, as the
 * generated cloudflare-typescript SDK carries it: PhaseUpdateParams { description, name, rules } and
 * BlockRuleParam / LogRuleParam { action, action_parameters.response { content, content_type,
 * status_code }, description, enabled, expression, ratelimit { characteristics, period,
 * requests_per_period, mitigation_timeout, … } }); the enumerations are those of the rate limiting
 * parameters page (developers.cloudflare.com/waf/rate-limiting-rules/parameters): periods 10, 60, 120,
 * 300, 600, 3600; mitigation timeouts 0, 10, 60, 120, 300, 600, 3600, 86400; `cf.colo.id` mandatory.
 */
const CLOUDFLARE_PHASE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    description: { type: 'string' },
    name: { type: 'string' },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'expression'],
        properties: {
          action: { enum: ['block', 'log'] },
          expression: { type: 'string', minLength: 1 },
          description: { type: 'string', maxLength: 500 },
          enabled: { type: 'boolean' },
          action_parameters: {
            type: 'object',
            additionalProperties: false,
            properties: {
              response: {
                type: 'object',
                additionalProperties: false,
                required: ['content', 'content_type', 'status_code'],
                properties: {
                  content: { type: 'string' },
                  content_type: { enum: ['application/json', 'text/html', 'text/plain', 'text/xml'] },
                  status_code: { type: 'integer', minimum: 400, maximum: 499 },
                },
              },
            },
          },
          ratelimit: {
            type: 'object',
            additionalProperties: false,
            required: ['characteristics', 'period'],
            properties: {
              characteristics: {
                type: 'array',
                items: { type: 'string' },
                contains: { const: 'cf.colo.id' },
              },
              period: { enum: [10, 60, 120, 300, 600, 3600] },
              requests_per_period: { type: 'integer', minimum: 1 },
              mitigation_timeout: { enum: [0, 10, 60, 120, 300, 600, 3600, 86400] },
              counting_expression: { type: 'string' },
              requests_to_origin: { type: 'boolean' },
              score_per_period: { type: 'integer' },
              score_response_header_name: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

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
    'http.request.timestamp.sec',
    'ip.src',
  ]);
  const FUNCS = new Set(['any', 'lower', 'url_decode', 'lookup_json_string']);
  const WORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'lt', 'in', 'matches', 'contains']);
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
        // IP address inside `{…}`, or an integer
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
