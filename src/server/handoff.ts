// Hand-off from the platform to what teams already run, as configured in settings.integrations:
// every `alert`, `incident` and `scan` event of the hub goes to the webhooks subscribed to it (signed
// with the webhook's write-only secret, retried, dead-lettered — src/respond/handoff.ts), and alerts
// also to syslog (RFC 5424 + CEF over UDP). With `ocsf`, alerts travel as OCSF Detection Findings.
// Settings are read per event, so a change applies to the next one. Several API servers on one store
// would each send: run hand-off on one of them (the others with no integrations).

import type { Alert } from '../model/index.js';
import { alertToOcsf, sendSyslog, sendWebhook, syslogLine } from '../respond/handoff.js';
import type { PlatformStore } from '../store/index.js';
import type { EventHub, EventKind } from './events.js';

export interface HandoffOptions {
  store: PlatformStore;
  events: EventHub;
  version: string;
  /** JSON-lines file of undeliverable webhook events. */
  deadLetter: string;
  onError?: (message: string) => void;
}

/** Subscribes hand-off to the hub; returns a function that waits for deliveries in flight and stops. */
export function startHandoff(opts: HandoffOptions): () => Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const q = p
      .catch((err: unknown) => opts.onError?.((err as Error).message))
      .finally(() => inFlight.delete(q));
    inFlight.add(q);
  };
  const deliver = async (kind: EventKind, data: unknown) => {
    const { integrations } = await opts.store.getSettings();
    const alert = kind === 'alert' ? (data as Alert) : undefined;
    const payload = alert && integrations.ocsf ? alertToOcsf(alert, opts.version) : data;
    for (const w of integrations.webhooks)
      if (w.secret && w.events.includes(kind))
        track(
          sendWebhook(
            { url: w.url, secret: w.secret, deadLetter: opts.deadLetter },
            { type: kind, data: payload },
          ),
        );
    if (alert && integrations.syslog)
      track(sendSyslog(syslogLine(alert, opts.version), { ...integrations.syslog, protocol: 'udp' }));
  };
  const unsubscribe = opts.events.subscribe((kind, data) => track(deliver(kind, data)));
  return async () => {
    unsubscribe();
    await Promise.all([...inFlight]);
  };
}
