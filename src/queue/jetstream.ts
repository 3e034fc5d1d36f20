// The scale-out transport: ingest publishes exchanges to a NATS JetStream stream, partitioned by actor,
// and `mamori worker` processes consume them. Subjects are `mamori.<prefix>.exchanges.<partition>`
// with partition = fnv1a(actorOf(ex).id) mod N, one durable pull consumer per partition
// (`p<partition>`), explicit acknowledgement. A worker acks a message only after the pipeline has
// committed its batch to the store; a worker that dies before that leaves its messages unacked and
// JetStream redelivers them after the ack wait. The pipeline skips exchange ids already processed, so
// a message committed but not acked (a crash between the two) counts once. Publishing sets the
// JetStream message id to the exchange id, so a re-sent exchange within the duplicate window is not
// stored twice either.

import {
  AckPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { actorOf, type TrustedProxies } from '../identity/index.js';
import { type Exchange, InputError } from '../model/index.js';
import type { IngestQueue, IngestResult } from '../pipeline/index.js';

export interface QueueConfig {
  /** NATS servers, e.g. `127.0.0.1:4222`. */
  servers: string;
  /** Names the stream (`MAMORI_<prefix>`) and subjects (`mamori.<prefix>.exchanges.<p>`). */
  prefix: string;
  /** Partitions (one subject and one durable consumer each). */
  partitions: number;
  /** Redelivery delay of an unacknowledged message (consumer ack wait), ms. */
  ackWaitMs: number;
}

export const DEFAULT_PARTITIONS = 4;
export const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * `nats://host:port[,host:port]?prefix=NAME&partitions=N&ackWaitMs=MS`. Every process of one
 * deployment (server and workers) must use the same prefix and partition count.
 */
export function parseQueueUrl(url: string): QueueConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(`queue URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'nats:') throw bad(`queue URL must start with nats:// (got ${parsed.protocol}//)`);
  const prefix = parsed.searchParams.get('prefix') ?? 'default';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(prefix))
    throw bad(`queue prefix must be 1-64 letters, digits, _ or - (got ${prefix})`);
  const partitions = intParam(parsed, 'partitions', DEFAULT_PARTITIONS, 1, 1024);
  const ackWaitMs = intParam(parsed, 'ackWaitMs', DEFAULT_ACK_WAIT_MS, 1000, 3_600_000);
  return { servers: parsed.host || '127.0.0.1:4222', prefix, partitions, ackWaitMs };
}

function intParam(u: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = u.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw bad(`queue URL ${name} must be an integer from ${min} to ${max} (got ${raw})`);
  return n;
}

const bad = (message: string) => new InputError({ code: 'queue.url.invalid', message });

export const streamName = (c: Pick<QueueConfig, 'prefix'>) => `MAMORI_${c.prefix}`;
export const subjectOf = (c: Pick<QueueConfig, 'prefix'>, partition: number) =>
  `mamori.${c.prefix}.exchanges.${partition}`;
export const consumerName = (partition: number) => `p${partition}`;

/** FNV-1a 32-bit of the actor id, mod `partitions`: one actor, one partition, one worker. */
export function partitionOf(ex: Exchange, partitions: number, trusted?: TrustedProxies): number {
  const id = actorOf(ex, trusted).id;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export interface QueueConnection {
  readonly config: QueueConfig;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  close(): Promise<void>;
}

/** Connects and makes sure the stream and one durable consumer per partition exist (idempotent). */
export async function openQueue(config: QueueConfig): Promise<QueueConnection> {
  const nc = await connect({ servers: config.servers.split(','), name: `mamori-${config.prefix}` });
  try {
    const jsm = await jetstreamManager(nc);
    const name = streamName(config);
    const subjects = [`mamori.${config.prefix}.exchanges.*`];
    try {
      await jsm.streams.info(name);
    } catch {
      // File storage: an acknowledged publish survives a NATS restart. Limits retention: the stream
      // keeps messages (bounded by max_age) so a new consumer group can replay them.
      await jsm.streams.add({ name, subjects, max_age: nanos(7 * 24 * 3600 * 1000) });
    }
    for (let p = 0; p < config.partitions; p++) {
      await jsm.consumers.add(name, {
        durable_name: consumerName(p),
        filter_subject: subjectOf(config, p),
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(config.ackWaitMs),
        max_ack_pending: 10_000,
      });
    }
    const js = jetstream(nc);
    return {
      config,
      nc,
      js,
      jsm,
      async close() {
        await nc.drain().catch(() => nc.close());
      },
    };
  } catch (err) {
    await nc.close();
    throw err;
  }
}

/** Deletes the stream (and with it its consumers): test and bench cleanup. */
export async function deleteQueue(config: QueueConfig): Promise<void> {
  const nc = await connect({ servers: config.servers.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamName(config)).catch(() => false);
  } finally {
    await nc.close();
  }
}

const PUBLISH_WINDOW = 512;

/**
 * The server's ingest queue in scale-out mode: `push` resolves once JetStream has stored every
 * exchange of the batch (the 202 means "durably queued"); analysis happens in the workers, so the
 * result reports `processed: 0` and the exchanges JetStream recognised as already published as
 * duplicates.
 */
export function createJetStreamQueue(q: QueueConnection, trusted?: TrustedProxies): IngestQueue {
  let pending = 0;
  let last: Promise<unknown> = Promise.resolve();
  const enc = new TextEncoder();
  async function publish(exchanges: Exchange[]): Promise<IngestResult> {
    let duplicates = 0;
    for (let i = 0; i < exchanges.length; i += PUBLISH_WINDOW) {
      const acks = await Promise.all(
        exchanges.slice(i, i + PUBLISH_WINDOW).map((ex) =>
          q.js.publish(
            subjectOf(q.config, partitionOf(ex, q.config.partitions, trusted)),
            enc.encode(JSON.stringify(ex)),
            {
              msgID: ex.id,
            },
          ),
        ),
      );
      for (const a of acks) if (a.duplicate) duplicates++;
    }
    return { received: exchanges.length, processed: 0, duplicates, alerts: 0, endpoints: 0 };
  }
  return {
    get pending() {
      return pending;
    },
    push(exchanges) {
      pending += exchanges.length;
      const done = publish(exchanges).finally(() => {
        pending -= exchanges.length;
      });
      last = Promise.all([last, done.catch(() => undefined)]);
      return done;
    },
    async drain() {
      await last;
    },
  };
}

export type { JsMsg };
