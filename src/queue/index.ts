// Scale-out transport (NATS JetStream) and worker loop.
export {
  consumerName,
  createJetStreamQueue,
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_PARTITIONS,
  deleteQueue,
  openQueue,
  parseQueueUrl,
  partitionOf,
  type QueueConfig,
  type QueueConnection,
  streamName,
  subjectOf,
} from './jetstream.js';
export { advisoryLock } from './lock.js';
export { runWorker, type WorkerOptions } from './worker.js';
