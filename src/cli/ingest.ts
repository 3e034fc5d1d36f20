// `mamori ingest FILE… --server URL --token T`: reads traffic files (HAR, JSONL, access logs) and sends
// them to a running `mamori serve` as JSONL batches. `mamori ingest --follow FILE` tails one growing
// JSONL or access-log file (rotation and truncation handled by src/sources/follow.ts) and sends a batch
// when it is full or `--flush-ms` after its first exchange, until SIGINT/SIGTERM. Bad lines are reported
// with file:line and skipped. A busy (503), rate-limited (429) or unreachable server is retried with
// backoff; exit 2 when the server refuses a batch or stays unreachable.

import type { Command } from 'commander';
import { Option } from 'commander';
import { request } from 'undici';
import type { Exchange, InputIssue } from '../model/index.js';
import { InputError } from '../model/index.js';
import { followFile } from '../sources/follow.js';
import { exchangeToRecord, readTraffic } from '../sources/index.js';
import type { TrafficFormat } from '../sources/types.js';
import type { Register } from './commands.js';
import { printIssue } from './output.js';

interface IngestFlags {
  server: string;
  token?: string;
  batch: string;
  follow?: boolean;
  flushMs: string;
  logFormat?: TrafficFormat;
  host?: string;
}

export const register: Register = (program: Command, done) => {
  program
    .command('ingest')
    .description('send traffic files to a running `mamori serve` (POST /api/v1/traffic)')
    .argument('<files...>', 'HAR (plain or .gz), JSONL exchanges, access logs')
    .option('--server <url>', 'server URL', 'http://127.0.0.1:7443')
    .option('--token <token>', 'bearer token with the ingest role (default $MAMORI_TOKEN)')
    .option('--batch <n>', 'exchanges per request', '1000')
    .option(
      '--follow',
      'tail one growing JSONL or access-log file and send lines as they arrive (Ctrl-C stops)',
    )
    .option('--flush-ms <ms>', 'with --follow: longest wait before a partial batch is sent', '1000')
    .addOption(
      new Option('--log-format <format>', 'force the traffic format').choices([
        'jsonl',
        'combined',
        'json-log',
        'envoy',
        'alb',
      ]),
    )
    .option('--host <host>', 'host for access logs that carry none')
    .action(async (files: string[], flags: IngestFlags) => {
      done(await ingest(files, flags));
    });
};

export interface SendTarget {
  /** Server base URL. */
  server: string;
  token: string;
  /** Tries for a busy or unreachable server before giving up (default 10). */
  attempts?: number;
  /** First retry delay in ms, doubled each time up to 10 s (default 1000). */
  retryMs?: number;
}

export interface SendCounts {
  accepted: number;
  rejected: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs one JSONL batch; retries 503/429 and connection failures; throws InputError when refused. */
export async function sendBatch(target: SendTarget, batch: Exchange[]): Promise<SendCounts> {
  const url = new URL('/api/v1/traffic', target.server).toString();
  const body = `${batch.map((ex) => JSON.stringify(exchangeToRecord(ex))).join('\n')}\n`;
  const attempts = target.attempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      if (attempt >= attempts)
        throw new InputError({
          code: 'ingest.unreachable',
          message: `cannot reach ${target.server}: ${(err as Error).message}`,
        });
      await sleep(Math.min(10_000, (target.retryMs ?? 1000) * 2 ** (attempt - 1)));
      continue;
    }
    if ((status === 503 || status === 429) && attempt < attempts) {
      await sleep(Math.min(10_000, (target.retryMs ?? 1000) * 2 ** (attempt - 1)));
      continue;
    }
    if (status !== 202)
      throw new InputError({
        code: 'ingest.refused',
        message: `server answered ${status}: ${text.slice(0, 300)}`,
      });
    const answer = JSON.parse(text) as SendCounts;
    return { accepted: answer.accepted, rejected: answer.rejected };
  }
}

export interface FollowIngestOptions extends SendTarget {
  signal: AbortSignal;
  /** Exchanges per request (default 1000). */
  batch?: number;
  /** Longest wait before a partial batch is sent (default 1000 ms). */
  flushMs?: number;
  /**
   * Exchanges held (buffered or being sent) while the server is slow; past it new lines are dropped and
   * counted, so memory stays bounded (default 100,000).
   */
  maxBuffered?: number;
  format?: TrafficFormat;
  defaultHost?: string;
  /** Poll interval of the follower (default 250 ms). */
  pollMs?: number;
  onIssue: (issue: InputIssue) => void;
  /** After each batch the server took. */
  onSent?: (counts: SendCounts) => void;
}

export interface FollowIngestResult extends SendCounts {
  /** Lines that could not be read (reported through onIssue). */
  skipped: number;
  /** Exchanges dropped because the buffer was full. */
  dropped: number;
}

