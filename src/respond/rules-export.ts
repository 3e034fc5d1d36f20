// Hands mamori's virtual patches, blocked and throttled actors to the WAFs teams already run:
// ModSecurity SecRules (v2/v3 syntax, chained, phase 2; throttles as a per-IP counter in the IP
// collection), Cloudflare rulesets (the Rulesets API bodies for the `http_request_firewall_custom` and
// `http_ratelimit` phases) and AWS WAFv2 rules (the `Rules` of CreateRuleGroup / UpdateWebACL, plus the
// IP sets blocked and throttled addresses need; throttles as rate-based rules). Patterns are portable by
// construction (patch.ts); values are decoded and lower-cased by each product's transformations as our
// guard does. Expiry goes with the rule where the product can read the clock (ModSecurity TIME_EPOCH,
// Cloudflare http.request.timestamp.sec); AWS WAF has no clock condition, so its export is a snapshot.
// What a product cannot express is listed as skipped with the reason, never silently dropped: actors
// other than IP addresses (token and key hashes a WAF cannot compute).
// Pure: no I/O.

import type { Decision } from './decisions.js';
import { isLive, type Patch, type PatchMatch } from './patch.js';

export type RulesFormat = 'modsecurity' | 'cloudflare' | 'aws-waf';

export interface ExportInput {
  patches: readonly Patch[];
  decisions: readonly Decision[];
  /** Epoch ms: expired and revoked patches and lapsed decisions are left out. */
  now: number;
}

export interface Skipped {
  id: string;
  reason: string;
}

export interface RulesExport {
  format: RulesFormat;
  /** The file to hand to the product. */
  text: string;
  rules: number;
  skipped: Skipped[];
}

interface Prepared {
  patches: Patch[];
  /** Blocked addresses with where the block came from and when it lapses (epoch ms; none: never). */
  ips: Array<{ ip: string; v6: boolean; from: string; until?: number }>;
  /** Throttled addresses, their rate (requests per second) and when the throttle lapses. */
  throttles: Array<{ ip: string; v6: boolean; from: string; rate: number; until: number }>;
  skipped: Skipped[];
}

