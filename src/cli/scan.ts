// `mamori scan`: active API security testing of a running API, inside the scope the user allows.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { request } from 'undici';
import type { ApiSpec, Finding, InputIssue, Severity } from '../model/index.js';
import { atLeast, InputError, SEVERITIES } from '../model/index.js';
import { type RuleMeta, toJunit, toSarif } from '../report/index.js';
import { RECOVER_MS } from '../scan/client.js';
import { parseIdentities } from '../scan/identities.js';
import { Masker } from '../scan/mask.js';
import { resolveBasePath, runScan, SCAN_DEFAULTS } from '../scan/runner.js';
import { CATALOGUE, selectTests } from '../scan/tests/index.js';
import { loadSpec, loadSpecText } from '../sources/spec.js';
import type { Register } from './commands.js';
import { type Column, defaultFormat, printIssue, renderTable, writeJson } from './output.js';

interface ScanFlags {
  target: string;
  spec?: string;
  inventory?: boolean;
  db?: string;
  identity: string[];
  destructive?: boolean;
  plan?: boolean;
  only: string[];
  skip: string[];
  rate: string;
  maxRequests: string;
  maxTime: string;
  timeout: string;
  recoverWait: string;
  seed: string;
  format?: 'table' | 'json' | 'sarif' | 'junit';
  failOn?: Severity;
  baseline?: string;
  verbose?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const collectList = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function fatal(code: string, message: string, hint?: string): never {
  throw new InputError({ code, message, ...(hint ? { hint } : {}), fatal: true });
}

function positive(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    fatal('scan.flag.invalid', `${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The scanner's catalogue as report rules (SARIF/JUnit). */
export function scanRules(): RuleMeta[] {
  return CATALOGUE.map((t) => ({
    id: t.id,
    title: t.name,
    description: `Sends: ${t.sends}. Decides: ${t.decides}.`,
    severity: t.severity,
    owasp: t.owasp,
    ...(t.cwe !== undefined ? { cwe: t.cwe } : {}),
    remediation: t.remediation,
    compliance: [],
  }));
}

export const register: Register = (program: Command, done) => {
  program
    .command('scan')
    .description('active API security testing: confirmed OWASP API Top 10 findings from a running API')
    .requiredOption(
      '--target <url>',
      'base URL of the running API (scheme://host:port[/base-path]); nothing else is contacted',
    )
    .option('--spec <file>', 'OpenAPI 2.0/3.x or Postman v2.1 spec of the API')
    .option('--inventory', 'use the stored inventory (mamori discover) of the target host instead of a spec')
    .option('--db <path>', 'store location for --inventory (SQLite file or postgres:// URL)')
    .option(
      '--identity <spec>',
      'named credential "NAME=Header: value" (repeatable; names containing admin/root are admins)',
      collect,
      [],
    )
    .option(
      '--destructive',
      'allow state-changing requests (POST/PUT/PATCH/DELETE, x-destructive operations)',
    )
    .option('--plan', 'list every request the scan would send, and send none')
    .option(
      '--only <ids>',
      'run only these tests: id, id prefix, API1…API10, injection, schema, or a checker name (repeatable, comma-separated)',
      collectList,
      [],
    )
    .option('--skip <ids>', 'skip these tests (same selectors as --only)', collectList, [])
    .option('--rate <n>', 'requests per second (token bucket)', String(SCAN_DEFAULTS.rate))
    .option('--max-requests <n>', 'request budget for the whole scan', String(SCAN_DEFAULTS.maxRequests))
    .option(
      '--max-time <seconds>',
      'wall-time budget for the whole scan',
      String(SCAN_DEFAULTS.timeMs / 1000),
    )
    .option('--timeout <ms>', 'per-request timeout', String(SCAN_DEFAULTS.timeoutMs))
    .option(
      '--recover-wait <seconds>',
      'how long a target that went down mid-scan gets to come back before the scan stops',
      String(RECOVER_MS / 1000),
    )
    .option(
      '--seed <n>',
      'seed for markers and payload choices (same seed, same findings)',
      String(SCAN_DEFAULTS.seed),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'sarif', 'junit']))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a (new) finding is at least this severe').choices([
        ...SEVERITIES,
      ]),
    )
    .option(
      '--baseline <findings.json>',
      'report only findings whose id is not in this earlier `--format json` output',
    )
    .option('--verbose', 'progress per test on stderr')
    .action(async (flags: ScanFlags) => {
      done(await scanCommand(flags));
    });
};

async function scanCommand(flags: ScanFlags): Promise<number> {
  let target: URL;
  try {
    target = new URL(flags.target);
  } catch {
    fatal(
      'scan.target.invalid',
      `--target ${JSON.stringify(flags.target)} is not a URL`,
      'e.g. http://127.0.0.1:8080/api',
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    fatal('scan.target.invalid', `--target must be http(s), got ${target.protocol}`);
  if (target.username || target.password)
    fatal('scan.target.invalid', '--target must not carry credentials; use --identity');
  if (!flags.spec === !flags.inventory)
    fatal('scan.source.missing', 'give exactly one of --spec FILE or --inventory');
  const { identities, issues } = parseIdentities(flags.identity);
  if (issues[0]) throw new InputError(issues[0]);
  const rate = positive('--rate', flags.rate, 0.1);
  const maxRequests = positive('--max-requests', flags.maxRequests);
  const timeMs = positive('--max-time', flags.maxTime) * 1000;
  const timeoutMs = positive('--timeout', flags.timeout, 10);
  const seed = positive('--seed', flags.seed, 0);
  const recoverMs = positive('--recover-wait', flags.recoverWait, 0) * 1000;
  const spec = flags.spec ? await specFromFile(flags.spec) : await specFromInventory(target, flags.db);
  const base = resolveBasePath(target, spec);
  if (typeof base !== 'string') throw new InputError(base);
  if (selectTests(flags.only, flags.skip).length === 0)
    fatal('scan.selection.empty', 'no test matches --only/--skip', 'see docs/scan.md for selectors');
  const baseline = flags.baseline ? await baselineIds(flags.baseline) : undefined;
  if (!flags.plan) await preflight(target);
  const masker = new Masker(
    identities.map((i) => i.value),
    new Set(identities.map((i) => i.header)),
  );
  // Ctrl-C stops sending and still prints what was confirmed (a second Ctrl-C exits at once).
  const cancel = new AbortController();
  const onSigint = () => {
    if (cancel.signal.aborted) process.exit(130);
    cancel.abort();
  };
  process.on('SIGINT', onSigint);
  const result = await runScan({
    signal: cancel.signal,
    target,
    spec,
    identities,
    destructive: !!flags.destructive,
    plan: !!flags.plan,
    only: flags.only,
    skip: flags.skip,
    rate,
    maxRequests,
    timeMs,
    timeoutMs,
    recoverMs,
    seed,
    ...(flags.verbose
      ? { log: (line: string) => process.stderr.write(`mamori scan: ${masker.text(line)}\n`) }
      : {}),
  });
  process.off('SIGINT', onSigint);
  for (const inc of result.incidents) {
    const u = new URL(inc.trigger.url);
    process.stderr.write(
      `mamori scan: ${inc.kind === 'crash' ? `the target went down after` : 'error: the target dropped the connection of'} ${inc.trigger.id} ${inc.trigger.request.method} ${masker.text(u.pathname + u.search).slice(0, 160)} (${inc.trigger.response.body.slice(0, 60)})${inc.kind === 'crash' ? (inc.recovered ? `; back after ${(inc.downMs / 1000).toFixed(1)}s` : '; it did not come back') : ' but kept answering'}\n`,
    );
  }
  const format = flags.format ?? defaultFormat();
  if (flags.plan) {
    const plan = result.planned.map((p) => ({ ...p, url: masker.text(p.url) }));
    if (format === 'json') writeJson({ plan });
    else {
      const cols: Column<(typeof plan)[number]>[] = [
        { header: 'METHOD', value: (p) => p.method },
        { header: 'URL', value: (p) => p.url, max: 90 },
        { header: 'AS', value: (p) => p.as || '-' },
        { header: 'WHY', value: (p) => p.note, max: 50 },
      ];
      process.stdout.write(renderTable(plan, cols));
    }
    process.stderr.write(
      `mamori scan: --plan: ${plan.length} requests listed, none sent (requests that depend on earlier answers are listed with sample values)\n`,
    );
    return 0;
  }
  const findings = baseline ? result.findings.filter((f) => !baseline.has(f.id)) : result.findings;
  output(findings, format);
  const skippedDestructive = result.tests.skipped.filter((s) => s.reason === 'needs --destructive').length;
  process.stderr.write(
    `mamori scan: ${result.tests.run} tests run, ${result.tests.skipped.length} skipped${skippedDestructive ? ` (${skippedDestructive} need --destructive)` : ''}; ` +
      `${result.sent} requests in ${(result.durationMs / 1000).toFixed(1)}s; ${findings.length} finding(s)` +
      `${baseline ? ` new (${result.findings.length - findings.length} in the baseline)` : ''}` +
      `${result.stopped ? `; stopped early: ${result.stopped}` : ''}\n`,
  );
  if (flags.failOn && findings.some((f) => atLeast(f.severity, flags.failOn!))) return 1;
  return 0;
}

function output(findings: Finding[], format: string): void {
  if (format === 'json') writeJson({ findings });
  else if (format === 'sarif')
    writeJson(toSarif(findings, { name: 'mamori scan', version: '0.1.0', rules: scanRules() }));
  else if (format === 'junit')
    process.stdout.write(toJunit(findings, { name: 'mamori scan', rules: scanRules() }));
  else {
    const cols: Column<Finding>[] = [
      { header: 'SEVERITY', value: (f) => f.severity },
      { header: 'TEST', value: (f) => f.test ?? '' },
      { header: 'OWASP', value: (f) => f.owasp },
      { header: 'ENDPOINT', value: (f) => `${f.method ?? ''} ${f.path ?? ''}`.trim(), max: 40 },
      { header: 'TITLE', value: (f) => f.title, max: 70 },
    ];
    process.stdout.write(findings.length ? renderTable(findings, cols) : 'no findings\n');
  }
}

async function specFromFile(file: string): Promise<ApiSpec> {
  const { spec, issues } = await loadSpec(file);
  for (const i of issues.filter((x) => !x.fatal)) printIssue(i);
  if (!spec)
    throw new InputError(
      issues.find((i) => i.fatal) ?? { code: 'spec.unreadable', message: `cannot read ${file}`, fatal: true },
    );
  return spec;
}

async function specFromInventory(target: URL, db: string | undefined): Promise<ApiSpec> {
  const { openStore } = await import('../store/index.js');
  const { exportOpenApi } = await import('../inventory/index.js');
  const store = await openStore(...(db ? [db] : []));
  try {
    const endpoints = await store.listEndpoints({ host: target.hostname.toLowerCase() });
    if (endpoints.length === 0) {
      fatal(
        'scan.inventory.empty',
        `the inventory holds no endpoint of host ${target.hostname}`,
        'run mamori discover first, or give --spec',
      );
    }
    const doc = exportOpenApi(endpoints, { title: `inventory of ${target.hostname}` });
    doc['servers'] = [{ url: '/' }];
    const { spec, issues } = await loadSpecText(JSON.stringify(doc), 'inventory');
    if (!spec)
      throw new InputError(
        issues[0] ?? { code: 'scan.inventory.invalid', message: 'inventory export failed', fatal: true },
      );
    return spec;
  } finally {
    await store.close();
  }
}

async function baselineIds(file: string): Promise<Set<string>> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    fatal(
      'scan.baseline.unreadable',
      `${file}: ${(err as Error).message}`,
      'give an earlier `mamori scan --format json` output',
    );
  }
  const findings = (doc as { findings?: unknown })?.findings;
  if (!Array.isArray(findings)) fatal('scan.baseline.invalid', `${file}: no "findings" array`);
  return new Set(
    findings.map((f) => (f as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string'),
  );
}

/** One request to the target itself: an unreachable target is bad input (exit 2), not an empty scan. */
async function preflight(target: URL): Promise<void> {
  try {
    const res = await request(target, {
      method: 'GET',
      headersTimeout: 5000,
      bodyTimeout: 5000,
      signal: AbortSignal.timeout(5000),
    });
    await res.body.dump();
  } catch (err) {
    const issue: InputIssue = {
      code: 'scan.target.unreachable',
      message: `target ${target.origin} is unreachable: ${(err as Error).message || (err as { code?: string }).code || 'no answer'}`,
      hint: 'check --target and that the API is running',
      fatal: true,
    };
    throw new InputError(issue);
  }
}
