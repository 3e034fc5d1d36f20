// `mamori audit`: posture audit of OpenAPI specs and (with --inventory) of the endpoints discovered in the
// store, with a security diff mode for pull requests. Exit 0 clean, 1 when a finding reaches --fail-on,
// 2 on bad input (spec, config, flags) — a spec that does not parse is a failure, never a pass.

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { type Command, Option } from 'commander';
import {
  type ActiveRule,
  type AuditConfig,
  apiRisk,
  applyConfig,
  complianceView,
  diffSpecs,
  localiseFindings,
  parseAuditConfig,
  RULES,
  riskiestEndpoints,
  ruleMetas,
  runAudit,
  scoreEndpoints,
} from '../audit/index.js';
import {
  type ApiSpec,
  atLeast,
  type Endpoint,
  type Finding,
  InputError,
  SEVERITIES,
  type Severity,
} from '../model/index.js';
import { toHtml, toJunit, toMarkdown, toSarif } from '../report/index.js';
import { loadSpec } from '../sources/spec.js';
import type { Register } from './commands.js';
import { type Column, defaultFormat, printIssue, renderTable, writeJson } from './output.js';

type Format = 'table' | 'json' | 'sarif' | 'junit' | 'html' | 'markdown';

interface AuditFlags {
  inventory?: boolean;
  db?: string;
  format?: Format;
  lang: 'en' | 'ja';
  failOn?: Severity | 'none';
  config?: string;
  diff?: boolean;
}

/** Default gate: high and critical findings fail the run (medium and below are reported only). */
export const DEFAULT_FAIL_ON: Severity = 'high';

/** Version of the findings JSON document (docs/schemas/findings.schema.json). */
export const FINDINGS_JSON_VERSION = 1;

async function loadConfig(file: string): Promise<AuditConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError({
      code: 'config.unreadable',
      message: `cannot read config file (${(e as { code?: string }).code ?? 'error'})`,
      file,
      fatal: true,
    });
  }
  const { config, issues } = parseAuditConfig(text, file, RULES);
  if (!config) {
    for (const i of issues.slice(1)) printIssue(i);
    throw new InputError(issues[0]!);
  }
  return config;
}

/** Load every spec; print each problem. Returns the specs that loaded and whether any failed. */
async function loadSpecs(files: string[]): Promise<{ specs: ApiSpec[]; failed: boolean }> {
  const specs: ApiSpec[] = [];
  let failed = false;
  for (const file of files) {
    const { spec, issues } = await loadSpec(file);
    for (const i of issues) printIssue(i);
    if (spec) specs.push(spec);
    else failed = true;
  }
  return { specs, failed };
}

function place(f: Finding): string {
  if (f.location) return `${f.location.file}:${f.location.line}:${f.location.column}`;
  return `${f.method ?? ''} ${f.host ?? ''}${f.path ?? ''}`.trim();
}

const COLUMNS: Column<Finding>[] = [
  { header: 'SEVERITY', value: (f) => f.severity },
  { header: 'RULE', value: (f) => f.rule ?? f.test ?? '' },
  { header: 'WHERE', value: place, max: 60 },
  { header: 'FINDING', value: (f) => f.description ?? f.title, max: 110 },
];