/** Items grouped by a key, in first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** Epoch ms → whole epoch seconds a rule compares the request time with (`now < until`). */
function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** When a patch lapses (epoch ms), if it has an expiry. */
function patchUntil(p: Patch): number | undefined {
  if (p.expires === undefined) return undefined;
  const t = Date.parse(p.expires);
  return Number.isNaN(t) ? undefined : t;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+(?::(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})?$/i;

function prepare(input: ExportInput): Prepared {
  const out: Prepared = { patches: [], ips: [], throttles: [], skipped: [] };
  const seen = new Set<string>();
  const ipOf = (actor: string, from: string): string | undefined => {
    const ip = /^ip:(.+)$/.exec(actor)?.[1];
    if (ip && (IPV4.test(ip) || (ip.includes(':') && IPV6.test(ip)))) return ip;
    out.skipped.push({
      id: from,
      reason: `actor ${actor} is not an IP address (a WAF cannot compute mamori's credential hashes)`,
    });
    return undefined;
  };
  const addActor = (actor: string, from: string, until: number | undefined) => {
    const ip = ipOf(actor, from);
    if (ip === undefined) return;
    if (!seen.has(ip))
      out.ips.push({ ip, v6: ip.includes(':'), from, ...(until !== undefined ? { until } : {}) });
    seen.add(ip);
  };
  for (const p of input.patches) {
    if (!isLive(p, input.now)) continue;
    if (p.match.actor !== undefined) {
      const { actor, ...rest } = p.match;
      if (Object.keys(rest).length === 0 && p.action === 'block') {
        addActor(actor, p.id, patchUntil(p));
        continue;
      }
      out.skipped.push({
        id: p.id,
        reason: 'patches that combine an actor with other conditions are not exported',
      });
      continue;
    }
    out.patches.push(p);
  }
  for (const d of input.decisions) {
    if (d.until <= input.now) continue;
    const from = `decision:${d.actor}`;
    if (d.action === 'throttle') {
      const ip = ipOf(d.actor, from);
      if (ip !== undefined)
        out.throttles.push({ ip, v6: ip.includes(':'), from, rate: d.ratePerSecond ?? 1, until: d.until });
      continue;
    }
    addActor(d.actor, from, d.until);
  }
  return out;
}

/** `/users/{id}` → `^/users/[^/]+/?$`. */
export function pathRegex(template: string): string {
  let src = '^';
  let last = 0;
  for (const m of template.matchAll(/\{[^}]+\}/g)) {
    src += escapeRe(template.slice(last, m.index));
    src += '[^/]+';
    last = m.index + m[0].length;
  }
  return `${src}${escapeRe(template.slice(last).replace(/\/$/, ''))}/?$`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

// ---- ModSecurity ---------------------------------------------------------------------------------

const MODSEC_T = 't:none,t:urlDecodeUni,t:htmlEntityDecode,t:lowercase';

interface Cond {
  variable: string;
  operator: string;
  transforms?: string;
}

/** The name as a ModSecurity selector regex: the name itself and what lies under it. No `|` (it
 * separates variables). libmodsecurity 3 names JSON body values `json.a.b` (arrays `json.a.array_0`)
 * and puts them in ARGS, not ARGS_POST (checked against 3.0.9 in the tests). */
function selector(name: string, json: boolean): string {
  const n = escapeRe(name)
    .replace(/\\\[\\\]/g, '[.\\[][a-z_0-9\\]]*')
    .replace(/\//g, '\\/');
  return `/^${json ? 'json\\.' : ''}${n}(?:[.\\[].*)?$/`;
}

function modsecInput(m: PatchMatch): Cond | undefined {
  const pattern = m.pattern;
  const op = pattern !== undefined ? `@rx ${pattern}` : undefined;
  const vars = (list: string[]): Cond =>
    op
      ? { variable: list.join('|'), operator: op, transforms: MODSEC_T }
      : { variable: list.map((v) => `&${v}`).join('|'), operator: '@gt 0' };
  if (m.where === 'path' || (m.where === undefined && m.name === undefined && pattern !== undefined))
    return op ? { variable: 'REQUEST_FILENAME', operator: op, transforms: MODSEC_T } : undefined;
  if (m.where === 'body' && m.name === undefined)
    return op ? { variable: 'REQUEST_BODY', operator: op, transforms: MODSEC_T } : undefined;
  if (m.name === undefined) return undefined;
  switch (m.where) {
    case 'query':
      return vars([`ARGS_GET:${selector(m.name, false)}`]);
    case 'body':
      return vars([`ARGS_POST:${selector(m.name, false)}`, `ARGS:${selector(m.name, true)}`]);
    case 'header':
      return vars([`REQUEST_HEADERS:${m.name}`]);
    case 'cookie':
      return vars([`REQUEST_COOKIES:${m.name}`]);
    default:
      return vars([
        `ARGS:${selector(m.name, false)}`,
        `ARGS:${selector(m.name, true)}`,
        `REQUEST_HEADERS:${m.name}`,
        `REQUEST_COOKIES:${m.name}`,
      ]);
  }
}

function quoteModsec(s: string): string {
  return `"${s.replace(/"/g, '\\"')}"`;
}

/** The chained condition that makes a rule lapse: the request's time before `until`. */
function modsecUntil(until: number | undefined): Cond[] {
  return until === undefined ? [] : [{ variable: 'TIME_EPOCH', operator: `@lt ${epochSeconds(until)}` }];
}

function modsecChain(lines: string[], first: string[], conds: Cond[]): void {
  conds.forEach((c, i) => {
    const actions = i === 0 ? [...first] : [];
    actions.push(c.transforms ?? 't:none');
    if (i < conds.length - 1) actions.push('chain');
    lines.push(
      `${i === 0 ? '' : '  '}SecRule ${c.variable} ${quoteModsec(c.operator)} ${quoteModsec(actions.join(','))}`,
    );
  });
}

export function toModSecurity(input: ExportInput, opts: { idBase?: number } = {}): RulesExport {
  const prep = prepare(input);
  let id = opts.idBase ?? 10_000;
  const lines = [
    '# mamori virtual patches and blocked actors (mamori rules export --format modsecurity)',
    `# generated ${new Date(input.now).toISOString()}; rule ids from ${id}; phase 2 (request body available)`,
    '',
  ];
  let rules = 0;
  for (const p of prep.patches) {
    const m = p.match;
    const conds: Cond[] = [];
    if (m.method) conds.push({ variable: 'REQUEST_METHOD', operator: `@streq ${m.method}` });
    if (m.host)
      conds.push({ variable: 'SERVER_NAME', operator: `@streq ${m.host}`, transforms: 't:none,t:lowercase' });
    if (m.path) conds.push({ variable: 'REQUEST_FILENAME', operator: `@rx ${pathRegex(m.path)}` });
    const inputCond = modsecInput(m);
    if (inputCond) conds.push(inputCond);
    else if (m.name !== undefined || m.pattern !== undefined) {
      prep.skipped.push({ id: p.id, reason: 'input without a name that ModSecurity can address' });
      continue;
    }
    if (conds.length === 0) {
      prep.skipped.push({ id: p.id, reason: 'a patch with no condition would match every request' });
      continue;
    }
    const disruptive = p.action === 'block' ? 'deny,status:403' : 'pass';
    const msg = oneLine(`mamori ${p.id}: ${p.description}`).replace(/'/g, '');
    lines.push(`# ${p.id} (${p.source.kind} ${p.source.id})${p.expires ? ` until ${p.expires}` : ''}`);
    modsecChain(
      lines,
      [`id:${id}`, 'phase:2', disruptive, 'log', `msg:'${msg}'`, `tag:'mamori/patch/${p.id}'`],
      [...conds, ...modsecUntil(patchUntil(p))],
    );
    lines.push('');
    id++;
    rules++;
  }
  for (const group of groupBy(prep.ips, (x) => String(x.until ?? ''))) {
    const until = group[0]!.until;
    lines.push(
      `# blocked actors: ${group.map((x) => x.from).join(', ')}${until !== undefined ? ` until ${new Date(until).toISOString()}` : ''}`,
    );
    modsecChain(
      lines,
      [
        `id:${id}`,
        'phase:1',
        'deny',
        'status:403',
        'log',
        "msg:'mamori blocked actor'",
        "tag:'mamori/actor'",
      ],
      [
        { variable: 'REMOTE_ADDR', operator: `@ipMatch ${group.map((x) => x.ip).join(',')}` },
        ...modsecUntil(until),
      ],
    );
    lines.push('');
    id++;
    rules++;
  }
  if (prep.throttles.length > 0) {
    // libmodsecurity 3 (before 3.0.11) ignores `expirevar` and SecCollectionTimeout, so the counter
    // carries its own window: IP:mamori_reset is the epoch second the current one-second window ends;
    // a request at or after it starts a new window. The throttle itself lapses by TIME_EPOCH. The IP
    // collection is per nginx worker process unless libmodsecurity is built with LMDB.
    lines.push('# throttled actors: at most tx.mamori_rate requests per second each, else 429');
    for (const group of groupBy(prep.throttles, (x) => `${x.rate}/${x.until}`)) {
      const { rate, until } = group[0]!;
      lines.push(
        `# ${group.map((x) => x.from).join(', ')}: ${rate} requests/s until ${new Date(until).toISOString()}`,
      );
      modsecChain(
        lines,
        [`id:${id}`, 'phase:1', 'pass', 'nolog', "tag:'mamori/throttle'"],
        [
          { variable: 'REMOTE_ADDR', operator: `@ipMatch ${group.map((x) => x.ip).join(',')}` },
          {
            variable: 'TIME_EPOCH',
            operator: `@lt ${epochSeconds(until)}`,
            transforms: `t:none,initcol:ip=%{REMOTE_ADDR},setvar:tx.mamori_rate=${Math.floor(rate)}`,
          },
        ],
      );
      id++;
      rules++;
    }
    modsecChain(
      lines,
      [`id:${id++}`, 'phase:1', 'pass', 'nolog'],
      [
        { variable: '&TX:mamori_rate', operator: '@eq 1' },
        {
          variable: 'TIME_EPOCH',
          operator: '@ge %{ip.mamori_reset}',
          transforms:
            't:none,setvar:ip.mamori_reset=%{TIME_EPOCH},setvar:ip.mamori_reset=+1,setvar:ip.mamori_count=0',
        },
      ],
    );
    modsecChain(
      lines,
      [`id:${id++}`, 'phase:1', 'pass', 'nolog', 'setvar:ip.mamori_count=+1'],
      [{ variable: '&TX:mamori_rate', operator: '@eq 1' }],
    );
    modsecChain(
      lines,
      [
        `id:${id++}`,
        'phase:1',
        'deny',
        'status:429',
        'log',
        "msg:'mamori throttled actor'",
        "tag:'mamori/throttle'",
      ],
      [
        { variable: '&TX:mamori_rate', operator: '@eq 1' },
        { variable: 'IP:mamori_count', operator: '@gt %{tx.mamori_rate}' },
      ],
    );
    lines.push('');
    rules += 3;
  }
  return { format: 'modsecurity', text: lines.join('\n'), rules, skipped: prep.skipped };
}

// ---- Cloudflare ----------------------------------------------------------------------------------

/** A rule of a Rulesets API phase entrypoint (BlockRule / LogRule of Cloudflare's OpenAPI schema). */
export interface CloudflareRule {
  action: 'block' | 'log';
  expression: string;
  description: string;
  enabled: boolean;
  action_parameters?: { response: { status_code: number; content_type: string; content: string } };
  /** `http_ratelimit` phase only. */
  ratelimit?: {
    characteristics: string[];
    period: number;
    requests_per_period: number;
    mitigation_timeout: number;
  };
}

/** The body of `PUT /zones/{zone_id}/rulesets/phases/{phase}/entrypoint`. */
export interface CloudflarePhaseBody {
  description: string;
  rules: CloudflareRule[];
}

/** What `--format cloudflare` writes: one entrypoint body per phase, keyed by the phase's name. */
export interface CloudflareExport {
  http_request_firewall_custom: CloudflarePhaseBody;
  http_ratelimit: CloudflarePhaseBody;
}

/** Rate-limiting window: 10 s is the one period every plan accepts (Free included), and 10 s the
 * shortest mitigation timeout, so a throttled actor is held to its rate at the finest grain Cloudflare
 * offers. Cloudflare blocks for the whole timeout once the rate is exceeded; mamori refuses only the
 * requests over the rate within its one-second window. */
const CF_PERIOD = 10;
const CF_MITIGATION_TIMEOUT = 10;

/** A Cloudflare string literal: double quotes, `\"` and `\\` escaped. */
function cfString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** Regex literal for `matches`: raw string syntax r#"…"# keeps backslashes as written. */
function cfRegex(re: string): string {
  return re.includes('"#') ? cfString(re) : `r#"${re}"#`;
}

function cfInput(m: PatchMatch): string | undefined {
  const re = m.pattern !== undefined ? cfRegex(m.pattern) : undefined;
  if (m.where === 'path' || (m.where === undefined && m.name === undefined && re))
    return re ? `lower(url_decode(http.request.uri.path)) matches ${re}` : undefined;
  if (m.where === 'body' && m.name === undefined)
    return re ? `lower(http.request.body.raw) matches ${re}` : undefined;
  if (m.name === undefined) return undefined;
  const name = m.name;
  const q = re
    ? `any(lower(http.request.uri.args[${cfString(name)}][*])[*] matches ${re})`
    : `any(http.request.uri.args.names[*] == ${cfString(name)})`;
  const h = re
    ? `any(lower(http.request.headers[${cfString(name.toLowerCase())}][*])[*] matches ${re})`
    : `any(lower(http.request.headers.names[*])[*] == ${cfString(name.toLowerCase())})`;
  const c = re
    ? `any(lower(http.request.cookies[${cfString(name)}][*])[*] matches ${re})`
    : `any(http.request.cookies.names[*] == ${cfString(name)})`;
  const keys = name.includes('[]') ? undefined : name.split('.');
  const jsonValue =
    keys && re
      ? `lower(lookup_json_string(http.request.body.raw, ${keys.map(cfString).join(', ')})) matches ${re}`
      : undefined;
  const last = name.split('.').pop()!.replace(/\[\]$/, '');
  const jsonKey = `http.request.body.raw matches ${cfRegex(`"${escapeRe(last)}"\\s*:`)}`;
  const form = re
    ? `any(lower(http.request.body.form[${cfString(name)}][*])[*] matches ${re})`
    : `any(http.request.body.form.names[*] == ${cfString(name)})`;
  const body = re ? `(${[jsonValue, form].filter(Boolean).join(' or ')})` : `(${jsonKey} or ${form})`;
  switch (m.where) {
    case 'query':
      return q;
    case 'header':
      return h;
    case 'cookie':
      return c;
    case 'body':
      return body;
    default:
      return `(${q} or ${h} or ${c} or ${body})`;
  }
}

/** The condition that makes a rule lapse: Cloudflare's receive time before `until`. */
function cfUntil(until: number | undefined): string[] {
  return until === undefined ? [] : [`http.request.timestamp.sec lt ${epochSeconds(until)}`];
}

export function toCloudflare(input: ExportInput): RulesExport {
  const prep = prepare(input);
  const rules: CloudflareRule[] = [];
  for (const p of prep.patches) {
    const m = p.match;
    const parts: string[] = [];
    if (m.host) parts.push(`http.host eq ${cfString(m.host)}`);
    if (m.method) parts.push(`http.request.method eq ${cfString(m.method)}`);
    if (m.path)
      parts.push(
        m.path.includes('{')
          ? `http.request.uri.path matches ${cfRegex(pathRegex(m.path))}`
          : `http.request.uri.path eq ${cfString(m.path)}`,
      );
    const inputExpr = cfInput(m);
    if (inputExpr) parts.push(inputExpr);
    else if (m.name !== undefined || m.pattern !== undefined) {
      prep.skipped.push({ id: p.id, reason: 'input without a name that Cloudflare can address' });
      continue;
    }
    if (parts.length === 0) {
      prep.skipped.push({ id: p.id, reason: 'a patch with no condition would match every request' });
      continue;
    }
    parts.push(...cfUntil(patchUntil(p)));
    rules.push(cfRule(p.action, parts.join(' and '), `mamori ${p.id}: ${p.description}`));
  }
  for (const group of groupBy(prep.ips, (x) => String(x.until ?? '')))
    rules.push(
      cfRule(
        'block',
        [`ip.src in {${group.map((x) => x.ip).join(' ')}}`, ...cfUntil(group[0]!.until)].join(' and '),
        `mamori: blocked actors (${group.map((x) => x.from).join(', ')})`,
      ),
    );
  const limits: CloudflareRule[] = [];
  for (const group of groupBy(prep.throttles, (x) => `${x.rate}/${x.until}`)) {
    const { rate, until } = group[0]!;
    const rule = cfRule(
      'block',
      [`ip.src in {${group.map((x) => x.ip).join(' ')}}`, ...cfUntil(until)].join(' and '),
      `mamori: throttled to ${rate} requests/s (${group.map((x) => x.from).join(', ')})`,
      { status: 429, reason: 'mamori throttle' },
    );
    // Counted per client address in each Cloudflare data centre (`cf.colo.id` is mandatory).
    rule.ratelimit = {
      characteristics: ['ip.src', 'cf.colo.id'],
      period: CF_PERIOD,
      requests_per_period: Math.max(1, Math.floor(rate * CF_PERIOD)),
      mitigation_timeout: CF_MITIGATION_TIMEOUT,
    };
    limits.push(rule);
  }
  const body: CloudflareExport = {
    http_request_firewall_custom: { description: 'mamori virtual patches and blocked actors', rules },
    http_ratelimit: { description: 'mamori throttled actors', rules: limits },
  };
  return {
    format: 'cloudflare',
    text: `${JSON.stringify(body, null, 2)}\n`,
    rules: rules.length + limits.length,
    skipped: prep.skipped,
  };
}

function cfRule(
  action: 'block' | 'log',
  expression: string,
  description: string,
  answer = { status: 403, reason: 'mamori virtual patch' },
): CloudflareRule {
  const rule: CloudflareRule = {
    action,
    expression,
    description: oneLine(description).slice(0, 500),
    enabled: true,
  };
  if (action === 'block')
    rule.action_parameters = {
      response: {
        status_code: answer.status,
        content_type: 'application/json',
        content: JSON.stringify({
          error: answer.status === 429 ? 'throttled' : 'blocked',
          reason: answer.reason,
        }),
      },
    };
  return rule;
}

// ---- AWS WAFv2 -----------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const AWS_T = [
  { Priority: 0, Type: 'URL_DECODE' },
  { Priority: 1, Type: 'HTML_ENTITY_DECODE' },
  { Priority: 2, Type: 'LOWERCASE' },
];
const NONE_T = [{ Priority: 0, Type: 'NONE' }];

/** AWS names: 1–128 of [0-9A-Za-z_-]. */
function awsName(s: string): string {
  return s.replace(/[^0-9A-Za-z_-]/g, '-').slice(0, 128);
}

function awsMatch(field: Json, pattern: string | undefined): Json {
  return pattern !== undefined
    ? { RegexMatchStatement: { RegexString: pattern, FieldToMatch: field, TextTransformations: AWS_T } }
    : // Present (even empty): size ≥ 0 matches only when the field exists.
      {
        SizeConstraintStatement: {
          FieldToMatch: field,
          ComparisonOperator: 'GE',
          Size: 0,
          TextTransformations: NONE_T,
        },
      };
}

function jsonPointer(name: string): string | undefined {
  if (name.includes('[]')) return undefined;
  return `/${name
    .split('.')
    .map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

function awsInput(m: PatchMatch): Json | undefined {
  if (m.where === 'path' || (m.where === undefined && m.name === undefined && m.pattern !== undefined))
    return m.pattern !== undefined ? awsMatch({ UriPath: {} }, m.pattern) : undefined;
  if (m.where === 'body' && m.name === undefined)
    return m.pattern !== undefined ? awsMatch({ Body: { OversizeHandling: 'MATCH' } }, m.pattern) : undefined;
  if (m.name === undefined) return undefined;
  const query = awsMatch({ SingleQueryArgument: { Name: m.name } }, m.pattern);
  const header = awsMatch({ SingleHeader: { Name: m.name.toLowerCase() } }, m.pattern);
  const cookie = awsMatch(
    {
      Cookies: {
        MatchPattern: { IncludedCookies: [m.name] },
        MatchScope: 'VALUE',
        OversizeHandling: 'MATCH',
      },
    },
    m.pattern,
  );
  const pointer = jsonPointer(m.name);
  const body = pointer
    ? awsMatch(
        {
          JsonBody: {
            MatchPattern: { IncludedPaths: [pointer] },
            MatchScope: 'VALUE',
            InvalidFallbackBehavior: 'EVALUATE_AS_STRING',
            OversizeHandling: 'MATCH',
          },
        },
        m.pattern,
      )
    : undefined;
  switch (m.where) {
    case 'query':
      return query;
    case 'header':
      return header;
    case 'cookie':
      return cookie;
    case 'body':
      return body;
    default:
      return { OrStatement: { Statements: [query, header, cookie, ...(body ? [body] : [])] } };
  }
}

export function toAwsWaf(input: ExportInput, opts: { scope?: 'REGIONAL' | 'CLOUDFRONT' } = {}): RulesExport {
  const prep = prepare(input);
  const rules: Json[] = [];
  const ipSets: Json[] = [];
  const rule = (name: string, action: 'block' | 'log', statement: Json): Json => ({
    Name: awsName(name),
    Priority: rules.length,
    Action: action === 'block' ? { Block: { CustomResponse: { ResponseCode: 403 } } } : { Count: {} },
    VisibilityConfig: {
      SampledRequestsEnabled: true,
      CloudWatchMetricsEnabled: true,
      MetricName: awsName(name),
    },
    Statement: statement,
  });
  for (const p of prep.patches) {
    const m = p.match;
    const parts: Json[] = [];
    if (m.host)
      parts.push({
        ByteMatchStatement: {
          SearchString: m.host,
          FieldToMatch: { SingleHeader: { Name: 'host' } },
          TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
          PositionalConstraint: 'EXACTLY',
        },
      });
    if (m.method)
      parts.push({
        ByteMatchStatement: {
          SearchString: m.method,
          FieldToMatch: { Method: {} },
          TextTransformations: NONE_T,
          PositionalConstraint: 'EXACTLY',
        },
      });
    if (m.path)
      parts.push(
        m.path.includes('{')
          ? {
              RegexMatchStatement: {
                RegexString: pathRegex(m.path),
                FieldToMatch: { UriPath: {} },
                TextTransformations: NONE_T,
              },
            }
          : {
              ByteMatchStatement: {
                SearchString: m.path,
                FieldToMatch: { UriPath: {} },
                TextTransformations: NONE_T,
                PositionalConstraint: 'EXACTLY',
              },
            },
      );
    const inputStatement = awsInput(m);
    if (inputStatement) parts.push(inputStatement);
    else if (m.name !== undefined || m.pattern !== undefined) {
      prep.skipped.push({ id: p.id, reason: 'input AWS WAF cannot address (array element in a JSON body)' });
      continue;
    }
    if (parts.length === 0) {
      prep.skipped.push({ id: p.id, reason: 'a patch with no condition would match every request' });
      continue;
    }
    rules.push(
      rule(
        `mamori-${p.id}`,
        p.action,
        parts.length === 1 ? parts[0]! : { AndStatement: { Statements: parts } },
      ),
    );
  }
  const scope = opts.scope ?? 'REGIONAL';
  for (const v6 of [false, true]) {
    const ips = prep.ips.filter((x) => x.v6 === v6);
    if (ips.length === 0) continue;
    const name = `mamori-blocked-actors-${v6 ? 'ipv6' : 'ipv4'}`;
    ipSets.push({
      Name: name,
      Scope: scope,
      IPAddressVersion: v6 ? 'IPV6' : 'IPV4',
      Addresses: ips.map((x) => `${x.ip}/${v6 ? 128 : 32}`),
      Description: 'Actors blocked by mamori',
    });
    // The IP set's ARN is known only after CreateIPSet: the placeholder names the set to create.
    rules.push(
      rule(name, 'block', {
        IPSetReferenceStatement: {
          ARN: `arn:aws:wafv2:REGION:ACCOUNT:${scope === 'CLOUDFRONT' ? 'global' : 'regional'}/ipset/${name}/ID`,
        },
      }),
    );
  }
  // Throttles: one rate-based rule per (rate, IP version), counting per client IP over 60 s and scoped
  // down to an IP set of the throttled addresses; over the limit AWS answers 429 until the rate drops.
  const groups = new Map<string, Prepared['throttles']>();
  for (const t of prep.throttles) {
    const key = `${t.v6 ? 'ipv6' : 'ipv4'}-${t.rate}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  for (const [key, list] of groups) {
    const first = list[0]!;
    const name = awsName(`mamori-throttled-${key.replace('.', '_')}`);
    ipSets.push({
      Name: name,
      Scope: scope,
      IPAddressVersion: first.v6 ? 'IPV6' : 'IPV4',
      Addresses: list.map((x) => `${x.ip}/${first.v6 ? 128 : 32}`),
      Description: `Actors throttled by mamori to ${first.rate} requests per second`,
    });
    const r = rule(name, 'block', {
      RateBasedStatement: {
        Limit: Math.max(10, Math.ceil(first.rate * 60)),
        EvaluationWindowSec: 60,
        AggregateKeyType: 'IP',
        ScopeDownStatement: {
          IPSetReferenceStatement: {
            ARN: `arn:aws:wafv2:REGION:ACCOUNT:${scope === 'CLOUDFRONT' ? 'global' : 'regional'}/ipset/${name}/ID`,
          },
        },
      },
    });
    r['Action'] = { Block: { CustomResponse: { ResponseCode: 429 } } };
    rules.push(r);
  }
  const body = { IPSets: ipSets, Rules: rules };
  return {
    format: 'aws-waf',
    text: `${JSON.stringify(body, null, 2)}\n`,
    rules: rules.length,
    skipped: prep.skipped,
  };
}

export function exportRules(format: RulesFormat, input: ExportInput): RulesExport {
  switch (format) {
    case 'modsecurity':
      return toModSecurity(input);
    case 'cloudflare':
      return toCloudflare(input);
    case 'aws-waf':
      return toAwsWaf(input);
  }
}