/**
 * Tails `file` and sends its exchanges in batches until `signal` aborts; then sends what is left and
 * resolves. Rejects (after stopping the tail) when the server refuses a batch or stays unreachable.
 */
export async function followIngest(file: string, o: FollowIngestOptions): Promise<FollowIngestResult> {
  const size = o.batch ?? 1000;
  const flushMs = o.flushMs ?? 1000;
  const maxBuffered = o.maxBuffered ?? 100_000;
  const result: FollowIngestResult = { accepted: 0, rejected: 0, skipped: 0, dropped: 0 };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (o.signal.aborted) stop.abort();
  else o.signal.addEventListener('abort', onAbort, { once: true });

  let buffer: Exchange[] = [];
  // Exchanges handed to the sending chain and not yet answered: they count against maxBuffered too.
  let inFlight = 0;
  let failure: unknown;
  let timer: NodeJS.Timeout | undefined;
  // One request at a time, in file order.
  let sending: Promise<void> = Promise.resolve();
  const flush = (all: boolean) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (buffer.length >= size || (all && buffer.length > 0)) {
      const batch = buffer.slice(0, size);
      buffer = buffer.slice(size);
      inFlight += batch.length;
      sending = sending.then(async () => {
        try {
          if (failure) return;
          const counts = await sendBatch(o, batch);
          result.accepted += counts.accepted;
          result.rejected += counts.rejected;
          o.onSent?.(counts);
        } catch (err) {
          failure = err;
          stop.abort();
        } finally {
          inFlight -= batch.length;
        }
      });
    }
    if (buffer.length > 0) timer = setTimeout(() => flush(true), flushMs);
  };

  try {
    await followFile(file, {
      signal: stop.signal,
      ...(o.format ? { format: o.format } : {}),
      ...(o.defaultHost ? { defaultHost: o.defaultHost } : {}),
      ...(o.pollMs ? { pollMs: o.pollMs } : {}),
      onIssue: (issue) => {
        if (!issue.fatal) result.skipped++;
        o.onIssue(issue);
      },
      onExchange: (ex) => {
        if (failure) return;
        if (buffer.length + inFlight >= maxBuffered) {
          result.dropped++;
          return;
        }
        buffer.push(ex);
        if (buffer.length >= size) flush(false);
        else if (!timer) timer = setTimeout(() => flush(true), flushMs);
      },
    });
    if (!failure) flush(true);
    await sending;
  } finally {
    if (timer) clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  return result;
}

function positiveInt(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InputError({ code: `flag.${flag}`, message: `--${flag} must be 1–${max}: ${text}` });
  return n;
}

async function ingest(files: string[], flags: IngestFlags): Promise<number> {
  const token = flags.token ?? process.env['MAMORI_TOKEN'];
  if (!token) throw new InputError({ code: 'usage.token', message: 'give --token or set MAMORI_TOKEN' });
  const size = positiveInt('batch', flags.batch, 100_000);
  const target: SendTarget = { server: flags.server, token };

  if (flags.follow) {
    if (files.length !== 1)
      throw new InputError({ code: 'usage.follow', message: '--follow takes exactly one file' });
    const file = files[0] as string;
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stderr.write(`mamori: following ${file} → ${flags.server} (Ctrl-C stops)\n`);
    try {
      const r = await followIngest(file, {
        ...target,
        signal: controller.signal,
        batch: size,
        flushMs: positiveInt('flush-ms', flags.flushMs, 3_600_000),
        ...(flags.logFormat ? { format: flags.logFormat } : {}),
        ...(flags.host ? { defaultHost: flags.host } : {}),
        onIssue: (issue) => {
          if (issue.fatal) throw new InputError(issue);
          printIssue(issue);
        },
      });
      process.stderr.write(
        `mamori: ${r.accepted} exchanges accepted by ${flags.server}` +
          `${r.rejected ? `, ${r.rejected} rejected` : ''}${r.skipped ? `, ${r.skipped} lines skipped` : ''}` +
          `${r.dropped ? `, ${r.dropped} dropped (server too slow)` : ''}\n`,
      );
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  }

  const totals: SendCounts = { accepted: 0, rejected: 0 };
  let batch: Exchange[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const counts = await sendBatch(target, batch);
    batch = [];
    totals.accepted += counts.accepted;
    totals.rejected += counts.rejected;
  };
  for (const file of files) {
    const reading = readTraffic(file, {
      onIssue: (issue) => printIssue({ file, ...issue }),
      ...(flags.logFormat ? { format: flags.logFormat } : {}),
      ...(flags.host ? { defaultHost: flags.host } : {}),
    });
    for await (const ex of reading) {
      batch.push(ex);
      if (batch.length >= size) await flush();
    }
  }
  await flush();
  process.stderr.write(
    `mamori: ${totals.accepted} exchanges accepted by ${flags.server}${totals.rejected ? `, ${totals.rejected} rejected` : ''}\n`,
  );
  return 0;
}
