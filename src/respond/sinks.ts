// Sends a sensor's alerts and actions to the hand-off targets (handoff.ts formats): a signed webhook,
// syslog (CEF) and an OCSF JSON-lines file. Callers never wait: events go to a bounded queue that a
// few workers drain; past the bound new events are counted as dropped. `flush()` waits for the queue.

import { appendFile } from 'node:fs/promises';
import type { Alert, Exchange } from '../model/index.js';
import {
  actionSyslogLine,
  alertToOcsf,
  exchangeToOcsf,
  type ResponseAction,
  sendSyslog,
  sendWebhook,
  syslogLine,
  type WebhookOptions,
} from './handoff.js';

export interface SinkOptions {
  version: string;
  webhook?: WebhookOptions;
  syslog?: { host: string; port: number; protocol: 'udp' | 'tcp' };
  /** OCSF events appended as JSON lines. */
  ocsfFile?: string;
  /** A delivery that failed (webhooks dead-letter on their own; this is for syslog and the file). */
  onError?: (message: string) => void;
  /** Largest queue (default 10,000 events). */
  maxQueue?: number;
  concurrency?: number;
}

export interface Sinks {
  onAlert(alert: Alert, ex: Exchange): void;
  onAction(action: ResponseAction, ex: Exchange): void;
  flush(): Promise<void>;
  readonly dropped: number;
}

type Job = () => Promise<unknown>;

export function createSinks(opts: SinkOptions): Sinks {
  const queue: Job[] = [];
  const max = opts.maxQueue ?? 10_000;
  const concurrency = opts.concurrency ?? 4;
  let active = 0;
  let dropped = 0;
  let idle: Array<() => void> = [];
  // OCSF lines are appended in order by one chain.
  let ocsfChain: Promise<void> = Promise.resolve();

  const pump = () => {
    while (active < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      job()
        .catch((err) => opts.onError?.((err as Error).message))
        .finally(() => {
          active--;
          pump();
        });
    }
    if (active === 0 && queue.length === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  };
  const enqueue = (job: Job) => {
    if (queue.length >= max) {
      dropped++;
      return;
    }
    queue.push(job);
    pump();
  };
  const ocsf = (event: Record<string, unknown>) => {
    const file = opts.ocsfFile;
    if (!file) return;
    const line = `${JSON.stringify(event)}\n`;
    ocsfChain = ocsfChain
      .then(() => appendFile(file, line))
      .catch((err) => opts.onError?.(`ocsf ${file}: ${(err as Error).message}`));
  };

  return {
    onAlert(alert) {
      const { webhook, syslog } = opts;
      if (webhook) enqueue(() => sendWebhook(webhook, { kind: 'alert', alert }));
      if (syslog) enqueue(() => sendSyslog(syslogLine(alert, opts.version), syslog));
      ocsf(alertToOcsf(alert, opts.version));
    },
    onAction(action, ex) {
      const { webhook, syslog } = opts;
      if (webhook) enqueue(() => sendWebhook(webhook, { kind: 'action', action }));
      if (syslog) enqueue(() => sendSyslog(actionSyslogLine(action, opts.version), syslog));
      ocsf(exchangeToOcsf(ex, opts.version, action));
    },
    async flush() {
      if (active > 0 || queue.length > 0) await new Promise<void>((resolve) => idle.push(resolve));
      await ocsfChain;
    },
    get dropped() {
      return dropped;
    },
  };
}
