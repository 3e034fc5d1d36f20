// `mamori detect`: traffic files (HAR, JSONL exchanges, access logs) → runtime alerts and incidents.
// `--follow FILE` tails a growing JSONL or access log (src/sources/follow.ts) and prints alerts as they
// happen; stops on SIGINT. The engine is src/detect; this file only reads and prints.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { createDetector, type DetectSummary, parseDetectConfig } from '../detect/index.js';
import { parseTrustedProxies } from '../identity/index.js';
import {
  type Alert,
  atLeast,
  type Exchange,
  InputError,
  type InputIssue,
  SEVERITIES,
  type Severity,
} from '../model/index.js';
import { followFile } from '../sources/follow.js';
import { readTraffic } from '../sources/index.js';
import type { TrafficFormat } from '../sources/types.js';
import type { Register } from './commands.js';
import { type Column, defaultFormat, printIssue, renderTable, writeJson } from './output.js';

interface DetectFlags {
  format?: 'json' | 'table';
  config?: string;
  since?: string;
  until?: string;
  trustedProxy: string[];
  strict?: boolean;
  follow?: boolean;
  failOn?: Severity;
  logFormat?: TrafficFormat;
  host?: string;
  bodyCap: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: Register = (program: Command, done) => {
  program
    .command('detect')
    .description('detect attacks and abuse in traffic: payload signatures, behaviour per actor, AI endpoints')
    .argument('<inputs...>', 'traffic files: HAR (plain or .gz), JSONL exchanges, access logs')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']))
    .option('--config <file>', 'YAML detection config: thresholds, suppressions, allow-lists')
    .option('--since <time>', 'only exchanges at or after this time (ISO 8601 or epoch ms)')
    .option('--until <time>', 'only exchanges before this time (ISO 8601 or epoch ms)')
    .option('--trusted-proxy <cidr>', 'honour X-Forwarded-For from these proxies (repeatable)', collect, [])
    .option('--strict', 'stop at the first bad record (exit 2)')
    .option('--follow', 'tail one growing JSONL or access-log file and alert as it grows (Ctrl-C stops)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an alert is at least this severe').choices([
        ...SEVERITIES,
      ]),
    )
    .addOption(
      new Option('--log-format <format>', 'force the traffic format').choices([
        'har',
        'jsonl',
        'combined',
        'json-log',
        'envoy',
        'alb',
      ]),
    )
    .option('--host <host>', 'host for access logs that carry none')
    .option('--body-cap <bytes>', 'body bytes analysed per message', '65536')
    .action(async (inputs: string[], flags: DetectFlags) => {
      done(await detect(inputs, flags));
    });
};

function parseTime(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(n)) {
    throw new InputError({
      code: 'flag.time',
      message: `${flag} is not a time: ${text}`,
      hint: 'use ISO 8601 (2026-11-01T09:00:00Z) or epoch milliseconds',
    });
  }
  return n;
}

async function loadConfig(file: string | undefined) {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError({
      code: 'config.unreadable',
      message: `cannot read config: ${(err as Error).message}`,
      file,
    });
  }
  const { config, issues } = parseDetectConfig(text, file);
  if (!config) {
    for (const issue of issues.slice(1)) printIssue(issue);
    throw new InputError(issues[0]!);
  }
  return config;
}