export const register: Register = (program: Command, done) => {
  program
    .command('audit')
    .description('posture audit of OpenAPI specs and the discovered inventory (OWASP API Top 10, compliance)')
    .argument('[specs...]', 'OpenAPI 2.0/3.x (JSON/YAML) or Postman v2.1 files; with --diff: BASE HEAD')
    .option('--inventory', 'also audit the endpoints discovered in the store (traffic rules)')
    .option('--db <path>', 'store: SQLite file or postgres:// URL (default ~/.mamori/mamori.db)')
    .addOption(
      new Option(
        '--format <format>',
        'output format (default: table at a terminal, json when piped)',
      ).choices(['table', 'json', 'sarif', 'junit', 'html', 'markdown']),
    )
    .addOption(
      new Option('--lang <lang>', 'language of the HTML and Markdown reports')
        .choices(['en', 'ja'])
        .default('en'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        `exit 1 when a finding is at least this severe (default ${DEFAULT_FAIL_ON})`,
      ).choices([...SEVERITIES, 'none']),
    )
    .option('--config <file>', 'YAML config: disable rules, change severities, scope by path, custom rules')
    .option('--diff', 'security diff: report only what HEAD makes worse than BASE (two spec arguments)')
    .action(async (files: string[], flags: AuditFlags) => {
      done(await audit(files, flags, program.version() ?? '0.0.0'));
    });
};

/**
 * Up to this much spec text an audit is over before V8's optimising compiler (TurboFan, on background
 * threads) pays back its compile time: on 25 ordinary specs (0.5–4 MB) the process costs 20–45 % less CPU
 * without it, on a 5.5 MB spec 15–20 % less; on Microsoft Graph (19 MB) 28 % more, so larger inputs
 * keep it (bench/audit.mjs, docs/benchmarks.md "Audit").
 */
const SHORT_RUN_BYTES = 8 * 1024 * 1024;

/**
 * A short CLI audit runs on the baseline compilers only. The flag is process-wide, so it is set only when
 * this process was started as `mamori audit` (not when the CLI runs inside another program, e.g. a test
 * runner or a server), in its main thread, and before any rule has run.
 */
function tuneForShortRun(files: readonly string[]): void {
  if (!isMainThread || process.argv[2] !== 'audit') return;
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += statSync(file).size;
    } catch {
      // Unreadable: loading reports it.
    }
  }
  if (bytes <= SHORT_RUN_BYTES) setFlagsFromString('--no-opt');
}

