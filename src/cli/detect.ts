// `mamori detect`: traffic files (HAR, JSONL exchanges, access logs) → runtime alerts and incidents.
// `--follow FILE` tails a growing JSONL or access log and prints alerts as they happen (rotation and
// truncation handled; stops on SIGINT). The engine is src/detect; this file only reads and prints.

import { watch } from 'node:fs';
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
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
import { logLineParser } from '../sources/access-log.js';
import { detectTrafficFormat, exchangeFromRecord, readTraffic } from '../sources/index.js';
import { exchangeFromLogRecord } from '../sources/log-formats/record.js';
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

export interface FollowOptions {
  signal: AbortSignal;
  onExchange: (ex: Exchange) => void;
  onIssue: (issue: InputIssue) => void;
  format?: TrafficFormat;
  defaultHost?: string;
  bodyCap?: number;
  /** Poll as well as watch (fs.watch misses events on some file systems). Default 250 ms. */
  pollMs?: number;
}

/**
 * Tail a growing line-oriented traffic file (JSONL exchanges or an access log): analyse what is there,
 * then each appended line as it arrives. A file that shrinks (truncated) or is replaced (rotated: a
 * new inode) is read again from its start. Resolves when `signal` aborts.
 */
export async function followFile(file: string, opts: FollowOptions): Promise<void> {
  let handle: FileHandle | undefined;
  let inode = -1;
  let position = 0;
  let pending = '';
  let index = 0;
  let lineNo = 0;
  let parseLine: ((text: string, line: number, index: number) => Exchange | string) | undefined;

  const choose = (format: TrafficFormat): void => {
    if (format === 'har') {
      throw new InputError({
        code: 'usage.follow.har',
        message: 'a HAR file cannot be followed (it is one JSON document); use JSONL or an access log',
        file,
      });
    }
    if (format === 'jsonl') {
      parseLine = (text, line, i) => {
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch (err) {
          return `line is not valid JSON: ${(err as Error).message}`;
        }
        const ex = exchangeFromRecord(obj, { kind: 'jsonl', file, index: i, line }, opts.bodyCap);
        return 'code' in ex ? ex.message + (ex.field ? ` (field ${ex.field})` : '') : ex;
      };
      return;
    }
    const parse = logLineParser(format, {});
    const ctx = {
      file,
      fileBase: file.split('/').pop() ?? file,
      defaultHost: opts.defaultHost ?? 'unknown',
      defaultScheme: 'https' as const,
    };
    parseLine = (text, line, i) => {
      const rec = parse(text);
      return typeof rec === 'string' ? rec : exchangeFromLogRecord(rec, ctx, i, line);
    };
  };
  if (opts.format) choose(opts.format);

  const handleLine = (text: string) => {
    lineNo++;
    if (text === '' || text.trim() === '' || text.charCodeAt(0) === 0x23) return;
    if (!parseLine) {
      const format = detectTrafficFormat(Buffer.from(text));
      if (format === undefined) {
        opts.onIssue({
          code: 'source.format.unknown',
          message: 'unrecognised traffic format',
          file,
          fatal: true,
        });
        return;
      }
      choose(format);
    }
    const i = index++;
    const ex = parseLine!(text, lineNo, i);
    if (typeof ex === 'string')
      opts.onIssue({ code: 'follow.line.unparsed', message: ex, file, line: lineNo, index: i });
    else opts.onExchange(ex);
  };

  const reopen = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    try {
      handle = await open(file, 'r');
      inode = (await handle.stat()).ino;
    } catch {
      inode = -1; // not there (yet): rotated away; try again on the next tick
    }
    position = 0;
    pending = '';
    lineNo = 0;
  };

  let busy = false;
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      let st: Awaited<ReturnType<typeof stat>> | undefined;
      try {
        st = await stat(file);
      } catch {
        st = undefined;
      }
      if (!st) return;
      if (st.ino !== inode || !handle) await reopen();
      else if (st.size < position) {
        // Truncated in place: start again from the top.
        position = 0;
        pending = '';
        lineNo = 0;
      }
      if (!handle) return;
      const size = (await handle.stat()).size;
      while (position < size && !opts.signal.aborted) {
        const len = Math.min(1 << 20, size - position);
        const buf = Buffer.alloc(len);
        const { bytesRead } = await handle.read(buf, 0, len, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const text = pending + buf.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) handleLine(l.endsWith('\r') ? l.slice(0, -1) : l);
      }
    } finally {
      busy = false;
    }
  };

  await reopen();
  await drain();
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(file, () => void drain().catch(() => undefined));
  } catch {
    watcher = undefined; // polling alone
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      drain().catch((err) => {
        clearInterval(timer);
        reject(err);
      });
    }, opts.pollMs ?? 250);
    const finish = () => {
      clearInterval(timer);
      resolve();
    };
    if (opts.signal.aborted) finish();
    else opts.signal.addEventListener('abort', finish, { once: true });
  });
  watcher?.close();
  // A last complete line written just before the stop is still analysed.
  await drain();
  if (pending.trim() !== '') handleLine(pending);
  await handle?.close();
}
