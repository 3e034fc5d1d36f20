// Sends masked exchanges to the platform in batches: JSONL (docs/jsonl.md) to POST /api/v1/traffic with
// the bearer token. A batch the platform does not take (down, 5xx, timeout) goes to a spool file on
// disk, capped in size; spooled batches are sent first, oldest first, once the platform answers again,
// and a file is deleted only after a 2xx. Exchange ids are stable, so a batch re-sent after a crash
// between the 2xx and the delete is recognised by the platform. Proxied traffic never waits on this:
// `push` only appends to memory.

import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../model/index.js';
import { exchangeToRecord } from '../sources/jsonl.js';

export interface ShipperOptions {
  /** Platform base URL (`http://127.0.0.1:7777`). */
  server: string;
  token?: string;
  /** Directory of spool files. */
  spoolDir: string;
  /** Largest total spool size in bytes (default 256 MiB); past it new batches are dropped and counted. */
  spoolCap?: number;
  batchSize?: number;
  flushMs?: number;
  timeoutMs?: number;
}

export interface ShipperStats {
  sent: number;
  spooled: number;
  drained: number;
  dropped: number;
  pending: number;
}

export class Shipper {
  private queue: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private seq = 0;
  readonly stats: ShipperStats = { sent: 0, spooled: 0, drained: 0, dropped: 0, pending: 0 };
  private readonly url: string;

  constructor(private readonly opts: ShipperOptions) {
    this.url = new URL('/api/v1/traffic', opts.server).toString();
    mkdirSync(opts.spoolDir, { recursive: true });
    this.timer = setInterval(() => void this.flush(), opts.flushMs ?? 1000);
    this.timer.unref();
  }

  push(ex: Exchange): void {
    this.queue.push(JSON.stringify(exchangeToRecord(ex)));
    this.stats.pending = this.queue.length;
    if (this.queue.length >= (this.opts.batchSize ?? 500)) void this.flush();
  }

  /** Sends what is queued and drains the spool; concurrent calls share one run. */
  flush(): Promise<void> {
    if (this.busy) return this.busy.then(() => (this.queue.length ? this.flush() : undefined));
    this.busy = this.run().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async run(): Promise<void> {
    let up = await this.drain();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchSize ?? 500);
      this.stats.pending = this.queue.length;
      const text = `${batch.join('\n')}\n`;
      if (up && (await this.post(text))) {
        this.stats.sent += batch.length;
        continue;
      }
      up = false;
      this.spool(text, batch.length);
    }
  }

  /** Spool files oldest first; false when the platform did not take one. */
  private async drain(): Promise<boolean> {
    for (const name of this.spoolFiles()) {
      const file = join(this.opts.spoolDir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      if (!(await this.post(text))) return false;
      unlinkSync(file);
      this.stats.drained += text.split('\n').filter(Boolean).length;
    }
    return true;
  }

  private spoolFiles(): string[] {
    return readdirSync(this.opts.spoolDir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort();
  }

  private spool(text: string, count: number): void {
    const cap = this.opts.spoolCap ?? 256 * 1024 * 1024;
    let used = 0;
    for (const n of this.spoolFiles()) used += statSync(join(this.opts.spoolDir, n)).size;
    if (used + Buffer.byteLength(text) > cap) {
      this.stats.dropped += count;
      return;
    }
    const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${String(this.seq++).padStart(6, '0')}.jsonl`;
    const tmp = join(this.opts.spoolDir, `${name}.tmp`);
    writeFileSync(tmp, text);
    // Rename makes a batch appear whole or not at all.
    renameSync(tmp, join(this.opts.spoolDir, name));
    this.stats.spooled += count;
  }

  private async post(body: string): Promise<boolean> {
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }
}