async function audit(files: string[], flags: AuditFlags, version: string): Promise<number> {
  if (!flags.inventory) tuneForShortRun(files);
  const config = flags.config ? await loadConfig(flags.config) : undefined;
  const rules: ActiveRule[] = applyConfig(RULES, config);
  const failOn = flags.failOn ?? config?.failOn ?? DEFAULT_FAIL_ON;

  let findings: Finding[];
  let specs: ApiSpec[] = [];
  let endpoints: Endpoint[] = [];
  let inputFailed = false;
  if (flags.diff) {
    if (files.length !== 2 || flags.inventory)
      throw new InputError({
        code: 'audit.usage',
        message: '--diff takes exactly two specs, BASE and HEAD (and no --inventory)',
        fatal: true,
      });
    const loaded = await loadSpecs(files);
    // Fail closed: a HEAD (or BASE) that does not load is an error, not an empty diff.
    if (loaded.failed) return 2;
    specs = loaded.specs;
    findings = diffSpecs(specs[0]!, specs[1]!, rules);
  } else {
    if (files.length === 0 && !flags.inventory)
      throw new InputError({
        code: 'audit.usage',
        message: 'nothing to audit: give spec files and/or --inventory',
        fatal: true,
      });
    const loaded = await loadSpecs(files);
    specs = loaded.specs;
    inputFailed = loaded.failed;
    if (flags.inventory) {
      // Loaded only here: the store and its drivers are a fifth of the start-up time of a spec-only audit.
      const { defaultDbPath, openStore } = await import('../store/index.js');
      const store = await openStore(flags.db ?? defaultDbPath());
      try {
        endpoints = await store.listEndpoints();
        findings = runAudit({ specs, endpoints, rules });
        // Keep the store's view current for the server and reports: the traffic findings, and the risk
        // each endpoint now scores (the server and the console read the stored risk, not the findings).
        // Only endpoints whose score moved are written, so a concurrent ingest loses as little as possible.
        const rescored = scoreEndpoints(endpoints, findings);
        await store.putEndpoints(rescored.filter((e, i) => e.risk !== endpoints[i]!.risk));
        endpoints = rescored;
        await store.replaceFindings(
          'audit:traffic',
          findings.filter((f) => !f.location),
        );
        if (specs.length > 0)
          await store.replaceFindings(
            'audit:spec',
            findings.filter((f) => f.location),
          );
      } finally {
        await store.close();
      }
    } else findings = runAudit({ specs, rules });
  }

  // Endpoints come only from --inventory, scored (and stored) above.
  const scored = endpoints;
  const format = flags.format ?? defaultFormat();
  const metas = ruleMetas(rules, flags.diff === true);
  const risk = apiRisk(findings, scored);
  const operations = specs.reduce((n, s) => n + s.operations.length, 0);
  const ja = flags.lang === 'ja';
  const title = flags.diff
    ? `${ja ? 'mamori セキュリティ差分' : 'mamori audit --diff'} ${files[0]} → ${files[1]}`
    : ja
      ? 'mamori 監査'
      : 'mamori audit';
  switch (format) {
    case 'json':
      writeJson({
        version: FINDINGS_JSON_VERSION,
        findings,
        summary: {
          specs: specs.map((s) => s.file),
          operations,
          endpoints: endpoints.length,
          risk,
          counts: severityCounts(findings),
          failOn,
        },
        compliance: complianceView(findings),
        riskiest: riskiestEndpoints(findings, scored),
      });
      break;
    case 'sarif':
      writeJson(toSarif(findings, { name: 'mamori', version, rules: metas }, { baseDir: process.cwd() }));
      break;
    case 'junit':
      process.stdout.write(toJunit(findings, { name: title, rules: metas }));
      break;
    case 'markdown': {
      const num = new Intl.NumberFormat(ja ? 'ja-JP' : 'en-US');
      const inventory = flags.inventory
        ? ja
          ? `、エンドポイント ${num.format(endpoints.length)} 件`
          : `, ${endpoints.length} endpoint(s)`
        : '';
      process.stdout.write(
        toMarkdown(localiseFindings(findings, flags.lang), {
          title: flags.diff ? (ja ? 'mamori セキュリティ差分' : 'mamori security diff') : title,
          subtitle: flags.diff
            ? ja
              ? `${files[1]} が ${files[0]} より悪化させた点`
              : `What ${files[1]} makes worse than ${files[0]}`
            : ja
              ? `仕様書 ${num.format(specs.length)} 件、操作 ${num.format(operations)} 件${inventory}。API のリスク ${risk}/100`
              : `${specs.length} spec(s), ${operations} operation(s)${inventory}; API risk ${risk}/100`,
          lang: flags.lang,
          rules: metas,
        }),
      );
      break;
    }
    case 'html':
      process.stdout.write(
        toHtml(
          {
            title,
            generatedAt: new Date().toISOString(),
            tool: { name: 'mamori', version },
            findings: localiseFindings(findings, flags.lang),
            rules: metas,
            compliance: complianceView(findings, flags.lang),
            endpoints: riskiestEndpoints(findings, scored, 50),
            scope: { specs: specs.map((s) => s.file), operations, endpoints: endpoints.length },
            risk,
          },
          flags.lang,
        ),
      );
      break;
    default: {
      if (findings.length > 0) process.stdout.write(renderTable(findings, COLUMNS));
      const counts = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(
        ', ',
      );
      process.stdout.write(
        `${findings.length} finding(s): ${counts}. API risk ${risk}/100.${failOn === 'none' ? '' : ` Gate: --fail-on ${failOn}.`}\n`,
      );
    }
  }
  if (inputFailed) return 2;
  if (failOn !== 'none' && findings.some((f) => atLeast(f.severity, failOn))) return 1;
  return 0;
}

/** Findings per severity, every severity present (in SEVERITIES order), counted in one pass. */
function severityCounts(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const f of findings) counts[f.severity]!++;
  return counts;
}