async function detect(inputs: string[], flags: DetectFlags): Promise<number> {
  const started = Date.now();
  const config = await loadConfig(flags.config);
  const since = parseTime('--since', flags.since);
  const until = parseTime('--until', flags.until);
  const bodyCap = Number(flags.bodyCap);
  if (!Number.isInteger(bodyCap) || bodyCap < 0) {
    throw new InputError({
      code: 'flag.body-cap',
      message: `--body-cap must be a whole number of bytes: ${flags.bodyCap}`,
    });
  }
  const detector = createDetector(config, { trustedProxies: parseTrustedProxies(flags.trustedProxy) });
  const inWindow = (ex: Exchange) =>
    (since === undefined || ex.time >= since) && (until === undefined || ex.time < until);
  const format = flags.format ?? defaultFormat();

  let skipped = 0;
  const onIssue = (issue: InputIssue) => {
    if (issue.fatal) throw new InputError(issue);
    skipped++;
    printIssue(issue);
    if (flags.strict) throw new InputError({ ...issue, hint: issue.hint ?? 'stopped by --strict' });
  };

  if (flags.follow) {
    if (inputs.length !== 1) {
      throw new InputError({ code: 'usage.follow', message: '--follow takes exactly one file' });
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await followFile(inputs[0]!, {
        signal: controller.signal,
        bodyCap,
        ...(flags.logFormat ? { format: flags.logFormat } : {}),
        ...(flags.host ? { defaultHost: flags.host } : {}),
        onIssue,
        onExchange: (ex) => {
          if (!inWindow(ex)) return;
          for (const alert of detector.process(ex)) printLiveAlert(alert, format);
        },
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    const summary = detector.flush();
    process.stderr.write(`mamori: ${summaryLine(summary, skipped, 1, Date.now() - started)}\n`);
    return gate(summary, flags.failOn);
  }

  for (const file of inputs) {
    const reading = readTraffic(file, {
      onIssue: (issue) => onIssue({ file, ...issue }),
      bodyCap,
      ...(flags.logFormat ? { format: flags.logFormat } : {}),
      ...(flags.host ? { defaultHost: flags.host } : {}),
    });
    for await (const ex of reading) if (inWindow(ex)) detector.process(ex);
  }
  const summary = detector.flush();
  const line = summaryLine(summary, skipped, inputs.length, Date.now() - started);
  if (format === 'json') {
    writeJson({
      version: 1,
      alerts: summary.alerts,
      incidents: summary.incidents,
      summary: {
        exchanges: summary.stats.exchanges,
        skipped,
        files: inputs.length,
        suppressed: summary.stats.suppressed,
        evicted: summary.evicted,
        llmEndpoints: summary.stats.llmEndpoints,
      },
    });
  } else {
    process.stdout.write(summary.alerts.length ? renderTable(summary.alerts, ALERT_COLUMNS) : 'no alerts\n');
    if (summary.incidents.length) {
      process.stdout.write('\nINCIDENTS\n');
      for (const inc of summary.incidents)
        process.stdout.write(
          `${inc.id}  ${inc.severity.padEnd(8)}  ${inc.firstSeen} … ${inc.lastSeen}  ${inc.summary}\n`,
        );
    }
  }
  process.stderr.write(`mamori: ${line}\n`);
  return gate(summary, flags.failOn);
}

function gate(summary: DetectSummary, failOn: Severity | undefined): number {
  if (failOn === undefined) return 0;
  return summary.alerts.some((a) => atLeast(a.severity, failOn)) ? 1 : 0;
}

function summaryLine(s: DetectSummary, skipped: number, files: number, ms: number): string {
  const evicted = Object.entries(s.evicted)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `${s.stats.exchanges} exchanges from ${files} file${files === 1 ? '' : 's'}` +
    (skipped ? ` (${skipped} skipped)` : '') +
    ` → ${s.alerts.length} alert${s.alerts.length === 1 ? '' : 's'}, ${s.incidents.length} incident${s.incidents.length === 1 ? '' : 's'}` +
    (s.stats.suppressed ? `; ${s.stats.suppressed} suppressed` : '') +
    (evicted ? `; state evicted: ${evicted}` : '') +
    `; ${(ms / 1000).toFixed(1)} s`
  );
}

const ALERT_COLUMNS: Column<Alert>[] = [
  { header: 'SEVERITY', value: (a) => a.severity },
  { header: 'TYPE', value: (a) => a.type },
  { header: 'ACTOR', value: (a) => a.actor, max: 24 },
  { header: 'ENDPOINT', value: (a) => (a.path ? `${a.method} ${a.path}` : '*'), max: 40 },
  { header: 'COUNT', value: (a) => a.count, align: 'right' },
  { header: 'FIRST SEEN', value: (a) => a.firstSeen },
  { header: 'EVIDENCE', value: (a) => a.evidence.join(','), max: 24 },
  { header: 'EXPLANATION', value: (a) => a.explanation, max: 100 },
];

function printLiveAlert(alert: Alert, format: 'json' | 'table'): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(alert)}\n`);
  else
    process.stdout.write(
      `${alert.firstSeen}  ${alert.severity.padEnd(8)} ${alert.type}  ${alert.actor}  ${alert.path ? `${alert.method} ${alert.path}` : '*'}  ${alert.explanation}\n`,
    );
}
