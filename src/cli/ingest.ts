// `mamori ingest FILE… --server URL --token T`: reads traffic files (HAR, JSONL, access logs) and sends
// them to a running `mamori serve` as JSONL batches. Exit 2 when the server refuses a batch.

import type { Command } from 'commander';
import { request } from 'undici';
import type { Exchange } from '../model/index.js';
import { InputError } from '../model/index.js';
import { exchangeToRecord, readTraffic } from '../sources/index.js';
import type { Register } from './commands.js';
import { printIssue } from './output.js';

interface IngestFlags {
  server: string;
  token?: string;
  batch: string;
}

export const register: Register = (program: Command, done) => {
  program
    .command('ingest')
    .description('send traffic files to a running `mamori serve` (POST /api/v1/traffic)')
    .argument('<files...>', 'HAR (plain or .gz), JSONL exchanges, access logs')
    .option('--server <url>', 'server URL', 'http://127.0.0.1:7443')
    .option('--token <token>', 'bearer token with the ingest role (default $MAMORI_TOKEN)')
    .option('--batch <n>', 'exchanges per request', '1000')
    .action(async (files: string[], flags: IngestFlags) => {
      done(await ingest(files, flags));
    });
};

async function ingest(files: string[], flags: IngestFlags): Promise<number> {
  const token = flags.token ?? process.env['MAMORI_TOKEN'];
  if (!token) throw new InputError({ code: 'usage.token', message: 'give --token or set MAMORI_TOKEN' });
  const size = Number(flags.batch);
  if (!Number.isInteger(size) || size < 1 || size > 100_000)
    throw new InputError({ code: 'flag.batch', message: `--batch must be 1–100000: ${flags.batch}` });
  const url = new URL('/api/v1/traffic', flags.server).toString();
  let sent = 0;
  let rejected = 0;
  let batch: Exchange[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const body = `${batch.map((ex) => JSON.stringify(exchangeToRecord(ex))).join('\n')}\n`;
    batch = [];
    for (let attempt = 0; ; attempt++) {
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode === 503 && attempt < 10) {
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        continue;
      }
      if (res.statusCode !== 202)
        throw new InputError({
          code: 'ingest.refused',
          message: `server answered ${res.statusCode}: ${text.slice(0, 300)}`,
        });
      const answer = JSON.parse(text) as { accepted: number; rejected: number };
      sent += answer.accepted;
      rejected += answer.rejected;
      return;
    }
  };
  for (const file of files) {
    for await (const ex of readTraffic(file, { onIssue: (issue) => printIssue({ file, ...issue }) })) {
      batch.push(ex);
      if (batch.length >= size) await flush();
    }
  }
  await flush();
  process.stderr.write(
    `mamori: ${sent} exchanges accepted by ${flags.server}${rejected ? `, ${rejected} rejected` : ''}\n`,
  );
  return 0;
}
