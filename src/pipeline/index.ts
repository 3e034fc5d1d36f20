// The analysis pipeline (exchanges → inventory, traffic audit, detection, masked retention → store).
export { credentialRef, DEFAULT_BODY_CAP, type MaskAction, type MaskOptions, maskExchange } from './mask.js';
export {
  type CommitLock,
  createPipeline,
  endpointProducer,
  type IngestResult,
  type Pipeline,
  type PipelineOptions,
  specFindingsProducer,
} from './pipeline.js';
export { createIngestQueue, type IngestQueue, QueueFullError } from './queue.js';
